"""The report as a Word document (.docx) in the official layout.

A4 portrait with the margins of GB/T 9704: the title centred in 方正小标宋简体 22 pt, the preamble, the
six sections with their official numbering and headings in 黑体 16 pt, body paragraphs in 仿宋_GB2312
16 pt with a two-character first-line indent on a fixed 28 pt line, the official tables under 二, 三
and 四 with merged cells exactly as `formats.grid` places them (宋体 10.5 pt, centred; no row broken
across a page; 三 and 四 repeat their header rows on every page, 二 heads each item with its own rows,
kept with the item's first row), then the agency and the date as the signature, and the page number
"— 1 —" centred in the footer. A title wider than the page breaks after the agency's name. A draft
(`draft=True`) carries Word's own "草稿" text watermark in its header (diagonal, light grey, every page).

The fonts are named on the styles (`w:rFonts w:eastAsia=…`), never on the runs, so a reader can change
the look of all body text at once. Tables are written as XML straight from the `Grid` (the same
`w:gridSpan` / `w:vMerge` structure python-docx's `cell.merge` produces, without its cost), and the
whole body is parsed in one go: a report renders in a few tens of milliseconds. (The HTML pages draw
their tables with a Jinja macro, `official_table.py`; Word cannot use it, so the grids are drawn here.)
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from nianbao.formats.grid import Grid, Placed
from nianbao.render.content import Content, SectionContent, content_of
from nianbao.report import Report

# Fonts, as Chinese government documents name them; each with the Windows font a missing one falls back to.
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# name: (fallback, panose, family): the family tells a program without the font which kind to substitute.
_FONT_TABLE = {
    TITLE_FONT: ("宋体", "02000000000000000000", "roman"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "swiss"),
    BODY_FONT: ("仿宋", "02010609030101010101", "roman"),
    TABLE_FONT: ("SimSun", "02010600030101010101", "roman"),
}

# Sizes in half points, lengths in twentieths of a point (twips).
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, TABLE_SIZE, FOOTER_SIZE = 44, 32, 32, 21, 28
LINE = 560  # the fixed 28 pt line of official documents
PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1588, 1474  # 3.7, 3.5, 2.8, 2.6 cm
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 15.6 cm: the tables are scaled to it
TITLE_EMS = TEXT_WIDTH / (TITLE_SIZE * 10)  # characters of the title font on one line
CELL_MARGIN = 40  # twips left and right inside a table cell: 2 characters fit a column of table 四

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def official_document(body_xml: str, *, draft: bool = False) -> DocxDocument:
    """A python-docx document in the official page, styles and fonts whose body is `body_xml` (``w:`` paragraphs
    and tables); `draft`: with the "草稿" watermark. The report and the letters of a case are built on it."""
    doc = new_document()
    _set_styles(doc)
    _set_page(doc)
    if draft:
        _set_watermark(doc)
    _set_fonts_and_language(doc)
    body = doc.element.body
    sect_pr = body.sectPr
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)
    for child in list(parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>")):
        sect_pr.addprevious(child)
    return doc


def render_docx(report: Report, *, draft: bool = False) -> bytes:
    """`report` as a .docx file in the official layout (format, year and agency must be known); `draft`: a
    diagonal light-grey "草稿" watermark in the header of every section (a report not yet submitted)."""
    content = content_of(report)
    doc = official_document("".join(_body(content)), draft=draft)
    props = doc.core_properties
    props.title = content.title
    props.author = content.agency
    props.last_modified_by = content.agency
    props.subject = "政府信息公开工作年度报告"
    props.keywords = f"政府信息公开;年度报告;{content.year}"
    props.comments = ""
    props.language = "zh-CN"
    props.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Content as printed: what a reader would otherwise see twice
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Body XML
# ---------------------------------------------------------------------------------------------


def _text(text: str) -> str:
    """Runs of `text` (tabs as w:tab), with the characters XML cannot hold removed."""
    parts = _INVALID_XML.sub("", text).split("\t")
    runs = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in parts if p)
    return f"<w:r>{runs}</w:r>" if runs else ""


def _paragraph(style: str, text: str, extra_ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra_ppr}</w:pPr>{_text(text)}</w:p>'


def _ems(text: str) -> float:
    """The width of `text` in characters of its size: Chinese characters one, Latin letters and digits half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _title_lines(title: str, agency: str) -> list[str]:
    """The title in lines: a title wider than the page breaks after the agency's name, not mid-word."""
    rest = title.removeprefix(agency)
    if _ems(title) <= TITLE_EMS or rest == title or not rest or _ems(rest) > TITLE_EMS:
        return [title]
    return [agency, rest]


def _body(content: Content) -> Iterator[str]:
    lines = _title_lines(content.title, content.agency)
    yield (
        '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>'
        + "<w:r><w:br/></w:r>".join(_text(line) for line in lines)
        + "</w:p>"
    )
    for p in content.preamble:
        yield _paragraph("BodyText", p)
    for section in content.sections:
        yield from _section(section)
    yield from _signature(content.agency, content.date_text)


