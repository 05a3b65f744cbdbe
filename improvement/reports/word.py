"""Reports as Word documents (.docx), built with python-docx.

The layout follows the seed reports: title lines, the status key, the summary, then each
objective with its status and a table of its actions. Word's own structure is used so
the document is accessible and survives editing by the clerk: real Heading 1/2/3
styles (the navigation pane and a contents table work), real tables whose header row
repeats on every page (`w:tblHeader`), and a landscape section because the action
tables are wide. A status is always its word; the cell is shaded in the status colour
as well (white text on the dark fills, black on amber). There are no fields or formulas.

python-docx escapes text itself, so "&" and "<" in a narrative are safe; characters XML
cannot hold at all (control characters pasted from other programs) are dropped.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from improvement.reports.assembly import (
    ExceptionsReport,
    ProgressReport,
    ReportAction,
    ReportMeasure,
    ReportObjective,
    ReportStatus,
)
from improvement.status import Status

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The app's status colours (static/css/app.css), as Word fills, with the text colour that
# reads on each (all at least 4.5:1).
FILLS = {
    Status.COMPLETE: ("1D70B8", "FFFFFF"),
    Status.ON_TRACK: ("00703C", "FFFFFF"),
    Status.AT_RISK: ("FFBF47", "0B0C0C"),
    Status.OFF_TRACK: ("B3261E", "FFFFFF"),
    Status.NOT_STARTED: ("505A5F", "FFFFFF"),
}

# A4 landscape, less the margins: the width the tables share.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(297), Mm(210), Mm(15)
ACTION_COLUMNS = [
    ("Ref", 12),
    ("Action", 48),
    ("Responsible", 28),
    ("Timescale", 26),
    ("Status", 26),
    ("Progress", 92),
    ("Evidence", 35),
]
MEASURE_COLUMNS = [
    ("Measure", 70),
    ("Baseline", 30),
    ("Latest", 40),
    ("Target", 40),
    ("Status", 30),
    ("Trend", 57),
]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _standard(status: ReportStatus | Status | None) -> Status | None:
    """The standard status behind a report's status (its fill colour)."""
    return status.status if isinstance(status, ReportStatus) else status


def _text(value) -> str:
    """Text Word can hold: XML cannot carry control characters, so they are dropped."""
    return _NOT_XML.sub("", str(value or ""))


