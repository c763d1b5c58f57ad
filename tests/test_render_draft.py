"""A draft's PDF and docx carry a "草稿" watermark on every page; a final one (draft=False) is as before.

The PDF's watermark is drawn as the outlines of 草稿's glyphs (light grey, turned 45°, centred), so that the
text layer stays the report's own: a draft PDF reads back exactly as the final one. The docx's is Word's own
text watermark, a VML WordArt shape in the header of every section.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest

import nianbao
from nianbao.render import render_bytes
from nianbao.render.docx import render_docx
from nianbao.render.pdf import WATERMARK_GREY, render_pdf
from nianbao.render.pdf_font import find_font
from nianbao.render.pdf_watermark import outline
from nianbao.report import Report
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def report() -> Report:
    return nianbao.read(next(SAMPLES.glob("003_*.txt")))


def _contours() -> int:
    font = find_font()
    ops, advance = outline(font.path, font.index, "草稿")
    assert advance == pytest.approx(2.0)  # two full-width characters
    return sum(1 for op in ops if op[0] == "M")


def _grey(c: Any) -> bool:
    colour = c["non_stroking_color"]
    value = colour[0] if isinstance(colour, list | tuple) and len(colour) == 1 else colour
    return bool(c["fill"]) and value == pytest.approx(WATERMARK_GREY)


def test_every_page_of_a_draft_pdf_has_the_watermark_and_no_page_text_changes(report: Report) -> None:
    draft, final = render_pdf(report, draft=True), render_pdf(report)
    contours = _contours()
    assert contours >= 8  # 草 and 稿 have many strokes: a real outline, not an empty glyph
    with pdfplumber.open(io.BytesIO(draft)) as marked, pdfplumber.open(io.BytesIO(final)) as clean:
        assert len(marked.pages) == len(clean.pages) >= 4
        for page, plain in zip(marked.pages, clean.pages, strict=True):
            shapes = [c for c in page.curves if _grey(c)]
            assert len(shapes) == contours, page.page_number
            x0, x1 = min(c["x0"] for c in shapes), max(c["x1"] for c in shapes)
            top, bottom = min(c["top"] for c in shapes), max(c["bottom"] for c in shapes)
            assert abs((x0 + x1) / 2 - page.width / 2) < 10
            assert abs((top + bottom) / 2 - page.height / 2) < 10
            assert x1 - x0 > page.width / 2  # large, across the page
            assert abs((x1 - x0) - (bottom - top)) < 40  # diagonal: about as tall as wide
            assert page.extract_text() == plain.extract_text()  # drawn, not written: the text is the report's
            assert "草" not in (page.extract_text() or "")
            assert [c for c in plain.curves if _grey(c)] == []


def test_a_draft_pdf_reads_back_as_the_final_one(report: Report, tmp_path: Path) -> None:
    (tmp_path / "draft.pdf").write_bytes(render_pdf(report, draft=True))
    (tmp_path / "final.pdf").write_bytes(render_pdf(report))
    draft, final = nianbao.read(tmp_path / "draft.pdf"), nianbao.read(tmp_path / "final.pdf")
    assert draft.problems == final.problems == []
    assert {k: c.value for k, c in draft.cells.items()} == {k: c.value for k, c in final.cells.items()}
    assert [s.narrative for s in draft.sections] == [s.narrative for s in final.sections]


def test_a_final_pdf_is_the_same_as_without_the_option(report: Report) -> None:
    assert render_pdf(report, draft=False) == render_pdf(report) == render_bytes(report, "pdf")
    assert render_bytes(report, "pdf", draft=True) == render_pdf(report, draft=True) != render_pdf(report)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_every_section_of_a_draft_docx_has_the_watermark_in_its_header(report: Report) -> None:
    draft = docx.Document(io.BytesIO(render_docx(report, draft=True)))
    assert len(draft.sections) >= 1
    for section in draft.sections:
        assert not section.header.is_linked_to_previous
        xml = section.header._element.xml
        assert 'string="草稿"' in xml
        assert "rotation:315" in xml
        assert 'fillcolor="silver"' in xml
        assert 'id="PowerPlusWaterMarkObject"' in xml  # Word's own watermark: Word lists it under 水印
    final = docx.Document(io.BytesIO(render_docx(report)))
    assert all("草稿" not in s.header._element.xml for s in final.sections)


def test_a_draft_docx_differs_from_the_final_one_only_by_its_header(report: Report, tmp_path: Path) -> None:
    draft, final = _parts(render_docx(report, draft=True)), _parts(render_docx(report))
    reference = re.compile(rb"<w:headerReference [^>]*/>")
    assert reference.search(draft["word/document.xml"])
    assert reference.sub(b"", draft["word/document.xml"]) == final["word/document.xml"]
    assert draft["word/styles.xml"] == final["word/styles.xml"]
    headers = [n for n in draft if n.startswith("word/header")]
    assert headers
    assert all(b"\xe8\x8d\x89\xe7\xa8\xbf" in draft[n] for n in headers)  # 草稿 in UTF-8
    assert not any(b"\xe8\x8d\x89\xe7\xa8\xbf" in v for v in final.values())
    # and it reads back as the final one: the watermark is no part of the report's text
    (tmp_path / "draft.docx").write_bytes(render_docx(report, draft=True))
    (tmp_path / "final.docx").write_bytes(render_docx(report))
    back, clean = nianbao.read(tmp_path / "draft.docx"), nianbao.read(tmp_path / "final.docx")
    assert {k: c.value for k, c in back.cells.items()} == {k: c.value for k, c in clean.cells.items()}
    assert back.text == clean.text


def test_html_and_md_take_the_option_and_stay_as_they_are(report: Report) -> None:
    for kind in ("html", "md"):
        assert render_bytes(report, kind, draft=True) == render_bytes(report, kind)
