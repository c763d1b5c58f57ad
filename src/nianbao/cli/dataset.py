"""`nianbao dataset build|query|export`: the Parquet dataset of many reports from the command line.

Importing this module is cheap (Typer and Rich): pyarrow, DuckDB and Dask are imported by the commands that use
them, so that ``nianbao`` starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nianbao.cli.common import fail, plain_err, requires

if TYPE_CHECKING:
    import duckdb

    from nianbao.dataset.build import BuildProgress, BuildResult

TABLE_ROWS = 1000  # rows printed by --format table; the other formats write every row


class DaskMode(StrEnum):
    local = "local"


@requires("dataset", "dask")
def build_cmd(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="报告文件、目录（递归），或清单文件（.csv 表头 path[,agency,year,region]，或 .jsonl）",
            show_default=False,
            metavar="SRC...",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="数据集目录（不存在则创建；已有则增量更新）")],
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="并行读取的进程数（默认：全部 CPU 核心；与 --dask local 同用时为其进程数）"
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="在 Dask 集群上读取：调度器地址，如 tcp://HOST:8786（各工作节点须能以同一路径访问文件）"
        ),
    ] = None,
    dask: Annotated[DaskMode | None, typer.Option("--dask", help="local：在本机启动 Dask LocalCluster 读取")] = None,
    force: Annotated[bool, typer.Option("--force", help="重新读取数据集中已有的文件，并替换其数据")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="每个文件的读取时限（秒）")] = 30.0,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", min=0, help="本机每个读取进程的内存上限（MB，0 表示不限）")
    ] = 2048,
    cross_year: Annotated[
        bool,
        typer.Option(
            "--cross-year",
            help="读取后合并同一报告的不同格式，按机关配对上一年度报告：用其重读识别不确定的数字，并核查跨年度规则（Y701–Y704）",
        ),
    ] = False,
) -> None:
    """读取并核查 SRC 中的每份报告，写成按年度分区的 Parquet 数据集（reports、cells、findings、sections）。

    重复运行时跳过已读取的文件（按内容 sha256 与读取器版本判断）；
    按 Ctrl-C 中断后数据集仍然完整，再次运行即从中断处继续。
    """
    from nianbao.dataset.build import BuildError, build
    from nianbao.dataset.sources import SourceError
    from nianbao.dataset.version import reader_version

    if scheduler is not None and dask is not None:
        plain_err.print("nianbao: --scheduler 与 --dask 只能选一个")
        raise typer.Exit(2)
    if 0 < memory_mb < 128:
        plain_err.print("nianbao: --memory-mb 至少为 128（或 0 表示不限）")
        raise typer.Exit(2)
    show = plain_err.is_terminal
    from nianbao.cli.progress import build_bar

    result: BuildResult | None = None
    with build_bar(plain_err, show=show) as bar:
        task = bar.add_task("build", total=None)

        def advance(state: BuildProgress) -> None:
            bar.update(task, completed=state.done, total=state.total)

        try:
            result = build(
                sources,
                out,
                jobs=jobs,
                scheduler=scheduler,
                dask_local=dask is DaskMode.local,
                force=force,
                time_limit=timeout,
                memory_mb=memory_mb or None,
                progress=advance,
                cross_year=cross_year,
            )
        except (BuildError, SourceError) as exc:
            plain_err.print(f"nianbao: {exc}", markup=False)
            raise typer.Exit(2) from None
        except OSError as exc:  # the dataset's folder: no space left, no permission…
            plain_err.print(f"nianbao: 写入数据集 {out} 失败（{exc.strerror or exc}）", markup=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            bar.stop()
            plain_err.print(
                f"nianbao: 已中断。已读取的文件已写入数据集 {out}，数据集完整；再次运行同一命令将从中断处继续。",
                markup=False,
            )
            raise typer.Exit(130) from None
    local = reader_version()
    others = sorted(v for v in result.reader_versions if v != local)
    if others:
        plain_err.print(
            f"nianbao: 注意：部分工作进程的读取器版本（{'、'.join(others)}）与本机（{local}）不同，"
            "这些报告下次运行时将被重新读取；请在各工作节点安装同一版本",
            markup=False,
        )
    typer.echo(summary(result))
    if result.renditions is not None and result.renditions.merged:
        from nianbao.dataset.renditions import describe as described

        typer.echo(described(result.renditions))
    if result.reread is not None:
        from nianbao.dataset.reread import describe

        typer.echo(describe(result.reread))
    if result.cross_year is not None:
        ambiguous = len(result.cross_year.pairing.ambiguous)
        typer.echo(
            f"跨年度核查：{result.cross_year.checked} 对报告，发现 {result.cross_year.findings} 条问题"
            + (f"；{ambiguous} 组机关名称相同无法配对，未核查" if ambiguous else "")
        )


def summary(result: BuildResult) -> str:
    """The one line a build ends with."""
    parts = [f"数据集 {result.out}：读取 {result.read} 个文件（成功 {result.ok}，失败 {result.failed}）"]
    if result.merged:
        parts.append(f"，其中 {result.merged} 个是同一报告的其他格式或副本")
    parts.append(f"，写入 {result.written} 份报告")
    if result.skipped:
        parts.append(f"；跳过已在数据集中的 {result.skipped} 个文件")
    if result.replaced:
        parts.append(f"；替换旧数据 {result.replaced} 份")
    engine = "Dask" if result.engine == "dask" else "本机"
    if result.read:
        parts.append(f"；{engine} {result.workers} 个进程，用时 {result.seconds:.1f} 秒（{result.rate:.1f} 个/秒）")
    return "".join(parts)


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


def _open(out: Path) -> duckdb.DuckDBPyConnection:
    from nianbao.dataset.query import connect

    if not out.is_dir():
        raise fail(f"{out}：不是数据集目录（先用 nianbao dataset build 生成）", 2)
    import duckdb

    try:
        return connect(out)
    except duckdb.Error as exc:
        from nianbao.dataset.query import describe_error

        raise fail(f"{out}：无法打开数据集（{describe_error(exc)}）", 2) from None


@requires("dataset")
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
        raise fail("输出 XLSX 需要用 -o 指定文件", 2)
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
                    plain_err.print(
                        f"仅显示前 {shown} 行（共 {total} 行）；全部结果请用 --format csv 或 json 输出", markup=False
                    )
            else:
                write = q.write_csv if fmt is QueryFormat.csv else q.write_json
                if output is None:
                    write(result, sys.stdout)
                else:
                    # a BOM in CSV files so that Excel reads them as UTF-8
                    with output.open(
                        "w", encoding="utf-8-sig" if fmt is QueryFormat.csv else "utf-8", newline=""
                    ) as stream:
                        write(result, stream)
        except duckdb.Error as exc:
            raise fail(q.describe_error(exc), 1) from None
        except q.TooManyRows as exc:
            raise fail(str(exc), 1) from None
        except OSError as exc:
            raise fail(f"{output}：无法写入（{exc.strerror or exc}）", 2) from None
    finally:
        con.close()


@requires("dataset")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="数据集目录（nianbao dataset build 的 -o）")],
    to: Annotated[ExportFormat, typer.Option("--to", help="导出格式")] = ExportFormat.xlsx,
    output: Annotated[
        Path | None, typer.Option("-o", "--out", help="写入的文件或目录（默认当前目录下的 <数据集名>-tables.xlsx/csv）")
    ] = None,
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
            raise fail(q.describe_error(exc), 1) from None
        except q.TooManyRows as exc:
            raise fail(str(exc), 1) from None
        except OSError as exc:
            raise fail(f"{target}：无法写入（{exc.strerror or exc}）", 2) from None
    finally:
        con.close()
    plain_err.print(f"已导出 {n} 份报告：{target}", markup=False)
