"""Django form fields drawn as GOV.UK Frontend components, through govuk-frontend-django.

govuk-frontend-django (which follows GOV.UK Frontend 6) gives each component as a
dataclass drawn by the Design System's own macros (govuk-frontend-jinja); it does not yet
bind a Django form field to one (its `gds_field_component` is unimplemented), so this module
does: `{% govuk_field form.x %}` picks the component from the widget and fills in the
label, hint, error message, value and choices. `{% govuk_error_summary form formset %}`
draws the error summary with each link aimed at the element that has the error (a radio
group's first option, a date's first wrong box).

The library draws every component in a Jinja environment it builds afresh, compiling the
macro each time (about 0.3 s a field); here one environment is kept and each macro
compiled once.
"""

from __future__ import annotations

from functools import cache

from django import forms, template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from govuk_frontend_django.components.checkboxes import GovUKCheckboxes
from govuk_frontend_django.components.date_input import GovUKDateInput
from govuk_frontend_django.components.error_summary import GovUKErrorSummary
from govuk_frontend_django.components.file_upload import GovUKFileUpload
from govuk_frontend_django.components.input import GovUKInput
from govuk_frontend_django.components.radios import GovUKRadios
from govuk_frontend_django.components.select import GovUKSelect
from govuk_frontend_django.components.textarea import GovUKTextarea
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from improvement.date_input import DateInputWidget, error_parts, parts_of

register = template.Library()

