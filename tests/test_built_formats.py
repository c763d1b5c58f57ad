"""The seed reports rebuilt as .docx, .html (UTF-8 and GBK), .pdf and .doc read back to the same cells.

Each seed's truth is written out in the official layout by `tests/builders.py` (python-docx, HTML
with rowspan/colspan, LibreOffice for the PDF), then read with `nianbao.read()`: the format, year,
agency and every cell must come back exactly. The docx is built once per seed and reused for the PDF.

`test_pdf_rows_broken_across_pages` keeps Word's default of letting a tall table row break across a
page: the reader must join the two parts of such a row. It skips a seed whose layout has no such break;
seeds 000 and 003 have one.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import nianbao
from nianbao.formats import get_format
from nianbao.formats.text import squeeze
from tests.builders import Truth, build_docx, build_html, build_pdf, convert, load_truth
from tests.conftest import CORPUS

SEEDS_DIR = CORPUS / "seeds"

SEEDS = sorted(p.name.removesuffix(".truth.json") for p in SEEDS_DIR.glob("*.truth.json"))
KINDS = ("docx", "html", "html-gbk", "pdf", "doc")
NO_SOFFICE = shutil.which("soffice") is None


def _cases() -> list[object]:
    out: list[object] = []
    for seed in SEEDS:
        for kind in KINDS:
            marks = (
                [pytest.mark.skip(reason=f"LibreOffice (soffice) is not installed; cannot build the {kind}")]
                if kind in ("pdf", "doc") and NO_SOFFICE
                else []
            )
            out.append(pytest.param(seed, kind, id=f"{seed}-{kind}", marks=marks))
    return out


@pytest.fixture(scope="module")
def docx_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Each seed's .docx, built once per module and shared by the docx and pdf cases."""
    root = tmp_path_factory.mktemp("built-docx")
    cache: dict[str, Path] = {}

    def get(seed: str) -> Path:
        if seed not in cache:
            cache[seed] = build_docx(load_truth(SEEDS_DIR / f"{seed}.truth.json"), root / f"{seed}.docx")
        return cache[seed]

    return get


def _expected(truth: Truth) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {k: Decimal(str(v)) for k, v in truth["cells"].items()}
    out.update(dict.fromkeys(truth["blank_cells"]))
    return out


def _as_decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.mark.parametrize(("seed", "kind"), _cases())
def test_built_report_reads_back(seed: str, kind: str, tmp_path: Path, docx_of: Callable[[str], Path]) -> None:
    truth = load_truth(SEEDS_DIR / f"{seed}.truth.json")
    if kind == "docx":
        path = docx_of(seed)
    elif kind == "html":
        path = build_html(truth, tmp_path / f"{seed}.html")
    elif kind == "html-gbk":
        path = build_html(truth, tmp_path / f"{seed}.html", encoding="gbk")
        assert b'<meta charset="gbk">' in path.read_bytes()
    elif kind == "doc":  # old Word, read back through LibreOffice's conversion
        path = convert(docx_of(seed), tmp_path, "doc")
    else:
        path = build_pdf(docx_of(seed), tmp_path)

    _assert_reads_back(path, truth)


def _assert_reads_back(path: Path, truth: Truth) -> None:
    report = nianbao.read(path)
    assert (report.format, report.year, report.agency) == (truth["format"], truth["year"], truth["agency"])
    expected = _expected(truth)
    missing = object()
    got = {k: _as_decimal(report.cells[k].value) if k in report.cells else missing for k in expected}
    wrong = {k: (expected[k], got[k]) for k in expected if got[k] is missing or got[k] != expected[k]}
    assert not wrong, f"{len(wrong)} of {len(expected)} cells differ (key: expected, read): " + "; ".join(
        f"{k}: {e}, {'<missing>' if g is missing else g}" for k, (e, g) in sorted(wrong.items())
    )


def _broken_rows(pdf: Path, truth: Truth) -> list[str]:
    """Row labels that no single page of the PDF holds whole: table rows broken across a page."""

    def plain(text: str) -> str:  # the “” of 3.危及“三安全一稳定” may be laid out apart from the text
        return re.sub(r"[“”\"]", "", squeeze(text))

    document = pdfium.PdfDocument(str(pdf))
    pages = []
    for page in document:
        textpage = page.get_textpage()
        pages.append(plain(textpage.get_text_range()))
    labels = [plain(r.label) for r in get_format(truth["format"]).rows if r.label]
    return [lab for lab in labels if not any(lab in p for p in pages) and any(lab[:6] in p for p in pages)]


@pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice (soffice) is not installed; cannot build the PDF")
@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_rows_broken_across_pages(seed: str, tmp_path: Path) -> None:
    """Word's default lets a tall row break across pages; the PDF must still read back the same."""
    truth = load_truth(SEEDS_DIR / f"{seed}.truth.json")
    pdf = build_pdf(build_docx(truth, tmp_path / f"{seed}.docx", rows_may_split=True), tmp_path)
    broken = _broken_rows(pdf, truth)
    if not broken:
        pytest.skip("no table row happened to fall across a page break in this layout")
    _assert_reads_back(pdf, truth)
