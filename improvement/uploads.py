"""Checking an uploaded evidence file before anything is stored.

Only PDF, Word (.docx), Excel (.xlsx), PNG and JPG are taken, and the file must really
be what its name says: the first bytes are checked (`filetype`) for PDF and images, and
Word and Excel files are opened as zip archives and must hold their main part. An Office
file is also refused when it would unpack to more than EVIDENCE_MAX_UNZIPPED_BYTES (a
"zip bomb"). Names are cut to their last path part and made safe, so "../../etc/passwd"
or "C:\\evil\\x.pdf" can never name a place on disk (and files are stored in the database
anyway, under a random id).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook"),
    "png": ("image/png", "PNG image"),
    "jpg": ("image/jpeg", "JPG image"),
    "jpeg": ("image/jpeg", "JPG image"),
}
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
# The part every real Word / Excel file has.
OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAX_ZIP_ENTRIES = 5000


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def safe_name(name: str) -> str:
    """The uploaded name reduced to a safe file name that keeps its extension."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKC", name)
    name = "".join(ch for ch in name if ch.isprintable())
    name = re.sub(r"[^\w.\- ()]+", "_", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[:100].strip(" .") or "evidence"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    return f"{stem}.{ext}" if ext else stem


def check_evidence_file(upload) -> CheckedFile:
    """The checked file, or ValidationError with a message saying what to do."""
    name = safe_name(upload.name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in KINDS:
        raise ValidationError(
            f"“{name}” is not a type of file we take. Upload a PDF, Word (.docx), "
            "Excel (.xlsx), PNG or JPG file."
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty. Choose the file again.")
    if upload.size > limit:
        raise ValidationError(
            f"“{name}” is {filesizeformat(upload.size)}; files must be "
            f"{filesizeformat(limit)} or smaller."
        )
    data = b"".join(upload.chunks())
    if len(data) != upload.size or not data:
        raise ValidationError(f"“{name}” did not arrive whole. Choose the file again.")

    content_type, description = KINDS[extension]
    if extension in OFFICE_MAIN_PART:
        _check_office_file(data, name, extension, description)
    else:
        guessed = filetype.guess(data[:8192])
        if guessed is None or guessed.mime != content_type:
            raise ValidationError(
                f"“{name}” is not a real {description}: its contents do not match its name."
            )
    return CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest())


def _check_office_file(data: bytes, name: str, extension: str, description: str) -> None:
    not_real = ValidationError(
        f"“{name}” is not a real {description}: its contents do not match its name."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_real from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ValidationError(f"“{name}” holds too many parts to be a normal {description}.")
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > settings.EVIDENCE_MAX_UNZIPPED_BYTES:
        raise ValidationError(
            f"“{name}” would unpack to {filesizeformat(unzipped)}, more than the "
            f"{filesizeformat(settings.EVIDENCE_MAX_UNZIPPED_BYTES)} allowed."
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or OFFICE_MAIN_PART[extension] not in names:
        raise not_real
