"""Opening an uploaded plan workbook safely, and turning its sheets into rows.

Every check that bounds time and memory comes before the next step needs it: the size
of the upload before anything is read; the zip's entry count and declared unpacked size
before it is opened (a "zip bomb" declares hundreds of megabytes; Python's zipfile
never unpacks more than an entry declares); openpyxl only in read-only mode, so rows
are parsed one at a time; and reading stops after MAX_ROWS rows in all the sheets
together (the whole file is then refused: the time an import takes grows with its rows,
and bench/import_size.py measured how many fit well inside a request). A formula is never
evaluated: openpyxl is asked for what the cell holds (`data_only=False`), and a formula
cell is reported as a problem. Anything openpyxl cannot make sense of becomes a
problem for the person, never an exception for the server.

The rows (what any reader of a plan document hands the planner): a `ReadWorkbook` whose
`sheets` are keyed by the sheet's name in `format.SHEETS`; each `SheetRows` has the
column headings as written and its `rows`, each a `Row(number, values)` with `values`
keyed by the `format.Column` name and holding the cell as read (text, a number, a date,
a boolean or None; `INVALID` where the cell was already reported). The Plan sheet is
`fields` instead: field name -> (row number, value). Nothing is interpreted here: the
planner reads every value (`values.py`), so a reader of another format yields the same
rows and gets the same rules. Worth knowing when producing rows:

- Status key sheet: one row per label, in the plan's order: Label, Status (the standard
  status it means, by word or code), Meaning, Summary phrase. Several rows may share a
  Status. The Plan sheet's "<status> label"/"<status> meaning" fields of older workbooks
  are still read (`Column.legacy`).
- A status anywhere (Updates "Status") is the text as written ("Achieved", " on track "):
  the planner matches it to the plan's key ignoring case and spaces, and keeps the label
  it matched on the update (`ProgressUpdate.status_label`).
- Objectives and Actions "Reference" may be None: the planner numbers the row by its
  place in the document (among the objectives; among its objective's actions) and marks
  it numbered. "Reference numbered" ("Yes"/None) says a written reference was numbered
  by the tracker (exports write it, so numbers survive a round trip). Rows that refer to
  a numbered objective or action (Actions "Objective", Updates "Action") use its number.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat

from improvement.workbook import format as fmt
from improvement.workbook.results import Problem

FILE = ""  # the sheet name of problems with the file as a whole
TEMPLATE_HINT = "Download the template from the import page and copy the plan into it."


class Formula(str):
    """What a formula cell holds ("=SUM(A1:A3)"): reported, never used as a value."""


class CellError(str):
    """An Excel error value such as #N/A or #REF!."""


@dataclass
class Row:
    number: int
    values: dict[str, object]


@dataclass
class SheetRows:
    sheet: fmt.Sheet
    title: str  # as the file names it
    headings: dict[str, str] = field(default_factory=dict)  # column name -> heading as written
    rows: list[Row] = field(default_factory=list)
    # The Plan sheet: field name -> (row number, value)
    fields: dict[str, tuple[int, object]] = field(default_factory=dict)
    complete: bool = True  # False: a needed column is missing: its rows are not used

    def has(self, column: str) -> bool:
        return column in self.headings or column in self.fields

    def month_year(self, column: str) -> bool:
        """Whether the column's heading says it holds months and years ("Due month")."""
        return "month" in self.headings.get(column, "").casefold()


@dataclass
class ReadWorkbook:
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False: the file itself was refused; nothing was read
    rows_read: int = 0  # in all the sheets, headings and blank rows included
    source: str = "plan workbook"  # what was read, for the history: "Imported from a ..."

    def refuse(self, message: str, fix: str = "") -> ReadWorkbook:
        self.problems.append(Problem(FILE, None, "", message, fix))
        self.readable = False
        return self


