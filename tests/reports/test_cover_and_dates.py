"""The cover block entered on the report page (remembered per plan, used by every format,
kept with a report saved as issued) and the dates a report may be drawn as at: bad input
gets a message next to its field and changes nothing; a future date is refused on the
page, for every download and for saving as issued."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.models import ReportCover, SavedReport
from improvement.reports.assembly import progress_report
from tests.factories import ReportingPeriodFactory
from tests.reports.conftest import AS_AT

pytestmark = pytest.mark.django_db
D = datetime.date

GOOD = {
    "cover-committee": "Corporate Parenting Board",
    "cover-meeting_date": "2025-07-15",
    "cover-agenda_item": "5",
    "cover-report_of": "Director of Children's Services",
    "cover-author": "Alex Clerk",
    "cover-contact": "alex.clerk@example.gov.uk",
    "cover-document_reference": "CPB/2025/05",
    "cover-purpose": "To report progress on the plan.",
    "cover-recommendations": "Note the report.\nAgree the next steps.",
}


def report_url(plan, query="?as_at=2025-06-30", name="plan-report"):
    return reverse(name, kwargs={"slug": plan.slug}) + query


def error_next_to(html: str, field_id: str, message: str) -> bool:
    """The message is in the field's own error paragraph."""
    marker = f'<p id="{field_id}-error" class="govuk-error-message">'
    return marker in html and message in html[html.index(marker) :].split("</p>", 1)[0]


def test_the_cover_is_entered_remembered_and_in_the_report(client, clerk, plan):
    client.force_login(clerk)
    response = client.post(report_url(plan), GOOD)
    assert response.status_code == 302 and response.url == report_url(plan)
    cover = ReportCover.objects.get(plan=plan)
    assert (cover.committee, cover.meeting_date, cover.updated_by) == (
        "Corporate Parenting Board",
        D(2025, 7, 15),
        clerk,
    )
    html = client.get(report_url(plan)).content.decode()
    # Prefilled for the next report, and on the report itself.
    assert 'value="Corporate Parenting Board"' in html
    for text in [
        "15 July 2025",
        "CPB/2025/05",
        "To report progress on the plan.",
        "Agree the next steps.",
    ]:
        assert text in html, text
    csv = client.get(report_url(plan, "?as_at=2025-06-30&format=csv")).content.decode("utf-8-sig")
    assert "Corporate Parenting Board" in csv and "Director of Children's Services" in csv


