"""A plain official document (`plain_doc.PlainDoc`) as an A4 PDF, in the packaged Chinese font (`pdf_font`).

The layout follows the Word version: the title centred (broken where it must), headings and paragraphs with a
two-character first-line indent, tables ruled cell by cell, broken across pages between rows only, the header
row repeated on each page, the signature right-aligned and "— N —" centred under every page. Lines are broken
as the report's PDF breaks them (`pdf_lines.wrap`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from nianbao.render.pdf_font import FONT_ENV, Font, find_font
from nianbao.render.pdf_lines import wrap
from nianbao.render.plain_doc import Heading, Paragraph, PlainDoc, Table, title_lines

__all__ = ["render_plain_pdf"]

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
CM = 72 / 2.54
LEFT, RIGHT, TOP, BOTTOM = 2.8 * CM, PAGE_W - 2.6 * CM, PAGE_H - 3.0 * CM, 2.8 * CM
WIDTH = RIGHT - LEFT
FOOTER_Y = 1.6 * CM
TITLE_SIZE, TITLE_LEADING = 20.0, 30.0
BODY_SIZE, BODY_LEADING = 14.0, 14.0 * 1.6
CELL_SIZE, CELL_LEADING, CELL_PAD = 10.5, 10.5 * 1.35, 4.0
FOOTER_SIZE = 11.0
RULE = 0.6


class _Writer:
    """Places lines and tables from the top of a page down, starting new pages as needed."""

    def __init__(self, canvas: Any, font: Font) -> None:
        self.c = canvas
        self.font = font
        self.page = 1
        self.y = TOP

    def measure(self, size: float) -> Callable[[str], float]:
        font = self.font
        return lambda text: font.width(text, size)

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM - 1e-6 and self.y < TOP - 1e-6:
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = TOP

    def finish(self) -> None:
        self._footer()
        self.c.save()

    def _footer(self) -> None:
        self.text(f"— {self.page} —", PAGE_W / 2, FOOTER_Y, FOOTER_SIZE, align="center")

    def baseline(self, top: float, leading: float, size: float) -> float:
        return top - leading / 2 - (self.font.ascent + self.font.descent) / 2 * size

    def text(self, text: str, x: float, y: float, size: float, *, align: str = "left", bold: bool = False) -> None:
        width = self.font.width(text, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        self.c.setFont(self.font.name, size)
        if bold:  # the font has no bold face: outline the glyphs as well as filling them
            self.c.setLineWidth(size * 0.03)
            self.c.drawString(x, y, text, mode=2)
        else:
            self.c.drawString(x, y, text)

    def block(
        self,
        text: str,
        size: float,
        leading: float,
        *,
        indent: float = 0.0,
        align: str = "left",
        bold: bool = False,
        right: float = 0.0,
    ) -> None:
        width = WIDTH - right
        for i, line in enumerate(wrap(text, width, self.measure(size), indent) or [""]):
            self.need(leading)
            y = self.baseline(self.y, leading, size)
            if align == "center":
                self.text(line, LEFT + width / 2, y, size, align="center", bold=bold)
            elif align == "right":
                self.text(line, LEFT + width, y, size, align="right", bold=bold)
            else:
                self.text(line, LEFT + (indent if i == 0 else 0.0), y, size, bold=bold)
            self.y -= leading

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
                    self.text(line, (xs[c] + xs[c + 1]) / 2, y, CELL_SIZE, align="center", bold=header)
                else:
                    self.text(line, xs[c] + CELL_PAD, y, CELL_SIZE)
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
            w.block(block.text, BODY_SIZE, BODY_LEADING, indent=indent, bold=True)
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
            w.block(line, BODY_SIZE, BODY_LEADING, align="right", right=2 * BODY_SIZE)
    w.finish()
    return out.getvalue()
