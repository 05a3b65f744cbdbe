"""What a list's filters are set to, in words, for the one line above its results
("Plan: Slough workforce strategy; Status: On track") and its "Clear filters" link.

The lists' filters sit in a panel that is closed by default (at 200% zoom eleven of them
pushed the results almost two screens down), so the page must say what is applied
without opening it. Works on any bound Django form: only fields that validated count,
each shown as its label and the chosen option's own words."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.utils.dateformat import format as format_date

# Not filters: the date the page is drawn as at (shown in its heading), the sort order and
# the page number are kept when the filters are cleared.
NOT_FILTERS = ("as_at", "sort", "page")


def applied_filters(form: forms.Form, *, leave_out=NOT_FILTERS) -> list[tuple[str, str]]:
    """(label, value in words) for each field of the form with a valid, non-empty value."""
    if not form.is_bound:
        return []
    form.is_valid()  # fills cleaned_data with the fields that validated
    cleaned = getattr(form, "cleaned_data", {})
    applied = []
    for name, field in form.fields.items():
        if name in leave_out or name in form.errors:
            continue
        value = cleaned.get(name)
        if value in (None, "", [], ()):
            continue
        applied.append((str(field.label or name), _in_words(field, value)))
    return applied


def _in_words(field: forms.Field, value) -> str:
    if isinstance(field, forms.ModelChoiceField):
        return str(field.label_from_instance(value))
    if isinstance(field, forms.ChoiceField):
        words = {str(key): label for key, label in _flat(field.choices)}
        return str(words.get(str(value), value))
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    return f"“{value}”"


def _flat(choices):
    for key, label in choices:
        if isinstance(label, (list, tuple)):  # an option group
            yield from _flat(label)
        else:
            yield key, label


def clear_query(data, *, keep=("as_at", "sort")) -> str:
    """The query string of the same list with every filter cleared ("?" alone when
    nothing is kept): the as-at date and the sort order stay as they were."""
    if not data:
        return "?"
    kept = [(name, data.get(name)) for name in keep if data.get(name)]
    return "?" + urlencode(kept)
