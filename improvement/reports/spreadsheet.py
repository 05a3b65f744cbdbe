"""CSV and Excel (.xlsx) files from headings and rows, every text cell formula-safe; and the
committee reports (progress, exceptions) as rows: one per action, objective, measure."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from improvement.reports.safe import row as safe_row

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def to_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """A workbook with one sheet per (title, headings, rows); headings bold and frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headings, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(safe_row(headings))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in rows:
            sheet.append(safe_row(values))
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(headings, start=1):
            lengths = [len(str(heading))]
            lengths += [min(len(str(r[index - 1] or "")), 60) for r in rows[:200]]
            sheet.column_dimensions[get_column_letter(index)].width = max(10, max(lengths) + 2)
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- the committee reports as spreadsheets ---------------------------------------------

ACTION_HEADINGS = [
    "Plan",
    "Objective ref",
    "Objective",
    "Action ref",
    "Action",
    "Responsible",
    "Timescale",
    "Due date",
    "Status",
    "Overdue",
    "Progress",
    "Evidence",
    "Last update",
]
OBJECTIVE_HEADINGS = [
    "Plan",
    "Section",
    "Objective ref",
    "Objective",
    "Status",
    "Assessed status",
    "Why",
    "Actions",
    "Overdue actions",
    "Progress",
    "Achievements",
    "Evidence",
    "Areas for development",
]
MEASURE_HEADINGS = [
    "Plan",
    "Measure",
    "Baseline",
    "Latest",
    "Latest date",
    "Target",
    "Target date",
    "Status",
    "Trend",
    "Objectives",
    "Why",
]
CHANGE_HEADINGS = ["What", "Title", "Was", "Now", "Change"]


def _clean(values: list) -> list:
    """Control characters pasted into a narrative cannot be stored in .xlsx at all."""
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _lines(items) -> str:
    return "\n".join(items)


def action_rows(report, pairs) -> list[list]:
    """One row per (objective, action), in the report's order."""
    return [
        _clean(
            [
                report.title,
                objective.reference,
                objective.title or objective.description,
                action.reference,
                action.title,
                action.responsible,
                action.written_timescale,
                action.due_date,
                action.status_label,
                _yes_no(action.overdue),
                action.progress,
                _lines(action.evidence),
                action.last_updated,
            ]
        )
        for objective, action in pairs
    ]


def objective_rows(report, objectives) -> list[list]:
    return [
        _clean(
            [
                report.title,
                o.section,
                o.reference,
                o.title or o.description,
                o.status_label,
                o.assessed_label,
                o.reason,
                len(o.actions),
                len(o.overdue_actions),
                o.progress,
                _lines(o.achievements),
                _lines(o.evidence),
                _lines(
                    f"{area} ({timescale})" if timescale else area for area, timescale in o.areas
                ),
            ]
        )
        for o in objectives
    ]


def measure_rows(report, measures) -> list[list]:
    return [
        _clean(
            [
                report.title,
                m.name,
                m.baseline,
                m.latest_value,
                m.latest_date,
                m.target_value,
                m.target_due,
                m.status_label,
                m.trend,
                m.objectives,
                m.reason,
            ]
        )
        for m in measures
    ]


def _all_actions(report) -> list:
    return [(o, a) for o in report.objectives for a in o.actions]


def progress_csv(report) -> bytes:
    """One row per action of the plan."""
    return to_csv(ACTION_HEADINGS, action_rows(report, _all_actions(report)))


def progress_xlsx(report) -> bytes:
    return to_xlsx(
        [
            ("Actions", ACTION_HEADINGS, action_rows(report, _all_actions(report))),
            ("Objectives", OBJECTIVE_HEADINGS, objective_rows(report, report.objectives)),
            ("Measures", MEASURE_HEADINGS, measure_rows(report, report.measures)),
        ]
    )


def change_rows(exceptions) -> list[list]:
    return [
        _clean([c.what, c.title, c.before_label, c.after_label, c.in_words])
        for c in exceptions.change_rows
    ]


def exceptions_csv(exceptions) -> bytes:
    """One row per action off track, at risk or overdue (the same columns as the
    progress report's), so the two files line up in a spreadsheet."""
    return to_csv(ACTION_HEADINGS, action_rows(exceptions.report, exceptions.actions))


def exceptions_xlsx(exceptions) -> bytes:
    report = exceptions.report
    measures = measure_rows(report, exceptions.measures)
    for row, measure in zip(measures, exceptions.measures, strict=True):
        row.append(measure.in_brackets)
    return to_xlsx(
        [
            ("Actions", ACTION_HEADINGS, action_rows(report, exceptions.actions)),
            ("Objectives", OBJECTIVE_HEADINGS, objective_rows(report, exceptions.objectives)),
            ("Measures", [*MEASURE_HEADINGS, "In brackets"], measures),
            ("Changes", CHANGE_HEADINGS, change_rows(exceptions)),
        ]
    )
