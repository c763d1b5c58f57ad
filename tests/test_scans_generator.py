"""The scan generator (tests/scans/, issue #16) really produces what it says.

One small report (the smallest corpus source) is scanned at 150 dpi: as many pages as its PDF, A4 at
1240×1754, `skew` turns the page and turning it back restores it, `seal` puts red ink over the table's
digits, the image-only PDF has no text layer, and a seed gives the same bytes every time. The truth (what the
report's PDF prints) is checked on the smallest report of each format: every cell of the format, blank cells
printed as 0, nothing else different from the corpus truth.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from PIL import Image

from nianbao.formats import get_format
from tests.forms.source import Source, corpus_sources, expected_cells, load_source
from tests.scans.degrade import Degradation, parse
from tests.scans.generate import Scan, main, make_scan
from tests.scans.truth import departures, report_pdf


@cache
def smallest(fmt: str | None = None) -> Source:
    """The corpus source with the smallest file (of format `fmt` when given)."""
    paths = sorted(corpus_sources(), key=lambda p: (p.stat().st_size, p))
    return next(s for s in map(load_source, paths) if fmt is None or s.format.name == fmt)


@cache
def scan(degradations: str = "", seed: int = 0) -> Scan:
    return make_scan(smallest(), 150, degradations, seed)


def red(image: Image.Image) -> np.ndarray:
    """Where the image is seal red: R > 150, G < 100, B < 100."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    return (rgb[..., 0] > 150) & (rgb[..., 1] < 100) & (rgb[..., 2] < 100)


def pdf_bytes(s: Scan, tmp_path: Path, name: str) -> bytes:
    return s.to_pdf(tmp_path / name).read_bytes()


def test_one_image_per_page_of_the_pdf() -> None:
    pdf = pypdfium2.PdfDocument(report_pdf(smallest()).data)
    assert len(scan().images) == len(pdf) == scan().truth.pages >= 3
    assert scan().pages == tuple(range(1, len(pdf) + 1))


def test_150_dpi_a4_is_1240_by_1754() -> None:
    for image in scan().images:
        width, height = image.size
        assert abs(width - 1240) <= 2
        assert abs(height - 1754) <= 2
        assert image.mode == "L"  # grayscale unless a degradation needs colour


def test_skew_turns_the_page_and_turning_back_restores_it() -> None:
    for clean, skewed, params in zip(scan().images, scan("skew").images, scan("skew").params, strict=True):
        angle = params["skew.angle"]
        assert 0.5 <= abs(angle) <= 2.0
        assert skewed.size == clean.size  # expand=False
        back = skewed.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor="white")
        a, s, b = (np.asarray(i, dtype=np.float32) for i in (clean, skewed, back))
        ink = a < 128
        assert np.abs(a - s).mean() > 5  # it changed
        assert ((s < 128) & ink).sum() < 0.5 * ink.sum()  # most ink moved
        assert ((b < 128) & ink).sum() > 0.95 * ink.sum()  # turned back, the ink is where it was
        assert np.abs(a - b).mean() < 0.25 * np.abs(a - s).mean()


