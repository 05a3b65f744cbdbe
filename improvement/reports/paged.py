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
    Cover,
    ExceptionItem,
    ExceptionsReport,
    KeyLine,
    ProgressReport,
    ReportAction,
    ReportMeasure,
    ReportObjective,
    ReportStatus,
    ReportUpdate,
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
EXCEPTION_ACTION_COLUMNS = [
    ("Ref", 12),
    ("Action", 48),
    ("Responsible", 28),
    ("Timescale", 26),
    ("Status", 26),
    ("Change", 30),
    ("Progress", 97),
]
MEASURE_COLUMNS = [
    ("Measure", 60),
    ("Value (target)", 34),
    ("Baseline", 24),
    ("Latest", 36),
    ("Target", 36),
    ("Status", 30),
    ("Trend", 47),
]
KEY_COLUMNS = [("Status", 45), ("What it means", 222)]

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


@dataclass(frozen=True)
class Strong:
    """Text in bold within a paragraph (a cover line's label)."""

    text: str


Run = str | Mark | Strong
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
    numbered: bool = False


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
        cleaned = tuple(
            r
            if isinstance(r, Mark)
            else Strong(clean(r.text))
            if isinstance(r, Strong)
            else clean(r)
            for r in runs
            if r
        )
        if cleaned:
            self.blocks.append(Para(cleaned, bold=bold, keep_with_next=keep_with_next))

    def bullets(self, items, *, numbered: bool = False) -> None:
        items = tuple(clean(i) for i in items if i)
        if items:
            self.blocks.append(Bullets(items, numbered=numbered))

    def table(self, caption: str, columns, rows) -> None:
        self.blocks.append(
            Table(
                clean(caption),
                tuple(columns),
                tuple(tuple(_cell(c) for c in row) for row in rows),
            )
        )


def _run(run: Run) -> Run:
    if isinstance(run, Mark):
        return run
    if isinstance(run, Strong):
        return Strong(clean(run.text))
    return clean(run)


def _cell(value) -> Cell:
    if isinstance(value, StatusCell):
        return StatusCell(
            value.status, clean(value.label), tuple(clean(n) for n in value.notes if n)
        )
    return clean(value)


def _date(day) -> str:
    return f"{day:%-d %B %Y}"


# -- the reports -------------------------------------------------------------------


def _words(text: str, limit: int) -> str:
    """The text cut to `limit` words (as the HTML summary table does), marked "…"."""
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def status_cell(status: ReportStatus | None, label: str = "", *notes: str) -> StatusCell:
    """A report's status (`assembly.ReportStatus`) as a cell: its word on its colour."""
    if status is None:
        return StatusCell(None, label, tuple(n for n in notes if n))
    return StatusCell(status.status, label or status.label, tuple(n for n in notes if n))


def mark(status: ReportStatus | None, label: str = "") -> Mark:
    if status is None:
        return Mark(None, clean(label))
    return Mark(status.status, clean(label or status.label))


def _cover(doc: PagedDocument, cover: Cover) -> None:
    """The committee paper's cover block, purpose and recommendations."""
    doc.para(cover.organisation)
    doc.heading(cover.title, 1)
    for label, text in cover.lines:
        doc.para(Strong(f"{label}: "), text)
    if cover.purpose:
        doc.heading("Purpose", 2)
        doc.para(cover.purpose)
    if cover.recommendations:
        doc.heading("Recommendations", 2)
        doc.bullets(cover.recommendations, numbered=True)


def _overall(doc: PagedDocument, report: ProgressReport, summary: str) -> None:
    doc.heading("Summary", 2)
    doc.para(summary)
    doc.para("Overall status: ", mark(report.status))
    doc.para(report.status_reason)


def _key(doc: PagedDocument, key: list[KeyLine]) -> None:
    doc.heading("Status key", 2)
    rows = []
    for line in key:
        meaning = f"{line.standard_word}: {line.meaning}" if line.standard_word else line.meaning
        rows.append((line.label if line.is_flag else status_cell(line.status), meaning))
    doc.table("The labels this report uses and what each means", KEY_COLUMNS, rows)


