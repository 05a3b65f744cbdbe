"""What a council's own document is read into before it is mapped: its tables, each with
its heading row and its rows as text, and the headings and paragraphs written between
them (which give the plan's sections and objectives), whatever the source (a Word
document, an Excel tracker, a CSV file).

The checks that bound time and memory are shared with the workbook reader: the size of
the upload, then the zip's entry count and declared unpacked size before anything is
unpacked, then a cap on the tables and on the rows read in all. A reader stops as soon as
a cap is passed and the whole file is refused; `rows_read` and `bytes_read` say how much
was read, so a test can check that a hostile file was not read to its end.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat

from improvement.workbook import format as fmt
from improvement.workbook.readers.workbook import DAMAGED, DAMAGED_FIX, DAMAGED_MESSAGE
from improvement.workbook.results import Problem

MAX_TABLES = 300  # far more than any plan; a file with thousands is refused unread
# Table rows in a Word document. python-docx reads a row's merged cells and text at about
# 0.3 ms of CPU a row (six columns, measured on this machine), on top of the planner's
# own; a real plan has a few hundred, so this keeps a document's check to a few seconds.
MAX_DOCUMENT_ROWS = 5_000
FILE = ""


@dataclass
class Block:
    """A heading or paragraph between tables: `level` 0 for the document's title, 1 to 9
    for headings, None for ordinary text."""

    text: str
    level: int | None = None


@dataclass
class FoundTable:
    where: str  # "Table 2", "Sheet “Tracker”", as the person would find it
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    before: list[Block] = field(default_factory=list)  # text since the table before
    # How far down its heading row may be: a Word table's is its first row; a sheet may
    # have a title and a date above it.
    heading_within: int = 1
    # Rows whose one cell spans the whole width (merged across): a heading inside the
    # table, by row number.
    spanning: set[int] = field(default_factory=set)
    # Columns whose cell is merged down from the row above, by row number: an activity
    # whose several actions required (or progress notes) each have a row of their own.
    merged_down: dict[int, set[int]] = field(default_factory=dict)


@dataclass
class FoundDocument:
    file_name: str
    kind: str  # "Word document", "spreadsheet", "CSV file"
    title: str = ""
    stated_date: date | None = None
    tables: list[FoundTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    rows_read: int = 0
    bytes_read: int = 0
    is_plan_workbook: bool = False  # an .xlsx in this tracker's own format
    max_rows: int = fmt.MAX_ROWS

    def refuse(self, message: str, fix: str = "") -> FoundDocument:
        self.problems.append(Problem(FILE, None, "", message, fix))
        self.readable = False
        self.tables = []
        return self


class TooMuch(Exception):
    """A cap on tables or rows was passed: the file is refused."""

    def __init__(self, message: str, fix: str):
        self.message, self.fix = message, fix
        super().__init__(message)


def count_row(found: FoundDocument, where: str) -> None:
    found.rows_read += 1
    if found.rows_read > found.max_rows:
        raise TooMuch(
            f"“{found.file_name}” has more than {found.max_rows:,} table rows (reading stopped "
            f"in {where}): a plan this large cannot be imported in one go.",
            "Split it into several documents and import each in turn (an import never "
            "deletes, so each adds to what the one before saved).",
        )


def count_table(found: FoundDocument) -> None:
    if len(found.tables) >= MAX_TABLES:
        raise TooMuch(
            f"“{found.file_name}” has more than {MAX_TABLES} tables, far more than a plan has.",
            "Copy the plan's own tables into a new document and import that.",
        )


def display_name(file_name: str) -> str:
    return PurePosixPath(file_name.replace("\\", "/")).name or "the file"


def checked_size(found: FoundDocument, data: bytes) -> bool:
    limit = fmt.max_upload_bytes()
    if not data:
        found.refuse(f"“{found.file_name}” is empty.", "Choose the file again.")
        return False
    if len(data) > limit:
        found.refuse(
            f"“{found.file_name}” is {filesizeformat(len(data))}; a document to import must "
            f"be {filesizeformat(limit)} or smaller.",
            "Remove pictures and anything that is not part of the plan, or split the plan.",
        )
        return False
    return True


def checked_zip(found: FoundDocument, data: bytes) -> zipfile.ZipFile | None:
    """The upload as a zip whose entries and declared sizes are within bounds, or None
    (the file refused). Python's zipfile never unpacks more than an entry declares."""
    if data[:4] != b"PK\x03\x04":
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except DAMAGED:
        found.refuse(DAMAGED_MESSAGE.format(name=found.file_name), DAMAGED_FIX)
        return None
    if len(entries) > fmt.MAX_ZIP_ENTRIES:
        found.refuse(
            f"“{found.file_name}” holds {len(entries)} parts, too many for a plan.",
            "Copy the plan's own tables into a new document and import that.",
        )
        return None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > fmt.max_unzipped_bytes():
        found.refuse(
            f"“{found.file_name}” would unpack to {filesizeformat(unpacked)}, more than the "
            f"{filesizeformat(fmt.max_unzipped_bytes())} a plan may.",
            "Remove pictures and anything that is not part of the plan, or split the plan.",
        )
        return None
    if any(e.filename.casefold().endswith("vbaproject.bin") for e in entries):
        found.refuse(
            f"“{found.file_name}” contains macros.",
            "Save it without macros (as a .docx or .xlsx) and upload that.",
        )
        return None
    found.bytes_read = unpacked
    return archive


# Characters no text may hold (as in the workbook reader): NUL and the other C0 controls
# but tab, line feed and return.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: object) -> str:
    """A cell's or paragraph's text, tidied: what the tracker cannot store dropped,
    spaces inside lines collapsed, blank lines removed."""
    if text is None:
        return ""
    value = _UNSTORABLE.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return "\n".join(line for line in lines if line)


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_STATED = re.compile(rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+)?({_MONTHS})\s+(\d{{4}})\b", re.IGNORECASE)


def stated_date(texts: list[str]) -> date | None:
    """The date a document states in its title or opening lines ("Update February 2004",
    "as at 30 September 2014"): a month and year alone means the end of that month."""
    import calendar

    for text in texts:
        match = _STATED.search(text)
        if not match:
            continue
        month = _MONTHS.split("|").index(match.group(2).casefold()) + 1
        year = int(match.group(3))
        if not 1990 <= year <= 2100:
            continue
        last = calendar.monthrange(year, month)[1]
        if match.group(1):
            day = int(re.sub(r"\D", "", match.group(1)))
            if 1 <= day <= last:
                return date(year, month, day)
        return date(year, month, last)
    return None
