"""The action owner's landing page, a GOV.UK task list: every action and objective they
look after, each with its state this period, grouped as overdue, needing an update this
period, and the rest."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement import roles
from improvement.services import sign_off_decide
from improvement.task_list import TaskState, task_list
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
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


def titles(mine, key: str) -> list[str]:
    """The names of the items in one group of the task list, in order."""
    for group in mine.groups:
        if group.key == key:
            return [task.subject.title for task in group.tasks]
    return []


def test_my_actions_are_grouped_by_what_they_need(client, owner, period, today):
    first = ObjectiveFactory(plan=period.plan, reference="1")
    second = ObjectiveFactory(plan=period.plan, reference="2")
    needs = ActionFactory(objective=first, owner=owner, reference="1.1", title="Needs an update")
    ProgressUpdateFactory(action=needs, as_at=period.start - datetime.timedelta(days=5))
    overdue = ActionFactory(
        objective=first,
        owner=owner,
        reference="1.2",
        title="Late",
        due_date=today - datetime.timedelta(days=1),
    )
    ProgressUpdateFactory(action=overdue, as_at=today, status="on_track")
    fine = ActionFactory(objective=first, owner=owner, reference="1.3", title="Fine")
    ProgressUpdateFactory(action=fine, as_at=today, status="on_track")
    done = ActionFactory(objective=first, owner=owner, reference="1.4", title="Done")
    ProgressUpdateFactory(
        action=done, as_at=period.start - datetime.timedelta(days=5), status="complete"
    )
    delegated = ActionFactory(
        objective=second,
        reference="2.1",
        title="Delegated to me",
    )
    delegated.delegates.add(owner)
    ActionFactory(reference="9.9", title="Someone else's")

    mine = client.get(reverse("my-actions")).context["mine"]
    assert titles(mine, "needs-update") == ["Needs an update", "Delegated to me"]
    assert titles(mine, "overdue") == ["Late"]
    assert titles(mine, "rest") == ["Fine", "Done"]
    html = client.get(reverse("my-actions")).content.decode()
    assert "Someone else" not in html
    assert reverse("action-update", kwargs={"pk": needs.pk}) in html
    assert "This quarter" in html
    assert "You are a delegate" in html


def test_everything_overdue_is_listed_as_overdue_even_when_it_also_needs_an_update(
    client, owner, period, today
):
    """The old page put an overdue action that also needed an update under "Needs an
    update" only, so "Overdue" listed 1 of 3 overdue actions."""
    yesterday = today - datetime.timedelta(days=1)
    objective = ObjectiveFactory(plan=period.plan)
    for reference in ("1.1", "1.2"):  # overdue, nothing this period
        ActionFactory(objective=objective, owner=owner, reference=reference, due_date=yesterday)
    updated = ActionFactory(objective=objective, owner=owner, reference="1.3", due_date=yesterday)
    ProgressUpdateFactory(action=updated, as_at=today, status="at_risk")
    ActionFactory(objective=objective, owner=owner, reference="1.4")  # not overdue

    response = client.get(reverse("my-actions"))
    mine = response.context["mine"]
    overdue = next(g for g in mine.groups if g.key == "overdue")
    assert [t.subject.reference for t in overdue.tasks] == ["1.1", "1.2", "1.3"]
    assert [t.state for t in overdue.tasks] == [
        TaskState.NOT_STARTED,
        TaskState.NOT_STARTED,
        TaskState.IN_PROGRESS,
    ]
    assert titles(mine, "needs-update") != []  # 1.4 still needs its update
    page = response.content.decode()
    assert "3 are overdue" in page
    assert page.count("app-flag--overdue") == 3


def test_objectives_the_person_owns_are_on_the_list(client, owner, period):
    """An improvement notice's requirement (Herefordshire's 27) has no actions: its owner
    records an assessment on it, so it is on their list."""
    requirement = ObjectiveFactory(
        plan=period.plan, reference="27", title="Performance management", owner=owner
    )
    ObjectiveFactory(plan=period.plan, reference="28", title="Someone else's requirement")

    response = client.get(reverse("my-actions"))
    tasks = response.context["mine"].tasks
    assert [t.subject for t in tasks] == [requirement]
    assert tasks[0].state == TaskState.NOT_STARTED
    page = response.content.decode()
    assert reverse("objective-update", kwargs={"pk": requirement.pk}) in page
    assert "Objective 27: Performance management" in page
    assert "Someone else's requirement" not in page


def test_an_objective_owned_by_someone_without_the_owner_role_is_not_theirs_to_update(
    client, period
):
    viewer = user_with_role(roles.VIEWER)
    ObjectiveFactory(plan=period.plan, owner=viewer)
    client.force_login(viewer)
    assert client.get(reverse("my-actions")).status_code == 403
    assert client.get("/").url == reverse("dashboard")