def _summary_table(doc: PagedDocument, report: ProgressReport) -> None:
    term = report.objective_term.capitalize()
    doc.heading(f"{term}s at a glance", 2)
    columns = [("Ref", 14), (term, 90), ("Status", 30), ("Why", 83)]
    if report.action_labels:
        columns += [("Actions", 35), ("Overdue", 15)]
    rows = []
    for row in report.summary_table:
        cells = [row.reference, _words(row.title, 30), status_cell(row.status), row.reason]
        if report.action_labels:
            cells += [row.counts_in_words, str(row.overdue)]
        rows.append(cells)
    doc.table(
        f"Every {report.objective_term} with its status, its actions by status and how many "
        "are overdue",
        columns,
        rows,
    )


def _update(doc: PagedDocument, update: ReportUpdate, objective: ReportObjective) -> None:
    if update.narrative:
        doc.para(update.narrative)
    if update.achievements:
        doc.para("Achievements to date", bold=True, keep_with_next=True)
        doc.bullets(update.achievements)
    if update.evidence:
        doc.para("Evidence", bold=True, keep_with_next=True)
        doc.bullets(update.evidence)
    if update.areas:
        doc.table(
            f"Key areas for development for {objective.label}",
            [("Area for development", 200), ("Timescale", 67)],
            update.areas,
        )


def _progress_line(action: ReportAction) -> str:
    updated = ""
    if action.last_updated:
        updated = f"Updated {action.last_updated:%-d %b %Y}"
        if action.updated_by:
            updated += f", {action.updated_by}"
    return "\n".join(filter(None, [action.progress, updated]))


def action_row(action: ReportAction) -> tuple[Cell, ...]:
    return (
        action.reference,
        "\n".join(filter(None, [action.title, f"Steps: {action.steps}" if action.steps else ""])),
        action.responsible,
        action.timescale,
        status_cell(
            action.status,
            "",
            "Overdue" if action.overdue else "",
            "Update awaiting sign-off" if action.awaiting_sign_off else "",
        ),
        _progress_line(action),
        "\n".join(action.evidence),
    )


def _measure_line(measure: ReportMeasure) -> tuple[Run, ...]:
    details = "; ".join(
        filter(None, [measure.unit_label, measure.direction_label.lower(), measure.trend])
    )
    return (
        Strong(measure.name),
        f": {measure.value_and_target} ",
        mark(measure.status),
        f" {details}" if details else "",
    )


def _objective(doc: PagedDocument, report: ProgressReport, o: ReportObjective, level: int) -> None:
    doc.heading(o.heading, level)
    if o.description:
        doc.para(o.description)
    if o.source_reference:
        doc.para(f"Source: {o.source_reference}")
    runs: list[Run] = ["Status: ", mark(o.status)]
    if o.assessment_differs:
        runs += ["   Assessed: ", mark(o.assessed)]
        if o.assessed_on:
            runs.append(f" on {o.assessed_on:%-d %B %Y}")
    if o.overdue_actions:
        count = len(o.overdue_actions)
        runs.append(f"   Overdue: {count} action{'s' if count != 1 else ''}")
    doc.para(*runs)
    doc.para(o.reason)
    if o.assessment_kinder:
        doc.para(
            f"The assessment ({o.assessed_label}) is kinder than its actions ({o.status_label}).",
            bold=True,
        )
    if o.success_measures or o.measures:
        doc.heading("Success measures", level + 1)
        for text in o.success_measures:
            doc.para(text)
        for measure in o.measures:
            doc.para(*_measure_line(measure))
    progress = "Progress"
    if o.update:
        progress += f" as at {o.update.byline}" + (" (a correction)" if o.update.correction else "")
    doc.heading(progress, level + 1)
    if o.update and not o.update.empty:
        _update(doc, o.update, o)
    else:
        doc.para(f"No progress reported on the {report.objective_term} itself by this date.")
    if o.actions:
        doc.table(f"Actions for {o.label}", ACTION_COLUMNS, [action_row(a) for a in o.actions])


def _measure_name(measure: ReportMeasure, term: str = "") -> str:
    details = "; ".join(
        filter(
            None,
            [
                measure.unit_label,
                measure.direction_label.lower(),
                f"{term} {measure.objectives}" if term and measure.objectives else "",
            ],
        )
    )
    return "\n".join(filter(None, [measure.name, details]))


def _measures(doc: PagedDocument, report: ProgressReport, caption: str) -> None:
    doc.table(
        caption,
        MEASURE_COLUMNS,
        [
            (
                _measure_name(m, report.objective_term),
                m.value_and_target,
                m.baseline,
                m.latest,
                m.target,
                status_cell(m.status),
                m.trend,
            )
            for m in report.measures
        ],
    )
    _charts(doc, report.measures)


