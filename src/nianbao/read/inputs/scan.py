"""A scanned page made ready for OCR, and its tables' ruling lines (OpenCV): the image side of `ocr`.

In order: a photographed page is taken out of the desk around it and its perspective undone; the red of an
official seal (公章) is removed (the page is read through a red filter), so that its ring
and text do not become digits (a black digit under the red stays dark, and stays); the page is deskewed by the
angle of its long horizontal rules (or, without rules, left as it is), rotating about its centre with a white
border; then the horizontal and vertical rules are found by a morphological opening with long thin kernels, and
each connected run of a rule becomes one stroke, in the page's coordinates (pixels). `ocr` turns the strokes into
pdfplumber edges and the cells of the tables, as the PDF reader does with a PDF's drawn paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["Prepared", "Stroke", "prepare"]

#: Share of a page's pixels that are red for the page to be read through a red filter (`_without_red`).
RED_SHARE = 0.0005
#: In the red channel, what is at least this light is paper (a seal's ink leaves a trace of about 200-230).
PAPER = 180
#: Largest skew corrected (degrees): a page turned further is not a scan of a report held straight.
MAX_SKEW = 5.0
#: A rule is at least this share of the page's width (horizontal) or height (vertical) long, as a run.
H_RULE_SHARE = 1 / 25
V_RULE_SHARE = 1 / 50


@dataclass(frozen=True)
class Stroke:
    """A ruling line: horizontal when y0 == y1, else vertical (pixels, y growing downward)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Prepared:
    """The page as OCR reads it (RGB, seal whitened, deskewed), its rules, and the skew corrected (degrees)."""

    image: np.ndarray[Any, Any]
    strokes: list[Stroke]
    skew: float
    width: int
    height: int


def _without_red(rgb: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The page seen through a red filter: its red channel as gray, in which a seal's red ink is as light as the
    paper while black ink stays black, also where the seal lies over it (a digit under a seal is darkened red,
    whose red channel keeps the digit's own gray). Only when the page has red (a seal) to remove."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r.astype(np.int16) - np.maximum(g, b)) > 60
    if red.mean() < RED_SHARE:
        return rgb
    light = np.where(r >= PAPER, 255, r).astype(np.uint8)  # the seal's faint trace in the red channel: paper
    return np.repeat(light[..., None], 3, axis=2)


def _binary(gray: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Ink as 255 on 0 (Otsu's threshold on the inverted page)."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


#: Width the page is shrunk to for finding its skew (the Hough transform's cost grows with the pixels).
SKEW_WIDTH = 800


def _skew(ink: np.ndarray[Any, Any]) -> float:
    """The page's skew (degrees, positive counter-clockwise as OpenCV rotates) from its long near-horizontal
    lines (the Hough transform over angles within `MAX_SKEW` of horizontal, on the page shrunk to `SKEW_WIDTH`);
    0 when it has none."""
    h, w = ink.shape
    if w > SKEW_WIDTH:
        small = cv2.resize(ink, (SKEW_WIDTH, max(1, round(h * SKEW_WIDTH / w))), interpolation=cv2.INTER_AREA)
        _, ink = cv2.threshold(small, 60, 255, cv2.THRESH_BINARY)
        h, w = ink.shape
    spread = math.radians(MAX_SKEW)
    lines = cv2.HoughLines(
        ink, 1, math.pi / 1800, threshold=w // 3, min_theta=math.pi / 2 - spread, max_theta=math.pi / 2 + spread
    )
    if lines is None or len(lines) == 0:
        return 0.0
    thetas = lines.reshape(-1, 2)[:9, 1]  # the lines with most votes first
    return float(np.median([math.degrees(t) - 90.0 for t in thetas]))


def _rotate(image: np.ndarray[Any, Any], angle: float) -> np.ndarray[Any, Any]:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _strokes(ink: np.ndarray[Any, Any]) -> list[Stroke]:
    h, w = ink.shape
    out: list[Stroke] = []
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, int(w * H_RULE_SHARE)), 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, int(h * V_RULE_SHARE))))
    )
    for mask, across in ((horizontal, True), (vertical, False)):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, count):
            x, y, bw, bh, _area = (int(v) for v in stats[i])
            if across:
                out.append(Stroke(float(x), y + bh / 2, float(x + bw), y + bh / 2))
            else:
                out.append(Stroke(x + bw / 2, float(y), x + bw / 2, float(y + bh)))
    return out


#: Side (pixels) the photo is shrunk to for finding the page in it.
PAGE_FIND_SIDE = 800


def _ordered(corners: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    points = corners.reshape(4, 2).astype(np.float32)
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).reshape(4)
    return np.array(
        [points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)], points[np.argmax(diff)]],
        dtype=np.float32,
    )


def _unwarped(rgb: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """A photographed page taken out of its background and its perspective undone: the largest bright
    four-cornered region (the paper on a darker desk) mapped onto the whole image. A scan, whose paper fills the
    frame, or an image where no such page stands out, is returned as it is."""
    h, w = rgb.shape[:2]
    scale = min(1.0, PAGE_FIND_SIDE / max(h, w))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    _, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return rgb
    page = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(page) / float(small.shape[0] * small.shape[1])
    if not 0.5 <= share <= 0.985:  # no page stands out, or the paper fills the frame (a scan)
        return rgb
    corners = cv2.approxPolyDP(page, 0.02 * cv2.arcLength(page, True), True)
    if len(corners) != 4:
        return rgb
    source = _ordered(corners) / scale
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def prepare(image: Image) -> Prepared:
    """The page image made ready for OCR, with its ruling lines (see the module docstring)."""
    rgb = _without_red(_unwarped(np.asarray(image.convert("RGB"))))
    ink = _binary(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    angle = _skew(ink)
    if abs(angle) >= 0.05:
        rgb = _rotate(rgb, angle)
        ink = _binary(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    h, w = ink.shape
    return Prepared(rgb, _strokes(ink), angle, w, h)
