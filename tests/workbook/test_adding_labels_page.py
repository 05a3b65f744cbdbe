"""Adding to the plan's key, on the import page, the status labels a workbook uses that
the key lacks: the offer (with the plan's labels and where each label is used), the
check run again on the same upload with the labels chosen, the import saving them in the
key and the updates written in them, and who may do it; bad input is a message next to
the choice, never a 500, and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement import roles
from improvement.models import PendingImport, Plan, ProgressUpdate, StatusKeyEntry
from improvement.workbook.services import plan_import
from tests.factories import user_with_role
from tests.workbook.conftest import minimal_sheets, plan_row_counts, xlsx

pytestmark = pytest.mark.django_db

LABELS = reverse("plan-import-labels")
KEY = [
    ["Label", "Status", "Meaning", "Summary phrase"],
    ["Complete", "Complete", None, None],
    ["Achieved", "complete", None, None],
    ["Green", "On track", None, None],
    ["Amber", "At risk", None, None],
]
UPDATES = [
    ["Update ref", "Objective", "Action", "As at", "Status"],
    ["1", "1", "1.1", None, "Delivered"],
    ["2", "1", "1.2", None, " delivered "],
    ["3", "2", "2.1", None, "Green"],
]


def workbook(updates=UPDATES, key=KEY) -> bytes:
    sheets = {"Updates": [row[:] for row in updates]}
    if key is not None:
        sheets["Status key"] = key
    return xlsx(minimal_sheets(**sheets))


def existing_plan(editor) -> Plan:
    """The plan as it is in the tracker: its key, no updates yet."""
    result = plan_import(
        data=xlsx(minimal_sheets(**{"Status key": KEY})),
        file_name="plan.xlsx",
        confirm=True,
        check_permissions=False,
    )
    assert result.saved, [str(p) for p in result.problems]
    plan = Plan.objects.get(slug="anytown-2025")
    plan.editors.add(editor)
    return plan


def upload(client, data: bytes):
    return client.post(reverse("plan-import"), {"workbook": SimpleUploadedFile("plan.xlsx", data)})


def plan_rows() -> dict[str, int]:
    """The rows of plans and their history (signing in changes a person's own)."""
    return {k: v for k, v in plan_row_counts().items() if "User" not in k}


def add(client, pending, **choices):
    data = {"token": str(pending.token), "label-1": "Delivered", **choices}
    return client.post(LABELS, data)


def test_the_offer_lists_the_plans_labels_and_where_the_label_is_used(client, editor):
    existing_plan(editor)
    client.force_login(editor)
    counts = plan_rows()

    response = upload(client, workbook())

    assert response.status_code == 400
    page = response.content.decode()
    assert "Statuses the plan's key does not have" in page
    assert "“Delivered” is not a status this plan defines" in page  # the problem itself
    for label, status in [
        ("Complete", "complete"),
        ("Achieved", "complete"),
        ("Green", "on track"),
    ]:
        assert f"<li>“{label}”: {status}</li>" in page
    assert "What “Delivered” means" in page  # the radios' legend
    assert "Used 2 times: Updates row 2; Updates row 3." in page
    assert 'name="label-1" value="Delivered"' in page
    for value in ("complete", "on_track", "at_risk", "off_track", "not_started"):
        assert f'name="status-1" type="radio" value="{value}"' in page
    assert "Add this label to the key and check again" in page
    pending = PendingImport.objects.get()
    assert pending.uploaded_by == editor and not pending.planned
    assert plan_rows() == counts  # nothing saved by the check


def test_choosing_a_status_checks_the_same_upload_again_and_the_import_keeps_it(client, editor):
    plan = existing_plan(editor)
    client.force_login(editor)
    upload(client, workbook())
    pending = PendingImport.objects.get()
    counts = plan_rows()

    response = add(client, pending, **{"status-1": "complete"})

    assert response.status_code == 200, response.content.decode()[-3000:]
    page = response.content.decode()
    assert "Delivered” is not a status" not in page  # no problem left for it
    assert "Create status label “Delivered” for Complete (added in the check)" in page
    assert "It adds to the plan's key the label you chose: “Delivered” (complete)." in page
    assert "Import the plan" in page
    assert plan_rows() == counts  # the dry run again saves nothing
    assert not StatusKeyEntry.objects.filter(label="Delivered").exists()

    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})

    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    entry = plan.status_key.get(label="Delivered")
    assert entry.status == "complete"
    assert [e.label for e in plan.key_entries()][:3] == ["Complete", "Achieved", "Delivered"]
    updates = ProgressUpdate.objects.filter(status="complete")
    assert sorted(u.status_label for u in updates) == ["Delivered", "Delivered"]
    recorded = entry.history.get()
    assert recorded.history_user == editor and recorded.history_type == "+"
    assert not PendingImport.objects.exists()


