"""A council's own Word template: administrators and clerks upload it on the house style
page; the organisation's Word reports then use its styles, fonts, page set-up, header
and footer; a hostile file (macros, controls, embedded objects, remote parts, altChunk,
zip bomb, not a .docx, too big) is refused with a message next to the field and nothing
is stored; nobody else may see or change it."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from improvement import roles
from improvement.house_style import template_for
from improvement.models import HouseStyle
from tests.factories import PlanFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db
URL = "/reports/word-template/"
LETTERHEAD = "Anytown Council, Civic Centre, Anytown"


def council_template(*, drop_headings: bool = False) -> bytes:
    """A council's template as Word saves one: portrait A4, Georgia, a letterhead in the
    header and the council's address in the footer, and some text of its own."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = LETTERHEAD
    section.footer.is_linked_to_previous = False
    section.footer.paragraphs[0].text = "www.anytown.gov.uk"
    document.styles["Normal"].font.name = "Georgia"
    document.add_paragraph("Template body text that must not appear in a report.")
    if drop_headings:
        for name in ("Heading 1", "Heading 2", "Heading 3", "List Bullet"):
            element = document.styles[name].element
            element.getparent().remove(element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, add=(), replace=None) -> bytes:
    """The .docx with parts added or rewritten."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in replace:
                content = replace[item.filename](content)
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in add:
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture
def clerk_client(client, plan):
    client.force_login(user_with_role(roles.CLERK))
    return client


def upload(client, data: bytes, name="letterhead.docx", organisation="Anytown Council"):
    return client.post(
        URL,
        {"organisation": organisation, "template": SimpleUploadedFile(name, data)},
    )


def report_docx(client, plan, name="plan-report") -> Document:
    url = reverse(name, kwargs={"slug": plan.slug}) + "?as_at=2025-06-30&format=docx"
    response = client.get(url)
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def test_a_clerk_uploads_a_template_and_the_word_report_uses_it(clerk_client, plan):
    response = upload(clerk_client, council_template())
    assert response.status_code == 302
    style = HouseStyle.objects.get()
    assert (style.organisation, style.file_name) == ("Anytown Council", "letterhead.docx")
    assert bytes(template_for(plan)) == bytes(style.data)

    document = report_docx(clerk_client, plan)
    section = document.sections[0]
    # Their page set-up: portrait A4 with their margins, and the tables fit it.
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 25
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        widths = table._tbl.tblGrid.findall(qn("w:gridCol"))
        assert sum(int(w.get(qn("w:w"))) for w in widths) <= text_width / 635
    # Their letterhead and footer, with the report's running line and page number added.
    header = [p.text for p in section.header.paragraphs]
    assert header[0] == LETTERHEAD
    assert header[-1] == (
        "Children's services improvement plan: progress report\tAs at 30 June 2025"
    )
    footer = section.footer.paragraphs
    assert footer[0].text == "www.anytown.gov.uk"
    assert "".join(t.text for t in footer[-1]._p.iter(qn("w:t"))) == "Page 1 of 1"
    # Their fonts; the report's content, not the template's own text.
    assert document.styles["Normal"].font.name == "Georgia"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Template body text" not in text
    assert "Objective 1: Recruit & retain social workers" in text
    # The exceptions report uses it too.
    exceptions = report_docx(clerk_client, plan, "plan-exceptions")
    assert exceptions.sections[0].header.paragraphs[0].text == LETTERHEAD


def test_a_template_without_heading_styles_gets_them(clerk_client, plan):
    assert upload(clerk_client, council_template(drop_headings=True)).status_code == 302
    document = report_docx(clerk_client, plan)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Summary" in headings
    # With no bullet style of theirs, a list item is marked in its text.
    assert "• New chair in place" in [p.text for p in document.paragraphs]


def test_another_organisations_plans_keep_the_standard_layout(clerk_client, plan):
    other = PlanFactory(organisation="Otherton Council")
    upload(clerk_client, council_template())
    assert template_for(other) is None
    document = report_docx(clerk_client, other)
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE


def test_a_new_template_replaces_the_old_and_removing_it_restores_the_standard(clerk_client, plan):
    upload(clerk_client, council_template(), name="old.docx")
    upload(clerk_client, council_template(), name="new.docx")
    style = HouseStyle.objects.get()
    assert style.file_name == "new.docx"
    download = clerk_client.get(reverse("house-style-download", kwargs={"pk": style.pk}))
    assert download.status_code == 200 and download.content == bytes(style.data)
    response = clerk_client.post(reverse("house-style-remove", kwargs={"pk": style.pk}))
    assert response.status_code == 302 and not HouseStyle.objects.exists()
    assert report_docx(clerk_client, plan).sections[0].orientation == WD_ORIENT.LANDSCAPE


def _macro(data):
    return rezip(
        data,
        add=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")],
        replace={
            "[Content_Types].xml": lambda x: x.replace(
                b"wordprocessingml.document.main+xml",
                b"wordprocessingml.document.main+xml"
                b'"/><Override PartName="/word/vbaProject.bin" '
                b'ContentType="application/vnd.ms-office.vbaProject',
            )
        },
    )


def _macro_content_type(data):
    return rezip(
        data,
        replace={
            "[Content_Types].xml": lambda x: x.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml",
            )
        },
    )


def _relationship(kind: str, target: str, external: bool = True):
    mode = b' TargetMode="External"' if external else b""

    def add(data):
        return rezip(
            data,
            replace={
                "word/_rels/document.xml.rels": lambda x: x.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/'
                    b"officeDocument/2006/relationships/"
                    + kind.encode()
                    + b'" Target="'
                    + target.encode()
                    + b'"'
                    + mode
                    + b"/></Relationships>",
                )
            },
        )

    return add


def _alt_chunk(data):
    return rezip(
        data,
        replace={
            "word/document.xml": lambda x: x.replace(
                b"</w:body>", b'<w:altChunk r:id="rIdX"/></w:body>'
            )
        },
    )


def _doctype(data):
    bomb = b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
    return rezip(
        data,
        replace={"word/styles.xml": lambda x: bomb + x.split(b"?>", 1)[1]},
    )


def _zip_bomb(data):
    return rezip(data, add=[("word/media/huge.xml", b"\0" * (2 * 1024 * 1024))])


def _many_parts(data):
    return rezip(data, add=[(f"word/extra/part{i}.xml", b"<a/>") for i in range(60)])


def _png(_data):
    return b"\x89PNG\r\n\x1a\n" + b"\0" * 100


HOSTILE = {
    "macros": (_macro, "letterhead.docx", "contains macros"),
    "a macro-enabled content type": (_macro_content_type, "letterhead.docx", "contains macros"),
    "a .docm name": (lambda d: d, "letterhead.docm", "macro-enabled Word file"),
    "ActiveX": (
        lambda d: rezip(d, add=[("word/activeX/activeX1.xml", b"<ax/>")]),
        "letterhead.docx",
        "contains macros, controls or embedded objects",
    ),
    "an OLE object": (
        lambda d: rezip(d, add=[("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0")]),
        "letterhead.docx",
        "embedded objects",
    ),
    "a remote template": (
        _relationship("attachedTemplate", "https://evil.example/t.dotm"),
        "letterhead.docx",
        "links to something outside the file",
    ),
    "a linked picture": (
        _relationship("image", "http://evil.example/pixel.png"),
        "letterhead.docx",
        "links to something outside the file",
    ),
    "an altChunk": (_alt_chunk, "letterhead.docx", "contains macros"),
    "a document type declaration": (_doctype, "letterhead.docx", "not a real Word document"),
    "a zip bomb": (_zip_bomb, "letterhead.docx", "would unpack to"),
    "too many parts": (_many_parts, "letterhead.docx", "too many parts"),
    "not a docx": (_png, "letterhead.docx", "not a real Word document"),
    "a text file": (lambda d: b"hello", "notes.txt", "is not a Word document"),
    "too big": (lambda d: d + b"\0" * 300_000, "letterhead.docx", "a template must be"),
    "empty": (lambda d: b"", "letterhead.docx", "empty"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_template_is_refused_with_a_message_and_nothing_saved(
    clerk_client, plan, settings, case
):
    settings.HOUSE_STYLE_MAX_BYTES = 200_000
    settings.HOUSE_STYLE_MAX_UNZIPPED_BYTES = 1024 * 1024
    settings.HOUSE_STYLE_MAX_ENTRIES = 50
    good = council_template()
    assert upload(clerk_client, good, name="kept.docx").status_code == 302
    make, name, message = HOSTILE[case]
    response = upload(clerk_client, make(good), name=name)
    assert response.status_code == 400
    page = response.content.decode()
    # The message is next to the field (and in the error summary).
    error = page[page.index('id="id_template-error"') :]
    assert message in error[: error.index("</p>")], error[:500]
    style = HouseStyle.objects.get()
    assert style.file_name == "kept.docx" and bytes(style.data) == good


def test_a_plain_hyperlink_in_the_footer_is_allowed(clerk_client, plan):
    data = _relationship("hyperlink", "https://www.anytown.gov.uk")(council_template())
    assert upload(clerk_client, data).status_code == 302


@pytest.mark.parametrize("role", [roles.VIEWER, roles.ACTION_OWNER, roles.PLAN_EDITOR, None])
def test_only_administrators_and_clerks_manage_templates(client, plan, role):
    style = HouseStyle.objects.create(
        organisation="Anytown Council",
        file_name="kept.docx",
        data=council_template(),
        uploaded_by=user_with_role(roles.CLERK),
    )
    client.force_login(user_with_role(role) if role else UserFactory())
    assert client.get(URL).status_code == 403
    assert upload(client, council_template(), name="mine.docx").status_code == 403
    download = reverse("house-style-download", kwargs={"pk": style.pk})
    assert client.get(download).status_code == 403
    remove = reverse("house-style-remove", kwargs={"pk": style.pk})
    assert client.post(remove).status_code == 403
    assert HouseStyle.objects.get().file_name == "kept.docx"


def test_an_administrator_may_and_the_page_lists_each_organisation(client, plan):
    PlanFactory(organisation="Otherton Council")
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    page = client.get(URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Anytown Council" in content and "Otherton Council" in content
    assert upload(client, council_template(), organisation="Nowhere").status_code == 400
    assert not HouseStyle.objects.exists()
