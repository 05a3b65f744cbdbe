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


# -- the queue with its context, and the count in the navigation ---------------------------


def test_each_waiting_update_links_to_its_action_plan_previous_update_and_history(client, setting):
    action, plan = setting["action"], setting["plan"]
    previous = ProgressUpdate.objects.get(action=action)
    submit(client, setting["owner"], action)
    client.force_login(setting["editor"])
    response = client.get(reverse("sign-off-list"))
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert f'href="{plan.get_absolute_url()}"' in main
    assert f'href="{action.get_absolute_url()}"' in main
    assert f'href="{action.get_absolute_url()}#update-{previous.pk}"' in main
    assert f'href="{action.get_absolute_url()}#timeline"' in main
    assert "Update as at 1 January 2025" in main  # the previous update, named by its date
    # The plan's title is not inside the heading: it is a caption before it.
    heading = main[main.index('<h2 class="govuk-heading-m" id="waiting-') :]
    heading = heading[: heading.index("</h2>")]
    assert plan.title not in heading
    assert f"Action {action.reference}: {action.title}" in heading
    # The history anchor exists on the action's page.
    assert 'id="timeline"' in client.get(action.get_absolute_url()).content.decode()


def test_the_first_update_says_there_is_none_before_it(client, setting):
    first = ActionFactory(
        objective=setting["action"].objective, reference="1.2", owner=setting["owner"]
    )
    submit(client, setting["owner"], first)
    client.force_login(setting["editor"])
    page = client.get(reverse("sign-off-list")).content.decode()
    assert "None: this is the first update." in page


def test_an_objective_update_links_to_the_objective_and_its_updates(client, setting):
    objective = setting["action"].objective
    objective.owner = setting["owner"]
    objective.save()
    ProgressUpdate.objects.create(
        objective=objective,
        as_at=timezone.localdate(),
        status="at_risk",
        author=setting["owner"],
        needs_sign_off=True,
    )
    client.force_login(setting["editor"])
    page = client.get(reverse("sign-off-list")).content.decode()
    assert f'href="{objective.get_absolute_url()}#updates"' in page
    assert 'id="updates"' in client.get(objective.get_absolute_url()).content.decode()


def test_the_sign_off_page_query_count_does_not_grow_with_the_queue(client, setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, owner, editor = setting["plan"], setting["owner"], setting["editor"]

    def add(n):
        for _ in range(n):
            action = ActionFactory(objective=ObjectiveFactory(plan=plan), owner=owner)
            ProgressUpdateFactory(action=action, as_at=datetime.date(2025, 1, 1))
            ProgressUpdate.objects.create(
                action=action,
                as_at=timezone.localdate(),
                status="on_track",
                author=owner,
                needs_sign_off=True,
            )

    def count():
        client.force_login(editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sign-off-list")).status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(20)
    assert count() == few


def test_the_navigation_counts_the_updates_waiting_for_this_editor(client, setting):
    submit(client, setting["owner"], setting["action"])
    client.force_login(setting["editor"])
    page = client.get(reverse("dashboard")).content.decode()
    assert (
        'Sign-off <span class="app-count">1<span class="govuk-visually-hidden"> waiting</span>'
        in page
    )
    # Another plan's editor has nothing waiting: the entry, but no count.
    other = user_with_role(roles.PLAN_EDITOR)
    PlanFactory().editors.add(other)
    client.force_login(other)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("sign-off-list") in page
    assert 'class="app-count"' not in page


def test_a_repeat_count_is_one_query_and_a_cache_read(setting, django_assert_num_queries):
    from improvement.permissions import user_roles
    from improvement.sign_off_queue import waiting_count

    editor = setting["editor"]
    user_roles(editor)  # the roles are read once per request by every page anyway
    assert waiting_count(editor) == 0
    # The updates are not counted again: only the versions of the plans decided in are
    # read (the cache is per test, in memory).
    with django_assert_num_queries(1) as queries:
        assert waiting_count(editor) == 0
    assert "improvement_progressupdate" not in queries.captured_queries[0]["sql"]


def test_the_cached_count_follows_every_write_that_changes_it(client, setting):
    """Cached under the versions of the plans the editor decides in: a new update, a
    decision, and being made an editor of another plan each show at once."""
    from improvement.sign_off_queue import waiting_count

    editor, owner = setting["editor"], setting["owner"]
    assert waiting_count(editor) == 0
    assert submit(client, owner, setting["action"]).status_code == 302
    assert waiting_count(editor) == 1

    other_plan = PlanFactory(requires_sign_off=True)
    other_action = ActionFactory(objective=ObjectiveFactory(plan=other_plan), owner=owner)
    assert submit(client, owner, other_action).status_code == 302
    assert waiting_count(editor) == 1  # not their plan
    other_plan.editors.add(editor)
    assert waiting_count(editor) == 2

    update = ProgressUpdate.objects.filter(action=setting["action"]).latest("id")
    assert decide(client, editor, update, "approved").status_code == 302
    assert waiting_count(editor) == 1
    other_plan.editors.remove(editor)
    assert waiting_count(editor) == 0


def test_an_editors_own_update_is_never_counted_for_them(client, setting):
    from improvement.sign_off_queue import waiting_count

    editor = setting["editor"]
    assert waiting_count(editor) == 0
    ProgressUpdateFactory(
        action=setting["action"], as_at=datetime.date(2025, 2, 1), author=editor,
        needs_sign_off=True,
    )  # fmt: skip
    assert waiting_count(editor) == 0
    assert waiting_count(user_with_role(roles.ADMINISTRATOR)) == 1


def test_people_who_sign_nothing_off_have_no_sign_off_entry_and_no_page(client, setting):
    owner_page = submit(client, setting["owner"], setting["action"])
    assert owner_page.status_code == 302
    lonely_editor = user_with_role(roles.PLAN_EDITOR)  # edits no plan
    for user in (setting["owner"], user_with_role(roles.VIEWER), lonely_editor):
        client.force_login(user)
        page = client.get(reverse("dashboard")).content.decode()
        assert reverse("sign-off-list") not in page, user
        assert "Awaiting" not in client.get(reverse("sign-off-list")).content.decode()
        update = ProgressUpdate.objects.filter(needs_sign_off=True).latest("id")
        response = decide(client, user, update, "approved")
        assert response.status_code in (403, 404)
        assert not SignOff.objects.filter(update=update).exists()