def test_a_new_plan_gets_the_label_too(client, editor):
    client.force_login(editor)
    updates = [row[:] for row in UPDATES]
    updates[3][4] = "On track"
    response = upload(client, workbook(updates, key=None))
    assert response.status_code == 400
    assert "The plan has no labels of its own yet" in response.content.decode()
    pending = PendingImport.objects.get()

    response = add(client, pending, **{"status-1": "on_track"})

    assert response.status_code == 200, response.content.decode()[-3000:]
    assert not Plan.objects.exists()
    client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})
    plan = Plan.objects.get(slug="anytown-2025")
    assert list(plan.editors.all()) == [editor]
    assert plan.status_key.get(label="Delivered").status == "on_track"
    assert ProgressUpdate.objects.get(action__reference="1.1").status_label == "Delivered"


def test_two_labels_one_added_the_other_still_offered(client, editor):
    existing_plan(editor)
    updates = [row[:] for row in UPDATES]
    updates[3][4] = "Slipping"
    client.force_login(editor)
    page = upload(client, workbook(updates)).content.decode()
    assert "What “Slipping” means" in page and "Add these labels to the key" in page
    pending = PendingImport.objects.get()

    response = client.post(
        LABELS,
        {
            "token": str(pending.token),
            "label-1": "Delivered",
            "status-1": "complete",
            "label-2": "Slipping",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "What “Slipping” means" in page and "What “Delivered” means" not in page
    assert "Already added in this check: “Delivered” (complete)." in page
    pending.refresh_from_db()
    assert pending.options["add_labels"] == {"Delivered": "complete"}
    response = client.post(
        LABELS, {"token": str(pending.token), "label-1": "Slipping", "status-1": "at_risk"}
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.options["add_labels"] == {"Delivered": "complete", "Slipping": "at_risk"}


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"status-1": "finished"}, "Choose the standard status “Delivered” means: Complete,"),
        ({"status-1": "complete", "label-1": "  "}, "was blank. Choose again."),
        ({"status-1": "complete", "label-1": "Sneaked in"}, "“Sneaked in” is not a label"),
        ({}, "Choose the standard status of at least one label"),
    ],
)
def test_bad_choices_are_a_message_beside_the_choice_and_change_nothing(
    client, editor, choices, message
):
    existing_plan(editor)
    client.force_login(editor)
    upload(client, workbook())
    pending = PendingImport.objects.get()
    counts = plan_rows()

    response = add(client, pending, **choices)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page and 'href="#id_status-1_0"' in page
    assert "govuk-error-message" in page
    assert "<title>Error:" in page
    pending.refresh_from_db()
    assert pending.options["add_labels"] == {} and not pending.planned
    assert plan_rows() == counts


def test_someone_else_cannot_use_the_upload_and_nothing_changes(client, editor):
    plan = existing_plan(editor)
    client.force_login(editor)
    upload(client, workbook())
    pending = PendingImport.objects.get()
    other_editor = user_with_role(roles.PLAN_EDITOR, username="other-editor")
    plan.editors.add(other_editor)
    viewer = user_with_role(roles.VIEWER, username="a-viewer")
    counts = plan_rows()

    client.force_login(other_editor)
    assert add(client, pending, **{"status-1": "complete"}).status_code == 404
    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})
    assert response.status_code == 302  # "expired or already imported": nothing saved
    client.force_login(viewer)
    assert add(client, pending, **{"status-1": "complete"}).status_code == 403
    client.force_login(editor)
    assert client.post(LABELS, {"token": "not-a-token", "status-1": "complete"}).status_code == 404

    pending.refresh_from_db()
    assert pending.options["add_labels"] == {}
    assert plan_rows() == counts
    assert not StatusKeyEntry.objects.filter(label="Delivered").exists()


def test_an_upload_with_problems_cannot_be_confirmed(client, editor):
    existing_plan(editor)
    client.force_login(editor)
    upload(client, workbook())
    pending = PendingImport.objects.get()
    counts = plan_rows()

    response = client.post(
        reverse("plan-import-confirm"), {"token": str(pending.token)}, follow=True
    )

    assert "has problems to fix before it can be imported" in response.content.decode()
    assert plan_rows() == counts


def test_uploads_kept_are_few_per_person(client, editor):
    existing_plan(editor)
    client.force_login(editor)
    for _ in range(PendingImport.KEPT_PER_PERSON + 2):
        upload(client, workbook())
    assert PendingImport.objects.count() == PendingImport.KEPT_PER_PERSON
