"""The pages that list actions read each action's state from the status timeline: the
number of queries is the same for 5 actions or 50, and no query works out a state per row
(no correlated subquery on the updates)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PlanFactory, ReportingPeriodFactory
from tests.improvement.test_plan_pages import D, grow

pytestmark = pytest.mark.django_db

# How Django writes a subquery tied to the row around it: `U0."action_id" = ("...".id)`.
PER_ROW = re.compile(r'U\d+\."(action|objective)_id" = \(', re.IGNORECASE)


def queries_for(client, url: str) -> list[str]:
    cache.clear()  # every count cold: the plans' cached rows are tested in test_state_cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


PAGES = {
    "dashboard": lambda plan: reverse("dashboard") + "?as_at=2025-09-01",
    "plan page": lambda plan: plan.get_absolute_url() + "?as_at=2025-05-01&since=2025-02-01",
    "action table": lambda plan: reverse("action-list") + "?as_at=2025-05-01",
    "action table by status": lambda plan: (
        reverse("action-list") + "?as_at=2025-05-01&sort=status&status=at_risk"
    ),
}


def with_a_quarter(plan):
    ReportingPeriodFactory(plan=plan, name="Q1", start=D(2025, 4, 1), end=D(2025, 6, 30))
    return plan


@pytest.mark.parametrize("page", list(PAGES))
def test_the_query_count_is_the_same_for_5_actions_or_50(signed_in, page):
    few = grow(with_a_quarter(PlanFactory()), 5)
    counted_few = queries_for(signed_in, PAGES[page](few))
    many = grow(with_a_quarter(PlanFactory()), 50)
    counted_many = queries_for(signed_in, PAGES[page](many))
    assert len(counted_many) == len(counted_few)
    per_row = [sql for sql in counted_few + counted_many if PER_ROW.search(sql)]
    assert per_row == []
