"""Reports as PDF: the paged blocks (`paged.py`) laid out by Typst, tagged PDF/UA-1.

Typst was chosen by measurement (README, "Reports as files"): on the 500-action report it
is several times faster than WeasyPrint or a warm headless Chromium, makes a tagged
PDF/UA-1 file (language, title, bookmarks, table header rows, alt text), and installs as
one PyPI wheel with no system libraries. Content is never written into Typst markup: the
blocks travel as JSON in `sys.inputs` and the template (`report.typ`) sets each text as a
string, so nothing a user typed can act as Typst code, and the template reads no file
(its root is its own folder; it uses no packages).

Each PDF is made in a child process (`typeset.py`), so Typst's memo cache goes back to
the operating system when the PDF is done, and a render has a time and memory limit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from improvement.reports.paged import (
    FILLS,
    Bullets,
    Chart,
    Contents,
    Heading,
    Mark,
    PageBreak,
    PagedDocument,
    Para,
    StatusCell,
    Strong,
    Table,
    exceptions_document,
    progress_document,
)

PDF_TYPE = "application/pdf"
TYPESET = Path(__file__).with_name("typeset.py")
# Sans-serif families in order of preference: the first one installed is used (Arial
# where it is installed, Liberation Sans or DejaVu Sans on Debian).
FONTS = ["Arial", "Liberation Sans", "DejaVu Sans"]
NO_FILL = ("FFFFFF", "0B0C0C")


class PdfError(RuntimeError):
    """Typst could not make the file (its message says why)."""


def _status(status, label: str, notes=()) -> dict:
    fill, colour = FILLS.get(status, NO_FILL)
    return {"s": label, "f": "#" + fill, "c": "#" + colour, "n": list(notes)}


def _run(run) -> dict:
    if isinstance(run, Mark):
        return _status(run.status, run.label)
    if isinstance(run, Strong):
        return {"t": run.text, "b": True}
    return {"t": run}


def _cell(cell):
    if isinstance(cell, StatusCell):
        return _status(cell.status, cell.label, cell.notes)
    return cell


def _block(block) -> dict:
    if isinstance(block, Heading):
        return {"k": "h", "t": block.text, "l": block.level}
    if isinstance(block, Para):
        runs = [_run(r) for r in block.runs]
        return {"k": "p", "r": runs, "b": block.bold, "keep": block.keep_with_next}
    if isinstance(block, Bullets):
        return {"k": "ol" if block.numbered else "ul", "i": list(block.items)}
    if isinstance(block, Table):
        return {
            "k": "table",
            "cap": block.caption,
            "w": [width for _, width in block.columns],
            "h": [name for name, _ in block.columns],
            "rows": [[_cell(c) for c in row] for row in block.rows],
        }
    if isinstance(block, Chart):
        return {"k": "chart", "svg": block.svg, "alt": block.alt, "cap": block.caption}
    if isinstance(block, PageBreak):
        return {"k": "pb"}
    if isinstance(block, Contents):
        return {"k": "toc", "t": block.title, "d": block.depth}
    raise TypeError(f"No PDF layout for {block!r}")


def document_data(document: PagedDocument) -> str:
    """The document as the JSON the template reads."""
    parts = dict(document.parts)
    blocks = []
    for index, block in enumerate(document.blocks):
        if index in parts:
            blocks.append({"k": "part", "t": parts[index]})
        blocks.append(_block(block))
    return json.dumps(
        {
            "title": document.title,
            "author": "Improvement tracker",
            "running": document.running_title,
            "as_at": document.as_at,
            "blocks": blocks,
        },
        ensure_ascii=False,
    )


def _typeset(mode: str, data: str) -> bytes:
    limit = getattr(settings, "REPORT_PDF_MEMORY_BYTES", 4 * 1024**3)
    fonts = getattr(settings, "REPORT_PDF_FONTS", FONTS)
    try:
        done = subprocess.run(  # noqa: S603 - our own script, no shell, no user input in args
            [sys.executable, str(TYPESET), mode, str(limit), ",".join(fonts)],
            input=data.encode("utf-8"),
            capture_output=True,
            timeout=getattr(settings, "REPORT_PDF_TIMEOUT_SECONDS", 300),
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PdfError("The file took too long to make.") from error
    if done.returncode != 0:
        raise PdfError(done.stderr.decode("utf-8", "replace").strip() or "Typst failed.")
    return done.stdout


def render(document: PagedDocument) -> bytes:
    """The document as a tagged PDF/UA-1 file, made in a child process."""
    content = _typeset("pdf", document_data(document))
    if not content.startswith(b"%PDF"):
        raise PdfError("Typst made no PDF.")
    return content


def chart_pngs(svgs: list[str]) -> list[bytes]:
    """Each SVG chart as a PNG picture (for Word), all made in one child process."""
    out = _typeset("png", json.dumps(svgs, ensure_ascii=False))
    pngs, at = [], 0
    while at < len(out):
        size = int.from_bytes(out[at : at + 8], "big")
        pngs.append(out[at + 8 : at + 8 + size])
        at += 8 + size
    if len(pngs) != len(svgs):
        raise PdfError(f"Typst made {len(pngs)} pictures for {len(svgs)} charts.")
    return pngs


def progress_pdf(report) -> bytes:
    return render(progress_document(report))


def exceptions_pdf(exceptions) -> bytes:
    return render(exceptions_document(exceptions))
