"""The report laid out for the paged formats (Word and PDF), as a list of plain blocks.

`assembly.py` decides what a report says; this module decides, once for both paged
formats, in what order and shape it is set: headings, paragraphs (with status words
inline), bullet lists, tables (with their column widths, header row and status cells)
and charts. `word.py` and `pdf.py` only turn these blocks into their own file, so the
Word document and the PDF cannot drift apart.

Every text is cleaned here of characters neither format can hold (control characters
pasted from other programs, lone surrogates), so the engines receive only printable text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from improvement.reports.assembly import (
    ExceptionsReport,
    ProgressReport,
    ReportAction,
    ReportMeasure,
    ReportObjective,
)
from improvement.reports.html import measure_chart
from improvement.status import Status

# The app's status colours (static/css/app.css) as fills, with the text colour that reads
# on each (every pair at least 4.5:1, so the word stays readable in print and on screen).
FILLS = {
    Status.COMPLETE: ("1D70B8", "FFFFFF"),
    Status.ON_TRACK: ("00703C", "FFFFFF"),
    Status.AT_RISK: ("FFBF47", "0B0C0C"),
    Status.OFF_TRACK: ("B3261E", "FFFFFF"),
    Status.NOT_STARTED: ("505A5F", "FFFFFF"),
}

# Column widths in millimetres of an A4 landscape page less 15 mm margins (267 mm); a
# format with another page size scales them to its own width.
TEXT_WIDTH_MM = 267
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

_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(value) -> str:
    """Printable text: control characters (NUL, vertical tab ...) are dropped; line
    breaks and tabs stay."""
    return _NOT_TEXT.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Mark:
    """A status in a line of text: its word, in its colour (no colour for no status)."""

    status: Status | None
    label: str


@dataclass(frozen=True)
class StatusCell:
    """A table cell holding a status word in its colour, and notes ("Overdue") under it."""

    status: Status | None
    label: str
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join([self.label, *self.notes])


Run = str | Mark
Cell = str | StatusCell


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    bold: bool = False
    # A line that introduces what follows (a table's caption): kept on its page.
    keep_with_next: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[tuple[str, int], ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A measure's chart as SVG, with the text a screen reader reads instead."""

    svg: str
    alt: str
    caption: str


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Contents:
    """The contents page of a board pack: its headings down to `depth`, with pages."""

    title: str = "Contents"
    depth: int = 1


Block = Heading | Para | Bullets | Table | Chart | PageBreak | Contents


@dataclass
class PagedDocument:
    """A report ready to be set: its metadata, its running header, and its blocks."""

    title: str
    running_title: str  # "Anytown plan: progress report"
    as_at: str  # "As at 30 June 2025", on every page
    blocks: list[Block] = field(default_factory=list)
    # Each part of a board pack: its own running title, from its first block on.
    parts: list[tuple[int, str]] = field(default_factory=list)

    def heading(self, text: str, level: int) -> None:
        self.blocks.append(Heading(clean(text), level))

    def para(self, *runs: Run, bold: bool = False, keep_with_next: bool = False) -> None:
        cleaned = tuple(r if isinstance(r, Mark) else clean(r) for r in runs if r)
        if cleaned:
            self.blocks.append(Para(cleaned, bold=bold, keep_with_next=keep_with_next))

    def bullets(self, items) -> None:
        items = tuple(clean(i) for i in items if i)
        if items:
            self.blocks.append(Bullets(items))

    def table(self, caption: str, columns, rows) -> None:
        self.blocks.append(
            Table(
                clean(caption),
                tuple(columns),
                tuple(tuple(_cell(c) for c in row) for row in rows),
            )
        )


def _cell(value) -> Cell:
    if isinstance(value, StatusCell):
        return StatusCell(
            value.status, clean(value.label), tuple(clean(n) for n in value.notes if n)
        )
    return clean(value)


