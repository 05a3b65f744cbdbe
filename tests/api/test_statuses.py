"""Statuses as at a date are exactly what `improvement.history` and
`metrics.selectors` say, in the plan's own words beside the standard value; dates are ISO
and values are Decimal strings."""

import datetime
from decimal import Decimal

import pytest

from improvement import roles
from improvement.history import action_states_as_at, objective_states_as_at, plan_states_as_at
from improvement.models import Action, Objective, Plan, SignOff
from metrics.models import Measure
from metrics.selectors import measure_states
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    StatusKeyEntryFactory,
    TargetFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date
DATES = [D(2025, 2, 1), D(2025, 5, 15), D(2025, 9, 1)]


def value(status) -> str | None:
    return status.value if status is not None else None


@pytest.fixture
def plans():
    """Two plans whose statuses move over the year: updates on different days, one
    waiting for sign-off then approved, an assessed objective with no actions, a measure."""
    editor = UserFactory()
    ofsted = PlanFactory(slug="ofsted", title="Improvement notice", requires_sign_off=True)
    StatusKeyEntryFactory(plan=ofsted, status="on_track", label="Objective will be met")
    StatusKeyEntryFactory(plan=ofsted, status="complete", label="Objective met")
    leadership = ObjectiveFactory(plan=ofsted, reference="1")
    assessed_only = ObjectiveFactory(plan=ofsted, reference="2")
    first = ActionFactory(objective=leadership, reference="1.1", due_date=D(2025, 4, 30))
    second = ActionFactory(objective=leadership, reference="1.2", due_date=D(2025, 12, 31))
    ProgressUpdateFactory(action=first, as_at=D(2025, 1, 31), status="on_track")
    ProgressUpdateFactory(action=first, as_at=D(2025, 5, 1), status="off_track")
    waiting = ProgressUpdateFactory(
        action=second, as_at=D(2025, 3, 31), status="complete", needs_sign_off=True
    )
    SignOff(update=waiting, decision="approved", decided_by=editor, decided_on=D(2025, 6, 1)).save()
    ProgressUpdateFactory(
        action=None, objective=assessed_only, as_at=D(2025, 3, 1), status="at_risk"
    )
    ProgressUpdateFactory(action=None, objective=leadership, as_at=D(2025, 3, 1), status="complete")

    workforce = PlanFactory(slug="workforce", title="Workforce strategy")
    recruit = ObjectiveFactory(plan=workforce, reference="1")
    ActionFactory(objective=recruit, reference="1.1")
    ProgressUpdateFactory(
        action=ActionFactory(objective=recruit, reference="1.2"),
        as_at=D(2025, 4, 1),
        status="",
        narrative="Report with no RAG column.",
    )
    vacancy = MeasureFactory(plan=ofsted, name="Vacancy rate", direction="lower", amber_tolerance=2)
    vacancy.objectives.add(leadership)
    TargetFactory(measure=vacancy, value=Decimal("8"), due_date=D(2026, 3, 31))
    DataPointFactory(measure=vacancy, period_end=D(2025, 3, 31), value=Decimal("14"))
    DataPointFactory(measure=vacancy, period_end=D(2025, 6, 30), value=Decimal("9.5"))
    MeasureFactory(plan=workforce, name="Agency rate")
    return ofsted, workforce


@pytest.fixture
def api(api_as):
    return api_as(user_with_role(roles.VIEWER))


@pytest.mark.parametrize("as_at", DATES)
def test_plan_statuses_are_those_of_the_history(api, plans, as_at):
    expected = {
        s.plan.slug: (value(s.status), s.rollup.reason, s.overdue_count, len(s.actions))
        for s in plan_states_as_at(Plan.objects.all(), as_at)
    }
    got = {
        p["slug"]: (p["status"], p["status_reason"], p["overdue_action_count"], p["action_count"])
        for p in api.results("plans/", as_at=as_at.isoformat())
    }
    assert got == expected


@pytest.mark.parametrize("as_at", DATES)
def test_objective_statuses_are_those_of_the_history(api, plans, as_at):
    expected = {
        s.objective.pk: {
            "status": value(s.status),
            "rolled_up_status": value(s.derived.status),
            "assessed_status": value(s.assessed),
            "assessment_kinder": s.assessment_kinder,
            "status_basis": s.basis,
            "overdue_action_count": len(s.overdue_actions),
        }
        for s in objective_states_as_at(Objective.objects.all(), as_at)
    }
    got = {
        o["id"]: {key: o[key] for key in expected[o["id"]]}
        for o in api.results("objectives/", as_at=as_at.isoformat())
    }
    assert got == expected


@pytest.mark.parametrize("as_at", DATES)
def test_action_statuses_are_those_of_the_history(api, plans, as_at):
    expected = {
        s.action.pk: (
            value(s.status),
            s.overdue,
            s.last_updated_on.isoformat() if s.last_updated_on else None,
        )
        for s in action_states_as_at(Action.objects.all(), as_at)
    }
    got = {
        a["id"]: (a["status"], a["overdue"], a["last_update_on"])
        for a in api.results("actions/", as_at=as_at.isoformat())
    }
    assert got == expected


