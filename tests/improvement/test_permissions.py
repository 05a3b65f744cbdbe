"""The permission matrix: every role against plans, objectives, actions, updates and
evidence files, for view, update, export and admin; refusals change nothing.

A link to an object counts only with its role: the cast includes a demoted editor (the
Plan editor role taken away, now an action owner, still on both plans' editors), a Viewer
put on both plans' editors, and a former owner (the Action owner role taken away, still
owning an action and an objective in both plans). None of them gets a power from those
lists."""

import pytest
from django.urls import reverse

from improvement import roles
from improvement.models import Action, Plan, ProgressUpdate, SignOff
from improvement.services import needs_sign_off
from metrics.models import DataPoint
from tests.factories import (
    ActionFactory,
    EvidenceFileFactory,
    MeasureFactory,
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
        # Still staff, still listed: only the role was taken away.
        "demoted_editor": user_with_role(roles.ACTION_OWNER, is_staff=True),
        "viewer_editor": user_with_role(roles.VIEWER, is_staff=True),
        "former_owner": UserFactory(),
    }
    open_plan = PlanFactory(slug="open", requires_sign_off=True)
    open_plan.editors.add(cast["editor"], cast["demoted_editor"], cast["viewer_editor"])
    objective = ObjectiveFactory(plan=open_plan, reference="1")
    action = ActionFactory(objective=objective, reference="1.1", owner=cast["owner"])
    action.delegates.add(cast["delegate"])
    update = ProgressUpdateFactory(action=action, author=cast["owner"])
    file = EvidenceFileFactory(update=update)
    # The former owner's action and objective, in the same plan.
    former = ActionFactory(
        objective=ObjectiveFactory(plan=open_plan, reference="2", owner=cast["former_owner"]),
        reference="2.1",
        owner=cast["former_owner"],
    )
    former.delegates.add(cast["former_owner"])
    measure = MeasureFactory(plan=open_plan, owner=cast["former_owner"])

    restricted = PlanFactory(slug="closed", restricted=True)
    restricted.editors.add(cast["demoted_editor"], cast["viewer_editor"])
    secret_objective = ObjectiveFactory(plan=restricted, reference="1")
    secret_action = ActionFactory(
        objective=secret_objective, reference="1.1", owner=cast["restricted_owner"]
    )
    ActionFactory(objective=secret_objective, reference="1.2", owner=cast["former_owner"])
    secret_update = ProgressUpdateFactory(action=secret_action)
    secret_file = EvidenceFileFactory(update=secret_update)
    return {
        **cast,
        "open": {
            "plan": open_plan,
            "objective": objective,
            "action": action,
            "file": file,
            "former_action": former,
            "measure": measure,
        },
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
    ("demoted_editor", "open", True),
    ("demoted_editor", "restricted", False),
    ("viewer_editor", "open", True),
    ("viewer_editor", "restricted", True),
    ("former_owner", "open", False),
    ("former_owner", "restricted", False),
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
    ("demoted_editor", 403),
    ("viewer_editor", 403),
    ("former_owner", 404),
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
    [
        ("administrator", 200),
        ("editor", 200),
        ("viewer", 403),
        ("owner", 403),
        ("outsider", 404),
        ("demoted_editor", 403),
        ("viewer_editor", 403),
    ],
)
def test_who_may_assess_an_objective(client, world, person, expected):
    client.force_login(world[person])
    url = reverse("objective-update", kwargs={"pk": world["open"]["objective"].pk})
    assert client.get(url).status_code == expected


def test_an_owner_who_lost_the_role_records_nothing_on_what_they_still_own(client, world):
    """Owner and delegate of action 2.1 and owner of objective 2, with no role left."""
    former = world["former_owner"]
    action, objective = world["open"]["former_action"], world["open"]["former_action"].objective
    client.force_login(former)
    before = ProgressUpdate.objects.count()
    for url in (
        reverse("action-update", kwargs={"pk": action.pk}),
        reverse("objective-update", kwargs={"pk": objective.pk}),
    ):
        assert client.get(url).status_code == 404
        response = client.post(url, {"status": "complete", "narrative": "x", "based_on": 0})
        assert response.status_code == 404
    assert ProgressUpdate.objects.count() == before
    assert client.get(reverse("my-actions")).status_code == 403  # no longer an owner
    assert not former.has_perm("improvement.update_action", action)
    assert not former.has_perm("improvement.assess_objective", objective)
    # With a role back (a Viewer, say) they read the plan again, but still record nothing.
    former.groups.add(roles.sync_roles()[roles.VIEWER])
    former = type(former).objects.get(pk=former.pk)
    client.force_login(former)
    assert client.get(reverse("action-update", kwargs={"pk": action.pk})).status_code == 403
    assert not former.has_perm("improvement.update_action", action)


# Who may enter a value for the open plan's measure (owned by the former owner).
DATA_ENTRY = [
    ("administrator", True),
    ("editor", True),
    ("owner", False),
    ("viewer", False),
    ("demoted_editor", False),
    ("viewer_editor", False),
    ("former_owner", False),
]


