"""`nianbao fetch`: report pages and their attachments from the web into a folder and a manifest.

Importing this module is cheap (Typer): httpx and the fetch package are imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nianbao.cli.common import fail, plain_err, requires

if TYPE_CHECKING:
    from nianbao.fetch import FetchSummary


@requires("fetch")
def fetch_cmd(
    urls: Annotated[
        list[str] | None,
        typer.Argument(help="报告网页（或报告文件）的网址", show_default=False, metavar="[URL...]"),
    ] = None,
    list_file: Annotated[
        Path | None,
        typer.Option(
            "--list",
            help="网址列表文件：每行一个网址，或 CSV（表头含 url，可选 agency、year、region，写入清单供数据集使用）",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="保存目录（不存在则创建；已有则继续，跳过已抓取的网址）", show_default=False),
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="同时进行的请求数")] = 4,
    interval: Annotated[float, typer.Option("--interval", min=0, help="对同一网站两次请求之间的间隔（秒）")] = 1.0,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="连接和等待数据的时限（秒）")] = 20.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=10, help="连接失败、超时、服务器错误（5xx、429）时的重试次数")
    ] = 2,
    max_mb: Annotated[float, typer.Option("--max-mb", min=0.001, help="单个文件的大小上限（MB）")] = 50.0,
    deadline: Annotated[float, typer.Option("--deadline", min=1, help="单个文件从请求到下载完的总时限（秒）")] = 600.0,
    force: Annotated[bool, typer.Option("--force", help="重新抓取已抓取过的网址")] = False,
    no_attachments: Annotated[
        bool, typer.Option("--no-attachments", help="只保存网页，不下载网页链接的附件（pdf、doc、wps、xls、jpg 等）")
    ] = False,
) -> None:
    """抓取年度报告网页及其附件，保存到目录，并写出清单 manifest.jsonl。

    每个网页按原样保存（字节、响应头、最终网址、抓取时间、sha256），并下载网页链接的报告附件。
    清单可直接用于 nianbao dataset build OUT/manifest.jsonl（保留来源网址与抓取时间）；
    抓取失败的网址及原因写入 failures.jsonl。遵守网站的 robots.txt。
    重复运行时跳过已抓取的网址，只重试失败的网址。
    """
    from nianbao.fetch import FetchProgress, FetchSettings, StoreError, TargetError, fetch_all, targets
    from nianbao.fetch.client import MB

    if out is None:
        raise fail("请用 --out 指定保存目录", 2)
    try:
        wanted = targets(urls or [], list_file)
    except TargetError as exc:
        raise fail(str(exc), 2) from None
    if not wanted:
        raise fail("没有要抓取的网址：请在命令行给出网址，或用 --list 指定网址列表文件", 2)
    settings = FetchSettings(
        timeout=timeout,
        retries=retries,
        interval=interval,
        concurrency=concurrency,
        max_bytes=int(max_mb * MB),
        deadline=deadline,
    )
    from nianbao.cli.progress import fetch_bar

    with fetch_bar(plain_err, show=plain_err.is_terminal) as bar:
        task = bar.add_task("fetch", total=len(wanted))

        def advance(state: FetchProgress) -> None:
            bar.update(task, completed=state.done, total=state.total)

        try:
            summary = fetch_all(wanted, out, settings, force=force, attachments=not no_attachments, progress=advance)
        except StoreError as exc:
            raise fail(str(exc), 2) from None
        except OSError as exc:
            raise fail(f"写入 {out} 失败（{exc.strerror or exc}）", 1) from None
        except KeyboardInterrupt:
            bar.stop()
            plain_err.print(
                f"nianbao: 已中断。已抓取的文件和清单已写入 {out}；再次运行同一命令将从中断处继续。", markup=False
            )
            raise typer.Exit(130) from None
    for failure in summary.failures:
        plain_err.print(f"失败 {failure.url}：{failure.reason}", markup=False)
    typer.echo(summary_line(summary))
    if summary.failed:
        raise typer.Exit(1)


def summary_line(summary: FetchSummary) -> str:
    """The one line a fetch ends with."""
    line = (
        f"抓取到 {summary.out}：网页 {summary.pages} 个，附件 {summary.files} 个，"
        f"跳过已抓取的网址 {summary.skipped} 个，失败 {summary.failed} 个"
    )
    manifest = summary.out / "manifest.jsonl"
    return line + f"；清单 {manifest}" + (f"，失败原因见 {summary.out / 'failures.jsonl'}" if summary.failed else "")
