"""`nianbao parse --output csv|xlsx --shape wide|long` (issue #17): the corpus as tables, checked cell by cell
against what `parse --output json --full` prints for the same files."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.formats import get_format
from nianbao.render.sheets import csv_safe, long_rows, wide_rows, write_xlsx
from nianbao.report import Cell, Report
from tests.conftest import CORPUS

runner = CliRunner()

NEW_TOTAL_LABEL = "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计"
ONLY_2019 = "active.procurement.amount"  # 第二十条第（九）项 政府集中采购 采购总金额 (元), a decimal cell
ONLY_2021 = "active.fees.amount"  # 第二十条第（八）项 本年收费金额 (万元), a decimal cell


def _parse(*args: str) -> Any:
    """`nianbao parse … CORPUS`: the corpus folder holds README.md, which the reader refuses (exit 1)."""
    result = runner.invoke(app, ["parse", *args, str(CORPUS)])
    assert result.exit_code == 1, result.stderr
    assert f"{CORPUS / 'README.md'}: " in result.stderr
    return result


@pytest.fixture(scope="module")
def exchange() -> list[dict[str, Any]]:
    """The JSON output (with the printed text) of every corpus file the reader reads."""
    data: list[dict[str, Any]] = json.loads(_parse("--output", "json", "--full").stdout)
    assert len(data) == 16
    return data


@pytest.fixture(scope="module")
def wide_xlsx(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, ...]]:
    out = tmp_path_factory.mktemp("xlsx") / "wide.xlsx"
    _parse("--output", "xlsx", "--shape", "wide", "--out", str(out))
    book = load_workbook(out)
    sheet = book.active
    assert sheet is not None
    assert sheet.freeze_panes == "A3"
    return list(sheet.iter_rows(values_only=True))


def _file(name: str) -> str:
    """A corpus file as parse names it: the folder as given, then the path below it."""
    return str(CORPUS / name)


def _by_file(exchange: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["file"]: d for d in exchange}


def test_xlsx_wide_has_the_chinese_labels_then_the_keys_as_header_rows(wide_xlsx: list[tuple[Any, ...]]) -> None:
    labels, keys = wide_xlsx[0], wide_xlsx[1]
    assert labels[:4] == ("文件", "机关", "年度", "格式")
    assert keys[:4] == ("file", "agency", "year", "format")
    # every key of the 2021 format in the order of cells.csv, then the 2019 keys the 2021 format lacks
    new, old = get_format("2021").cells, get_format("2019").cells
    assert list(keys[4:]) == list(new) + [k for k in old if k not in new]
    assert len(keys) == 4 + 200 + 26
    assert labels[keys.index("applications.new.total")] == NEW_TOTAL_LABEL
    assert labels[keys.index(ONLY_2019)] == "第二十条第（九）项 · 政府集中采购 · 采购总金额"


def test_xlsx_wide_has_one_row_per_file_read_with_the_json_values(
    wide_xlsx: list[tuple[Any, ...]], exchange: list[dict[str, Any]]
) -> None:
    keys, rows = wide_xlsx[1], wide_xlsx[2:]
    assert [r[0] for r in rows] == [d["file"] for d in exchange]  # renditions of one report: a row per file
    for row, report in zip(rows, exchange, strict=True):
        assert row[1:4] == (report["agency"], report["year"], report["format"])
        for key, value in zip(keys[4:], row[4:], strict=True):
            assert value == report["cells"].get(key), (report["file"], key)
            assert value is None or isinstance(value, int | float)


def test_xlsx_wide_real_values(wide_xlsx: list[tuple[Any, ...]]) -> None:
    keys = wide_xlsx[1]
    rows = {r[0]: dict(zip(keys, r, strict=True)) for r in wide_xlsx[2:]}
    r001 = rows[_file("real/r001.html")]
    assert (r001["agency"], r001["year"], r001["format"]) == ("平潭综合实验区", 2023, "2021")
    assert r001["applications.new.total"] == 81
    assert r001[ONLY_2021] == pytest.approx(5949.088667)
    assert r001[ONLY_2019] is None  # a 2021 report leaves the 2019 columns empty
    seed = rows[_file("seeds/002_0443c703299bd9d2.txt")]
    assert (seed["agency"], seed["year"], seed["format"]) == ("乡宁县审计局", 2020, "2019")
    assert seed[ONLY_2019] == 150000  # printed "15万元"
    assert seed[ONLY_2021] is None
    assert seed["applications.total.nonprofit"] is None  # printed empty
    assert all(v is None for k, v in rows[_file("seeds/001_3976189c068de9c9.txt")].items() if k in keys[4:])
    r012 = rows[_file("real/r012.txt")]
    assert r012["applications.other_handling.no_correction.natural_person"] is None  # one of its 21 blanks
    assert sum(1 for k in get_format("2021").cells if r012[k] is None) == 21


def test_long_csv_has_a_row_per_report_and_cell_with_blank_and_printed(exchange: list[dict[str, Any]]) -> None:
    rows = list(csv.DictReader(io.StringIO(_parse("--output", "csv", "--shape", "long").stdout)))
    assert list(rows[0]) == ["file", "agency", "year", "format", "key", "label", "value", "blank", "printed"]
    assert len(rows) == sum(len(d["cells"]) for d in exchange)
    by_file = _by_file(exchange)
    for row in rows:
        report = by_file[row["file"]]
        value = report["cells"][row["key"]]
        assert (row["agency"], row["year"], row["format"]) == (report["agency"], str(report["year"]), report["format"])
        assert (Decimal(row["value"]) if row["value"] else None) == (None if value is None else Decimal(str(value)))
        printed = report["printed"][row["key"]]["printed"]
        assert row["printed"] == printed
        assert row["blank"] == ("true" if value is None and not printed.strip() else "false")
    cells = {(r["file"], r["key"]): r for r in rows}
    procurement = cells[_file("seeds/002_0443c703299bd9d2.txt"), ONLY_2019]
    assert (procurement["value"], procurement["blank"], procurement["printed"]) == ("150000", "false", "15万元")
    assert procurement["label"] == "第二十条第（九）项 · 政府集中采购 · 采购总金额"
    nonprofit = cells[_file("seeds/002_0443c703299bd9d2.txt"), "applications.total.nonprofit"]
    assert (nonprofit["value"], nonprofit["blank"], nonprofit["printed"]) == ("", "true", "")
    r012 = [r for r in rows if r["file"] == _file("real/r012.txt")]
    assert len(r012) == 200
    assert sum(r["blank"] == "true" for r in r012) == 21
    assert cells[_file("real/r012.txt"), "applications.new.total"]["label"] == NEW_TOTAL_LABEL


def test_wide_csv_round_trips_through_the_csv_module(exchange: list[dict[str, Any]], tmp_path: Path) -> None:
    text = _parse("--output", "csv").stdout
    table = list(csv.reader(io.StringIO(text)))
    keys, rows = table[0], table[1:]
    assert keys[:5] == ["file", "agency", "year", "format", "active.regulations.issued"]
    assert len(rows) == len(exchange)
    for row, report in zip(rows, exchange, strict=True):
        assert row[:4] == [report["file"], report["agency"], str(report["year"]), report["format"]]
        for key, field in zip(keys[4:], row[4:], strict=True):
            value = report["cells"].get(key)
            assert (Decimal(field) if field else None) == (None if value is None else Decimal(str(value)))
    # to a file: the same table after a BOM, for Excel
    out = tmp_path / "wide.csv"
    _parse("--output", "csv", "--out", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert out.read_text(encoding="utf-8-sig") == text


def test_csv_with_chinese_labels_has_them_as_its_one_header_row() -> None:
    table = list(csv.reader(io.StringIO(_parse("--output", "csv", "--labels", "zh").stdout)))
    assert table[0][:4] == ["文件", "机关", "年度", "格式"]
    assert NEW_TOTAL_LABEL in table[0]
    assert table[1][0] == _file("real/r001.html")
    assert len(table) == 1 + 16


def test_xlsx_long_has_both_header_rows_and_typed_values(tmp_path: Path, exchange: list[dict[str, Any]]) -> None:
    out = tmp_path / "long.xlsx"
    _parse("--output", "xlsx", "--shape", "long", "--out", str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("文件", "机关", "年度", "格式", "单元格", "单元格名称", "数值", "空白", "印刷文字")
    assert rows[1] == ("file", "agency", "year", "format", "key", "label", "value", "blank", "printed")
    assert len(rows) == 2 + sum(len(d["cells"]) for d in exchange)
    found = {(r[0], r[4]): r for r in rows[2:]}
    assert found[_file("seeds/002_0443c703299bd9d2.txt"), ONLY_2019][6:] == (150000, False, "15万元")
    assert found[_file("seeds/002_0443c703299bd9d2.txt"), "applications.total.nonprofit"][6:] == (None, True, None)
    assert found[_file("real/r001.txt"), ONLY_2021][6] == pytest.approx(5949.088667)


def test_xlsx_needs_a_file() -> None:
    result = runner.invoke(app, ["parse", "--output", "xlsx", str(CORPUS)])
    assert result.exit_code == 2
    assert "输出 xlsx 需要用 --out 指定文件" in result.stderr
    assert "README.md" not in result.stderr  # refused before anything is read
    assert result.stdout == ""


def test_out_is_only_for_tables(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", "--output", "json", "--out", str(tmp_path / "x.json"), str(CORPUS)])
    assert result.exit_code == 2
    assert "--out 只用于 csv 和 xlsx 输出" in result.stderr


def test_text_is_never_written_as_a_formula(tmp_path: Path) -> None:
    report = Report(
        file="=cmd|' /C calc'!A0",
        kind="txt",
        format="2021",
        year=2023,
        agency="+SUM(1,2)",
        cells={"applications.new.total": Cell("applications.new.total", None, "-")},
    )
    out = tmp_path / "safe.xlsx"
    assert write_xlsx("long", [report], out) == 1
    sheet = load_workbook(out).active
    assert sheet is not None
    row = next(sheet.iter_rows(min_row=3, values_only=False))
    assert (row[0].value, row[0].data_type) == ("=cmd|' /C calc'!A0", "s")  # as printed, but text
    assert row[1].value == "+SUM(1,2)"
    assert (row[7].value, row[8].value) == (False, "-")  # a printed dash: text, not a blank
    assert long_rows([report]).rows[0][6] is None
    assert wide_rows([report]).rows[0][4:6] == (None, None)
    assert (csv_safe(report.file), csv_safe("+SUM(1,2)"), csv_safe("-"), csv_safe("-5")) == (
        "'=cmd|' /C calc'!A0",
        "'+SUM(1,2)",
        "-",
        "-5",
    )
