"""Building plan workbooks for the tests: small ones from rows, seed plans exported, and
hand-made files (a crafted .xlsx with 100,000 rows, a zip bomb) built fast enough that
each hostile-file test stays well under two seconds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.apps import apps
from django.conf import settings
from openpyxl import Workbook, load_workbook

from improvement import roles
from improvement.plan_files import load_plan_file
from tests.factories import user_with_role

PLANS = Path(settings.BASE_DIR) / "fixtures" / "plans"
SEEDS = ["nottinghamshire-2004", "herefordshire-2013", "slough-2014"]

PLAN_FIELDS = [
    ["Field", "Value"],
    ["Slug", "anytown-2025"],
    ["Title", "Anytown improvement plan"],
    ["Organisation", "Anytown Council"],
    ["Kind", "Action plan"],
    ["Green label", None],
]
OBJECTIVES = [
    ["Reference", "Title", "Description"],
    ["1", "Workforce", "Recruit and keep social workers"],
    ["2", "Practice", "Improve the quality of practice"],
]
ACTIONS = [
    ["Objective", "Reference", "Title", "Due date"],
    ["1", "1.1", "Recruit ten social workers", "31/03/2026"],
    ["1", "1.2", "Reduce agency staff", "2026-06-30"],
    ["2", "2.1", "Audit cases monthly", None],
]


def seed(name: str):
    return load_plan_file(PLANS / f"{name}.yaml")


def minimal_sheets(**changes) -> dict[str, list[list]]:
    """A small valid plan: two objectives, three actions. Keyword arguments replace or
    add sheets (None removes one)."""
    sheets = {
        "Plan": [list(r) for r in PLAN_FIELDS if r[0] != "Green label"],
        "Objectives": [list(r) for r in OBJECTIVES],
        "Actions": [list(r) for r in ACTIONS],
    }
    for name, rows in changes.items():
        if rows is None:
            sheets.pop(name, None)
        else:
            sheets[name] = rows
    return sheets


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets and rows, as openpyxl writes it."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def cells(data: bytes) -> dict[str, list[list]]:
    """Every cell value of a workbook, sheet by sheet."""
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


def rows_of(data: bytes, sheet: str) -> list[list]:
    return cells(data)[sheet]


# -- crafted files ---------------------------------------------------------------------


def _sheet_xml(rows) -> str:
    def cell(value):
        if value is None:
            return "<c/>"
        return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    body = "".join(f"<row>{''.join(cell(v) for v in row)}</row>" for row in rows)
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def crafted_xlsx(sheets: dict[str, object], *, compresslevel: int = 1) -> bytes:
    """A minimal .xlsx written by hand (inline strings, no styles): quick to build even
    with 100,000 rows. A sheet's rows may be any iterable of lists."""
    names = list(sheets)
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<sheets>"
        + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for i, name in enumerate(names, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheets[name]))
    return buffer.getvalue()


def rezipped(data: bytes, *, drop: str = "", corrupt: str = "") -> bytes:
    """The workbook zipped again without one part, or with one part's data damaged."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for entry in source.infolist():
            if entry.filename != drop:
                rebuilt.writestr(entry, source.read(entry))
    damaged = bytearray(buffer.getvalue())
    if corrupt:
        info = zipfile.ZipFile(io.BytesIO(bytes(damaged))).getinfo(corrupt)
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        for offset in range(start + 2, start + info.compress_size - 2, 7):
            damaged[offset] ^= 0x55  # the compressed data: a zlib or checksum error
    return bytes(damaged)


def zip_bomb(unpacked_mb: int = 300) -> bytes:
    """A small .xlsx whose one sheet unpacks to `unpacked_mb` megabytes of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1 << 20)
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    return buffer.getvalue()


# -- the database ----------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """Rows in every table of the improvement, metrics and workforce apps (history too)."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("improvement", "metrics", "workforce")
        for model in apps.get_app_config(label).get_models()
    }


def plan_row_counts() -> dict[str, int]:
    """`row_counts` but for the uploads waiting to be confirmed."""
    return {k: v for k, v in row_counts().items() if k != "improvement.PendingImport"}


def history_count() -> int:
    return sum(
        count
        for label, count in row_counts().items()
        if label.split(".")[1].startswith("Historical")
    )


@pytest.fixture
def administrator(db):
    return user_with_role(roles.ADMINISTRATOR, username="admin-user")


@pytest.fixture
def editor(db):
    return user_with_role(roles.PLAN_EDITOR, username="editor-user")


@pytest.fixture
def viewer(db):
    return user_with_role(roles.VIEWER, username="viewer-user")