def test_without_a_cover_the_committee_is_the_one_the_plan_reports_to(plan):
    cover = progress_report(plan, AS_AT).cover
    assert cover.committee == "Children and Young People Scrutiny Committee"
    assert [label for label, _ in cover.lines] == ["Committee", "As at"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("meeting_date", "31/02/2025", "Meeting date must be a real date"),
        ("meeting_date", "not a date", "Meeting date must be a real date"),
        ("meeting_date", "2025-06-01", "is before the date the report is drawn as at"),
        ("purpose", "x" * 10_000, "The purpose must be 4,000 characters or fewer."),
        ("recommendations", "y" * 10_000, "The recommendations must be 4,000 characters or fewer."),
        ("agenda_item", "z" * 51, "Agenda item must be 50 characters or fewer."),
    ],
)
def test_bad_cover_input_is_explained_next_to_the_field_and_changes_nothing(
    client, clerk, plan, field, value, message
):
    client.force_login(clerk)
    ReportCover.objects.create(plan=plan, committee="Scrutiny", purpose="As before.")
    response = client.post(report_url(plan), {**GOOD, f"cover-{field}": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert error_next_to(html, f"id_cover-{field}", message), html[:200]
    assert "There is a problem" in html and "<title>Error: " in html
    cover = ReportCover.objects.get(plan=plan)
    assert (cover.committee, cover.purpose, cover.meeting_date) == ("Scrutiny", "As before.", None)


def test_a_remembered_meeting_date_before_the_as_at_date_is_flagged_and_not_issued(
    client, clerk, plan
):
    client.force_login(clerk)
    ReportCover.objects.create(plan=plan, meeting_date=D(2025, 5, 1))
    html = client.get(report_url(plan)).content.decode()
    assert error_next_to(html, "id_cover-meeting_date", "is before the date the report is drawn")
    response = client.post(
        reverse("plan-report-save", kwargs={"slug": plan.slug}),
        {"kind": "progress", "format": "csv", "as_at": "2025-06-30"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert error_next_to(html, "id_cover-meeting_date", "is before the date")
    assert "?as_at=2025-06-30&amp;format=pdf" in html  # the page is still the one as at June
    assert not SavedReport.objects.exists()


def test_an_issued_report_keeps_its_own_cover(client, clerk, plan):
    client.force_login(clerk)
    client.post(report_url(plan), GOOD)
    client.post(
        reverse("plan-report-save", kwargs={"slug": plan.slug}),
        {"kind": "progress", "format": "csv", "as_at": "2025-06-30"},
    )
    saved = SavedReport.objects.get()
    assert (saved.committee, saved.agenda_item, saved.meeting_date) == (
        "Corporate Parenting Board",
        "5",
        D(2025, 7, 15),
    )
    assert "Corporate Parenting Board" in bytes(saved.data).decode("utf-8-sig")
    # The plan's cover changes for the next report; the issued one keeps what it went with.
    client.post(report_url(plan), {**GOOD, "cover-committee": "Cabinet"})
    saved.refresh_from_db()
    assert saved.committee == "Corporate Parenting Board"
    archive = client.get(reverse("report-archive")).content.decode()
    assert (
        "Corporate Parenting Board" in archive and "15 Jul 2025" in archive and "item 5" in archive
    )


def test_someone_who_may_not_read_the_plan_cannot_set_its_cover(client, outsider, plan):
    client.force_login(outsider)
    response = client.post(report_url(plan), GOOD)
    assert response.status_code == 404
    assert not ReportCover.objects.exists()


# -- dates ------------------------------------------------------------------------------


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.mark.parametrize("name", ["plan-report", "plan-exceptions"])
def test_a_future_as_at_date_is_refused_on_the_page(signed_in, plan, name):
    response = signed_in.get(report_url(plan, f"?as_at={tomorrow():%Y-%m-%d}", name))
    assert response.status_code == 200 and response.context["report"] is None
    html = response.content.decode()
    assert error_next_to(html, "id_as_at", "A report cannot be drawn as at a future date")


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "csv", "html"])
def test_a_future_as_at_date_is_refused_for_every_download(signed_in, plan, fmt):
    query = f"?as_at={tomorrow():%Y-%m-%d}&format={fmt}&download=1"
    response = signed_in.get(report_url(plan, query))
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert error_next_to(response.content.decode(), "id_as_at", "future date")


def test_a_future_reporting_period_is_refused(signed_in, plan):
    today = timezone.localdate()
    current = ReportingPeriodFactory(
        plan=plan,
        name="This quarter",
        start=today - datetime.timedelta(days=10),
        end=tomorrow(),
        update_deadline=tomorrow(),
    )
    response = signed_in.get(report_url(plan, f"?period={current.pk}"))
    html = response.content.decode()
    assert response.context["report"] is None
    assert error_next_to(html, "id_period", "This quarter ends on")


@pytest.mark.parametrize("kind", ["progress", "exceptions"])
def test_a_report_as_at_a_future_date_cannot_be_saved_as_issued(client, clerk, plan, kind):
    client.force_login(clerk)
    response = client.post(
        reverse("plan-report-save", kwargs={"slug": plan.slug}),
        {"kind": kind, "format": "pdf", "as_at": f"{tomorrow():%Y-%m-%d}"},
    )
    assert response.status_code == 200
    assert error_next_to(response.content.decode(), "id_as_at", "future date")
    assert not SavedReport.objects.exists()


def test_today_is_not_the_future(signed_in, plan):
    response = signed_in.get(report_url(plan, f"?as_at={timezone.localdate():%Y-%m-%d}"))
    assert response.context["report"] is not None
