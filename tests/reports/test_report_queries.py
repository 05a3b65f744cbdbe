"""The reports' query counts do not grow with the plan: the same at 5 actions and 1
measure as at 50 actions and 10 measures (objectives, sections, updates, areas for
development and data points growing with them), and the archive's with its reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.models import SavedReport
from tests.factories import (
    AreaForDevelopmentFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    TargetFactory,
)
from tests.improvement.test_plan_pages import grow

pytestmark = pytest.mark.django_db
D = datetime.date


def build(n_actions: int, n_measures: int):
    plan = grow(PlanFactory(), n_actions, objectives=max(2, n_actions // 5))
    for i in range(n_actions // 5):
        # Objectives assessed directly, each with its areas for development.
        objective = ObjectiveFactory(plan=plan, reference=f"R{i}", title="")
        update = ProgressUpdateFactory(action=None, objective=objective, as_at=D(2025, 4, 1))
        AreaForDevelopmentFactory(update=update)
    for i in range(n_measures):
        measure = MeasureFactory(plan=plan, baseline_value=10)
        measure.objectives.add(plan.objectives.first())
        TargetFactory(measure=measure, value=80)
        for month in (1, 3, 5):
            DataPointFactory(measure=measure, period_end=D(2025, month, 28), value=40 + i)
    return plan


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), [q["sql"] for q in queries]


@pytest.mark.parametrize("name", ["plan-report", "plan-exceptions"])
@pytest.mark.parametrize("query", ["?as_at=2025-05-01", "?as_at=2025-05-01&format=csv"])
def test_the_report_query_count_does_not_grow_with_actions_or_measures(signed_in, name, query):
    small, large = build(5, 1), build(50, 10)
    for plan in (small, large):
        ReportingPeriodFactory(plan=plan, name="Q4", start=D(2025, 1, 1), end=D(2025, 3, 31))
    few, few_sql = count(signed_in, reverse(name, kwargs={"slug": small.slug}) + query)
    many, many_sql = count(signed_in, reverse(name, kwargs={"slug": large.slug}) + query)
    assert many == few, "\n".join(many_sql)


def test_the_archive_query_count_does_not_grow_with_saved_reports(signed_in, user):
    plan = PlanFactory()

    def saved(n):
        for _ in range(n):
            SavedReport.objects.create(
                plan=plan,
                kind="progress",
                format="csv",
                as_at=D(2025, 6, 30),
                saved_by=user,
                file_name="x.csv",
                content_type="text/csv",
                data=b"a,b\n",
            )

    saved(2)
    few, _ = count(signed_in, reverse("report-archive"))
    saved(30)
    many, sql = count(signed_in, reverse("report-archive"))
    assert many == few, "\n".join(sql)
    # The files stay in the database until someone downloads one.
    assert not any('"improvement_savedreport"."data"' in q for q in sql)