def _charts(doc: PagedDocument, measures: list[ReportMeasure]) -> None:
    """Each measure's chart: the same SVG the HTML report draws."""
    for index, measure in enumerate(measures, start=1):
        svg = str(measure_chart(measure, index))
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


def _document(cover: Cover, kind: str) -> PagedDocument:
    as_at = _date(cover.as_at)
    return PagedDocument(
        title=f"{cover.title}, as at {as_at}",
        running_title=f"{cover.plan_title}: {kind}",
        as_at=f"As at {as_at}",
    )


def progress_document(report: ProgressReport) -> PagedDocument:
    doc = _document(report.cover, "progress report")
    _cover(doc, report.cover)
    _overall(doc, report, report.summary)
    _key(doc, report.key)
    if report.summary_table:
        _summary_table(doc, report)
    for section, objectives in report.sections:
        if section:
            doc.heading(section, 2)
        for objective in objectives:
            _objective(doc, report, objective, 3 if section else 2)
    if not report.objectives:
        doc.para(f"This plan has no {report.objective_term}s yet.")
    if report.measures:
        doc.heading("Measures", 2)
        _measures(doc, report, f"Measures as at {_date(report.as_at)}")
    return doc


def _was(item: ExceptionItem) -> list[Run]:
    if item.before is None:
        return []
    return ["   Was ", mark(item.before), f" {item.movement}"]


def exceptions_document(exceptions: ExceptionsReport) -> PagedDocument:
    report = exceptions.report
    doc = _document(exceptions.cover, "exceptions report")
    _cover(doc, exceptions.cover)
    _overall(doc, report, exceptions.summary)
    _key(doc, exceptions.key)
    term = report.objective_term.capitalize()
    if exceptions.objectives:
        doc.heading(f"{term}s off track or at risk", 2)
        for item in exceptions.objectives:
            o = item.objective
            doc.heading(o.heading, 3)
            if not o.title:
                doc.para(_words(o.description, 40))
            doc.para("Status: ", mark(o.status), *_was(item))
            doc.para(o.reason)
            if o.update and not o.update.empty:
                doc.para(
                    f"Progress as at {o.update.byline}"
                    + (" (a correction)" if o.update.correction else "")
                )
                _update(doc, o.update, o)
    if exceptions.actions:
        doc.heading("Actions off track, at risk or overdue", 2)
        rows = []
        for item in exceptions.actions:
            a = item.action
            change = (
                status_cell(item.before, f"Was {item.before.label}", item.movement)
                if item.before
                else "Nothing to compare with"
            )
            rows.append(
                (
                    a.reference,
                    a.title,
                    a.responsible,
                    a.timescale,
                    status_cell(a.status, "", "Overdue" if a.overdue else ""),
                    change,
                    _progress_line(a),
                )
            )
        doc.table("Actions off track, at risk or overdue", EXCEPTION_ACTION_COLUMNS, rows)
    if exceptions.measures:
        doc.heading("Measures off target", 2)
        doc.table(
            "Measures off target: value, with the target in brackets",
            [("Measure", 70), ("Value (target)", 40), ("Status", 30), ("Trend", 37), ("Why", 90)],
            [
                (_measure_name(m), m.value_and_target, status_cell(m.status), m.trend, m.reason)
                for m in exceptions.measures
            ],
        )
        _charts(doc, exceptions.measures)
    if exceptions.empty:
        doc.para("Nothing is off track, at risk or overdue, and no measure is off target.")
    since = f" since {_date(exceptions.since)}" if exceptions.since else ""
    doc.heading(f"What changed{since}", 2)
    if not exceptions.since:
        doc.para(
            f"No reporting period ended before {_date(report.as_at)}, so there is nothing to "
            "compare with. Choose a date to compare with."
        )
    elif exceptions.changes:
        doc.table(
            f"Statuses that changed{since}",
            [("What", 120), ("Was", 45), ("Now", 45), ("Change", 57)],
            [
                (
                    "\n".join(filter(None, [c.what, _words(c.title, 20)])),
                    status_cell(c.before),
                    status_cell(c.after),
                    c.in_words,
                )
                for c in exceptions.changes
            ],
        )
    else:
        doc.para("No status changed.")
    return doc
