"""Filters, paging and order: ?status= and ?overdue= select in SQL so pages stay right,
pages are bounded, and the order is stable and natural (1.2 before 1.10)."""

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
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def api(api_as):
    return api_as(user_with_role(roles.VIEWER))


@pytest.fixture
def actions():
    plan = PlanFactory(slug="plan-a", title="Plan A")
    first = ObjectiveFactory(plan=plan, reference="1")
    second = ObjectiveFactory(plan=plan, reference="2")
    made = {
        "late": ActionFactory(objective=first, reference="1.1", due_date=D(2025, 3, 31)),
        "done": ActionFactory(objective=first, reference="1.2", due_date=D(2025, 3, 31)),
        "quiet": ActionFactory(objective=second, reference="2.1"),
        "risky": ActionFactory(objective=second, reference="2.10"),
        "unrated": ActionFactory(objective=second, reference="2.2"),
    }
    ProgressUpdateFactory(action=made["late"], as_at=D(2025, 1, 31), status="on_track")
    ProgressUpdateFactory(action=made["done"], as_at=D(2025, 5, 31), status="complete")
    ProgressUpdateFactory(action=made["risky"], as_at=D(2025, 5, 31), status="at_risk")
    ProgressUpdateFactory(action=made["unrated"], as_at=D(2025, 5, 31), status="")
    other = ObjectiveFactory(plan=PlanFactory(slug="plan-b", title="Plan B"), reference="1")
    ActionFactory(objective=other, reference="1.1", due_date=D(2025, 1, 1))
    return made


def refs(api, **params) -> list[str]:
    return [
        f"{a['plan']}:{a['reference']}"
        for a in api.results("actions/", as_at="2025-06-30", **params)
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "complete"}, ["plan-a:1.2"]),
        ({"status": "at_risk"}, ["plan-a:2.10"]),
        ({"status": "not_started"}, ["plan-a:2.1", "plan-b:1.1"]),
        ({"status": "none"}, ["plan-a:2.2"]),
        ({"overdue": "true"}, ["plan-a:1.1", "plan-b:1.1"]),
        ({"overdue": "false"}, ["plan-a:1.2", "plan-a:2.1", "plan-a:2.2", "plan-a:2.10"]),
        ({"overdue": "true", "plan": "plan-a"}, ["plan-a:1.1"]),
        ({"status": "not_started", "overdue": "false"}, ["plan-a:2.1"]),
    ],
)
def test_actions_filter_by_status_and_overdue_as_at_the_date(api, actions, params, expected):
    assert refs(api, **params) == expected


def test_the_filters_use_the_status_as_at_the_date_asked_for(api, actions):
    assert refs(api, status="complete") == ["plan-a:1.2"]
    assert [
        a["reference"] for a in api.results("actions/", as_at="2025-04-30", status="complete")
    ] == []


def test_actions_filter_by_objective(api, actions):
    objective = actions["quiet"].objective
    assert refs(api, objective=objective.pk) == ["plan-a:2.1", "plan-a:2.2", "plan-a:2.10"]


def test_a_status_not_in_the_vocabulary_is_refused(api, actions):
    response = api.get("actions/", status="green")
    assert response.status_code == 400
    assert "status" in response.json()


def test_lists_are_in_plan_title_then_natural_reference_order(api, actions):
    assert refs(api) == [
        "plan-a:1.1",
        "plan-a:1.2",
        "plan-a:2.1",
        "plan-a:2.2",
        "plan-a:2.10",
        "plan-b:1.1",
    ]
    objectives = api.results("objectives/")
    assert [(o["plan"], o["reference"]) for o in objectives] == [
        ("plan-a", "1"),
        ("plan-a", "2"),
        ("plan-b", "1"),
    ]


def test_objectives_and_measures_filter_by_plan(api, actions):
    MeasureFactory(plan=actions["late"].objective.plan, name="Caseload")
    MeasureFactory(plan=PlanFactory(slug="plan-c"), name="Turnover")
    assert [o["reference"] for o in api.results("objectives/", plan="plan-a")] == ["1", "2"]
    assert [m["name"] for m in api.results("measures/", plan="plan-a")] == ["Caseload"]


def test_pages_hold_the_list_in_order_without_gaps_or_repeats(api, actions):
    first = api.json("actions/", as_at="2025-06-30", page_size=4)
    assert first["count"] == 6
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/actions/?")
    second = api.json("actions/", as_at="2025-06-30", page_size=4, page=2)
    assert second["next"] is None
    paged = [a["id"] for a in first["results"] + second["results"]]
    assert paged == [a["id"] for a in api.results("actions/", as_at="2025-06-30")]


def test_a_page_holds_at_most_the_maximum_however_many_are_asked_for(api, monkeypatch):
    from improvement.api.pagination import PageNumberPagination

    assert (PageNumberPagination.page_size, PageNumberPagination.max_page_size) == (100, 1000)
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 3)
    plan = PlanFactory()
    for i in range(5):
        ObjectiveFactory(plan=plan, reference=str(i + 1))
    body = api.json("objectives/", page_size=100000)
    assert len(body["results"]) == 3 and body["count"] == 5


def test_a_page_past_the_end_is_not_found(api, actions):
    assert api.get("actions/", page=99).status_code == 404


def test_one_measures_data_points_are_listed_in_period_order(api):
    measure = MeasureFactory()
    other = MeasureFactory(plan=measure.plan)
    for month in (6, 3, 9):
        DataPointFactory(measure=measure, period_end=D(2025, month, 30), value=month)
    DataPointFactory(measure=other, period_end=D(2025, 3, 30), value=1)
    nested = api.results(f"measures/{measure.pk}/data-points/", as_at="2025-12-31")
    assert [p["period_end"] for p in nested] == ["2025-03-30", "2025-06-30", "2025-09-30"]
    assert [p["value"] for p in nested] == ["3", "6", "9"]
    flat = api.results("data-points/", measure=measure.pk, as_at="2025-12-31")
    assert flat == nested
