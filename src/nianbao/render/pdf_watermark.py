"""The "草稿" watermark of a draft PDF, drawn as the outlines of its glyphs, not as text.

A watermark written as text would be part of the page's text layer: a reader (nianbao's own, or a search)
would find two giant characters in the middle of the tables. Drawn as filled outlines, it is seen on the
page and printed, and the text layer stays exactly the report's. The outlines are taken from the PDF's own
font with fontTools (a CFF or TrueType font; quadratic curves become cubic ones), in em units, once per
process and text.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from fontTools.pens.basePen import BasePen

from nianbao.render.pdf_font import Font

#: A drawing operation in em units: ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x3, y3) or ("Z",).
Op = tuple[Any, ...]
_lock = threading.Lock()  # fontTools' lazy tables are not safe to load from two threads at once


class _Recorder(BasePen):  # type: ignore[misc]
    """Records a glyph's outline as `Op`s, shifted by `dx` and scaled to the em (BasePen turns quadratic
    segments into cubic ones)."""

    def __init__(self, glyphs: Any, dx: float, scale: float) -> None:
        super().__init__(glyphs)
        self.ops: list[Op] = []
        self.dx = dx
        self.scale = scale

    def _p(self, pt: tuple[float, float]) -> tuple[float, float]:
        return ((pt[0] + self.dx) * self.scale, pt[1] * self.scale)

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.ops.append(("M", *self._p(pt)))

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.ops.append(("L", *self._p(pt)))

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:
        self.ops.append(("C", *self._p(p1), *self._p(p2), *self._p(p3)))

    def _closePath(self) -> None:
        self.ops.append(("Z",))


@functools.cache
def outline(path: str, index: int, text: str) -> tuple[tuple[Op, ...], float]:
    """The outlines of `text` set in the font at `path` (face `index`), in em units from the origin of its
    first character, and the text's advance width (em)."""
    from fontTools.ttLib import TTFont as OpenType

    with _lock:
        font = OpenType(path, fontNumber=index, lazy=True)
        try:
            glyphs = font.getGlyphSet()
            cmap = font.getBestCmap()
            metrics = font["hmtx"].metrics
            scale = 1.0 / int(font["head"].unitsPerEm)
            ops: list[Op] = []
            x = 0.0
            for ch in text:
                name = cmap.get(ord(ch))
                if name is None:
                    raise ValueError(f"字体不含“{ch}”的字形，无法绘制草稿水印")
                pen = _Recorder(glyphs, x, scale)
                glyphs[name].draw(pen)
                ops.extend(pen.ops)
                x += metrics[name][0]
        finally:
            font.close()
    return tuple(ops), x * scale


def draw(canvas: Any, font: Font, text: str, cx: float, cy: float, size: float, angle: float, grey: float) -> None:
    """`text` filled in `grey` (0 black … 1 white), `size` pt, turned `angle` degrees about its centre at
    (`cx`, `cy`)."""
    from reportlab.pdfgen.canvas import FILL_NON_ZERO  # type: ignore[import-untyped]

    ops, advance = outline(font.path, font.index, text)
    canvas.saveState()
    canvas.setFillGray(grey)
    canvas.translate(cx, cy)
    canvas.rotate(angle)
    canvas.scale(size, size)
    canvas.translate(-advance / 2, -(font.ascent + font.descent) / 2)
    path = canvas.beginPath()
    for op in ops:
        if op[0] == "M":
            path.moveTo(*op[1:])
        elif op[0] == "L":
            path.lineTo(*op[1:])
        elif op[0] == "C":
            path.curveTo(*op[1:])
        else:
            path.close()
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    canvas.restoreState()
