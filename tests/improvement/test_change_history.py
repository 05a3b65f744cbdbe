"""Every change is recorded with who and when, and the action page shows the timeline;
an administrator's correction of an update is itself recorded."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from improvement import roles
from improvement.models import Action, Milestone, Plan, ProgressUpdate
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressUpdateFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_admin_changes_to_plans_actions_and_milestones_are_recorded_with_who(client):
    administrator = user_with_role(roles.ADMINISTRATOR)
    client.force_login(administrator)
    plan = PlanFactory(title="Before")
    action = ActionFactory(objective__plan=plan, due_date=datetime.date(2025, 3, 31))
    response = client.post(
        f"/admin/improvement/action/{action.pk}/change/",
        {
            "objective": action.objective_id,
            "reference": action.reference,
            "title": action.title,
            "owner": action.owner_id,
            "due_date": "2025-06-30",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = Action.history.filter(id=action.pk).latest("history_date")
    assert latest.history_user == administrator
    assert latest.due_date == datetime.date(2025, 6, 30)

    plan.title = "After"
    plan.save()
    assert [h.title for h in Plan.history.filter(id=plan.pk).order_by("history_date")] == [
        "Before",
        "After",
    ]


def test_the_action_page_shows_updates_and_changes_in_one_timeline(client):
    administrator = user_with_role(roles.ADMINISTRATOR)
    client.force_login(administrator)
    action = ActionFactory(due_date=datetime.date(2025, 3, 31))
    milestone = MilestoneFactory(action=action, title="Advert placed")
    ProgressUpdateFactory(action=action, narrative="Going well")
    client.post(
        f"/admin/improvement/action/{action.pk}/change/",
        {
            "objective": action.objective_id,
            "reference": action.reference,
            "title": action.title,
            "owner": action.owner_id,
            "due_date": "2025-06-30",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": milestone.pk,
            "milestones-0-action": action.pk,
            "milestones-0-title": "Advert placed",
            "milestones-0-due_date": "2025-06-30",
            "milestones-0-completed_on": "2025-05-01",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    html = client.get(action.get_absolute_url() + "?as_at=2099-01-01").content.decode()
    assert "Going well" in html
    assert "Due date" in html and "31 Mar 2025" in html and "30 Jun 2025" in html
    assert "Milestone “Advert placed” changed" in html
    assert "Done on" in html and "1 May 2025" in html
    assert administrator.get_full_name() in html
    assert Milestone.history.filter(id=milestone.pk).count() == 2


def test_only_an_administrator_corrects_a_stored_update_and_the_correction_is_recorded(client):
    update = ProgressUpdateFactory(narrative="Typo heer", status="on_track")
    editor = user_with_role(roles.PLAN_EDITOR)
    update.action.objective.plan.editors.add(editor)
    data = {
        "action": update.action_id,
        "as_at": update.as_at.isoformat(),
        "status": "on_track",
        "narrative": "Typo here",
        "achievements": "",
        "evidence": "",
        "areas_for_development-TOTAL_FORMS": "0",
        "areas_for_development-INITIAL_FORMS": "0",
    }
    url = f"/admin/improvement/progressupdate/{update.pk}/change/"

    client.force_login(editor)
    assert client.post(url, data).status_code == 403
    update.refresh_from_db()
    assert update.narrative == "Typo heer"

    administrator = user_with_role(roles.ADMINISTRATOR)
    client.force_login(administrator)
    assert client.post(url, data).status_code == 302
    update.refresh_from_db()
    assert update.narrative == "Typo here"
    records = list(ProgressUpdate.history.filter(id=update.pk).order_by("history_date"))
    assert [r.narrative for r in records] == ["Typo heer", "Typo here"]
    assert records[-1].history_user == administrator
    assert records[-1].history_type == "~"


def test_changes_to_users_are_recorded():
    user = get_user_model().objects.create_user("sam", password="a-long-test-password")
    user.email = "sam@example.invalid"
    user.save()
    assert [h.email for h in user.history.order_by("history_date")] == ["", "sam@example.invalid"]
