"""Readers bounded in their input (issue #12): the five reader bugs the fuzzing found (tests/fuzz/found/README.md).

Each input is built here, as the fuzzer's file was. No test asserts a time (bench/hostile.py and `make fuzz` measure
it): each asserts the outcome (a report with the right values, or a ReadError whose reason is one line) and, where
a reader counts its work or can be watched doing it, that the work stays bounded or is never started.
"""

from __future__ import annotations

import itertools
import random
import zipfile
from importlib import import_module, resources
from pathlib import Path
from typing import Any

import pytest
from pdfplumber import table as plumber_table
from pdfplumber.utils.geometry import filter_edges
from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

import nianbao
from nianbao import NotAReport, ReadError
from nianbao.formats import get_format
from nianbao.read.values import tokens
from nianbao.report import Report
from tests.conftest import CORPUS

read_module = import_module("nianbao.read")  # `nianbao.read` the attribute is the function
document = import_module("nianbao.read.document")
docx_reader = import_module("nianbao.read.inputs.docx")
fit = import_module("nianbao.read.fit")
html_reader = import_module("nianbao.read.inputs.html")
linear = import_module("nianbao.read.linear")
pdf_reader = import_module("nianbao.read.inputs.pdf")
sections = import_module("nianbao.read.sections")
tables = import_module("nianbao.read.tables")

GOOD = Path(str(resources.files("nianbao") / "samples" / "003_2be53e51c8fc0eb8.txt"))
SEEDS = CORPUS / "seeds"


def read_error(path: Path) -> ReadError:
    """The ReadError (or NotAReport) reading `path` ends in: one line, in Chinese, naming the file."""
    with pytest.raises(ReadError) as info:
        nianbao.read(path)
    exc = info.value
    assert "\n" not in exc.reason
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.reason), exc.reason
    assert exc.file == str(path)
    return exc


def values(report: Report) -> dict[str, Any]:
    return {k: c.value for k, c in report.cells.items()}


# ---------------------------------------------------------------- sections-regex


def test_a_heading_inside_a_cut_table_row_is_found_without_backtracking(tmp_path: Path) -> None:
    """27 cells, then 一、总体情况 in the same row: the text before the heading is a row without its end, which the
    nested quantifier of the old table-row pattern tried every grouping of (2^cells; 27 cells took a minute)."""
    sample = GOOD.read_text(encoding="utf-8")
    page = tmp_path / "cut-row.txt"
    page.write_text("1\t" * 27 + "一、总体情况\n" + sample, encoding="utf-8")
    report = nianbao.read(page)
    good = nianbao.read(GOOD)
    assert values(report) == values(good)
    assert [s.number for s in report.sections] == [s.number for s in good.sections]
    # the first heading now stands first (in the cut row): the rest of the document is as before
    assert report.sections[0].narrative.endswith(good.sections[0].narrative)
    assert [s.narrative for s in report.sections[1:]] == [s.narrative for s in good.sections[1:]]


def test_the_narrative_of_a_row_without_its_end_is_the_row_itself() -> None:
    cut = "前言" + (linear.CELL + "1") * 64  # 2^64 groupings for the old pattern: it would never end
    assert sections._narrative(cut) == "\n".join(line.strip() for line in cut.split("\n") if line.strip())
    whole = "甲\n" + (linear.CELL + "1") * 3 + linear.ROW + "乙\n"
    assert sections._narrative(whole) == "甲\n乙"


# ---------------------------------------------------------------- docx-gridspan

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org'
    '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_docx(path: Path, body: str, padding: bytes = b"") -> Path:
    """A minimal .docx whose document body is `body` (WordprocessingML), with `padding` stored as a media file."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>{body}'
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", xml)
        if padding:
            zf.writestr("word/media/pad.bin", padding, compress_type=zipfile.ZIP_STORED)
    return path


def tc(text: str, span: str | None = None) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span is not None else ""
    return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_a_grid_span_that_is_not_a_whole_number_is_read_leniently(tmp_path: Path) -> None:
    """w:gridSpan is parsed as html's colspan: an integer clamped to 1..100, 1 when it is not a number."""
    found = write_docx(tmp_path / "gridspan.docx", f"<w:tbl><w:tr>{tc('规章', '1.5')}</w:tr></w:tbl>")
    assert isinstance(read_error(found), NotAReport)  # was: ValueError from int('1.5')
    spans = ["1.5", "abc", "", "\u0663", "0", "-2", "1000", "2"]  # \u0663 is an Arabic-Indic 3, an integer to int()
    row = "".join(tc(f"c{i}", s) for i, s in enumerate(spans)) + tc("last")
    doc = read_module.read_document(write_docx(tmp_path / "spans.docx", f"<w:tbl><w:tr>{row}</w:tr></w:tbl>"))
    assert [loc.column for loc in doc.blocks[0].locations] == [0, 1, 2, 3, 6, 7, 8, 108, 110]
    assert doc.blocks[0].cells == (*(f"c{i}" for i in range(len(spans))), "last")


