"""The same content in every format, read back: for each seed plan (Nottinghamshire and
Slough have actions; Herefordshire's requirements have none), the downloaded web page,
Excel workbook and CSV each hold the cover block, the summary, every objective's own
narrative, every success measure and every action reference; and no format of any seed
plan's report is empty. (Word and PDF are read back in their own tests.)"""

import csv
import io
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from improvement.models import Action
from improvement.reports.assembly import progress_report
from tests.reports.conftest import COVER, SEED_PLANS

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """The text a reader sees: no markup, no style sheet."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], False

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def words(text: str) -> str:
    return " ".join(text.split())


def html_text(content: bytes) -> str:
    parser = _Text()
    parser.feed(content.decode("utf-8"))
    return words(" ".join(parser.parts))


def cell_text(value) -> str:
    if isinstance(value, datetime | date):
        return f"{value:%-d %B %Y}"
    return str(value)


def xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[0] == "Cover" and workbook["Cover"].max_row > 5
    return words(
        " ".join(
            cell_text(v)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    )


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def csv_text(content: bytes) -> str:
    return words(" ".join(v for row in csv_rows(content) for v in row.values()))


def own_words(update) -> list[str]:
    """An objective's own progress: its narrative, achievements, evidence and areas."""
    if update is None:
        return []
    texts = [update.narrative, *update.achievements, *update.evidence]
    return [t for t in texts + [area for area, _ in update.areas] if t.strip()]


def download(client, plan, fmt, as_at, name="plan-report") -> bytes:
    query = f"?as_at={as_at:%Y-%m-%d}&format={fmt}" + ("&download=1" if fmt == "html" else "")
    response = client.get(reverse(name, kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200, response.content[:500]
    assert response.content, fmt
    return response.content


def action_refs(fmt: str, content: bytes) -> list[str]:
    """The action references as each format lays them out."""
    if fmt == "html":
        cells = re.findall(
            r'<th scope="row" class="govuk-table__header" data-label="Ref">(.*?)</th>',
            content.decode(),
        )
        return cells
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content))["Actions"]
        rows = list(sheet.iter_rows(values_only=True))
        column = rows[0].index("Action ref")
        return [str(r[column]) for r in rows[1:] if r[column] is not None]
    return [r["Ref"] for r in csv_rows(content) if r["Level"] == "action"]


READERS = {"html": html_text, "xlsx": xlsx_text, "csv": csv_text}


@pytest.mark.parametrize("seed_plan", list(SEED_PLANS), indirect=True)
def test_every_format_holds_the_same_content(signed_in, seed_plan):
    plan, as_at = seed_plan, SEED_PLANS[seed_plan.slug]
    report = progress_report(plan, as_at, COVER)
    references = sorted(
        Action.objects.filter(objective__plan=plan).values_list("reference", flat=True)
    )
    narratives = [words(text) for o in report.objectives for text in own_words(o.update)]
    measures = [words(text) for o in report.objectives for text in o.success_measures]
    measures += [m.name for o in report.objectives for m in o.measures]
    if plan.slug != "nottinghamshire-2004":
        assert narratives, "the seed plan's objectives report their own progress"
    assert measures, "every seed plan has success measures"
    cover = [words(text) for _, text in report.cover.lines]
    cover += [COVER["purpose"], *COVER["recommendations"].splitlines()]
    assert "15 January 2030" in cover and "Director of Children's Services" in cover

    for fmt, read in READERS.items():
        content = download(signed_in, plan, fmt, as_at)
        text = read(content)
        for expected in [*cover, words(report.summary), *narratives, *measures]:
            assert expected in text, (fmt, expected[:80])
        refs = action_refs(fmt, content)
        if fmt == "html":
            # The page's row headers are the summary table's objectives, then the actions.
            refs = [r for r in refs if r in references]
        assert sorted(refs) == references, fmt


@pytest.mark.parametrize("seed_plan", list(SEED_PLANS), indirect=True)
def test_no_format_is_empty_for_any_seed_plan(signed_in, seed_plan):
    as_at = SEED_PLANS[seed_plan.slug]
    for name in ["plan-report", "plan-exceptions"]:
        assert len(csv_rows(download(signed_in, seed_plan, "csv", as_at, name))) > 5
        workbook = load_workbook(io.BytesIO(download(signed_in, seed_plan, "xlsx", as_at, name)))
        assert all(sheet.max_row > 1 for sheet in workbook), name
        docx = Document(io.BytesIO(download(signed_in, seed_plan, "docx", as_at, name)))
        assert seed_plan.title in "\n".join(p.text for p in docx.paragraphs)
        assert seed_plan.title in html_text(download(signed_in, seed_plan, "html", as_at, name))


@pytest.mark.parametrize("seed_plan", ["herefordshire-2013"], indirect=True)
def test_the_exceptions_report_carries_the_cover_and_each_exceptions_narrative(
    signed_in, seed_plan
):
    as_at = SEED_PLANS[seed_plan.slug]
    from improvement.reports.assembly import exceptions_report

    exceptions = exceptions_report(seed_plan, as_at, None, COVER)
    narratives = [words(t) for i in exceptions.objectives for t in own_words(i.objective.update)]
    assert narratives  # Herefordshire's amber and red requirements, with their narratives
    for fmt, read in READERS.items():
        text = read(download(signed_in, seed_plan, fmt, as_at, "plan-exceptions"))
        for expected in [COVER["report_of"], words(exceptions.summary), *narratives]:
            assert expected in text, (fmt, expected[:80])


def test_formats_render_the_assembled_report_without_the_database(plan, django_assert_num_queries):
    """Everything a format needs is in the assembled report, the charts' data included."""
    from improvement.reports import html, spreadsheet, word
    from improvement.reports.assembly import exceptions_report
    from tests.reports.conftest import AS_AT, D

    report = progress_report(plan, AS_AT, COVER)
    exceptions = exceptions_report(plan, AS_AT, D(2025, 3, 31), COVER)
    assert all(m.chart is not None and m.chart.points for m in report.measures)
    with django_assert_num_queries(0):
        page = html.document(html.progress_context(report), inline_css=True)
        html.document(html.exceptions_context(exceptions), inline_css=True)
        spreadsheet.progress_xlsx(report)
        spreadsheet.progress_csv(report)
        spreadsheet.exceptions_xlsx(exceptions)
        spreadsheet.exceptions_csv(exceptions)
        word.progress_docx(report)
        word.exceptions_docx(exceptions)
    assert page.count("<svg") == 2
