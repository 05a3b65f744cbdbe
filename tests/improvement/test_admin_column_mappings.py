"""The column mappings a document import saved, in the admin: administrators see and
correct every one; a plan editor those of the plans they edit, and another plan's
mapping is not found (404) on any page, nor changed or deleted by a post."""

import pytest
from django.urls import reverse

from improvement import roles
from improvement.models.imports import SavedColumnMapping
from improvement.workbook.mapping import shape_key
from tests.factories import PlanFactory, user_with_role

pytestmark = pytest.mark.django_db

HEADINGS = ["No", "Improvement Key Activity", "Progress"]


def _mapping(plan, headings=HEADINGS):
    return SavedColumnMapping.objects.create(
        plan=plan,
        organisation=plan.organisation,
        shape=shape_key(headings),
        headings=headings,
        fields=["reference", "title", "progress"],
        statuses={"achieved": "complete"},
    )


def url(view, *args):
    return reverse(f"admin:improvement_savedcolumnmapping_{view}", args=args)


@pytest.fixture
def world(client):
    editor = user_with_role(roles.PLAN_EDITOR)
    own = PlanFactory(title="Editor's own plan", organisation="Own Council")
    own.editors.add(editor)
    other = PlanFactory(title="Another plan", organisation="SECRET Council")
    client.force_login(editor)
    return {
        "editor": editor,
        "own": _mapping(own),
        "other": _mapping(other, ["SECRET heading", "What", "Progress"]),
    }


def _post(mapping, fields, statuses='{"achieved": "complete"}'):
    return {"fields": fields, "statuses": statuses}


def test_a_plan_editor_lists_only_the_mappings_of_their_plans(client, world):
    response = client.get(url("changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Improvement Key Activity" in page
    assert "SECRET" not in page


def test_a_plan_editor_corrects_their_plans_mapping(client, world):
    mapping = world["own"]
    page = client.get(url("change", mapping.pk))
    assert page.status_code == 200
    assert "Improvement Key Activity → Action (title)" in page.content.decode()
    response = client.post(
        url("change", mapping.pk),
        _post(mapping, '["reference", "title", "status"]', '{" Green ": "on_track"}'),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mapping.refresh_from_db()
    assert mapping.fields == ["reference", "title", "status"]
    assert mapping.statuses == {"green": "on_track"}


@pytest.mark.parametrize(
    "fields, statuses, message",
    [
        ('["reference", "title"]', "{}", "Give a list of 3 fields"),
        ('["reference", "title", "colour"]', "{}", "is not a field a column can go to"),
        ('["reference", "title", ""]', '{"achieved": "done"}', "with its standard status"),
    ],
)
def test_a_wrong_correction_is_refused_next_to_its_field_and_changes_nothing(
    client, world, fields, statuses, message
):
    mapping = world["own"]
    response = client.post(url("change", mapping.pk), _post(mapping, fields, statuses))
    assert response.status_code == 200
    assert message in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.fields == ["reference", "title", "progress"]


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_plans_mapping_is_not_found(client, world, view):
    assert client.get(url(view, world["other"].pk)).status_code == 404


def test_another_plans_mapping_is_neither_changed_nor_deleted_by_a_post(client, world):
    other = world["other"]
    before = SavedColumnMapping.objects.filter(pk=other.pk).values().get()
    changed = client.post(url("change", other.pk), _post(other, '["", "", ""]', "{}"))
    deleted = client.post(url("delete", other.pk), {"post": "yes"})
    bulk = client.post(
        url("changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert changed.status_code in (403, 404) and deleted.status_code in (403, 404)
    assert bulk.status_code in (200, 302, 403)
    assert SavedColumnMapping.objects.filter(pk=other.pk).values().get() == before


def test_nobody_adds_a_mapping_by_hand(client, world):
    assert client.get(url("add")).status_code == 403


def test_an_administrator_sees_every_mapping_and_an_owner_none(client, world):
    client.force_login(user_with_role(roles.ADMINISTRATOR, is_superuser=False))
    page = client.get(url("changelist")).content.decode()
    assert "Improvement Key Activity" in page and "SECRET heading" in page
    assert client.get(url("change", world["other"].pk)).status_code == 200
    client.force_login(user_with_role(roles.ACTION_OWNER))
    assert client.get(url("changelist")).status_code in (302, 403)
