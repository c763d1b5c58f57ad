"""Input kind for scans: a page image read by OCR into the same lines and table rows as a PDF's text layer.

The engine is RapidOCR on ONNX Runtime (`pip install nianbao[ocr]`): its wheel carries the PP-OCRv6 detection
and recognition models, so nothing is downloaded, and the same image gives the same text on every run. Why this
engine, and the figures: docs/ocr.md.

A page is prepared by `scan.prepare` (the seal's red whitened, deskewed, ruling lines found); OCR gives each
character (Chinese) or run of digits and letters with its box and its confidence; the ruling lines become the
table cells exactly as a PDF's drawn rules do (`pdf.table_cells`), and the characters are placed in the cells or
in the lines between them by `pdf.page_blocks`, the code the PDF reader itself uses. A page without rules is read
by position, as a PDF without rules is. Every location keeps its page, its box (in points at the scan's
resolution, as a PDF's) and the lowest confidence of what was read in it (`Location.ocr`): the audit's C209
lists the cells read with too little confidence.

The recognition model is asked for crops 48 pixels high and as wide as the widest in its batch (not 320, the
default): a table's cells are mostly one or two digits, and padding each to 320 pixels made recognition three
times slower for the same text. A line of running text, most of a page's recognition time, is read at three quarters
of that height (`_smaller`): a quarter fewer pixels wide for the same characters. A page image larger than the engine
reads (`PAGE_SIDE`: a 300 dpi A4 page) is shrunk to it first, so that preparing it costs no more than the OCR uses.
"""

from __future__ import annotations

import importlib.util
import os
import re
import unicodedata
import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nianbao.read.errors import ReadError

if TYPE_CHECKING:
    from PIL.Image import Image

    from nianbao.read.document import Block
    from nianbao.read.options import ReadOptions

__all__ = ["ENV_OCR_THREADS", "OCR_MISSING", "available", "ocr_pdf_page", "page_blocks_from_image", "scanned_page"]

#: Threads ONNX Runtime may use for one page (default 1: the batch and the web app run pages in parallel
#: processes; a single `nianbao parse` of a scan may set more).
ENV_OCR_THREADS = "NIANBAO_OCR_THREADS"
#: Longest side (pixels) of the page image text is detected on; recognition reads the crops at full resolution.
#: 1024: a 150 dpi A4 page's characters are still 13 pixels high there; detection took a fifth of a page's time at
#: 1280 and a third of its peak memory (docs/ocr.md).
DET_SIDE = 1024
#: Longest side (pixels) a page image is read at: a 300 dpi A4 page (3508 pixels) is shrunk to it before anything
#: else, as the engine would shrink it for detection and recognition anyway; the ruling lines are found on it too.
PAGE_SIDE = 2000
#: Said when a scan is met and the OCR extra is not installed.
OCR_MISSING = "未安装文字识别组件（pip install 'nianbao[ocr]'）"


