"""Adding to the plan's key, on the import pages (a plan workbook's, a Word document's or
tracker's), the status labels a file uses that the key lacks: the offer (with the plan's
labels and where each label is used), the check run again on the same upload with the
labels chosen, the import saving them in the key and the updates written in them, and
who may do it; bad input is a message next to the choice, never a 500, and changes
nothing."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement import roles
from improvement.models import PendingImport, Plan, ProgressUpdate, StatusKeyEntry
from improvement.workbook.services import plan_import
from tests.factories import PlanFactory, StatusKeyEntryFactory, user_with_role
from tests.workbook.conftest import minimal_sheets, plan_row_counts, xlsx
from tests.workbook.documents import what_plan

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
        ({"status-1": "complete", "label-1": "Deliv\x00ered"}, "could not be read"),
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


# -- the document import ---------------------------------------------------------------

DOCUMENTS = "/plan-documents/import/"


def upload_document(client, data: bytes, **fields):
    fields.setdefault("plan", "")
    fields.setdefault("organisation", "Anytown Council")
    fields.setdefault("kind", "action_plan")
    response = client.post(DOCUMENTS, {"document": SimpleUploadedFile("plan.docx", data), **fields})
    assert response.status_code == 302, response.context["form"].errors
    return response.url


def keyed_plan() -> Plan:
    plan = PlanFactory(slug="anytown", start_date=datetime.date(2014, 4, 1))
    for status, label in (("on_track", "Green"), ("at_risk", "Amber"), ("off_track", "Red")):
        StatusKeyEntryFactory(plan=plan, status=status, label=label)
    return plan


def labels_url(pending) -> str:
    return reverse("document-import-labels", kwargs={"token": pending.token})


def test_a_documents_label_is_offered_added_and_imported(client, administrator):
    plan = keyed_plan()
    client.force_login(administrator)
    check = upload_document(client, what_plan(unknown_label="Delivered"), plan="anytown")
    counts = plan_rows()

    page = client.get(check)

    assert page.status_code == 400
    html = page.content.decode()
    assert "“Delivered” is not a status label this plan has. Its labels: Green, Amber, Red." in (
        html
    )
    assert "Statuses the plan's key does not have" in html
    for label, status in [("Green", "on track"), ("Amber", "at risk"), ("Red", "off track")]:
        assert f"<li>“{label}”: {status}</li>" in html
    assert "What “Delivered” means" in html and "Used once: Table 1 row 3." in html
    pending = PendingImport.objects.get()

    response = client.post(labels_url(pending), {"label-1": "Delivered", "status-1": "complete"})

    assert response.status_code == 302 and response.url == check
    page = client.get(check)
    assert page.status_code == 200, page.content.decode()[-3000:]
    html = page.content.decode()
    assert "is not a status label" not in html
    assert "Create status label “Delivered” for Complete (added in the check)" in html
    assert "It adds to the plan's key the label you chose: “Delivered” (complete)." in html
    assert plan_rows() == counts  # nothing saved by the checks

    response = client.post(reverse("document-import-confirm", kwargs={"token": pending.token}))

    assert response.status_code == 302
    entry = plan.status_key.get(label="Delivered")
    assert (entry.status, entry.history.get().history_user) == ("complete", administrator)
    update = ProgressUpdate.objects.get(action__title="Publish the improvement plan")
    assert (update.status, update.status_label) == ("complete", "Delivered")
    board = ProgressUpdate.objects.get(action__title="Set up an improvement board")
    assert (board.status, board.status_label) == ("on_track", "Green")  # the key's own label


def test_a_new_plan_from_a_document_gets_its_labels(client, administrator):
    client.force_login(administrator)
    check = upload_document(client, what_plan(unknown_label="Delivered"))
    page = client.get(check).content.decode()
    assert "The plan has no labels of its own yet" in page
    pending = PendingImport.objects.get()
    wanted = {"Green": "on_track", "Delivered": "complete", "Amber": "at_risk", "Red": "off_track"}
    offered = dict(re.findall(r'name="label-(\d+)" type="hidden" value="([^"]+)"', page))
    if not offered:
        offered = dict(re.findall(r'name="label-(\d+)" value="([^"]+)"', page))
    assert set(offered.values()) == set(wanted)
    choices = {f"label-{n}": label for n, label in offered.items()}
    choices.update({f"status-{n}": wanted[label] for n, label in offered.items()})

    assert client.post(labels_url(pending), choices).status_code == 302
    page = client.get(check)
    assert page.status_code == 200, page.content.decode()[-3000:]
    client.post(reverse("document-import-confirm", kwargs={"token": pending.token}))

    plan = Plan.objects.get()
    assert {(e.label, e.status) for e in plan.status_key.all()} >= set(wanted.items())
    update = ProgressUpdate.objects.get(action__title="Publish the improvement plan")
    assert update.status_label == "Delivered"


def test_a_bad_label_choice_on_the_document_page_changes_nothing(client, administrator):
    keyed_plan()
    client.force_login(administrator)
    check = upload_document(client, what_plan(unknown_label="Delivered"), plan="anytown")
    pending = PendingImport.objects.get()
    counts = plan_rows()
    for choices, message in [
        ({"label-1": "Delivered", "status-1": "done"}, "Choose the standard status"),
        ({"label-1": "", "status-1": "complete"}, "was blank. Choose again."),
        ({"label-1": "Delivered"}, "Choose the standard status of at least one label"),
    ]:
        response = client.post(labels_url(pending), choices)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and "govuk-error-summary" in html
        assert 'href="#id_status-1_0"' in html
    pending.refresh_from_db()
    assert not pending.options.get("add_labels")
    assert plan_rows() == counts
    assert client.get(check).status_code == 400  # the problem is still there


def test_someone_else_cannot_add_labels_to_a_documents_upload(client, administrator, editor):
    plan = keyed_plan()
    plan.editors.add(editor)
    client.force_login(administrator)
    upload_document(client, what_plan(unknown_label="Delivered"), plan="anytown")
    pending = PendingImport.objects.get()
    viewer = user_with_role(roles.VIEWER, username="a-viewer")
    counts = plan_rows()
    choices = {"label-1": "Delivered", "status-1": "complete"}

    client.force_login(editor)  # an editor of the plan, but not the uploader
    assert client.post(labels_url(pending), choices).status_code == 404
    client.force_login(viewer)
    assert client.post(labels_url(pending), choices).status_code == 403
    # Nor may the workbook page use a document's upload.
    client.force_login(administrator)
    assert client.post(LABELS, {"token": str(pending.token), **choices}).status_code == 404

    pending.refresh_from_db()
    assert not pending.options.get("add_labels")
    assert plan_rows() == counts


def test_no_offer_for_a_plan_the_person_may_not_import_into(client, editor):
    existing_plan(editor)
    other_editor = user_with_role(roles.PLAN_EDITOR, username="other-editor")
    client.force_login(other_editor)
    counts = plan_rows()

    response = upload(client, workbook())

    assert response.status_code == 400
    page = response.content.decode()
    assert "You can import only into plans you edit" in page
    assert "Statuses the plan's key does not have" not in page and "Achieved" not in page
    assert not PendingImport.objects.exists()
    assert plan_rows() == counts