@pytest.mark.parametrize("as_at", DATES)
def test_measure_statuses_are_those_of_the_selector(api, plans, as_at):
    expected = {
        s.measure.pk: (value(s.status), s.assessment.reason)
        for s in measure_states(Measure.objects.all(), as_at)
    }
    got = {
        m["id"]: (m["status"], m["status_reason"])
        for m in api.results("measures/", as_at=as_at.isoformat())
    }
    assert got == expected


def test_an_approved_update_counts_from_the_day_of_its_approval(api, plans):
    def status_of_1_2(as_at):
        (action,) = [
            a
            for a in api.results("actions/", as_at=as_at, plan="ofsted")
            if a["reference"] == "1.2"
        ]
        return action["status"], action["status_label"]

    assert status_of_1_2("2025-05-31") == ("not_started", "Not started")
    assert status_of_1_2("2025-06-01") == ("complete", "Objective met")


def test_each_status_comes_with_the_plans_own_label(api, plans):
    (plan,) = api.results("plans/", as_at="2025-02-01", plan="ofsted")[:1]
    assert plan["status"] == "on_track" and plan["status_label"] == "Objective will be met"
    assert plan["status_labels"]["complete"] == "Objective met"
    assert plan["status_labels"]["at_risk"] == "At risk"
    objectives = {
        o["reference"]: o for o in api.results("objectives/", plan="ofsted", as_at="2025-03-31")
    }
    assert objectives["2"]["status_basis"] == "assessment"
    assert objectives["2"]["status_reason"] == (
        "From the assessment of 1 March 2025: this objective has no actions to roll up."
    )
    assert objectives["1"]["assessed_status_label"] == "Objective met"


def test_an_action_reported_on_without_a_status_has_none(api, plans):
    actions = api.results("actions/", plan="workforce", as_at="2025-06-30")
    assert [(a["reference"], a["status"], a["status_label"]) for a in actions] == [
        ("1.1", "not_started", "Not started"),
        ("1.2", None, "No status"),
    ]


def test_the_assessment_kinder_than_the_actions_is_flagged(api, plans):
    (leadership,) = [
        o
        for o in api.results("objectives/", plan="ofsted", as_at="2025-09-01")
        if o["reference"] == "1"
    ]
    assert leadership["rolled_up_status"] == "off_track"
    assert leadership["assessed_status"] == "complete"
    assert leadership["assessment_kinder"] is True
    assert leadership["measure_ids"] == [Measure.objects.get(name="Vacancy rate").pk]


def test_measures_give_values_as_decimal_strings_and_dates_as_iso(api, plans):
    (vacancy,) = api.results("measures/", plan="ofsted", as_at="2025-07-01")
    assert vacancy["latest_value"] == "9.5"
    assert vacancy["latest_period_end"] == "2025-06-30"
    assert vacancy["latest_display"] == "9.5%"
    assert vacancy["previous_value"] == "14"
    assert vacancy["target_value"] == "8" and vacancy["target_due_date"] == "2026-03-31"
    assert vacancy["shortfall"] == "1.5" and vacancy["amber_tolerance"] == "2"
    assert (vacancy["status"], vacancy["status_label"]) == ("at_risk", "At risk")
    assert vacancy["change_since_previous"] == "-4.5"
    assert vacancy["trend_since_previous"] == "better"
    (agency,) = api.results("measures/", plan="workforce")
    assert agency["status"] is None and agency["latest_value"] is None
    assert agency["status_reason"] == "No data yet."


def test_data_points_as_at_a_date_are_those_for_periods_ending_by_then(api, plans):
    values = api.results("data-points/", plan="ofsted", as_at="2025-05-01")
    assert [(p["period_end"], p["value"]) for p in values] == [("2025-03-31", "14")]
    values = api.results("data-points/", plan="ofsted", as_at="2025-07-01")
    assert [p["value"] for p in values] == ["14", "9.5"]


def test_the_as_at_date_defaults_to_today_and_is_given_back(api, plans):
    today = datetime.date.today().isoformat()
    assert {p["as_at"] for p in api.results("plans/")} == {today}
    assert {a["as_at"] for a in api.results("actions/", as_at="2025-05-15")} == {"2025-05-15"}


def test_a_date_not_in_iso_form_is_refused_with_the_reason(api, plans):
    response = api.get("actions/", as_at="31/03/2025")
    assert response.status_code == 400
    assert response.json() == {
        "as_at": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }


def test_a_plans_detail_is_its_row_of_the_list(api, plans):
    listed = {p["slug"]: p for p in api.results("plans/", as_at="2025-05-15")}
    assert api.json("plans/ofsted/", as_at="2025-05-15") == listed["ofsted"]
