"""The Word renderer: the official tables with their merged cells, the layout, and a round trip.

The merged cells of each rendered table are read back from the .docx (`w:gridSpan`, `w:vMerge`) and
compared with the `Grid` that `formats.grid` lays out for the format, cell for cell; a few spans the
official format is known by are checked by name on top of that. Each packaged sample, read, rendered
and read again, gives back its format, year, agency, every cell (an empty one as 0), its preamble and
the narratives of sections 一, 五 and 六.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

import nianbao
from nianbao.formats import FORMAT_NAMES, get_format
from nianbao.formats.grid import Grid, tables
from nianbao.formats.text import squeeze
from nianbao.render.content import content_of, default_preamble
from nianbao.render.docx import header_rows, render_docx
from nianbao.report import Report
from tests.builders import _docx_table
from tests.conftest import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
_TOP_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、$")


def _blank(fmt: str, year: int) -> Report:
    return Report(file="blank.txt", kind="txt", format=fmt, year=year, agency="某某市某某局")


@dataclass(frozen=True)
class Span:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def _spans(tbl: object) -> list[Span]:
    """The cells of a Word table as placed: each one's top-left, spans and text, from gridSpan/vMerge."""
    rows = []
    for tr in tbl.tr_lst:  # type: ignore[attr-defined]
        col = 0
        cells = []
        for tc in tr.tc_lst:
            cells.append((col, tc))
            col += tc.grid_span
        rows.append(cells)
    out = []
    for r, cells in enumerate(rows):
        for col, tc in cells:
            if tc.vMerge == "continue":
                continue
            rowspan = 1
            if tc.vMerge == "restart":
                while r + rowspan < len(rows):
                    below = dict(rows[r + rowspan]).get(col)
                    if below is None or below.vMerge != "continue" or below.grid_span != tc.grid_span:
                        break
                    rowspan += 1
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
            out.append(Span(r, col, rowspan, tc.grid_span, text))
    return out


def _expected(grid: Grid) -> list[Span]:
    return [Span(c.row, c.col, c.rowspan, c.colspan, c.text) for c in grid.cells]


def _by_text(spans: list[Span], test: str) -> Span:
    (found,) = [s for s in spans if test in s.text]
    return found


@pytest.fixture(scope="module", params=sorted(FORMAT_NAMES))
def rendered(request: pytest.FixtureRequest) -> tuple[str, object, list[Grid]]:
    """A report of each format with nothing filled in, rendered; with the grids the format lays out."""
    fmt = str(request.param)
    year = 2020 if fmt == "2019" else 2024
    data = render_docx(_blank(fmt, year))
    grids = tables(get_format(fmt), lambda key: "0")
    return fmt, open_docx(io.BytesIO(data)), grids


def test_merged_cells_are_the_grids(rendered: tuple[str, object, list[Grid]]) -> None:
    _, doc, grids = rendered
    word_tables = doc.tables  # type: ignore[attr-defined]
    assert len(word_tables) == len(grids) == 3
    for table, grid in zip(word_tables, grids, strict=True):
        widths = table._tbl.tblGrid.gridCol_lst
        assert len(widths) == grid.cols
        assert sorted(_spans(table._tbl), key=lambda s: (s.row, s.col)) == sorted(
            _expected(grid), key=lambda s: (s.row, s.col)
        ), f"table {grid.name}"
        assert len(table._tbl.tr_lst) == grid.rows


def test_same_cells_as_python_docx_merges(rendered: tuple[str, object, list[Grid]]) -> None:
    """The tables written straight as XML have the structure python-docx's `cell.merge` gives the same grid."""
    _, doc, grids = rendered
    merged = open_docx()
    for grid in grids:
        _docx_table(merged, grid, rows_may_split=False)
    for mine, theirs in zip(doc.tables, merged.tables, strict=True):  # type: ignore[attr-defined]
        assert _spans(mine._tbl) == _spans(theirs._tbl)


