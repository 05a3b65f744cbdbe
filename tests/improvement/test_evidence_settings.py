"""The plan's settings for how much evidence a status needs (overdue counts as at risk,
minimum share rated, staleness window): validated in the admin with a message next to the
field, shown on the plan page with the rule in words, and applied by the roll-up. And
"Not enough updates" can never be recorded as an update's status."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from improvement.history import plan_state_as_at
from improvement.models import Plan, ProgressUpdate
from improvement.periods import months_before, stale_before
from improvement.status import NOT_ENOUGH_UPDATES, Status
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def plan_form(**changes):
    data = {
        "title": "Workforce plan",
        "slug": "workforce-plan",
        "organisation": "Anytown Council",
        "kind": "action_plan",
        "rollup_rule": "worst_wins",
        "off_track_threshold": "25",
        "at_risk_threshold": "10",
        "overdue_at_risk": "on",
        "minimum_rated": "50",
        "staleness_periods": "2",
        "reporting_cadence": "quarterly",
        "objective_term": "objective",
    }
    for prefix in ("status_key", "sections", "objectives"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minimum_rated", "101", "Enter a share from 0 to 100%."),
        ("minimum_rated", "-1", "Enter a share from 0 to 100%."),
        ("minimum_rated", "half", "Enter a whole number."),
        ("staleness_periods", "0", "Enter at least 1 reporting period."),
        ("staleness_periods", "-2", "Enter at least 1 reporting period."),
        ("staleness_periods", "25", "Enter at most 24 reporting periods."),
        (
            "reporting_cadence",
            "weekly",
            "Select a valid choice. weekly is not one of the available choices.",
        ),
    ],
)
def test_bad_settings_are_refused_next_to_the_field_and_nothing_is_saved(
    admin_client, field, value, message
):
    response = admin_client.post("/admin/improvement/plan/add/", plan_form(**{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in errors[field]
    assert list(errors) == [field]  # next to that field, nothing else
    assert not Plan.objects.exists()


def test_good_settings_are_saved(admin_client):
    response = admin_client.post(
        "/admin/improvement/plan/add/",
        plan_form(minimum_rated="0", staleness_periods="4", overdue_at_risk=""),
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.minimum_rated, plan.staleness_periods, plan.overdue_at_risk) == (0, 4, False)


def test_the_database_refuses_settings_out_of_range_too():
    plan = PlanFactory()
    for field, value in (("minimum_rated", 101), ("staleness_periods", 0)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Plan.objects.filter(pk=plan.pk).update(**{field: value})


def test_the_defaults_are_overdue_at_risk_half_rated_and_two_periods():
    plan = PlanFactory()
    assert (plan.overdue_at_risk, plan.minimum_rated, plan.staleness_periods) == (True, 50, 2)
    # Two quarterly periods: evidence older than six months is stale.
    assert stale_before(plan, D(2025, 9, 1)) == D(2025, 3, 1)
    assert months_before(D(2025, 8, 31), 6) == D(2025, 2, 28)


def test_the_plan_page_states_the_rules_in_words(signed_in):
    plan = PlanFactory(minimum_rated=60, overdue_at_risk=False, staleness_periods=3)
    html = signed_in.get(plan.get_absolute_url() + "?as_at=2025-09-01").content.decode()
    assert "Below 60% of its actions (or objectives) rated, a status is" in html
    assert "Overdue work is flagged but does not change the status." in html
    assert "Evidence older than three reporting periods (9 months) is flagged" in html
    assert "dated before 1 December 2024" in html


def test_the_settings_change_the_roll_up():
    plan = PlanFactory()
    objective = ObjectiveFactory(plan=plan, reference="1")
    late = ActionFactory(objective=objective, reference="1.1", due_date=D(2025, 6, 30))
    ProgressUpdateFactory(action=late, as_at=D(2025, 5, 1), status="on_track")
    for i in range(2):
        ProgressUpdateFactory(
            action=ActionFactory(objective=objective, reference=f"1.{i + 2}"),
            as_at=D(2025, 5, 1),
            status="",
        )
    state = plan_state_as_at(plan, D(2025, 9, 1))
    assert state.objectives[0].status == NOT_ENOUGH_UPDATES  # 1 of 3 rated
    assert state.status is NOT_ENOUGH_UPDATES
    assert state.rollup.reason == (
        "Not enough updates: 0 of 1 objectives rated; 1 with not enough updates; "
        "1 with overdue actions. At least 50% of the objectives must be rated for a status."
    )
    plan.minimum_rated = 30
    plan.save()
    assert plan_state_as_at(plan, D(2025, 9, 1)).status == Status.AT_RISK  # overdue
    plan.overdue_at_risk = False
    plan.save()
    assert plan_state_as_at(plan, D(2025, 9, 1)).status == Status.ON_TRACK


def test_stale_assessments_say_so_with_their_date():
    plan = PlanFactory()
    objective = ObjectiveFactory(plan=plan, reference="27")
    ProgressUpdateFactory(action=None, objective=objective, as_at=D(2013, 7, 30), status="at_risk")
    recent = plan_state_as_at(plan, D(2013, 9, 30)).objectives[0]
    assert (recent.assessed_on, recent.assessed_stale, recent.stale) == (
        D(2013, 7, 30), False, False,
    )  # fmt: skip
    today = plan_state_as_at(plan, D(2025, 9, 1))
    [old] = today.objectives
    assert (old.status, old.assessed_stale, old.stale) == (Status.AT_RISK, True, True)
    assert old.reason == (
        "From the assessment of 30 July 2013: this objective has no actions to roll up. "
        "It is stale."
    )
    assert today.coverage.words == "1 of 1 objectives rated; 1 stale"
    assert today.latest_evidence_on == D(2013, 7, 30)


def test_not_enough_updates_cannot_be_recorded_as_an_updates_status():
    update = ProgressUpdateFactory.build(
        action=ActionFactory(), status=NOT_ENOUGH_UPDATES.value, as_at=D(2025, 6, 30)
    )
    with pytest.raises(ValidationError) as refused:
        update.full_clean()
    assert "status" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.filter(pk=ProgressUpdateFactory().pk).update(
            status=NOT_ENOUGH_UPDATES.value
        )
