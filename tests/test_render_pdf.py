"""The PDF renderer: every packaged sample written as PDF reads back the same, in an embedded CJK font."""

from __future__ import annotations

import ctypes
import datetime as dt
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

import nianbao
from nianbao.authoring import pdf as render_pdf_module
from nianbao.authoring import render_bytes
from nianbao.authoring.content import content_of
from nianbao.authoring.pdf import FONT_ENV, KNOWN_FONTS, find_font, render_pdf, wrap
from nianbao.formats import get_format
from nianbao.read.linear import squeeze
from nianbao.report import Cell, Report
from tests.conftest import SAMPLES

SEEDS = sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="module")
def have_font() -> None:
    try:
        find_font(None)
    except RuntimeError as exc:  # no Chinese TrueType font here (scripts/system-deps.sh installs one)
        pytest.skip(str(exc))


def _write(tmp_path: Path, report: Report, name: str = "out.pdf") -> Path:
    out = tmp_path / name
    out.write_bytes(render_pdf(report))
    return out


def _flat(text: str) -> str:
    return "".join(text.split())


def _narrative(report: Report, number: int) -> str:
    section = report.section(number)
    return section.narrative if section else ""


@pytest.mark.usefixtures("have_font")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_sample_reads_back_the_same(seed: Path, tmp_path: Path) -> None:
    original = nianbao.read(seed)
    content = content_of(original)
    back = nianbao.read(_write(tmp_path, original))

    assert (back.format, back.year, back.agency) == (original.format, original.year, original.agency)
    assert back.date == original.date
    assert back.problems == []
    fmt = get_format(original.format or "")
    for key in fmt.cells:
        want = original.value(key)
        assert back.value(key) == (0 if want is None else want), key
    assert [s.number for s in back.sections] == [1, 2, 3, 4, 5, 6]
    # what is printed (the content: the narratives of the sections, the preamble) is what is read back
    again = content_of(back)
    for printed, read in zip(content.sections, again.sections, strict=True):
        assert _flat("".join(read.paragraphs)) == _flat("".join(printed.paragraphs)), printed.number
    for number in (1, 5, 6):
        assert _flat(_narrative(back, number)) == _flat("".join(content.sections[number - 1].paragraphs))
    assert _flat(back.preamble) == _flat("".join(content.preamble))
    # signed once, at the end
    signature = [x for x in (content.agency, content.date_text) if x]
    assert _flat(back.text).endswith(_flat("".join(signature)))


@pytest.mark.usefixtures("have_font")
def test_font_is_embedded_and_metadata_set(tmp_path: Path) -> None:
    report = nianbao.read(SEEDS[0])
    data = render_pdf(report)
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # TrueType outlines embedded
    assert b"/Helvetica" not in data  # no font referenced that is not embedded
    pdf = pdfium.PdfDocument(data)
    try:
        meta = pdf.get_metadata_dict()
        assert meta["Title"] == "二道江区审计局2024年政府信息公开工作年度报告"
        assert meta["Author"] == "二道江区审计局"
        fonts: set[tuple[str, bool]] = set()
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,)):
                font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
                name = ctypes.create_string_buffer(size)
                pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
                fonts.add((name.value.decode(), bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
            pages.append(page.get_textpage().get_text_range())
        assert fonts
        assert all(embedded for _, embedded in fonts), fonts
        for number, text in enumerate(pages, start=1):
            assert f"— {number} —" in text
        # table 三 is longer than a page: its header rows are printed again where it continues
        assert sum("申请人情况" in text for text in pages) >= 2
    finally:
        pdf.close()


@pytest.mark.usefixtures("have_font")
def test_signature_date_long_numbers_and_dispatch(tmp_path: Path) -> None:
    report = nianbao.read(SEEDS[0])
    report.date = dt.date(2025, 1, 20)
    (four,) = get_format(report.format or "").rows_of("四")
    big = four.cells[0]
    report.cells[big] = Cell(big, 1234567, "1234567")
    out = tmp_path / "dispatch.pdf"
    out.write_bytes(render_bytes(report, "pdf"))
    back = nianbao.read(out)
    assert back.date == dt.date(2025, 1, 20)
    assert back.value(big) == 1234567
    assert _flat(back.text).endswith("二道江区审计局2025年1月20日")


@pytest.mark.usefixtures("have_font")
def test_output_is_reproducible_and_fast() -> None:
    report = nianbao.read(SEEDS[1])
    first = render_pdf(report)
    started = time.perf_counter()
    second = render_pdf(report)
    assert time.perf_counter() - started < 1.5
    assert first == second


def test_lines_never_start_with_a_heading_or_a_closing_mark() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    lines = wrap("甲" * 10 + "主动公开政府信息情况、" + "乙" * 9 + "丙，丁", 10, measure)
    assert "".join(lines) == "甲" * 10 + "主动公开政府信息情况、" + "乙" * 9 + "丙，丁"
    assert all(len(line) <= 10 for line in lines)
    assert not any(squeeze(line).startswith("主动公开政府信息情况") for line in lines)
    assert not any(line.startswith(("，", "、")) for line in lines)
    assert wrap("（一）" + "甲" * 6 + "《条例》", 10, measure)[0].endswith("甲")  # no 《 at a line end
    assert wrap("ab 12345678901234 cd", 6, measure) == ["ab", "123456", "789012", "34 cd"]
    assert wrap("  ", 6, measure) == []


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    find_font.cache_clear()
    try:
        monkeypatch.setattr(render_pdf_module, "KNOWN_FONTS", (("/nonexistent/font.ttc", 0),))
        monkeypatch.setattr(render_pdf_module, "_fontconfig", list)
        with pytest.raises(RuntimeError, match=r"中文字体.*fonts-arphic-uming.*NIANBAO_PDF_FONT"):
            find_font(None)
        bad = tmp_path / "bad.ttf"
        bad.write_bytes(b"not a font")
        with pytest.raises(RuntimeError, match="NIANBAO_PDF_FONT 指定的字体无法使用"):
            find_font(str(bad))
    finally:
        find_font.cache_clear()


@pytest.mark.parametrize(("path", "index"), [f for f in KNOWN_FONTS if Path(f[0]).is_file()] or
                         [pytest.param("", 0, marks=pytest.mark.skip(reason="no known Chinese font installed"))])
def test_each_installed_font_reads_back(path: str, index: int, monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    monkeypatch.setenv(FONT_ENV, f"{path}:{index}")
    report = nianbao.read(SEEDS[3])
    back = nianbao.read(_write(tmp_path, report))
    assert back.agency == report.agency
    assert all(back.value(k) == (report.value(k) or 0) for k in get_format(report.format or "").cells)
