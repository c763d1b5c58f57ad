"""Text placed on A4 pages from the top down, for the PDFs nianbao lays out itself: the report (`pdf.py`) and the
plain official documents (`plain_doc_pdf.py`). Each gives its margins and footer (`Frame`); the writer keeps the
current position, starts new pages with "— N —" centred under each, and places lines and paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]

from nianbao.render.pdf_font import Font
from nianbao.render.pdf_lines import wrap

__all__ = ["PAGE_H", "PAGE_W", "Frame", "PageWriter"]

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])


@dataclass(frozen=True)
class Frame:
    """Where text goes on a page (points from the bottom left), and the page number's place and size."""

    left: float
    right: float
    top: float
    bottom: float
    footer_y: float
    footer_size: float
    max_char_space: float = 0.12  # of the font size: justification never spreads a line further than this

    @property
    def width(self) -> float:
        return self.right - self.left


class PageWriter:
    """Places lines from the top of a page down, starting new pages as needed (`new_page`, and `page_started` for
    what a subclass draws first on every page)."""

    def __init__(self, canvas: Any, font: Font, frame: Frame) -> None:
        self.c = canvas
        self.font = font
        self.frame = frame
        self.page = 1
        self.y = frame.top
        self.page_started()

    def page_started(self) -> None:
        """Drawn first on every page, under what follows (nothing here)."""

    # pages

    def at_top(self) -> bool:
        return self.y >= self.frame.top - 1e-6

    def need(self, height: float) -> None:
        """A new page unless `height` fits above the bottom margin (or the page is still empty)."""
        if self.y - height < self.frame.bottom - 1e-6 and not self.at_top():
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.frame.top
        self.page_started()

    def finish(self) -> None:
        self._footer()
        self.c.save()

    def _footer(self) -> None:
        f = self.frame
        self.text_at(f"— {self.page} —", PAGE_W / 2, f.footer_y, f.footer_size, align="center")

    # text

    def measure(self, size: float) -> Callable[[str], float]:
        font = self.font
        return lambda text: font.width(text, size)

    def text_at(
        self,
        text: str,
        x: float,
        baseline: float,
        size: float,
        *,
        align: str = "left",
        bold: bool = False,
        char_space: float = 0.0,
    ) -> None:
        width = self.font.width(text, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        c = self.c
        c.setFont(self.font.name, size)
        if bold:  # the font has no bold face: outline the glyphs as well as filling them
            c.setLineWidth(size * 0.03)
            c.drawString(x, baseline, text, mode=2, charSpace=char_space)
        else:
            c.drawString(x, baseline, text, charSpace=char_space)

    def baseline(self, top: float, leading: float, size: float) -> float:
        """The baseline that centres the em box of `size` in a line of `leading` below `top`."""
        return top - leading / 2 - (self.font.ascent + self.font.descent) / 2 * size

    def block(
        self,
        text: str,
        size: float,
        leading: float,
        *,
        indent: float = 0.0,
        align: str = "justify",
        bold: bool = False,
        right_indent: float = 0.0,
    ) -> None:
        """A paragraph: `indent` on its first line, justified (but its last line) unless aligned otherwise, at least
        2 lines per page; an empty one takes one line."""
        f = self.frame
        width = f.width - right_indent
        lines = wrap(text, width, self.measure(size), indent) or [""]
        for i, line in enumerate(lines):
            left = len(lines) - i
            self.need(leading * (2 if (i == 0 and left >= 2) or left == 2 else 1))
            x = f.left + (indent if i == 0 else 0.0)
            space = 0.0
            if align == "justify" and left > 1 and len(line) > 1:
                spread = (f.left + width - x - self.font.width(line, size)) / (len(line) - 1)
                space = spread if 0 < spread <= f.max_char_space * size else 0.0
            y = self.baseline(self.y, leading, size)
            if align == "center":
                self.text_at(line, f.left + width / 2, y, size, align="center", bold=bold)
            elif align == "right":
                self.text_at(line, f.left + width, y, size, align="right", bold=bold)
            else:
                self.text_at(line, x, y, size, bold=bold, char_space=space)
            self.y -= leading