def _signature(agency: str, date: str) -> Iterator[str]:
    """The agency over the date, both centred on one axis, the wider line four characters from the right
    margin (GB/T 9704: 成文日期右空四字, 署名以成文日期为准居中)."""
    widest = max(_ems(agency), _ems(date))
    for i, line in enumerate(x for x in (agency, date) if x):
        right = round((4 + (widest - _ems(line)) / 2) * BODY_SIZE * 10)
        before = '<w:spacing w:before="1120"/>' if i == 0 else ""  # two lines under the text
        yield _paragraph("Signature", line, f'{before}<w:ind w:right="{right}"/>')


def _section(section: SectionContent) -> Iterator[str]:
    yield _paragraph("Heading1", section.title)
    for p in section.paragraphs:
        yield _paragraph("BodyText", p)
    if section.table is not None:
        yield _table(section.table)
        yield _paragraph("TableAfter", "")


def _widths(grid: Grid) -> list[int]:
    """Column widths in twips, the grid's proportions scaled to the text width."""
    total = sum(grid.widths_cm)
    out = [round(w / total * TEXT_WIDTH) for w in grid.widths_cm]
    out[-1] += TEXT_WIDTH - sum(out)
    return out


def header_rows(grid: Grid) -> int:
    """How many rows head the table on every page: the rows before the first value, when no row of
    labels follows (table 二 heads each item with its own label rows, so it repeats none)."""
    keyed = {c.row for c in grid.cells if c.key is not None}
    if not keyed:
        return 0
    first = min(keyed)
    return first if keyed == set(range(first, grid.rows)) else 0


def _table(grid: Grid) -> str:
    widths = _widths(grid)
    owner: list[list[Placed | None]] = [[None] * grid.cols for _ in range(grid.rows)]
    for c in grid.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                owner[r][k] = c
    keyed = {c.row for c in grid.cells if c.key is not None}
    heads = header_rows(grid)
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        "<w:tbl><w:tblPr>",
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        f"<w:tblBorders>{border}</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>',
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>',
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r in range(grid.rows):
        # A row of labels keeps with the next row, so a header never ends a page without its values.
        keep = "<w:keepNext/>" if r not in keyed and r + 1 < grid.rows else ""
        parts.append(
            f'<w:tr><w:trPr><w:cantSplit/>{"<w:tblHeader/>" if r < heads else ""}<w:trHeight w:val="397"/></w:trPr>'
        )
        k = 0
        while k < grid.cols:
            cell = owner[r][k]
            if cell is None:  # Grid.check() guarantees full cover; kept for a grid built by hand
                raise ValueError(f"table {grid.name}: position {(r, k)} is not covered")
            merge = "" if cell.rowspan == 1 else ('<w:vMerge w:val="restart"/>' if r == cell.row else "<w:vMerge/>")
            span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
            text = _text(cell.text) if r == cell.row else ""
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths[cell.col : cell.col + cell.colspan])}" w:type="dxa"/>'
                f'{span}{merge}<w:vAlign w:val="center"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="TableText"/>{keep}</w:pPr>{text}</w:p></w:tc>'
            )
            k += cell.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Styles, page, fonts
# ---------------------------------------------------------------------------------------------


def _fonts(east: str, latin: str = LATIN_FONT) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}" w:hint="eastAsia"/>'


def _rpr(east: str, size: int, latin: str = LATIN_FONT) -> str:
    return f'<w:rPr>{_fonts(east, latin)}<w:kern w:val="2"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'


def _style(
    style_id: str,
    name: str,
    ppr: str,
    rpr: str,
    *,
    based: str | None = "Normal",
    nxt: str | None = None,
    extra: str = "",
    default: bool = False,
) -> str:
    flag = ' w:default="1"' if default else ""
    links = (f'<w:basedOn w:val="{based}"/>' if based else "") + (f'<w:next w:val="{nxt}"/>' if nxt else "")
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph"{flag} w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{links}{extra}<w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>"
    )


_INDENT = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'  # two characters of 16 pt

