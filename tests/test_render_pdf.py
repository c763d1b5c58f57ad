"""The PDF renderer: every packaged sample written as PDF reads back the same, in an embedded CJK font."""

from __future__ import annotations

import ctypes
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

import nianbao
from nianbao.formats import get_format
from nianbao.formats.text import squeeze
from nianbao.render import pdf_font, render_bytes
from nianbao.render.content import content_of
from nianbao.render.pdf import render_pdf
from nianbao.render.pdf_font import FONT_ENV, PACKAGED_NAME, find_font
from nianbao.render.pdf_lines import wrap
from nianbao.report import Cell, Report
from tests.conftest import SAMPLES

SEEDS = sorted(SAMPLES.glob("*.txt"))


def _write(tmp_path: Path, report: Report, name: str = "out.pdf") -> Path:
    out = tmp_path / name
    out.write_bytes(render_pdf(report))
    return out


def _flat(text: str) -> str:
    return "".join(text.split())


def _narrative(report: Report, number: int) -> str:
    section = report.section(number)
    return section.narrative if section else ""


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


def test_output_is_reproducible_and_fast() -> None:
    report = nianbao.read(SEEDS[1])
    first = render_pdf(report)
    started = time.perf_counter()
    second = render_pdf(report)
    assert time.perf_counter() - started < 1.5
    assert first == second
    # and in another process, a second or more later (the embedded font must not carry the time it was built)
    code = (
        "import sys, nianbao\n"
        "from nianbao.render.pdf import render_pdf\n"
        f"sys.stdout.buffer.write(render_pdf(nianbao.read({str(SEEDS[1])!r})))\n"
    )
    time.sleep(1.1)
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert other == first


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
    pdf_font._packaged_source.cache_clear()

    def not_installed() -> str:
        raise ImportError("No module named 'pylopdf_fonts_zh_cn'")

    try:
        monkeypatch.setattr(pdf_font, "packaged_font_path", not_installed)
        with pytest.raises(RuntimeError, match=r"中文字体包未安装.*pip install pylopdf-fonts-zh-cn.*NIANBAO_PDF_FONT"):
            find_font(None)
        bad = tmp_path / "bad.ttf"
        bad.write_bytes(b"not a font")
        with pytest.raises(RuntimeError, match="NIANBAO_PDF_FONT 指定的字体无法使用"):
            find_font(str(bad))
    finally:
        find_font.cache_clear()
        pdf_font._packaged_source.cache_clear()


def test_the_packaged_font_needs_no_system_font_and_embeds_truetype(tmp_path: Path) -> None:
    """The default font comes from pip (Noto Serif SC, CFF outlines) and is embedded as TrueType subsets."""
    font = find_font(None)
    assert font.name == PACKAGED_NAME
    assert font.path.endswith("NotoSerifSC-Regular.otf")
    assert font.width("政府", 10) == pytest.approx(20.0, abs=0.5)  # a CJK character is one em wide
    report = nianbao.read(SEEDS[3])
    path = _write(tmp_path, report)
    pdf = pdfium.PdfDocument(str(path))
    try:
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert _flat(report.agency or "x") in _flat(text)
    data = path.read_bytes()
    assert b"/FontFile2" in data  # TrueType outlines
    assert b"/FontFile3" not in data  # no CFF


def test_a_truetype_font_named_by_the_environment_reads_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """NIANBAO_PDF_FONT: a TrueType file (here one made from the packaged font's glyphs of the report)."""
    report = nianbao.read(SEEDS[3])
    text = render_bytes(report, "md").decode("utf-8") + "—"  # every character the PDF prints
    source = pdf_font._packaged_source()
    codes = sorted(set(range(0x20, 0x7F)) | {ord(c) for c in text})
    ttf = tmp_path / "made.ttf"
    ttf.write_bytes(source.truetype(codes))
    monkeypatch.setenv(FONT_ENV, f"{ttf}:0")
    back = nianbao.read(_write(tmp_path, report))
    assert back.agency == report.agency
    assert all(back.value(k) == (report.value(k) or 0) for k in get_format(report.format or "").cells)
