"""A measure's status feeds its objective's roll-up when the plan says so, and the
explanation names the measure."""

import datetime

import pytest

from improvement.history import objective_state_as_at, plan_state_as_at
from improvement.status import Status
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db
AS_AT = datetime.date(2025, 7, 1)


def objective_with_a_missed_measure(measures_in_rollup):
    plan = PlanFactory(measures_in_rollup=measures_in_rollup)
    objective = ObjectiveFactory(plan=plan, reference="1")
    action = ActionFactory(objective=objective, reference="1.1")
    ProgressUpdateFactory(action=action, as_at=datetime.date(2025, 6, 1), status="on_track")
    measure = MeasureFactory(plan=plan, name="Vacancy rate", direction="lower")
    measure.objectives.add(objective)
    TargetFactory(measure=measure, value=8)
    DataPointFactory(measure=measure, period_end=datetime.date(2025, 6, 30), value=14)
    return plan, objective


def test_a_measure_off_target_makes_its_objective_off_track_when_the_plan_says_so():
    plan, objective = objective_with_a_missed_measure(measures_in_rollup=True)
    state = objective_state_as_at(objective, AS_AT)
    assert state.status == Status.OFF_TRACK
    assert state.derived.reason == "Off track because measure “Vacancy rate” is off track."
    assert plan_state_as_at(plan, AS_AT).status == Status.OFF_TRACK


def test_a_measure_is_shown_but_does_not_count_when_the_plan_does_not_say_so():
    plan, objective = objective_with_a_missed_measure(measures_in_rollup=False)
    state = objective_state_as_at(objective, AS_AT)
    assert state.status == Status.ON_TRACK
    assert [m.status for m in state.measures] == [Status.OFF_TRACK]


def test_a_measure_with_no_data_does_not_colour_its_objective():
    plan = PlanFactory(measures_in_rollup=True)
    objective = ObjectiveFactory(plan=plan)
    ProgressUpdateFactory(action=ActionFactory(objective=objective), status="on_track")
    MeasureFactory(plan=plan).objectives.add(objective)
    assert objective_state_as_at(objective, AS_AT).status == Status.ON_TRACK


def test_the_plan_page_lists_each_objectives_measures(signed_in):
    plan, _ = objective_with_a_missed_measure(measures_in_rollup=True)
    html = signed_in.get(plan.get_absolute_url() + "?as_at=2025-07-01").content.decode()
    assert "Measures for Objective 1 (they count in its status)" in html
    assert "Vacancy rate" in html and "14.0%" in html
