"""The "Import a plan from a document" page: who may use it, the mapping guessed and
changed on the page, the status labels, the preview, the confirmation, and hostile files
answered with a message next to the field, never a 500."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement import roles
from improvement.models import Action, PendingImport, Plan, ProgressUpdate
from improvement.models.imports import SavedColumnMapping
from improvement.workbook.mapping import shape_key
from tests.factories import PlanFactory, StatusKeyEntryFactory, user_with_role
from tests.workbook.conftest import row_counts
from tests.workbook.documents import ACTIVITY_HEADINGS, activity_plan, what_plan

pytestmark = pytest.mark.django_db

URL = "/plan-documents/import/"


def upload(client, data: bytes, name: str = "plan.docx", **fields):
    fields.setdefault("plan", "")
    fields.setdefault("organisation", "Anytown Council")
    fields.setdefault("kind", "action_plan")
    return client.post(URL, {"document": SimpleUploadedFile(name, data), **fields})


def checked(client, response):
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response.url), response.url


def test_the_url_names():
    assert reverse("document-import") == URL
    token = uuid.uuid4()
    assert reverse("document-import-check", kwargs={"token": token}) == f"{URL}{token}/"
    assert reverse("document-import-confirm", kwargs={"token": token}).endswith("/confirm/")


def test_viewers_cannot_use_the_page_and_nothing_changes(client, administrator, viewer):
    client.force_login(administrator)
    _, check = checked(client, upload(client, activity_plan()))
    pending = PendingImport.objects.get()
    confirm = reverse("document-import-confirm", kwargs={"token": pending.token})
    client.force_login(viewer)
    before = row_counts()
    assert client.get(URL).status_code == 403
    assert upload(client, activity_plan()).status_code == 403
    assert client.get(check).status_code == 403
    assert client.post(check, {"as_at": "01/01/2025"}).status_code == 403
    assert client.post(confirm).status_code == 403
    assert row_counts() == before
    assert not Plan.objects.exists()


def test_someone_elses_upload_is_not_found(client, administrator):
    client.force_login(administrator)
    _, check = checked(client, upload(client, activity_plan()))
    pending = PendingImport.objects.get()
    other = user_with_role(roles.ADMINISTRATOR, username="other-admin")
    client.force_login(other)
    assert client.get(check).status_code == 404
    confirm = reverse("document-import-confirm", kwargs={"token": pending.token})
    assert client.post(confirm).status_code == 404
    assert not Plan.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_mapping_is_guessed_shown_changed_and_saved(client, administrator):
    client.force_login(administrator)
    page, check = checked(client, upload(client, activity_plan()))
    assert page.status_code == 200
    html = page.content.decode()
    key = shape_key(ACTIVITY_HEADINGS)
    # each column's guessed field is selected
    assert re.search(rf'name="field-{key}-2">.*?<option value="benefit" selected>', html, re.DOTALL)
    assert "Table 2 carries on the table before it" in html
    assert "The plan it would build" in html and "Increase secondments" in html
    assert "29/02/2004" in html  # the date the document states
    assert not Plan.objects.exists()
    # change it: the benefit column not imported, the progress as evidence
    fields = {
        f"field-{key}-{i}": v
        for i, v in enumerate(["reference", "title", "", "steps", "timescale", "evidence"])
    }
    response = client.post(check, {**fields, "as_at": "31/01/2004"})
    assert response.status_code == 302
    page = client.get(check)
    html = page.content.decode()
    assert re.search(rf'name="field-{key}-2">\s*<option value="" selected>', html)
    assert "31/01/2004" in html
    pending = PendingImport.objects.get()
    response = client.post(reverse("document-import-confirm", kwargs={"token": pending.token}))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert set(Action.objects.values_list("benefit", flat=True)) == {""}
    assert set(ProgressUpdate.objects.values_list("as_at", flat=True)) == {
        datetime.date(2004, 1, 31)
    }
    assert SavedColumnMapping.objects.get(plan=plan).fields[2] == ""
    assert not PendingImport.objects.exists()


def test_an_unknown_label_is_placed_on_the_page(client, administrator):
    plan = PlanFactory(slug="anytown", start_date=datetime.date(2014, 4, 1))
    StatusKeyEntryFactory(plan=plan, status="on_track", label="Green")
    client.force_login(administrator)
    page, check = checked(client, upload(client, what_plan(), plan="anytown"))
    assert page.status_code == 400
    html = page.content.decode()
    assert "“Amber” is not a status label this plan has." in html
    labels = dict(re.findall(r'name="label-name-(\d+)" value="([^"]+)"', html))
    choices = {f"label-name-{n}": label for n, label in labels.items()}
    wanted = {"Amber": "at_risk", "Red": "off_track", "Green": "on_track", "Complete": "complete"}
    choices.update({f"label-{n}": wanted[label] for n, label in labels.items()})
    assert client.post(check, choices).status_code == 302
    page = client.get(check)
    assert page.status_code == 200, page.content.decode()[-3000:]
    pending = PendingImport.objects.get()
    client.post(reverse("document-import-confirm", kwargs={"token": pending.token}))
    assert ProgressUpdate.objects.get(action__title="Audit cases").status == "at_risk"


def test_a_bad_choice_on_the_page_is_a_message_not_a_500(client, administrator):
    client.force_login(administrator)
    _, check = checked(client, upload(client, activity_plan()))
    key = shape_key(ACTIVITY_HEADINGS)
    response = client.post(check, {f"field-{key}-0": "nonsense", "as_at": "31/02/2004"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of the fields." in html
    response = client.post(check, {"as_at": "not a date"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "name",
    [
        "field-x",
        "field-",
        "field-x-y-z",
        "field--",
        f"field-{'a' * 40}-",
        "field-€-1",
        f"field-{'a' * 40}-²",
    ],
)
def test_a_tampered_field_name_is_a_message_not_a_500(client, administrator, name):
    client.force_login(administrator)
    _, check = checked(client, upload(client, activity_plan()))
    response = client.post(check, {name: "title"})
    assert response.status_code == 400
    assert "Choose one of the fields." in response.content.decode()


def test_the_confirmation_is_refused_if_the_plan_changed_since_the_check(client, administrator):
    client.force_login(administrator)
    checked(client, upload(client, activity_plan()))
    pending = PendingImport.objects.get()
    # someone else imports the same plan meanwhile
    from improvement.workbook.documents import document_import
    from improvement.workbook.mapping import Choices

    done = document_import(
        data=activity_plan(),
        file_name="plan.docx",
        choices=Choices(organisation="Anytown Council"),
        confirm=True,
        check_permissions=False,
    )
    assert done.result.saved
    response = client.post(reverse("document-import-confirm", kwargs={"token": pending.token}))
    assert response.status_code == 409
    assert "has changed in the tracker since the check" in response.content.decode()
    assert Action.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a document", "plan.docx", "is not a Word document"),
        (activity_plan(), "plan.docm", "macro-enabled"),
        (b"PK\x03\x04broken", "plan.docx", "damaged"),
        (b"%PDF-1.4", "plan.pdf", "not a Word document, Excel workbook or CSV file"),
    ],
)
def test_hostile_files_get_a_message_next_to_the_field(client, administrator, data, name, message):
    client.force_login(administrator)
    before = row_counts()
    response = upload(client, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert row_counts() == before


def test_a_new_plan_needs_its_organisation(client, administrator):
    client.force_login(administrator)
    response = upload(client, activity_plan(), organisation="")
    assert response.status_code == 400
    assert "Enter the council" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_an_editor_sees_only_the_plans_they_edit_and_imports_into_theirs(client, editor):
    mine = PlanFactory(slug="mine", title="My plan", start_date=datetime.date(2000, 4, 1))
    mine.editors.add(editor)
    PlanFactory(slug="theirs", title="Their plan")
    client.force_login(editor)
    html = client.get(URL).content.decode()
    assert "My plan" in html and "Their plan" not in html
    response = upload(client, activity_plan(), plan="theirs")
    assert response.status_code == 400  # not one of the choices
    today = datetime.date.today().strftime("%d/%m/%Y")
    page, check = checked(client, upload(client, activity_plan(), plan="mine", as_at=today))
    assert page.status_code == 200, page.content.decode()[-3000:]
    pending = PendingImport.objects.get()
    response = client.post(reverse("document-import-confirm", kwargs={"token": pending.token}))
    assert response.status_code == 302
    assert Action.objects.filter(objective__plan=mine).count() == 5


def _long_plan(actions: int) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("1 Workforce – Recruit and keep social workers")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["No", "Action", "Progress"], strict=True):
        cell.text = text
    for n in range(1, actions + 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = f"1.{n}", f"Action {n}", f"Done {n}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_check_page_costs_the_same_queries_for_more_rows(client, administrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(administrator)
    counts = []
    for actions in (3, 60):
        _, check = checked(client, upload(client, _long_plan(actions)))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(check).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
