"""SQL over a dataset with DuckDB: the views, the wide `tables` view, `nianbao dataset query` and `export`.

The dataset is the one of tests/test_dataset_pairing.py: real sample reports written in the dataset's schema
with pyarrow, with the cross-year findings added by `cross_year`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from nianbao.cli.dataset import export_cmd, query_cmd
from nianbao.dataset.pairing import cross_year
from nianbao.dataset.query import EXPORT_COLUMNS, cell_keys, connect, tables_sql
from tests.test_dataset_pairing import Entry, sample_entries, write_dataset

APPLICATIONS_PER_PROVINCE = """
SELECT r.region AS province, r.year, count(*) AS reports, sum(t."applications.new.total") AS applications
FROM reports r JOIN tables t USING (report_id)
WHERE r.status = 'ok'
GROUP BY ALL ORDER BY province, r.year
"""
ARITHMETIC_SHARE = """
SELECT r.year, count(*) AS reports,
       count(*) FILTER (WHERE r.report_id IN (
           SELECT report_id FROM findings WHERE family = 'arithmetic' AND status = 'failed')) AS with_errors,
       round(100.0 * with_errors / reports, 1) AS percent
FROM reports r WHERE r.status = 'ok'
GROUP BY r.year ORDER BY r.year
"""

cli = typer.Typer()
cli.command(name="query")(query_cmd)
cli.command(name="export")(export_cmd)
runner = CliRunner()


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return sample_entries()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, entries: list[Entry]) -> Path:
    out = tmp_path_factory.mktemp("dataset") / "out"
    write_dataset(out, entries)
    cross_year(out)
    return out


def _rows(out: Path, sql: str) -> list[tuple[object, ...]]:
    con = connect(out)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_views_over_the_partitions(dataset: Path) -> None:
    reports = _rows(dataset, "SELECT report_id, year, region, status FROM reports ORDER BY report_id")
    assert reports == [
        ("broken", None, None, "failed"),
        ("erdaojiang-2023", 2023, "吉林省", "ok"),
        ("erdaojiang-2024", 2024, "吉林省", "ok"),
        ("nankai-2019", 2019, "天津市", "ok"),
        ("xiangning-2020", 2020, "山西省", "ok"),
        ("xinzhou-2023", 2023, "山西省", "ok"),
    ]
    assert _rows(dataset, "SELECT count(*) FROM cells WHERE report_id = 'erdaojiang-2024'") == [(200,)]
    assert _rows(dataset, "SELECT DISTINCT rule FROM findings WHERE family = 'cross_year' ORDER BY rule")[0] == (
        "Y701",
    )
    assert _rows(dataset, "SELECT count(DISTINCT number) FROM sections WHERE report_id = 'nankai-2019'") == [(6,)]
    con = connect(dataset)
    try:
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE reports)").fetchall())
    finally:
        con.close()
    assert types["year"] == "INTEGER"


def test_a_missing_table_is_an_empty_view_with_its_columns(tmp_path: Path, entries: list[Entry]) -> None:
    out = tmp_path / "out"
    write_dataset(out, entries[:1])
    for part in (out / "sections").rglob("*.parquet"):
        part.unlink()
    (out / "findings").rename(tmp_path / "gone")
    assert _rows(out, "SELECT count(*), count(rule), count(keys) FROM findings") == [(0, 0, 0)]
    assert _rows(out, "SELECT count(*) FROM sections WHERE number = 1") == [(0,)]
    assert _rows(out, 'SELECT "applications.new.total" FROM tables') == [(0.0,)]


def test_files_without_hive_folders_are_read_too(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "cells"
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "report_id": ["x"],
                "year": pa.array([2024], pa.int32()),
                "key": ["k"],
                "value": [1.5],
                "blank": [False],
                "printed": ["1.5"],
                "provenance": [None],
            }
        ),
        folder / "cells.parquet",
    )
    assert _rows(tmp_path / "out", "SELECT year, value FROM cells") == [(2024, 1.5)]


def test_the_wide_view_has_a_column_per_key_with_the_reports_values(dataset: Path) -> None:
    keys = cell_keys()
    assert {"applications.new.total", "active.penalties.previous", "active.regulations.issued"} <= set(keys)
    assert len(keys) == len(set(keys)) > 200
    con = connect(dataset)
    try:
        columns = [d[0] for d in con.execute("SELECT * FROM tables LIMIT 0").description]
        row = con.execute(
            'SELECT "active.penalties.previous", "active.penalties.decisions", '
            '"active.procurement.amount", "applications.new.total", "active.regulations.issued" '
            "FROM tables WHERE report_id = 'xiangning-2020'"
        ).fetchone()
        xinzhou = con.execute(
            'SELECT "applications.new.natural_person", "applications.new.total" FROM tables '
            "WHERE report_id = 'xinzhou-2023'"
        ).fetchone()
        count = con.execute("SELECT count(*) FROM tables").fetchone()
    finally:
        con.close()
    assert columns == ["report_id", "year", *keys]
    # 乡宁县审计局 2020 (2019 format): 55 penalties the year before, 110 decisions, 150,000 yuan of procurement;
    # the 2021 format's key is not in its report
    assert row == (55.0, 110.0, 150000.0, 0.0, None)
    assert xinzhou == (5.0, 4.0)
    assert count == (5,)  # the unreadable file has no cells


def test_tables_sql_quotes_the_keys() -> None:
    sql = tables_sql(['a"b', "c'd"])
    assert '"a""b"' in sql
    assert "'c''d'" in sql


def test_the_readme_recipes(dataset: Path) -> None:
    assert _rows(dataset, APPLICATIONS_PER_PROVINCE) == [
        ("吉林省", 2023, 1, 0.0),
        ("吉林省", 2024, 1, 0.0),
        ("天津市", 2019, 1, 0.0),
        ("山西省", 2020, 1, 0.0),
        ("山西省", 2023, 1, 4.0),
    ]
    assert _rows(dataset, ARITHMETIC_SHARE) == [
        (2019, 1, 0, 0.0),
        (2020, 1, 0, 0.0),
        (2023, 2, 1, 50.0),
        (2024, 1, 0, 0.0),
    ]


# ---------------------------------------------------------------------------------------------------
# nianbao dataset query / export


def test_query_prints_a_table(dataset: Path) -> None:
    result = runner.invoke(
        cli, ["query", str(dataset), "SELECT report_id, region FROM reports WHERE status = 'ok' ORDER BY report_id"]
    )
    assert result.exit_code == 0, result.output
    assert "report_id" in result.stdout
    assert "erdaojiang-2024" in result.stdout
    assert "吉林省" in result.stdout


def test_query_as_csv_json_and_xlsx(dataset: Path, tmp_path: Path) -> None:
    sql = 'SELECT report_id, year, "active.penalties.previous" AS p FROM tables ORDER BY report_id'
    result = runner.invoke(cli, ["query", str(dataset), sql, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["report_id", "year", "p"]
    assert ["xiangning-2020", "2020", "55"] in rows

    result = runner.invoke(cli, ["query", str(dataset), sql, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"report_id": "xiangning-2020", "year": 2020, "p": 55} in data
    assert len(data) == 5

    target = tmp_path / "q.csv"
    result = runner.invoke(
        cli,
        [
            "query",
            str(dataset),
            "SELECT agency FROM reports WHERE report_id = 'nankai-2019'",
            "--format",
            "csv",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese right
    assert target.read_text(encoding="utf-8-sig").splitlines() == ["agency", "南开区审计局"]

    book = tmp_path / "q.xlsx"
    result = runner.invoke(cli, ["query", str(dataset), sql, "--format", "xlsx", "-o", str(book)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book).worksheets[0]
    values = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert values[0] == ("report_id", "year", "p")
    assert ("xiangning-2020", 2020, 55) in values


def test_query_json_of_lists_and_dates(dataset: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            str(dataset),
            "SELECT keys, DATE '2024-03-01' AS d FROM findings WHERE rule = 'Y701' ORDER BY fingerprint LIMIT 1",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["d"] == "2024-03-01"
    assert isinstance(row["keys"], list)
    assert {k.rsplit(".", 1)[0] for k in row["keys"]} == {"applications.carried_over", "applications.carried_forward"}


def test_bad_sql_is_one_chinese_line(dataset: Path) -> None:
    result = runner.invoke(cli, ["query", str(dataset), "SELEC nothing"])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("nianbao: SQL 语法错误")
    assert "Traceback" not in result.output

    result = runner.invoke(cli, ["query", str(dataset), "SELECT nope FROM reports"])
    assert result.exit_code == 1
    assert result.stderr.startswith("nianbao: SQL 引用了不存在的列")
    result = runner.invoke(cli, ["query", str(dataset), "SELECT * FROM nowhere"])
    assert result.exit_code == 1
    assert "不存在的表" in result.stderr


def test_query_refuses_a_missing_dataset_and_xlsx_to_stdout(tmp_path: Path, dataset: Path) -> None:
    result = runner.invoke(cli, ["query", str(tmp_path / "none"), "SELECT 1"])
    assert result.exit_code == 2
    assert "不是数据集目录" in result.stderr
    result = runner.invoke(cli, ["query", str(dataset), "SELECT 1", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "-o" in result.stderr


def test_export_xlsx_and_csv(dataset: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", str(dataset), "--to", "xlsx", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "out-tables.xlsx")
    sheet = book["数据"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    header = rows[0]
    assert header == (*EXPORT_COLUMNS, *cell_keys())
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {
        "broken",
        "erdaojiang-2023",
        "erdaojiang-2024",
        "nankai-2019",
        "xiangning-2020",
        "xinzhou-2023",
    }
    assert by_id["xiangning-2020"]["active.penalties.previous"] == 55
    assert by_id["xiangning-2020"]["agency"] == "乡宁县审计局"
    assert by_id["broken"]["status"] == "failed"
    legend = {key.value: text.value for key, text in book["说明"].iter_rows(min_row=2)}
    assert "本年新收" in str(legend["applications.new.total"])

    target = tmp_path / "all.csv"
    result = runner.invoke(cli, ["export", str(dataset), "--to", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "已导出 6 份报告" in result.stderr
    table = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {r["report_id"]: r["active.penalties.decisions"] for r in table}["xiangning-2020"] == "110"


def test_export_never_writes_a_formula(tmp_path: Path, entries: list[Entry]) -> None:
    out = tmp_path / "out"
    first = entries[4]
    assert first.report is not None
    first.report.agency = '=HYPERLINK("x")'
    try:
        write_dataset(out, [first])
    finally:
        first.report.agency = "南开区审计局"
    result = runner.invoke(cli, ["export", str(out), "--to", "csv", "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig")))
    assert row["agency"] == '\'=HYPERLINK("x")'
