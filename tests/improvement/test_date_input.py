"""The GOV.UK date input: day, month and year typed in three boxes, with the Design
System's messages, and a date in a link (`?as_at=2025-03-31`) still understood."""

from datetime import date, timedelta

import pytest
from django import forms
from django.utils import timezone

from config.templatetags.govuk_forms import first_input_id, govuk_field
from improvement.forms import date_field


class _Form(forms.Form):
    due = date_field("Due date", subject="The due date")
    done = date_field("Done on", subject="The date it was done", past_only=True)
    needed = date_field("Period end", required_message="Enter the period end.")


def _typed(name, day="", month="", year=""):
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def _errors(data):
    form = _Form(data={**_typed("needed", "1", "4", "2025"), **data})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("31", "2", "2026"), "The due date must be a real date"),
        (("30", "13", "2026"), "The due date must be a real date"),
        (("x", "2", "2026"), "The due date must be a real date"),
        (("12", "", "2026"), "The due date must include a month"),
        (("", "", "2026"), "The due date must include a day and a month"),
        (("12", "3", "26"), "Year must include 4 numbers"),
    ],
)
def test_a_wrong_date_gets_the_design_systems_message(typed, message):
    form = _errors(_typed("due", *typed))
    assert form.errors["due"] == [message]


def test_only_the_wrong_boxes_are_marked_and_the_summary_links_to_the_first():
    form = _errors(_typed("due", "12", "", "2026"))
    html = govuk_field(form["due"])
    assert first_input_id(form["due"]) == "id_due-month"
    month = html.split('id="id_due-month"')[0].rsplit("<input", 1)[1]
    day = html.split('id="id_due-day"')[0].rsplit("<input", 1)[1]
    assert "govuk-input--error" in month and "govuk-input--error" not in day
    assert 'value="12"' in html and 'value="2026"' in html  # what they typed, kept


def test_a_whole_date_that_is_wrong_links_to_the_day():
    form = _errors(_typed("due", "31", "2", "2026"))
    assert first_input_id(form["due"]) == "id_due-day"


def test_month_names_are_understood():
    form = _errors(_typed("due", "3", "March", "2026") | _typed("done", "1", "feb", "2020"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == date(2026, 3, 3)
    assert form.cleaned_data["done"] == date(2020, 2, 1)


def test_a_past_only_date_refuses_tomorrow_with_the_design_systems_words():
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = _errors(_typed("done", str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)))
    assert form.errors["done"] == ["The date it was done must be today or in the past"]


def test_a_required_date_left_empty_gets_its_own_message():
    form = _Form(data={})
    assert not form.is_valid()
    assert form.errors["needed"] == ["Enter the period end."]
    assert "due" not in form.errors  # optional dates may be empty


@pytest.mark.parametrize("value", ["2025-03-31", "31/03/2025"])
def test_a_date_in_a_link_is_still_understood(value):
    form = _Form(data={"needed": value})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["needed"] == date(2025, 3, 31)
    html = govuk_field(form["needed"])
    assert 'name="needed-day"' in html and 'value="31"' in html and 'value="2025"' in html


def test_the_date_input_has_no_browser_picker():
    html = govuk_field(_Form()["due"])
    assert 'type="date"' not in html
    assert html.count('inputmode="numeric"') == 3
    assert '<legend class="govuk-fieldset__legend">' in html or "Due date" in html
