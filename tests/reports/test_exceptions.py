"""The exceptions report: only objectives and actions off track, at risk or overdue,
measures off target in the "indicator value (target)" form, and what changed since the
last reporting period (or a chosen date), with arrows and words."""

import datetime

import pytest
from django.urls import reverse

from improvement.models import ReportingPeriod
from improvement.reports.assembly import exceptions_report
from tests.reports.conftest import AS_AT

pytestmark = pytest.mark.django_db
D = datetime.date


def page(client, plan, query="?as_at=2025-06-30"):
    response = client.get(reverse("plan-exceptions", kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200
    return response


def test_only_troubled_objectives_actions_and_measures(plan):
    report = exceptions_report(plan, AS_AT, D(2025, 3, 31))
    assert [i.objective.reference for i in report.objectives] == ["1"]
    assert [i.action.reference for i in report.actions] == ["1.2", "1.10"]
    assert [m.in_brackets for m in report.measures] == ["Vacancy rate 14.0% (8.0%)"]
    assert report.summary == (
        "As at 30 June 2025, 1 objective is off track or at risk; 2 actions are off track, at "
        "risk or overdue (1 of them overdue); 1 measure is off target."
    )


def test_an_overdue_action_is_an_exception_whatever_its_status(plan):
    from tests.factories import ActionFactory, ProgressUpdateFactory

    objective = plan.objectives.get(reference="3")
    late = ActionFactory(objective=objective, reference="3.5", due_date=D(2025, 1, 31))
    ProgressUpdateFactory(action=late, as_at=D(2025, 6, 1), status="on_track")
    report = exceptions_report(plan, AS_AT, None)
    assert "3.5" in [i.action.reference for i in report.actions]


def test_what_changed_has_arrows_and_words(plan):
    rows = exceptions_report(plan, AS_AT, D(2025, 3, 31)).change_rows
    words = {row.what: row.in_words for row in rows}
    assert words["The plan"] == "↓ worse"
    assert words["Action 1.1"] == "✓ completed"
    assert words["Action 1.10"] == "↓ worse"
    assert words["Action 3.1"] == "↑ better"
    assert words["Objective 2"] == "★ new"
    late = next(r for r in rows if r.what == "Action 1.10")
    assert (late.before_label, late.after_label) == ("Amber", "Red")


def test_the_page_compares_with_the_last_period_by_default(signed_in, plan):
    response = page(signed_in, plan)
    assert response.context["exceptions"].since == D(2025, 3, 31)
    html = response.content.decode()
    assert ("Changes since", "31 March 2025") in response.context["cover"].lines
    assert "What changed since 31 March 2025" in html
    assert "<strong>↓ worse</strong>" in html and "<strong>✓ completed</strong>" in html
    measures = html[html.index("Measures off target") : html.index("What changed since")]
    assert "Vacancy rate" in measures and "14.0% (8.0%)" in measures
    actions = html[html.index("Actions off track") : html.index("Measures off target")]
    assert "Fill vacancies" in actions and "Cut agency use" in actions
    assert "Agree a workforce plan" not in actions and "Data task 1" not in actions


def test_the_page_compares_with_a_chosen_date_or_period(signed_in, plan):
    response = page(signed_in, plan, "?as_at=2025-06-30&since=2025-06-01")
    assert response.context["exceptions"].since == D(2025, 6, 1)
    q4 = ReportingPeriod.objects.get(name="Q4 2024/25")
    url = reverse("plan-exceptions", kwargs={"slug": plan.slug})
    response = signed_in.get(f"{url}?as_at=2025-06-30&since=2025-06-01&since_period={q4.pk}")
    # The period becomes the one date shown: its end, in the date field.
    assert response.status_code == 302
    assert response.url == f"{url}?as_at=2025-06-30&since=2025-03-31"
    assert signed_in.get(response.url).context["exceptions"].since == D(2025, 3, 31)


def test_each_exception_has_its_narrative_and_what_moved(plan):
    report = exceptions_report(plan, AS_AT, D(2025, 3, 31))
    late = next(i for i in report.actions if i.action.reference == "1.10")
    assert late.narrative == "Agency use is 14% & rising."
    assert (late.before.label, late.action.status.label, late.movement) == (
        "Amber",
        "Red",
        "↓ worse",
    )
    objective = report.objectives[0]
    assert (objective.before.label, objective.movement) == ("Amber", "↓ worse")
    # Without a date to compare with, nothing claims to have moved.
    assert exceptions_report(plan, AS_AT, None).actions[0].movement == ""


def test_the_exceptions_key_lists_only_what_the_exceptions_show(plan):
    report = exceptions_report(plan, AS_AT, D(2025, 3, 31))
    labels = [line.label for line in report.key]
    # Red and Amber items, the changes' Complete, Green and Not started, the overdue flag.
    assert labels == ["Complete", "Green", "Amber", "Red", "Not started", "No status", "Overdue"]


def test_a_comparison_date_after_the_report_date_is_refused(signed_in, plan):
    response = page(signed_in, plan, "?as_at=2025-06-30&since=2025-07-01")
    assert "must be before the as-at date" in response.content.decode()
    assert response.context["report"] is None


def test_with_no_earlier_period_there_is_nothing_to_compare_with(signed_in, plan):
    response = page(signed_in, plan, "?as_at=2025-02-01")
    assert response.context["exceptions"].since is None
    assert "nothing to compare with" in response.content.decode()


def test_a_plan_with_nothing_wrong_says_so(signed_in, plan):
    html = page(signed_in, plan, "?as_at=2024-06-30").content.decode()
    assert "Nothing is off track, at risk or overdue" in html


def test_the_summary_leaves_out_what_has_no_exceptions(plan):
    from metrics.models import DataPoint

    DataPoint.objects.filter(measure__name="Vacancy rate").delete()
    report = exceptions_report(plan, D(2025, 3, 31), None)
    assert report.summary == (
        "As at 31 March 2025, 1 objective is off track or at risk; 1 action is off track, at "
        "risk or overdue."
    )
