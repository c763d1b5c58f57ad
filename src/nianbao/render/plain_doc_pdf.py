"""A plain official document (`plain_doc.PlainDoc`) as an A4 PDF, in the packaged Chinese font (`pdf_font`).

The layout follows the Word version: the title centred (broken where it must), headings and justified paragraphs with a
two-character first-line indent, tables ruled cell by cell, broken across pages between rows only, the header
row repeated on each page, the signature right-aligned and "— N —" centred under every page. Lines are broken
as the report's PDF breaks them (`pdf_lines.wrap`).
"""

from __future__ import annotations

import os
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from nianbao.render.pdf_font import FONT_ENV, Font, find_font
from nianbao.render.pdf_lines import wrap
from nianbao.render.pdf_page import PAGE_H, PAGE_W, Frame, PageWriter
from nianbao.render.plain_doc import Heading, Paragraph, PlainDoc, Table, title_lines

__all__ = ["render_plain_pdf"]

CM = 72 / 2.54
LEFT, RIGHT, TOP, BOTTOM = 2.8 * CM, PAGE_W - 2.6 * CM, PAGE_H - 3.0 * CM, 2.8 * CM
WIDTH = RIGHT - LEFT
FOOTER_Y = 1.6 * CM
TITLE_SIZE, TITLE_LEADING = 20.0, 30.0
BODY_SIZE, BODY_LEADING = 14.0, 14.0 * 1.6
CELL_SIZE, CELL_LEADING, CELL_PAD = 10.5, 10.5 * 1.35, 4.0
FOOTER_SIZE = 11.0
FRAME = Frame(LEFT, RIGHT, TOP, BOTTOM, FOOTER_Y, FOOTER_SIZE)
RULE = 0.6


class _Writer(PageWriter):
    """Places lines and tables from the top of a page down, starting new pages as needed."""

    def __init__(self, canvas: Any, font: Font) -> None:
        super().__init__(canvas, font, FRAME)

    def table(self, table: Table) -> None:
        widths = table.column_widths(WIDTH)
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        measure = self.measure(CELL_SIZE)
        rows = [
            [wrap(value, widths[c] - 2 * CELL_PAD, measure) or [""] for c, value in enumerate(values)]
            for values in [table.header, *table.rows]
        ]
        heights = [max(len(lines) for lines in row) * CELL_LEADING + 2 * CELL_PAD for row in rows]
        self.need(heights[0] + (heights[1] if len(heights) > 1 else 0.0))
        self._row(rows[0], heights[0], xs, table, header=True)
        for row, height in zip(rows[1:], heights[1:], strict=True):
            if self.y - height < BOTTOM - 1e-6:
                self.new_page()
                self._row(rows[0], heights[0], xs, table, header=True)
            self._row(row, height, xs, table, header=False)

    def _row(self, row: list[list[str]], height: float, xs: list[float], table: Table, *, header: bool) -> None:
        top, bottom = self.y, self.y - height
        self.c.setLineWidth(RULE)
        self.c.lines([(xs[0], top, xs[-1], top), (xs[0], bottom, xs[-1], bottom)] + [(x, top, x, bottom) for x in xs])
        for c, lines in enumerate(row):
            centred = header or c in table.numeric
            line_top = top - (height - len(lines) * CELL_LEADING) / 2
            for line in lines:
                y = self.baseline(line_top, CELL_LEADING, CELL_SIZE)
                if centred:
                    self.text_at(line, (xs[c] + xs[c + 1]) / 2, y, CELL_SIZE, align="center", bold=header)
                else:
                    self.text_at(line, xs[c] + CELL_PAD, y, CELL_SIZE)
                line_top -= CELL_LEADING
        self.y = bottom


def render_plain_pdf(doc: PlainDoc) -> bytes:
    """The document as an A4 PDF (needs a Chinese TrueType font, see `pdf_font.find_font`)."""
    font = find_font(os.environ.get(FONT_ENV) or None)
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font.name)
    canvas.setTitle(doc.title)
    canvas.setAuthor(doc.author)
    canvas.setSubject(doc.subject)
    canvas.setKeywords(doc.keywords)
    canvas.setCreator("nianbao")
    w = _Writer(canvas, font)
    for line in title_lines(doc, lambda text: font.width(text, TITLE_SIZE) <= WIDTH):
        w.block(line, TITLE_SIZE, TITLE_LEADING, align="center", bold=True)
    if doc.subtitle:
        w.block(doc.subtitle, BODY_SIZE, BODY_LEADING, align="center")
    w.y -= BODY_LEADING / 2
    indent = 2 * BODY_SIZE
    for block in doc.blocks:
        if isinstance(block, Heading):
            w.need(BODY_LEADING * 3)
            w.block(block.text, BODY_SIZE, BODY_LEADING, indent=indent, align="left", bold=True)
        elif isinstance(block, Paragraph):
            w.block(block.text, BODY_SIZE, BODY_LEADING, indent=indent if block.indent else 0.0)
        else:
            if block.caption:
                w.block(block.caption, BODY_SIZE, BODY_LEADING)
            w.y -= BODY_LEADING * 0.25
            w.table(block)
            w.y -= BODY_LEADING * 0.5
    if doc.signature:
        w.y -= BODY_LEADING
        w.need(BODY_LEADING * len(doc.signature))
        for line in doc.signature:
            w.block(line, BODY_SIZE, BODY_LEADING, align="right", right_indent=2 * BODY_SIZE)
    w.finish()
    return out.getvalue()