def test_known_spans_of_the_official_tables(rendered: tuple[str, object, list[Grid]]) -> None:
    fmt_name, doc, grids = rendered
    fmt = get_format(fmt_name)
    two, three, four = (_spans(t._tbl) for t in doc.tables)  # type: ignore[attr-defined]
    # 二: each 第二十条第（…）项 row spans the table.
    items = [s for s in two if s.text.startswith("第二十条")]
    assert len(items) == len({fmt.cell(k).table for row in fmt.rows_of("二") for k in row.cells}) >= 4
    assert all(s.colspan == grids[0].cols and s.rowspan == 1 for s in items)
    # 三: the balance note 3 x 3, the applicants, the legal persons, the results, each group.
    rows = fmt.rows_of("三")
    applicants = len(rows[0].cells)
    assert applicants == 7
    note = _by_text(three, "勾稽关系")
    assert (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    assert _by_text(three, "申请人情况").colspan == applicants
    assert _by_text(three, "法人或其他组织").colspan == applicants - 2 == 5
    results = [r for r in rows if not _TOP_ORDINAL.match(r.ordinal)]
    outcome = _by_text(three, "本年度办理结果")
    assert outcome.text.startswith("三、")
    assert (outcome.col, outcome.rowspan, outcome.colspan) == (0, len(results), 1)
    groups = sorted({r.group for r in rows if r.group})
    assert len(groups) >= 3  # 2021 adds （六）其他处理
    for group in groups:
        span = next(s for s in three if s.text == group)
        assert (span.col, span.rowspan) == (1, sum(1 for r in rows if r.group == group)), group
    # 四: 行政复议 over its five columns, 行政诉讼 over the other ten.
    assert _by_text(four, "行政复议").colspan == 5
    assert _by_text(four, "行政诉讼").colspan == 10


def test_rows_whole_and_headers_repeated(rendered: tuple[str, object, list[Grid]]) -> None:
    _, doc, grids = rendered
    for table, grid in zip(doc.tables, grids, strict=True):  # type: ignore[attr-defined]
        heads = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst]
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)
        n = header_rows(grid)
        assert heads == [i < n for i in range(grid.rows)]
        assert n == {"二": 0, "三": 3, "四": 3}[grid.name]  # 二 heads each item with its own rows


def test_value_cells_are_explicit(rendered: tuple[str, object, list[Grid]]) -> None:
    _, doc, grids = rendered
    for table, grid in zip(doc.tables, grids, strict=True):  # type: ignore[attr-defined]
        spans = {(s.row, s.col): s for s in _spans(table._tbl)}
        for c in grid.cells:
            if c.key is not None:
                assert spans[(c.row, c.col)].text == "0", (grid.name, c.key)


def test_layout_styles_page_and_properties(rendered: tuple[str, object, list[Grid]]) -> None:
    _, doc, _ = rendered
    section = doc.sections[0]  # type: ignore[attr-defined]
    assert (section.page_width, section.page_height) == (11906 * 635, 16838 * 635)  # A4 portrait, in EMU
    styles = doc.styles  # type: ignore[attr-defined]

    def east_asian(style: str) -> str:
        rfonts = styles[style].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        return str(rfonts.get(qn("w:eastAsia")))

    assert east_asian("Title") == "方正小标宋简体"
    assert east_asian("Heading 1") == "黑体"
    assert east_asian("Body Text") == "仿宋_GB2312"
    assert east_asian("Table Text") == "宋体"
    assert styles["Title"].font.size.pt == 22
    assert styles["Heading 1"].font.size.pt == styles["Body Text"].font.size.pt == 16
    assert styles["Table Text"].font.size.pt == 10.5
    indent = styles["Body Text"].element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert indent.get(qn("w:firstLineChars")) == "200"
    paragraphs = doc.paragraphs  # type: ignore[attr-defined]
    assert paragraphs[0].style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert paragraphs[-1].style.name == "Signature"
    assert paragraphs[-1].text == "某某市某某局"
    body = doc.element.body  # type: ignore[attr-defined]
    assert not body.findall(f".//{qn('w:r')}/{qn('w:rPr')}/{qn('w:rFonts')}")  # fonts come from the styles
    footer = section.footer._element
    assert "PAGE" in "".join(t.text for t in footer.iter(qn("w:instrText")))
    props = doc.core_properties  # type: ignore[attr-defined]
    assert props.title == "某某市某某局" + paragraphs[0].text.removeprefix("某某市某某局").replace("\n", "")
    assert props.author == "某某市某某局"


