"""The action owner's landing page: what needs an update this period, then what is
overdue, then the rest."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement import roles
from tests.factories import (
    ActionFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(today):
    return ReportingPeriodFactory(
        plan=PlanFactory(),
        name="This quarter",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=30),
        update_deadline=today + datetime.timedelta(days=20),
    )


@pytest.fixture
def owner(client):
    user = user_with_role(roles.ACTION_OWNER)
    client.force_login(user)
    return user


def test_owners_land_on_their_actions_and_directors_on_the_plans(client, owner):
    ActionFactory(owner=owner)
    assert client.get("/").url == reverse("my-actions")
    client.force_login(user_with_role(roles.VIEWER))
    assert client.get("/").url == reverse("dashboard")


def test_my_actions_are_grouped_by_what_they_need(client, owner, period, today):
    needs = ActionFactory(
        objective__plan=period.plan, owner=owner, reference="1.1", title="Needs an update"
    )
    ProgressUpdateFactory(action=needs, as_at=period.start - datetime.timedelta(days=5))
    overdue = ActionFactory(
        objective__plan=period.plan,
        owner=owner,
        reference="1.2",
        title="Late",
        due_date=today - datetime.timedelta(days=1),
    )
    ProgressUpdateFactory(action=overdue, as_at=today, status="on_track")
    fine = ActionFactory(objective__plan=period.plan, owner=owner, reference="1.3", title="Fine")
    ProgressUpdateFactory(action=fine, as_at=today, status="on_track")
    done = ActionFactory(objective__plan=period.plan, owner=owner, reference="1.4", title="Done")
    ProgressUpdateFactory(
        action=done, as_at=period.start - datetime.timedelta(days=5), status="complete"
    )
    delegated = ActionFactory(objective__plan=period.plan, reference="2.1", title="Delegated to me")
    delegated.delegates.add(owner)
    ActionFactory(reference="9.9", title="Someone else's")

    mine = client.get(reverse("my-actions")).context["mine"]
    assert [a.action.title for a in mine.needs_update] == [
        "Needs an update",
        "Delegated to me",
    ] or [a.action.title for a in mine.needs_update] == ["Delegated to me", "Needs an update"]
    assert [a.action.title for a in mine.overdue] == ["Late"]
    assert sorted(a.action.title for a in mine.rest) == ["Done", "Fine"]
    html = client.get(reverse("my-actions")).content.decode()
    assert "Someone else" not in html
    assert reverse("action-update", kwargs={"pk": needs.pk}) in html
    assert "This quarter" in html


def test_the_page_query_count_does_not_grow_with_the_number_of_actions(client, owner, period):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my-actions")).status_code == 200
        return len(queries)

    for i in range(3):
        ProgressUpdateFactory(
            action=ActionFactory(objective__plan=period.plan, owner=owner, reference=f"1.{i}")
        )
    few = count()
    for i in range(30):
        ProgressUpdateFactory(
            action=ActionFactory(objective__plan=period.plan, owner=owner, reference=f"2.{i}")
        )
    assert count() == few


def test_each_action_needs_an_update_in_its_own_plans_period(client, owner, today):
    """Plans report at different times: an action is judged against its own plan's
    current period, and the page says the periods differ."""
    monthly = PlanFactory(reporting_cadence="monthly")
    quarterly = PlanFactory()
    ReportingPeriodFactory(
        plan=monthly,
        name="This month",
        start=today - datetime.timedelta(days=3),
        end=today + datetime.timedelta(days=3),
        update_deadline=today + datetime.timedelta(days=5),
    )
    ReportingPeriodFactory(
        plan=quarterly,
        name="This quarter",
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=30),
        update_deadline=today + datetime.timedelta(days=40),
    )
    ten_days_ago = today - datetime.timedelta(days=10)
    in_month = ActionFactory(objective__plan=monthly, owner=owner, title="Monthly work")
    ProgressUpdateFactory(action=in_month, as_at=ten_days_ago, status="on_track")
    in_quarter = ActionFactory(objective__plan=quarterly, owner=owner, title="Quarterly work")
    ProgressUpdateFactory(action=in_quarter, as_at=ten_days_ago, status="on_track")

    response = client.get(reverse("my-actions"))
    mine = response.context["mine"]
    assert [a.action.title for a in mine.needs_update] == ["Monthly work"]
    assert [a.action.title for a in mine.rest] == ["Quarterly work"]
    assert mine.period is None
    assert "Your plans report at different times" in response.content.decode()
