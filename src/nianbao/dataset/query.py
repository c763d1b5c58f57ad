"""SQL over a built dataset with DuckDB: views on the Parquet files, a wide `tables` view, and writers.

`connect(out)` gives an in-memory DuckDB connection with one view per table of the dataset (`reports`,
`cells`, `findings`, `sections`; an empty view with the table's columns when the folder has no files yet)
and `tables`: one row per report with cells, one column per cell key of both formats (named by the key, so
quote it: `"applications.new.total"`), holding `cells.value`. Nothing is loaded: DuckDB reads the Parquet
files when a query runs.

The writers stream a query's result as a Rich table, CSV (UTF-8 with a BOM in files, so Excel opens the
Chinese right), JSON (an array of objects) or XLSX (openpyxl, write-only); text that a spreadsheet would run
as a formula is written with a leading ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import duckdb

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "reports": (
        ("report_id", "VARCHAR"),
        ("path", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("renditions", "STRUCT(path VARCHAR, sha256 VARCHAR, kind VARCHAR)[]"),
        ("agency", "VARCHAR"),
        ("agency_key", "VARCHAR"),
        ("region", "VARCHAR"),
        ("year", "INTEGER"),
        ("format", "VARCHAR"),
        ("published", "DATE"),
        ("pages", "INTEGER"),
        ("status", "VARCHAR"),
        ("error", "VARCHAR"),
        ("reader_version", "VARCHAR"),
        ("errors", "INTEGER"),
        ("warnings", "INTEGER"),
        ("infos", "INTEGER"),
        ("seconds", "DOUBLE"),
        ("source_url", "VARCHAR"),
        ("fetched_at", "TIMESTAMP WITH TIME ZONE"),
    ),
    "cells": (
        ("report_id", "VARCHAR"),
        ("year", "INTEGER"),
        ("key", "VARCHAR"),
        ("value", "DOUBLE"),
        ("blank", "BOOLEAN"),
        ("printed", "VARCHAR"),
        ("provenance", "VARCHAR"),
    ),
    "findings": (
        ("report_id", "VARCHAR"),
        ("year", "INTEGER"),
        ("rule", "VARCHAR"),
        ("family", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("status", "VARCHAR"),
        ("keys", "VARCHAR[]"),
        ("message", "VARCHAR"),
        ("fingerprint", "VARCHAR"),
    ),
    "sections": (
        ("report_id", "VARCHAR"),
        ("year", "INTEGER"),
        ("number", "TINYINT"),
        ("title", "VARCHAR"),
        ("text", "VARCHAR"),
    ),
}

#: The report columns `export` puts before the cell keys.
EXPORT_COLUMNS: tuple[str, ...] = (
    "report_id",
    "agency",
    "region",
    "year",
    "format",
    "kind",
    "path",
    "published",
    "pages",
    "status",
    "error",
    "errors",
    "warnings",
    "infos",
)
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header
FETCH = 10_000
#: A cell beginning with one of these is taken for a formula by spreadsheet programs (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def quote(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def cell_keys() -> list[str]:
    """Every cell key of every format, the newest format's first, each once."""
    from nianbao.formats.model import formats

    keys: dict[str, None] = {}
    for _, fmt in sorted(formats().items(), reverse=True):
        keys.update(dict.fromkeys(fmt.cells))
    return list(keys)


def _source(folder: Path, table: str) -> str:
    """The SELECT a table's view is: its Parquet files, or no rows with the table's columns."""
    files = (
        [p for p in folder.rglob("*.parquet") if p.is_file() and not p.name.startswith((".", "_"))]
        if folder.is_dir()
        else []
    )
    if not files:
        columns = ", ".join(f"CAST(NULL AS {t}) AS {quote(n)}" for n, t in TABLES[table])
        return f"SELECT {columns} WHERE false"
    pattern = _literal((folder.resolve() / "**" / "*.parquet").as_posix())
    if any(p.parent.name.startswith("year=") for p in files):
        # year=unknown is a partition too: read the partition as text, unknown → NULL
        return (
            f"SELECT * REPLACE (TRY_CAST(year AS INTEGER) AS year) FROM read_parquet({pattern}, "
            f"hive_partitioning = true, hive_types = {{'year': VARCHAR}}, union_by_name = true)"
        )
    return f"SELECT * FROM read_parquet({pattern}, hive_partitioning = false, union_by_name = true)"


def tables_sql(keys: Sequence[str] | None = None) -> str:
    """The wide view: one row per report in `cells`, one column per key (conditional aggregation).

    A query naming a few columns reads and computes only those (DuckDB drops the other aggregates), so
    `SELECT sum("applications.new.total") FROM tables` costs about one column of `cells`.
    """
    columns = ",\n  ".join(
        f"max(CASE WHEN key = {_literal(k)} THEN value END) AS {quote(k)}"
        for k in (cell_keys() if keys is None else keys)
    )
    return f"SELECT report_id, any_value(year) AS year,\n  {columns}\nFROM cells GROUP BY report_id"


def pivot_sql(keys: Sequence[str] | None = None) -> str:
    """The same wide table by DuckDB's PIVOT: faster than `tables_sql` when every column is wanted (export)."""
    names = ", ".join(_literal(k) for k in (cell_keys() if keys is None else keys))
    return f"PIVOT (SELECT report_id, key, value FROM cells) ON key IN ({names}) USING first(value) GROUP BY report_id"


