"""The reports as PDF (Typst), read back with pypdf: the summary paragraph and every
action are in it; it is A4 landscape, tagged PDF/UA-1 in British English with a title,
bookmarks from the headings, table header cells and alt text on every chart; every page
carries the running title, the as-at date and "Page N of M"; body text is at least
11 pt; and text a user typed is set as text, never run as Typst markup."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from improvement.reports import pdf
from improvement.reports.assembly import progress_report
from improvement.reports.paged import PagedDocument
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


def structure(reader: PdfReader) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The tag tree's element counts by kind, and every (kind, alt text) pair."""
    kinds: dict[str, int] = {}
    alts: list[tuple[str, str]] = []
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]["/K"]]
    while todo:
        node = todo.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            todo.extend(node)
            continue
        if not hasattr(node, "get"):
            continue
        kind = node.get("/S")
        if kind:
            kinds[kind] = kinds.get(kind, 0) + 1
        if node.get("/Alt"):
            alts.append((kind, str(node["/Alt"])))
        if node.get("/K") is not None:
            todo.append(node["/K"])
    return kinds, alts


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


def test_the_pdf_is_tagged_pdf_ua_in_british_english_with_a_title(signed_in, plan):
    reader = PdfReader(io.BytesIO(download(signed_in, plan).content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == (
        "Progress report: Children's services improvement plan, as at 30 June 2025"
    )
    assert b"pdfuaid" in root["/Metadata"].get_data()
    kinds, alts = structure(reader)
    assert kinds["/H1"] == 1 and kinds["/H2"] >= 5 and kinds["/H3"] >= 1
    assert kinds["/TH"] >= 7 and kinds["/THead"] == kinds["/Table"]
    # Every chart is a figure with its alt text, in words.
    assert kinds["/Figure"] == 2
    alt = (
        "Chart of Vacancy rate: values over time. 2 values from March 2025 (16.0%) to "
        "June 2025 (14.0%). Baseline 20.0%. Target 8.0% by March 2026."
    )
    assert ("/Figure", alt) in alts


def test_the_headings_are_bookmarks(signed_in, plan):
    reader = PdfReader(io.BytesIO(download(signed_in, plan).content))

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    found = list(titles(reader.outline))
    assert found[0] == "Progress report: Children's services improvement plan"
    assert "Summary" in found and "Governance" in found
    assert "Objective 3: Better performance data" in found


def test_every_page_has_the_running_title_date_and_page_number(signed_in, plan):
    reader = PdfReader(io.BytesIO(download(signed_in, plan).content))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert "Children's services improvement plan: progress report" in text
        assert "As at 30 June 2025" in text
        assert f"Page {number} of {pages}" in text


def test_the_pdf_is_a4_landscape_with_body_text_of_at_least_11_point(signed_in, plan):
    reader = PdfReader(io.BytesIO(download(signed_in, plan).content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        small = []

        def visit(text, cm, tm, font, size, small=small):
            if size * tm[3] * cm[3] < 10.95:
                small.append(text)

        page.extract_text(visitor_text=visit)
        # Only the running header and footer are smaller (10 pt).
        assert "".join("".join(small).split()) == "".join(
            f"Children's services improvement plan: progress report As at 30 June 2025 "
            f"Page {number} of {pages}".split()
        )


def test_the_pdf_carries_the_measure_charts(signed_in, plan):
    text = pdf_text(download(signed_in, plan).content)
    assert "Baseline 20.0%" in text and "Target 8.0%" in text


def test_the_exceptions_report_as_pdf(signed_in, plan):
    text = pdf_text(download(signed_in, plan, "plan-exceptions").content)
    assert "Vacancy rate" in text and "14.0% (8.0%)" in text
    exceptions = text[: text.index("What changed since")]
    assert "Cut agency use" in exceptions and "Data task 1" not in exceptions
    assert "↓ worse" in text


HOSTILE = [
    '#set page(width: 1pt) #read("/etc/passwd") $x^2$ *bold* _it_',
    "<label> @ref = cite \\ back\\slash `raw` ] [ } { // comment /* open",
    '#{ panic("boom") } #import "@preview/x:0.1.0": * "quotes" \u202e',
]


def test_typed_text_is_set_as_text_never_run_as_markup(plan):
    report = progress_report(plan, AS_AT)
    action = report.objectives[0].actions[0]
    action.title = HOSTILE[0]
    action.progress = HOSTILE[1] + "\x00\x0b" + " W" + "w" * 400
    report.objectives[0].description = HOSTILE[2]
    reader = PdfReader(io.BytesIO(pdf.progress_pdf(report)))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    for hostile in HOSTILE:
        assert "".join(hostile.replace("\u202e", "").split()) in text, hostile
    # The 400-letter word is broken across lines, not lost or run off the page.
    assert "W" + "w" * 400 in text
    assert "root:" not in text
    assert reader.pages[0].mediabox.width > 800  # page(width: 1pt) did nothing


def test_a_document_typst_refuses_raises_with_typsts_reason():
    # PDF/UA-1 forbids skipping a heading level; the paged layout never does.
    document = PagedDocument(title="T", running_title="T", as_at="As at today")
    document.heading("One", 1)
    document.heading("Three", 3)
    with pytest.raises(pdf.PdfError, match="heading level 1 to 3"):
        pdf.render(document)


def test_a_long_table_repeats_its_header_row_on_every_page():
    document = PagedDocument(title="T", running_title="Long", as_at="As at today")
    document.heading("Long", 1)
    document.table(
        "Actions for objective 1",
        [("Ref", 20), ("Action", 247)],
        [(f"1.{n}", f"Action number {n}") for n in range(1, 81)],
    )
    pages = [
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(pdf.render(document))).pages
    ]
    assert len(pages) >= 3
    for page in pages:
        assert "Ref Action 1." in page
