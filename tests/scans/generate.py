"""Scans of a corpus report (issue #16): its PDF rasterised, degraded, saved as image files or an image-only PDF.

    python -m tests.scans.generate corpus/real/r001.txt OUT.pdf --dpi 150 --degrade skew,seal --seed 0
    python -m tests.scans.generate corpus/real/r001.txt OUT_FOLDER --degrade photo --pages 4

The report's PDF is the one `nianbao render --to pdf` writes (`tests.scans.truth.report_pdf`: the `clean`
form read and rendered); its truth is what that PDF prints (`ScanTruth`: a blank cell prints as 0). Each page
is rasterised with pypdfium2 at `dpi` (150: 1240×1754 px for A4), grayscale unless a degradation needs colour
(seal, photo), then degraded (`tests.scans.degrade`, in the order things happen to paper). Seed 0 is the
canonical scan; every seed gives the same images, byte for byte: each (seed, degradation, page) has its own
`random.Random`.

A `Scan` keeps the page images (PIL), writes them as `page-001.png` … (`.jpg` when the last step wrote a JPEG:
jpeg, photo; the very bytes it wrote) or as an image-only PDF (Pillow stores each page as a JPEG, quality 75,
with a fixed date so the bytes depend only on the scan).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from nianbao.report import Number
from tests.forms.source import Source, load_source
from tests.scans.degrade import APPLY, COLOUR, ENCODED, Degradation, PageInfo, label, parse
from tests.scans.truth import ScanTruth, report_pdf

PDF_QUALITY = 75  # JPEG quality of an image-only PDF's pages: Pillow's PDF writer stores JPEG; 75 is its default
PDF_DATE = time.struct_time((2024, 1, 1, 0, 0, 0, 0, 1, 0))  # fixed: the same scan writes the same bytes
SEALED_PAGES = 2  # the seal is stamped on the pages printing the most table cells


@dataclass
class Scan:
    """One scan of a report: its page images, how they were made, and (`cells()`) what they print."""

    source: str  # e.g. "real/r001"
    dpi: int
    degradations: tuple[Degradation, ...]
    seed: int
    truth: ScanTruth
    pages: tuple[int, ...]  # the report's pages scanned (1-based), one per image
    images: list[Image.Image]
    params: list[dict[str, float]]  # per page: what the degradations drew ("skew.angle", "seal.x"…)
    encoded: list[bytes | None]  # per page: the JPEG file the last step wrote (jpeg, photo), else None

    @property
    def name(self) -> str:
        return label(self.degradations)

    @property
    def suffix(self) -> str:
        return ".jpg" if ENCODED & set(self.degradations) else ".png"

    def cells(self) -> dict[str, Number | None]:
        """The truth of the pages scanned: every cell printed on them."""
        return {k: v for p in self.pages for k, v in self.truth.on_page(p).items()}

    def save_image(self, index: int, path: Path) -> Path:
        """Page `index` (0-based in `images`) as a file: the JPEG bytes written by the last step when there are,
        else PNG (optimize=True; the suffix of `path` is not consulted)."""
        data = self.encoded[index]
        if data is not None:
            path.write_bytes(data)
        else:
            self.images[index].save(path, "PNG", optimize=True)
        return path

    def to_images(self, folder: Path) -> list[Path]:
        """`page-001.png` … in `folder` (created), numbered by the report's page; `.jpg` for jpeg / photo."""
        folder.mkdir(parents=True, exist_ok=True)
        return [self.save_image(i, folder / f"page-{p:03d}{self.suffix}") for i, p in enumerate(self.pages)]

    def to_pdf(self, path: Path, quality: int = PDF_QUALITY) -> Path:
        """An image-only PDF: one page per image at `dpi` (so an A4 page stays A4), no text layer; each page a JPEG
        of `quality`."""
        first, *rest = self.images
        first.save(
            path,
            "PDF",
            resolution=float(self.dpi),
            save_all=True,
            append_images=rest,
            quality=quality,
            title=f"{self.source} {self.name}",
            creationDate=PDF_DATE,
            modDate=PDF_DATE,
        )
        return path


