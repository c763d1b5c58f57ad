"""The reader's stages made visible: `read_in_stages` and its `Reading`, `ReadOptions`, `nianbao parse --explain`."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from importlib import import_module
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nianbao
from nianbao.cli import app
from nianbao.read import STAGES, ReadError, ReadOptions, read_in_stages
from nianbao.read.explain import span_text
from nianbao.report import Location
from tests.conftest import SAMPLES

SEED = SAMPLES / "003_2be53e51c8fc0eb8.txt"
runner = CliRunner()


def test_the_stages_are_named_in_the_order_they_run() -> None:
    assert [s.name for s in STAGES] == [
        "extract",
        "document",
        "linear",
        "meta",
        "tables",
        "fit",
        "values",
        "sections",
        "report",
    ]
    assert all(s.chinese and s.does for s in STAGES)


def test_read_is_the_report_of_the_reading() -> None:
    reading = read_in_stages(SEED)
    assert reading.report == nianbao.read(SEED)
    assert reading.report.to_dict() == nianbao.read(SEED).to_dict()
    # each stage's result is kept, and the report is made of them
    assert reading.document.kind == "txt"
    assert reading.document.blocks
    assert reading.linear.doc is reading.document
    assert (reading.meta.agency, reading.meta.year) == ("忻州市审计局", 2023)
    assert reading.sections is reading.report.sections
    assert reading.preamble == reading.report.preamble
    assert reading.tables.cells is reading.report.cells
    assert [row.row.table for row in reading.tables.rows][:2] == ["二", "二"]
    assert all(row.found for row in reading.tables.rows if row.fit.quality < 3)


def test_a_cell_read_from_a_table_row_is_explained() -> None:
    cells = {c.key: c for c in read_in_stages(SEED).cells}
    assert len(cells) == 200
    cell = cells["active.normative_documents.repealed"]  # line 30: 行政规范性文件\t0\t0\t0
    assert (cell.stage, cell.source) == ("tables", "table")
    assert (cell.row_label, cell.column_label) == ("行政规范性文件", "本年废止件数")
    assert cell.matched == "行政规范性文件"
    assert cell.label_location == Location(line=30, start=0, end=7)
    assert cell.location == Location(line=30, start=10, end=11)
    assert (cell.span, cell.printed, cell.value, cell.note) == ("30:10-11", "0", 0, "")


def test_a_cell_split_from_run_together_digits_is_explained_as_fitted(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("行政规范性文件\t0\t0\t0", "行政规范性文件\t000")
    path = tmp_path / "run.txt"
    path.write_text(text, encoding="utf-8")
    reading = read_in_stages(path)
    assert reading.report == nianbao.read(path)
    cells = {c.key: c for c in reading.cells}
    cell = cells["active.normative_documents.in_force"]
    assert (cell.stage, cell.source, cell.matched) == ("fit", "table", "行政规范性文件")
    assert (cell.printed, cell.value) == ("0", 0)
    assert cell.span == "30:10-11"  # the third digit of 000, after the label and its tab
    assert cells["active.regulations.issued"].stage == "tables"


def test_source_spans_are_said_as_lines_pages_or_table_cells() -> None:
    assert span_text(Location(line=12, start=3, end=5)) == "12:3-5"
    assert (
        span_text(Location(page=2, bbox=(231.3, 540.1, 338.6, 573.4), table=0, row=16, column=1))
        == "第2页 (231.3, 540.1, 338.6, 573.4) 表1 行17 列2"
    )
    assert span_text(Location(table=1, row=3, column=0)) == "表2 行4 列1"
    assert span_text(Location(line=7)) == "第7行"
    assert span_text(None) == "—"


def test_parse_explain_prints_how_each_cell_was_found() -> None:
    result = runner.invoke(app, ["parse", "--explain", str(SEED)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "单元格" in line)
    assert [h.strip() for h in header.split("┃")[1:-1]] == [
        "单元格",
        "阶段",
        "行标签",
        "列标签",
        "匹配的标签",
        "出处",
        "印刷文字",
        "说明",
    ]
    row = next(line for line in lines if "active.normative_documents.repealed" in line)
    assert [c.strip() for c in row.split("│")[1:-1]] == [
        "active.normative_documents.repealed",
        "表格（表格行）",
        "行政规范性文件",
        "本年废止件数",
        "行政规范性文件",
        "30:10-11",
        "0",
        "",
    ]
    assert "忻州市审计局 2023年度，2021年格式" in result.stdout
    assert sum("│ applications." in line for line in lines) > 100


def test_parse_explain_says_a_file_it_cannot_read_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["parse", "--explain", str(empty), str(SEED)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert result.stderr.strip() == f"nianbao: {empty}: 文件为空"
    assert "active.regulations.issued" in result.stdout


def test_the_defaults_of_the_options_are_the_limits_the_reader_always_had() -> None:
    document, fit, values = (import_module(f"nianbao.read.{m}") for m in ("document", "fit", "values"))
    options = ReadOptions()
    assert (options.max_bytes, options.max_row_cells, options.max_blocks, options.max_table_cells) == (
        50 * 1024 * 1024,
        document.MAX_ROW_CELLS,
        document.MAX_BLOCKS,
        document.MAX_TABLE_CELLS,
    )
    assert (options.split_budget, options.max_splits, options.max_digits) == (
        fit.SPLIT_BUDGET,
        fit.MAX_SPLITS,
        values.MAX_DIGITS,
    )
    assert (options.max_html_tags, options.max_pdf_pages, options.convert_timeout_s) == (500_000, 300, 120)
    assert all(isinstance(getattr(options, f.name), int) for f in fields(ReadOptions))


def test_the_options_given_are_the_limits_kept(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="文件过大"):
        nianbao.read(SEED, options=ReadOptions(max_bytes=1000))
    with pytest.raises(ReadError, match="文件的表格超过 10 个单元格"):
        nianbao.read(SEED, options=ReadOptions(max_table_cells=10))
    with pytest.raises(ReadError, match="第 27 行有超过 3 个单元格"):
        nianbao.read(SEED, options=ReadOptions(max_row_cells=3))
    page = tmp_path / "page.html"
    page.write_text("<html><body>" + "<div>" * 30 + "x" + "</div>" * 30 + "</body></html>", encoding="utf-8")
    with pytest.raises(ReadError, match="HTML 元素嵌套 30 层，超过 20 层的上限"):
        nianbao.read(page, options=ReadOptions(max_html_depth=20))


def test_the_environment_is_read_when_the_options_are_built(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ReadOptions.from_env({}) == ReadOptions()
    assert ReadOptions.from_env({"NIANBAO_MAX_BYTES": "1000", "NIANBAO_CONVERT_TIMEOUT": "7"}) == ReadOptions(
        max_bytes=1000, convert_timeout_s=7
    )
    monkeypatch.setenv("NIANBAO_MAX_BYTES", "2000")
    assert ReadOptions.from_env().max_bytes == 2000
    assert nianbao.read(SEED).agency == "忻州市审计局"  # the API keeps its own options: the code's defaults
    result = runner.invoke(app, ["parse", str(SEED)], env={"NIANBAO_MAX_BYTES": "1000"})  # the CLI reads it now
    assert result.exit_code == 1
    assert "文件过大" in result.stderr


def test_importing_the_reader_imports_no_input_kind_library() -> None:
    """The input kinds' modules and libraries are imported by the first file of their kind, the explanation of
    the cells when first asked for."""
    heavy = (
        "selectolax",
        "pypdfium2",
        "pdfplumber",
        "docx",
        "charset_normalizer",
        "nianbao.read.inputs.pdf",
        "nianbao.read.inputs.html",
        "nianbao.read.inputs.docx",
        "nianbao.read.explain",
    )
    code = f"import sys, nianbao.read; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
