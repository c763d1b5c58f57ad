"""PDF output: the report laid out on A4 pages by ReportLab's canvas, in an embedded Chinese TrueType font.

The layout is done here, line by line, so that the PDF reads back exactly (`nianbao.read`): the title
centred, the preamble and each section's paragraphs justified with a two-character first-line indent,
the official tables under 二, 三 and 四 drawn cell by cell from `formats.grid` (merged cells as placed,
every cell ruled, labels wrapped inside their cells, numbers centred), the signature right-aligned and
"— N —" centred under every page. A draft (`draft=True`) has "草稿" drawn diagonally across every page, in
light grey under the text, as outlines that are no part of the text layer (`pdf_watermark.py`).

Lines are broken between characters (or between Latin words), never before a closing mark or after
an opening one, and never just before a section heading's text, which would read as that heading
(`pdf_lines.py`). A table breaks across pages only between rows and never inside merged cells: table 三
repeats its header rows on the next page, table 二 breaks between its groups (each starts with its own
headers).

The font is Noto Serif SC from a pip package, embedded as TrueType (`pdf_font.py`), or the TrueType font
named by `NIANBAO_PDF_FONT=/path/to/font[:index]`: no font of the operating system is needed.

The HTML pages draw their tables with one Jinja macro (`official_table.py`); a PDF cannot use an HTML
macro, so the tables here are drawn cell by cell from the same `formats.grid` grids.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from nianbao.formats.grid import Grid, Placed
from nianbao.render import pdf_watermark as watermark
from nianbao.render.content import content_of
from nianbao.render.pdf_font import FONT_ENV, Font, find_font
from nianbao.render.pdf_lines import wrap
from nianbao.render.pdf_page import PAGE_H, PAGE_W, Frame, PageWriter
from nianbao.report import Report

MARGIN = 2.5 * 72 / 2.54  # 2.5 cm
LEFT, RIGHT, TOP, BOTTOM = MARGIN, PAGE_W - MARGIN, PAGE_H - MARGIN, MARGIN
WIDTH = RIGHT - LEFT
FOOTER_Y = 1.4 * 72 / 2.54

TITLE_SIZE, TITLE_LEADING = 22.0, 33.0
HEADING_SIZE, HEADING_LEADING = 16.0, 16.0 * 1.6
BODY_SIZE, BODY_LEADING = 14.0, 14.0 * 1.6
CELL_SIZE, CELL_LEADING = 10.5, 10.5 * 1.3
CELL_PAD_X, CELL_PAD_Y = 4.0, 4.0
FOOTER_SIZE = 12.0
FRAME = Frame(LEFT, RIGHT, TOP, BOTTOM, FOOTER_Y, FOOTER_SIZE, max_char_space=0.12)
RULE = 0.75
KEEP_WHOLE = TOP - BOTTOM - HEADING_LEADING - 2 * BODY_LEADING  # a table this short is kept on one page
TALL_SPAN = 0.4  # of the page's height: a merged cell taller than this may be cut by a page end
WATERMARK = "草稿"  # across every page of a draft (`draft=True`): light grey, diagonal, under the text
WATERMARK_SIZE, WATERMARK_GREY, WATERMARK_ANGLE = 180.0, 0.85, 45.0


# -------------------------------------------------------------------------------------------- tables


@dataclass
class _Cell:
    placed: Placed
    x0: float
    x1: float
    lines: list[str]
    align: str  # left, center
    size: float


@dataclass
class _TableLayout:
    grid: Grid
    cells: list[_Cell]
    heights: list[float]
    repeat: int  # header rows repeated at the top of each page the table continues on
    starts: list[int]  # the body rows a page may start with (never inside a merged cell but a tall one)

    def height(self, first: int, end: int) -> float:
        return sum(self.heights[first:end])

    def text_height(self, cell: _Cell) -> float:
        return len(cell.lines) * CELL_LEADING + 2 * CELL_PAD_Y

    def first_height(self) -> float:
        """The height the table needs below its heading: all of it when it fits on a page, else its first rows."""
        whole = self.height(0, self.grid.rows)
        if whole <= KEEP_WHOLE:
            return whole
        bounds = [*self.starts, self.grid.rows]
        return self.height(0, bounds[1])

    def pages(self, room: float, full: float) -> list[tuple[int, int]]:
        """The body rows on each page the table spans: `room` left on this page, `full` on the next ones."""
        header = self.height(0, self.repeat)
        bounds = [*self.starts, self.grid.rows]
        out: list[tuple[int, int]] = []
        first, used, avail = bounds[0], 0.0, room - header
        for s, e in itertools.pairwise(bounds):
            h = self.height(s, e)
            if used + h <= avail + 1e-6 or s == first:
                used += h
                continue
            cut = s
            for c in self.cells:  # a merged cell cut by the page end must keep room for its text above it
                p = c.placed
                if (
                    p.row < cut < p.row + p.rowspan
                    and self.height(p.row, cut) < self.text_height(c)
                    and first < p.row
                    and p.row in self.starts
                ):
                    cut = p.row
            out.append((first, cut))
            first, used, avail = cut, self.height(cut, e), full - header
        out.append((first, self.grid.rows))
        return out


def _layout_table(grid: Grid, font: Font) -> _TableLayout:
    scale = WIDTH / sum(grid.widths_cm)
    xs = [LEFT]
    for w in grid.widths_cm:
        xs.append(xs[-1] + w * scale)
    key_rows = {c.row for c in grid.cells if c.key}

    def measure(text: str) -> float:
        return font.width(text, CELL_SIZE)

    cells = []
    for p in grid.cells:
        x0, x1 = xs[p.col], xs[p.col + p.colspan]
        inner = x1 - x0 - 2 * CELL_PAD_X
        if p.key:  # a number is never broken: a long one is set smaller
            size = min(CELL_SIZE, CELL_SIZE * inner / max(measure(p.text), 1e-6))
            cells.append(_Cell(p, x0, x1, [p.text], "center", size))
            continue
        label_of_row = p.rowspan == 1 and p.row in key_rows
        cells.append(
            _Cell(p, x0, x1, wrap(p.text, inner, measure) or [""], "left" if label_of_row else "center", CELL_SIZE)
        )
    heights = [CELL_LEADING + 2 * CELL_PAD_Y] * grid.rows
    for c in sorted(cells, key=lambda c: c.placed.rowspan):
        need = len(c.lines) * CELL_LEADING + 2 * CELL_PAD_Y
        first, end = c.placed.row, c.placed.row + c.placed.rowspan
        have = sum(heights[first:end])
        if need > have + 1e-6:
            for r in range(first, end):
                heights[r] += (need - have) / (end - first)
    first_key = min(key_rows, default=grid.rows)
    repeat = 0
    if any(r not in key_rows for r in range(first_key, grid.rows)):
        # groups, each with its own header rows (table 二): a page starts only with a group
        starts = {r for r in range(grid.rows) if r not in key_rows and (r == 0 or r - 1 in key_rows)}
    else:
        repeat = first_key
        starts = set(range(first_key, grid.rows))
    for p in grid.cells:  # a page never starts inside a merged cell, unless it is too tall to keep whole
        if sum(heights[p.row : p.row + p.rowspan]) <= TALL_SPAN * (TOP - BOTTOM):
            starts -= set(range(p.row + 1, p.row + p.rowspan))
    return _TableLayout(grid, cells, heights, repeat, sorted({repeat, *(s for s in starts if s > repeat)}))


# -------------------------------------------------------------------------------------------- writer


class _Writer(PageWriter):
    """Places lines and tables from the top of a page down, starting new pages as needed."""

    def __init__(self, canvas: Any, font: Font, *, draft: bool = False) -> None:
        self.draft = draft
        super().__init__(canvas, font, FRAME)

    def page_started(self) -> None:
        """草稿 across the middle of a draft's page, drawn first so that the page's text lies over it."""
        if self.draft:
            watermark.draw(
                self.c, self.font, WATERMARK, PAGE_W / 2, PAGE_H / 2, WATERMARK_SIZE, WATERMARK_ANGLE, WATERMARK_GREY
            )

    def space(self, height: float) -> None:
        if not self.at_top():
            self.y -= height

    # tables

    def table(self, t: _TableLayout) -> None:
        self.need(t.first_height())  # all of it when it fits on a page, else at least its first rows
        for n, (first, end) in enumerate(t.pages(self.y - BOTTOM, TOP - BOTTOM)):
            if n:
                self.new_page()
            if t.repeat:
                self._rows(t, 0, t.repeat)
            self._rows(t, first, end)

    def _rows(self, t: _TableLayout, first: int, end: int) -> None:
        """Rows first..end below the current position; merged cells cut by the page drawn in part."""
        tops = {first: self.y}
        for r in range(first, end):
            tops[r + 1] = tops[r] - t.heights[r]
        segments: set[tuple[float, float, float, float]] = set()
        for cell in t.cells:
            p = cell.placed
            top_row, end_row = max(p.row, first), min(p.row + p.rowspan, end)
            if top_row >= end_row:
                continue
            top, bottom = tops[top_row], tops[end_row]
            x0, x1 = round(cell.x0, 2), round(cell.x1, 2)
            yt, yb = round(top, 2), round(bottom, 2)
            segments.update({(x0, yt, x1, yt), (x0, yb, x1, yb), (x0, yt, x0, yb), (x1, yt, x1, yb)})
            whole = top_row == p.row and end_row == p.row + p.rowspan
            if not whole and top - bottom < t.text_height(cell) - 1e-6 and top_row != p.row:
                continue  # the part of a merged cell continued from the last page, too short for its text
            line_top = top - (top - bottom - len(cell.lines) * CELL_LEADING) / 2
            for line in cell.lines:
                y = self.baseline(line_top, CELL_LEADING, cell.size)
                if cell.align == "left":
                    self.text_at(line, cell.x0 + CELL_PAD_X, y, cell.size)
                else:
                    self.text_at(line, (cell.x0 + cell.x1) / 2, y, cell.size, align="center")
                line_top -= CELL_LEADING
        self.c.setLineWidth(RULE)
        self.c.lines(sorted(segments))
        self.y = tops[end]


# -------------------------------------------------------------------------------------------- render


def _title_lines(title: str, agency: str, font: Font) -> list[str]:
    """The title on one line, else broken after the agency's name, else wherever it must."""
    measure = font.width
    if measure(title, TITLE_SIZE) <= WIDTH:
        return [title]
    rest = title.removeprefix(agency)
    if rest != title and max(measure(agency, TITLE_SIZE), measure(rest, TITLE_SIZE)) <= WIDTH:
        return [agency, rest]
    return wrap(title, WIDTH, lambda text: measure(text, TITLE_SIZE))


