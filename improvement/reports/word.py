"""Reports as Word documents (.docx): the paged blocks (`paged.py`) set with python-docx.

Word's own structure is used so the document is accessible and survives editing by the
clerk: real Heading styles (the navigation pane and a contents table work), real tables
whose header row repeats on every page (`w:tblHeader`) with a title for screen readers,
charts as pictures with alt text (`descr` on `wp:docPr`), language en-GB on the document
defaults and every style, and a header and footer on every page with the plan, the
report, the as-at date and "Page N of M" (Word's PAGE and NUMPAGES fields, the only
fields used). A status is always its word; the cell is shaded in the status colour as
well, with a text colour that reads on it.

By default the document is A4 landscape in Arial 11 pt. With the council's own template
(`improvement.house_style`, a checked .docx), the report is written into it: their
styles, page set-up, header and footer (letterhead) are kept, the report's running line
is added under their header and the page number to their footer, and table widths are
scaled to their page.

Tables are written as XML text, one fragment per row, parsed once per table: building
them cell by cell through python-docx's objects took twice as long on a 500-action
report, for the same text (tests/reports/test_word.py proves the text identical).
"""

from __future__ import annotations

import copy
import io
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.shape import CT_Inline
from docx.shared import Mm, Pt

from improvement.reports.paged import (
    FILLS,
    TEXT_WIDTH_MM,
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
from improvement.reports.pdf import chart_pngs

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Arial"
LANGUAGE = "en-GB"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(297), Mm(210), Mm(15)
# 640 px charts at 210 mm set their 12 px labels at 11 pt.
CHART_WIDTH = Mm(210)
# The heading and list styles the report needs; a council template that lacks one gets
# it from python-docx's default template.
NEEDED_STYLES = [f"Heading {n}" for n in range(1, 6)]

_W = nsdecls("w")
# Table cells set close, whatever spacing the template gives paragraphs.
_CELL_SPACING = (
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
)


def _t(text: str) -> str:
    """Run content for `text`: escaped, with line breaks and tabs as Word's own."""
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(parts)


def _run(text: str, *, bold: bool = False, colour: str = "", shade: str = "") -> str:
    props = (
        ("<w:b/>" if bold else "")
        + (f'<w:color w:val="{colour}"/>' if colour else "")
        + (f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else "")
    )
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{_t(text)}</w:r>"


def cell_xml(cell, width: int, *, header: bool = False) -> str:
    """One table cell (`width` in twentieths of a point)."""
    if isinstance(cell, StatusCell):
        fill, colour = FILLS.get(cell.status, ("", ""))
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        runs = _run(cell.label, bold=True, colour=colour) + "".join(
            _run("\n" + note, bold=True, colour=colour) for note in cell.notes
        )
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
            f"<w:p>{_CELL_SPACING}{runs}</w:p></w:tc>"
        )
    runs = _run(cell, bold=header) if cell else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f"<w:p>{_CELL_SPACING}{runs}</w:p></w:tc>"
    )


def row_xml(cells, widths: list[int], *, header: bool = False) -> str:
    """One table row as one XML fragment; the header row repeats on every page."""
    props = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if header else ""
    body = "".join(cell_xml(c, w, header=header) for c, w in zip(cells, widths, strict=True))
    return f"<w:tr>{props}{body}</w:tr>"


