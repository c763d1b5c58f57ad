"""Scans as inputs (issue #16): what is read by OCR, and what is refused with a clear reason.

The readings of real scans are in `tests/test_ocr.py`; these are the edges: the kinds told by their first
bytes, hostile and broken images, a zip with no image, the message when the OCR extra is missing, a PDF with
both a text layer and scanned pages.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

import nianbao
from nianbao.read import ReadError, read_document
from nianbao.read.inputs import ocr as ocr_module
from nianbao.read.inputs import sniff
from nianbao.read.inputs.image import MAX_PIXELS, page_order


@pytest.fixture(scope="module")
def r001_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus report r001 rendered to PDF in the official layout (a text layer)."""
    from nianbao.render import render_bytes
    from tests.conftest import CORPUS

    path = tmp_path_factory.mktemp("r001") / "r001.pdf"
    path.write_bytes(render_bytes(nianbao.read(CORPUS / "real" / "r001.txt"), "pdf"))
    return path


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height` pixels, with one tiny compressed row after it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n....", "image"),
        ("a.jpg", b"\xff\xd8\xff\xe0....", "image"),
        ("a.tif", b"II*\x00....", "image"),
        ("scan.bin", b"MM\x00*....", "image"),  # by its bytes, whatever its name
        ("pages.zip", b"PK\x03\x04....", "pages"),
        ("a.docx", b"PK\x03\x04....", "docx"),
        ("a.png", b"just some text", "txt"),  # named an image, a saved text: read as what it is
        ("a.png", b"\x00\x01\x02\x03\xfe\xff" * 8, "mismatch"),  # named an image, and nothing readable
    ],
)
def test_scans_are_told_by_their_first_bytes(name: str, head: bytes, kind: str) -> None:
    assert sniff(Path(name), head) == kind


def test_an_image_that_decodes_to_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    side = int(MAX_PIXELS**0.5) + 100
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header(side, side))
    assert path.stat().st_size < 200
    with pytest.raises(ReadError, match="超过上限") as caught:
        read_document(path)
    assert str(path) in str(caught.value)


def test_a_truncated_image_is_refused_with_the_file_named(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buffer.getvalue()[:300])
    with pytest.raises(ReadError, match=r"图像已损坏|不是可读取的图像") as caught:
        read_document(path)
    assert str(path) in str(caught.value)


def test_a_zip_without_images_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no pages here")
    with pytest.raises(ReadError, match="压缩包中没有图像文件"):
        read_document(path)


def test_pages_of_a_zip_are_taken_in_the_order_of_their_numbers() -> None:
    names = ["page-10.png", "page-2.png", "page-1.png", "cover.png"]
    assert sorted(names, key=page_order) == ["cover.png", "page-1.png", "page-2.png", "page-10.png"]


def test_without_the_ocr_extra_a_scan_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_module, "available", lambda: False)
    path = tmp_path / "page.png"
    Image.new("RGB", (600, 800), "white").save(path)
    with pytest.raises(ReadError, match=r"pip install 'nianbao\[ocr\]'"):
        read_document(path)
    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(scan, "PDF", resolution=72)
    with pytest.raises(ReadError, match=r"第1页是扫描图像.*pip install 'nianbao\[ocr\]'"):
        read_document(scan)


def test_a_blank_scanned_page_is_no_report(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("RGB", (1240, 1754), "white").save(path, dpi=(150, 150))
    with pytest.raises(ReadError, match="没有识别出文字"):
        read_document(path)


def test_a_pdf_with_a_text_layer_and_a_scanned_page_reads_both(tmp_path: Path, r001_pdf: Path) -> None:
    """Page 4 of the rendered r001 (table 三's first rows) replaced by its scan: the text pages are read from the
    text layer, the scanned one by OCR, and the report is the same as the all-text one."""
    source = pdfium.PdfDocument(str(r001_pdf))
    assert len(source) == 6
    scan = tmp_path / "page4.pdf"
    source[3].render(scale=150 / 72).to_pil().convert("RGB").save(scan, "PDF", resolution=150)
    scanned = pdfium.PdfDocument(str(scan))
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(source, [0, 1, 2])
    mixed.import_pages(scanned, [0])
    mixed.import_pages(source, [4, 5])
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    doc = read_document(path)
    assert doc.scanned_pages == 1
    want = nianbao.read(r001_pdf)
    got = nianbao.read(path)
    assert got.values() == want.values()
    ocr_pages = {c.location.page for c in got.cells.values() if c.location is not None and c.location.ocr is not None}
    assert ocr_pages == {4}


def test_a_folder_of_page_images_is_one_scanned_report(tmp_path: Path, r001_pdf: Path) -> None:
    """`nianbao.read(folder)` and `nianbao parse folder/`: a folder holding page images and no other report file
    is the pages of one scan, in the order of their names' numbers; beside other reports, it is one of them."""
    from typer.testing import CliRunner

    from nianbao.cli import app
    from nianbao.cli.common import expand
    from tests.conftest import CORPUS

    pages = tmp_path / "reports" / "scan"
    pages.mkdir(parents=True)
    pdf = pdfium.PdfDocument(str(r001_pdf))
    for number in range(1, len(pdf) + 1):  # named so that only numeric order is right
        pdf[number - 1].render(scale=150 / 72).to_pil().save(pages / f"page-{number}.png", dpi=(150, 150))
    text = tmp_path / "reports" / "r009.txt"
    text.write_bytes((CORPUS / "real" / "r009.txt").read_bytes())
    assert expand([str(tmp_path / "reports")]) == [str(text), str(pages)]
    assert nianbao.read(pages).values() == nianbao.read(r001_pdf).values()
    result = CliRunner().invoke(app, ["parse", str(tmp_path / "reports"), "--output", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(text), str(pages)]


def test_a_line_of_running_text_is_recognised_smaller_and_a_cell_at_full_size() -> None:
    import numpy as np

    line = np.full((40, 40 * 20, 3), 250, dtype=np.uint8)  # twenty times as wide as high: running text
    line[15:25, 10:700] = 0
    smaller = ocr_module._smaller(line)
    pad = (smaller.shape[0] - 40) // 2
    assert smaller.shape[1] == line.shape[1]
    assert smaller.shape[0] == pytest.approx(40 / ocr_module.LINE_SCALE, abs=1)
    assert (smaller[:pad] == 250).all()  # the margins in the paper's colour
    assert (smaller[-pad:] == 250).all()
    assert (smaller[pad : pad + 40] == line).all()
    cell = np.full((40, 120, 3), 250, dtype=np.uint8)  # a table cell's "123"
    assert ocr_module._smaller(cell) is cell


def test_a_page_image_larger_than_the_engine_reads_is_read_at_its_size_in_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page three times the size of a 150 dpi scan (5262 px high) is shrunk to PAGE_SIDE before OCR: the same table
    rows, in boxes of the same points as the 150 dpi page's."""
    scans = Path(__file__).parent / "data" / "scans"
    page = Image.open(scans / "real-r001-page4-skew-seal.png")
    page.save(tmp_path / "page.png", dpi=(150, 150))
    big = page.resize((page.width * 3, page.height * 3), Image.Resampling.LANCZOS)
    assert max(big.size) > ocr_module.PAGE_SIDE
    big.save(tmp_path / "big.png", dpi=(450, 450))
    from nianbao.read.inputs import scan

    prepare, sizes = scan.prepare, []

    def seen(image: Image.Image) -> scan.Prepared:
        sizes.append(image.size)
        return prepare(image)

    monkeypatch.setattr(scan, "prepare", seen)
    small, large = read_document(tmp_path / "page.png"), read_document(tmp_path / "big.png")
    assert sizes == [page.size, (round(big.width * 2000 / big.height), 2000)]  # prepared at the engine's size
    rows = [b for b in small.blocks if b.is_row]
    assert len(rows) > 20
    figures = [[c for c in b.cells if c.isdigit()] for b in rows]
    assert sum(len(f) for f in figures) > 100
    assert [[c for c in b.cells if c.isdigit()] for b in large.blocks if b.is_row] == figures
    for want_row, got_row in zip(rows, [b for b in large.blocks if b.is_row], strict=True):
        for want, got in zip(want_row.locations, got_row.locations, strict=True):
            assert want.bbox is not None
            assert got.bbox is not None
            assert all(abs(a - b) < 4 for a, b in zip(want.bbox, got.bbox, strict=True))  # points: under 1.5 mm


@pytest.mark.parametrize(
    ("read", "cell"),
    [
        ("ó", "0"),  # a speck of a seal's ink over a 0 (r012, 150 dpi, sealed)
        ("Ö1", "01"),
        ("l0", "10"),
        ("O", "0"),
        ("21", "21"),
        ("（一）", "（一）"),  # running text keeps its full-width marks
        ("é", "é"),  # a letter that is no digit stays as read
        ("年", "年"),
    ],
)
def test_letters_read_in_a_number_become_its_digits(read: str, cell: str) -> None:
    assert ocr_module._as_digits(read) == cell
