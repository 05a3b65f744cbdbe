"""The admin's import of workforce returns, previewed as the plan import's dry run is:
the counts and the confirm button together at the top, the rows that change first, the
unchanged rows collapsed, the button again at the end, and a message in the past tense
once the import is done."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.workforce.factories import ServiceAreaFactory, TeamFactory
from tests.workforce.test_import import csv, line
from workforce.models import WorkforceReturn

pytestmark = pytest.mark.django_db

IMPORT = "/admin/workforce/workforcereturn/import/"
PROCESS = "/admin/workforce/workforcereturn/process_import/"


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def preview(client, text: str):
    upload = SimpleUploadedFile("returns.csv", text.encode(), content_type="text/csv")
    response = client.post(IMPORT, {"format": "0", "resource": "0", "import_file": upload})
    assert response.status_code == 200
    return response


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(PROCESS, {**form.initial, "confirm": "Confirm import"}, follow=True)


@pytest.fixture
def teams():
    area = ServiceAreaFactory(name="Area 1")
    return TeamFactory(name="Team A", service_area=area), TeamFactory(
        name="Team B", service_area=area
    )


def test_the_preview_shows_the_changes_first_and_collapses_the_unchanged_rows(admin_client, teams):
    confirm(admin_client, preview(admin_client, csv(line(team="Team A"))))
    assert WorkforceReturn.objects.count() == 1

    response = preview(admin_client, csv(line(team="Team A"), line(team="Team B")))

    page = response.content.decode()
    summary = page[page.index('id="import-summary"') : page.index('id="import-changes"')]
    assert "<strong>1</strong> new" in summary and "1 unchanged" in summary
    assert 'name="confirm" value="Confirm import"' in summary  # the button, by the summary
    changes = page[page.index('id="import-changes"') : page.index('id="import-unchanged"')]
    assert "Team B" in changes and "Team A" not in changes
    unchanged = page[page.index('id="import-unchanged"') :]
    assert "<summary>1 row unchanged</summary>" in unchanged and "Team A" in unchanged
    assert 'form="confirm-import"' in unchanged  # and again at the end
    assert WorkforceReturn.objects.count() == 1  # nothing saved by the preview


def test_the_message_after_the_import_says_what_was_done(admin_client, teams):
    response = confirm(
        admin_client, preview(admin_client, csv(line(team="Team A"), line(team="Team B")))
    )

    said = [str(m) for m in response.context["messages"]]
    assert "Imported the workforce returns: added 2, updated 0, 0 unchanged." in said
    assert WorkforceReturn.objects.count() == 2
