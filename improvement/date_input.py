"""The GOV.UK date input for every date a person types: day, month and year in three boxes
(no browser date picker, whose format follows the browser's locale), with the Design
System's messages: "must include a month", "must be a real date", "Year must include 4
numbers".

A date also arrives as one value (`?as_at=2025-03-31` in a link or a bookmark, or
`31/03/2025`): the widget reads that first, so addresses made before the three boxes
still work."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

import django_filters
from django import forms
from django.utils import timezone

PARTS = ("day", "month", "year")
# A link or a bookmark carries the date as one value, as the tracker writes it (ISO) or
# as a person in England writes it.
ONE_VALUE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# People write months as words too ("Feb", "february"): the Design System asks services
# to accept them.
MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTH_NAMES["sept"] = 9


@dataclass(frozen=True)
class DateParts:
    """What was typed into the three boxes, as typed."""

    day: str = ""
    month: str = ""
    year: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"day": self.day, "month": self.month, "year": self.year}


class DateInputWidget(forms.Widget):
    """Three boxes named `<name>-day`, `<name>-month`, `<name>-year` (drawn by the GOV.UK
    date input macro through `config/templatetags/govuk_forms.py`)."""

    input_type = "date-parts"
    template_name = "django/forms/widgets/input.html"  # never drawn: the adapter draws it

    def value_from_datadict(self, data, files, name):
        if data.get(name):
            return data.get(name)
        typed = DateParts(*(str(data.get(f"{name}-{part}", "")).strip() for part in PARTS))
        if not (typed.day or typed.month or typed.year):
            return None
        return typed

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in PARTS)


def parts_of(value) -> DateParts:
    """The three boxes' contents for a value: a date, typed parts or one typed value."""
    if isinstance(value, DateParts):
        return value
    if isinstance(value, date):
        return DateParts(str(value.day), str(value.month), str(value.year))
    if isinstance(value, str) and value:
        parsed = _one_value(value)
        if parsed:
            return parts_of(parsed)
        return DateParts(day=value)
    return DateParts()


def _one_value(text: str) -> date | None:
    for fmt in ONE_VALUE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _missing_words(missing: list[str]) -> str:
    return " and ".join(f"a {part}" for part in missing)


class GovUKDateField(forms.Field):
    """A date typed as day, month and year. `subject` names the date in messages ("The
    due date must be a real date"); `past_only` refuses a date after today."""

    widget = DateInputWidget

    def __init__(self, *, subject: str | None = None, past_only: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.subject = subject or (str(self.label) if self.label else "The date")
        self.past_only = past_only

    def _refuse(self, message: str, code: str, parts=PARTS):
        # `parts`: the boxes to mark, so the error summary links to the first of them. An
        # attribute, not `params`, which would %-format a subject holding "80%".
        error = forms.ValidationError(message, code=code)
        error.parts = list(parts)
        raise error

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            parsed = _one_value(value)
            if parsed is None:
                self._refuse(f"{self.subject} must be a real date", "invalid")
            return parsed
        typed: DateParts = value
        missing = [part for part in PARTS if not getattr(typed, part)]
        if missing:
            self._refuse(
                f"{self.subject} must include {_missing_words(missing)}", "incomplete", missing
            )
        day = typed.day if typed.day.isdigit() else None
        month = typed.month if typed.month.isdigit() else MONTH_NAMES.get(typed.month.lower())
        year = typed.year if typed.year.isdigit() else None
        if year is not None and len(year) != 4:
            self._refuse("Year must include 4 numbers", "year_digits", ["year"])
        wrong = [
            part
            for part, number in (("day", day), ("month", month), ("year", year))
            if number is None
        ]
        if wrong:
            self._refuse(f"{self.subject} must be a real date", "invalid", wrong)
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            self._refuse(f"{self.subject} must be a real date", "invalid")

    def validate(self, value):
        super().validate(value)
        if value and self.past_only and value > timezone.localdate():
            self._refuse(f"{self.subject} must be today or in the past", "future")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True


def error_parts(bound_field) -> list[str]:
    """The boxes of a date that are wrong (all three when the date as a whole is)."""
    if not bound_field.errors:
        return []
    for error in bound_field.errors.as_data():
        parts = getattr(error, "parts", None)
        if parts:
            return [part for part in PARTS if part in parts]
    return list(PARTS)


class DateFilter(django_filters.Filter):
    """A django-filter filter on a date typed as day, month and year."""

    field_class = GovUKDateField


def date_filter(label: str, subject: str, **kwargs) -> DateFilter:
    return DateFilter(label=label, subject=subject, **kwargs)
