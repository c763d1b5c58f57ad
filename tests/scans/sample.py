"""A small fixed sample of scans for the reader's own tests (tests/data/scans/), and their truth.

    python -m tests.scans.sample [FOLDER]     # default: tests/data/scans

For `real/r001` (2021 format) and `seeds/002` (2019 format), at 150 dpi, seed 0:
  - the page printing most of table 三 as a PNG, skewed and sealed (`<name>-page<N>-skew-seal.png`);
  - the whole report as an image-only PDF, clean (`<name>-clean.pdf`).
`truth.json` maps each file name to what it prints: its cells (key → value; the PNG: the cells on its page),
format, year, agency, and how it was made (source, pages, dpi, degradations, seed, the degradations' params).

The files are kept small: a PNG is written with optimize=True, and one over 400 KB becomes grayscale ("L"),
or, when it carries the seal (which must stay red), a 16-colour palette image ("P", no dither).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from PIL import Image

from tests.forms.source import CORPUS, ROOT, corpus_sources, load_source
from tests.scans.degrade import Degradation
from tests.scans.generate import Scan, make_scan
from tests.scans.truth import json_number

FOLDER = ROOT / "tests" / "data" / "scans"
REPORTS = ("real/r001", "seeds/002")
DPI = 150
SEED = 0
MAX_PNG = 400 * 1024


def short_name(source: str) -> str:
    """`real/r001` → `real-r001`; `seeds/002_0443c703299bd9d2` → `seeds-002`."""
    return source.split("_")[0].replace("/", "-")


def source_path(name: str) -> Path:
    """The corpus rendition of the report whose name starts with `name`."""
    matches = [p for p in corpus_sources() if str(p.relative_to(CORPUS)).startswith(name)]
    if len(matches) != 1:
        raise LookupError(f"{name}: {len(matches)} corpus reports match")
    return matches[0]


def small_png(image: Image.Image, colour: bool) -> bytes:
    """The image as PNG (optimize=True); over `MAX_PNG`: grayscale, or 16 colours when `colour` must stay."""
    data = _png(image)
    if len(data) > MAX_PNG:
        if colour:
            smaller = image.quantize(colors=16, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        else:
            smaller = image.convert("L")
        data = _png(smaller)
    return data


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _entry(scan: Scan) -> dict[str, Any]:
    return {
        "source": scan.source,
        "format": scan.truth.format,
        "year": scan.truth.year,
        "agency": scan.truth.agency,
        "pages": list(scan.pages),
        "dpi": scan.dpi,
        "degradations": [d.value for d in scan.degradations],
        "seed": scan.seed,
        "params": scan.params,
        "cells": {k: json_number(v) for k, v in scan.cells().items()},
    }


#: JPEG quality of the sample PDFs' pages: the repository keeps them small (the bench scans at 75).
SAMPLE_QUALITY = 45


def make_samples(folder: Path = FOLDER) -> dict[str, int]:
    """Writes the sample scans and `truth.json` into `folder`; returns file name → size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, Any]] = {}
    for name in REPORTS:
        source = load_source(source_path(name))
        short = short_name(source.name)
        whole = make_scan(source, DPI, (), SEED)
        page = whole.truth.page_of_table("applications.")
        sealed = make_scan(source, DPI, "skew,seal", SEED, pages=[page])
        png = f"{short}-page{page}-skew-seal.png"
        (folder / png).write_bytes(small_png(sealed.images[0], colour=Degradation.SEAL in sealed.degradations))
        truth[png] = _entry(sealed)
        pdf = f"{short}-clean.pdf"
        whole.to_pdf(folder / pdf, quality=SAMPLE_QUALITY)
        truth[pdf] = _entry(whole)
    text = json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / "truth.json").write_text(text, encoding="utf-8")
    return {f: (folder / f).stat().st_size for f in [*truth, "truth.json"]}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else FOLDER
    for name, size in make_samples(folder).items():
        print(f"{size / 1024:8.1f} KB  {folder / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
