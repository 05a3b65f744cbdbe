"""An update's "as at" date: never in the future, never before its plan starts, and never
earlier than today unless an administrator records it (a correction, marked as such)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement import roles
from improvement.models import Milestone, ProgressUpdate
from improvement.services import backdating_problem
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    plan = PlanFactory(start_date=date(2020, 4, 1))
    return ActionFactory(objective=ObjectiveFactory(plan=plan))


def _update(action, as_at):
    return ProgressUpdate(action=action, as_at=as_at, status="on_track", narrative="Done")


def test_an_update_cannot_be_dated_in_the_future(action):
    with pytest.raises(ValidationError) as refused:
        _update(action, timezone.localdate() + timedelta(days=1)).full_clean()
    assert "in the future" in refused.value.message_dict["as_at"][0]


def test_an_update_cannot_be_dated_before_its_plan_starts(action):
    with pytest.raises(ValidationError) as refused:
        _update(action, date(2020, 3, 31)).full_clean()
    assert "before the plan starts (1 April 2020)" in refused.value.message_dict["as_at"][0]


def test_an_update_on_the_plans_first_day_and_today_are_fine(action):
    _update(action, date(2020, 4, 1)).full_clean()
    _update(action, timezone.localdate()).full_clean()


@pytest.mark.parametrize(
    "role, days_ago, refused",
    [
        (roles.PLAN_EDITOR, 1, True),
        (roles.ACTION_OWNER, 1, True),
        (roles.PLAN_EDITOR, 0, False),
        (roles.ADMINISTRATOR, 400, False),
    ],
)
def test_only_an_administrator_may_backdate(role, days_ago, refused):
    today = timezone.localdate()
    problem = backdating_problem(
        user=user_with_role(role), as_at=today - timedelta(days=days_ago), today=today
    )
    assert (problem is not None) is refused


def _admin_post(client, action, as_at, narrative):
    return client.post(
        reverse("admin:improvement_progressupdate_add"),
        {
            "action": action.pk,
            "as_at": f"{as_at:%Y-%m-%d}",
            "status": "on_track",
            "narrative": narrative,
            "areas_for_development-TOTAL_FORMS": "0",
            "areas_for_development-INITIAL_FORMS": "0",
        },
    )


def test_a_plan_editor_cannot_backdate_an_update_in_the_admin(client, action):
    editor = user_with_role(roles.PLAN_EDITOR)
    action.objective.plan.editors.add(editor)
    client.force_login(editor)
    response = _admin_post(client, action, date(2021, 1, 1), "Backdated")
    assert response.status_code == 200
    assert "Only an administrator can record an update for an earlier date" in (
        response.content.decode()
    )
    assert not ProgressUpdate.objects.filter(narrative="Backdated").exists()


@pytest.mark.parametrize("as_at", [date(1, 1, 1), date(9999, 12, 31)])
def test_nobody_dates_an_update_outside_the_plan_or_in_the_future(client, action, as_at):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    response = _admin_post(client, action, as_at, "Out of range")
    assert response.status_code == 200
    assert not ProgressUpdate.objects.filter(narrative="Out of range").exists()


def test_an_administrators_backdated_update_is_a_correction(client, action):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    assert _admin_post(client, action, date(2021, 1, 1), "Late").status_code == 302
    assert _admin_post(client, action, timezone.localdate(), "Today").status_code == 302
    assert ProgressUpdate.objects.get(narrative="Late").correction is True
    assert ProgressUpdate.objects.get(narrative="Today").correction is False


def test_a_milestone_cannot_be_completed_in_the_future(client, action):
    milestone = MilestoneFactory(action=action, title="Launch")
    milestone.completed_on = date(9999, 12, 31)
    with pytest.raises(ValidationError):
        milestone.full_clean()
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None
