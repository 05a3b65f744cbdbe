"""Reading a council's Word document (.docx): its tables, in order, with the headings and
paragraphs written between them, by python-docx (no XML of our own).

A merged cell reads as its text in every grid cell it covers: merged down, each row has
it (a "Responsible" merged over three actions belongs to each), and the table says which
cells were merged down (an activity merged over its several actions required is one
action: the mapping joins its rows); merged across the whole row, the row is a heading
inside the table. Links to outside files (a picture or a
template at a web address) are never followed: python-docx does not fetch them, and
nothing here asks it to.
"""

from __future__ import annotations

import io

from improvement.workbook import format as fmt
from improvement.workbook.readers.tables import (
    MAX_DOCUMENT_ROWS,
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
from improvement.workbook.readers.workbook import DAMAGED_FIX

NOT_WORD_FIX = "Save it in Word as a Word document (.docx) and upload that."


def _level(paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name == "Title":
        return 0
    if name.startswith("Heading"):
        digits = name.removeprefix("Heading").strip()
        return int(digits) if digits.isdigit() else 1
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs and all(r.bold for r in runs) and len(paragraph.text) <= 200:
        return 6  # bold text on its own line: a heading in all but name
    return None


def _table_rows(table, found: FoundDocument, where: str) -> tuple[list, set[int], dict]:
    rows, spanning, merged_down = [], set(), {}
    above: list = []
    for number, row in enumerate(table.rows, start=1):
        count_row(found, where)
        cells = row.cells[: fmt.MAX_COLUMNS]
        texts = [clean_text(cell.text) for cell in cells]
        if len(cells) > 1 and all(cell._tc is cells[0]._tc for cell in cells):
            spanning.add(number)
        # python-docx gives a cell merged down the same cell in each row it covers
        down = {i for i, (a, b) in enumerate(zip(above, cells, strict=False)) if a._tc is b._tc}
        if down:
            merged_down[number] = down
        above = cells
        rows.append((number, texts))
    return rows, spanning, merged_down


def read_docx(data: bytes, file_name: str) -> FoundDocument:
    name = display_name(file_name)
    found = FoundDocument(file_name=name, kind="Word document", max_rows=MAX_DOCUMENT_ROWS)
    if not checked_size(found, data):
        return found
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return found.refuse(f"“{name}” is an old-style Word file (.doc).", NOT_WORD_FIX)
    archive = checked_zip(found, data)
    if archive is None:
        if found.readable:
            found.refuse(f"“{name}” is not a Word document.", NOT_WORD_FIX)
        return found
    if "word/document.xml" not in archive.namelist():
        return found.refuse(f"“{name}” is not a Word document.", NOT_WORD_FIX)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - anything python-docx cannot read is the file's fault
        return found.refuse(f"“{name}” could not be read as a Word document.", DAMAGED_FIX)
    try:
        _read_body(document, found)
    except TooMuch as exc:
        return found.refuse(exc.message, exc.fix)
    except Exception:  # noqa: BLE001
        return found.refuse(f"Part of “{name}” could not be read.", DAMAGED_FIX)
    return found


def _read_body(document, found: FoundDocument) -> None:
    from docx.table import Table

    blocks: list[Block] = []
    opening: list[str] = []
    properties = document.core_properties
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            count_table(found)
            where = f"Table {len(found.tables) + 1}"
            rows, spanning, merged_down = _table_rows(item, found, where)
            found.tables.append(FoundTable(where, rows, blocks, 1, spanning, merged_down))
            blocks = []
            continue
        text = clean_text(item.text)
        if not text:
            continue
        block = Block(text, _level(item))
        blocks.append(block)
        if not found.tables and len(opening) < 10:
            opening.append(text)
            if not found.title and block.level is not None:
                found.title = text.replace("\n", " ")
    found.title = found.title or clean_text(properties.title)
    found.stated_date = stated_date(opening)
