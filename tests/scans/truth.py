"""The PDF of a corpus report and what it prints: the truth of every scan made from it.

A scan is a picture of the report's PDF, so its truth is what that PDF prints, not the corpus truth: the PDF
renderer prints a blank cell as 0. The report is written as the `clean` form (markdown, every label official:
`tests.forms.generate`), read, rendered with `nianbao.render.render_bytes(report, "pdf")`, and the PDF is read
back through its text layer; the cells read there (value and box) are the scan's truth. Format, year and
agency are the corpus truth's: the PDF prints the report's own title and signature.

Rendering costs about a second (the first PDF of a process loads the font), so the PDF and its truth are
cached per source.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nianbao
from nianbao.render import render_bytes
from nianbao.report import Number
from tests.forms.generate import CLASSES
from tests.forms.score import read_generated, same
from tests.forms.source import Source, expected_cells, load_source

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points (1/72 inch), from the page's top left


@dataclass(frozen=True)
class ScanTruth:
    """What the report's PDF prints: every cell of its format (value, page, box), its format, year, agency."""

    source: str  # e.g. "real/r001"
    format: str  # "2019" | "2021"
    year: int
    agency: str
    pages: int  # pages of the PDF
    cells: dict[str, Number | None]  # key → value as printed (a blank cell of the corpus truth prints as 0)
    boxes: dict[str, tuple[int, BBox]]  # key → (page, 1-based; box of the printed value)

    def on_page(self, page: int) -> dict[str, Number | None]:
        """The cells printed on `page` (1-based)."""
        return {k: v for k, v in self.cells.items() if k in self.boxes and self.boxes[k][0] == page}

    def cell_boxes(self, page: int) -> list[BBox]:
        return [box for p, box in self.boxes.values() if p == page]

    def table_pages(self) -> list[int]:
        """The pages that print table cells, the page with the most cells first (ties: the earlier page)."""
        count = Counter(p for p, _ in self.boxes.values())
        return sorted(count, key=lambda p: (-count[p], p))

    def page_of_table(self, prefix: str) -> int:
        """The page printing most cells whose key starts with `prefix` (table 三: "applications.")."""
        count = Counter(p for k, (p, _) in self.boxes.items() if k.startswith(prefix))
        return min(count, key=lambda p: (-count[p], p))


@dataclass(frozen=True)
class ReportPdf:
    source: str
    data: bytes  # the PDF
    truth: ScanTruth


def report_pdf(source: Source) -> ReportPdf:
    """The report's PDF and its truth (cached per source)."""
    return _report_pdf(source.path)


@cache
def _report_pdf(path: Path) -> ReportPdf:
    source = load_source(path)
    report = read_generated(CLASSES["clean"].make(source, 0))
    data = render_bytes(report, "pdf")
    with tempfile.TemporaryDirectory(prefix="nianbao-scans-") as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(data)
        back = nianbao.read(pdf)
        pages = _page_count(pdf)
    cells: dict[str, Number | None] = {}
    boxes: dict[str, tuple[int, BBox]] = {}
    for key in source.format.cells:
        cell = back.cells.get(key)
        cells[key] = None if cell is None else cell.value
        loc = cell.location if cell is not None else None
        if loc is not None and loc.page is not None and loc.bbox is not None:
            boxes[key] = (loc.page, loc.bbox)
    truth = ScanTruth(source.name, source.format.name, source.year, source.agency, pages, cells, boxes)
    return ReportPdf(source.name, data, truth)


def _page_count(pdf: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def departures(source: Source, truth: ScanTruth) -> list[str]:
    """Where the PDF's truth is not the corpus truth with its blank cells printed as 0 (should be none)."""
    out = []
    for key, want in expected_cells(source.truth).items():
        printed = 0 if want is None else want
        if not same(truth.cells.get(key), printed):
            out.append(f"{key}: PDF {truth.cells.get(key)!r}, corpus {want!r}")
    return out


def json_number(value: Number | None) -> int | float | None:
    """A cell value for JSON, as `Report.to_exchange` writes it."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)