@pytest.fixture
def sign_off_plan(period):
    period.plan.requires_sign_off = True
    period.plan.save()
    editor = user_with_role(roles.PLAN_EDITOR)
    period.plan.editors.add(editor)
    return period.plan, editor


def _record(action, author, status="on_track", as_at=None):
    from improvement.services import latest_update_marker, progress_update_create

    return progress_update_create(
        subject=action,
        author=author,
        based_on=latest_update_marker(action),
        status=status,
        narrative="Progress",
        achievements=[],
        evidence=[],
        files=[],
        milestones_done=[],
        areas=[],
    )


def test_each_item_shows_its_state_this_period(client, owner, period, sign_off_plan, today):
    plan, editor = sign_off_plan
    objective = ObjectiveFactory(plan=plan)
    not_started = ActionFactory(objective=objective, owner=owner, reference="1.1")
    in_progress = ActionFactory(objective=objective, owner=owner, reference="1.2")
    ProgressUpdateFactory(action=in_progress, as_at=today, status="on_track")
    waiting = ActionFactory(objective=objective, owner=owner, reference="1.3")
    _record(waiting, owner)
    returned = ActionFactory(objective=objective, owner=owner, reference="1.4")
    sign_off_decide(
        update=_record(returned, owner),
        user=editor,
        decision="returned",
        comment="Say what the panel decided.",
    )
    done = ActionFactory(objective=objective, owner=owner, reference="1.5")
    ProgressUpdateFactory(action=done, as_at=period.start, status="complete")

    response = client.get(reverse("my-actions"))
    states = {t.subject.reference: t.state for t in response.context["mine"].tasks}
    assert states == {
        "1.1": TaskState.NOT_STARTED,
        "1.2": TaskState.IN_PROGRESS,
        "1.3": TaskState.AWAITING_SIGN_OFF,
        "1.4": TaskState.RETURNED,
        "1.5": TaskState.DONE,
    }
    page = response.content.decode()
    for state in TaskState:
        assert f">{state}<" in page or f"\n      {state}\n" in page
    assert "Say what the panel decided." in page
    assert "waiting for a plan editor to sign it off" in page
    # A waiting update is not "no update": the page says it was sent and waits.
    mine = response.context["mine"]
    assert titles(mine, "needs-update") == [not_started.title, returned.title]


def test_an_update_awaiting_sign_off_never_shows_none_yet(client, owner, sign_off_plan):
    plan, _ = sign_off_plan
    action = ActionFactory(objective__plan=plan, owner=owner, reference="1.1")
    _record(action, owner)
    page = client.get(reverse("my-actions")).content.decode()
    assert "None yet" not in page
    assert "No update yet" not in page
    assert "No update counts yet" in page
    assert "Awaiting sign-off" in page


def test_next_after_goes_to_the_next_item_that_needs_an_update(client, owner, period):
    objective = ObjectiveFactory(plan=period.plan)
    first = ActionFactory(objective=objective, owner=owner, reference="1.1")
    updated = ActionFactory(objective=objective, owner=owner, reference="1.2")
    ProgressUpdateFactory(action=updated, as_at=timezone.localdate(), status="on_track")
    third = ActionFactory(objective=objective, owner=owner, reference="1.3")

    mine = task_list(owner, timezone.localdate())
    assert mine.next_after(first).subject == third
    assert mine.next_after(third).subject == first  # round to the start
    # In the order the page shows: the updated one is under "Everything else", last.
    assert mine.next_after(updated).subject == first
    ProgressUpdateFactory(action=first, as_at=timezone.localdate(), status="on_track")
    ProgressUpdateFactory(action=third, as_at=timezone.localdate(), status="on_track")
    assert task_list(owner, timezone.localdate()).next_after(first) is None


def test_the_page_query_count_does_not_grow_with_the_number_of_actions(
    client, owner, period, sign_off_plan
):
    plan, editor = sign_off_plan

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my-actions")).status_code == 200
        return len(queries)

    def add(n, prefix):
        for i in range(n):
            action = ActionFactory(objective__plan=plan, owner=owner, reference=f"{prefix}.{i}")
            ProgressUpdateFactory(action=action)
            if i % 3 == 1:
                _record(action, owner)  # waiting for sign-off
            elif i % 3 == 2:
                sign_off_decide(
                    update=_record(action, owner), user=editor, decision="returned", comment="No"
                )
            ObjectiveFactory(plan=plan, owner=owner, reference=f"{prefix}-{i}")
            ActionFactory(objective__plan=PlanFactory(), owner=owner).delegates.add(owner)
        client.force_login(owner)

    add(3, "1")
    few = count()
    add(30, "2")
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
    assert titles(mine, "needs-update") == ["Monthly work"]
    assert titles(mine, "rest") == ["Quarterly work"]
    assert mine.period is None
    assert "Your plans report at different times" in response.content.decode()
