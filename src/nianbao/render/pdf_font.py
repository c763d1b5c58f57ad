"""The Chinese font of the PDF output: Noto Serif SC from a pip package, embedded as TrueType.

ReportLab embeds only TrueType outlines, and the Noto CJK fonts have CFF (PostScript) outlines; nianbao needs no
font from the operating system, so the packaged font (`pylopdf-fonts-zh-cn`, SIL Open Font License) is given
to ReportLab in two parts, with fontTools:

- a *metrics* font, built once per process: the character map and advance widths of all the font's ~31,000
  characters, every glyph empty. ReportLab lays the text out with it (widths, ascent, descent);
- when a PDF is written, for each subset of characters ReportLab embeds (at most 256 each), a TrueType font of
  just those glyphs, their cubic outlines converted to quadratic ones (cu2qu, within 1 font unit of 1,000),
  which ReportLab subsets as it would any TrueType file. Converted glyphs are kept for the process's life.

The first PDF of a process pays about 0.5-1 s to load the font and build the metrics; a report's glyphs then
take about 0.2 s to convert the first time. `NIANBAO_PDF_FONT=/path/to/font.ttf[:index]` writes with another
Chinese TrueType font instead (a ``.ttc`` collection needs the index of its face).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace, TTFontFile  # type: ignore[import-untyped]

FONT_ENV = "NIANBAO_PDF_FONT"
PACKAGED_NAME = "nianbao-NotoSerifSC"
MISSING_FONT = (
    "生成 PDF 所需的中文字体包未安装：请运行 pip install pylopdf-fonts-zh-cn fonttools"
    "（随 nianbao 一同安装），或设置 NIANBAO_PDF_FONT=TrueType 字体文件路径[:序号]"
)
_MAX_ERROR = 1.0  # font units: how far a converted quadratic outline may stray from the cubic one


@dataclass(frozen=True)
class Font:
    name: str  # as registered with ReportLab
    path: str
    index: int
    ascent: float  # of the em, for 1 pt
    descent: float  # negative
    widths: dict[int, float]  # advance per code point, for 1 pt
    default_width: float

    def width(self, text: str, size: float) -> float:
        widths, default = self.widths, self.default_width
        return sum(widths.get(ord(ch), default) for ch in text) * size


@functools.cache
def find_font(spec: str | None = None) -> Font:
    """The font to write with: `spec` (path[:index] of a TrueType font) when given, else the packaged one.

    RuntimeError with one Chinese line when it cannot be used."""
    if spec:
        path, index = _parse_spec(spec)
        try:
            return _load_truetype(path, index)
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"{FONT_ENV} 指定的字体无法使用：{spec}（{exc}）。{MISSING_FONT}") from None
    try:
        source = _packaged_source()
    except (ImportError, OSError) as exc:
        raise RuntimeError(f"{MISSING_FONT}（{exc}）") from None
    return source.register()


def packaged_font_path() -> str:
    """Where the packaged OpenType font is (ImportError when its package is not installed)."""
    import pylopdf_fonts_zh_cn

    return os.path.join(os.path.dirname(pylopdf_fonts_zh_cn.__file__), "NotoSerifSC-Regular.otf")


def _parse_spec(spec: str) -> tuple[str, int]:
    path, _, index = spec.rpartition(":")
    if path and index.isdigit():
        return path, int(index)
    return spec, 0


def _load_truetype(path: str, index: int) -> Font:
    """The TrueType font at `path` (face `index` of a collection), registered with ReportLab.

    OSError or ValueError when it cannot be used (no such file, CFF outlines, no Chinese glyphs).
    """
    name = f"nianbao-{os.path.basename(path).rsplit('.', 1)[0]}-{index}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except TTFError as exc:
        raise ValueError(str(exc)) from None
    face = font.face
    if ord("政") not in face.charToGlyph:
        raise ValueError("字体不含中文字形")
    pdfmetrics.registerFont(font)
    widths = {code: float(w) / 1000 for code, w in face.charWidths.items()}
    return Font(
        name,
        path,
        index,
        float(face.ascent) / 1000,
        float(face.descent) / 1000,
        widths,
        float(face.defaultWidth) / 1000,
    )


class _PackagedFace(TTFontFace):  # type: ignore[misc]
    """ReportLab's face of the metrics font, whose embedded subsets come from `_Source.truetype`."""

    source: _Source

    def makeSubset(self, subset: Sequence[int]) -> bytes:
        real = TTFontFile(BytesIO(self.source.truetype(subset)))
        data: bytes = real.makeSubset(subset)
        return data


