"""A council's own Word template for reports: who may set it, how an upload is checked,
and which template a plan's report uses.

The template is a .docx (never .docm or .dotm): its styles, page set-up, header and
footer are what the report uses. It is refused, with a message that says why and nothing
stored, when it:
- is not a .docx at all, is empty, or is larger than HOUSE_STYLE_MAX_BYTES;
- is a zip bomb: more than HOUSE_STYLE_MAX_ENTRIES parts, or parts that would unpack to
  more than HOUSE_STYLE_MAX_UNZIPPED_BYTES (zipfile never unpacks more than a part's
  stated size, so the stated sizes bound the work);
- carries code or content from elsewhere: macros (vbaProject.bin, a macro-enabled
  content type), ActiveX controls, embedded OLE objects, an altChunk (a whole other
  document or web page inside it), or any link to something outside the file other
  than a plain hyperlink (a remote template, a linked picture or frame);
- has an XML document type declaration (no real .docx has one; it is how entity
  expansion bombs work);
- cannot be opened and written into by python-docx (checked by making a short report
  with it).

Administrators and clerks set a house style, for an organisation named by a plan they
may export.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from lxml import etree

from improvement import roles
from improvement.permissions import is_administrator, user_roles, visible_plans
from improvement.uploads import safe_name

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# Content types, part names and relationship types that mean code or another document.
CODE_CONTENT_TYPES = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "activex",
    "oleobject",
    "ms-office.vba",
)
CODE_PARTS = ("vbaproject.bin", "vbadata.xml", "activex/", "embeddings/")
# The last part of a relationship's type, lower case.
CODE_RELATIONSHIPS = {
    "vbaproject",
    "wordvbadata",
    "keymapcustomizations",
    "activexcontrol",
    "activexcontrolbinary",
    "control",
    "oleobject",
    "package",
    "afchunk",
}
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def max_bytes() -> int:
    return getattr(settings, "HOUSE_STYLE_MAX_BYTES", 5 * 1024 * 1024)


def max_unzipped_bytes() -> int:
    return getattr(settings, "HOUSE_STYLE_MAX_UNZIPPED_BYTES", 50 * 1024 * 1024)


def max_entries() -> int:
    return getattr(settings, "HOUSE_STYLE_MAX_ENTRIES", 1000)


@rules.predicate
def can_manage(user) -> bool:
    return is_administrator(user) or roles.CLERK in user_roles(user)


rules.add_perm("improvement.manage_house_style", can_manage)


def organisations_for(user) -> list[str]:
    """The organisations named by plans the user may export, in order."""
    plans: QuerySet = visible_plans(user)
    names = plans.order_by("organisation").values_list("organisation", flat=True).distinct()
    return [name for name in names if name]


def template_for(plan) -> bytes | None:
    """The house style template the plan's Word reports use, if its council has one."""
    from improvement.models import HouseStyle

    data = (
        HouseStyle.objects.filter(organisation=plan.organisation)
        .values_list("data", flat=True)
        .first()
    )
    return bytes(data) if data is not None else None


