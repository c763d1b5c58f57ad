"""Markdown and html reports: golden files, layout, escaping, and the round trip through the reader.

The golden files are `tests/golden/render_003.{md,html}` and `render_004.{md,html}` (samples 003, 2021
format, and 004, 2019 format). After an intended change of the output, rewrite them with
`NIANBAO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_render_md_html.py` and review the diff.

Round trip: a report read, rendered and read back gives the same format, year, agency, date, every
cell (an empty cell of the original comes back as 0), the same narratives of sections 一, 五 and 六
and the same preamble. Narratives are compared without white space and without what is not the
agency's text (see `_narrative`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

import nianbao
from nianbao.formats import get_format, sections
from nianbao.formats.grid import tables
from nianbao.render import render_bytes
from nianbao.render.content import content_of as printable
from nianbao.render.content import default_preamble, printed_value
from nianbao.render.html import render_html
from nianbao.render.md import flat_tables, render_md, width
from nianbao.report import Report
from tests.conftest import CORPUS, SAMPLES

GOLDEN = Path(__file__).parent / "golden"
R010 = CORPUS / "real" / "r010.txt"
RENDERERS = {"md": render_md, "html": render_html}


def sample(number: int) -> Path:
    (path,) = SAMPLES.glob(f"{number:03d}_*.txt")
    return path


def read_sample(number: int) -> Report:
    return nianbao.read(sample(number))


ROUND_TRIP = [pytest.param(sample(n), id=f"sample{n:03d}") for n in range(5)]
ROUND_TRIP.append(pytest.param(R010, id="r010"))


# ---------------------------------------------------------------------------------------------
# Golden files
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [3, 4])
@pytest.mark.parametrize("kind", ["md", "html"])
def test_golden(number: int, kind: str) -> None:
    out = RENDERERS[kind](read_sample(number))
    golden = GOLDEN / f"render_{number:03d}.{kind}"
    if os.environ.get("NIANBAO_UPDATE_GOLDEN") == "1" and not golden.exists():
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    if not golden.exists():
        pytest.fail(
            f"{golden} is missing: write it with NIANBAO_UPDATE_GOLDEN=1 .venv/bin/pytest "
            f"tests/test_render_md_html.py and review it"
        )
    assert out == golden.read_text(encoding="utf-8"), (
        f"the rendered {kind} of sample {number:03d} changed: review, then delete {golden.name} and rewrite it "
        f"with NIANBAO_UPDATE_GOLDEN=1"
    )


# ---------------------------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------------------------

_MARKUP_ONLY = re.compile(r"^[#*>=_|~`\-\s]*$")
_DATE_ONLY = re.compile(r"^[(（]?\d{4}年\d{1,2}月\d{1,2}日[)）]?$")


def _narrative(text: str, agency: str) -> str:
    """A narrative as the agency wrote it, without white space.

    Left out on both sides: markup-only lines (the reader keeps the `##` of the next markdown heading
    in a section's text), a markdown heading's `#` marks (html prints the heading's text), bare page
    numbers, and the signature lines that end the last section (the reader keeps the signature in
    section 六; the renderer prints the report's own agency and date).
    """
    lines = [re.sub(r"^#{1,6}\s*", "", line.strip()) for line in text.split("\n")]
    lines = [line for line in lines if not _MARKUP_ONLY.match(line) and not re.fullmatch(r"\d{1,3}", line)]
    bare_agency = "".join(agency.split())
    while lines:
        last = "".join(lines[-1].split())
        if not (_DATE_ONLY.match(last) or (bare_agency in last and len(last) <= 30)):
            break
        lines.pop()
    return "".join("".join(lines).split())


def _same_value(got: object, want: Decimal) -> bool:
    return got is not None and Decimal(str(got)) == want


@pytest.mark.parametrize("kind", ["md", "html"])
@pytest.mark.parametrize("path", ROUND_TRIP)
def test_round_trip(path: Path, kind: str, tmp_path: Path) -> None:
    original = nianbao.read(path)
    assert original.format
    assert original.year
    assert original.agency
    out = tmp_path / f"report.{kind}"
    out.write_text(RENDERERS[kind](original), encoding="utf-8")
    back = nianbao.read(out)

    assert (back.format, back.year, back.agency) == (original.format, original.year, original.agency)
    assert back.date == original.date
    fmt = get_format(original.format)
    wrong = [
        f"{key}: {printed_value(original.value(key))} -> {back.value(key)}"
        for key in fmt.cells
        if not _same_value(back.value(key), Decimal(printed_value(original.value(key))))
    ]
    assert not wrong, wrong
    for number in (1, 5, 6):
        before, after = original.section(number), back.section(number)
        assert before is not None
        assert after is not None
        assert _narrative(after.narrative, original.agency) == _narrative(before.narrative, original.agency), number
    title = "".join(printable(original).title.split())
    own = [p for p in original.preamble.split("\n") if p.strip() and "".join(p.split()) not in title]
    if own:
        assert "".join(back.preamble.split()) == "".join("".join(own).split())


def test_every_cell_printed_when_nothing_was_read(tmp_path: Path) -> None:
    """A report without any cell value prints every cell as 0, in both outputs."""
    report = Report(file="x", kind="txt", format="2021", year=2024, agency="某某县审计局")
    n = len(get_format("2021").cells)
    page = LexborHTMLParser(render_html(report))
    assert [td.text() for td in page.css("td.n")] == ["0"] * n
    for kind, render in RENDERERS.items():
        out = tmp_path / f"empty.{kind}"
        out.write_text(render(report), encoding="utf-8")
        back = nianbao.read(out)
        assert back.format == "2021"
        assert back.agency == "某某县审计局"
        assert back.year == 2024
        assert back.values() == dict.fromkeys(get_format("2021").cells, 0)


# ---------------------------------------------------------------------------------------------
# Html
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [3, 4])
def test_html_tables_are_the_grids(number: int) -> None:
    """Every cell of tables 二, 三, 四 where the grid places it: text, rowspan and colspan."""
    report = read_sample(number)
    assert report.format is not None
    page = LexborHTMLParser(render_html(report))
    grids = tables(get_format(report.format), lambda key: printed_value(report.value(key)))
    drawn = page.css("table")
    assert len(drawn) == 3
    for grid, table in zip(grids, drawn, strict=True):
        want = [[(c.text, c.rowspan, c.colspan) for c in grid.starting_in(r)] for r in range(grid.rows)]
        got = [
            [
                (td.text(), int(td.attributes.get("rowspan") or 1), int(td.attributes.get("colspan") or 1))
                for td in tr.css("td, th")
            ]
            for tr in table.css("tr")
        ]
        assert got == want, grid.name
        assert len(table.css("col")) == grid.cols


def test_html_page() -> None:
    report = read_sample(3)
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert "@page{size:A4" in html
    assert "counter(page)" in html
    assert "FangSong" in html
    assert "SimHei" in html
    assert "SimSun" in html
    assert "<script" not in html.lower()
    assert "http" not in html
    assert "url(" not in html
    page = LexborHTMLParser(html)
    title = page.css_first("title")
    assert title is not None
    assert title.text() == "忻州市审计局2023年政府信息公开工作年度报告"
    h1 = page.css_first("h1")
    assert h1 is not None
    assert h1.text() == "忻州市审计局2023年政府信息公开工作年度报告"
    headings = [h.text() for h in page.css("h2")]
    assert headings == [f"{'一二三四五六'[s.number - 1]}、{s.heading}" for s in sections()]
    assert "本年收费金额（单位：万元）" in html
    sign = page.css_first(".sign")
    assert sign is not None
    assert [p.text() for p in sign.css("p")] == ["忻州市审计局", "2024年1月10日"]
    assert html.count("忻州市审计局</p>") == 1  # the signature the text ended with is not printed twice


def test_html_escapes_report_text() -> None:
    report = read_sample(3)
    report.agency = "A&B<i>局"
    report.preamble = "<script>alert('x')</script> & “引号”"
    section = report.section(6)
    assert section is not None
    section.narrative = '<b>加粗</b>\n"双引号"'
    html = render_html(report)
    assert "<script" not in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; “引号”" in html
    assert "&lt;b&gt;加粗&lt;/b&gt;" in html
    assert "&quot;双引号&quot;" in html
    assert "<title>A&amp;B&lt;i&gt;局2023年政府信息公开工作年度报告</title>" in html


def test_html_title_breaks_after_the_year() -> None:
    html = render_html(read_sample(3))
    assert "<h1><span>忻州市审计局2023年</span><span>政府信息公开工作年度报告</span></h1>" in html


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _pipe_rows(md: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip()[1:-1].split("|")]
        for line in md.split("\n")
        if line.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", line)
    ]


def test_markdown_layout() -> None:
    report = read_sample(3)
    md = render_md(report)
    lines = md.split("\n")
    assert lines[0] == "# 忻州市审计局2023年政府信息公开工作年度报告"
    assert [line for line in lines if line.startswith("## ")] == [
        f"## {'一二三四五六'[s.number - 1]}、{s.heading}" for s in sections()
    ]
    assert md.endswith("忻州市审计局\n\n2024年1月10日\n")
    rows = _pipe_rows(md)
    assert ["（三）不予公开 1.属于国家秘密", *["0"] * 7] in rows
    assert ["三、本年度办理结果 （一）予以公开", *["0"] * 7] in rows
    assert ["第二十条第（八）项 信息内容", "本年收费金额（单位：万元）"] in rows
    header_4 = next(r for r in rows if r[0] == "行政复议 结果维持")
    assert header_4[5] == "未经复议直接起诉 结果维持"
    assert header_4[10] == "复议后起诉 结果维持"
    assert rows[rows.index(header_4) + 1] == ["0"] * 15


def test_markdown_tables_cover_every_cell_once() -> None:
    for fmt_name in ("2019", "2021"):
        fmt = get_format(fmt_name)
        values = {key: str(i) for i, key in enumerate(fmt.cells)}
        seen: list[str] = []
        for grid in tables(fmt, values.__getitem__):
            for table in flat_tables(grid):
                assert all(len(row) == len(table.header) for row in table.rows)
                for row in table.rows:
                    seen += list(row[1:] if table.labelled else row)
        assert sorted(seen, key=int) == sorted(values.values(), key=int)


def test_markdown_aligns_columns_by_display_width() -> None:
    md = render_md(read_sample(4))
    block = [line for line in md.split("\n") if line.startswith(("| （", "| 一、"))]
    assert len({width(line) for line in block}) == 1


# ---------------------------------------------------------------------------------------------
# What is printed: content_of without the reader's leftovers
# ---------------------------------------------------------------------------------------------


def test_content_leaves_out_title_leftovers_and_signature() -> None:
    content = printable(read_sample(4))  # the title's second line 年度报告 was read as the preamble
    assert content.preamble == (default_preamble("2019", 2019),)
    content = printable(read_sample(3))
    assert content.sections[-1].paragraphs == ("2023 年我局政务信息公开工作无其他需要报告的事项。",)
    content = printable(read_sample(1))  # a page number under the last line
    assert content.sections[-1].paragraphs == ("无其他需要报告事项。",)


def test_content_leaves_out_table_captions() -> None:
    report = nianbao.read(R010)
    section = report.section(3)
    assert section is not None
    assert "### 申请人情况 (自然人)" in section.narrative
    content = printable(report)
    assert [s.paragraphs for s in content.sections[1:4]] == [(), (), ()]
    assert all(p != "##" for s in content.sections for p in s.paragraphs)


def test_signature_without_date() -> None:
    report = read_sample(0)
    assert report.date is None
    md = render_md(report)
    assert md.endswith("无。\n\n二道江区审计局\n")
    report = dataclasses.replace(report, date=dt.date(2025, 1, 20))
    assert render_md(report).endswith("二道江区审计局\n\n2025年1月20日\n")


# ---------------------------------------------------------------------------------------------
# Dispatch and speed
# ---------------------------------------------------------------------------------------------


def test_render_bytes_dispatch() -> None:
    report = read_sample(3)
    assert render_bytes(report, "md") == render_md(report).encode("utf-8")
    assert render_bytes(report, "html") == render_html(report).encode("utf-8")


def test_render_html_is_fast() -> None:
    report = read_sample(3)
    render_html(report)
    n = 20
    start = time.perf_counter()
    for _ in range(n):
        render_html(report)
    assert (time.perf_counter() - start) / n < 0.020
