"""CSV and Excel (.xlsx) files from headings and rows, every text cell formula-safe; and the
committee reports (progress, exceptions) as spreadsheets, from the assembled report only.

Excel: a Cover sheet first (title, the cover block, as-at date, summary, overall status,
the status key, purpose and recommendations), then one sheet of objectives, one of
actions, one of measures (and, for the exceptions report, one of changes). Numbers are
stored as numbers with number formats, dates as dates; every data sheet has a filter on
its heading row; a status cell is filled in its colour and always holds its word.

CSV: one file, one row per thing with a `Level` column (report, cover, key, objective,
action, measure, change), so the cover, the summary and every objective are there even
for a plan whose objectives have no actions.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from improvement.reports.assembly import (
    ExceptionsReport,
    KeyLine,
    ProgressReport,
    ReportAction,
    ReportMeasure,
    ReportObjective,
    ReportStatus,
)
from improvement.reports.safe import row as safe_row
from metrics.units import Unit

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DAY = "%-d %B %Y"


def to_csv(headings: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads £ and curly quotes correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(headings))
    for values in rows:
        writer.writerow(
            [v.isoformat() if isinstance(v, date | datetime) else v for v in safe_row(values)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _widths(sheet, headings: list[str], rows: list[list]) -> None:
    for index, heading in enumerate(headings, start=1):
        lengths = [len(str(heading))]
        lengths += [min(len(str(r[index - 1] or "")), 60) for r in rows[:200] if len(r) >= index]
        sheet.column_dimensions[get_column_letter(index)].width = max(10, max(lengths) + 2)


def to_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """A workbook with one sheet per (title, headings, rows); headings bold and frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headings, rows in sheets:
        _data_sheet(workbook, title, headings, rows)
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_sheet(workbook: Workbook, title: str, headings: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(safe_row(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(safe_row(values))
    sheet.freeze_panes = "A2"
    _widths(sheet, headings, rows)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


# -- the committee reports ----------------------------------------------------------

# The app's status colours, as cell fills, with a text colour that reads on each.
FILLS = {
    "blue": ("1D70B8", "FFFFFF"),
    "green": ("00703C", "FFFFFF"),
    "amber": ("FFBF47", "0B0C0C"),
    "red": ("B3261E", "FFFFFF"),
    "grey": ("505A5F", "FFFFFF"),
}
# Excel number formats for a measure's unit (values are stored as plain numbers).
NUMBER_FORMATS = {
    Unit.PERCENT: '0.0"%"',
    Unit.COUNT: "#,##0",
    Unit.FTE: "0.00",
    Unit.RATE_PER_10K: "0.0",
    Unit.MONEY: '"£"#,##0.00',
    Unit.DAYS: "0.0",
    Unit.RATIO: "0.00",
}
WRAP = Alignment(wrap_text=True, vertical="top")


def _clean(values: list) -> list:
    """Control characters pasted into a narrative cannot be stored in .xlsx at all."""
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _lines(items) -> str:
    return "\n".join(items)


def _number(value: Decimal | None):
    """A Decimal as a spreadsheet number (whole numbers whole)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _areas(areas) -> str:
    return _lines(f"{area} ({timescale})" if timescale else area for area, timescale in areas)


def _measure_line(m: ReportMeasure) -> str:
    """ "Vacancy rate: 14.0% (8.0%), Red" """
    return f"{m.name}: {m.value_and_target}, {m.status.label}"


class _Sheet:
    """A data sheet whose status columns are filled in their colours."""

    def __init__(self, workbook: Workbook, title: str, headings: list[str]):
        self.workbook, self.title, self.headings = workbook, title, headings
        self.rows: list[list] = []
        self.statuses: list[dict[int, ReportStatus]] = []
        self.formats: list[dict[int, str]] = []

    def add(self, values: list, *, statuses=None, formats=None) -> None:
        self.rows.append(_clean(values))
        self.statuses.append(statuses or {})
        self.formats.append(formats or {})

    def write(self, note: str = "") -> None:
        rows = self.rows or ([[note]] if note else [])
        sheet = _data_sheet(self.workbook, self.title, self.headings, rows)
        if not self.rows:
            sheet.auto_filter.ref = None
        for index, (statuses, formats) in enumerate(
            zip(self.statuses, self.formats, strict=True), start=2
        ):
            for column, status in statuses.items():
                _fill(sheet.cell(row=index, column=column), status)
            for column, number_format in formats.items():
                sheet.cell(row=index, column=column).number_format = number_format
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = WRAP


def _fill(cell, status: ReportStatus) -> None:
    if status.colour in FILLS:
        fill, colour = FILLS[status.colour]
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        cell.font = Font(bold=True, color=colour)


def _cover_sheet(
    workbook: Workbook, report: ProgressReport, cover, summary: str, key: list[KeyLine]
) -> None:
    """The first sheet: title, cover block, as-at date, summary, status, key."""
    sheet = workbook.create_sheet("Cover")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    sheet.append(_clean(safe_row([cover.title])))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(_clean(safe_row([cover.organisation])))
    for label, text in cover.lines:
        if label == "As at":
            sheet.append(["As at", cover.as_at])
            sheet.cell(row=sheet.max_row, column=2).number_format = "d mmmm yyyy"
        elif label == "Meeting date":
            sheet.append(["Meeting date", cover.meeting_date])
            sheet.cell(row=sheet.max_row, column=2).number_format = "d mmmm yyyy"
        elif label == "Changes since":
            sheet.append(["Changes since", cover.since])
            sheet.cell(row=sheet.max_row, column=2).number_format = "d mmmm yyyy"
        else:
            sheet.append(_clean(safe_row([label, text])))
    sheet.append([])
    sections = [("Summary", summary)]
    if cover.purpose:
        sections.insert(0, ("Purpose", cover.purpose))
    for heading, text in sections:
        sheet.append([heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        sheet.append(_clean(safe_row(["", text])))
        sheet.cell(row=sheet.max_row, column=2).alignment = WRAP
    sheet.append(_clean(safe_row(["Overall status", report.status.label])))
    _fill(sheet.cell(row=sheet.max_row, column=2), report.status)
    sheet.append(_clean(safe_row(["Why", report.status_reason])))
    if cover.recommendations:
        sheet.append([])
        sheet.append(["Recommendations"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        for number, text in enumerate(cover.recommendations, start=1):
            sheet.append(_clean(safe_row([number, text])))
            sheet.cell(row=sheet.max_row, column=2).alignment = WRAP
    sheet.append([])
    sheet.append(["Status key"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
    for line in key:
        meaning = f"{line.standard_word}: {line.meaning}" if line.standard_word else line.meaning
        sheet.append(_clean(safe_row([line.label, meaning])))
        if line.status is not None:
            _fill(sheet.cell(row=sheet.max_row, column=1), line.status)


OBJECTIVE_HEADINGS = [
    "Section",
    "Objective ref",
    "Objective",
    "Description",
    "Status",
    "Why",
    "Assessed status",
    "Success measures",
    "Linked measures",
    "Progress",
    "Progress as at",
    "Progress by",
    "Achievements",
    "Evidence",
    "Areas for development",
    "Actions",
]


def _objective_sheet(workbook, report: ProgressReport, objectives: list[ReportObjective]):
    labels = report.action_labels
    counts = [f"Actions {s.label}" for s in labels]
    sheet = _Sheet(workbook, "Objectives", [*OBJECTIVE_HEADINGS, *counts, "Overdue actions"])
    rows = {row.reference: row for row in report.summary_table}
    status_column = OBJECTIVE_HEADINGS.index("Status") + 1
    assessed_column = OBJECTIVE_HEADINGS.index("Assessed status") + 1
    for o in objectives:
        update = o.update
        summary = rows[o.reference]
        sheet.add(
            [
                o.section,
                o.reference,
                o.title,
                o.description,
                o.status.label,
                o.reason,
                o.assessed.label if o.assessed else "",
                "\n\n".join(o.success_measures),
                _lines(_measure_line(m) for m in o.measures),
                update.narrative if update else "",
                update.as_at if update else None,
                update.author if update else "",
                _lines(update.achievements) if update else "",
                _lines(update.evidence) if update else "",
                _areas(update.areas) if update else "",
                summary.actions,
                *(c.count for c in summary.counts),
                summary.overdue,
            ],
            statuses={
                status_column: o.status,
                **({assessed_column: o.assessed} if o.assessed else {}),
            },
        )
    sheet.write()


ACTION_HEADINGS = [
    "Objective ref",
    "Objective",
    "Action ref",
    "Action",
    "Steps",
    "Responsible",
    "Timescale",
    "Due date",
    "Status",
    "Overdue",
    "Progress",
    "Evidence",
    "Last update",
    "Updated by",
    "Correction",
]


def _action_values(objective: ReportObjective, action: ReportAction) -> list:
    return [
        objective.reference,
        objective.title or objective.description,
        action.reference,
        action.title,
        action.steps,
        action.responsible,
        action.written_timescale,
        action.due_date,
        action.status.label,
        _yes_no(action.overdue),
        action.progress,
        _lines(action.evidence),
        action.last_updated,
        action.updated_by,
        "Yes" if action.correction else "",
    ]


def _action_sheet(workbook, pairs, *, extra_headings=(), extra=None, note: str = ""):
    sheet = _Sheet(workbook, "Actions", [*ACTION_HEADINGS, *extra_headings])
    status_column = ACTION_HEADINGS.index("Status") + 1
    for index, (objective, action) in enumerate(pairs):
        sheet.add(
            [*_action_values(objective, action), *(extra[index] if extra else [])],
            statuses={status_column: action.status},
        )
    sheet.write(note)


MEASURE_HEADINGS = [
    "Ref",
    "Measure",
    "Unit",
    "Direction",
    "Baseline",
    "Latest",
    "Latest date",
    "Target",
    "Target date",
    "Value (target)",
    "Status",
    "Trend",
    "Objectives",
    "Why",
]


def _measure_sheet(workbook, measures: list[ReportMeasure]):
    sheet = _Sheet(workbook, "Measures", MEASURE_HEADINGS)
    status_column = MEASURE_HEADINGS.index("Status") + 1
    numbers = [MEASURE_HEADINGS.index(h) + 1 for h in ("Baseline", "Latest", "Target")]
    for m in measures:
        latest = _number(m.latest_number)
        target = _number(m.target_number)
        sheet.add(
            [
                m.reference,
                m.name,
                m.unit_label,
                m.direction_label,
                _number(m.baseline_number),
                latest if latest is not None else m.latest_value,
                _figure_date(m),
                # The number, or the target as the plan words it where it has none
                target if target is not None else m.target_value,
                m.target_due if m.target_due or not m.target_value else "No date",
                m.value_and_target,
                m.status.label,
                m.trend,
                m.objectives,
                m.reason,
            ],
            statuses={status_column: m.status},
            formats={c: NUMBER_FORMATS.get(m.unit, "General") for c in numbers},
        )
    sheet.write("No measures.")


NO_ACTIONS = "No actions: each objective is reported on by itself (see Objectives)."


def progress_xlsx(report: ProgressReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _cover_sheet(workbook, report, report.cover, report.summary, report.key)
    _objective_sheet(workbook, report, report.objectives)
    pairs = [(o, a) for o in report.objectives for a in o.actions]
    _action_sheet(workbook, pairs, note=NO_ACTIONS)
    _measure_sheet(workbook, report.measures)
    return _save(workbook)


def exceptions_xlsx(exceptions: ExceptionsReport) -> bytes:
    report = exceptions.report
    workbook = Workbook()
    workbook.remove(workbook.active)
    _cover_sheet(workbook, report, exceptions.cover, exceptions.summary, exceptions.key)
    sheet = _Sheet(
        workbook,
        "Objectives",
        [
            "Objective ref",
            "Objective",
            "Status",
            "Why",
            "Was",
            "Change",
            "Progress",
            "Progress as at",
            "Achievements",
            "Evidence",
            "Areas for development",
        ],
    )
    for item in exceptions.objectives:
        o, update = item.objective, item.objective.update
        sheet.add(
            [
                o.reference,
                o.title or o.description,
                o.status.label,
                o.reason,
                item.before.label if item.before else "",
                item.movement,
                o.progress,
                update.as_at if update else None,
                _lines(update.achievements) if update else "",
                _lines(update.evidence) if update else "",
                _areas(update.areas) if update else "",
            ],
            statuses={3: o.status, **({5: item.before} if item.before else {})},
        )
    sheet.write("No objective is off track or at risk.")
    pairs = [(i.objective, i.action) for i in exceptions.actions]
    extra = [[i.before.label if i.before else "", i.movement] for i in exceptions.actions]
    _action_sheet(
        workbook,
        pairs,
        extra_headings=["Was", "Change"],
        extra=extra,
        note="No action is off track, at risk or overdue.",
    )
    _measure_sheet(workbook, exceptions.measures)
    changes = _Sheet(workbook, "Changes", ["What", "Title", "Was", "Now", "Change"])
    for c in exceptions.changes:
        changes.add(
            [c.what, c.title, c.before.label, c.after.label, c.in_words],
            statuses={3: c.before, 4: c.after},
        )
    changes.write("No status changed." if exceptions.since else "Nothing to compare with.")
    return _save(workbook)


# -- CSV: one row per thing ----------------------------------------------------------

CSV_HEADINGS = [
    "Level",
    "Section",
    "Objective ref",
    "Ref",
    "Title",
    "Details",
    "Status",
    "Why",
    "Overdue",
    "Responsible",
    "Timescale",
    "Due date",
    "Progress",
    "Progress as at",
    "Updated by",
    "Correction",
    "Evidence",
    "Achievements",
    "Areas for development",
    "Success measures",
    "Value (target)",
    "Change",
]


def _row(level: str, **values) -> list:
    keys = {h.lower().replace(" ", "_").replace("(", "").replace(")", ""): h for h in CSV_HEADINGS}
    unknown = set(values) - set(keys)
    if unknown:
        raise ValueError(f"Not a CSV column: {sorted(unknown)}")
    by_heading = {keys[k]: v for k, v in values.items()}
    by_heading["Level"] = level
    return _clean([by_heading.get(h, "") for h in CSV_HEADINGS])


def _head_rows(report: ProgressReport, cover, summary: str, key: list[KeyLine]) -> list[list]:
    rows = [
        _row(
            "report",
            title=cover.title,
            details=f"{cover.organisation}; as at {cover.as_at:{DAY}}",
            status=report.status.label,
            why=report.status_reason,
            progress=summary,
            progress_as_at=cover.as_at,
        )
    ]
    rows += [_row("cover", title=label, details=text) for label, text in cover.lines]
    if cover.purpose:
        rows.append(_row("cover", title="Purpose", details=cover.purpose))
    rows += [
        _row("cover", ref=str(n), title="Recommendation", details=text)
        for n, text in enumerate(cover.recommendations, start=1)
    ]
    rows += [
        _row(
            "key",
            title=line.label,
            details=f"{line.standard_word}: {line.meaning}" if line.standard_word else line.meaning,
        )
        for line in key
    ]
    return rows


def _objective_row(o: ReportObjective, **extra) -> list:
    update = o.update
    return _row(
        "objective",
        section=o.section,
        objective_ref=o.reference,
        ref=o.reference,
        title=o.title,
        details=o.description,
        status=o.status.label,
        why=o.reason,
        overdue=str(len(o.overdue_actions)) if o.actions else "",
        progress=update.narrative if update else "",
        progress_as_at=update.as_at if update else None,
        updated_by=update.author if update else "",
        correction="Yes" if update and update.correction else "",
        evidence=_lines(update.evidence) if update else "",
        achievements=_lines(update.achievements) if update else "",
        areas_for_development=_areas(update.areas) if update else "",
        success_measures=_lines([*o.success_measures, *(_measure_line(m) for m in o.measures)]),
        **extra,
    )


def _action_row(o: ReportObjective, a: ReportAction, **extra) -> list:
    return _row(
        "action",
        section=o.section,
        objective_ref=o.reference,
        ref=a.reference,
        title=a.title,
        details=f"Steps: {a.steps}" if a.steps else "",
        status=a.status.label,
        overdue=_yes_no(a.overdue),
        responsible=a.responsible,
        timescale=a.written_timescale,
        due_date=a.due_date,
        progress=a.progress,
        progress_as_at=a.last_updated,
        updated_by=a.updated_by,
        correction="Yes" if a.correction else "",
        evidence=_lines(a.evidence),
        **extra,
    )


def _figure_date(m: ReportMeasure):
    """The latest figure's date, said to be the report's where the figure has none."""
    if m.latest_reported and m.latest_date:
        return f"reported {m.latest_date:%-d %b %Y}"
    return m.latest_date


def _measure_row(m: ReportMeasure) -> list:
    return _row(
        "measure",
        objective_ref=m.objectives,
        ref=m.reference,
        title=m.name,
        details="; ".join(
            filter(None, [m.unit_label, m.direction_label, m.baseline and f"baseline {m.baseline}"])
        ),
        status=m.status.label,
        why=m.reason,
        due_date=m.target_due,
        progress=m.trend,
        progress_as_at=_figure_date(m),
        value_target=m.value_and_target,
    )


def progress_csv(report: ProgressReport) -> bytes:
    """The report, one row per thing: the report itself (with the summary), the cover,
    the key, then each objective followed by its actions, then the measures."""
    rows = _head_rows(report, report.cover, report.summary, report.key)
    for o in report.objectives:
        rows.append(_objective_row(o))
        rows += [_action_row(o, a) for a in o.actions]
    rows += [_measure_row(m) for m in report.measures]
    return to_csv(CSV_HEADINGS, rows)


def exceptions_csv(exceptions: ExceptionsReport) -> bytes:
    """The exceptions, one row per thing, in the progress report's columns, so the two
    files line up; each objective and action with what moved (the Change column)."""
    report = exceptions.report
    rows = _head_rows(report, exceptions.cover, exceptions.summary, exceptions.key)
    for item in exceptions.objectives:
        rows.append(_objective_row(item.objective, change=_moved(item)))
    for item in exceptions.actions:
        rows.append(_action_row(item.objective, item.action, change=_moved(item)))
    rows += [_measure_row(m) for m in exceptions.measures]
    rows += [
        _row(
            "change",
            ref=c.reference,
            title=c.what,
            details=c.title,
            status=c.after.label,
            change=f"was {c.before.label}: {c.in_words}",
        )
        for c in exceptions.changes
    ]
    return to_csv(CSV_HEADINGS, rows)


def _moved(item) -> str:
    if item.before is None:
        return ""
    return f"was {item.before.label}: {item.movement}"
