"""The import page: who may use it, the dry run row by row, errors next to the upload
field, the confirmation, and a query count that does not grow with the rows."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from improvement.models import Action, Objective, PendingImport, Plan
from improvement.workbook.services import plan_export
from tests.factories import PlanFactory, ProgressUpdateFactory
from tests.workbook.conftest import (
    minimal_sheets,
    plan_row_counts,
    rezipped,
    row_counts,
    seed,
    xlsx,
)

pytestmark = pytest.mark.django_db

URL = "/plan-workbooks/import/"


def upload(client, data: bytes, name: str = "plan.xlsx"):
    return client.post(reverse("plan-import"), {"workbook": SimpleUploadedFile(name, data)})


def test_the_url_names():
    assert reverse("plan-import") == URL
    assert reverse("plan-export", kwargs={"slug": "x"}) == "/plans/x/export/"
    assert reverse("workbook-template") and reverse("workbook-example")


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in [URL, reverse("plan-import-confirm"), reverse("workbook-template")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = upload(client, xlsx(minimal_sheets()))
    assert response.status_code == 302 and not Plan.objects.exists()


def test_viewers_and_people_without_a_role_cannot_import(client, viewer, outsider):
    for person in (viewer, outsider):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert upload(client, xlsx(minimal_sheets())).status_code == 403
        assert client.post(reverse("plan-import-confirm"), {"token": "x"}).status_code == 403
    assert not Plan.objects.exists()


def test_a_plan_editor_cannot_import_into_a_plan_they_do_not_edit(client, editor):
    PlanFactory(slug="anytown-2025")  # exists, but editor is not one of its editors
    client.force_login(editor)
    counts = row_counts()

    response = upload(client, xlsx(minimal_sheets()))

    assert response.status_code == 400
    page = response.content.decode()
    assert "You can import only into plans you edit" in page
    assert "Recruit ten social workers" not in page  # nothing of the plan is shown
    assert row_counts() == counts


def test_a_plan_editor_creates_a_plan_by_import_and_becomes_its_editor(client, editor):
    client.force_login(editor)
    response = upload(client, xlsx(minimal_sheets()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Make you (editor-user) an editor of plan anytown-2025" in page
    assert not Plan.objects.exists()

    pending = PendingImport.objects.get()
    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})

    plan = Plan.objects.get(slug="anytown-2025")
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert list(plan.editors.all()) == [editor]
    assert plan.history.first().history_user == editor
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_a_plan_editor_cannot_create_a_restricted_plan(client, editor):
    sheets = minimal_sheets()
    sheets["Plan"].append(["Restricted", "Yes"])
    client.force_login(editor)
    response = upload(client, xlsx(sheets))
    assert response.status_code == 400
    assert "Only administrators can change whether a plan is restricted" in (
        response.content.decode()
    )
    assert not Plan.objects.exists() and not PendingImport.objects.exists()


@pytest.mark.parametrize("role", ["Viewer", "Action owner", "Clerk"])
def test_a_viewer_owner_or_clerk_cannot_create_a_plan_by_import(client, role):
    from tests.factories import user_with_role

    person = user_with_role(role)
    client.force_login(person)
    counts = row_counts()
    assert upload(client, xlsx(minimal_sheets())).status_code == 403
    assert not Plan.objects.exists() and not PendingImport.objects.exists()
    assert row_counts() == counts


def test_a_plan_editor_imports_into_a_plan_they_edit(client, editor):
    plan = seed("nottinghamshire-2004")
    plan.editors.add(editor)
    data = plan_export(plan=plan).data.replace(b"Ongoing", b"Ongoing")  # same bytes
    client.force_login(editor)
    response = upload(client, data)
    assert response.status_code == 200
    assert "matches the plan" in response.content.decode()  # nothing to change


def test_the_dry_run_shows_every_row_and_saves_nothing_until_confirmed(client, administrator):
    client.force_login(administrator)

    response = upload(client, xlsx(minimal_sheets()))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the import" in page
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">What the import will do'
        in page
    )
    assert re.search(r'<th scope="col"[^>]*class="govuk-table__header">What happens</th>', page)
    for what in ["Create plan anytown-2025", "Create objective 2", "Create action 2.1"]:
        assert what in page
    assert not Plan.objects.exists()
    pending = PendingImport.objects.get()
    assert pending.uploaded_by == administrator

    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})

    plan = Plan.objects.get(slug="anytown-2025")
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert Action.objects.filter(objective__plan=plan).count() == 3
    assert not PendingImport.objects.exists()
    followed = client.get(response.url)
    assert "Imported “Anytown improvement plan”" in followed.content.decode()


def test_problems_are_shown_next_to_the_upload_field_and_in_a_table(client, administrator):
    client.force_login(administrator)
    sheets = minimal_sheets()
    sheets["Actions"].append(["9", "9.1", "Orphan", "04/03/2026"])

    response = upload(client, xlsx(sheets), "my plan.xlsx")

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("<title>Error: ") == 1
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_workbook">' in page  # the summary links to the field
    error = re.search(
        r'<p id="id_workbook-error" class="govuk-error-message">(.*?)</p>', page, re.S
    )
    assert error and "“my plan.xlsx” has 2 problems, listed below" in error.group(1)
    assert 'aria-describedby="id_workbook-hint id_workbook-error"' in page
    assert '<input class="govuk-file-upload govuk-file-upload--error" id="id_workbook"' in page
    assert re.search(r'<table class="govuk-table[^"]*"[^>]*id="problems">', page)
    assert "There is no objective “9”" in page
    assert "could be 4 March or 3 April 2026" in page
    assert not PendingImport.objects.exists() and not Plan.objects.exists()


def test_a_file_level_problem_is_the_fields_error(client, administrator):
    client.force_login(administrator)
    response = upload(client, b"not a spreadsheet at all")
    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a spreadsheet" in page and 'id="problems"' not in page


def test_a_50_mb_upload_is_refused_from_its_length_without_reading_it(client, administrator):
    client.force_login(administrator)
    response = upload(client, b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024))
    assert response.status_code == 400
    assert "a plan workbook must be 5.0\xa0MB or smaller" in response.content.decode()


def test_a_missing_file_is_asked_for(client, administrator):
    client.force_login(administrator)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Choose the plan workbook to import." in response.content.decode()


def test_an_expired_or_someone_elses_upload_cannot_be_confirmed(client, administrator, editor):
    client.force_login(administrator)
    upload(client, xlsx(minimal_sheets()))
    pending = PendingImport.objects.get()
    client.force_login(editor)  # another importer
    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})
    assert response.status_code == 302 and response.url == URL
    assert client.post(reverse("plan-import-confirm"), {"token": "nonsense"}).status_code == 302
    assert not Plan.objects.exists()


def test_a_plan_changed_between_the_dry_run_and_the_confirmation_is_not_half_imported(
    client, administrator
):
    client.force_login(administrator)
    upload(client, xlsx(minimal_sheets()))
    client.post(reverse("plan-import-confirm"), {"token": str(PendingImport.objects.get().token)})
    sheets = minimal_sheets(
        Updates=[
            ["Update ref", "Objective", "Action", "As at", "Status", "Progress"],
            ["1", "1", "1.1", "30/06/2025", "On track", "Four appointed."],
        ]
    )
    sheets["Objectives"][1][1] = "Workforce and recruitment"
    upload(client, xlsx(sheets))
    pending = PendingImport.objects.get()
    # Meanwhile an owner records their own update for the same action and date.
    ProgressUpdateFactory(
        action=Action.objects.get(reference="1.1"),
        as_at=datetime.date(2025, 6, 30),
        narrative="Three appointed.",
    )
    counts = plan_row_counts()

    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was imported" in page and "Updates cannot be changed" in page
    assert "create update on action 1.1 as at 30/06/2025" in page  # what the check said
    assert plan_row_counts() == counts
    assert Objective.objects.get(reference="1").title == "Workforce"


def test_a_confirmation_refuses_changes_made_since_the_dry_run_and_shows_them(
    client, administrator
):
    plan = seed("nottinghamshire-2004")
    client.force_login(administrator)
    book = load_workbook(io.BytesIO(plan_export(plan=plan).data))
    book["Objectives"]["C2"] = "A new title for objective 1"
    buffer = io.BytesIO()
    book.save(buffer)
    upload(client, buffer.getvalue())
    pending = PendingImport.objects.get()
    # After the check, someone edits an action the workbook also holds (as it was).
    action = Action.objects.get(objective__plan=plan, reference="1.1")
    old_title, action.title = action.title, "Retitled in the admin meanwhile"
    action.save()
    counts = plan_row_counts()

    response = client.post(reverse("plan-import-confirm"), {"token": str(pending.token)})

    assert response.status_code == 409
    page = response.content.decode()
    assert "the plan has changed in the tracker since you checked the workbook" in page
    changed = page[page.index('id="changed"') :]
    assert "action 1.1 unchanged" in changed  # what the check said …
    assert "change action 1.1: title from “Retitled in the admin meanwhile”" in changed  # … now
    assert plan_row_counts() == counts  # nothing saved: not the objective, not the old title
    action.refresh_from_db()
    assert action.title == "Retitled in the admin meanwhile" != old_title
    assert Objective.objects.get(plan=plan, reference="1").title != "A new title for objective 1"
    assert not PendingImport.objects.exists()  # out of date: it has to be uploaded again


def test_the_dry_runs_query_count_does_not_grow_with_the_rows(client, administrator):
    client.force_login(administrator)

    def queries_for(actions: int) -> int:
        sheets = minimal_sheets()
        sheets["Actions"] = [sheets["Actions"][0]] + [
            ["1", f"1.{i}", f"Action {i}", "31/03/2026"] for i in range(1, actions + 1)
        ]
        sheets["Milestones"] = [["Objective", "Action", "Title"]] + [
            ["1", f"1.{i}", "Start"] for i in range(1, actions + 1)
        ]
        sheets["Updates"] = [["Update ref", "Objective", "Action", "As at", "Status"]] + [
            [str(i), "1", f"1.{i}", "30/06/2025", "On track"] for i in range(1, actions + 1)
        ]
        data = xlsx(sheets)
        cache.clear()  # both alike: the header's sign-off count is counted, not cached
        with CaptureQueriesContext(connection) as captured:
            response = upload(client, data)
        assert response.status_code == 200, response.content.decode()[:2000]
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_the_admin_links_to_the_import_page(client, administrator, editor, viewer):
    client.force_login(administrator)
    index = client.get("/admin/").content.decode()
    assert "/admin/improvement/pendingimport/" in index
    response = client.get("/admin/improvement/pendingimport/")
    assert response.status_code == 302 and response.url == URL
    client.force_login(editor)
    assert "/admin/improvement/pendingimport/" in client.get("/admin/").content.decode()


def test_the_upload_and_the_confirmation_need_the_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    assert upload(client, xlsx(minimal_sheets())).status_code == 403
    assert client.post(reverse("plan-import-confirm"), {"token": "x"}).status_code == 403
    assert not PendingImport.objects.exists()


def test_a_damaged_workbook_is_a_message_next_to_the_field_never_an_error(client, administrator):
    client.force_login(administrator)
    data = xlsx(minimal_sheets())
    for damaged in (rezipped(data, corrupt="xl/worksheets/sheet2.xml"), data[: len(data) // 2]):
        response = upload(client, damaged)
        assert response.status_code == 400
        page = response.content.decode()
        assert "is damaged" in page or "could not be read" in page
        assert not PendingImport.objects.exists() and not Plan.objects.exists()


@pytest.mark.parametrize("role", ["Viewer", "Action owner", "Clerk"])
def test_the_import_itself_refuses_a_new_plan_from_a_viewer_owner_or_clerk(role):
    from improvement.workbook.services import plan_import
    from tests.factories import user_with_role

    person = user_with_role(role)
    counts = row_counts()
    result = plan_import(
        data=xlsx(minimal_sheets()), file_name="plan.xlsx", user=person, confirm=True
    )
    assert not result.saved
    assert [p.message for p in result.problems] == [
        "You can import only into plans you edit; a new plan can be created by import by a "
        "plan editor or an administrator."
    ]
    assert not result.steps  # nothing of the workbook is worked out for them
    assert row_counts() == counts


def test_an_administrator_imports_any_plan_without_becoming_its_editor(administrator):
    from improvement.workbook.services import plan_import

    existing = PlanFactory(slug="anytown-2025")  # administrator is not one of its editors
    result = plan_import(
        data=xlsx(minimal_sheets()), file_name="plan.xlsx", user=administrator, confirm=True
    )
    assert result.saved, [str(p) for p in result.problems]
    assert result.plan == existing and not existing.editors.exists()


def _import_then_change(client):
    """The minimal plan imported, then a workbook that changes objective 1's title, adds
    action 2.2 and leaves out action 1.2: its dry-run page."""
    upload(client, xlsx(minimal_sheets()))
    client.post(reverse("plan-import-confirm"), {"token": str(PendingImport.objects.get().token)})
    sheets = minimal_sheets()
    sheets["Objectives"][1][1] = "Workforce and recruitment"
    sheets["Actions"] = [row for row in sheets["Actions"] if row[1] != "1.2"] + [
        ["2", "2.2", "Train practice supervisors", "30/09/2026"]
    ]
    response = upload(client, xlsx(sheets))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dry_run_shows_the_changes_first_and_the_unchanged_rows_collapsed(
    client, administrator
):
    client.force_login(administrator)

    page = _import_then_change(client)

    summary = page[page.index('id="dry-run-summary"') : page.index('id="steps"')]
    assert "<strong>1</strong> to create" in summary
    assert "<strong>1</strong> to change" in summary
    assert "in the tracker but not in the workbook: kept, not deleted" in summary
    changes = page[page.index('id="steps"') : page.index('id="kept"')]
    assert "What the import will do: 2 changes" in changes
    assert "<strong>Change objective 1</strong>" in changes
    assert "<li>Title from “Workforce” to “Workforce and recruitment”</li>" in changes
    assert "<strong>Create action 2.2</strong>" in changes
    assert "unchanged" not in changes  # unchanged rows are not among the changes
    kept = page[page.index('id="kept"') : page.index('id="unchanged"')]
    assert "action 1.2" in kept
    unchanged = page[page.index('<details class="govuk-details" id="unchanged">') :]
    assert re.search(r'summary-text">\d+ rows unchanged</span>', unchanged)
    assert "Action 1.1 unchanged" in unchanged


def test_the_confirm_button_is_beside_the_summary_and_again_at_the_end(client, administrator):
    client.force_login(administrator)

    page = _import_then_change(client)

    token = str(PendingImport.objects.get().token)
    top = page.index('id="confirm"')
    assert page.index('id="dry-run-summary"') < top < page.index('id="steps"')
    assert page.index('id="unchanged"') < page.index('id="confirm-again"')
    for form_id in ["confirm", "confirm-again"]:
        form = page[page.index(f'id="{form_id}"') :].split("</form>")[0]
        assert f'name="token" value="{token}"' in form
        assert "Import the plan</button>" in form


def test_a_workbook_that_changes_nothing_has_no_button_and_collapses_its_rows(
    client, administrator
):
    client.force_login(administrator)
    upload(client, xlsx(minimal_sheets()))
    client.post(reverse("plan-import-confirm"), {"token": str(PendingImport.objects.get().token)})

    page = upload(client, xlsx(minimal_sheets())).content.decode()

    assert "importing it would change nothing" in page
    assert "No changes" in page and 'id="steps"' not in page
    assert 'id="confirm"' not in page and "Import the plan</button>" not in page
    assert '<details class="govuk-details" id="unchanged">' in page


def test_the_messages_are_in_the_future_before_and_in_the_past_after(client, administrator):
    client.force_login(administrator)
    page = upload(client, xlsx(minimal_sheets())).content.decode()
    summary = page[page.index('id="dry-run-summary"') : page.index('id="steps"')]
    assert "<strong>6</strong> to create" in summary and "created" not in summary.lower()

    response = client.post(
        reverse("plan-import-confirm"), {"token": str(PendingImport.objects.get().token)}
    )

    followed = client.get(response.url).content.decode()
    said = re.search(r"Imported “Anytown improvement plan”: ([^<]*)", followed).group(1)
    assert said.startswith("created 6, changed 0, 0 unchanged")
    assert "to create" not in said and "to change" not in said
