"""Saving a report as issued and the archive: the file is made when it is saved (by the
download's own function), kept with who, when and its checksum, listed for people who
may read the plan, downloaded again byte for byte, and never changed or deleted through
the app (only an administrator may delete one, in the admin)."""

import hashlib
import io

import pytest
from django.urls import reverse
from docx import Document

from improvement import roles
from improvement.models import SavedReport
from improvement.models.progress import AppendOnlyError
from improvement.views.reports import report_file
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    user_with_role,
)
from tests.reports.conftest import AS_AT

pytestmark = pytest.mark.django_db


def save(client, plan, fmt="docx", kind="progress", **extra):
    data = {"kind": kind, "format": fmt, "as_at": "2025-06-30", **extra}
    return client.post(reverse("plan-report-save", kwargs={"slug": plan.slug}), data)


def test_a_clerk_saves_a_report_as_issued(client, clerk, plan):
    client.force_login(clerk)
    response = save(client, plan, "docx")
    assert response.status_code == 302
    assert response.url == reverse("report-archive") + "?plan=anytown"
    saved = SavedReport.objects.get()
    assert (saved.plan, saved.kind, saved.format, saved.as_at) == (plan, "progress", "docx", AS_AT)
    assert saved.saved_by == clerk
    assert saved.file_name == "anytown-progress-as-at-2025-06-30.docx"
    assert saved.content_type.startswith("application/vnd.openxmlformats")
    data = bytes(saved.data)
    assert saved.size == len(data) and saved.sha256 == hashlib.sha256(data).hexdigest()
    # It is the report: Word opens it and every action is there.
    text = "\n".join(
        c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells
    )
    assert "1.10" in text and "Cut agency use <below 10%>" in text


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf", "xlsx", "csv"])
def test_every_format_can_be_saved_and_downloaded_byte_for_byte(client, clerk, plan, fmt):
    client.force_login(clerk)
    save(client, plan, fmt)
    saved = SavedReport.objects.get()
    response = client.get(reverse("saved-report-download", kwargs={"pk": saved.pk}))
    assert response.status_code == 200
    assert response.content == bytes(saved.data)
    assert hashlib.sha256(response.content).hexdigest() == saved.sha256
    assert response["Content-Type"] == saved.content_type
    assert response["Content-Disposition"] == f'attachment; filename="{saved.file_name}"'


def test_the_saved_file_is_what_the_download_makes(client, clerk, plan):
    client.force_login(clerk)
    save(client, plan, "csv")
    made = report_file(plan=plan, kind="progress", fmt="csv", as_at=AS_AT, since=None)
    assert bytes(SavedReport.objects.get().data) == made.content


def test_later_updates_do_not_change_a_saved_report(client, clerk, plan):
    from tests.factories import ProgressUpdateFactory

    client.force_login(clerk)
    save(client, plan, "csv")
    saved = SavedReport.objects.get()
    before = bytes(saved.data)
    action = plan.objectives.get(reference="1").actions.get(reference="1.10")
    ProgressUpdateFactory(action=action, as_at=AS_AT, status="complete", narrative="Fixed!")
    assert bytes(client.get(saved.get_absolute_url()).content) == before


def test_an_exceptions_report_keeps_its_comparison_date(client, clerk, plan):
    client.force_login(clerk)
    save(client, plan, "pdf", kind="exceptions", since="2025-03-31")
    saved = SavedReport.objects.get()
    assert (saved.kind, saved.since) == ("exceptions", AS_AT.replace(month=3, day=31))
    assert saved.file_name == "anytown-exceptions-as-at-2025-06-30.pdf"


def test_a_save_without_a_format_saves_nothing(client, clerk, plan):
    client.force_login(clerk)
    response = save(client, plan, "")
    assert response.status_code == 302
    assert not SavedReport.objects.exists()


