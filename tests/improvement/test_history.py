"""Status as at a date, from the dated updates alone, and what changed between dates."""

import datetime

import pytest

from improvement.history import (
    action_state_as_at,
    changes_between,
    objective_state_as_at,
    plan_state_as_at,
)
from improvement.status import RollupRule, Status
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_status_changes_on_the_date_of_its_update_and_not_before():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, as_at=D(2025, 3, 31), status="on_track")
    ProgressUpdateFactory(action=action, as_at=D(2025, 6, 30), status="off_track")

    assert action_state_as_at(action, D(2025, 3, 30)).status == Status.NOT_STARTED
    assert action_state_as_at(action, D(2025, 3, 31)).status == Status.ON_TRACK
    assert action_state_as_at(action, D(2025, 6, 29)).status == Status.ON_TRACK
    assert action_state_as_at(action, D(2025, 6, 30)).status == Status.OFF_TRACK


def test_the_latest_of_two_updates_on_the_same_day_wins():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, as_at=D(2025, 6, 30), status="at_risk")
    ProgressUpdateFactory(action=action, as_at=D(2025, 6, 30), status="on_track")
    assert action_state_as_at(action, D(2025, 6, 30)).status == Status.ON_TRACK


def test_an_update_without_a_status_keeps_the_last_status_given():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, as_at=D(2025, 3, 31), status="at_risk")
    ProgressUpdateFactory(action=action, as_at=D(2025, 4, 30), status="", narrative="A note")
    state = action_state_as_at(action, D(2025, 5, 1))
    assert state.status == Status.AT_RISK
    assert state.status_since == D(2025, 3, 31)
    assert state.last_updated_on == D(2025, 4, 30)


def test_an_action_reported_on_without_any_status_has_no_status():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, as_at=D(2004, 2, 29), status="")
    assert action_state_as_at(action, D(2004, 3, 1)).status is None


def test_overdue_as_at_a_date():
    action = ActionFactory(due_date=D(2025, 3, 31))
    ProgressUpdateFactory(action=action, as_at=D(2025, 1, 1), status="on_track")
    assert not action_state_as_at(action, D(2025, 3, 31)).overdue
    assert action_state_as_at(action, D(2025, 4, 1)).overdue
    ProgressUpdateFactory(action=action, as_at=D(2025, 5, 1), status="complete")
    assert action_state_as_at(action, D(2025, 4, 30)).overdue
    assert not action_state_as_at(action, D(2025, 5, 1)).overdue


def test_objective_and_plan_roll_up_as_at_each_date():
    plan = PlanFactory()
    first = ObjectiveFactory(plan=plan, reference="1")
    second = ObjectiveFactory(plan=plan, reference="2")
    a11 = ActionFactory(objective=first, reference="1.1")
    a12 = ActionFactory(objective=first, reference="1.2")
    a21 = ActionFactory(objective=second, reference="2.1")
    for action in (a11, a12, a21):
        ProgressUpdateFactory(action=action, as_at=D(2025, 3, 31), status="on_track")
    ProgressUpdateFactory(action=a12, as_at=D(2025, 6, 30), status="off_track")

    march = plan_state_as_at(plan, D(2025, 3, 31))
    june = plan_state_as_at(plan, D(2025, 6, 30))
    assert march.status == Status.ON_TRACK
    assert june.status == Status.OFF_TRACK
    assert [o.status for o in june.objectives] == [Status.OFF_TRACK, Status.ON_TRACK]
    assert june.rollup.reason == "Off track because objective 1 is off track."
    assert june.objectives[0].derived.reason == "Off track because action 1.2 is off track."


def test_a_plan_by_proportion_uses_its_own_thresholds():
    plan = PlanFactory(
        rollup_rule=RollupRule.PROPORTION, off_track_threshold=50, at_risk_threshold=50
    )
    objective = ObjectiveFactory(plan=plan)
    actions = [ActionFactory(objective=objective, reference=f"1.{i}") for i in range(1, 5)]
    ProgressUpdateFactory(action=actions[0], as_at=D(2025, 1, 1), status="off_track")
    for action in actions[1:]:
        ProgressUpdateFactory(action=action, as_at=D(2025, 1, 1), status="on_track")
    assert objective_state_as_at(objective, D(2025, 1, 1)).status == Status.ON_TRACK
    ProgressUpdateFactory(action=actions[1], as_at=D(2025, 2, 1), status="off_track")
    assert objective_state_as_at(objective, D(2025, 2, 1)).status == Status.OFF_TRACK


def test_an_objective_without_actions_feeds_its_assessed_status():
    objective = ObjectiveFactory()
    ProgressUpdateFactory(action=None, objective=objective, as_at=D(2013, 7, 1), status="at_risk")
    state = objective_state_as_at(objective, D(2013, 7, 1))
    assert state.derived.status is None
    assert state.assessed == Status.AT_RISK
    assert state.status == Status.AT_RISK
    assert state.basis == "assessment"
    assert objective_state_as_at(objective, D(2013, 6, 30)).status is None


def test_an_assessment_kinder_than_the_actions_is_flagged_and_the_actions_count():
    objective = ObjectiveFactory()
    action = ActionFactory(objective=objective)
    ProgressUpdateFactory(action=action, as_at=D(2025, 1, 1), status="off_track")
    ProgressUpdateFactory(action=None, objective=objective, as_at=D(2025, 1, 1), status="on_track")
    state = objective_state_as_at(objective, D(2025, 1, 1))
    assert state.assessed == Status.ON_TRACK
    assert state.derived.status == Status.OFF_TRACK
    assert state.status == Status.OFF_TRACK
    assert state.assessment_kinder


def test_what_changed_between_two_dates():
    plan = PlanFactory()
    objective = ObjectiveFactory(plan=plan, reference="1")
    worse = ActionFactory(objective=objective, reference="1.1")
    done = ActionFactory(objective=objective, reference="1.2")
    same = ActionFactory(objective=objective, reference="1.3")
    for action in (worse, done, same):
        ProgressUpdateFactory(action=action, as_at=D(2025, 3, 31), status="on_track")
    ProgressUpdateFactory(action=worse, as_at=D(2025, 6, 1), status="at_risk")
    ProgressUpdateFactory(action=done, as_at=D(2025, 6, 1), status="complete")

    changes = changes_between(
        plan_state_as_at(plan, D(2025, 3, 31)), plan_state_as_at(plan, D(2025, 6, 30))
    )
    summary = [
        (c.level, getattr(c.item, "reference", None), c.before, c.after, c.direction)
        for c in changes
    ]
    assert summary == [
        ("plan", None, Status.ON_TRACK, Status.AT_RISK, "worse"),
        ("objective", "1", Status.ON_TRACK, Status.AT_RISK, "worse"),
        ("action", "1.1", Status.ON_TRACK, Status.AT_RISK, "worse"),
        ("action", "1.2", Status.ON_TRACK, Status.COMPLETE, "completed"),
    ]


def test_as_at_uses_the_dated_updates_not_when_they_were_recorded():
    # A late-recorded update for March still counts from March.
    action = ActionFactory()
    ProgressUpdateFactory(action=action, as_at=D(2025, 6, 30), status="at_risk")
    ProgressUpdateFactory(action=action, as_at=D(2025, 3, 31), status="on_track")
    assert action_state_as_at(action, D(2025, 4, 1)).status == Status.ON_TRACK
    assert action_state_as_at(action, D(2025, 7, 1)).status == Status.AT_RISK