def mark(status: Status | None, label: str) -> Mark:
    return Mark(status, clean(label))


def _date(day) -> str:
    return f"{day:%-d %B %Y}"


# -- the reports -------------------------------------------------------------------


def _title(doc: PagedDocument, report: ProgressReport, heading: str, lines: list[str]) -> None:
    doc.heading(heading, 1)
    doc.para(report.organisation)
    if report.reports_to:
        doc.para(f"Report to {report.reports_to}")
    for line in lines:
        doc.para(line, bold=True)


def _key(doc: PagedDocument, report: ProgressReport) -> None:
    doc.heading("Status key", 2)
    rows = [
        (
            StatusCell(line.status, line.label),
            ": ".join(filter(None, [line.standard_word, line.description])),
        )
        for line in report.key
    ]
    rows.append(
        (StatusCell(None, "No status"), "No update gives a status, or there is nothing to roll up.")
    )
    rows.append(("Overdue", "Past its due date and not complete: a flag beside the status."))
    doc.table("The plan's status key", [("Status", 45), ("What it means", 222)], rows)


def action_row(action: ReportAction) -> tuple[Cell, ...]:
    return (
        action.reference,
        action.title,
        action.responsible,
        action.timescale,
        StatusCell(
            action.status,
            action.status_label,
            tuple(
                note
                for note, applies in [
                    ("Overdue", action.overdue),
                    ("Update awaiting sign-off", action.awaiting_sign_off),
                ]
                if applies
            ),
        ),
        action.progress,
        "\n".join(action.evidence),
    )


def _objective(doc: PagedDocument, objective: ReportObjective, level: int) -> None:
    doc.heading(objective.heading, level)
    if objective.description:
        doc.para(objective.description)
    runs: list[Run] = ["Status: ", mark(objective.status, objective.status_label)]
    if objective.assessment_differs:
        runs += ["   Assessed: ", mark(objective.assessed, objective.assessed_label)]
    if objective.overdue_actions:
        count = len(objective.overdue_actions)
        runs.append(f"   Overdue: {count} action{'s' if count != 1 else ''}")
    doc.para(*runs)
    doc.para(objective.reason)
    if objective.assessment_kinder:
        doc.para(
            f"The assessment ({objective.assessed_label}) is kinder than its actions "
            f"({objective.status_label}).",
            bold=True,
        )
    if objective.actions:
        doc.table(
            f"Actions for {objective.label}",
            ACTION_COLUMNS,
            [action_row(a) for a in objective.actions],
        )
        return
    # No actions (an improvement-notice requirement): the assessment's own words.
    if objective.progress:
        doc.heading("Progress", level + 1)
        doc.para(objective.progress)
    if objective.achievements:
        doc.heading("Achievements to date", level + 1)
        doc.bullets(objective.achievements)
    if objective.evidence:
        doc.heading("Evidence", level + 1)
        doc.bullets(objective.evidence)
    if objective.areas:
        doc.heading("Key areas for development", level + 1)
        doc.table(
            f"Key areas for development for {objective.label}",
            [("Area for development", 200), ("Timescale", 67)],
            objective.areas,
        )
    if not (objective.progress or objective.achievements or objective.evidence or objective.areas):
        doc.para("No progress reported by this date.")


def _measures(doc: PagedDocument, measures: list[ReportMeasure], caption: str, as_at) -> None:
    doc.table(
        caption,
        MEASURE_COLUMNS,
        [
            (
                m.name,
                m.baseline,
                m.latest,
                m.target,
                StatusCell(m.status, m.status_label),
                m.trend,
            )
            for m in measures
        ],
    )
    _charts(doc, measures, as_at)