def available() -> bool:
    """Whether the OCR extra is installed (RapidOCR, ONNX Runtime, OpenCV), without importing it."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))


def _threads() -> int:
    try:
        return max(1, int(os.environ.get(ENV_OCR_THREADS, "1")))
    except ValueError:
        return 1


@cache
def _engine(threads: int) -> Any:
    import logging

    from rapidocr import RapidOCR

    engine: Any = RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.max_side_len": PAGE_SIDE,  # the engine's own default, said here: pages are shrunk to it first
            "Global.use_cls": False,  # pages of a report are upright (a turned page is not deskewed either)
            "Global.return_word_box": True,
            # detection on the page shrunk to DET_SIDE pixels at most: less memory and time than at full size, the
            # same text found (a cell it leaves empty is looked at again: `_second_look`)
            "Det.limit_type": "max",
            "Det.limit_side_len": DET_SIDE,
            "Rec.rec_img_shape": [3, 48, 48],  # crops as wide as their batch needs (module docstring)
            "Rec.rec_batch_num": 6,  # small batches: less padding to the widest crop (faster than 16 or 32)
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    recognise = engine.recognize_txt

    def recognize_txt(crops: list[Any]) -> Any:  # between the engine's cropping and its recogniser
        return recognise([_smaller(c) for c in crops])

    engine.recognize_txt = recognize_txt
    return engine


#: A crop at least this many times as wide as it is high is a line of running text (a table's cells and labels are
#: shorter), recognised smaller: see `_smaller`.
LONG_LINE = 16.0
#: The height a line of running text is given in the recogniser's 48-pixel frame, as a share of it.
LINE_SCALE = 0.75


def _smaller(crop: Any) -> Any:
    """`crop` given margins above and below when it is a line of running text, so that the recogniser, which scales
    every crop to 48 pixels high, reads it at `LINE_SCALE` of that and as many fewer pixels wide: recognition's time
    goes with the crops' width, and a page's running text is most of it. A table's cells are read at full size."""
    import cv2
    import numpy as np

    h, w = crop.shape[:2]
    if LINE_SCALE >= 1.0 or h == 0 or w / h < LONG_LINE:
        return crop
    pad = round(h * (1 / LINE_SCALE - 1) / 2)
    edge = np.concatenate([crop[0], crop[-1]])  # the paper around the line, in its own colour
    value = [int(v) for v in np.median(edge, axis=0)] if edge.ndim == 2 else int(np.median(edge))
    return cv2.copyMakeBorder(crop, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=value)


#: Letters OCR reads for digits in a run of digits (`O` for 0, `l` for 1): a table cell of a report prints no
#: Latin letter alone. The confidence is kept as read (low, mostly), so the cell is still listed (C209).
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
_DIGITISH = re.compile(r"[0-9.,OoD〇lI|]+")


def _as_digits(text: str) -> str:
    """`text` with letters read for digits made digits, when it is digits and such letters only. A letter's
    accents go first: a speck of a seal's ink over a `0` is read as `ó`."""
    bare = text
    if not text.isascii():
        bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if _DIGITISH.fullmatch(bare) and not bare.isdigit() and any(ch.isdigit() or ch in "O〇o" for ch in bare):
        return bare.translate(_AS_DIGIT)
    return text