_STYLES = (
    _style(
        "Normal",
        "Normal",
        f'<w:widowControl w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{LINE}" '
        'w:lineRule="exact"/><w:jc w:val="both"/>',
        _rpr(BODY_FONT, BODY_SIZE),
        based=None,
        default=True,
    ),
    _style(
        "Title",
        "Title",
        f'<w:spacing w:before="0" w:after="{LINE}" w:line="720" w:lineRule="exact"/><w:jc w:val="center"/>',
        _rpr(TITLE_FONT, TITLE_SIZE, TITLE_FONT),
        nxt="BodyText",
        extra='<w:uiPriority w:val="10"/>',
    ),
    _style(
        "Heading1",
        "heading 1",
        f'<w:keepNext/><w:keepLines/>{_INDENT}<w:outlineLvl w:val="0"/>',
        _rpr(HEADING_FONT, HEADING_SIZE),
        nxt="BodyText",
        extra='<w:uiPriority w:val="9"/>',
    ),
    _style("BodyText", "Body Text", _INDENT, _rpr(BODY_FONT, BODY_SIZE)),
    _style(
        "TableText",
        "Table Text",
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
        _rpr(TABLE_FONT, TABLE_SIZE),
    ),
    _style(
        "TableAfter",
        "Table After",
        '<w:spacing w:before="0" w:after="0" w:line="280" w:lineRule="exact"/>',
        _rpr(BODY_FONT, 20),
    ),  # the small gap under a table, before the next heading
    _style("Signature", "Signature", '<w:ind w:right="1280"/><w:jc w:val="right"/>', _rpr(BODY_FONT, BODY_SIZE)),
    _style(
        "Footer",
        "footer",
        '<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
        _rpr(TABLE_FONT, FOOTER_SIZE, TABLE_FONT),
    ),
)


def _set_styles(doc: object) -> None:
    styles = doc.styles.element  # type: ignore[attr-defined]
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>{_fonts(BODY_FONT)}<w:sz w:val="{BODY_SIZE}"/>'
            f'<w:szCs w:val="{BODY_SIZE}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
            '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "</w:pPrDefault></w:docDefaults>"
        ),
    )
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
    for xml in _STYLES:
        style = parse_xml(xml)
        old = by_id.get(style.get(qn("w:styleId")))
        if old is not None:
            old.addprevious(style)
            styles.remove(old)
        else:
            styles.append(style)


def _set_page(doc: object) -> None:
    section = doc.sections[0]  # type: ignore[attr-defined]
    sect_pr = section._sectPr
    for tag in ("w:pgSz", "w:pgMar", "w:cols", "w:docGrid"):
        for old in sect_pr.findall(qn(tag)):
            sect_pr.remove(old)
    footer = section.footer
    footer.is_linked_to_previous = False
    ftr = footer._element
    for child in list(ftr):
        ftr.remove(child)
    ftr.append(
        parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
            f"{_text('— ')}"
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>{_text(" —")}</w:p>'
        )
    )
    # pgSz, pgMar, cols and docGrid follow the header/footer references and type in CT_SectPr.
    sect_pr.append(parse_xml(f'<w:pgSz {nsdecls("w")} w:w="{PAGE_W}" w:h="{PAGE_H}"/>'))
    sect_pr.append(
        parse_xml(
            f'<w:pgMar {nsdecls("w")} w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
            f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="1304" w:gutter="0"/>'
        )
    )
    sect_pr.append(parse_xml(f'<w:cols {nsdecls("w")} w:space="720"/>'))
    sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:linePitch="{LINE}"/>'))


WATERMARK = "草稿"
#: Word's own text watermark (设计 › 水印): a VML WordArt shape in the header, behind the text on every page,
#: which LibreOffice and WPS show too. Its shape type is Word's "plain text" WordArt (136), spelled out.
_WATERMARK_XML = (
    '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word">'
    '<w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(
        f'<v:f eqn="{eqn}"/>'
        for eqn in (
            "sum #0 0 10800",
            "prod #0 2 1",
            "sum 21600 0 @1",
            "sum 0 0 @2",
            "sum 21600 0 @3",
            "if @0 @3 0",
            "if @0 21600 @1",
            "if @0 0 @2",
            "if @0 @4 21600",
            "mid @5 @6",
            "mid @8 @5",
            "mid @7 @8",
            "mid @6 @7",
            "sum @6 0 @5",
        )
    )
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:415pt;height:207.5pt;rotation:315;'
    "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
    'fillcolor="silver" stroked="f"><v:fill opacity=".5"/>'
    f'<v:textpath style="font-family:&quot;{TABLE_FONT}&quot;;font-size:1pt" string="{WATERMARK}"/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r></w:p>'
)


def _set_watermark(doc: object) -> None:
    """The draft's watermark in the header of every section (each its own header, not linked)."""
    for section in doc.sections:  # type: ignore[attr-defined]
        header = section.header
        header.is_linked_to_previous = False
        hdr = header._element
        for child in list(hdr):
            hdr.remove(child)
        hdr.append(parse_xml(_WATERMARK_XML))


def _font_entries() -> str:
    return "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, (alt, panose, family) in _FONT_TABLE.items()
    )


def _set_fonts_and_language(doc: object) -> None:
    """The Chinese fonts declared in the font table (GB2312 charset, each with a fallback), and
    Chinese as the East Asian language of the theme fonts."""
    part = doc.part  # type: ignore[attr-defined]
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            blob = rel.target_part.blob.decode("utf-8")
            blob = blob.replace("</w:fonts>", _font_entries() + "</w:fonts>")
            rel.target_part._blob = blob.encode("utf-8")
    lang = doc.settings.element.find(qn("w:themeFontLang"))  # type: ignore[attr-defined]
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
