"""What the commands share: the report files of a command line, reading them with a progress bar, the consoles
on stderr, one-line failures, the optional dependencies a command needs and the text of an audit."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from nianbao.audit.model import Audit, Severity, Status
from nianbao.read import ReadError, ReadOptions, read
from nianbao.read.inputs import KINDS, SUFFIXES
from nianbao.report import Report

err = Console(stderr=True)
# one message a line, as typed: the ledger's and the dataset's commands
plain_err = Console(stderr=True, highlight=False, soft_wrap=True)

REPORT_SUFFIXES = frozenset(SUFFIXES)  # the reader's table (nianbao.read.inputs)
IMAGE_SUFFIXES = frozenset(s for s, kind in KINDS.items() if kind == "image")  # a scan's pages
PROGRESS_MIN_FILES = 5


def expand(paths: list[str]) -> list[str]:
    """Files as given; a folder stands for the report files below it (truth files excluded), except that a folder
    holding page images and no other report file is one scanned report, its images the pages (read by OCR)."""
    out: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            out.extend(_reports_below(p))
        else:
            out.append(given)
    return out


def _reports_below(folder: Path) -> list[str]:
    """The report files below `folder`, and its folders of page images, in the order of their paths."""
    found: list[Path] = []
    for here, dirs, names in os.walk(folder):
        dirs.sort()
        files = [
            Path(here) / n
            for n in names
            if Path(n).suffix.lower() in REPORT_SUFFIXES
            and not n.endswith(".truth.json")
            and (Path(here) / n).is_file()
        ]
        if files and all(f.suffix.lower() in IMAGE_SUFFIXES for f in files):
            found.append(Path(here))  # the pages of one scan
        else:
            found.extend(files)
    return [str(f) for f in sorted(found)]


def read_all(files: list[str]) -> Iterator[tuple[str, Report | ReadError]]:
    """Reads each file (within the limits of `ReadOptions.from_env`, read now); a failure is yielded in place of its
    report and does not stop the run."""
    options = ReadOptions.from_env()
    show = err.is_terminal and len(files) >= PROGRESS_MIN_FILES
    from nianbao.cli.progress import reading_bar

    with reading_bar(err, show=show) as progress:
        task = progress.add_task("read", total=len(files))
        for f in files:
            try:
                yield f, read(f, options=options)
            except ReadError as exc:
                yield f, exc
            except Exception as exc:  # a reader bug must not end the batch or lose other files
                yield f, ReadError(f, f"读取时发生内部错误（{type(exc).__name__}: {exc}）")
            progress.advance(task)


def fail(message: str, code: int = 1) -> typer.Exit:
    """One line `nianbao: message` on stderr; raise the returned exit."""
    plain_err.print(f"nianbao: {message}", markup=False)
    return typer.Exit(code)


# The top-level modules each extra of pyproject.toml brings (the web app runs on the ledger's database).
_LEDGER = ("sqlalchemy", "alembic", "chinese_calendar", "lunar_python")
EXTRAS: dict[str, tuple[str, ...]] = {
    "ledger": _LEDGER,
    "pg": ("psycopg", "psycopg_binary"),
    "web": ("fastapi", "starlette", "uvicorn", "multipart", "python_multipart", "argon2", *_LEDGER),
    "dataset": ("pyarrow", "duckdb"),
    "dask": ("dask", "distributed"),
    "fetch": ("httpx", "httpcore", "h11"),
}
_P = ParamSpec("_P")
_R = TypeVar("_R")


def missing_extra(exc: ModuleNotFoundError, extras: tuple[str, ...]) -> str | None:
    """The first of `extras` that brings the module `exc` did not find, None when none does."""
    top = (exc.name or "").split(".")[0]
    return next((extra for extra in extras if top in EXTRAS[extra]), None)


def requires(*extras: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """A command that needs the optional dependencies of `extras` (imported inside it, never at the top of a
    module): when one is not installed, one line naming the extra to install and exit code 1, no traceback."""
    unknown = [e for e in extras if e not in EXTRAS]
    if unknown:
        raise ValueError(f"unknown extras: {unknown}")

    def wrap(command: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(command)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return command(*args, **kwargs)
            except ModuleNotFoundError as exc:
                extra = missing_extra(exc, extras)
                if extra is None:
                    raise
                plain_err.print(f"需要安装可选依赖：pip install 'nianbao[{extra}]'", markup=False)
                raise typer.Exit(1) from None

        return run

    return wrap


def print_audit_text(report: Report, audit: Audit, show_all: bool) -> None:
    console = Console(soft_wrap=True, highlight=False)
    counts = audit.counts()
    console.print(
        f"[bold]{escape(report.file)}[/bold]  {report.agency or '?'} {report.year or '?'}年度 "
        f"{report.format or '?'}年格式  "
        f"错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}"
    )
    colors = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    hidden = 0
    for f in audit.findings:
        if f.status is Status.NOT_ASSESSABLE and not show_all:
            hidden += 1
            continue
        where = next((c.location for c in f.cells if c.location), f.location)
        mark = {Status.FAILED: "", Status.UNCERTAIN: "（不确定）", Status.NOT_ASSESSABLE: "（无法核对）"}[f.status]
        review = f"［已{'确认' if f.review == 'confirmed' else '排除'}］" if f.review else ""
        console.print(
            f"  [{colors[f.severity]}]{f.severity.chinese}[/] {f.rule} {f.name}{mark}{review}："
            f"{escape(f.message)}" + (f"（{where.describe()}）" if where else "")
        )
    if hidden:
        console.print(f"  另有 {hidden} 项因单元格空白或无法读取而无法核对（加 --all 显示）")
