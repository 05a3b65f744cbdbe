"""Posting an admin change form as the page drew it: every field of the form and of its
inlines as shown (hidden ones too), with some changed or rows added, so a test says only
what it changes."""


def _value(bound) -> object:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def admin_form_data(response, changes=None, rows=None) -> dict:
    """The data the change (or add) page in `response` would post. `changes` sets main form
    fields; `rows` maps an inline's prefix to extra rows (dicts of field values) to add."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = _value(form[name])
        if value not in ("", []):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = _value(formset.management_form[name])
        for row in formset.forms:
            for name in row.fields:
                value = _value(row[name])
                if value not in ("", []):
                    data[row.add_prefix(name)] = value
        added = (rows or {}).get(formset.prefix, [])
        total = int(data[f"{formset.prefix}-TOTAL_FORMS"])
        for i, row in enumerate(added, start=total):
            for name, value in row.items():
                data[f"{formset.prefix}-{i}-{name}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(total + len(added))
    data.update(changes or {})
    return data
