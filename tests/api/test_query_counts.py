"""Every list (JSON, CSV) and detail runs the same number of queries for 5 items as for
50: statuses come from the batch functions, never one query per item."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement import roles
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    TargetFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date

LISTS = ["plans/", "objectives/", "actions/", "measures/", "data-points/"]


def grow(n: int, start: int) -> None:
    """n more of everything: plans, objectives, actions (with updates), measures (with
    targets, values and links), so each list gains n items."""
    statuses = ["on_track", "at_risk", "off_track", "complete", ""]
    for i in range(start, start + n):
        plan = PlanFactory(title=f"Plan {i:03}", restricted=i % 3 == 0)
        StatusKeyEntryFactory(plan=plan, status="complete", label="Done")
        objective = ObjectiveFactory(
            plan=plan, reference=str(i), section=SectionFactory(plan=plan), owner=UserFactory()
        )
        action = ActionFactory(objective=objective, reference=f"{i}.1", due_date=D(2025, 3, 1))
        ProgressUpdateFactory(action=action, as_at=D(2025, 2, 1), status=statuses[i % 5])
        ProgressUpdateFactory(action=None, objective=objective, status="at_risk")
        measure = MeasureFactory(plan=plan, owner=UserFactory(), amber_tolerance=1)
        measure.objectives.add(objective)
        measure.actions.add(action)
        TargetFactory(measure=measure)
        DataPointFactory(measure=measure, period_end=D(2025, 3, 31), value=40 + i % 50)


def count(api, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, as_at="2025-06-30", **params)
        assert response.status_code == 200, path
        if response.streaming:
            b"".join(response.streaming_content)  # the CSV's queries run as it streams
    return len(queries)


@pytest.mark.parametrize("role", [roles.VIEWER, roles.ACTION_OWNER])
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("csv", [False, True], ids=["json", "csv"])
def test_a_lists_query_count_does_not_grow_with_the_data(api_as, role, path, csv):
    api = api_as(user_with_role(role))
    params = {"format": "csv"} if csv else {}
    grow(5, 0)
    count(api, path, **params)  # anything cached once per process is cached now
    few = count(api, path, **params)
    grow(45, 5)
    many = count(api, path, **params)
    assert many == few, f"{path}: {few} queries for 5 items, {many} for 50"
    assert api.json(path)["count"] > 5  # and the list really did grow


def test_a_measures_data_points_query_count_does_not_grow_with_the_data(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    measure = MeasureFactory()
    for i in range(5):
        DataPointFactory(measure=measure, period_end=D(2020 + i, 3, 31))
    path = f"measures/{measure.pk}/data-points/"
    count(api, path)
    few = count(api, path)
    for i in range(5, 50):
        DataPointFactory(measure=measure, period_end=D(2020 + i, 3, 31))
    assert count(api, path) == few


def test_an_items_query_count_does_not_grow_with_its_plan(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    plan = PlanFactory(slug="the-plan")
    first = ObjectiveFactory(plan=plan, reference="0")

    def fill(start: int, n: int) -> None:
        for i in range(start, start + n):
            objective = ObjectiveFactory(plan=plan, reference=str(i + 1))
            for parent in (objective, first):
                action = ActionFactory(objective=parent, reference=f"{i + 1}.{parent.pk}")
                ProgressUpdateFactory(action=action, status="on_track")
            measure = MeasureFactory(plan=plan)
            measure.objectives.add(objective, first)
            DataPointFactory(measure=measure)

    fill(0, 5)
    paths = [
        "plans/the-plan/",
        f"objectives/{first.pk}/",
        f"actions/{first.actions.first().pk}/",
        f"measures/{plan.measures.order_by('id').first().pk}/",
    ]
    for path in paths:
        count(api, path)
    few = {path: count(api, path) for path in paths}
    fill(5, 45)
    assert {path: count(api, path) for path in paths} == few