def render_pdf(report: Report, *, draft: bool = False) -> bytes:
    """The report as an A4 PDF with the official tables (needs a Chinese TrueType font, see `find_font`);
    `draft`: every page carries a diagonal light-grey "草稿" watermark (a report not yet submitted)."""
    content = content_of(report)
    font = find_font(os.environ.get(FONT_ENV) or None)
    out = BytesIO()
    canvas = Canvas(
        out, pagesize=A4, invariant=1, pageCompression=1, initialFontName=font.name, initialFontSize=BODY_SIZE
    )
    canvas.setTitle(content.title)
    canvas.setAuthor(content.agency)
    canvas.setSubject("政府信息公开工作年度报告")
    canvas.setCreator("nianbao")
    w = _Writer(canvas, font, draft=draft)
    for line in _title_lines(content.title, content.agency, font):
        w.text_at(line, PAGE_W / 2, w.baseline(w.y, TITLE_LEADING, TITLE_SIZE), TITLE_SIZE, align="center", bold=True)
        w.y -= TITLE_LEADING
    w.y -= BODY_LEADING / 2
    indent = 2 * BODY_SIZE
    for paragraph in content.preamble:
        w.block(paragraph, BODY_SIZE, BODY_LEADING, indent=indent)
    for section in content.sections:
        paragraphs = section.paragraphs
        table = _layout_table(section.table, font) if section.table else None
        if paragraphs:
            after = BODY_LEADING * min(2, len(wrap(paragraphs[0], WIDTH, w.measure(BODY_SIZE), indent)))
        else:
            after = table.first_height() if table else 0.0
        w.space(BODY_LEADING * 0.3)
        w.need(HEADING_LEADING + after)
        w.block(section.title, HEADING_SIZE, HEADING_LEADING, indent=indent, align="left", bold=True)
        for paragraph in paragraphs:
            w.block(paragraph, BODY_SIZE, BODY_LEADING, indent=indent)
        if table:
            w.space(BODY_LEADING * 0.3)
            w.table(table)
            w.space(BODY_LEADING * 0.5)
    signature = [x for x in (content.agency, content.date_text) if x]
    w.space(BODY_LEADING)
    w.need(BODY_LEADING * len(signature))
    for line in signature:
        w.block(line, BODY_SIZE, BODY_LEADING, align="right", right_indent=2 * BODY_SIZE)
    w.finish()
    return out.getvalue()