_ENV = Environment(
    loader=ChoiceLoader(
        [PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    ),
    autoescape=select_autoescape(default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


@cache
def _macro(template_name: str, macro_name: str):
    return getattr(_ENV.get_template(template_name).module, macro_name)


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def render_component(component) -> SafeString:
    """One govuk-frontend-django component drawn by its GOV.UK Frontend macro."""
    macro = _macro(component._jinja2_template, component._macro_name)
    data = _without_none(dict(component.__dict__))
    return mark_safe(str(macro(data)).strip())  # noqa: S308 - the macro escapes what it draws


def _legend_class(label_class: str, default: str = "") -> str:
    """Fieldset components take legend sizes; callers may pass a label size."""
    return (label_class or default).replace("govuk-label--", "govuk-fieldset__legend--")


def _label_text(field, optional: bool) -> str:
    text = str(field.label)
    if optional:
        text += " (optional)"
    return text


def _error(field):
    if not field.errors:
        return None
    return {"html": format_html_join(mark_safe("<br>"), "{}", ((e,) for e in field.errors))}


def first_input_id(field) -> str:
    """The id an error summary links to: the field's first input. For radios and lists of
    checkboxes it is the first option's; for a date the first box that is wrong."""
    widget = field.field.widget
    if isinstance(widget, DateInputWidget):
        parts = error_parts(field) or ["day"]
        return f"{field.auto_id}-{parts[0]}"
    if field.id_for_label:
        return field.id_for_label
    for option in field.subwidgets:
        if option.id_for_label:
            return option.id_for_label
    return field.auto_id or ""


register.filter("first_input_id", first_input_id)


def _hint(field, extra_html=""):
    if not field.help_text and not extra_html:
        return None
    html = conditional_escape(field.help_text)
    if extra_html:
        html = format_html("{}{}", html, extra_html) if html else extra_html
    return {"html": html}


@register.simple_tag
def govuk_field(
    field,
    label_class="",
    input_class="",
    autocomplete="",
    descriptions=None,
    radio_tags=False,
    labels=None,
    conditional=None,
    hint_html="",
    before_input="",
    described_by="",
):
    """A bound field as its GOV.UK component. `descriptions`: a hint under each radio, by
    value; `conditional`: HTML revealed under a radio (by value) or a single checkbox
    (key True) when it is chosen; `radio_tags`: radio labels drawn as status tags in
    `labels`' words; `before_input`: HTML between the hint and the control (a message
    about files that were not kept), `described_by` its id."""
    if field is None or field == "":
        return ""
    widget = field.field.widget
    if widget.is_hidden:
        return str(field)
    optional = not field.field.required and getattr(field.form, "mark_optional", False)
    error = _error(field)
    form_group = {"attributes": {"id": f"{field.auto_id}-group"}} if field.auto_id else {}
    if before_input:
        form_group["beforeInput"] = {"html": before_input}
    # Radios and the date input take no describedBy of their own (their fieldset does).
    grouped = {
        "hint": _hint(field, hint_html),
        "errorMessage": error,
        "formGroup": form_group or None,
    }
    common = {**grouped, "describedBy": described_by or None}

    if isinstance(widget, DateInputWidget):
        typed = parts_of(field.value())
        wrong = error_parts(field)
        widths = {"day": 2, "month": 2, "year": 4}
        items = [
            {
                "name": part,
                "value": getattr(typed, part),
                "classes": f"govuk-input--width-{widths[part]}"
                + (" govuk-input--error" if part in wrong else ""),
            }
            for part in ("day", "month", "year")
        ]
        return render_component(
            GovUKDateInput(
                id=field.auto_id,
                namePrefix=field.html_name,
                items=items,
                fieldset={
                    "legend": {
                        "text": _label_text(field, optional),
                        "classes": _legend_class(label_class),
                    }
                },
                **grouped,
            )
        )

    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        descriptions = descriptions or {}
        conditional = conditional or {}
        items = []
        for option in field.subwidgets:
            value = str(option.data["value"])
            item = {
                "value": value,
                "id": option.id_for_label,
                "checked": bool(option.data["selected"]),
            }
            if radio_tags:
                from improvement.templatetags.tracker import status_tag

                item["html"] = status_tag(value, labels)
            else:
                item["text"] = str(option.choice_label)
            if descriptions.get(value):
                item["hint"] = {"text": descriptions[value]}
            if conditional.get(value):
                item["conditional"] = {"html": conditional[value]}
            items.append(item)
        component = GovUKRadios if isinstance(widget, forms.RadioSelect) else GovUKCheckboxes
        return render_component(
            component(
                name=field.html_name,
                idPrefix=field.auto_id,
                items=items,
                fieldset={
                    "legend": {
                        "text": _label_text(field, optional),
                        "classes": _legend_class(label_class, "govuk-fieldset__legend--s"),
                    }
                },
                classes="govuk-radios--small" if "small" in input_class else None,
                **grouped,
            )
        )

    if isinstance(widget, forms.CheckboxInput):
        item = {
            "value": "on",
            "id": field.id_for_label,
            "text": str(field.label),
            "checked": bool(field.value()),
        }
        if field.help_text:
            item["hint"] = {"text": str(field.help_text)}
        if conditional:
            item["conditional"] = {"html": conditional}
        return render_component(
            GovUKCheckboxes(
                name=field.html_name,
                idPrefix=field.auto_id,
                items=[item],
                classes="govuk-checkboxes--small",
                hint=None,
                errorMessage=error,
                formGroup=form_group or None,
            )
        )

    label = {"text": _label_text(field, optional), "classes": label_class or None}

    if isinstance(widget, forms.Select):
        current = field.value()
        current = "" if current is None else str(current)
        items = [
            {"value": str(value), "text": str(text), "selected": str(value) == current}
            for value, text in field.field.choices
        ]
        return render_component(
            GovUKSelect(
                id=field.id_for_label,
                name=field.html_name,
                items=items,
                label=label,
                classes=input_class or None,
                **common,
            )
        )

    if isinstance(widget, forms.Textarea):
        value = field.value()
        return render_component(
            GovUKTextarea(
                id=field.id_for_label,
                name=field.html_name,
                rows=str(widget.attrs.get("rows", 5)),
                value="" if value is None else str(value),
                label=label,
                **common,
            )
        )

    if isinstance(widget, forms.FileInput):
        attributes = {}
        if widget.attrs.get("accept"):
            attributes["accept"] = widget.attrs["accept"]
        return render_component(
            GovUKFileUpload(
                id=field.id_for_label,
                name=field.html_name,
                multiple=bool(getattr(widget, "allow_multiple_selected", False)) or None,
                label=label,
                attributes=attributes or None,
                **common,
            )
        )

    value = field.value()
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        value = None  # a password is never written back into the page
    kind = getattr(widget, "input_type", "text")
    inputmode = None
    if kind == "number":
        # GOV.UK asks for a text box with a numeric keyboard, not type=number (which
        # changes a value on scrolling and drops what it cannot parse).
        kind, inputmode = "text", "decimal"
    return render_component(
        GovUKInput(
            id=field.id_for_label,
            name=field.html_name,
            type=kind,
            inputmode=inputmode,
            value=None if value in (None, "") else str(value),
            label=label,
            autocomplete=autocomplete or None,
            classes=input_class or None,
            spellcheck=False if inputmode else None,
            **common,
        )
    )


def error_list(form=None, formset=None, formset_label="", non_field_href="") -> list[dict]:
    """Every error of `form` (and `formset`'s forms) as the summary lists it, each with
    the href of the element it is about (`non_field_href`, or none, for an error about
    the whole form)."""
    errors: list[dict] = []
    if form is not None and form != "":
        errors += [
            {"text": str(e), "href": non_field_href or None} for e in form.non_field_errors()
        ]
        for field in form:
            errors += [{"text": str(e), "href": f"#{first_input_id(field)}"} for e in field.errors]
    if formset is not None and formset != "":
        errors += [{"text": str(e)} for e in formset.non_form_errors()]
        for number, row in enumerate(formset, start=1):
            prefix = f"{formset_label} {number}: " if formset_label else ""
            errors += [{"text": f"{prefix}{e}"} for e in row.non_field_errors()]
            for field in row:
                errors += [
                    {"text": f"{prefix}{e}", "href": f"#{first_input_id(field)}"}
                    for e in field.errors
                ]
    return errors


@register.simple_tag
def govuk_error_summary(form=None, formset=None, formset_label="", non_field_href=""):
    """The GOV.UK error summary, or nothing when there is no error."""
    errors = error_list(form, formset, formset_label, non_field_href)
    if not errors:
        return ""
    return render_component(GovUKErrorSummary(titleText="There is a problem", errorList=errors))


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}...{% endcapture %}`: HTML drawn once, kept in `name` (a
    conditional reveal's contents, a message placed beside a control)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
