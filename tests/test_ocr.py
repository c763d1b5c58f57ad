"""Reports read from scans by OCR (issue #16), on the fixed samples of `tests/data/scans/` (`tests/scans/sample.py`
made them from the corpus reports real/r001, 2021 format, and seeds/002, 2019 format; `truth.json` holds what the
scanned pages print): an image-only PDF at 150 dpi, and a page skewed and stamped with a red seal.

The whole corpus at both resolutions and every degradation is measured by `bench/ocr.py`, not here.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

import nianbao
from nianbao.audit import check
from nianbao.audit.registry import Options
from nianbao.read import read_document
from nianbao.render import audit_html
from nianbao.render.scan_crop import crop_data_uri, scan_sources
from nianbao.report import Report

SCANS = Path(__file__).parent / "data" / "scans"
PDFS = ["real-r001-clean.pdf", "seeds-002-clean.pdf"]
SEALED = {
    "real-r001-clean.pdf": "real-r001-page4-skew-seal.png",
    "seeds-002-clean.pdf": "seeds-002-page3-skew-seal.png",
}


@cache
def truth() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCANS / "truth.json").read_text(encoding="utf-8"))
    return data


@cache
def read_scan(name: str) -> Report:
    return nianbao.read(SCANS / name)


def _wrong(report: Report, cells: dict[str, Any]) -> list[tuple[str, object, object]]:
    return [
        (key, report.value(key), want)
        for key, want in cells.items()
        if report.value(key) is None or Decimal(str(report.value(key))) != Decimal(str(want))
    ]


@pytest.mark.parametrize("name", PDFS)
def test_an_image_only_pdf_is_read_cell_for_cell(name: str) -> None:
    want = truth()[name]
    report = read_scan(name)
    assert (report.format, report.year, report.agency) == (want["format"], want["year"], want["agency"])
    assert _wrong(report, want["cells"]) == []
    assert read_document(SCANS / name).scanned_pages == len(want["pages"])


@pytest.mark.parametrize("name", PDFS)
def test_every_cell_read_by_ocr_keeps_its_page_box_and_confidence(name: str) -> None:
    report = read_scan(name)
    located = [c.location for c in report.cells.values() if c.value is not None and c.location is not None]
    assert located
    for where in located:
        assert where.page is not None
        assert where.bbox is not None
        assert where.ocr is not None
        assert 0 < where.ocr <= 1
    assert "文字识别" in located[0].describe()


@pytest.mark.parametrize("name", PDFS)
def test_a_skewed_sealed_page_reads_as_the_clean_one(tmp_path: Path, name: str) -> None:
    """The report's pages as a zip of images, its page of table 三 skewed and stamped with a red seal over the
    digits: every cell still read right (the seal's red is filtered out, the page deskewed)."""
    sealed = SEALED[name]
    page = truth()[sealed]["pages"][0]
    pdf = pdfium.PdfDocument(str(SCANS / name))
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(1, len(pdf) + 1):
            if number == page:
                archive.write(SCANS / sealed, f"page-{number:02d}.png")
                continue
            image = pdf[number - 1].render(scale=150 / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, "PNG", dpi=(150, 150))
            archive.writestr(f"page-{number:02d}.png", buffer.getvalue())
    report = nianbao.read(path)
    assert report.format == truth()[name]["format"]
    wrong = _wrong(report, truth()[sealed]["cells"])
    flagged = {k for f in check(report).findings if f.family in ("cells", "arithmetic") for k in f.keys}
    assert [w for w in wrong if w[0] not in flagged] == []  # never silently wrong
    assert len(wrong) <= 2


def _confirmed(report: Report, key: str) -> bool:
    from nianbao.formats import get_format

    values = {k: None if v is None else Decimal(v) for k, v in report.values().items()}
    identities = [i for i in get_format(report.format or "2021").identities if key in i.keys]
    return bool(identities) and all(i.holds(values) is True for i in identities)


def test_a_low_confidence_cell_is_listed_with_a_crop_of_the_scan() -> None:
    """C209 lists the cells read with less confidence than the option says (here 1.0: every cell read by OCR), and
    the check page shows, for each, the piece of the scanned page it was read from."""
    name = PDFS[1]
    report = read_scan(name)
    audit = check(report, options=Options(ocr_confidence=1.0))
    listed = [f for f in audit.findings if f.rule == "C209"]
    doubtful = {k for k, c in report.cells.items() if c.location is not None and (c.location.ocr or 1.0) < 1.0}
    confirmed = {k for k in doubtful if _confirmed(report, k)}
    assert {k for f in listed for k in f.keys} == doubtful - confirmed  # what the table confirms is not listed
    assert listed
    assert "data:image/png" not in audit_html(report, audit)  # no scan given: no crop guessed from a file name
    with scan_sources({report.file: SCANS / name}):
        page = audit_html(report, audit)
    assert page.count("data:image/png;base64,") == len(listed)
    uploaded = (name, (SCANS / name).read_bytes())  # the web's: an upload's name and bytes
    uri = crop_data_uri(uploaded, listed[0].location) if listed[0].location is not None else None
    assert uri is not None
    png = base64.b64decode(uri.removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG")
    # and with the default threshold, fewer (the confident readings are not listed)
    assert len([f for f in check(report).findings if f.rule == "C209"]) < len(listed)
