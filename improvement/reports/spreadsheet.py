"""CSV and Excel (.xlsx) files from headings and rows, every text cell formula-safe."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
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