def _charts(doc: PagedDocument, measures: list[ReportMeasure], as_at) -> None:
    """Each measure's chart: the same SVG the HTML report draws."""
    for index, measure in enumerate(measures, start=1):
        svg = str(measure_chart(measure, index, as_at))
        if not svg.startswith("<svg"):
            continue  # a text measure, or nothing to chart yet
        doc.blocks.append(
            Chart(
                svg=svg,
                alt=clean(_chart_alt(svg, measure)),
                caption=clean(f"{measure.name}: {measure.reason}"),
            )
        )


_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


def _chart_alt(svg: str, measure: ReportMeasure) -> str:
    """The chart in words: its title and the description the SVG carries for screen
    readers (first and last values, baseline, targets)."""
    found = _DESC.search(svg)
    described = unescape(found.group(1)) if found else ""
    return f"Chart of {measure.name}: values over time. {described}".strip()


def progress_document(report: ProgressReport) -> PagedDocument:
    as_at = _date(report.as_at)
    doc = PagedDocument(
        title=f"Progress report: {report.title}, as at {as_at}",
        running_title=f"{report.title}: progress report",
        as_at=f"As at {as_at}",
    )
    _title(doc, report, report.title, [f"Progress as at {as_at}"])
    _key(doc, report)
    doc.heading("Summary", 2)
    doc.para(report.summary)
    doc.heading("Overall status", 2)
    doc.para("Status: ", mark(report.status, report.status_label))
    doc.para(report.status_reason)
    for section, objectives in report.sections:
        if section:
            doc.heading(section, 2)
        for objective in objectives:
            _objective(doc, objective, 3 if section else 2)
    if not report.objectives:
        doc.para(f"This plan has no {report.objective_term}s yet.")
    if report.measures:
        doc.heading("Measures", 2)
        _measures(doc, report.measures, f"Measures as at {as_at}", report.as_at)
    return doc


def exceptions_document(exceptions: ExceptionsReport) -> PagedDocument:
    report = exceptions.report
    as_at = _date(report.as_at)
    doc = PagedDocument(
        title=f"Exceptions report: {report.title}, as at {as_at}",
        running_title=f"{report.title}: exceptions report",
        as_at=f"As at {as_at}",
    )
    lines = [f"Exceptions as at {as_at}"]
    if exceptions.since:
        lines.append(f"Changes since {_date(exceptions.since)}")
    _title(doc, report, f"Exceptions report: {report.title}", lines)
    _key(doc, report)
    doc.heading("Summary", 2)
    doc.para(exceptions.summary)
    term = report.objective_term.capitalize()
    if exceptions.objectives:
        doc.heading(f"{term}s off track or at risk", 2)
        doc.table(
            f"{term}s off track or at risk",
            [("Ref", 20), ("Title", 100), ("Status", 30), ("Why", 117)],
            [
                (o.reference, o.heading, StatusCell(o.status, o.status_label), o.reason)
                for o in exceptions.objectives
            ],
        )
    if exceptions.actions:
        doc.heading("Actions off track, at risk or overdue", 2)
        doc.table(
            "Actions off track, at risk or overdue",
            ACTION_COLUMNS,
            [action_row(a) for _, a in exceptions.actions],
        )
    if exceptions.measures:
        doc.heading("Measures off target", 2)
        doc.bullets([f"{m.in_brackets}: {m.status_label}. {m.reason}" for m in exceptions.measures])
        _charts(doc, exceptions.measures, report.as_at)
    if exceptions.empty:
        doc.para("Nothing is off track, at risk or overdue, and no measure is off target.")
    if exceptions.since:
        doc.heading(f"What changed since {_date(exceptions.since)}", 2)
        rows = exceptions.change_rows
        if rows:
            doc.table(
                "Statuses that changed",
                [("What", 70), ("Was", 45), ("Now", 45), ("Change", 40), ("Title", 67)],
                [
                    (
                        c.what,
                        StatusCell(c.before, c.before_label),
                        StatusCell(c.after, c.after_label),
                        c.in_words,
                        c.title,
                    )
                    for c in rows
                ],
            )
        else:
            doc.para("No status changed.")
    return doc
