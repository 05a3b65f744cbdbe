"""The reports as PDF, read back with pypdf: the summary paragraph and every action are
in it, it is A4 landscape, the stylesheet is read from the static files on disk, and
nothing else is ever fetched."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from improvement.reports import pdf
from improvement.reports.assembly import progress_report
from tests.reports.conftest import AS_AT, ORDER

pytestmark = pytest.mark.django_db


def download(client, plan, name="plan-report"):
    response = client.get(
        reverse(name, kwargs={"slug": plan.slug}) + "?as_at=2025-06-30&format=pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_has_the_summary_and_every_action(signed_in, plan):
    response = download(signed_in, plan)
    assert response["Content-Disposition"] == (
        'attachment; filename="anytown-progress-as-at-2025-06-30.pdf"'
    )
    text = pdf_text(response.content)
    assert " ".join(progress_report(plan, AS_AT).summary.split()) in text
    for reference in ORDER:
        assert f" {reference} " in text, reference
    assert "Agency use is 14% & rising." in text
    assert "As at 30 June 2025" in text


def test_the_pdf_is_a4_landscape_and_styled(signed_in, plan):
    reader = PdfReader(io.BytesIO(download(signed_in, plan).content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    # The page footer comes from the stylesheet: proof it was loaded from disk.
    assert "Page 1 of" in reader.pages[0].extract_text()


def test_the_pdf_carries_the_measure_charts(signed_in, plan):
    text = pdf_text(download(signed_in, plan).content)
    assert "Baseline 20.0%" in text and "Target 8.0%" in text


def test_the_exceptions_report_as_pdf(signed_in, plan):
    text = pdf_text(download(signed_in, plan, "plan-exceptions").content)
    assert "Vacancy rate" in text and "14.0% (8.0%)" in text
    exceptions = text[: text.index("What changed since")]
    assert "Cut agency use" in exceptions and "Data task 1" not in exceptions
    assert "↓ worse" in text


def test_the_fetcher_serves_static_files_from_disk():
    found = pdf.static_file("file:///static/css/report.css")
    assert found is not None and found.name == "report.css"
    assert pdf.static_file("/static/css/report.css") == found


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/static/css/report.css",
        "https://127.0.0.1/static/css/report.css",
        "file:///etc/passwd",
        "file:///static/../config/settings.py",
        "file:///static/css/nothing-here.css",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    assert pdf.static_file(url) is None
    with pytest.raises(ValueError, match="only the app's own static files"):
        pdf._fetcher_class()().fetch(url)