def test_a_zip_directory_naming_an_unknown_zip_version_is_a_damaged_file(tmp_path: Path) -> None:
    """Found by the fuzzer once the others were fixed: zipfile raises NotImplementedError on such a directory."""
    path = write_docx(tmp_path / "version.docx", f"<w:tbl><w:tr>{tc('规章')}</w:tr></w:tbl>")
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")  # the first central directory entry; its "version needed" follows
    data[at + 6] = 148  # version 14.8
    path.write_bytes(bytes(data))
    assert "文件已损坏或不完整" in read_error(path).reason


def test_a_library_message_quoting_a_damaged_header_is_clipped(tmp_path: Path) -> None:
    """Found by the fuzzer: a local header whose name length is wrong makes zipfile quote kilobytes of it."""
    text = random.Random(4).randbytes(10_000).hex()  # incompressible, so that 4,000 bytes follow the header
    path = write_docx(tmp_path / "header.docx", f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x03\x04")  # the first local header
    while not data[at + 30 :].startswith(b"word/document.xml"):
        at = data.index(b"PK\x03\x04", at + 4)
    data[at + 26 : at + 28] = (4000).to_bytes(2, "little")  # its file name length
    path.write_bytes(bytes(data))
    reason = read_error(path).reason
    assert reason.startswith("无法打开 Word 文档（BadZipFile")
    assert len(reason) <= 200


def test_a_report_whose_merged_cells_have_odd_spans_reads_the_same(tmp_path: Path) -> None:
    from tests.builders import build_docx, load_truth

    built = build_docx(load_truth(SEEDS / "003_2be53e51c8fc0eb8.truth.json"), tmp_path / "report.docx")
    odd = tmp_path / "odd.docx"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert 'w:gridSpan w:val="3"' in text
                data = text.replace('w:gridSpan w:val="3"', 'w:gridSpan w:val="3.0"').encode("utf-8")
            dst.writestr(info, data)
    assert values(nianbao.read(odd)) == values(nianbao.read(built))


# ---------------------------------------------------------------- split-search

RUN = "6259118243454487278209"  # 22 digits: C(21, 6) = 54,264 ways into a row of 7 cells


def run_together(path: Path, runs: int, repeat: int = 1, same: bool = True) -> Path:
    """Table 三 of the 2021 format: the first `runs` row labels followed by one 22-digit run (`RUN`, or when not
    `same` a different one for each row), the others by seven zeros, each line `repeat` times (the fuzzer's file is
    runs=4)."""
    rows = get_format("2021").rows_of("三")
    rnd = random.Random(3)
    digits = [RUN if same else str(rnd.randrange(10**21, 10**22)) for _ in rows]
    lines = [r.label + (digits[i] if i < runs else " 0 0 0 0 0 0 0") for i, r in enumerate(rows)]
    path.write_text(
        "三、收到和处理政府信息公开申请情况\n" + "".join(f"{line}\n" * repeat for line in lines), encoding="utf-8"
    )
    return path


def splits_scored(path: Path) -> int:
    doc = read_module.read_document(path)
    read = tables.read_tables(linear.Linear(doc), 2023)
    assert read is not None
    return int(read.splits_scored)


def unsure(report: Report) -> set[str]:
    return {k for p in report.problems if p.code == "row.fit" for k in p.keys}


def test_four_run_together_rows_are_split_within_the_budget(tmp_path: Path) -> None:
    path = run_together(tmp_path / "split-search.txt", 4)
    report = nianbao.read(path)
    assert report.format == "2021"
    rows = get_format("2021").rows_of("三")
    for row in rows[:4]:  # no split of the run keeps 总计 = the sum of the six columns: said, not silent
        assert set(row.cells) <= unsure(report)
    for row in rows[4:]:
        assert all(report.cells[k].value == 0 for k in row.cells)
        assert not set(row.cells) & unsure(report)
    # the four rows are alike (seven counts, 总计 the sum of six) and print the same digits: ranked once
    assert 0 < splits_scored(path) <= fit.MAX_SPLITS + 1
    assert 0 < splits_scored(run_together(tmp_path / "four-runs.txt", 4, same=False)) <= 4 * (fit.MAX_SPLITS + 1)


def test_past_the_budget_a_run_is_not_split_but_said_to_be_unread(tmp_path: Path) -> None:
    """25 such rows would score 25 × 50,000 splits (about a minute): the budget stops it, and the rows it could
    not afford are left unread and marked uncertain, never guessed."""
    path = run_together(tmp_path / "all-rows.txt", 25, same=False)
    report = nianbao.read(path)
    assert splits_scored(path) <= fit.SPLIT_BUDGET
    unread = [p for p in report.problems if p.code == "row.fit" and "拆分计算已达上限" in p.message]
    assert unread, [p.message for p in report.problems]
    for problem in unread:
        assert all(report.cells[k].value is None for k in problem.keys)
    rows = get_format("2021").rows_of("三")
    assert {k for row in rows for k in row.cells} <= unsure(report)


def test_the_same_label_and_digits_printed_again_are_split_once(tmp_path: Path) -> None:
    once = splits_scored(run_together(tmp_path / "once.txt", 1))
    assert once > 1000
    assert splits_scored(run_together(tmp_path / "many.txt", 1, repeat=40)) == once
    assert splits_scored(run_together(tmp_path / "rows.txt", 25)) == once  # 25 rows alike, the same digits


def test_a_piece_cut_from_a_run_has_no_more_digits_than_its_cell_holds() -> None:
    fmt = get_format("2021")
    row = fmt.rows_of("二")[0]  # 规章: three counts
    found = tokens("1234567890123456", 0)
    got = fit.fit_row(fmt, row, found, False)
    assert got.quality == 1
    assert all(t is not None and len(t.digits) <= fit.MAX_COUNT_DIGITS for t in got.cells)
    assert "".join(t.digits for t in got.cells if t is not None) == "1234567890123456"
    assert all(len(t.digits) <= fit.MAX_COUNT_DIGITS for alt in got.alternatives for t in alt if t is not None)
    # a run no split of which fits the cells is not split
    assert fit.fit_row(fmt, row, tokens("1" * 30, 0), False).quality == 2


def test_real_run_together_rows_split_as_before() -> None:
    report = nianbao.read(CORPUS / "real" / "r001.txt")
    row = [report.value(f"applications.new.{c}") for c in get_format("2021").applicant_columns]
    assert row == [80, 1, 0, 0, 0, 0, 81]
    assert splits_scored(CORPUS / "real" / "r001.txt") < 10_000


# ---------------------------------------------------------------- size (docx, html, text)


def test_a_docx_body_too_large_for_a_report_is_refused_from_the_zip_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """190,000 one-cell rows (11 MB of XML) packed 342:1, padded with random bytes so the whole archive stays
    under the zip-bomb ratio: refused before python-docx parses anything."""
    row = f"<w:tr>{tc('1')}</w:tr>"
    path = write_docx(
        tmp_path / "size-docx.docx",
        "<w:tbl>" + row * 190_000 + "</w:tbl>",
        padding=random.Random(0).randbytes(24 * 1024),
    )

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx must not parse it")

    monkeypatch.setattr(docx_reader, "open_docx", no_parse)
    exc = read_error(path)
    assert "word/document.xml" in exc.reason
    assert "压缩比 342:1" in exc.reason
    text = random.Random(1).randbytes(12 * 1024 * 1024).hex()  # 24 MB that compress 2:1, over MAX_DOCUMENT_XML
    big = write_docx(tmp_path / "big.docx", f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    assert "解压后 24 MB" in read_error(big).reason


def test_docx_table_cells_are_counted_as_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(2)
    rows = "".join(f'<w:tr w:rsidR="{rnd.getrandbits(32):08X}">{tc(str(i % 10))}</w:tr>' for i in range(60_000))
    path = write_docx(tmp_path / "cells.docx", "<w:tbl>" + rows + "</w:tbl>")
    read_cells = 0
    cell_text = docx_reader._cell_text

    def counted(tc: object) -> str:
        nonlocal read_cells
        read_cells += 1
        return str(cell_text(tc))

    monkeypatch.setattr(docx_reader, "_cell_text", counted)
    assert "个单元格" in read_error(path).reason
    assert read_cells == document.MAX_TABLE_CELLS  # stopped at the bound, not after reading all 60,000


def test_an_html_page_of_one_huge_table_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6.3 MB: 50,000 rows of 8 cells (900,000 tags) took 12-20 s through the parse and the table stages."""
    page = tmp_path / "huge-table.html"
    page.write_text("<table>" + ("<tr><td>规章</td>" + "<td>0</td>" * 7 + "</tr>") * 50_000, encoding="utf-8")

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page must not be parsed")

    monkeypatch.setattr(html_reader, "LexborHTMLParser", no_parse)
    assert "个标签" in read_error(page).reason


def test_html_table_cells_are_counted_as_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "many-cells.html"  # 64,000 cells in 144,000 tags: parsed, then stopped at the cell bound
    page.write_text(
        "<html><body><table>" + ("<tr><td>规章</td>" + "<td>0</td>" * 7 + "</tr>") * 8_000 + "</table></body></html>",
        encoding="utf-8",
    )
    read_cells = 0
    cell_text = html_reader._cell_text

    def counted(cell: Any) -> str:
        nonlocal read_cells
        read_cells += 1
        return str(cell_text(cell))

    monkeypatch.setattr(html_reader, "_cell_text", counted)
    assert "个单元格" in read_error(page).reason
    assert read_cells == document.MAX_TABLE_CELLS


def test_html_row_spans_place_cells_as_before(tmp_path: Path) -> None:
    page = tmp_path / "spans.html"
    page.write_text(
        "<table><tr><td rowspan=3 colspan=2>a</td><td>b</td><td rowspan=2>c</td></tr>"
        "<tr><td>d</td><td>e</td></tr><tr><td>f</td><td>g</td><td colspan='x'>h</td></tr></table>",
        encoding="utf-8",
    )
    doc = read_module.read_document(page)
    columns = [[loc.column for loc in b.locations] for b in doc.blocks if b.is_row]
    assert columns == [[0, 2, 3], [2, 4], [2, 3, 4]]


def test_text_with_more_table_cells_than_a_report_has_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "cells.txt"
    text.write_text("规章\t0\t0\t0\t0\t0\t0\t0\n" * 8_000, encoding="utf-8")
    assert "个单元格" in read_error(text).reason


# ---------------------------------------------------------------- pdf-rules


def grid_pdf(path: Path, lines: int, pages: int = 1) -> Path:
    """`pages` pages, each a grid of `lines` + 1 horizontal and vertical rules and one character."""
    c = canvas.Canvas(str(path), pagesize=(842, 842))
    step = 800 / lines
    for _ in range(pages):
        for i in range(lines + 1):
            c.line(20, 20 + i * step, 820, 20 + i * step)
            c.line(20 + i * step, 20, 20 + i * step, 820)
        c.drawString(30, 30, "x")
        c.showPage()
    c.save()
    return path


def test_a_page_of_more_rules_than_a_table_has_skips_table_detection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """151 × 151 rules: pdfplumber's cell search grows as n^3.5 (about 20 s and 600 MB for this one page)."""

    def no_detection(*args: object, **kwargs: object) -> None:
        raise AssertionError("table detection must not run on this page")

    monkeypatch.setattr(pdf_reader.plumber_table, "edges_to_intersections", no_detection)
    monkeypatch.setattr(pdf_reader, "_grid_cells", no_detection)
    assert isinstance(read_error(grid_pdf(tmp_path / "pdf-rules.pdf", 150)), NotAReport)


def test_a_grid_within_the_bounds_is_still_detected(tmp_path: Path) -> None:
    doc = read_module.read_document(grid_pdf(tmp_path / "grid.pdf", 20))
    rows = [b for b in doc.blocks if b.is_row]
    assert len(rows) == 20
    assert all(len(r.cells) == 20 for r in rows)
    assert rows[-1].cells[0] == "x"


def random_edges(rnd: random.Random) -> list[dict[str, Any]]:
    """Rules of a grid, some broken, some missing, some a little off their line."""
    xs = sorted(rnd.sample(range(0, 600, 7), rnd.randint(2, 12)))
    ys = sorted(rnd.sample(range(0, 800, 7), rnd.randint(2, 12)))
    edges: list[dict[str, Any]] = []
    for x in xs:
        cuts = sorted(rnd.sample(ys, rnd.randint(2, len(ys))))
        edges += [
            {
                "x0": x + rnd.choice([0, 0, 0.5]),
                "x1": x,
                "top": a,
                "bottom": b,
                "width": 0.0,
                "height": b - a,
                "orientation": "v",
                "object_type": "line",
            }
            for a, b in itertools.pairwise(cuts)
            if rnd.random() < 0.8
        ]
    for y in ys:
        cuts = sorted(rnd.sample(xs, rnd.randint(2, len(xs))))
        edges += [
            {
                "x0": a,
                "x1": b,
                "top": y + rnd.choice([0, 0, 0.5]),
                "bottom": y,
                "width": b - a,
                "height": 0.0,
                "orientation": "h",
                "object_type": "line",
            }
            for a, b in itertools.pairwise(cuts)
            if rnd.random() < 0.8
        ]
    return edges


def test_grid_cells_are_pdfplumbers_cells() -> None:
    rnd = random.Random(12)
    compared = 0
    for _ in range(300):
        edges = random_edges(rnd)
        if len(edges) < 4:
            continue
        merged = filter_edges(plumber_table.merge_edges(edges, 3, 3, 3, 3), min_length=3)
        points = plumber_table.edges_to_intersections(merged, 3, 3)
        assert pdf_reader._grid_cells(points) == plumber_table.intersections_to_cells(points)
        compared += 1
    assert compared > 250


def test_the_grid_search_stops_at_its_step_bound() -> None:
    """One long rule down the left and long rules across, crossed elsewhere only by short ticks: every crossing of
    the long rule tries every pair of crossings below and right of it (cubic), and is stopped."""
    n = 99
    edges: list[dict[str, Any]] = [
        {
            "x0": 0.0,
            "x1": 0.0,
            "top": 0.0,
            "bottom": 10.0 * n,
            "width": 0.0,
            "height": 10.0 * n,
            "orientation": "v",
            "object_type": "line",
        }
    ]
    for i in range(n + 1):
        edges.append(
            {
                "x0": 0.0,
                "x1": 10.0 * n,
                "top": 10.0 * i,
                "bottom": 10.0 * i,
                "width": 10.0 * n,
                "height": 0.0,
                "orientation": "h",
                "object_type": "line",
            }
        )
        for j in range(1, n + 1):
            edges.append(
                {
                    "x0": 10.0 * j,
                    "x1": 10.0 * j,
                    "top": 10.0 * i - 2,
                    "bottom": 10.0 * i + 2,
                    "width": 0.0,
                    "height": 4.0,
                    "orientation": "v",
                    "object_type": "line",
                }
            )
    points = plumber_table.edges_to_intersections(edges, 1, 1)
    with pytest.raises(pdf_reader._TooManyRules):
        pdf_reader._grid_cells(points)


def test_table_detection_is_bounded_over_the_document(tmp_path: Path) -> None:
    """Pages of grids at the bounds (60 × 60 rules) stop at the document's count of table cells."""
    exc = read_error(grid_pdf(tmp_path / "grids.pdf", 60, pages=20))
    assert "个单元格" in exc.reason


def test_an_amount_cut_from_a_run_may_have_more_digits_than_a_count() -> None:
    """An amount (元) may have up to `values.MAX_DIGITS` digits, a count `fit.MAX_COUNT_DIGITS`."""
    fmt = get_format("2019")
    row = next(r for r in fmt.rows_of("二") if "active.procurement.amount" in r.cells)
    assert row.cells == ("active.procurement.projects", "active.procurement.amount")
    got = fit.fit_row(fmt, row, tokens("3123456789012", 0), False)
    splits = [got.cells, *got.alternatives]
    assert all(t is not None and len(t.digits) <= fit.MAX_COUNT_DIGITS for projects, _ in splits for t in [projects])
    assert max(len(amount.digits) for _, amount in splits if amount is not None) == 12
