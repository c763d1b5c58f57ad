"""`nianbao diff OLD NEW`: one agency's report against its report of the year before, cell by cell and in words.

OLD and NEW are two reports, compared as given, or two folders (or several files each), whose reports are
paired by agency and consecutive year (`nianbao.dataset.pairing.pair_reports`); what is left unpaired is
listed on stderr. Each pair is compared by `nianbao.audit.compare.compare` and printed as text (a table per
official table, the cross-year findings, the narrative in numbers), JSON (one object per pair, one a line)
or one HTML page (`nianbao.render.diff_page`).

Exit codes: 0 compared; 2 an input unreadable (one line naming the file; the other pairs are still
compared) or nothing to compare.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nianbao.cli.common import err, expand, print_audit_text, read_all
from nianbao.read import ReadError
from nianbao.report import Report

if TYPE_CHECKING:  # the audit is imported when a command runs, not at start-up
    from nianbao.audit.compare import Comparison

_NUMERALS = "一二三四五六七八九十"


class DiffOutput(StrEnum):
    text = "text"
    json = "json"
    html = "html"


def _line(message: str) -> None:
    err.print(f"nianbao: {message}", markup=False, highlight=False, soft_wrap=True)


def _read(given: str, role: str) -> tuple[list[Report], bool]:
    """The reports of one side (a file, or the report files of a folder) and whether any could not be read."""
    files = expand([given])
    if not files:
        _line(f"{given}：没有找到{role}的报告文件")
        return [], True
    reports: list[Report] = []
    failed = False
    for _, r in read_all(files):
        if isinstance(r, ReadError):
            failed = True
            _line(f"{r.file}: {r.reason}（{role}）")
        else:
            reports.append(r)
    return reports, failed


def pairs_of(old: list[Report], new: list[Report]) -> list[tuple[Report, Report]]:
    """(last year's, this year's) pairs; two single reports as given, otherwise by agency and consecutive year.

    The reports left unpaired, and the ambiguous groups, are listed on stderr.
    """
    from nianbao.dataset.pairing import pair_reports

    paired = pair_reports(new, old)
    for note in paired.notes:
        _line(note)
    pairs = [(p, r) for r, p in zip(new, paired.previous, strict=True) if p is not None]
    used = {id(p) for p, _ in pairs}
    for r, p in zip(new, paired.previous, strict=True):
        if p is None:
            _line(f"{r.file}：未找到同一机关上一年度的报告，未比较")
    for p in old:
        if id(p) not in used:
            _line(f"{p.file}：未找到同一机关下一年度的报告，未比较")
    return pairs


# ---------------------------------------------------------------------------------------------------
# text


def _side(printed: str | None, state: str) -> str:
    if state == "unread":
        return "[dim]未读到[/dim]"
    if state == "blank":
        return "[dim]空白[/dim]"
    return escape(printed or "")


def print_text(comparison: Comparison, changed_only: bool, console: Console) -> None:
    """The comparison as text: a table per official table, the findings, the narrative in numbers."""
    from nianbao.audit.compare import ParagraphKind, percent_text, signed
    from nianbao.formats import sections

    old, new = comparison.old, comparison.new
    console.print(
        f"[bold]{escape(old.file)} → {escape(new.file)}[/bold]  {escape(new.agency or old.agency or '?')} "
        f"{old.year or '?'}年 → {new.year or '?'}年  有变化的单元格 {len(comparison.changed_cells)}/"
        f"{len(comparison.cells)}"
    )
    if comparison.note:
        console.print(f"  [yellow]{escape(comparison.note)}[/yellow]")
    headings = {s.number: s.heading for s in sections()}
    for name in ("二", "三", "四"):
        rows = [c for c in comparison.cells if c.table == name and (c.changed or not changed_only)]
        if not rows:
            continue
        table = Table(title=f"{name}、{headings.get(_NUMERALS.index(name) + 1, '')}", title_justify="left")
        table.add_column("单元格", overflow="fold")
        for column in ("上年", "本年", "增减", "变化率"):
            table.add_column(column, justify="right")
        for c in rows:
            delta = signed(c.delta) if c.delta is not None else ((c.blank_side or "有变化") if c.changed else "—")
            style = "bold yellow" if c.changed else None
            table.add_row(
                escape(c.label),
                _side(c.old_printed, c.old_state.value),
                _side(c.new_printed, c.new_state.value),
                delta,
                percent_text(c.percent),
                style=style,
            )
        console.print(table)
    if changed_only and not comparison.changed_cells and comparison.cells:
        console.print("  统计表与上年逐格相同")
    console.print("[bold]跨年度核查[/bold]")
    print_audit_text(new, comparison.audit, show_all=False)
    console.print("[bold]文字对比[/bold]（段落：未改／修改／新增／删除）")
    for s in comparison.sections:
        if not s.paragraphs:
            continue
        counts = "／".join(str(s.count(k)) for k in ParagraphKind)
        share = f"，与上年相同的文字片段 {s.copied_share:.0%}" if s.copied_share is not None else ""
        console.print(f"  {_NUMERALS[s.number - 1]}、{escape(headings.get(s.number, ''))}：{counts}{share}")
    if comparison.copied is None:
        console.print("  叙述部分（一、五、六）文字过少，未计算文字雷同比例")
    else:
        copied = comparison.copied
        console.print(
            f"  叙述部分（一、五、六）本年度 {copied.shingles} 个连续 8 字的文字片段中 {copied.share:.0%} "
            "在上一年度报告中出现（Y703 的算法）"
        )


# ---------------------------------------------------------------------------------------------------
# the command


@contextlib.contextmanager
def _target(out_file: Path | None) -> Iterator[IO[str]]:
    """Standard output, or `out_file` (one line and exit 2 when it cannot be written)."""
    if out_file is None:
        yield sys.stdout
        return
    try:
        handle = out_file.open("w", encoding="utf-8")
    except OSError as exc:
        _line(f"{out_file}: 无法写入（{exc.strerror}）")
        raise typer.Exit(2) from None
    with handle:
        yield handle


def diff_cmd(
    old: Annotated[str, typer.Argument(metavar="OLD", help="上一年度报告（文件或目录）")],
    new: Annotated[
        str, typer.Argument(metavar="NEW", help="本年度报告（文件或目录；目录按机关名称和年度与上一年度的报告配对）")
    ],
    output: Annotated[DiffOutput, typer.Option("--output", help="输出格式：text、json、html")] = DiffOutput.text,
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="写入文件（默认标准输出）")] = None,
    changed_only: Annotated[
        bool,
        typer.Option(
            "--changed-only", help="只列出有变化的单元格（text、json）；html 的统计表仍画整表，文字对比省去未改的段落"
        ),
    ] = False,
) -> None:
    """比较同一机关前后两个年度的报告：逐格的上年、本年和增减，跨年度核查，文字的保留、修改、新增、删除和雷同比例。"""
    from nianbao.audit.compare import compare

    before, old_failed = _read(old, "上一年度")
    after, new_failed = _read(new, "本年度")
    pairs = pairs_of(before, after) if before and after else []
    if not pairs:
        if not (old_failed or new_failed):
            _line("没有可以比较的报告：两边没有同一机关前后两个年度的报告")
        raise typer.Exit(2)
    comparisons = [compare(a, b) for a, b in pairs]
    with _target(out_file) as handle:
        if output is DiffOutput.json:
            for c in comparisons:
                handle.write(json.dumps(c.to_dict(changed_only=changed_only), ensure_ascii=False) + "\n")
        elif output is DiffOutput.html:
            from nianbao.render.diff_page import diff_html

            handle.write(diff_html(comparisons, changed_only=changed_only))
        else:
            console = Console(file=handle, soft_wrap=True, highlight=False)
            with contextlib.redirect_stdout(handle):  # print_audit_text writes to standard output
                for c in comparisons:
                    print_text(c, changed_only, console)
    if old_failed or new_failed:
        raise typer.Exit(2)
