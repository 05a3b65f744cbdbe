"""The permission matrix: every role against plans, objectives, actions, updates and
evidence files, for view, update, export and admin; refusals change nothing."""

import pytest
from django.urls import reverse

from improvement import roles
from improvement.models import Action, Plan, ProgressUpdate
from tests.factories import (
    ActionFactory,
    EvidenceFileFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An open plan and a restricted one, with the fixed cast of people around them."""
    cast = {
        "administrator": user_with_role(roles.ADMINISTRATOR),
        "editor": user_with_role(roles.PLAN_EDITOR),
        "other_editor": user_with_role(roles.PLAN_EDITOR),
        "owner": user_with_role(roles.ACTION_OWNER),
        "delegate": user_with_role(roles.ACTION_OWNER),
        "restricted_owner": user_with_role(roles.ACTION_OWNER),
        "viewer": user_with_role(roles.VIEWER),
        "clerk": user_with_role(roles.CLERK),
        "outsider": UserFactory(),
    }
    open_plan = PlanFactory(slug="open")
    open_plan.editors.add(cast["editor"])
    objective = ObjectiveFactory(plan=open_plan, reference="1")
    action = ActionFactory(objective=objective, reference="1.1", owner=cast["owner"])
    action.delegates.add(cast["delegate"])
    update = ProgressUpdateFactory(action=action, author=cast["owner"])
    file = EvidenceFileFactory(update=update)

    restricted = PlanFactory(slug="closed", restricted=True)
    secret_objective = ObjectiveFactory(plan=restricted, reference="1")
    secret_action = ActionFactory(
        objective=secret_objective, reference="1.1", owner=cast["restricted_owner"]
    )
    secret_update = ProgressUpdateFactory(action=secret_action)
    secret_file = EvidenceFileFactory(update=secret_update)
    return {
        **cast,
        "open": {"plan": open_plan, "objective": objective, "action": action, "file": file},
        "restricted": {
            "plan": restricted,
            "objective": secret_objective,
            "action": secret_action,
            "file": secret_file,
        },
    }


def page_urls(objects):
    return {
        "plan": objects["plan"].get_absolute_url(),
        "objective": objects["objective"].get_absolute_url(),
        "action": objects["action"].get_absolute_url(),
        "update": reverse("action-update", kwargs={"pk": objects["action"].pk}),
        "file": objects["file"].get_absolute_url(),
    }


# Who may read: (person, plan) -> can they see its plan, objective, action and files?
READERS = [
    ("administrator", "open", True),
    ("administrator", "restricted", True),
    ("viewer", "open", True),
    ("viewer", "restricted", True),
    ("clerk", "open", True),
    ("clerk", "restricted", True),
    ("editor", "open", True),
    ("editor", "restricted", False),
    ("owner", "open", True),
    ("owner", "restricted", False),
    ("restricted_owner", "restricted", True),
    ("outsider", "open", False),
    ("outsider", "restricted", False),
]


@pytest.mark.parametrize(("person", "plan", "allowed"), READERS)
def test_who_may_read(client, world, person, plan, allowed):
    client.force_login(world[person])
    urls = page_urls(world[plan])
    for what in ("plan", "objective", "action", "file"):
        response = client.get(urls[what])
        assert response.status_code == (200 if allowed else 404), (person, plan, what)
    listed = [s.plan.slug for s in client.get(reverse("plan-list")).context["states"]]
    assert (world[plan]["plan"].slug in listed) is allowed
    assert client.get(
        reverse("plan-detail", kwargs={"slug": world[plan]["plan"].slug})
    ).status_code in ((200,) if allowed else (404,))


# Who may record progress on the open plan's action 1.1: 200 (form), 403 (may read it
# but not change it), 404 (may not even read it).
UPDATERS = [
    ("administrator", 200),
    ("editor", 200),
    ("owner", 200),
    ("delegate", 200),
    ("other_editor", 403),
    ("restricted_owner", 403),
    ("viewer", 403),
    ("clerk", 403),
    ("outsider", 404),
]


@pytest.mark.parametrize(("person", "expected"), UPDATERS)
def test_who_may_update_an_action_and_a_refusal_changes_nothing(client, world, person, expected):
    client.force_login(world[person])
    action = world["open"]["action"]
    url = reverse("action-update", kwargs={"pk": action.pk})
    assert client.get(url).status_code == expected
    before = ProgressUpdate.objects.count()
    response = client.post(
        url,
        {
            "status": "complete",
            "narrative": "Done",
            "based_on": ProgressUpdate.objects.filter(action=action).latest("id").id,
            "areas-TOTAL_FORMS": "0",
            "areas-INITIAL_FORMS": "0",
        },
    )
    if expected == 200:
        assert response.status_code == 302
        assert ProgressUpdate.objects.count() == before + 1
    else:
        assert response.status_code == expected
        assert ProgressUpdate.objects.count() == before


@pytest.mark.parametrize(
    ("person", "expected"),
    [("administrator", 200), ("editor", 200), ("viewer", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_may_assess_an_objective(client, world, person, expected):
    client.force_login(world[person])
    url = reverse("objective-update", kwargs={"pk": world["open"]["objective"].pk})
    assert client.get(url).status_code == expected


def test_an_owner_guessing_another_actions_id_or_file_gets_404_and_nothing_changes(client, world):
    client.force_login(world["owner"])
    secret = world["restricted"]
    before = ProgressUpdate.objects.filter(action=secret["action"]).count()
    update_url = reverse("action-update", kwargs={"pk": secret["action"].pk})
    assert client.get(update_url).status_code == 404
    response = client.post(update_url, {"status": "complete", "narrative": "x", "based_on": 0})
    assert response.status_code == 404
    assert client.get(secret["file"].get_absolute_url()).status_code == 404
    assert client.get(reverse("action-update", kwargs={"pk": 999999})).status_code == 404
    assert ProgressUpdate.objects.filter(action=secret["action"]).count() == before


EXPORTERS = [
    ("administrator", True, True),
    ("viewer", True, True),
    ("clerk", True, True),
    ("editor", True, False),
    ("owner", True, False),
    ("restricted_owner", True, True),
    ("outsider", False, False),
]


@pytest.mark.parametrize(("person", "open_plan", "restricted_plan"), EXPORTERS)
def test_who_may_export_a_plan(world, person, open_plan, restricted_plan):
    user = world[person]
    assert user.has_perm("improvement.export_plan", world["open"]["plan"]) is open_plan
    assert user.has_perm("improvement.export_plan", world["restricted"]["plan"]) is restricted_plan


ADMIN = [
    # person, plan change page, action change page in the open plan
    ("administrator", 200, 200),
    ("editor", 200, 200),
    ("other_editor", 302, 302),
    ("owner", 302, 302),
    ("viewer", 302, 302),
    ("clerk", 302, 302),
    ("outsider", 302, 302),
]


@pytest.mark.parametrize(("person", "plan_page", "action_page"), ADMIN)
def test_who_may_use_the_admin_for_the_open_plan(client, world, person, plan_page, action_page):
    client.force_login(world[person])
    plan, action = world["open"]["plan"], world["open"]["action"]
    plan_response = client.get(f"/admin/improvement/plan/{plan.pk}/change/")
    action_response = client.get(f"/admin/improvement/action/{action.pk}/change/")
    assert plan_response.status_code == plan_page
    assert action_response.status_code == action_page
    if person == "other_editor":
        # Staff, but not named on the plan: the admin does not show it to them at all.
        assert plan_response.url == "/admin/"


def test_a_plan_editor_cannot_change_a_plan_they_are_not_named_on(client, world):
    client.force_login(world["other_editor"])
    plan = world["open"]["plan"]
    response = client.post(
        f"/admin/improvement/plan/{plan.pk}/change/",
        {"title": "Hijacked", "slug": plan.slug, "organisation": "X", "kind": "action_plan"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title != "Hijacked"
    listed = client.get("/admin/improvement/plan/").context["cl"].result_list
    assert list(listed) == []


def test_a_plan_editor_cannot_add_plans_or_change_who_edits(client, world):
    client.force_login(world["editor"])
    assert client.get("/admin/improvement/plan/add/").status_code == 403
    page = client.get(f"/admin/improvement/plan/{world['open']['plan'].pk}/change/")
    readonly = page.context["adminform"].readonly_fields
    assert "editors" in readonly and "restricted" in readonly


def test_a_plan_editor_only_lists_actions_of_their_plans(client, world):
    client.force_login(world["editor"])
    listed = client.get("/admin/improvement/action/").context["cl"].result_list
    assert [a.pk for a in listed] == [world["open"]["action"].pk]
    assert Action.objects.count() == 2


def test_a_user_with_no_role_sees_no_plans(client, world):
    client.force_login(world["outsider"])
    response = client.get(reverse("plan-list"))
    assert response.context["states"] == []
    assert Plan.objects.count() == 2
