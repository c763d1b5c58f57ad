"""`nianbao dataset query` and `nianbao dataset export`: SQL over a built dataset, and the wide table for Excel.

`register(app)` adds both commands to the `dataset` sub-app.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    import duckdb

err = Console(stderr=True, highlight=False, soft_wrap=True)
TABLE_ROWS = 1000  # rows printed by --format table; the other formats write every row


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


def _fail(message: str, code: int) -> typer.Exit:
    err.print(f"nianbao: {message}", markup=False)
    return typer.Exit(code)


def _open(out: Path) -> duckdb.DuckDBPyConnection:
    from nianbao.dataset.query import connect

    if not out.is_dir():
        raise _fail(f"{out}：不是数据集目录（先用 nianbao dataset build 生成）", 2)
    import duckdb

    try:
        return connect(out)
    except duckdb.Error as exc:
        from nianbao.dataset.query import describe_error

        raise _fail(f"{out}：无法打开数据集（{describe_error(exc)}）", 2) from None


def query_cmd(
    out: Annotated[Path, typer.Argument(help="数据集目录（nianbao dataset build 的 -o）")],
    sql: Annotated[str, typer.Argument(help="SQL：表 reports、cells、findings、sections，宽表 tables")],
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="输出格式")] = QueryFormat.table,
    output: Annotated[Path | None, typer.Option("-o", "--out", help="写入文件（默认标准输出；xlsx 必须指定）")] = None,
) -> None:
    """用 SQL 查询数据集（DuckDB），输出为表格、CSV、JSON 或 XLSX。"""
    import duckdb

    from nianbao.dataset import query as q

    if fmt is QueryFormat.xlsx and output is None:
        raise _fail("输出 XLSX 需要用 -o 指定文件", 2)
    con = _open(out)
    try:
        try:
            result = q.run(con, sql)
            if fmt is QueryFormat.xlsx:
                assert output is not None
                q.write_xlsx(result, output)
            elif fmt is QueryFormat.table:
                if output is None:
                    shown, total = q.write_table(result, TABLE_ROWS)
                else:
                    with output.open("w", encoding="utf-8") as stream:
                        shown, total = q.write_table(result, TABLE_ROWS, stream)
                if shown < total:
                    err.print(f"仅显示前 {shown} 行（共 {total} 行）；全部结果请用 --format csv 或 json 输出",
                              markup=False)
            else:
                write = q.write_csv if fmt is QueryFormat.csv else q.write_json
                if output is None:
                    write(result, sys.stdout)
                else:
                    # a BOM in CSV files so that Excel reads them as UTF-8
                    with output.open("w", encoding="utf-8-sig" if fmt is QueryFormat.csv else "utf-8",
                                     newline="") as stream:
                        write(result, stream)
        except duckdb.Error as exc:
            raise _fail(q.describe_error(exc), 1) from None
        except q.TooManyRows as exc:
            raise _fail(str(exc), 1) from None
        except OSError as exc:
            raise _fail(f"{output}：无法写入（{exc.strerror or exc}）", 2) from None
    finally:
        con.close()


def export_cmd(
    out: Annotated[Path, typer.Argument(help="数据集目录（nianbao dataset build 的 -o）")],
    to: Annotated[ExportFormat, typer.Option("--to", help="导出格式")] = ExportFormat.xlsx,
    output: Annotated[Path | None, typer.Option(
        "-o", "--out", help="写入的文件或目录（默认当前目录下的 <数据集名>-tables.xlsx/csv）")] = None,
) -> None:
    """导出宽表：每份报告一行，报告信息和每个单元格一列，供 Excel 使用。"""
    import duckdb

    from nianbao.dataset import query as q

    name = f"{out.resolve().name or 'dataset'}-tables.{to.value}"
    target = Path.cwd() / name if output is None else output / name if output.is_dir() else output
    con = _open(out)
    try:
        try:
            result = q.run(con, q.export_sql())
            if to is ExportFormat.xlsx:
                n = q.write_xlsx(result, target, legend=q.cell_legend())
            else:
                with target.open("w", encoding="utf-8-sig", newline="") as stream:
                    n = q.write_csv(result, stream)
        except duckdb.Error as exc:
            raise _fail(q.describe_error(exc), 1) from None
        except q.TooManyRows as exc:
            raise _fail(str(exc), 1) from None
        except OSError as exc:
            raise _fail(f"{target}：无法写入（{exc.strerror or exc}）", 2) from None
    finally:
        con.close()
    err.print(f"已导出 {n} 份报告：{target}", markup=False)


def register(app: typer.Typer) -> None:
    """Adds `query` and `export` to the `dataset` sub-app."""
    app.command(name="query")(query_cmd)
    app.command(name="export")(export_cmd)
