"""A plain official document — a title, headings, paragraphs, simple tables and a signature — as Word (.docx).

What the supervisor's documents need (the district 通报 of a year's reports, `nianbao.web.jurisdiction.bulletin`):
not the official report's layout (`docx.py`, `pdf.py`), but the look of a government document: A4 with the
margins of GB/T 9704, the title centred in 方正小标宋简体 22 pt, headings in 黑体 16 pt, body text in
仿宋_GB2312 16 pt with a two-character first-line indent on a fixed 28 pt line, tables in 宋体 10.5 pt with every
cell ruled and the header row repeated on each page, the signature right-aligned, "— N —" centred in the footer.
The same document as PDF is `plain_doc_pdf.render_plain_pdf`.

The text can be read back in document order (`plain_text`), which is what the golden tests compare.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

__all__ = ["Heading", "Paragraph", "PlainDoc", "Table", "plain_text", "render_plain_docx", "title_lines"]

TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT, LATIN_FONT = (
    "方正小标宋简体",
    "黑体",
    "仿宋_GB2312",
    "宋体",
    "Times New Roman",
)
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT, FOOTER_PT = 22.0, 16.0, 16.0, 10.5, 14.0
LINE_PT = 28.0  # the fixed line of official documents
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6  # A4 less the left and right margins


@dataclass(frozen=True)
class Heading:
    """A heading of the body ("一、总体情况")."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body, its first line indented by two characters unless `indent` is False."""

    text: str
    indent: bool = True


@dataclass(frozen=True)
class Table:
    """A table: a header row, the rows (text), the columns' relative widths and which are numbers (centred)."""

    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    widths: tuple[float, ...] = ()
    numeric: frozenset[int] = frozenset()
    caption: str = ""

    def column_widths(self, total: float) -> list[float]:
        """The columns' widths summing to `total` (equal when `widths` is not given)."""
        given = list(self.widths) if len(self.widths) == len(self.header) else [1.0] * len(self.header)
        scale = total / sum(given)
        return [w * scale for w in given]


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class PlainDoc:
    """A document: the title (and a line under it), the body, the signature lines (issuer, date)."""

    title: str
    subtitle: str = ""
    blocks: Sequence[Block] = field(default_factory=list)
    title_break_after: str = ""  # a title wider than the page breaks after this prefix (a place's name)
    signature: tuple[str, ...] = ()
    author: str = ""
    subject: str = ""
    keywords: str = ""


def title_lines(doc: PlainDoc, fits: Callable[[str], bool]) -> list[str]:
    """The title in lines: one when it `fits`, else broken after `title_break_after` when both parts fit."""
    rest = doc.title.removeprefix(doc.title_break_after) if doc.title_break_after else doc.title
    if fits(doc.title) or rest == doc.title or not rest or not (fits(rest) and fits(doc.title_break_after)):
        return [doc.title]
    return [doc.title_break_after, rest]


def _ems(text: str) -> float:
    """The width of `text` in characters of its size: Chinese characters one, Latin letters and digits half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def plain_text(doc: PlainDoc) -> Iterator[str]:
    """The document's text in reading order, a line per paragraph and per table row (cells joined by " | ")."""
    yield doc.title
    if doc.subtitle:
        yield doc.subtitle
    for block in doc.blocks:
        if isinstance(block, Table):
            if block.caption:
                yield block.caption
            yield " | ".join(block.header)
            yield from (" | ".join(row) for row in block.rows)
        else:
            yield block.text
    yield from doc.signature


# --------------------------------------------------------------------------------------------- docx


def _fonts(run_pr: Any, east: str, latin: str = LATIN_FONT) -> None:
    fonts = run_pr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east)


def _style(doc: Any, name: str, east: str, size: float, *, base: str | None = None, latin: str = LATIN_FONT) -> Any:
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
        if base:
            style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = False
    _fonts(style.element.get_or_add_rPr(), east, latin)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    return style


def _setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = _style(doc, "Normal", BODY_FONT, BODY_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = _style(doc, "Title", TITLE_FONT, TITLE_PT, base="Normal", latin=TITLE_FONT)
    tfmt = title.paragraph_format
    tfmt.alignment, tfmt.line_spacing = WD_ALIGN_PARAGRAPH.CENTER, Pt(36)
    title.element.get_or_add_pPr()
    for border in title.element.pPr.findall(qn("w:pBdr")):
        title.element.pPr.remove(border)
    title.font.color.rgb = None
    subtitle = _style(doc, "Subtitle", BODY_FONT, BODY_PT, base="Normal")
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.font.italic = False
    subtitle.font.color.rgb = None
    heading = _style(doc, "Heading 1", HEADING_FONT, HEADING_PT, base="Normal")
    hfmt = heading.paragraph_format
    hfmt.keep_with_next, hfmt.first_line_indent = True, Pt(2 * BODY_PT)
    hfmt.line_spacing_rule, hfmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    heading.font.color.rgb = None
    table_text = _style(doc, "Table Text", TABLE_FONT, TABLE_PT, base="Normal")
    ttfmt = table_text.paragraph_format
    ttfmt.line_spacing_rule, ttfmt.line_spacing = WD_LINE_SPACING.SINGLE, 1.0
    ttfmt.alignment, ttfmt.first_line_indent = WD_ALIGN_PARAGRAPH.LEFT, Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    page = f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    footer._p.append(parse_xml(page))  # the page number, as a field
    footer.add_run(" —")
    for run in footer.runs:
        run.font.size = Pt(FOOTER_PT)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _table(doc: Any, table: Table) -> None:
    if table.caption:
        doc.add_paragraph(table.caption, style="Normal")
    out = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    out.style = doc.styles["Table Grid"]
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    widths = table.column_widths(TEXT_WIDTH_CM)
    for column, width in zip(out.columns, widths, strict=True):
        column.width = Cm(width)  # the table's grid: LibreOffice lays the columns out by it
    for r, values in enumerate([table.header, *table.rows]):
        row = out.rows[r]
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        if r == 0:
            tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Cm(widths[c])
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["Table Text"]
            if r == 0 or c in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(value)
            run.bold = r == 0
    doc.add_paragraph("", style="Normal")


def render_plain_docx(doc: PlainDoc) -> bytes:
    """The document as a .docx file."""
    out = new_document()
    _setup(out)
    body = out.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    title = out.add_paragraph(style="Title")
    for i, line in enumerate(title_lines(doc, lambda text: _ems(text) * TITLE_PT <= TEXT_WIDTH_CM / 2.54 * 72)):
        run = title.add_run(line)
        if i:
            run._r.addprevious(parse_xml(f"<w:r {nsdecls('w')}><w:br/></w:r>"))
    if doc.subtitle:
        out.add_paragraph(doc.subtitle, style="Subtitle")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_paragraph(block.text, style="Heading 1")
        elif isinstance(block, Paragraph):
            p = out.add_paragraph(block.text, style="Normal")
            if block.indent:
                p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        else:
            _table(out, block)
    for i, line in enumerate(doc.signature):
        p = out.add_paragraph(line, style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(2 * BODY_PT)
        if i == 0:
            p.paragraph_format.space_before = Pt(LINE_PT)
    props = out.core_properties
    props.title, props.author, props.subject, props.keywords = doc.title, doc.author, doc.subject, doc.keywords
    props.last_modified_by, props.language, props.comments, props.revision = doc.author, "zh-CN", "", 1
    data = io.BytesIO()
    out.save(data)
    return data.getvalue()