class _Writer:
    def __init__(self, title: str):
        self.doc = Document()
        self.doc.core_properties.title = _text(title)[:255]
        self.doc.core_properties.author = "Improvement tracker"
        self.doc.styles["Normal"].font.size = Pt(10)
        section = self.doc.sections[0]
        # Landscape throughout: every report has wide action or measure tables.
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(_text(text), level=min(level, 9))

    def paragraph(self, text: str = "", *, bold: bool = False):
        paragraph = self.doc.add_paragraph()
        if text:
            paragraph.add_run(_text(text)).bold = bold
        return paragraph

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.doc.add_paragraph(_text(item), style="List Bullet")

    def status_run(self, paragraph, status: Status | None, label: str) -> None:
        """The status word, shaded in its colour (no shading for "no status")."""
        run = paragraph.add_run(_text(label))
        run.bold = True
        status = _standard(status)
        if status in FILLS:
            fill, colour = FILLS[status]
            _shade(run._r.get_or_add_rPr(), fill)
            run.font.color.rgb = RGBColor.from_string(colour)

    def table(self, columns: list[tuple[str, int]], caption: str):
        """A table with a bold header row that Word repeats at the top of every page."""
        self.paragraph(caption, bold=True)
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.autofit = False
        header = table.rows[0]
        trPr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trPr.append(repeat)
        for cell, (name, width) in zip(header.cells, columns, strict=True):
            cell.width = Mm(width)
            cell.paragraphs[0].add_run(name).bold = True
        for column, (_, width) in zip(table.columns, columns, strict=True):
            column.width = Mm(width)
        # The table's title for screen readers (Word's "Alt Text"), after tblLook as the
        # schema orders them.
        title = OxmlElement("w:tblCaption")
        title.set(qn("w:val"), _text(caption)[:255])
        table._tbl.tblPr.append(title)
        return table

    def row(self, table, values: list) -> list:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            if value:
                cell.paragraphs[0].add_run(_text(value))
        return cells

    def status_cell(self, cell, status: Status | None, label: str, *extra: str) -> None:
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(_text(label))
        run.bold = True
        status = _standard(status)
        if status in FILLS:
            fill, colour = FILLS[status]
            _shade(cell._tc.get_or_add_tcPr(), fill)
            run.font.color.rgb = RGBColor.from_string(colour)
        for text in extra:
            if text:
                paragraph.add_run("\n" + _text(text)).bold = True

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _shade(properties, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _title(w: _Writer, report: ProgressReport, heading: str, lines: list[str]) -> None:
    w.heading(heading, 1)
    w.paragraph(report.organisation)
    if report.reports_to:
        w.paragraph(f"Report to {report.reports_to}")
    for line in lines:
        w.paragraph(line, bold=True)


def _key(w: _Writer, key) -> None:
    w.heading("Status key", 2)
    table = w.table([("Status", 45), ("What it means", 222)], "The plan's status key")
    for line in key:
        meaning = ": ".join(filter(None, [line.standard_word, line.meaning]))
        cells = w.row(table, ["", meaning])
        w.status_cell(cells[0], line.status, line.label)


def _action_row(w: _Writer, table, action: ReportAction) -> None:
    cells = w.row(
        table,
        [
            action.reference,
            action.title,
            action.responsible,
            action.timescale,
            "",
            action.progress,
            "\n".join(action.evidence),
        ],
    )
    w.status_cell(
        cells[4],
        action.status,
        action.status_label,
        "Overdue" if action.overdue else "",
        "Update awaiting sign-off" if action.awaiting_sign_off else "",
    )


def _objective(w: _Writer, objective: ReportObjective, level: int) -> None:
    w.heading(objective.heading, level)
    if objective.description:
        w.paragraph(objective.description)
    status = w.paragraph("Status: ")
    w.status_run(status, objective.status, objective.status_label)
    if objective.assessment_differs:
        status.add_run("   Assessed: ")
        w.status_run(status, objective.assessed, objective.assessed_label)
    if objective.overdue_actions:
        count = len(objective.overdue_actions)
        status.add_run(f"   Overdue: {count} action{'s' if count != 1 else ''}").bold = True
    w.paragraph(objective.reason)
    if objective.assessment_kinder:
        w.paragraph(
            f"The assessment ({objective.assessed_label}) is kinder than its actions "
            f"({objective.status_label}).",
            bold=True,
        )
    if objective.actions:
        table = w.table(ACTION_COLUMNS, f"Actions for {objective.label}")
        for action in objective.actions:
            _action_row(w, table, action)
        return
    # No actions (an improvement-notice requirement): the assessment's own words.
    if objective.progress:
        w.heading("Progress", level + 1)
        w.paragraph(objective.progress)
    if objective.achievements:
        w.heading("Achievements to date", level + 1)
        w.bullets(objective.achievements)
    if objective.evidence:
        w.heading("Evidence", level + 1)
        w.bullets(objective.evidence)
    if objective.areas:
        w.heading("Key areas for development", level + 1)
        table = w.table(
            [("Area for development", 200), ("Timescale", 67)],
            f"Key areas for development for {objective.label}",
        )
        for description, timescale in objective.areas:
            w.row(table, [description, timescale])


def _measures(w: _Writer, measures: list[ReportMeasure], caption: str) -> None:
    table = w.table(MEASURE_COLUMNS, caption)
    for measure in measures:
        cells = w.row(
            table,
            [measure.name, measure.baseline, measure.latest, measure.target, "", measure.trend],
        )
        w.status_cell(cells[4], measure.status, measure.status_label)


def progress_docx(report: ProgressReport) -> bytes:
    w = _Writer(report.title)
    _title(w, report, report.title, [f"Progress as at {report.as_at:%-d %B %Y}"])
    _key(w, report.key)
    w.heading("Summary", 2)
    w.paragraph(report.summary)
    w.heading("Overall status", 2)
    status = w.paragraph("Status: ")
    w.status_run(status, report.status, report.status_label)
    w.paragraph(report.status_reason)
    for section, objectives in report.sections:
        if section:
            w.heading(section, 2)
        for objective in objectives:
            _objective(w, objective, 3 if section else 2)
    if report.measures:
        w.heading("Measures", 2)
        _measures(w, report.measures, f"Measures as at {report.as_at:%-d %B %Y}")
    return w.save()


def exceptions_docx(exceptions: ExceptionsReport) -> bytes:
    report = exceptions.report
    w = _Writer(f"Exceptions: {report.title}")
    lines = [f"Exceptions as at {report.as_at:%-d %B %Y}"]
    if exceptions.since:
        lines.append(f"Changes since {exceptions.since:%-d %B %Y}")
    _title(w, report, f"Exceptions report: {report.title}", lines)
    _key(w, exceptions.key)
    w.heading("Summary", 2)
    w.paragraph(exceptions.summary)
    term = report.objective_term
    if exceptions.objectives:
        w.heading(f"{term.capitalize()}s off track or at risk", 2)
        table = w.table(
            [("Ref", 20), ("Title", 100), ("Status", 30), ("Why", 117)],
            f"{term.capitalize()}s off track or at risk",
        )
        for item in exceptions.objectives:
            objective = item.objective
            cells = w.row(table, [objective.reference, objective.heading, "", objective.reason])
            w.status_cell(cells[2], objective.status, objective.status_label)
    if exceptions.actions:
        w.heading("Actions off track, at risk or overdue", 2)
        table = w.table(ACTION_COLUMNS, "Actions off track, at risk or overdue")
        for item in exceptions.actions:
            _action_row(w, table, item.action)
    if exceptions.measures:
        w.heading("Measures off target", 2)
        w.bullets([f"{m.in_brackets}: {m.status_label}. {m.reason}" for m in exceptions.measures])
    if exceptions.since:
        w.heading(f"What changed since {exceptions.since:%-d %B %Y}", 2)
        rows = exceptions.change_rows
        if rows:
            table = w.table(
                [("What", 70), ("Was", 45), ("Now", 45), ("Change", 40), ("Title", 67)],
                "Statuses that changed",
            )
            for change in rows:
                cells = w.row(table, [change.what, "", "", change.in_words, change.title])
                w.status_cell(cells[1], change.before, change.before_label)
                w.status_cell(cells[2], change.after, change.after_label)
        else:
            w.paragraph("No status changed.")
    return w.save()
