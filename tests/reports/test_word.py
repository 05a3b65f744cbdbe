"""The progress and exceptions reports as Word documents, read back with python-docx:
real heading styles, real tables whose header row repeats, a landscape section, status
words shaded in their colours, text ("&", "<") that survives, a header and footer with
the plan, report, as-at date and "Page N of M", language en-GB and a font on the styles,
charts as pictures with alt text, and tables written as XML fragments whose text is the
same as python-docx's own cell-by-cell building gives."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from improvement.reports.assembly import progress_report
from improvement.reports.paged import PagedDocument, StatusCell
from improvement.reports.word import progress_docx, render
from improvement.status import Status
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
    assert headings[0] == ("Heading 1", "Progress report: Children's services improvement plan")
    assert ("Heading 2", "Summary") in headings
    assert ("Heading 2", "Objective 1: Recruit & retain social workers") in headings
    assert ("Heading 2", "Governance") in headings
    assert ("Heading 3", "Objective 3: Better performance data") in headings
    assert ("Heading 3", "Success measures") in headings
    assert ("Heading 2", "Objectives at a glance") in headings
    assert ("Heading 3", "Progress as at 20 June 2025") in [(s, t[:27]) for s, t in headings]


def test_every_action_is_in_a_table_with_a_repeating_header_row(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    action_tables = [
        t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["Ref", "Action"]
    ]
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
    table = next(
        t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["Ref", "Action"]
    )
    cells = {row.cells[0].text: row.cells[4] for row in table.rows[1:]}

    def fill_and_colour(cell):
        shading = cell._tc.tcPr.find(qn("w:shd"))
        run = cell.paragraphs[0].runs[0]
        return shading.get(qn("w:fill")), str(run.font.color.rgb), run.text

    assert fill_and_colour(cells["1.1"]) == ("1D70B8", "FFFFFF", "Complete")
    assert fill_and_colour(cells["1.2"]) == ("FFBF47", "0B0C0C", "Amber")
    assert fill_and_colour(cells["1.10"]) == ("B3261E", "FFFFFF", "Red")
    assert "Overdue" in cells["1.10"].text


def test_the_body_has_no_fields_or_formulas(signed_in, plan):
    content = download(signed_in, plan).content
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        body = docx.read("word/document.xml").decode()
        footer = docx.read("word/footer1.xml").decode()
    assert "w:fldSimple" not in body and "w:instrText" not in body
    # The footer's page number is the only field: PAGE and NUMPAGES.
    assert re.findall(r'w:instr="([^"]*)"', footer) == [" PAGE ", " NUMPAGES "]
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
    assert "Vacancy rate" in text and "14.0% (8.0%)" in text
    assert "↓ worse" in text and "✓ completed" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Actions off track, at risk or overdue" in headings
    assert "What changed since 31 March 2025" in headings


def test_every_page_has_a_header_and_footer_with_the_plan_date_and_page_number(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    section = document.sections[0]
    assert section.header.paragraphs[-1].text == (
        "Children's services improvement plan: progress report\tAs at 30 June 2025"
    )
    # Word shows "Page 3 of 12": the numbers are PAGE and NUMPAGES fields it fills in.
    footer = section.footer.paragraphs[-1]._p
    assert "".join(t.text for t in footer.iter(qn("w:t"))) == "Page 1 of 1"
    assert not section.different_first_page_header_footer


def test_the_language_is_british_english_and_a_font_is_set(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    styles = document.styles.element
    languages = {lang.get(qn("w:val")) for lang in styles.iter(qn("w:lang"))}
    assert languages == {"en-GB"}
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs")} == {"Arial"}
    heading = document.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:ascii")) == "Arial" and heading.get(qn("w:asciiTheme")) is None
    assert document.styles["Normal"].font.size.pt == 11
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.title == (
        "Progress report: Children's services improvement plan, as at 30 June 2025"
    )


def test_charts_are_pictures_with_alt_text(signed_in, plan):
    content = download(signed_in, plan).content
    document = Document(io.BytesIO(content))
    pictures = document.inline_shapes
    assert len(pictures) == 2
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert (
        "Chart of Vacancy rate: values over time. 2 values from March 2025 (16.0%) to "
        "June 2025 (14.0%). Baseline 20.0%. Target 8.0% by March 2026."
    ) in descriptions
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        images = [n for n in docx.namelist() if n.startswith("word/media/")]
        assert len(images) == 2
        assert all(docx.read(n).startswith(b"\x89PNG") for n in images)


def test_status_notes_read_in_the_status_colour(signed_in, plan):
    document = Document(io.BytesIO(download(signed_in, plan).content))
    table = next(
        t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["Ref", "Action"]
    )
    cell = next(row.cells[4] for row in table.rows[1:] if row.cells[0].text == "1.10")
    assert cell.text == "Red\nOverdue"
    # White on the red fill, for the note as for the word.
    assert {str(run.font.color.rgb) for run in cell.paragraphs[0].runs} == {"FFFFFF"}


# -- tables as XML fragments -----------------------------------------------------------

HOSTILE_CELLS = [
    "Plain",
    "A & B < C > D \"quoted\" 'single'",
    "Line one\nLine two\n\nafter a blank line",
    "Tab\there",
    "",
    "Unicode: £ € – — “quotes” ✓ ★ ↓",
    "]]> <w:t>not XML</w:t>",
]


def _cell_by_cell(document, columns, rows):
    """The reference: a table built through python-docx's objects, cell by cell, as the
    Word writer did before it wrote each row as one fragment."""
    table = document.add_table(rows=1, cols=len(columns))
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, StatusCell):
                run = cell.paragraphs[0].add_run(value.label)
                run.bold = True
                for note in value.notes:
                    cell.paragraphs[0].add_run("\n" + note).bold = True
            elif value:
                cell.paragraphs[0].add_run(value)
    return table


def _shape(table):
    return [
        [
            (
                cell.text,
                [(run.text, bool(run.bold)) for p in cell.paragraphs for run in p.runs],
            )
            for cell in row.cells
        ]
        for row in table.rows
    ]


def test_a_table_written_as_row_fragments_has_the_same_text_as_cell_by_cell():
    columns = [(f"Column {i}", 20) for i in range(len(HOSTILE_CELLS))]
    rows = [
        tuple(HOSTILE_CELLS),
        tuple(reversed(HOSTILE_CELLS)),
        ("1.1", StatusCell(Status.OFF_TRACK, "Red", ("Overdue", "Update awaiting sign-off")))
        + tuple(HOSTILE_CELLS[2:]),
    ]
    document = PagedDocument(title="T", running_title="T", as_at="As at today")
    document.table("Hostile cells", columns, rows)
    fast = Document(io.BytesIO(render(document)))
    slow = _cell_by_cell(Document(), [name for name, _ in columns], document.blocks[0].rows)
    assert _shape(fast.tables[0]) == _shape(slow)
    assert fast.tables[0].rows[1].cells[1].text == "A & B < C > D \"quoted\" 'single'"
