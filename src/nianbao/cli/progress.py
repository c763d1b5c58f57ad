"""Progress bars of the long commands (Rich), imported by those commands when they run: `nianbao parse` of one
file never loads them."""

from __future__ import annotations

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


class _Rate(ProgressColumn):
    """Files per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- 个/秒" if speed is None else f"{speed:.1f} 个/秒", style="progress.data.speed")


def reading_bar(console: Console, *, show: bool) -> Progress:
    """读取 [bar] n/N, time left: files read by `parse`, `check`, `summary`."""
    return Progress(
        TextColumn("读取"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not show,
    )


def build_bar(console: Console, *, show: bool) -> Progress:
    """读取 [bar] n/N, files a second, time taken, 剩余 time left: `nianbao dataset build`."""
    columns = (
        TextColumn("读取"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
    )
    return Progress(*columns, console=console, transient=True, disable=not show)


def fetch_bar(console: Console, *, show: bool) -> Progress:
    """抓取 [bar] n/N, time taken: `nianbao fetch` (N grows as pages link to attachments)."""
    columns = (TextColumn("抓取"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console, transient=True, disable=not show)