@pytest.mark.parametrize(("person", "allowed"), DATA_ENTRY)
def test_who_may_enter_a_measures_data_and_a_refusal_changes_nothing(
    client, world, person, allowed
):
    measure = world["open"]["measure"]
    assert world[person].has_perm("metrics.enter_data", measure) is allowed
    client.force_login(world[person])
    response = client.post(
        reverse("measure-detail", kwargs={"pk": measure.pk}),
        {"period_end": "2025-03-31", "value": "12"},
    )
    if allowed:
        assert response.status_code == 302
        assert DataPoint.objects.filter(measure=measure).count() == 1
    else:
        assert response.status_code in (403, 404)
        assert not DataPoint.objects.filter(measure=measure).exists()


# Who may sign off the owner's update waiting in the open plan: 302 (decided), 403 (may
# read it, may not decide), 404 (may not read it).
SIGNERS = [
    ("administrator", 302),
    ("editor", 302),
    ("other_editor", 403),
    ("owner", 403),
    ("viewer", 403),
    ("demoted_editor", 403),
    ("viewer_editor", 403),
    ("former_owner", 404),
    ("outsider", 404),
]


@pytest.mark.parametrize(("person", "expected"), SIGNERS)
def test_who_may_sign_off_and_a_refusal_changes_nothing(client, world, person, expected):
    waiting = ProgressUpdateFactory(
        action=world["open"]["action"], author=world["owner"], needs_sign_off=True
    )
    client.force_login(world[person])
    queue = client.get(reverse("sign-off-list"))  # 403 for someone who signs nothing off
    listed = [u.pk for u, _ in queue.context["rows"]] if queue.status_code == 200 else []
    assert (waiting.pk in listed) is (expected == 302)
    response = client.post(
        reverse("sign-off", kwargs={"pk": waiting.pk}), {f"u{waiting.pk}-decision": "approved"}
    )
    assert response.status_code == expected
    assert SignOff.objects.filter(update=waiting).exists() is (expected == 302)


@pytest.mark.parametrize(
    ("person", "waits"),
    [
        ("administrator", False),
        ("editor", False),
        ("owner", True),
        ("demoted_editor", True),
        ("viewer_editor", True),
    ],
)
def test_only_someone_who_signs_off_in_the_plan_skips_sign_off(world, person, waits):
    assert needs_sign_off(world["open"]["plan"], world[person]) is waits


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
    ("demoted_editor", True, False),
    ("viewer_editor", True, True),
    ("former_owner", False, False),
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
    # Staff still and listed as editors; as an action owner or a viewer they may look at the
    # admin, but find no plan there to change.
    ("demoted_editor", 302, 302),
    ("viewer_editor", 302, 302),
    ("former_owner", 302, 302),
]


@pytest.mark.parametrize(("person", "plan_page", "action_page"), ADMIN)
def test_who_may_use_the_admin_for_the_open_plan(client, world, person, plan_page, action_page):
    client.force_login(world[person])
    plan, action = world["open"]["plan"], world["open"]["action"]
    plan_response = client.get(f"/admin/improvement/plan/{plan.pk}/change/")
    action_response = client.get(f"/admin/improvement/action/{action.pk}/change/")
    assert plan_response.status_code == plan_page
    assert action_response.status_code == action_page
    if person in ("other_editor", "demoted_editor", "viewer_editor"):
        # Staff, but not an editor of the plan: the admin does not show it to them at all.
        assert plan_response.url == "/admin/"
        for changelist in ("improvement/plan", "metrics/measure", "improvement/progressupdate"):
            listed = client.get(f"/admin/{changelist}/").context["cl"].result_list
            assert list(listed) == [], changelist


@pytest.mark.parametrize("person", ["demoted_editor", "viewer_editor"])
def test_an_editor_in_name_only_changes_nothing_in_the_admin(client, world, person):
    client.force_login(world[person])
    plan, measure = world["open"]["plan"], world["open"]["measure"]
    response = client.post(
        f"/admin/improvement/plan/{plan.pk}/change/",
        {"title": "Hijacked", "slug": plan.slug, "organisation": "X", "kind": "action_plan"},
    )
    assert response.status_code in (302, 403)
    response = client.post(f"/admin/metrics/measure/{measure.pk}/change/", {"name": "Hijacked"})
    assert response.status_code in (302, 403)
    plan.refresh_from_db()
    measure.refresh_from_db()
    assert plan.title != "Hijacked" and measure.name != "Hijacked"


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
    # The editors are shown by name, read-only (admin.PlanAdmin.editor_names).
    assert "editor_names" in readonly and "restricted" in readonly
    assert "editors" not in page.context["adminform"].form.fields


def test_a_plan_editor_only_lists_actions_of_their_plans(client, world):
    client.force_login(world["editor"])
    listed = client.get("/admin/improvement/action/").context["cl"].result_list
    assert {a.pk for a in listed} == {world["open"]["action"].pk, world["open"]["former_action"].pk}
    assert Action.objects.count() == 4


def test_a_user_with_no_role_sees_no_plans(client, world):
    client.force_login(world["outsider"])
    response = client.get(reverse("plan-list"))
    assert response.context["states"] == []
    assert Plan.objects.count() == 2