def read_upload(data: bytes, file_name: str) -> ReadWorkbook:
    """The sheets of an uploaded .xlsx workbook, or of a .zip of CSV files (one per
    sheet, named after it), with every problem found on the way."""
    result = ReadWorkbook()
    name = PurePosixPath(file_name.replace("\\", "/")).name or "the file"
    limit = fmt.max_upload_bytes()
    if not data:
        return result.refuse(f"“{name}” is empty.", "Choose the file again.")
    if len(data) > limit:
        return result.refuse(
            f"“{name}” is {filesizeformat(len(data))}; a plan workbook must be "
            f"{filesizeformat(limit)} or smaller.",
            "Remove anything that is not part of the plan (pictures, other sheets), or "
            "split the plan.",
        )
    extension = name.rpartition(".")[2].casefold() if "." in name else ""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return result.refuse(
            f"“{name}” is an old-style Excel file (.xls).", "Save it as an Excel workbook (.xlsx)."
        )
    if data[:4] != b"PK\x03\x04":
        return result.refuse(
            f"“{name}” is not a spreadsheet.",
            "Upload the plan as an Excel workbook (.xlsx) or a .zip of its CSV files.",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except DAMAGED:
        return result.refuse(DAMAGED_MESSAGE.format(name=name), DAMAGED_FIX)
    if len(entries) > fmt.MAX_ZIP_ENTRIES:
        return result.refuse(
            f"“{name}” holds {len(entries)} parts, too many for a plan workbook.",
            TEMPLATE_HINT,
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > fmt.max_unzipped_bytes():
        return result.refuse(
            f"“{name}” would unpack to {filesizeformat(unpacked)}, more than the "
            f"{filesizeformat(fmt.max_unzipped_bytes())} a plan workbook may.",
            "Remove pictures and anything that is not part of the plan, or split the plan.",
        )
    try:
        _read_archive(archive, entries, data, name, extension, result)
    except TooManyRows as exc:
        result.sheets.clear()
        result.problems.clear()
        return result.refuse(
            f"“{name}” has more than {fmt.MAX_ROWS:,} rows in all its sheets (reading "
            f"stopped at row {exc.row:,} of the {exc.sheet} sheet): a plan this large cannot "
            "be imported in one go.",
            "Split it into several workbooks, each with the Plan sheet: for example the "
            "objectives and actions in one, then the updates in others. An import never "
            "deletes, so each adds to what the one before saved.",
        )
    except Damaged:
        # A flipped byte or a cut-off download shows only when a part is unpacked.
        result.sheets.clear()
        result.problems.clear()
        return result.refuse(DAMAGED_MESSAGE.format(name=name), DAMAGED_FIX)
    return result


# What a damaged zip raises while it is read: a part's header or checksum is wrong
# (BadZipFile), its compressed data is corrupt (zlib.error) or cut short (EOFError), or
# it declares what this zipfile cannot do (encryption, other compression methods).
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
)
DAMAGED_MESSAGE = "“{name}” is damaged: it cannot be opened."


class Damaged(Exception):
    """A part of the zip could not be unpacked."""


class TooManyRows(Exception):
    """Reading went past the rows a workbook may have in all."""

    def __init__(self, sheet: str, row: int):
        self.sheet, self.row = sheet, row
        super().__init__(f"{sheet} row {row}")


def _counted(rows, title: str, result: ReadWorkbook):
    """The sheet's rows, counted against the workbook's rows in all."""
    for number, values in enumerate(rows, start=1):
        result.rows_read += 1
        if result.rows_read > fmt.MAX_ROWS:
            raise TooManyRows(title, number)
        yield values


def _unpack(archive: zipfile.ZipFile, entry, size: int = -1) -> bytes:
    """A part of the zip (its first `size` bytes), or `Damaged`."""
    try:
        with archive.open(entry) as part:
            return part.read(size)
    except DAMAGED as exc:
        raise Damaged(str(exc)) from exc


DAMAGED_FIX = "Open it in Excel (or the program that made it) and save it again, then upload that."


def _read_archive(archive, entries, data: bytes, name: str, extension: str, result) -> None:
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" in names:
        if extension not in ("xlsx", ""):
            result.refuse(
                f"“{name}” is an Excel workbook but is not named .xlsx.",
                "Save it as an Excel workbook (.xlsx) and upload that.",
            )
            return
        if any(n.casefold().endswith("vbaproject.bin") for n in names):
            result.refuse(
                f"“{name}” contains macros.",
                "Save it as an Excel workbook (.xlsx), without macros.",
            )
            return
        _read_xlsx(_with_dimensions(archive, entries, data), result)
    elif extension == "zip" or extension == "":
        _read_csv_zip(archive, entries, result)
    else:
        result.refuse(
            f"“{name}” is not an Excel workbook.",
            "Upload the plan as an Excel workbook (.xlsx) or a .zip of its CSV files.",
        )


# -- Excel -----------------------------------------------------------------------------


def _cell_value(cell) -> object:
    if cell.data_type == "f":
        return Formula(str(cell.value))
    value = cell.value
    if cell.data_type == "e":
        return CellError(str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = getattr(cell, "number_format", "") or ""
        if "%" in number_format:
            from improvement.workbook.values import PercentCell

            return PercentCell(value)
    return value


def _with_dimensions(archive: zipfile.ZipFile, entries, data: bytes) -> bytes:
    """The workbook, with a <dimension> in every sheet that has none.

    Opening a sheet without one, openpyxl parses the whole sheet to find its size, so a
    file that leaves it out would cost a full read of every sheet however early the row
    cap stops us. Such a sheet gets a dummy one (the reader ignores it: it calls
    `reset_dimensions`). Files from Excel and LibreOffice have one and pass unchanged."""
    sheets = [
        e
        for e in entries
        if e.filename.startswith("xl/worksheets/") and e.filename.endswith(".xml")
    ]
    patched = {}
    for entry in sheets:
        head = _unpack(archive, entry, 8192)
        if b"dimension" in head:
            continue
        start = re.search(rb"<(\w+:)?worksheet\b[^>]*>", head)
        if start is None:
            continue  # not a sheet openpyxl could read anyway: it will say so
        prefix = (start.group(1) or b"").decode()
        dimension = f'<{prefix}dimension ref="A1"/>'.encode()
        whole = _unpack(archive, entry)
        patched[entry.filename] = whole[: start.end()] + dimension + whole[start.end() :]
    if not patched:
        return data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as rebuilt:
        for entry in entries:
            rebuilt.writestr(entry.filename, patched.get(entry.filename) or _unpack(archive, entry))
    return buffer.getvalue()


def _read_xlsx(data: bytes, result: ReadWorkbook) -> None:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        book = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception:  # noqa: BLE001 - any failure inside openpyxl is the file's fault
        result.refuse(
            "The file could not be read as an Excel workbook.",
            "Open it in Excel and save it again as an Excel workbook (.xlsx).",
        )
        return
    try:
        titles = book.sheetnames
        if len(titles) > fmt.MAX_SHEETS:
            result.refuse(f"The workbook has {len(titles)} sheets, too many.", TEMPLATE_HINT)
            return
        for title in titles:
            if fmt.is_ignored(title):
                continue
            sheet = fmt.sheet_named(title)
            if sheet is None:
                _unknown_sheet(title, result)
                continue
            worksheet = book[title]
            if not isinstance(worksheet, ReadOnlyWorksheet):
                result.problems.append(
                    Problem(title, None, "", "This sheet is a chart, not a table.", TEMPLATE_HINT)
                )
                continue
            worksheet.reset_dimensions()  # do not trust the size the file declares
            _take_sheet(sheet, title, _worksheet_rows(worksheet), result)
    except TooManyRows:
        raise
    except Exception:  # noqa: BLE001
        result.refuse(
            "Part of the workbook could not be read.",
            "Open it in Excel and save it again as an Excel workbook (.xlsx).",
        )
    finally:
        book.close()


def _worksheet_rows(worksheet):
    """The sheet's rows as lists of values; as wide as its headings, no wider."""
    headings = next(worksheet.iter_rows(max_row=1, max_col=fmt.MAX_COLUMNS), ())
    values = [_cell_value(c) for c in headings]
    while values and _blank(values[-1]):
        values.pop()
    yield values
    if values:
        for row in worksheet.iter_rows(min_row=2, max_col=len(values)):
            yield [_cell_value(c) for c in row]


# -- CSV -------------------------------------------------------------------------------


def _read_csv_zip(archive: zipfile.ZipFile, entries, result: ReadWorkbook) -> None:
    found = False
    for entry in entries:
        path = PurePosixPath(entry.filename)
        if entry.is_dir() or path.parts[0] == "__MACOSX" or path.name.startswith("."):
            continue
        if path.suffix.casefold() != ".csv":
            result.problems.append(
                Problem(
                    FILE,
                    None,
                    "",
                    f"“{path.name}” in the zip is not a CSV file.",
                    "The zip should hold only the CSV files, one per sheet (Plan.csv, "
                    "Objectives.csv …).",
                )
            )
            continue
        found = True
        title = path.stem
        if fmt.is_ignored(title):
            continue
        sheet = fmt.sheet_named(title)
        if sheet is None:
            _unknown_sheet(title, result)
            continue
        raw = _unpack(archive, entry)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                result.problems.append(
                    Problem(
                        title,
                        None,
                        "",
                        "The file's characters cannot be read.",
                        "Save it as CSV UTF-8.",
                    )
                )
                continue
        try:
            _take_sheet(sheet, title, _csv_rows(text), result)
        except csv.Error as exc:
            result.problems.append(
                Problem(
                    title, None, "", f"The CSV file is damaged ({exc}).", "Save it again as CSV."
                )
            )
    if not found:
        result.refuse(
            "The zip holds no CSV files.",
            "Upload the plan as an Excel workbook (.xlsx) or a .zip of its CSV files.",
        )


def _csv_rows(text: str):
    for row in csv.reader(io.StringIO(text, newline="")):
        yield [_csv_value(v) for v in row[: fmt.MAX_COLUMNS]]


def _csv_value(text: str) -> object:
    if text == "":
        return None
    if text.startswith("="):
        return Formula(text)
    return text


# -- a sheet ---------------------------------------------------------------------------


def _unknown_sheet(title: str, result: ReadWorkbook) -> None:
    names = ", ".join(s.name for s in fmt.SHEETS)
    result.problems.append(
        Problem(
            title,
            None,
            "",
            f"There is no sheet called “{title}” in a plan workbook.",
            f"Remove the sheet or rename it to one of: {names}, {fmt.README}.",
        )
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Characters no cell may hold: PostgreSQL stores no NUL in text, and XML (so an .xlsx
# export) allows none of the other C0 control characters but tab, line feed and return.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _cell_problem(title: str, number: int, column: str, value: object) -> Problem | None:
    if isinstance(value, Formula):
        return Problem(
            title,
            number,
            column,
            f"The cell holds a formula ({value[:40]}); formulas are not imported.",
            "Type the value itself. Text that starts with = needs an apostrophe in front.",
        )
    if isinstance(value, CellError):
        return Problem(
            title, number, column, f"The cell shows an error ({value}).", "Type the value."
        )
    if isinstance(value, str) and (bad := UNSTORABLE.search(value)):
        what = "a NUL character" if bad.group() == "\0" else "an invisible control character"
        return Problem(
            title,
            number,
            column,
            f"The cell holds {what} (U+{ord(bad.group()):04X}), which the tracker cannot store.",
            "Delete it: retype the text, or paste it in as plain text.",
        )
    if value is not None and not isinstance(
        value, str | int | float | bool | date | datetime | time | timedelta
    ):
        return Problem(
            title, number, column, "The cell's contents cannot be read.", "Type the value."
        )
    return None


def _take_sheet(sheet: fmt.Sheet, title: str, rows, result: ReadWorkbook) -> None:
    if sheet.name in result.sheets:
        result.problems.append(
            Problem(title, None, "", f"There are two {sheet.name} sheets.", "Keep one of them.")
        )
        return
    read = SheetRows(sheet, title)
    rows = _counted(rows, title, result)
    headings_row = next(rows, None)
    if headings_row is None or all(_blank(v) for v in headings_row):
        later = itertools.islice(rows, fmt.MAX_ROWS)
        if headings_row is not None and any(not _blank(v) for r in later for v in r):
            result.problems.append(
                Problem(title, 1, "", "Row 1 has no column headings.", TEMPLATE_HINT)
            )
        return  # an empty sheet: nothing to import from it
    positions = _headings(sheet, title, headings_row, read, result)
    if positions is None:
        return
    result.sheets[sheet.name] = read
    for number, values in enumerate(rows, start=2):
        row = {}
        for column, index in positions.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str) and not value.strip():
                value = None
            problem = _cell_problem(title, number, column, value)
            if problem:
                result.problems.append(problem)
                value = INVALID
            row[column] = value
        if all(v is None for v in row.values()):
            continue
        if sheet.fields:
            _take_field(sheet, title, number, row, read, result)
        else:
            read.rows.append(Row(number, row))


class _Invalid:
    """A cell already reported (a formula, an error value): not checked again."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


def _headings(sheet, title, headings_row, read, result) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    if sheet.fields:
        wanted = [fmt.normalise_heading(h) for h in fmt.FIELD_HEADINGS]
        found = [fmt.normalise_heading(h) for h in headings_row[:2]]
        if found != wanted:
            result.problems.append(
                Problem(
                    title,
                    1,
                    "",
                    "Row 1 of the Plan sheet must be the headings Field and Value.",
                    "Put each detail's name in column A (Field) and its value in column B (Value).",
                )
            )
            return None
        return {"Field": 0, "Value": 1}
    for index, heading in enumerate(headings_row):
        if _blank(heading):
            continue
        if isinstance(heading, Formula | CellError):
            result.problems.append(
                Problem(
                    title, 1, "", "A column heading holds a formula or an error.", TEMPLATE_HINT
                )
            )
            continue
        column = sheet.find(heading)
        if column is None:
            names = ", ".join(c.name for c in sheet.columns)
            result.problems.append(
                Problem(
                    title,
                    1,
                    str(heading),
                    f"“{heading}” is not a column of the {sheet.name} sheet.",
                    f"Remove or rename the column. The columns are: {names}.",
                )
            )
            continue
        if column.name in positions:
            result.problems.append(
                Problem(
                    title,
                    1,
                    column.name,
                    f"There are two {column.name} columns.",
                    "Keep one of them.",
                )
            )
            continue
        positions[column.name] = index
        read.headings[column.name] = " ".join(str(heading).split())
    missing = [c.name for c in sheet.columns if c.required and c.name not in positions]
    read.complete = not missing
    for name in missing:
        result.problems.append(
            Problem(
                title,
                1,
                name,
                f"The {sheet.name} sheet has no {name} column, which it needs.",
                f"Add a column headed {name} (see the Read me sheet).",
            )
        )
    return positions


def _take_field(sheet, title, number, row, read: SheetRows, result) -> None:
    name, value = row.get("Field"), row.get("Value")
    if name is INVALID:
        return
    column = sheet.find(name) if name is not None else None
    if column is None:
        names = ", ".join(c.name for c in sheet.columns)
        result.problems.append(
            Problem(
                title,
                number,
                "Field",
                f"“{name or ''}” is not a detail of a plan." if name else "The Field is blank.",
                f"Use one of: {names}.",
            )
        )
        return
    if column.name in read.fields:
        first = read.fields[column.name][0]
        result.problems.append(
            Problem(
                title,
                number,
                "Field",
                f"{column.name} is already given on row {first}.",
                "Keep one of the two rows.",
            )
        )
        return
    read.fields[column.name] = (number, value)
