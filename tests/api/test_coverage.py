"""Every rolled-up status in the API comes with the plan's own word (`status_label`) and
its coverage; "not_enough_updates" is a status of its own; measures say what a value was
judged against and have no status without a direction."""

import datetime

import pytest

from improvement import roles
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    StatusKeyEntryFactory,
    TargetFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def api(api_as):
    plan = PlanFactory(slug="notts", title="Best value review")
    StatusKeyEntryFactory(plan=plan, status="on_track", label="Green")
    rated = ObjectiveFactory(plan=plan, reference="1")
    for i in range(3):
        action = ActionFactory(objective=rated, reference=f"1.{i + 1}", due_date=D(2025, 3, 31))
        ProgressUpdateFactory(action=action, as_at=D(2025, 2, 1), status="on_track" if i else "")
    unrated = ObjectiveFactory(plan=plan, reference="2")
    for i in range(3):
        action = ActionFactory(objective=unrated, reference=f"2.{i + 1}", due_date=D(2025, 3, 31))
        ProgressUpdateFactory(action=action, as_at=D(2025, 2, 1), status="" if i else "on_track")
    fte = MeasureFactory(plan=plan, name="Social workers", unit="fte", target_path="line")
    TargetFactory(measure=fte, kind="interim", value=50, due_date=D(2007, 3, 31), set_on=None)
    TargetFactory(measure=fte, kind="interim", value=53, due_date=D(2008, 3, 31), set_on=None)
    DataPointFactory(measure=fte, period_end=D(2007, 9, 30), value=51)
    loose = MeasureFactory(plan=plan, name="Referrals", unit="count", direction="none")
    TargetFactory(measure=loose, value=900, set_on=None)
    DataPointFactory(measure=loose, period_end=D(2025, 1, 31), value=1040)
    return api_as(user_with_role(roles.VIEWER))


def test_a_plan_has_its_label_and_coverage(api):
    (plan,) = api.results("plans/", as_at="2025-02-01")
    assert (plan["status"], plan["status_label"]) == ("on_track", "Green")
    assert plan["coverage"] == {
        "total": 2,
        "rated": 1,
        "unrated": 1,
        "not_enough_updates": 1,
        "overdue": 0,
        "stale": 0,
        "percent_rated": 50,
        "words": "1 of 2 objectives rated; 1 with not enough updates",
    }
    assert plan["action_coverage"]["words"] == "3 of 6 actions rated"
    assert (plan["minimum_rated"], plan["staleness_periods"], plan["overdue_at_risk"]) == (
        50, 2, True,
    )  # fmt: skip
    assert plan["latest_evidence_on"] == "2025-02-01"


def test_an_objective_with_too_few_rated_actions_says_not_enough_updates(api):
    objectives = {o["reference"]: o for o in api.results("objectives/", as_at="2025-02-01")}
    two = objectives["2"]
    assert (two["status"], two["status_label"]) == ("not_enough_updates", "Not enough updates")
    assert two["coverage"]["words"] == "1 of 3 actions rated"
    assert two["status_reason"].startswith("Not enough updates: 1 of 3 actions rated.")
    one = objectives["1"]
    assert (one["status"], one["status_label"], one["coverage"]["rated"]) == (
        "on_track", "Green", 2,
    )  # fmt: skip


def test_overdue_work_and_stale_evidence_show_in_the_coverage(api):
    (plan,) = api.results("plans/", as_at="2025-09-01")
    # Every action is overdue (due 31 March) and its evidence older than six months.
    assert plan["action_coverage"]["overdue"] == 6
    assert plan["action_coverage"]["stale"] == 6
    assert plan["status"] == "at_risk"  # objective 1's overdue on-track actions
    actions = api.results("actions/", as_at="2025-09-01")
    assert all(a["stale"] for a in actions)


def test_a_measure_says_what_it_was_judged_against(api):
    measures = {m["name"]: m for m in api.results("measures/", as_at="2008-01-01")}
    fte = measures["Social workers"]
    # Half way (183 of 366 days) from 50 in March 2007 to 53 in March 2008.
    assert (fte["judged_against"], fte["target_value"], fte["target_path"]) == (
        "51.5", "53", "line",
    )  # fmt: skip
    assert fte["status"] == "off_track"


def test_a_measure_with_no_direction_has_a_value_and_target_but_no_status(api):
    measures = {m["name"]: m for m in api.results("measures/", as_at="2025-03-01")}
    referrals = measures["Referrals"]
    assert (referrals["status"], referrals["latest_value"], referrals["target_value"]) == (
        None, "1040", "900",
    )  # fmt: skip
    assert referrals["status_label"] == "No status"
    assert (
        "does not say whether a higher or a lower value is better" in (referrals["status_reason"])
    )


def test_the_csv_has_the_label_and_coverage_too(api):
    (row,) = api.csv("plans/", as_at="2025-02-01")
    assert row["status_label"] == "Green"
    assert row["coverage.words"] == "1 of 2 objectives rated; 1 with not enough updates"
