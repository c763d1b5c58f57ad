"""`nianbao rollup`: the sum of the lower agencies' reports against their parent's report."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nianbao.cli.common import err, expand, read_all
from nianbao.corpus import Rollup, number_text, rollup
from nianbao.read import ReadError
from nianbao.report import Number, Report


class RollupOutput(StrEnum):
    text = "text"
    json = "json"


NO_PARENT = "-"


def _same_file(a: str, b: str) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def _number(value: Number | None) -> str:
    return "—" if value is None else number_text(value)


def _print_rollup_text(result: Rollup, show_all: bool) -> None:
    console = Console(soft_wrap=True, highlight=False)
    parent = result.parent
    who = "下级合计（无本级报告）" if parent is None else f"{parent.agency or '?'}（{parent.file}）"
    console.print(
        f"[bold]{escape(who)}[/bold]  {result.year or '?'} 年度 · {result.format} 年格式 · "
        f"下级报告 {len(result.children)} 份",
        markup=True,
    )
    for child in result.children:
        console.print(f"  下级：{child.agency or '?'}（{child.file}）", markup=False)
    for skipped in result.skipped:
        console.print(f"  [yellow]未计入[/yellow]：{escape(skipped.name)}：{escape(skipped.reason)}")
    for name in result.missing:
        console.print(f"  [yellow]缺少报告[/yellow]：{escape(name)}")
    if parent is None:
        rows = [c for c in result.comparisons() if show_all or c.sum]
    else:
        rows = result.comparisons() if show_all else result.differences
    with_blanks = any(result.blanks.get(c.key) for c in rows)
    if rows:
        table = Table(title="下级合计" if parent is None else "下级合计与本级报告比对")
        table.add_column("单元格", overflow="fold")
        table.add_column("下级合计", justify="right")
        if parent is not None:
            table.add_column("本级数字", justify="right")
            table.add_column("差额", justify="right")
        if with_blanks:
            table.add_column("空白的下级", justify="right")
        for c in rows:
            cells = [escape(c.label), _number(c.sum)]
            if parent is not None:
                cells += [_number(c.parent), f"[red]{_number(c.difference)}[/red]" if c.differs else "0"]
            if with_blanks:
                blank = result.blanks.get(c.key, 0)
                cells.append(f"{blank} 份" if blank else "")
            table.add_row(*cells)
        console.print(table)
    elif parent is None:
        console.print("下级合计的单元格都是 0 或空白（加 --all 列出全部）")
    if result.blanks:
        console.print(f"{len(result.blanks)} 个单元格在下级报告中有空白，按 0 计")
    if parent is None:
        console.print("没有本级报告，未比对")
    elif result.differences:
        console.print(f"[red]{len(result.differences)} 个单元格不一致[/red]（差额 = 本级数字 − 下级合计）")
    else:
        console.print("[green]下级合计与本级报告一致[/green]")


def rollup_cmd(
    parent: Annotated[
        str,
        typer.Argument(
            metavar="PARENT_REPORT", help="本级报告（如区县政府的年报）；写 - 表示没有本级报告，只求下级合计"
        ),
    ],
    children: Annotated[
        list[str],
        typer.Argument(
            metavar="CHILD_REPORT", help="下级报告（如各部门的年报）：文件或目录；目录中的本级报告文件自动略去"
        ),
    ],
    output: Annotated[RollupOutput, typer.Option("--output", help="输出格式")] = RollupOutput.text,
    show_all: Annotated[
        bool, typer.Option("--all", help="列出全部单元格（默认只列不一致的；没有本级报告时只列非零的）")
    ] = False,
) -> None:
    """汇总下级报告并与本级报告逐格比对：本级数字应等于下级合计。

    只计入与本级报告同年度、同格式的下级报告，其余列为“未计入”并说明原因；空白单元格按 0 计。
    退出码：0 一致（或没有本级报告）；1 有不一致的单元格；2 输入有误（文件无法读取、没有下级报告）。
    """
    has_parent = parent != NO_PARENT
    paths = list(dict.fromkeys(p for p in expand(children) if not (has_parent and _same_file(p, parent))))
    if not paths:
        err.print("nianbao: 没有找到下级报告文件")
        raise typer.Exit(2)
    own: Report | None = None
    if has_parent:
        _, got = next(read_all([parent]))
        if isinstance(got, ReadError):
            err.print(f"nianbao: {got.file}: {got.reason}（本级报告）", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2)
        own = got
    reports: list[Report] = []
    unreadable: list[ReadError] = []
    for _, r in read_all(paths):
        if isinstance(r, ReadError):
            unreadable.append(r)
            err.print(f"nianbao: {r.file}: {r.reason}", markup=False, highlight=False, soft_wrap=True)
        else:
            reports.append(r)
    if not reports:
        err.print("nianbao: 没有可汇总的下级报告")
        raise typer.Exit(2)
    try:
        result = rollup(reports, own)
    except ValueError as exc:
        err.print(f"nianbao: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if output is RollupOutput.json:
        data = result.to_dict()
        data["unreadable"] = [{"file": e.file, "reason": e.reason} for e in unreadable]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_rollup_text(result, show_all)
    if unreadable:
        raise typer.Exit(2)
    if result.differences:
        raise typer.Exit(1)