class _Writer:
    def __init__(self, document: PagedDocument, template: bytes | None):
        self.document = document
        if template:
            self.doc = Document(io.BytesIO(template))
            self._clear_body()
            self._ensure_styles()
        else:
            self.doc = Document()
            self._default_look()
        self._english()
        self.body = self.doc.element.body
        self.sectPr = self.body.find(qn("w:sectPr"))
        section = self.doc.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        # Style ids by name, looked up once: python-docx searches every style each time.
        self.style_ids = {style.name: style.style_id for style in self.doc.styles}
        self.bullet_style = self.style_ids.get("List Bullet")
        self.next_shape_id = 1_000_000  # above any id a template's parts use
        core = self.doc.core_properties
        core.title = document.title[:255]
        core.author = "Improvement tracker"
        core.language = LANGUAGE
        core.comments = ""
        self._header_and_footer(section)

    # -- the document's look ---------------------------------------------------------

    def _default_look(self) -> None:
        """A4 landscape, 15 mm margins, Arial 11 pt for every style."""
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
        section.header_distance = section.footer_distance = Mm(8)
        self.doc.styles["Normal"].font.size = Pt(11)
        styles = self.doc.styles.element
        for fonts in styles.iter(qn("w:rFonts")):
            for attribute in list(fonts.attrib):
                if attribute.endswith("Theme") or attribute.endswith("theme"):
                    del fonts.attrib[attribute]
            for name in ("ascii", "hAnsi", "cs", "eastAsia"):
                fonts.set(qn(f"w:{name}"), FONT)

    def _english(self) -> None:
        """Language en-GB: on the document defaults, every style that names one, and the
        theme fonts (so spelling and screen readers use British English)."""
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = parse_xml(f"<w:docDefaults {_W}/>")
            styles.insert(0, defaults)
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = parse_xml(f"<w:rPrDefault {_W}><w:rPr/></w:rPrDefault>")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = parse_xml(f"<w:rPr {_W}/>")
            rpr_default.append(rpr)
        if rpr.find(qn("w:lang")) is None:
            rpr.append(parse_xml(f'<w:lang {_W} w:val="{LANGUAGE}"/>'))
        for lang in styles.iter(qn("w:lang")):
            lang.set(qn("w:val"), LANGUAGE)
            if lang.get(qn("w:eastAsia")):
                lang.set(qn("w:eastAsia"), LANGUAGE)
        settings = self.doc.settings.element
        theme = settings.find(qn("w:themeFontLang"))
        if theme is not None:
            theme.set(qn("w:val"), LANGUAGE)

    def _has_style(self, name: str) -> bool:
        try:
            self.doc.styles[name]
        except KeyError:
            return False
        return True

    def _ensure_styles(self) -> None:
        default = None
        for name in NEEDED_STYLES:
            if not self._has_style(name):
                default = default or Document()
                self.doc.styles.element.append(copy.deepcopy(default.styles[name].element))

    def _clear_body(self) -> None:
        """Only the template's look is used: its own body text (and any section breaks
        inside it) goes; its last section's page set-up, header and footer stay."""
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    # -- header and footer -----------------------------------------------------------

    def _header_and_footer(self, section) -> None:
        tab = self.text_width
        headers = [section.header]
        footers = [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if self.doc.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for header in headers:
            header.is_linked_to_previous = False
            paragraph = self._last_or_new(header)
            _right_tab_only(paragraph, tab)
            paragraph.add_run(self.document.running_title)
            paragraph.add_run("\t" + self.document.as_at)
            for run in paragraph.runs:
                run.font.size = Pt(10)
        for footer in footers:
            footer.is_linked_to_previous = False
            paragraph = self._last_or_new(footer)
            _right_tab_only(paragraph, tab)
            small = '<w:rPr><w:sz w:val="20"/></w:rPr>'
            for xml in [
                f'<w:r {_W}>{small}<w:tab/><w:t xml:space="preserve">Page </w:t></w:r>',
                _field("PAGE"),
                f'<w:r {_W}>{small}<w:t xml:space="preserve"> of </w:t></w:r>',
                _field("NUMPAGES"),
            ]:
                paragraph._p.append(parse_xml(xml))

    @staticmethod
    def _last_or_new(part):
        """A fresh paragraph after the template's own header or footer content, or the
        empty paragraph a new header starts with."""
        paragraphs = part.paragraphs
        only = paragraphs[0] if len(paragraphs) == 1 else None
        if only is not None and not only.text and not only._p.xpath(".//w:drawing"):
            return only
        return part.add_paragraph()

    # -- blocks ----------------------------------------------------------------------

    def _append(self, xml: str) -> None:
        self.sectPr.addprevious(parse_xml(xml))

    def _styled(self, style_id: str, text: str) -> None:
        self._append(
            f"<w:p {_W}><w:pPr><w:pStyle w:val={quoteattr(style_id)}/></w:pPr>{_run(text)}</w:p>"
        )

    def heading(self, block: Heading) -> None:
        self._styled(self.style_ids[f"Heading {min(block.level, 9)}"], block.text)

    def para(self, block: Para) -> None:
        runs = []
        for run in block.runs:
            if isinstance(run, Mark):
                fill, colour = FILLS.get(run.status, ("", ""))
                runs.append(_run(run.label, bold=True, colour=colour, shade=fill))
            elif isinstance(run, Strong):
                runs.append(_run(run.text, bold=True))
            else:
                runs.append(_run(run, bold=block.bold))
        keep = "<w:pPr><w:keepNext/></w:pPr>" if block.keep_with_next else ""
        self._append(f"<w:p {_W}>{keep}{''.join(runs)}</w:p>")

    def bullets(self, block: Bullets) -> None:
        for number, item in enumerate(block.items, start=1):
            if block.numbered:
                # The number written in: Word's list numbering would run on from one
                # list to the next (a board pack's recommendations would not restart).
                self._append(
                    f'<w:p {_W}><w:pPr><w:ind w:left="425" w:hanging="425"/></w:pPr>'
                    f"{_run(f'{number}.' + chr(9) + item)}</w:p>"
                )
            elif self.bullet_style:
                self._styled(self.bullet_style, item)
            else:
                self._append(f"<w:p {_W}>{_run('• ' + item)}</w:p>")

    def table(self, block: Table) -> None:
        # The caption, kept with its table, then the table: its title for screen
        # readers (Word's "Alt Text"), fixed column widths scaled to the page, a border
        # on every cell (no table style needed, so any template works).
        self.para(Para((block.caption,), bold=True, keep_with_next=True))
        scale = self.text_width / Mm(TEXT_WIDTH_MM)
        widths = [int(Mm(width) * scale / 635) for _, width in block.columns]  # EMU to twips
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="0B0C0C"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        rows = [row_xml([name for name, _ in block.columns], widths, header=True)]
        rows += [row_xml(row, widths) for row in block.rows]
        self._append(
            f"<w:tbl {_W}><w:tblPr>"
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f"<w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"<w:tblCaption w:val={quoteattr(block.caption[:255])}/>"
            "</w:tblPr><w:tblGrid>"
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
            + "</w:tblGrid>"
            + "".join(rows)
            + "</w:tbl>"
        )

    def chart(self, block: Chart) -> None:
        # The picture made here, not by python-docx's add_picture, which searches the
        # whole document for a free shape id each time (minutes in a board pack).
        part = self.doc.part
        relationship, image = part.get_or_add_image(io.BytesIO(self.pngs[id(block)]))
        width, height = image.scaled_dimensions(min(CHART_WIDTH, self.text_width), None)
        self.next_shape_id += 1
        inline = CT_Inline.new_pic_inline(
            self.next_shape_id, relationship, image.filename, width, height
        )
        inline.docPr.set("descr", block.alt)
        inline.docPr.set("title", block.caption[:255])
        paragraph = parse_xml(
            f"<w:p {_W}><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing/></w:r></w:p>"
        )
        paragraph.find(qn("w:r")).find(qn("w:drawing")).append(inline)
        self.sectPr.addprevious(paragraph)
        self._append(f"<w:p {_W}>{_run(block.caption)}</w:p>")

    def page_break(self, _block: PageBreak) -> None:
        self._append(f'<w:p {_W}><w:r><w:br w:type="page"/></w:r></w:p>')

    def contents(self, block: Contents) -> None:
        """A table of contents field, filled in with the headings so it reads even
        before Word updates it (which it offers to do on opening: `updateFields`)."""
        self._styled(self.style_ids["Heading 1"], block.title)
        entries = [b for b in self.document.blocks if isinstance(b, Heading) and b.level <= 2]
        lines = "".join(
            ("<w:r><w:br/></w:r>" if i else "") + _run(("    " if e.level == 2 else "") + e.text)
            for i, e in enumerate(e for e in entries if e.text != block.title)
        )
        self._append(
            f"<w:p {_W}>"
            '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{block.depth}" \\h \\z \\u '
            "</w:instrText></w:r>"
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"{lines}"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
        settings = self.doc.settings.element
        if settings.find(qn("w:updateFields")) is None:
            # In its place in the schema's order (Word refuses a file with it elsewhere).
            update = parse_xml(f'<w:updateFields {_W} w:val="true"/>')
            later = next((c for c in settings if c.tag in _AFTER_UPDATE_FIELDS), None)
            if later is None:
                settings.append(update)
            else:
                later.addprevious(update)

    def write(self) -> bytes:
        handlers = {
            Heading: self.heading,
            Para: self.para,
            Bullets: self.bullets,
            Table: self.table,
            Chart: self.chart,
            PageBreak: self.page_break,
            Contents: self.contents,
        }
        # Every chart drawn as a picture at once, in one Typst process.
        charts = [b for b in self.document.blocks if isinstance(b, Chart)]
        self.pngs = dict(
            zip(map(id, charts), chart_pngs([c.svg for c in charts]) if charts else [], strict=True)
        )
        for block in self.document.blocks:
            handlers[type(block)](block)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# The settings that come after w:updateFields in WordprocessingML's order.
_AFTER_UPDATE_FIELDS = {
    qn(f"w:{name}")
    for name in [
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ]
} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}


def _right_tab_only(paragraph, position) -> None:
    """One tab stop, right-aligned at the margin: the style's own tab stops (Word's
    Header style has a centre and a right one for a portrait page) are cleared."""
    stops = paragraph.paragraph_format.tab_stops
    style = paragraph.style
    while style is not None:
        for stop in style.paragraph_format.tab_stops:
            if stop.position != position:
                stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        style = style.base_style
    stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _field(instruction: str) -> str:
    """A Word field (PAGE, NUMPAGES), showing 1 until Word works it out."""
    return (
        f'<w:fldSimple {_W} w:instr=" {instruction} "><w:r><w:rPr><w:sz w:val="20"/></w:rPr>'
        "<w:t>1</w:t></w:r></w:fldSimple>"
    )


def render(document: PagedDocument, *, template: bytes | None = None) -> bytes:
    return _Writer(document, template).write()


def progress_docx(report, *, template: bytes | None = None) -> bytes:
    """`template`: the council's own .docx (`house_style.template_for`), if it has one."""
    return render(progress_document(report), template=template)


def exceptions_docx(exceptions, *, template: bytes | None = None) -> bytes:
    return render(exceptions_document(exceptions), template=template)
