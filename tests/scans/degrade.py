"""What happens to a printed page on its way to a scan: skew, blur, JPEG, a red official seal, a phone photo.

Each degradation is a function of the page image, a `random.Random` and the page (`PageInfo`): the same
seed gives the same image, byte for byte. `tests.scans.generate` seeds one `Random` per (seed, degradation,
page), so adding a degradation to a scan does not change what the others do. A scan combines several in the
order they happen to a real page (`ORDER`): the seal is stamped on the paper, the page is fed askew, the
optics blur it, a phone photographs it (and saves a JPEG), the scanner or the web site re-encodes it.

  clean  nothing
  skew   rotated by 0.5–2° either way about the centre, white corners, same size (expand=False)
  blur   Gaussian blur, radius 0.6–1.0 px
  jpeg   re-encoded as JPEG, quality 35–50
  seal   a red round official seal, ~40 mm across: ring, the agency's name along it, a star, "政务公开专用章"
         under it, in semi-transparent ink (multiplied into the page: the digits under it stay dark), centred
         near a random table cell, on the two pages printing the most table cells (seal.x / seal.y: its
         centre in pixels of the page as printed, before any skew or photo moves it)
  photo  a mild perspective (each corner moved in by up to 0.8–2.5% of the page), the desk around the page,
         light falling off by 8–18% across the page in a random direction, a warm tint, JPEG quality 60–80
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

PixelBox = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels of the page image
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


class Degradation(StrEnum):
    CLEAN = "clean"
    SKEW = "skew"
    BLUR = "blur"
    JPEG = "jpeg"
    SEAL = "seal"
    PHOTO = "photo"


# The order in which degradations happen to a page (clean is none).
ORDER = (Degradation.SEAL, Degradation.SKEW, Degradation.BLUR, Degradation.PHOTO, Degradation.JPEG)
COLOUR = frozenset({Degradation.SEAL, Degradation.PHOTO})  # need an RGB page; the others are grayscale
ENCODED = frozenset({Degradation.JPEG, Degradation.PHOTO})  # end in a JPEG file


def parse(names: str | Iterable[str]) -> tuple[Degradation, ...]:
    """`"skew,seal"`, `"skew+jpeg+seal"` or a list of names → the degradations in `ORDER` ("clean": none).

    ValueError naming the choices for an unknown name."""
    parts = names.replace("+", ",").split(",") if isinstance(names, str) else list(names)
    chosen: set[Degradation] = set()
    for part in (p.strip().lower() for p in parts):
        if not part:
            continue
        try:
            chosen.add(Degradation(part))
        except ValueError:
            raise ValueError(
                f"unknown degradation {part!r} (choices: {', '.join(d.value for d in Degradation)})"
            ) from None
    return tuple(d for d in ORDER if d in chosen)


def label(degradations: Iterable[Degradation]) -> str:
    """`skew+seal`, or `clean` for none."""
    return "+".join(d.value for d in degradations) or Degradation.CLEAN.value


@dataclass(frozen=True)
class PageInfo:
    number: int  # 1-based page of the report
    dpi: int
    cell_boxes: tuple[PixelBox, ...]  # the table cells printed on the page, in pixels
    sealed: bool  # whether the seal is stamped on this page
    agency: str  # the seal's text


@dataclass
class Applied:
    image: Image.Image
    params: dict[str, float] = field(default_factory=dict)  # what was drawn: "skew.angle", "jpeg.quality"…
    encoded: bytes | None = None  # the JPEG file, when the degradation ends by writing one


Apply = Callable[[Image.Image, random.Random, PageInfo], Applied]


def mm(dpi: int, millimetres: float) -> float:
    return millimetres * dpi / 25.4


# ---------------------------------------------------------------------------------------------
# skew, blur, jpeg
# ---------------------------------------------------------------------------------------------


def skew(image: Image.Image, rng: random.Random, page: PageInfo) -> Applied:
    """Rotated 0.5–2° (counter-clockwise when positive, PIL's sense) about the centre; white fills the corners."""
    angle = rng.uniform(0.5, 2.0) * rng.choice((-1, 1))
    out = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    return Applied(out, {"skew.angle": angle})


def blur(image: Image.Image, rng: random.Random, page: PageInfo) -> Applied:
    radius = rng.uniform(0.6, 1.0)
    return Applied(image.filter(ImageFilter.GaussianBlur(radius)), {"blur.radius": radius})


def encode_jpeg(image: Image.Image, quality: int) -> tuple[Image.Image, bytes]:
    """The image saved as JPEG at `quality`, and read back."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    data = buffer.getvalue()
    decoded = Image.open(io.BytesIO(data))
    decoded.load()
    return decoded, data


def jpeg(image: Image.Image, rng: random.Random, page: PageInfo) -> Applied:
    quality = rng.randint(35, 50)
    decoded, data = encode_jpeg(image, quality)
    return Applied(decoded, {"jpeg.quality": quality}, data)


# ---------------------------------------------------------------------------------------------
# seal
# ---------------------------------------------------------------------------------------------

SEAL_FOOTER = "政务公开专用章"


@cache
def seal_font(size: int) -> Font:
    """The PDF's own Chinese font (Noto Serif SC, `nianbao.render.pdf_font`) at `size` px; PIL's default
    font when it cannot be loaded (the seal's text then draws as boxes, which is still red ink)."""
    try:
        from nianbao.render.pdf_font import packaged_font_path

        return ImageFont.truetype(packaged_font_path(), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size)


def _glyph(char: str, size: int, angle: float) -> Image.Image:
    """One character as an L mask, rotated clockwise by `angle` degrees (its top pointing outward)."""
    side = 2 * size
    tile = Image.new("L", (side, side), 0)
    ImageDraw.Draw(tile).text((side / 2, side / 2), char, fill=255, font=seal_font(size), anchor="mm")
    return tile.rotate(-angle, resample=Image.Resampling.BICUBIC)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else outer * 0.382
        a = math.radians(-90 + 36 * k)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def seal_mask(diameter: float, agency: str, rng: random.Random) -> Image.Image:
    """The seal upright as an L mask (255 = ink) on a square canvas: a ring, the agency's name along its top
    250° (or less for a short name), a five-pointed star in the middle and `SEAL_FOOTER` under it."""
    side = int(diameter * 1.1) + 4
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    c = side / 2
    radius = diameter / 2
    ring = max(2, round(diameter * rng.uniform(0.026, 0.034)))
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    text = agency or "人民政府办公室"
    span = min(250.0, 36.0 * len(text))
    size = int(min(diameter * 0.17, 0.9 * (radius * 0.72) * math.radians(span) / max(1, len(text))))
    along = radius - ring - 0.62 * size
    for i, char in enumerate(text):
        theta = -span / 2 + span * (i + 0.5) / len(text)  # degrees clockwise from the top
        x = c + along * math.sin(math.radians(theta))
        y = c - along * math.cos(math.radians(theta))
        glyph = _glyph(char, size, theta)
        at = (round(x - glyph.width / 2), round(y - glyph.height / 2))
        region = mask.crop((at[0], at[1], at[0] + glyph.width, at[1] + glyph.height))
        mask.paste(ImageChops.lighter(region, glyph), at)
    draw.polygon(_star(c, c, diameter * 0.17), fill=255)
    footer = max(6, int(diameter * 0.085))
    draw.text((c, c + diameter * 0.3), SEAL_FOOTER, fill=255, font=seal_font(footer), anchor="mm")
    return mask


def seal(image: Image.Image, rng: random.Random, page: PageInfo) -> Applied:
    """A red seal ~40 mm across stamped over the table (on a sealed page with table cells; else nothing)."""
    if not page.sealed or not page.cell_boxes:
        return Applied(image)
    diameter = mm(page.dpi, rng.uniform(38.0, 42.0))
    mask = seal_mask(diameter, page.agency, rng)
    turn = rng.uniform(-30.0, 30.0)
    mask = mask.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True)
    x0, top, x1, bottom = rng.choice(page.cell_boxes)
    cx = (x0 + x1) / 2 + rng.uniform(-0.15, 0.15) * diameter
    cy = (top + bottom) / 2 + rng.uniform(-0.15, 0.15) * diameter
    width, height = image.size
    cx = min(max(cx, mask.width / 2), width - mask.width / 2)
    cy = min(max(cy, mask.height / 2), height - mask.height / 2)
    left, upper = round(cx - mask.width / 2), round(cy - mask.height / 2)

    ink = np.array([rng.uniform(200, 225), rng.uniform(15, 40), rng.uniform(25, 50)], dtype=np.float32) / 255
    strength = rng.uniform(0.8, 0.92)
    noise = np.random.default_rng(rng.getrandbits(64)).uniform(0.85, 1.0, (mask.height, mask.width))
    spread = np.asarray(mask.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32) / 255
    alpha = (spread * strength * noise).astype(np.float32)[..., None]

    rgb = image.convert("RGB")
    pixels = np.asarray(rgb, dtype=np.float32)
    window = pixels[upper : upper + mask.height, left : left + mask.width]
    a = alpha[: window.shape[0], : window.shape[1]]
    # Ink multiplies what is printed: white paper turns red, the black digits under the seal stay dark.
    pixels[upper : upper + mask.height, left : left + mask.width] = window * (1 - a + a * ink)
    out = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    return Applied(out, {"seal.x": cx, "seal.y": cy, "seal.diameter": diameter, "seal.turn": turn})


# ---------------------------------------------------------------------------------------------
# photo
# ---------------------------------------------------------------------------------------------


def photo(image: Image.Image, rng: random.Random, page: PageInfo) -> Applied:
    """A phone photo of the page: mild perspective, desk around it, uneven light, warm tint, JPEG 60–80."""
    pixels = np.asarray(image.convert("RGB"))
    height, width = pixels.shape[:2]
    inset = rng.uniform(0.008, 0.025)

    def jitter(size: int) -> float:
        return rng.uniform(0.0, inset) * size

    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    moved = np.array(
        [
            [jitter(width), jitter(height)],
            [width - jitter(width), jitter(height)],
            [width - jitter(width), height - jitter(height)],
            [jitter(width), height - jitter(height)],
        ],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(corners, moved)
    desk = tuple(float(v) for v in (rng.uniform(110, 150), rng.uniform(100, 140), rng.uniform(90, 125)))
    warped = cv2.warpPerspective(
        pixels, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=desk
    )

    angle = rng.uniform(0.0, 2 * math.pi)
    shade = rng.uniform(0.08, 0.18)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    along = xs * math.cos(angle) + ys * math.sin(angle)
    along = (along - along.min()) / max(1e-6, float(along.max() - along.min()))
    light = 1.0 - shade * along
    tint = np.array([1.0, rng.uniform(0.96, 0.99), rng.uniform(0.9, 0.96)], dtype=np.float32)
    lit = warped.astype(np.float32) * light[..., None] * tint
    shot = Image.fromarray(np.clip(lit + 0.5, 0, 255).astype(np.uint8), "RGB")
    quality = rng.randint(60, 80)
    decoded, data = encode_jpeg(shot, quality)
    params = {"photo.inset": inset, "photo.shade": shade, "photo.light_angle": angle, "photo.quality": quality}
    return Applied(decoded, params, data)


APPLY: dict[Degradation, Apply] = {
    Degradation.SKEW: skew,
    Degradation.BLUR: blur,
    Degradation.JPEG: jpeg,
    Degradation.SEAL: seal,
    Degradation.PHOTO: photo,
}