def _narrative(report: Report, number: int, agency: str) -> str:
    """A section's narrative, whitespace dropped, without a signature closing it (the reader counts the
    signature under 六 as part of 六's narrative; it is printed as the signature, not as narrative)."""
    section = report.section(number)
    lines = [squeeze(x) for x in (section.narrative if section else "").split("\n") if x.strip()]
    date = report.date
    while lines and (
        lines[-1] == squeeze(agency) or (date is not None and lines[-1] == f"{date.year}年{date.month}月{date.day}日")
    ):
        lines.pop()
    return "".join(lines)


def _preamble(report: Report) -> str:
    """The preamble as rendered: a line that is part of the title is printed as the title; none at all
    is printed as the default preamble."""
    assert report.format is not None
    assert report.year is not None
    title = squeeze(content_of(report).title)
    lines = [squeeze(x) for x in report.preamble.split("\n") if squeeze(x) and squeeze(x) not in title]
    return "".join(lines) or squeeze(default_preamble(report.format, report.year))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name[:3])
def test_samples_read_back_the_same(path: Path, tmp_path: Path) -> None:
    original = nianbao.read(path)
    out = tmp_path / f"{path.stem}.docx"
    out.write_bytes(render_docx(original))
    again = nianbao.read(out)
    assert (again.format, again.year, again.agency) == (original.format, original.year, original.agency)
    assert again.date == original.date
    assert set(again.cells) == set(original.cells)
    for key, cell in original.cells.items():
        want = Decimal(0) if cell.value is None else Decimal(cell.value)
        got = again.value(key)
        assert got is not None, key
        assert Decimal(got) == want, key
    assert original.agency
    printed = content_of(original)  # what was printed: the narrative less what the reader left in it
    for number in (1, 5, 6):
        narrative = "".join(squeeze(p) for p in printed.sections[number - 1].paragraphs)
        assert _narrative(again, number, original.agency) == narrative, number
    assert squeeze(again.preamble) == _preamble(original)
    assert again.problems == []


def test_render_is_fast() -> None:
    """≤ 100 ms per report (about 35 ms on an idle machine; the best of several runs, so that a machine
    busy with other work does not fail it)."""
    reports = [nianbao.read(p) for p in SAMPLE_FILES]
    render_docx(reports[0])  # imports and caches
    for report in reports:
        best = min(_timed(report) for _ in range(7))
        assert best < 0.100, f"{report.file}: {best * 1000:.0f} ms"


def _timed(report: Report) -> float:
    start = time.perf_counter()
    render_docx(report)
    return time.perf_counter() - start


def test_report_without_agency_is_refused() -> None:
    with pytest.raises(ValueError, match="发布机关"):
        render_docx(Report(file="x.txt", kind="txt", format="2021", year=2024))


def test_text_xml_cannot_hold_is_dropped(tmp_path: Path) -> None:
    report = _blank("2021", 2024)
    report.preamble = "本报告\x0b依据\t条例编制。"
    out = tmp_path / "odd.docx"
    out.write_bytes(render_docx(report))
    assert "本报告依据\t条例编制。" in [p.text for p in open_docx(str(out)).paragraphs]


def test_text_the_layout_prints_is_not_repeated() -> None:
    """A signature closing 六 (003), a table label read as text (000), a title's second line read as the
    preamble (004): each printed once, where the layout puts it."""

    def paragraphs(name: str) -> list[str]:
        (path,) = SAMPLES.glob(f"{name}_*.txt")
        doc = open_docx(io.BytesIO(render_docx(nianbao.read(path))))
        return [p.text for p in doc.paragraphs]

    signed = paragraphs("003")
    assert signed[-2:] == ["忻州市审计局", "2024年1月10日"]
    assert signed.count("忻州市审计局") == 1
    assert "三、" not in paragraphs("000")
    wrapped = paragraphs("004")
    assert wrapped[0] == "南开区审计局\n2019年政府信息公开工作年度报告"  # broken after the agency
    assert wrapped[1].startswith("本报告根据《中华人民共和国政府信息公开条例》")