def test_the_archive_lists_saved_reports_of_readable_plans_and_filters_by_plan(client, plan):
    clerk = user_with_role(roles.CLERK)
    client.force_login(clerk)
    save(client, plan, "docx")
    secret = PlanFactory(slug="secret", restricted=True)
    save(client, secret, "csv")
    other = PlanFactory(slug="other")
    save(client, other, "pdf")

    html = client.get(reverse("report-archive")).content.decode()
    assert "3 saved reports" in html
    assert "anytown-progress-as-at-2025-06-30.docx" in html and "secret-progress" in html
    filtered = client.get(reverse("report-archive") + "?plan=anytown").content.decode()
    assert "1 saved report" in filtered and "other-progress" not in filtered
    assert SavedReport.objects.get(plan=plan).sha256 in filtered

    # An action owner reads open plans, not the restricted one.
    owner = user_with_role(roles.ACTION_OWNER)
    client.force_login(owner)
    html = client.get(reverse("report-archive")).content.decode()
    assert "2 saved reports" in html and "secret-progress" not in html
    assert (
        "Select a valid choice"
        in client.get(reverse("report-archive") + "?plan=secret").content.decode()
    )


def test_people_who_may_not_read_the_plan_cannot_download_or_save(client, plan):
    secret = PlanFactory(slug="secret", restricted=True)
    clerk = user_with_role(roles.CLERK)
    client.force_login(clerk)
    save(client, secret, "csv")
    saved = SavedReport.objects.get()

    owner = user_with_role(roles.ACTION_OWNER)
    ActionFactory(objective=ObjectiveFactory(plan=plan), owner=owner)
    for person in [owner, UserFactory()]:
        client.force_login(person)
        assert client.get(saved.get_absolute_url()).status_code == 404
        assert save(client, secret, "csv").status_code == 404
    assert SavedReport.objects.count() == 1
    client.force_login(clerk)
    assert client.get(reverse("saved-report-download", kwargs={"pk": 999999})).status_code == 404


def test_the_archive_needs_signing_in(client, clerk, plan):
    client.force_login(clerk)
    save(client, plan, "csv")
    saved = SavedReport.objects.get()
    client.logout()
    for url in [reverse("report-archive"), saved.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert save(client, plan, "csv").status_code == 302
    assert SavedReport.objects.count() == 1


def test_a_saved_report_cannot_be_changed_or_deleted_through_the_app(client, clerk, plan):
    client.force_login(clerk)
    save(client, plan, "csv")
    saved = SavedReport.objects.get()
    url = saved.get_absolute_url()
    assert client.post(url).status_code == 405
    assert client.delete(url).status_code == 405
    saved.file_name = "changed.csv"
    with pytest.raises(AppendOnlyError):
        saved.save()
    with pytest.raises(AppendOnlyError):
        saved.delete()
    assert SavedReport.objects.get().file_name == "anytown-progress-as-at-2025-06-30.csv"


def test_only_administrators_see_and_delete_saved_reports_in_the_admin(client, clerk, plan):
    client.force_login(clerk)
    save(client, plan, "csv")
    saved = SavedReport.objects.get()
    changelist = reverse("admin:improvement_savedreport_changelist")
    delete = reverse("admin:improvement_savedreport_delete", args=[saved.pk])

    editor = user_with_role(roles.PLAN_EDITOR)
    plan.editors.add(editor)
    client.force_login(editor)
    assert client.get(changelist).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SavedReport.objects.exists()

    administrator = user_with_role(roles.ADMINISTRATOR)
    client.force_login(administrator)
    assert "anytown-progress-as-at-2025-06-30.csv" in client.get(changelist).content.decode()
    change = client.get(reverse("admin:improvement_savedreport_change", args=[saved.pk]))
    assert change.status_code == 200 and 'name="file_name"' not in change.content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not SavedReport.objects.exists()


def test_a_plan_with_saved_reports_cannot_be_deleted_from_under_them(client, clerk):
    from django.db.models import ProtectedError

    bare = PlanFactory(slug="bare")
    client.force_login(clerk)
    save(client, bare, "csv")
    with pytest.raises(ProtectedError) as refused:
        bare.delete()
    assert set(refused.value.protected_objects) == {SavedReport.objects.get()}
