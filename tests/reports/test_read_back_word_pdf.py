"""The same content in Word and PDF as in the other formats, read back (python-docx,
pypdf): for each seed plan (Nottinghamshire and Slough have actions; Herefordshire's
requirements have none), the downloaded .docx and .pdf each hold the cover block, the
summary, every objective's own narrative, every success measure and every action
reference; the exceptions report carries each exception's narrative; and neither file is
empty for any seed plan. (HTML, Excel and CSV: test_read_back.py, with the same checks.)"""

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from improvement.models import Action
from improvement.reports.assembly import exceptions_report, progress_report
from tests.reports.conftest import COVER, SEED_PLANS
from tests.reports.test_read_back import download, own_words, words

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return words(" ".join(parts))


def docx_action_refs(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    return [
        row.cells[0].text
        for table in document.tables
        if [c.text for c in table.rows[0].cells][:2] == ["Ref", "Action"]
        for row in table.rows[1:]
    ]


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader follows it: each page's running header (title, as-at
    date) and footer (page number) left out, so a narrative crossing a page reads on."""
    reader = PdfReader(io.BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    title = str(reader.metadata.title)
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        text = words(page.extract_text())
        text = text.replace(f"Page {number} of {len(reader.pages)}", "")
        header = RUNNING.match(text)
        assert header and header.group(1) in title, text[:200]
        pages.append(text[header.end() :])
    # A word broken at its hyphen across two lines ("multi-" / "agency") reads as one.
    return re.sub(r"(?<=\w)- (?=[a-z])", "-", words(" ".join(pages)))


READERS = {"docx": docx_text, "pdf": pdf_text}
# The running header at the top of every page: "<plan>: progress report As at 1 July 2013".
RUNNING = re.compile(r"(.+?): (?:progress|exceptions) report As at \d{1,2} \w+ \d{4} ")


def expected_content(plan, as_at) -> tuple[list[str], list[str]]:
    """What every format must hold, and the plan's action references."""
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
    return [*cover, words(report.summary), *narratives, *measures], references


@pytest.mark.parametrize("seed_plan", list(SEED_PLANS), indirect=True)
def test_word_and_pdf_hold_the_same_content_as_every_format(signed_in, seed_plan):
    plan, as_at = seed_plan, SEED_PLANS[seed_plan.slug]
    expected, references = expected_content(plan, as_at)
    for fmt, read in READERS.items():
        content = download(signed_in, plan, fmt, as_at)
        text = read(content)
        for item in expected:
            assert item in text, (fmt, item[:80])
        if fmt == "docx":
            assert sorted(docx_action_refs(content)) == references
        else:
            for reference in references:
                assert f" {reference} " in f" {text} ", (fmt, reference)
    if plan.slug == "herefordshire-2013":
        assert not references  # the plan whose objectives have no actions


@pytest.mark.parametrize("seed_plan", ["herefordshire-2013"], indirect=True)
def test_the_exceptions_report_in_word_and_pdf_carries_each_exceptions_narrative(
    signed_in, seed_plan
):
    as_at = SEED_PLANS[seed_plan.slug]
    exceptions = exceptions_report(seed_plan, as_at, None, COVER)
    narratives = [words(t) for i in exceptions.objectives for t in own_words(i.objective.update)]
    assert narratives
    for fmt, read in READERS.items():
        text = read(download(signed_in, seed_plan, fmt, as_at, "plan-exceptions"))
        for expected in [COVER["report_of"], words(exceptions.summary), *narratives]:
            assert expected in text, (fmt, expected[:80])


@pytest.mark.parametrize("seed_plan", ["nottinghamshire-2004", "slough-2014"], indirect=True)
def test_no_exceptions_report_is_empty_in_word_or_pdf(signed_in, seed_plan):
    as_at = SEED_PLANS[seed_plan.slug]
    for fmt, read in READERS.items():
        text = read(download(signed_in, seed_plan, fmt, as_at, "plan-exceptions"))
        assert seed_plan.title in text and "What changed" in text, fmt
