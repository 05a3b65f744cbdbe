"""The list pages' filters (Actions, Objectives, Measures): in a panel closed by default,
with a line above the results saying what is applied, in the options' own words, and a
"Clear filters" link that keeps the as-at date and the sort order; the panel opens when a
filter is refused; sections and objectives are named with their plan, owners by name."""

import re

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse

from improvement.filter_summary import applied_filters, clear_query
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class Example(forms.Form):
    colour = forms.ChoiceField(
        label="Colour", required=False, choices=[("", "Any"), ("r", "Red"), ("g", "Green")]
    )
    since = forms.DateField(label="Since", required=False)
    text = forms.CharField(label="Contains", required=False)
    as_at = forms.DateField(required=False)


def test_applied_filters_are_in_the_options_own_words_and_skip_the_refused():
    form = Example({"colour": "g", "since": "2026-01-31", "text": "foster", "as_at": "2026-02-01"})
    assert applied_filters(form) == [
        ("Colour", "Green"),
        ("Since", "31 January 2026"),
        ("Contains", "“foster”"),
    ]  # the as-at date is the page's viewpoint, not a filter
    refused = Example({"colour": "purple", "since": "31/02/2026", "text": ""})
    assert applied_filters(refused) == []
    assert applied_filters(Example()) == []


def test_clear_keeps_the_date_and_the_order_only():
    data = QueryDict("plan=3&status=on_track&as_at=2026-03-31&sort=-status&page=2")
    assert clear_query(data) == "?as_at=2026-03-31&sort=-status"
    assert clear_query(QueryDict("plan=3")) == "?"
    assert clear_query(QueryDict("")) == "?"


@pytest.fixture
def two_plans():
    owner = UserFactory(username="pshah", first_name="Priya", last_name="Shah")
    plans = []
    for title in ("Workforce strategy", "Improvement notice"):
        plan = PlanFactory(title=title)
        section = SectionFactory(plan=plan, title="Leadership")
        objective = ObjectiveFactory(plan=plan, reference="1", title="Recruit", section=section)
        ActionFactory(objective=objective, reference="1.1", owner=owner)
        MeasureFactory(plan=plan, owner=owner)
        plans.append(plan)
    return plans, owner


def _summary(html: str) -> str:
    found = re.search(r'<p class="govuk-body app-filter-summary"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def _panel(html: str) -> str:
    return re.search(r'<details class="govuk-details app-filter-panel"[^>]*>', html).group(0)


def test_the_action_list_says_what_is_applied_and_clears_it(signed_in, two_plans):
    (plan, _), owner = two_plans
    url = reverse("action-list")
    html = signed_in.get(url, {"plan": plan.pk, "owner": owner.pk, "sort": "-status"}).content
    html = html.decode()
    summary = _summary(html)
    assert "1 action where plan is Workforce strategy ; owner is Priya Shah ." in summary
    assert 'href="?sort=-status">Clear filters</a>' in html
    assert " open" not in _panel(html)  # closed: the results come first
    assert "Filter actions (2 applied)" in html
    # Both plans have an objective 1 and a Leadership section: each option names its plan.
    assert "1 Recruit — Workforce strategy</option>" in html
    assert "Leadership — Workforce strategy</option>" in html
    assert ">Priya Shah</option>" in html and ">pshah</option>" not in html
    # The sort order is kept when the form is sent again.
    assert '<input type="hidden" name="sort" value="-status">' in html

    html = signed_in.get(url).content.decode()
    assert "2 actions (no filters applied)." in _summary(html) and "Clear filters" not in html


def test_a_refused_filter_opens_the_panel(signed_in, two_plans):
    html = signed_in.get(reverse("action-list"), {"due_after": "31/02/2026"}).content.decode()
    assert " open" in _panel(html)
    assert "There is a problem" in html
    assert "(no filters applied)" in _summary(html)  # the refused date is not applied


def test_the_objective_and_measure_lists_have_the_same_panel(signed_in, two_plans):
    (plan, _), owner = two_plans
    html = signed_in.get(reverse("objective-list"), {"plan": plan.pk}).content.decode()
    assert "1 objective where plan is Workforce strategy ." in _summary(html)
    assert "Filter objectives (1 applied)" in html and " open" not in _panel(html)
    html = signed_in.get(reverse("objective-list"), {"as_at": "nonsense"}).content.decode()
    assert " open" in _panel(html)

    html = signed_in.get(
        reverse("measure-list"), {"owner": owner.pk, "status": "none"}
    ).content.decode()
    summary = _summary(html)
    assert "2 measures where owner is Priya Shah ; status is No status" in summary
    assert "Filter measures (2 applied)" in html and " open" not in _panel(html)
    assert 'href="?">Clear filters</a>' in html
    html = signed_in.get(reverse("measure-list"), {"as_at": "31/02/2026"}).content.decode()
    assert " open" in _panel(html)


def test_the_stacked_tables_name_each_cell_for_sighted_readers_only(signed_in, two_plans):
    html = signed_in.get(reverse("action-list")).content.decode()
    assert 'class="govuk-table app-table--stack' in html and 'role="table"' in html
    labels = re.findall(r'<span class="app-cell-label" aria-hidden="true">([^<]+)</span>', html)
    assert labels[:9] == [
        "Plan",
        "Objective",
        "Ref",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Overdue",
        "Last update",
    ]
