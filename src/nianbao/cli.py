"""The `nianbao` command: thin commands over the Python API."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from nianbao import __version__
from nianbao.read import ReadError, read
from nianbao.report import Report

app = typer.Typer(
    name="nianbao",
    help="政府信息公开工作年度报告：读取、核查、生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".docx", ".pdf", ".doc", ".wps"}
PROGRESS_MIN_FILES = 5


class Output(StrEnum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nianbao {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号")] = False,
) -> None:
    """政府信息公开工作年度报告：读取、核查、生成。"""


def expand(paths: list[str]) -> list[str]:
    """Files as given; a folder stands for the report files below it (truth files excluded)."""
    out: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out.extend(str(f) for f in sorted(p.rglob("*"))
                       if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not f.name.endswith(".truth.json"))
        else:
            out.append(given)
    return out


def read_all(files: list[str]) -> Iterator[tuple[str, Report | ReadError]]:
    """Reads each file; a failure is yielded in place of its report and does not stop the run."""
    show = err.is_terminal and len(files) >= PROGRESS_MIN_FILES
    with Progress(TextColumn("读取"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not show) as progress:
        task = progress.add_task("read", total=len(files))
        for f in files:
            try:
                yield f, read(f)
            except ReadError as exc:
                yield f, exc
            except Exception as exc:  # a reader bug must not end the batch or lose other files
                yield f, ReadError(f, f"读取时发生内部错误（{type(exc).__name__}: {exc}）")
            progress.advance(task)


def _problems_text(report: Report) -> str:
    n = len(report.problems)
    return "—" if n == 0 else f"{n} 项"


def summary_table(rows: list[tuple[str, Report | ReadError]]) -> Table:
    table = Table(title="年度报告读取结果", show_lines=False)
    for col in ("文件", "机关", "年度", "格式", "已读单元格", "空白单元格", "问题"):
        table.add_column(col, overflow="fold")
    for f, r in rows:
        if isinstance(r, ReadError):
            table.add_row(Path(f).name, "", "", "", "", "", f"[red]{r.reason}[/red]")
        else:
            table.add_row(Path(f).name, r.agency or "?", str(r.year or "?"), r.format or "?",
                          f"{r.cells_read}/{len(r.cells)}", str(len(r.blank_keys)), _problems_text(r))
    return table


@app.command()
def parse(
    files: Annotated[list[str], typer.Argument(help="报告文件或目录（txt、md、html、docx、pdf、doc）")],
    output: Annotated[Output, typer.Option("--output", "-o", help="输出格式")] = Output.jsonl,
    full: Annotated[bool, typer.Option("--full", help="输出全部内容：印刷文字、出处、章节和读取问题")] = False,
) -> None:
    """读取报告，输出统计表数值（交换格式 JSON）。"""
    paths = expand(files)
    if not paths:
        err.print("nianbao: 没有找到要读取的报告文件")
        raise typer.Exit(2)
    results: list[tuple[str, Report | ReadError]] = []
    failed = 0
    collected: list[dict[str, object]] = []
    for f, r in read_all(paths):
        if isinstance(r, ReadError):
            failed += 1
            err.print(f"nianbao: {r.file}: {r.reason}", markup=False, highlight=False, soft_wrap=True)
        elif output is Output.jsonl:
            sys.stdout.write(json.dumps(r.to_dict() if full else r.to_exchange(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif output is Output.json:
            collected.append(r.to_dict() if full else r.to_exchange())
        results.append((f, r))
    if output is Output.json:
        sys.stdout.write(json.dumps(collected, ensure_ascii=False, indent=2) + "\n")
    elif output is Output.table:
        Console().print(summary_table(results))
    if failed:
        raise typer.Exit(1)


def sample_files() -> list[str]:
    folder = resources.files("nianbao").joinpath("samples")
    return sorted(str(p) for p in Path(str(folder)).iterdir() if p.suffix in REPORT_SUFFIXES)


@app.command()
def summary(
    files: Annotated[list[str] | None, typer.Argument(help="报告文件或目录；省略时读取内置的示例报告")] = None,
) -> None:
    """读取报告并打印汇总表（文件、机关、年度、格式、单元格、问题）。"""
    paths = expand(files) if files else sample_files()
    rows = list(read_all(paths))
    Console().print(summary_table(rows))
    if any(isinstance(r, ReadError) for _, r in rows):
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    app()
