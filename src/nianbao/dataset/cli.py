"""`nianbao dataset …`: the Parquet dataset of many reports from the command line.

`dataset_app` is the sub-app; ``build`` is defined here, ``query`` and ``export`` in
`nianbao.dataset.query_cli`. Importing this module is cheap (Typer and Rich): pyarrow, DuckDB and Dask are
imported by the commands that use them, so that ``nianbao`` starts fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from nianbao.dataset.query_cli import register

if TYPE_CHECKING:
    from nianbao.dataset.build import BuildProgress, BuildResult

__all__ = ["dataset_app"]

dataset_app = typer.Typer(
    name="dataset",
    help="批量读取、核查大量报告，写成 Parquet 数据集；查询与导出。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class DaskMode(StrEnum):
    local = "local"


class _Rate(ProgressColumn):
    """Files per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- 个/秒" if speed is None else f"{speed:.1f} 个/秒", style="progress.data.speed")


@dataset_app.command("build")
def build_cmd(
    sources: Annotated[list[str], typer.Argument(
        help="报告文件、目录（递归），或清单文件（.csv 表头 path[,agency,year,region]，或 .jsonl）",
        show_default=False, metavar="SRC...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="数据集目录（不存在则创建；已有则增量更新）")],
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1,
        help="并行读取的进程数（默认：全部 CPU 核心；与 --dask local 同用时为其进程数）")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler",
        help="在 Dask 集群上读取：调度器地址，如 tcp://HOST:8786（各工作节点须能以同一路径访问文件）")] = None,
    dask: Annotated[DaskMode | None, typer.Option(
        "--dask", help="local：在本机启动 Dask LocalCluster 读取")] = None,
    force: Annotated[bool, typer.Option("--force", help="重新读取数据集中已有的文件，并替换其数据")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="每个文件的读取时限（秒）")] = 30.0,
    memory_mb: Annotated[int, typer.Option(
        "--memory-mb", min=0, help="本机每个读取进程的内存上限（MB，0 表示不限）")] = 1024,
) -> None:
    """读取并核查 SRC 中的每份报告，写成按年度分区的 Parquet 数据集（reports、cells、findings、sections）。

    重复运行时跳过已读取的文件（按内容 sha256 与读取器版本判断）；
    按 Ctrl-C 中断后数据集仍然完整，再次运行即从中断处继续。
    """
    from nianbao.dataset.build import BuildError, build
    from nianbao.dataset.sources import SourceError
    from nianbao.dataset.version import reader_version

    if scheduler is not None and dask is not None:
        err.print("nianbao: --scheduler 与 --dask 只能选一个")
        raise typer.Exit(2)
    if 0 < memory_mb < 128:
        err.print("nianbao: --memory-mb 至少为 128（或 0 表示不限）")
        raise typer.Exit(2)
    show = err.is_terminal
    columns = (TextColumn("读取"), BarColumn(), MofNCompleteColumn(), _Rate(), TimeElapsedColumn(),
               TextColumn("剩余"), TimeRemainingColumn())
    result: BuildResult | None = None
    with Progress(*columns, console=err, transient=True, disable=not show) as bar:
        task = bar.add_task("build", total=None)

        def advance(state: BuildProgress) -> None:
            bar.update(task, completed=state.done, total=state.total)

        try:
            result = build(sources, out, jobs=jobs, scheduler=scheduler, dask_local=dask is DaskMode.local,
                           force=force, time_limit=timeout, memory_mb=memory_mb or None, progress=advance)
        except (BuildError, SourceError) as exc:
            err.print(f"nianbao: {exc}", markup=False)
            raise typer.Exit(2) from None
        except OSError as exc:  # the dataset's folder: no space left, no permission…
            err.print(f"nianbao: 写入数据集 {out} 失败（{exc.strerror or exc}）", markup=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            bar.stop()
            err.print(f"nianbao: 已中断。已读取的文件已写入数据集 {out}，数据集完整；再次运行同一命令将从中断处继续。",
                      markup=False)
            raise typer.Exit(130) from None
    local = reader_version()
    others = sorted(v for v in result.reader_versions if v != local)
    if others:
        err.print(f"nianbao: 注意：部分工作进程的读取器版本（{'、'.join(others)}）与本机（{local}）不同，"
                  "这些报告下次运行时将被重新读取；请在各工作节点安装同一版本", markup=False)
    typer.echo(summary(result))


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


register(dataset_app)
