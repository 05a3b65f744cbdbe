"""Every text has a documented cap and none may hold a NUL: refused with a message next
to the field, in the update form, the admin and at model level (which the import's
full_clean uses), and nothing is saved. The caps keep every exported cell within Excel's."""

import io
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from improvement import roles, text_limits
from improvement.models import Plan, ProgressUpdate
from improvement.models.progress import validate_text_list
from improvement.workbook.services import plan_import
from tests.factories import ActionFactory, PlanFactory, user_with_role

pytestmark = pytest.mark.django_db

NUL = "Minutes\x00 of the board"


def text_fields():
    """Every text a person or an import can write, in the three apps' models."""
    for app in ("improvement", "metrics", "workforce"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField)) and field.editable:
                    yield f"{model.__name__}.{field.name}", field


@pytest.mark.parametrize(("name", "field"), list(text_fields()), ids=lambda x: str(x))
def test_every_text_field_refuses_a_nul_and_has_a_cap_within_an_excel_cell(name, field):
    cap = field.max_length
    assert cap is not None and cap <= text_limits.LONG_TEXT, name
    if not field.choices:  # a choice refuses anything else already
        with pytest.raises(ValidationError) as refused:
            field.run_validators("x\x00y")
        if not isinstance(field, models.SlugField):  # which says what a slug may hold
            assert text_limits.NUL_MESSAGE in refused.value.messages
    with pytest.raises(ValidationError):
        field.run_validators("x" * (cap + 1))


def test_the_list_caps_keep_a_joined_list_within_one_excel_cell():
    # One item a line, each after a bullet and a space (the workbook's and reports' form).
    joined = text_limits.LIST_TEXT + 3 * text_limits.LIST_ITEMS
    assert joined < text_limits.EXCEL_CELL
    assert text_limits.LONG_TEXT + 1 < text_limits.EXCEL_CELL  # + a formula-safe quote


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["x" * 3_000_000], "keep each item to 2,000 characters"),
        (["x" * 1_500] * 8, "Keep these to 10,000 characters in all"),
        (["x"] * 101, "Give at most 100 items"),
        (["Fine", NUL], "Item 2: This text contains a NUL character"),
        ([" "], "Item 1 has no text."),
        ("not a list", "Give a list of items"),
    ],
)
def test_a_list_of_achievements_or_evidence_is_checked_item_by_item(items, message):
    with pytest.raises(ValidationError) as refused:
        validate_text_list(items)
    assert any(message in m for m in refused.value.messages), refused.value.messages


@pytest.fixture
def owner_and_action(client):
    owner = user_with_role(roles.ACTION_OWNER)
    client.force_login(owner)
    return owner, ActionFactory(owner=owner)


def post_update(client, action, **fields):
    data = {
        "status": "on_track",
        "narrative": "Going well",
        "based_on": 0,
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return client.post(reverse("action-update", kwargs={"pk": action.pk}), data)


def test_three_megabytes_of_achievements_are_refused_with_a_message(client, owner_and_action):
    _, action = owner_and_action
    response = post_update(client, action, achievements="x" * 3_000_000)
    assert response.status_code == 200
    errors = response.context["form"].errors["achievements"]
    assert errors == ["Item 1: keep each item to 2,000 characters or fewer (it has 3,000,000)."]
    assert 'id="id_achievements-error"' in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("field", ["narrative", "achievements", "evidence", "areas-0-description"])
def test_a_nul_in_any_field_of_the_update_form_is_refused_next_to_it(
    client, owner_and_action, field
):
    _, action = owner_and_action
    response = post_update(client, action, **{field: NUL})
    assert response.status_code == 200
    if field.startswith("areas"):
        errors = response.context["areas"].forms[0].errors["description"]
    else:
        errors = response.context["form"].errors[field]
    assert any("NUL" in e or "Null characters" in e for e in errors), errors
    assert not ProgressUpdate.objects.exists()


def test_a_nul_in_the_admins_update_form_is_refused_and_nothing_is_saved(client):
    administrator = user_with_role(roles.ADMINISTRATOR)
    client.force_login(administrator)
    action = ActionFactory(objective__plan=PlanFactory(start_date=None))
    for field in ("achievements", "evidence", "narrative"):
        data = {
            "action": action.pk,
            "as_at": "2025-06-30",
            "status": "on_track",
            "narrative": "Fine",
            "areas_for_development-TOTAL_FORMS": "0",
            "areas_for_development-INITIAL_FORMS": "0",
            field: NUL,
        }
        response = client.post("/admin/improvement/progressupdate/add/", data)
        assert response.status_code == 200, field
        assert response.context["adminform"].form.errors[field], field
    assert not ProgressUpdate.objects.exists()


def test_a_nul_or_an_over_long_text_is_refused_by_the_admin_plan_form(client):
    administrator = user_with_role(roles.ADMINISTRATOR)
    client.force_login(administrator)
    plan = PlanFactory(description="As agreed")
    url = f"/admin/improvement/plan/{plan.pk}/change/"
    base = {
        "title": plan.title,
        "slug": plan.slug,
        "organisation": plan.organisation,
        "kind": plan.kind,
        "rollup_rule": plan.rollup_rule,
        "off_track_threshold": 25,
        "at_risk_threshold": 10,
        "objective_term": "objective",
        **{
            f"{prefix}-{k}": "0"
            for prefix in ("status_key", "sections", "objectives")
            for k in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    for change in ({"title": "Plan\x00"}, {"description": "x" * (text_limits.LONG_TEXT + 1)}):
        response = client.post(url, {**base, **change})
        assert response.status_code == 200, change
        [field] = change
        assert response.context["adminform"].form.errors[field], change
    plan.refresh_from_db()
    assert plan.description == "As agreed"


def test_the_import_refuses_a_nul_in_a_cell_at_its_dry_run_and_saves_nothing():
    files = {
        "plan.csv": "Field,Value\nSlug,anytown\nTitle,Any\x00town\n"
        "Organisation,Anytown Council\nKind,Action plan\n",
        "objectives.csv": "Reference,Title,Description\n1,Work\x00force,Recruit\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    administrator = user_with_role(roles.ADMINISTRATOR)
    for confirm in (False, True):
        result = plan_import(
            data=buffer.getvalue(), file_name="plan.zip", user=administrator, confirm=confirm
        )
        assert [(p.sheet, p.row, p.column) for p in result.problems] == [
            ("plan", 3, "Value"),
            ("objectives", 2, "Title"),
        ]
        # The import names the character and says how to remove it, on the cell.
        assert all("a NUL character (U+0000)" in p.message for p in result.problems)
    assert not Plan.objects.exists()