def rasterise(pdf: bytes, dpi: int, colour: bool, pages: Iterable[int]) -> list[Image.Image]:
    """The PDF's `pages` (1-based) at `dpi`: RGB when `colour`, else grayscale (L)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        out = []
        for number in pages:
            bitmap = doc[number - 1].render(scale=dpi / 72, grayscale=not colour)
            out.append(bitmap.to_pil().convert("RGB" if colour else "L"))
        return out
    finally:
        doc.close()


def page_rng(seed: int, degradation: Degradation, page: int) -> random.Random:
    """The randomness of one degradation on one page: independent of the other degradations of the scan."""
    return random.Random(f"{seed}:{degradation.value}:{page}")


def make_scan(
    source: Source,
    dpi: int = 150,
    degradations: str | Iterable[str] = (),
    seed: int = 0,
    pages: Sequence[int] | None = None,
) -> Scan:
    """The scan of `source` at `dpi` with `degradations` ("skew,seal", names, or Degradation members; none:
    clean), of its `pages` (1-based; all when None)."""
    chosen = parse(degradations)
    rendered = report_pdf(source)
    truth = rendered.truth
    numbers = tuple(pages) if pages is not None else tuple(range(1, truth.pages + 1))
    if not numbers or any(not 1 <= n <= truth.pages for n in numbers):
        raise ValueError(f"{source.name} has pages 1–{truth.pages}, not {list(numbers)}")
    sealed = set(truth.table_pages()[:SEALED_PAGES])
    scale = dpi / 72
    images = rasterise(rendered.data, dpi, bool(COLOUR & set(chosen)), numbers)
    params: list[dict[str, float]] = []
    encoded: list[bytes | None] = []
    for i, number in enumerate(numbers):
        boxes = tuple((x0 * scale, t * scale, x1 * scale, b * scale) for x0, t, x1, b in truth.cell_boxes(number))
        page = PageInfo(number, dpi, boxes, number in sealed, truth.agency)
        drawn: dict[str, float] = {}
        jpeg_file: bytes | None = None
        for degradation in chosen:
            applied = APPLY[degradation](images[i], page_rng(seed, degradation, number), page)
            images[i] = applied.image
            drawn.update(applied.params)
            jpeg_file = applied.encoded
        params.append(drawn)
        encoded.append(jpeg_file)
    return Scan(source.name, dpi, chosen, seed, truth, numbers, images, params, encoded)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write one scan of a corpus report (image-only PDF or images).")
    parser.add_argument("source", type=Path, help="a corpus report, e.g. corpus/real/r001.txt")
    parser.add_argument("out", type=Path, help="OUT.pdf: an image-only PDF; anything else: a folder of page images")
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument(
        "--degrade", default="clean", help=f"comma-separated: {', '.join(d.value for d in Degradation)}"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pages", help="comma-separated page numbers (1-based); default: every page")
    args = parser.parse_args(argv)
    try:
        degradations = parse(args.degrade)
    except ValueError as exc:
        parser.error(str(exc))
    pages = [int(p) for p in args.pages.split(",")] if args.pages else None
    started = time.perf_counter()
    scan = make_scan(load_source(args.source.resolve()), args.dpi, degradations, args.seed, pages)
    written = [scan.to_pdf(args.out)] if args.out.suffix.lower() == ".pdf" else scan.to_images(args.out)
    size = sum(p.stat().st_size for p in written)
    print(
        f"{scan.source}: {len(scan.images)} page(s) at {scan.dpi} dpi, {scan.name}, seed {scan.seed} → {args.out} "
        f"({size / 1024:.0f} KB, {len(scan.cells())} cells of truth, {time.perf_counter() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
