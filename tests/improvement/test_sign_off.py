"""Sign-off: an owner's update waits for a plan editor; until approved it does not move
the roll-up; a returned update keeps its text for the owner to correct."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement import roles
from improvement.history import action_state_as_at
from improvement.models import ProgressUpdate, SignOff
from improvement.services import sign_off_decide
from improvement.status import Status
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    owner = user_with_role(roles.ACTION_OWNER)
    editor = user_with_role(roles.PLAN_EDITOR)
    plan = PlanFactory(requires_sign_off=True)
    plan.editors.add(editor)
    action = ActionFactory(objective=ObjectiveFactory(plan=plan), reference="1.1", owner=owner)
    ProgressUpdateFactory(action=action, as_at=datetime.date(2025, 1, 1), status="on_track")
    return {"owner": owner, "editor": editor, "plan": plan, "action": action}


def submit(client, user, action, status="off_track", narrative="It has gone wrong"):
    client.force_login(user)
    url = reverse("action-update", kwargs={"pk": action.pk})
    based_on = client.get(url).context["form"]["based_on"].value()
    return client.post(
        url,
        {
            "status": status,
            "narrative": narrative,
            "based_on": based_on,
            "areas-TOTAL_FORMS": "1",
            "areas-INITIAL_FORMS": "0",
            "areas-0-description": "Fix it",
            "areas-0-timescale": "Quarter 4",
        },
    )


def decide(client, editor, update, decision, comment=""):
    client.force_login(editor)
    prefix = f"u{update.pk}"
    return client.post(
        reverse("sign-off", kwargs={"pk": update.pk}),
        {f"{prefix}-decision": decision, f"{prefix}-comment": comment},
    )


def test_an_unapproved_update_does_not_move_the_roll_up_and_approval_does(client, setting):
    action, today = setting["action"], timezone.localdate()
    response = submit(client, setting["owner"], action)
    assert response.status_code == 302
    update = ProgressUpdate.objects.filter(action=action).latest("id")
    assert update.needs_sign_off and update.sign_off_state == "awaiting"

    state = action_state_as_at(action, today)
    assert state.status == Status.ON_TRACK
    assert state.awaiting_sign_off == update
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Awaiting sign-off" in page
    plan_page = client.get(setting["plan"].get_absolute_url())
    assert plan_page.context["state"].status == Status.ON_TRACK

    assert decide(client, setting["editor"], update, "approved").status_code == 302
    assert action_state_as_at(action, today).status == Status.OFF_TRACK
    plan_page = client.get(setting["plan"].get_absolute_url())
    assert plan_page.context["state"].status == Status.OFF_TRACK
    decision = SignOff.objects.get(update=update)
    assert (decision.decided_by, decision.decided_on) == (setting["editor"], today)


def test_an_approval_counts_from_its_own_day_so_earlier_reports_do_not_change(setting):
    action, editor = setting["action"], setting["editor"]
    update = ProgressUpdateFactory(
        action=action,
        as_at=datetime.date(2025, 6, 30),
        status="off_track",
        needs_sign_off=True,
        author=setting["owner"],
    )
    decision = SignOff(update=update, decision="approved", decided_by=editor)
    decision.decided_on = datetime.date(2025, 7, 10)
    decision.save()
    assert action_state_as_at(action, datetime.date(2025, 7, 9)).status == Status.ON_TRACK
    assert action_state_as_at(action, datetime.date(2025, 7, 10)).status == Status.OFF_TRACK


def test_a_returned_update_never_counts_and_its_text_comes_back_to_the_owner(client, setting):
    action = setting["action"]
    submit(client, setting["owner"], action, narrative="Draft words to keep")
    update = ProgressUpdate.objects.filter(action=action).latest("id")

    response = decide(client, setting["editor"], update, "returned", "Say what went wrong")
    assert response.status_code == 302
    assert (
        update.sign_off_state == "returned"
        or SignOff.objects.get(update=update).decision == "returned"
    )
    assert action_state_as_at(action, timezone.localdate()).status == Status.ON_TRACK

    client.force_login(setting["owner"])
    page = client.get(reverse("action-update", kwargs={"pk": action.pk}))
    html = page.content.decode()
    assert "Say what went wrong" in html
    assert page.context["form"]["narrative"].value() == "Draft words to keep"
    assert page.context["form"]["status"].value() == "off_track"
    assert page.context["areas"].forms[0]["timescale"].value() == "Quarter 4"


def test_returning_needs_a_comment_and_nothing_is_decided_without_one(client, setting):
    submit(client, setting["owner"], setting["action"])
    update = ProgressUpdate.objects.latest("id")
    response = decide(client, setting["editor"], update, "returned", "")
    assert response.status_code == 400
    assert "Say why you are returning the update." in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_decision_is_final(client, setting):
    submit(client, setting["owner"], setting["action"])
    update = ProgressUpdate.objects.latest("id")
    decide(client, setting["editor"], update, "approved")
    response = decide(client, setting["editor"], update, "returned", "Changed my mind")
    assert response.status_code == 302
    assert SignOff.objects.get(update=update).decision == "approved"
    with pytest.raises(ValidationError, match="already"):
        sign_off_decide(update=update, user=setting["editor"], decision="returned", comment="x")


def test_only_the_plans_editors_may_sign_off_and_never_their_own_update(client, setting):
    submit(client, setting["owner"], setting["action"])
    update = ProgressUpdate.objects.latest("id")
    for person in [
        setting["owner"],
        user_with_role(roles.VIEWER),
        user_with_role(roles.PLAN_EDITOR),
    ]:
        assert decide(client, person, update, "approved").status_code == 403
    assert not SignOff.objects.exists()

    # An editor's own updates on their plan need no sign-off at all.
    submit(client, setting["editor"], setting["action"], narrative="Editor's own")
    own = ProgressUpdate.objects.latest("id")
    assert not own.needs_sign_off


def test_the_sign_off_page_lists_what_waits_for_this_editor(client, setting):
    submit(client, setting["owner"], setting["action"], narrative="Waiting words")
    elsewhere = PlanFactory(requires_sign_off=True)
    other_owner = user_with_role(roles.ACTION_OWNER)
    other = ActionFactory(objective=ObjectiveFactory(plan=elsewhere), owner=other_owner)
    submit(client, other_owner, other, narrative="Not for this editor")

    client.force_login(setting["editor"])
    html = client.get(reverse("sign-off-list")).content.decode()
    assert "Waiting words" in html
    assert "Not for this editor" not in html
