"""The director's dashboard: every plan's status, action counts written out, overdue,
measures off target, the objective grid, and what moved since the previous period."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import roles
from improvement.periods import generate_periods
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    TargetFactory,
    user_with_role,
)
from tests.improvement.test_plan_pages import grow

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def workforce():
    return PlanFactory(title="Workforce plan")


@pytest.fixture
def periods(workforce):
    q1 = ReportingPeriodFactory(plan=workforce, name="Q1", start=D(2025, 4, 1),
                                end=D(2025, 6, 30), update_deadline=D(2025, 7, 10))  # fmt: skip
    q2 = ReportingPeriodFactory(plan=workforce, name="Q2", start=D(2025, 7, 1),
                                end=D(2025, 9, 30), update_deadline=D(2025, 10, 10))  # fmt: skip
    return q1, q2


@pytest.fixture
def plan(workforce, periods):
    plan = workforce
    objective = ObjectiveFactory(plan=plan, reference="1")
    slipping = ActionFactory(objective=objective, reference="1.1", due_date=D(2025, 8, 1))
    done = ActionFactory(objective=objective, reference="1.2")
    quiet = ActionFactory(objective=objective, reference="1.3")
    for action in (slipping, done, quiet):
        ProgressUpdateFactory(action=action, as_at=D(2025, 6, 1), status="on_track")
    ProgressUpdateFactory(action=slipping, as_at=D(2025, 8, 15), status="off_track")
    ProgressUpdateFactory(action=done, as_at=D(2025, 8, 15), status="complete")
    measure = MeasureFactory(plan=plan, name="Vacancy rate", direction="lower")
    TargetFactory(measure=measure, value=8)
    DataPointFactory(measure=measure, period_end=D(2025, 6, 30), value=14)
    return plan


def test_viewers_land_on_the_dashboard(client):
    client.force_login(user_with_role(roles.VIEWER))
    assert client.get("/").url == reverse("dashboard")


def test_each_plan_shows_status_counts_overdue_measures_and_grid(signed_in, plan):
    response = signed_in.get(reverse("dashboard") + "?as_at=2025-09-01")
    html = response.content.decode()
    assert "Workforce plan" in html
    assert '<strong class="app-status app-status--red">Off track</strong>' in html
    assert "Off track because objective 1 is off track." in html
    row = response.context["board"].rows[0]
    assert [(s.status.value, s.count) for s in row.bar] == [
        ("complete", 1),
        ("on_track", 1),
        ("off_track", 1),
    ]
    assert (row.action_total.count, row.overdue.count, row.not_yet_updated.count) == (3, 1, 1)
    assert "not yet updated this period" in html
    assert row.measures_off_target == 1 and "1 of 1" in html
    assert 'class="app-tile__ref">1</span>' in html


def test_what_moved_since_the_previous_period(signed_in, plan):
    response = signed_in.get(reverse("dashboard") + "?as_at=2025-09-01")
    board = response.context["board"]
    row = board.rows[0]
    # The plan's period that ended last before the date.
    assert row.comparison.label == "Q1 (to 30 June 2025)"
    assert row.change_counts == [("worse", 3), ("completed", 1)]
    html = response.content.decode()
    assert "3 worse" in html and "1 completed" in html
    assert "from On track to Off track" in html


def test_the_compare_period_can_be_chosen(signed_in, plan, periods):
    q1, q2 = periods
    response = signed_in.get(reverse("dashboard") + f"?as_at=2025-12-01&compare={q1.pk}")
    assert response.context["board"].rows[0].comparison.label == "Q1 (to 30 June 2025)"
    # Q2 ends after the as-at date: said next to the field, and the default applies.
    response = signed_in.get(reverse("dashboard") + f"?as_at=2025-09-01&compare={q2.pk}")
    assert "Q2 ends on 30 September 2025, not before the as-at date" in (response.content.decode())
    assert response.context["board"].rows[0].comparison.label == "Q1 (to 30 June 2025)"


def test_restricted_plans_are_not_on_an_outsiders_dashboard(client, plan):
    PlanFactory(title="Secret plan", restricted=True)
    client.force_login(user_with_role(roles.ACTION_OWNER))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Workforce plan" in html and "Secret plan" not in html


def test_the_dashboard_query_count_does_not_grow_with_plans_and_actions(signed_in, periods):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(reverse("dashboard") + "?as_at=2025-09-01").status_code == 200
        return len(queries)

    # Each plan has its own periods, at its own cadence. The states are worked out once
    # per distinct period end (`dashboard._strips`), so the count depends on the cadences
    # in view, not on the number of plans.
    def plan_with_periods(cadence, actions):
        plan = grow(PlanFactory(reporting_cadence=cadence), actions)
        generate_periods(plan, D(2025, 9, 1))
        MeasureFactory(plan=plan)

    for cadence in ("monthly", "quarterly", "six_monthly"):
        plan_with_periods(cadence, 5)
    few = count()
    for cadence in ("monthly", "quarterly", "six_monthly", "quarterly"):
        plan_with_periods(cadence, 60)
    assert count() == few