@dataclass(frozen=True)
class CheckedTemplate:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_template(upload) -> CheckedTemplate:
    """The checked template, or ValidationError with a message saying what to do."""
    name = safe_name(upload.name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in {"docm", "dotm"}:
        raise ValidationError(
            f"“{name}” is a macro-enabled Word file. Save the template as a Word document "
            "(.docx) without macros and upload that."
        )
    if extension != "docx":
        raise ValidationError(f"“{name}” is not a Word document. Upload a .docx file.")
    if not upload.size:
        raise ValidationError(f"“{name}” is empty. Choose the file again.")
    if upload.size > max_bytes():
        raise ValidationError(
            f"“{name}” is {filesizeformat(upload.size)}; a template must be "
            f"{filesizeformat(max_bytes())} or smaller."
        )
    data = b"".join(upload.chunks())
    if len(data) != upload.size:
        raise ValidationError(f"“{name}” did not arrive whole. Choose the file again.")
    check_template_bytes(data, name)
    return CheckedTemplate(name, data)


def check_template_bytes(data: bytes, name: str) -> None:
    not_docx = ValidationError(
        f"“{name}” is not a real Word document: its contents do not match its name."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_docx from exc
    if len(entries) > max_entries():
        raise ValidationError(f"“{name}” holds too many parts to be a Word template.")
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > max_unzipped_bytes():
        raise ValidationError(
            f"“{name}” would unpack to {filesizeformat(unzipped)}, more than the "
            f"{filesizeformat(max_unzipped_bytes())} a template may."
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise not_docx
    has_code = ValidationError(
        f"“{name}” contains macros, controls or embedded objects. Save the template as a "
        "plain Word document (.docx) without them and upload that."
    )
    if any(_is_code(n.lower()) for n in names):
        raise has_code
    try:
        types = _xml(archive, "[Content_Types].xml")
        for entry in entries:
            if entry.filename.endswith(".rels"):
                _check_relationships(archive, entry.filename, name, has_code)
        document = archive.read("word/document.xml")
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, EOFError) as exc:
        raise not_docx from exc
    declared = [
        (element.get("ContentType") or "").lower()
        for element in types.iter()
        if element.get("ContentType")
    ]
    if any(marker in ct for ct in declared for marker in CODE_CONTENT_TYPES):
        raise has_code
    if DOCX_MAIN not in declared:
        raise not_docx
    if b"altChunk" in document:
        raise has_code
    if any(b"<!DOCTYPE" in archive.read(e.filename)[:4096] for e in entries if _is_xml(e)):
        raise not_docx
    _check_it_works(data, name)


def _is_code(part: str) -> bool:
    # Binary parts are code or embedded objects, except Word's saved printer settings.
    if part.endswith(".bin") and not part.startswith("word/printersettings/"):
        return True
    return any(marker in part for marker in CODE_PARTS)


def _is_xml(entry) -> bool:
    return entry.filename.endswith((".xml", ".rels"))


def _xml(archive: zipfile.ZipFile, part: str):
    raw = archive.read(part)
    if b"<!DOCTYPE" in raw[:4096]:
        raise etree.XMLSyntaxError("document type declaration", None, 0, 0, part)
    return etree.fromstring(raw, _PARSER)  # noqa: S320 - entities, DTDs and network off


def _check_relationships(archive, part: str, name: str, has_code: ValidationError) -> None:
    for rel in _xml(archive, part).iter(f"{RELS_NS}Relationship"):
        kind = rel.get("Type") or ""
        if posixpath.basename(kind).lower() in CODE_RELATIONSHIPS:
            raise has_code
        if (rel.get("TargetMode") or "").lower() == "external" and kind != HYPERLINK:
            raise ValidationError(
                f"“{name}” links to something outside the file "
                f"({posixpath.basename(kind) or 'a link'}). Save the template with every "
                "picture and part inside it, and upload that."
            )


def _check_it_works(data: bytes, name: str) -> None:
    """Make a short report with the template: anything python-docx cannot use is refused
    now, not when a clerk downloads a report."""
    from improvement.reports import word
    from improvement.reports.paged import PagedDocument, StatusCell

    sample = PagedDocument(title="Template check", running_title="Plan", as_at="As at today")
    sample.heading("Template check", 1)
    sample.heading("Objective", 2)
    sample.para("Summary.")
    sample.bullets(["One"])
    sample.table("Actions", [("Ref", 20), ("Status", 247)], [("1.1", StatusCell(None, "None"))])
    try:
        word.render(sample, template=data)
    except Exception as exc:  # noqa: BLE001 - any failure means the template is unusable
        raise ValidationError(
            f"“{name}” could not be used as a template ({type(exc).__name__}). Save it again "
            "from Word as a .docx and upload that."
        ) from exc