class _Source:
    """The packaged OpenType font, loaded once: metrics for ReportLab, TrueType glyphs on demand."""

    def __init__(self, path: str) -> None:
        from fontTools.ttLib import TTFont as OpenType

        self.path = path
        self.font = OpenType(path, lazy=True)
        self.cmap: dict[int, str] = self.font.getBestCmap()
        self.metrics: dict[str, tuple[int, int]] = self.font["hmtx"].metrics
        self.units = int(self.font["head"].unitsPerEm)
        self.glyphs: dict[str, Any] = {}  # converted TrueType glyphs, by glyph name
        self.lock = threading.Lock()  # fontTools' lazy tables are not safe to load from two threads at once
        self._registered: Font | None = None

    def register(self) -> Font:
        with self.lock:
            if self._registered is None:
                font = TTFont(PACKAGED_NAME, BytesIO(self._build(self.cmap, empty=True)), shapable=False)
                font.face.__class__ = _PackagedFace
                font.face.source = self
                pdfmetrics.registerFont(font)
                face = font.face
                widths = {code: float(w) / 1000 for code, w in face.charWidths.items()}
                self._registered = Font(
                    PACKAGED_NAME,
                    self.path,
                    0,
                    float(face.ascent) / 1000,
                    float(face.descent) / 1000,
                    widths,
                    float(face.defaultWidth) / 1000,
                )
            return self._registered

    def truetype(self, codes: Sequence[int]) -> bytes:
        """A TrueType font of the glyphs of `codes` (those the font has)."""
        with self.lock:
            return self._build({c: self.cmap[c] for c in codes if c in self.cmap}, empty=False)

    def _glyph(self, name: str) -> Any:
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        glyph = self.glyphs.get(name)
        if glyph is None:
            pen = TTGlyphPen(None)
            self.font.getGlyphSet()[name].draw(Cu2QuPen(pen, max_err=_MAX_ERROR, reverse_direction=True))
            glyph = self.glyphs[name] = pen.glyph()
        return glyph

    def _build(self, cmap: dict[int, str], *, empty: bool) -> bytes:
        from fontTools.fontBuilder import FontBuilder
        from fontTools.ttLib.tables._g_l_y_f import Glyph

        order = [".notdef", *sorted(set(cmap.values()) - {".notdef"})]
        builder = FontBuilder(self.units, isTTF=True)
        builder.setupGlyphOrder(order)
        builder.setupCharacterMap(cmap)
        builder.setupGlyf({name: Glyph() if empty else self._glyph(name) for name in order})
        builder.setupHorizontalMetrics({name: self.metrics[name] for name in order})
        hhea, os2 = self.font["hhea"], self.font["OS/2"]
        builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
        builder.setupNameTable({"familyName": "Nianbao Noto Serif SC", "styleName": "Regular"})
        # The typographic ascent and descent are the line box's (hhea): ReportLab writes them into the PDF, and
        # PDF readers (PDFium) take a character's box from them; Noto's own (880/-120) leave marks such as "，"
        # hanging below the box, and a reader then sees them on a line of their own.
        builder.setupOS2(
            sTypoAscender=hhea.ascent,
            sTypoDescender=hhea.descent,
            sTypoLineGap=0,
            usWinAscent=os2.usWinAscent,
            usWinDescent=os2.usWinDescent,
        )
        builder.setupPost()
        head, source_head = builder.font["head"], self.font["head"]
        for field in ("xMin", "yMin", "xMax", "yMax"):  # the whole font's box, not that of the glyphs present:
            setattr(head, field, getattr(source_head, field))  # PDF viewers size a character's box from it
        head.created, head.modified = source_head.created, source_head.modified  # not now: the same PDF every time
        builder.font.recalcBBoxes = False
        out = BytesIO()
        builder.save(out)
        return out.getvalue()


@functools.cache
def _packaged_source() -> _Source:
    path = packaged_font_path()
    if not os.path.isfile(path):
        raise OSError(f"字体文件不存在：{path}")
    return _Source(path)