def _words(image: Any) -> list[tuple[str, float, float, float, float, float, int]]:
    """(text, confidence, x0, top, x1, bottom, line) of every character or run of digits the OCR reads (pixels;
    `line` numbers the text line detection found it in)."""
    # every flag given on every call: RapidOCR keeps the flags of the last call (see `_second_look`)
    with warnings.catch_warnings():  # numpy's "mean of empty slice" on a page with no text
        warnings.simplefilter("ignore", RuntimeWarning)
        result = _engine(_threads())(image, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    out: list[tuple[str, float, float, float, float, float, int]] = []
    for number, line in enumerate(getattr(result, "word_results", None) or ()):
        for word in line:
            if not isinstance(word, tuple | list) or len(word) != 3:
                continue
            text, score, box = word
            if not text or not str(text).strip():
                continue
            xs = [float(p[0]) for p in box]
            ys = [float(p[1]) for p in box]
            out.append((_as_digits(str(text)), float(score), min(xs), min(ys), max(xs), max(ys), number))
    return out


#: A table cell OCR found nothing in is looked at again when at least this share of its inside is ink.
INK_SHARE = 0.004
#: Pixels of a cell's border left out of its second look (its ruling lines), at 150 dpi.
BORDER = 4


def _second_look(
    image: Any, cells: list[tuple[float, float, float, float]], found: list[Any], scale: float
) -> list[Any]:
    """Characters of the table cells OCR's detection left empty though they hold ink (a lone `0` is easy to
    miss): each such cell's inside is recognised on its own, without detection."""
    import cv2

    from nianbao.read.inputs.pdf import OcrChar

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    taken = [((c.x0 + c.x1) / 2, c.cy) for c in found]
    border = max(2, round(BORDER / (scale * 150 / 72)))
    out: list[Any] = []
    for x0, top, x1, bottom in cells:
        if any(x0 <= x <= x1 and top <= y <= bottom for x, y in taken):
            continue
        a, b = round(x0 / scale) + border, round(top / scale) + border
        c, d = round(x1 / scale) - border, round(bottom / scale) - border
        if c - a < 8 or d - b < 8:
            continue
        crop = gray[b:d, a:c]
        if (crop < 128).mean() < INK_SHARE:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = _engine(_threads())(crop, use_det=False, use_cls=False, use_rec=True, return_word_box=False)
        texts = getattr(result, "txts", None) or ()
        for text, score in zip(texts, getattr(result, "scores", None) or (), strict=False):
            if text and str(text).strip():
                word = _as_digits(str(text).strip())
                out.append(OcrChar(word, x0 + 1, top + 1, x1 - 1, bottom - 1, float(score), -len(out) - 1))
    return out


def page_blocks_from_image(
    image: Image, number: int, dpi: float, options: ReadOptions, file: str
) -> tuple[list[Block], int]:
    """The lines and table rows of one scanned page (see the module docstring), and its count of characters read.
    `dpi`: the scan's resolution, by which boxes become points."""
    if not available():
        raise ReadError(file, f"第{number}页是扫描图像，需要文字识别：{OCR_MISSING}")
    from PIL.Image import Resampling

    from nianbao.read.inputs.pdf import OcrChar, page_blocks, table_cells, too_many_rules
    from nianbao.read.inputs.scan import prepare

    side = max(image.size)
    if side > PAGE_SIDE:
        factor = PAGE_SIDE / side
        image = image.resize((round(image.width * factor), round(image.height * factor)), Resampling.BOX)
        dpi *= factor
    prepared = prepare(image)
    scale = 72.0 / dpi
    chars = [
        OcrChar(text, x0 * scale, top * scale, x1 * scale, bottom * scale, score, line)
        for text, score, x0, top, x1, bottom, line in _words(prepared.image)
    ]
    edges: list[dict[str, Any]] = []
    for s in prepared.strokes:
        x0, y0, x1, y1 = s.x0 * scale, s.y0 * scale, s.x1 * scale, s.y1 * scale
        across = y0 == y1
        edges.append(
            {
                "x0": x0,
                "x1": x1,
                "top": y0,
                "bottom": y1,
                "width": x1 - x0,
                "height": y1 - y0,
                "orientation": "h" if across else "v",
                "object_type": "line",
            }
        )
    try:
        tables = table_cells(edges, options)
    except too_many_rules:
        tables = []
    chars += _second_look(prepared.image, [box for table in tables for box in table], chars, scale)
    blocks = page_blocks(chars, tables, number, prepared.height * scale)
    del prepared
    _give_back_memory()
    return blocks, len(chars)


def _give_back_memory() -> None:
    """Returns the memory a page's OCR freed to the system (glibc keeps it otherwise, and a report of many pages
    grew page by page past 1 GB at 300 dpi); nothing where there is no glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


#: Resolution a scanned page is rendered at for OCR: its images' own, within these bounds (dpi).
SCAN_DPI = (150.0, 300.0)


def scanned_page(page: pdfium.PdfPage) -> bool:
    """Whether the page shows images (a scan), as a page with no text layer does."""
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4))


def _scan_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the page's largest image as placed on the page, within `SCAN_DPI`."""
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        try:
            meta = obj.get_metadata()
        except pdfium.PdfiumError:
            continue
        best = max(best, float(meta.horizontal_dpi), float(meta.vertical_dpi))
    low, high = SCAN_DPI
    return min(max(best, low), high) if best > 0 else high


def ocr_pdf_page(page: pdfium.PdfPage, number: int, options: ReadOptions, file: str) -> tuple[list[Block], int]:
    """A scanned page of a PDF, rendered at its images' resolution and read by OCR."""
    width, height = page.get_size()
    dpi = min(_scan_dpi(page), PAGE_SIDE * 72 / max(width, height, 1.0))
    image = page.render(scale=dpi / 72).to_pil()
    return page_blocks_from_image(image, number, dpi, options, file)
