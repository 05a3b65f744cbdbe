"""Reading a council's own tracker: any Excel workbook (.xlsx) or CSV file whose sheets
are tables with a heading row somewhere near the top (a title and a date may sit above
it). Each sheet is one table; the mapping finds its heading row.

openpyxl reads in read-only mode, a row at a time, and what a formula cell shows is the
value Excel saved with it (nothing is ever evaluated here). Reading stops at the cap on
rows, and the file is then refused.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from improvement.workbook import format as fmt
from improvement.workbook.readers.tables import (
    Block,
    FoundDocument,
    FoundTable,
    TooMuch,
    checked_size,
    checked_zip,
    clean_text,
    count_row,
    count_table,
    display_name,
    stated_date,
)
from improvement.workbook.readers.workbook import DAMAGED_FIX, _with_dimensions

HEADING_WITHIN = 20  # rows from the top of a sheet where its heading row may be
NOT_A_TRACKER_FIX = "Save it as an Excel workbook (.xlsx) or a CSV file and upload that."


def cell_text(value: object) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # Year first: a real Excel date is never ambiguous, but "01/04/2025" as text is
        # (the date reader asks which day and month it is).
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return clean_text(value)


def _take(found: FoundDocument, where: str, rows) -> None:
    count_table(found)
    table = FoundTable(where, [], [], HEADING_WITHIN)
    for number, values in enumerate(rows, start=1):
        count_row(found, where)
        texts = [cell_text(v) for v in values[: fmt.MAX_COLUMNS]]
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            table.rows.append((number, texts))
    if not table.rows:
        return
    found.tables.append(table)
    opening = [cells[0] for _, cells in table.rows[:5] if sum(1 for c in cells if c) == 1]
    if not found.title and opening:
        found.title = opening[0].replace("\n", " ")
    table.before = [Block(text, 1) for text in opening[:1]]
    found.stated_date = found.stated_date or stated_date(opening)


def read_xlsx_tracker(data: bytes, file_name: str) -> FoundDocument:
    name = display_name(file_name)
    found = FoundDocument(file_name=name, kind="spreadsheet")
    if not checked_size(found, data):
        return found
    archive = checked_zip(found, data)
    if archive is None:
        if found.readable:
            found.refuse(f"“{name}” is not an Excel workbook.", NOT_A_TRACKER_FIX)
        return found
    if "xl/workbook.xml" not in archive.namelist():
        return found.refuse(f"“{name}” is not an Excel workbook.", NOT_A_TRACKER_FIX)
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        patched = _with_dimensions(archive, archive.infolist(), data)
        book = load_workbook(io.BytesIO(patched), read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - any failure inside openpyxl is the file's fault
        return found.refuse(f"“{name}” could not be read as an Excel workbook.", DAMAGED_FIX)
    try:
        if len(book.sheetnames) > fmt.MAX_SHEETS:
            return found.refuse(
                f"“{name}” has {len(book.sheetnames)} sheets, too many.",
                "Copy the plan's own sheets into a new workbook and import that.",
            )
        names = {fmt.normalise_heading(title) for title in book.sheetnames}
        if {fmt.normalise_heading(s.name) for s in (fmt.PLAN, fmt.OBJECTIVES)} <= names:
            found.is_plan_workbook = True
            return found
        for title in book.sheetnames:
            sheet = book[title]
            if not isinstance(sheet, ReadOnlyWorksheet):
                continue  # a chart
            sheet.reset_dimensions()  # do not trust the size the file declares
            rows = sheet.iter_rows(max_col=fmt.MAX_COLUMNS, values_only=True)
            _take(found, f"Sheet “{title}”", rows)
    except TooMuch as exc:
        return found.refuse(exc.message, exc.fix)
    except Exception:  # noqa: BLE001
        return found.refuse(f"Part of “{name}” could not be read.", DAMAGED_FIX)
    finally:
        book.close()
    return found


def read_csv_tracker(data: bytes, file_name: str) -> FoundDocument:
    name = display_name(file_name)
    found = FoundDocument(file_name=name, kind="CSV file")
    if not checked_size(found, data):
        return found
    if data[:4] == b"PK\x03\x04" or b"\0" in data[:4096]:
        return found.refuse(f"“{name}” is not a CSV file.", NOT_A_TRACKER_FIX)
    # A byte-order mark before Windows-1252 text (saved by one program, edited in
    # another) is dropped before the text is read, so the first heading is itself.
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    found.bytes_read = len(data)
    try:
        _take(found, name, csv.reader(io.StringIO(text, newline="")))
    except TooMuch as exc:
        return found.refuse(exc.message, exc.fix)
    except csv.Error as exc:
        return found.refuse(f"“{name}” is a damaged CSV file ({exc}).", "Save it again as CSV.")
    return found


def is_plan_workbook(data: bytes) -> bool:
    """Whether an .xlsx is a plan workbook in this tracker's own format (its Plan and
    Objectives sheets), not a council's own tracker."""
    found = read_xlsx_tracker(data, "plan.xlsx")
    return found.is_plan_workbook or not found.readable
