"""The progress and exceptions reports as Word documents, read back with python-docx:
real heading styles, real tables whose header row repeats, a landscape section, status
words shaded in their colours, and text ("&", "<") that survives."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from improvement.reports.assembly import progress_report
from improvement.reports.word import progress_docx
from tests.reports.conftest import AS_AT, ORDER

pytestmark = pytest.mark.django_db


def download(client, plan, name="plan-report", query="?as_at=2025-06-30&format=docx"):
    response = client.get(reverse(name, kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200
    return response


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_download_is_a_word_file_named_for_the_plan_and_date(signed_in, plan):
    response = download(signed_in, plan)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="anytown-progress-as-at-2025-06-30.docx"'
    )


def test_headings_use_words_own_heading_styles(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", "Children's services improvement plan")
    assert ("Heading 2", "Summary") in headings
    assert ("Heading 2", "Objective 1: Recruit & retain social workers") in headings
    assert ("Heading 2", "Governance") in headings
    assert ("Heading 3", "Objective 3: Better performance data") in headings
    assert ("Heading 3", "Achievements to date") in headings


def test_every_action_is_in_a_table_with_a_repeating_header_row(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    action_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Ref"]
    assert len(action_tables) == 2
    header = [c.text for c in action_tables[0].rows[0].cells]
    assert header == ["Ref", "Action", "Responsible", "Timescale", "Status", "Progress", "Evidence"]
    for table in action_tables:
        repeat = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert repeat is not None and repeat.get(qn("w:val")) == "true"
    references = [row.cells[0].text for t in action_tables for row in t.rows[1:]]
    assert references == ORDER


def test_the_document_is_landscape(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    for section in document.sections:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.page_width > section.page_height


def test_the_summary_and_narratives_survive_with_ampersands_and_angle_brackets(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    text = text_of(document)
    assert progress_report(plan, AS_AT).summary in text
    assert "Cut agency use <below 10%>" in text
    assert "Agency use is 14% & rising." in text
    assert "Head of Service & HR" in text
    assert "Adverts out; 3 < 10 posts filled." in text


def test_status_cells_are_words_shaded_in_their_colours(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Ref")
    cells = {row.cells[0].text: row.cells[4] for row in table.rows[1:]}

    def fill_and_colour(cell):
        shading = cell._tc.tcPr.find(qn("w:shd"))
        run = cell.paragraphs[0].runs[0]
        return shading.get(qn("w:fill")), str(run.font.color.rgb), run.text

    assert fill_and_colour(cells["1.1"]) == ("1D70B8", "FFFFFF", "Complete")
    assert fill_and_colour(cells["1.2"]) == ("FFBF47", "0B0C0C", "Amber")
    assert fill_and_colour(cells["1.10"]) == ("B3261E", "FFFFFF", "Red")
    assert "Overdue" in cells["1.10"].text


def test_there_are_no_fields_or_formulas(signed_in, plan):
    content = download(signed_in, plan).content
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        body = docx.read("word/document.xml").decode()
    assert "w:fldSimple" not in body and "w:instrText" not in body
    # The formula-looking narratives are plain text.
    assert "=HYPERLINK(&quot;http://evil&quot;)" in body or '=HYPERLINK("http://evil")' in body


def test_control_characters_pasted_into_a_narrative_do_not_break_the_document(plan):
    report = progress_report(plan, AS_AT)
    report.objectives[0].actions[0].progress = "Line one\x0bline two\x00 & done"
    document = Document(io.BytesIO(progress_docx(report)))
    assert "Line oneline two & done" in text_of(document)


def test_the_exceptions_report_as_word(signed_in, plan):
    response = download(signed_in, plan, "plan-exceptions")
    assert response["Content-Disposition"].endswith('exceptions-as-at-2025-06-30.docx"')
    document = Document(io.BytesIO(response.content))
    text = text_of(document)
    assert "Vacancy rate 14.0% (8.0%)" in text
    assert "↓ worse" in text and "✓ completed" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Actions off track, at risk or overdue" in headings
    assert "What changed since 31 March 2025" in headings