def connect(out: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the views `reports`, `cells`, `findings`, `sections` and `tables`."""
    if not out.is_dir():
        raise FileNotFoundError(f"{out}：不是数据集目录")
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")  # the commands write their own output, nothing else
        for table in TABLES:
            con.execute(f"CREATE VIEW {table} AS {_source(out / table, table)}")
        con.execute(f"CREATE VIEW tables AS {tables_sql()}")
    except BaseException:
        con.close()
        raise
    return con


def export_sql() -> str:
    """The wide table joined with the report metadata, for `nianbao dataset export`."""
    meta = ", ".join(f"r.{quote(c)}" for c in EXPORT_COLUMNS)
    return (
        f"WITH t AS ({pivot_sql()}) SELECT {meta}, t.* EXCLUDE (report_id) FROM reports r "
        f"LEFT JOIN t USING (report_id) ORDER BY r.year, r.region, r.agency, r.report_id"
    )


# ---------------------------------------------------------------------------------------------------
# errors


_KINDS: tuple[tuple[str, str], ...] = (
    ("ParserException", "SQL 语法错误"),
    ("BinderException", "SQL 引用了不存在的列或用法不对"),
    ("CatalogException", "SQL 引用了不存在的表、视图或函数"),
    ("ConversionException", "数据类型转换失败"),
    ("OutOfRangeException", "数值超出范围"),
    ("InvalidInputException", "输入无效"),
    ("IOException", "读取数据集文件失败"),
)


def describe_error(exc: duckdb.Error) -> str:
    """One Chinese line naming what is wrong with a query, with DuckDB's own first line."""
    kind = next((text for name, text in _KINDS if type(exc).__name__ == name), "SQL 执行出错")
    detail = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return f"{kind}：{detail}" if detail else kind


# ---------------------------------------------------------------------------------------------------
# writers


class Result:
    """A query's columns and its rows, fetched in chunks."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor
        self.columns: list[str] = [d[0] for d in cursor.description or ()]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        if not self.columns:
            return
        while chunk := self.cursor.fetchmany(FETCH):
            yield from chunk


def run(con: duckdb.DuckDBPyConnection, sql: str) -> Result:
    """Runs `sql` (duckdb.Error on a bad query)."""
    return Result(con.execute(sql))


def plain(value: Any) -> Any:
    """A JSON-able value: whole floats as ints, dates as ISO text, Decimals as numbers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    return value


def text(value: Any) -> str:
    """A value as one cell of text (CSV, the terminal table)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def spreadsheet_safe(value: str) -> str:
    """`value` as a spreadsheet shows it but never runs it: a formula-like start is prefixed with ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def write_csv(result: Result, stream: IO[str]) -> int:
    """Writes the result as CSV; the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(result.columns)
    n = 0
    for row in result.rows():
        writer.writerow([spreadsheet_safe(v) if isinstance(v, str) else text(v) for v in row])
        n += 1
    return n


def write_json(result: Result, stream: IO[str]) -> int:
    """Writes the result as a JSON array of objects (streamed); the number of rows."""
    n = 0
    stream.write("[")
    for row in result.rows():
        stream.write(",\n " if n else "\n ")
        stream.write(
            json.dumps(dict(zip(result.columns, (plain(v) for v in row), strict=True)), ensure_ascii=False, default=str)
        )
        n += 1
    stream.write("\n]\n" if n else "]\n")
    return n


class TooManyRows(ValueError):
    """The result does not fit in one worksheet."""


def _xlsx_value(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, list | dict):
        return spreadsheet_safe(json.dumps(value, ensure_ascii=False))
    return value


def write_xlsx(result: Result, path: Path, *, legend: dict[str, str] | None = None) -> int:
    """Writes the result to a workbook (one sheet; a second one explaining the columns when `legend` is
    given); the number of rows. TooManyRows beyond a worksheet's limit (nothing is written then)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    bold = Font(bold=True)
    header = []
    for name in result.columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    n = 0
    for row in result.rows():
        n += 1
        if n > XLSX_MAX_ROWS:
            raise TooManyRows(f"结果超过 {XLSX_MAX_ROWS} 行，一张 Excel 工作表放不下，请改用 CSV")
        sheet.append([_xlsx_value(v) for v in row])
    if legend:
        notes = book.create_sheet("说明")
        notes.append(["列", "含义"])
        for name in result.columns:
            if name in legend:
                notes.append([name, legend[name]])
    book.save(path)
    return n


def cell_legend() -> dict[str, str]:
    """What each cell key column holds, in Chinese: table · row · column (formats where it differs)."""
    from nianbao.formats.model import formats

    labels: dict[str, dict[str, list[str]]] = {}
    for name, fmt in sorted(formats().items(), reverse=True):
        for key, spec in fmt.cells.items():
            label = " · ".join(p for p in (spec.table, spec.row_label, spec.column_label) if p)
            labels.setdefault(key, {}).setdefault(label, []).append(name)
    return {
        key: next(iter(by))
        if len(by) == 1
        else "；".join(f"{label}（{'、'.join(names)} 年格式）" for label, names in by.items())
        for key, by in labels.items()
    }


def write_table(result: Result, limit: int, stream: IO[str] | None = None) -> tuple[int, int]:
    """Prints the first `limit` rows as a Rich table; (rows shown, rows in all)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False)
    for name in result.columns:
        table.add_column(Text(name), overflow="fold")
    shown = total = 0
    for row in result.rows():
        total += 1
        if shown < limit:
            table.add_row(*(Text(text(v)) for v in row))
            shown += 1
    Console(file=stream or sys.stdout, soft_wrap=False, highlight=False).print(table)
    return shown, total