def test_seal_puts_red_ink_over_the_table_digits() -> None:
    sealed = scan("seal")
    assert all(not red(i).any() for i in scan().images)  # nothing red in the clean scan
    truth = sealed.truth
    stamped = [i for i, p in enumerate(sealed.params) if "seal.x" in p]
    assert stamped
    assert [sealed.pages[i] for i in stamped] == sorted(truth.table_pages()[:2])
    scale = sealed.dpi / 72
    for i in stamped:
        ink = red(sealed.images[i])
        boxes = truth.cell_boxes(sealed.pages[i])
        x0 = int(min(b[0] for b in boxes) * scale)
        top = int(min(b[1] for b in boxes) * scale)
        x1 = int(max(b[2] for b in boxes) * scale)
        bottom = int(max(b[3] for b in boxes) * scale)
        assert ink[top:bottom, x0:x1].sum() > 2000  # a ring of ~40 mm, text and a star: thousands of pixels
        # over the printed values themselves, not just near them
        on_digits = sum(
            int(ink[int(t * scale) : int(b * scale) + 1, int(left * scale) : int(r * scale) + 1].sum())
            for left, t, r, b in boxes
        )
        assert on_digits > 50
        # a ring about 40 mm across (38–42 mm at 150 dpi: 224–248 px)
        ys, xs = np.nonzero(ink)
        assert 200 <= xs.max() - xs.min() <= 320
        assert 200 <= ys.max() - ys.min() <= 320
    for i in set(range(len(sealed.images))) - set(stamped):
        assert not red(sealed.images[i]).any()


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    for name in ("", "skew,jpeg,seal"):
        path = scan(name).to_pdf(tmp_path / "scan.pdf")
        pdf = pypdfium2.PdfDocument(str(path))
        assert len(pdf) == len(scan(name).images)
        for page in pdf:
            assert page.get_textpage().count_chars() == 0
            width, height = page.get_size()  # A4 in points: the images are placed at their dpi
            assert abs(width - 595) < 3
            assert abs(height - 842) < 3
        pdf.close()


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_truth_is_what_the_pdf_prints(fmt: str) -> None:
    source = smallest(fmt)
    truth = report_pdf(source).truth
    assert set(truth.cells) == set(get_format(fmt).cells)  # every cell of the format
    assert len(truth.cells) >= 150
    assert truth.format == fmt
    assert all(v is not None for v in truth.cells.values())  # the PDF prints every cell, a blank one as 0
    assert all(truth.cells[k] == 0 for k, v in expected_cells(source.truth).items() if v is None)
    assert departures(source, truth) == []
    assert set(truth.boxes) == set(truth.cells)  # each with the page and box it is printed at


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = make_scan(smallest(), 150, "skew,jpeg,seal,blur", seed=7)
    b = make_scan(smallest(), 150, "skew,jpeg,seal,blur", seed=7)
    assert [i.tobytes() for i in a.images] == [i.tobytes() for i in b.images]
    assert a.encoded == b.encoded
    assert pdf_bytes(a, tmp_path, "a.pdf") == pdf_bytes(b, tmp_path, "b.pdf")
    other = make_scan(smallest(), 150, "skew,jpeg,seal,blur", seed=8)
    assert [i.tobytes() for i in a.images] != [i.tobytes() for i in other.images]


def test_each_degradation_draws_the_same_with_others() -> None:
    """A degradation's randomness is its own: skew turns the page by the same angle alone or with a seal."""
    alone = [p["skew.angle"] for p in scan("skew").params]
    combined = [p["skew.angle"] for p in scan("seal,skew").params]
    assert alone == combined


def test_degradations_parse_in_physical_order() -> None:
    assert parse("jpeg+seal,skew") == (Degradation.SEAL, Degradation.SKEW, Degradation.JPEG)
    assert parse("clean") == ()
    with pytest.raises(ValueError, match="unknown degradation"):
        parse("crumple")


def test_jpeg_and_photo_pages_are_the_jpeg_files_written(tmp_path: Path) -> None:
    s = make_scan(smallest(), 150, "photo", pages=[1])
    assert s.images[0].mode == "RGB"
    assert s.suffix == ".jpg"
    (path,) = s.to_images(tmp_path)
    assert path.name == "page-001.jpg"
    assert path.read_bytes() == s.encoded[0]
    assert Image.open(io.BytesIO(path.read_bytes())).size == s.images[0].size
    assert 60 <= s.params[0]["photo.quality"] <= 80


def test_command_line_writes_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.pdf"
    assert main([str(smallest().path), str(out), "--degrade", "skew,seal", "--pages", "1,2"]) == 0
    assert len(pypdfium2.PdfDocument(str(out))) == 2
    assert "skew" in capsys.readouterr().out
