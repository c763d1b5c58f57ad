"""`nianbao parse`, `check`, `rules` and `summary`: reading and checking reports."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nianbao.audit.model import Audit, Severity
from nianbao.cli.common import REPORT_SUFFIXES, err, expand, print_audit_text, read_all
from nianbao.read import STAGES, ReadError, Reading, ReadOptions, read_in_stages
from nianbao.report import Report


class Output(StrEnum):
    jsonl = "jsonl"
    json = "json"
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


class Shape(StrEnum):
    """The shapes of `parse --output csv|xlsx` (nianbao.render.sheets): a row per report, or per report and cell."""

    wide = "wide"
    long = "long"


class HeaderLabels(StrEnum):
    """What the one header row of a CSV holds: the cell keys, or the Chinese labels."""

    keys = "keys"
    zh = "zh"


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
            table.add_row(
                Path(f).name,
                r.agency or "?",
                str(r.year or "?"),
                r.format or "?",
                f"{r.cells_read}/{len(r.cells)}",
                str(len(r.blank_keys)),
                _problems_text(r),
            )
    return table


_STAGE_NAMES = {stage.name: stage.chinese for stage in STAGES}
_SOURCES = {"table": "表格行", "text": "正文"}


def explain_table(reading: Reading) -> Table:
    """How each cell of a reading was found: the stage that decided it, the row and column labels it was matched
    by (and the row label as printed), the source span and the printed text."""
    r = reading.report
    table = Table(
        title=escape(f"{r.file}：逐格读取过程（{r.agency or '?'} {r.year or '?'}年度，{r.format}年格式）"),
        show_lines=False,
    )
    for col in ("单元格", "阶段", "行标签", "列标签", "匹配的标签", "出处", "印刷文字", "说明"):
        table.add_column(col, overflow="fold")
    for c in reading.cells:
        stage = _STAGE_NAMES[c.stage] + (f"（{_SOURCES[c.source]}）" if c.source else "")
        table.add_row(
            *(
                escape(text)
                for text in (
                    c.key,
                    stage,
                    c.row_label,
                    c.column_label,
                    c.matched or "—",
                    c.span,
                    c.printed if c.printed.strip() else "（空白）",
                    c.note,
                )
            )
        )
    return table


def _explain(paths: list[str]) -> int:
    """Prints `explain_table` for each file; returns the count of files that could not be read."""
    options = ReadOptions.from_env()
    console = Console()
    failed = 0
    for f in paths:
        try:
            reading = read_in_stages(f, options=options)
        except ReadError as exc:
            failed += 1
            err.print(f"nianbao: {exc.file}: {exc.reason}", markup=False, highlight=False, soft_wrap=True)
            continue
        except Exception as exc:  # a reader bug must not end the batch or lose other files
            failed += 1
            err.print(
                f"nianbao: {f}: 读取时发生内部错误（{type(exc).__name__}: {exc}）",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            continue
        console.print(explain_table(reading))
    return failed


def parse(
    files: Annotated[list[str], typer.Argument(help="报告文件或目录（txt、md、html、docx、pdf、doc）")],
    output: Annotated[Output, typer.Option("--output", "-o", help="输出格式")] = Output.jsonl,
    full: Annotated[bool, typer.Option("--full", help="输出全部内容：印刷文字、出处、章节和读取问题")] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="逐格说明读取过程（表格）：阶段、匹配的行列标签、出处和印刷文字；不输出 JSON"),
    ] = False,
    shape: Annotated[
        Shape,
        typer.Option(
            "--shape",
            help="csv、xlsx 的表格形式：wide 每份报告一行、每个单元格一列；long 每份报告的每个单元格一行"
            "（数值、是否空白、印刷文字）",
        ),
    ] = Shape.wide,
    labels: Annotated[
        HeaderLabels,
        typer.Option(
            "--labels", help="csv 的表头：keys 为单元格编号（便于程序读取），zh 为中文名称；xlsx 两行表头都有"
        ),
    ] = HeaderLabels.keys,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="csv、xlsx 写入的文件（csv 默认标准输出；xlsx 必须指定）")
    ] = None,
) -> None:
    """读取报告，输出统计表数值（交换格式 JSON，或 CSV、XLSX 表格）。"""
    if output is Output.xlsx and out_file is None:
        err.print("nianbao: 输出 xlsx 需要用 --out 指定文件", markup=False)
        raise typer.Exit(2)
    if out_file is not None and output not in (Output.csv, Output.xlsx):
        err.print("nianbao: --out 只用于 csv 和 xlsx 输出", markup=False)
        raise typer.Exit(2)
    paths = expand(files)
    if not paths:
        err.print("nianbao: 没有找到要读取的报告文件")
        raise typer.Exit(2)
    if explain:
        if _explain(paths):
            raise typer.Exit(1)
        return
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
    elif output in (Output.csv, Output.xlsx):
        _write_sheet(output, shape, labels, [r for _, r in results if isinstance(r, Report)], out_file)
    if failed:
        raise typer.Exit(1)


def _write_sheet(output: Output, shape: Shape, labels: HeaderLabels, reports: list[Report], out: Path | None) -> None:
    """The reports read as a CSV (to stdout without `out`) or an XLSX file, in `shape`; exit 2 when the file
    cannot be written."""
    from nianbao.render import sheets

    if out is None:  # csv on stdout (xlsx without a file is refused before reading)
        sheets.write_csv(sheets.sheet_of(shape.value, reports), sys.stdout, header=labels.value)
        return
    try:
        if output is Output.xlsx:
            sheets.write_xlsx(shape.value, reports, out)
            return
        table = sheets.sheet_of(shape.value, reports)
        with out.open("w", encoding="utf-8-sig", newline="") as stream:  # a BOM so that Excel reads UTF-8
            sheets.write_csv(table, stream, header=labels.value)
    except sheets.TooManyRows as exc:
        err.print(f"nianbao: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(f"nianbao: {out}: 无法写入（{exc.strerror or exc}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


class CheckOutput(StrEnum):
    text = "text"
    json = "json"
    html = "html"


def _codes(values: list[str] | None) -> list[str] | None:
    """`--select A1,C2 --select F` → ["A1", "C2", "F"]."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _load_reviews(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        err.print(f"nianbao: {path}: 无法读取复核记录（{exc}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    return {str(k): str(v) for k, v in data.items()}


def check_cmd(
    files: Annotated[list[str], typer.Argument(help="报告文件或目录")],
    previous: Annotated[
        list[str] | None, typer.Option("--previous", "-p", help="上一年度报告（文件或目录），用于跨年度核查")
    ] = None,
    select_: Annotated[
        list[str] | None, typer.Option("--select", help="只用这些规则（编号前缀、类别或名称，逗号分隔）")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不用这些规则")] = None,
    output: Annotated[CheckOutput, typer.Option("--output", help="输出格式")] = CheckOutput.text,
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="写入文件（默认标准输出）")] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="达到此严重程度时退出码为 1：error、warning、info")
    ] = "error",
    reviews: Annotated[
        Path | None, typer.Option("--reviews", help="复核记录 JSON：{指纹: confirmed|dismissed}")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="文本输出中也列出无法核对的项")] = False,
) -> None:
    """核查报告：勾稽关系、空白单元格、格式、结构、正文与表格、发布时间、跨年度。"""
    from nianbao.audit import check

    try:
        threshold = Severity.parse(fail_on)
    except ValueError as exc:
        err.print(f"nianbao: {exc}", markup=False)
        raise typer.Exit(2) from None
    reviews_map = _load_reviews(reviews)
    paths = expand(files)
    if not paths:
        err.print("nianbao: 没有找到要核查的报告文件")
        raise typer.Exit(2)
    earlier = [r for _, r in read_all(expand(previous))] if previous else []
    for r in earlier:
        if isinstance(r, ReadError):
            err.print(f"nianbao: {r.file}: {r.reason}（上一年度报告）", markup=False, soft_wrap=True)
    candidates = [r for r in earlier if isinstance(r, Report)]
    unreadable = False
    worst: Severity | None = None
    pairs: list[tuple[Report, Audit]] = []
    lines: list[str] = []
    rows: Iterable[tuple[str, Report | ReadError]] = read_all(paths)
    last_year: dict[int, Report] = {}
    if previous:  # the pairing needs every report's agency and year first (a hash join, dataset/pairing.py)
        from nianbao.dataset.pairing import pair_reports

        rows = list(rows)
        readable = [r for _, r in rows if isinstance(r, Report)]
        paired = pair_reports(readable, candidates)
        for note in paired.notes:
            err.print(f"nianbao: {note}", markup=False, highlight=False, soft_wrap=True)
        for r, p in zip(readable, paired.previous, strict=True):  # which report each is checked against
            pairing = f"配对：{r.file} ↔ 上年 {p.file}" if p is not None else f"{r.file}：未找到上一年度报告"
            err.print(f"nianbao: {pairing}", markup=False, highlight=False, soft_wrap=True)
        last_year = {id(r): p for r, p in zip(readable, paired.previous, strict=True) if p is not None}
        rows = [_read_again(f, r, last_year) for f, r in rows]
    for _, r in rows:
        if isinstance(r, ReadError):
            unreadable = True
            err.print(f"nianbao: {r.file}: {r.reason}", markup=False, highlight=False, soft_wrap=True)
            continue
        audit = check(
            r, last_year.get(id(r)), select_rules=_codes(select_), ignore_rules=_codes(ignore), reviews=reviews_map
        )
        counted = audit.worst()
        if counted is not None and (worst is None or counted > worst):
            worst = counted
        if output is CheckOutput.text:
            print_audit_text(r, audit, show_all)
        elif output is CheckOutput.json:
            lines.append(json.dumps(audit.to_dict(), ensure_ascii=False))
        pairs.append((r, audit))
    if output is CheckOutput.json:
        _emit("\n".join(lines) + ("\n" if lines else ""), out_file)
    elif output is CheckOutput.html:
        from nianbao.render import audits_html, source_lines
        from nianbao.render.scan_crop import scan_sources

        with scan_sources({r.file: Path(r.file) for r, _ in pairs}):  # crops of scans (C209)
            page = audits_html(pairs, lines=[source_lines(r.file) for r, _ in pairs])
        _emit(page, out_file)
    if unreadable:
        raise typer.Exit(2)
    if worst is not None and worst >= threshold:
        raise typer.Exit(1)


def _read_again(file: str, report: Report | ReadError, last_year: dict[int, Report]) -> tuple[str, Report | ReadError]:
    """A report whose run-together digits were split unsure, read again with last year's report as evidence (see
    `nianbao.read.fit`); its entry in `last_year` kept."""
    if not isinstance(report, Report):
        return file, report
    previous = last_year.get(id(report))
    if previous is None or not any(p.code in ("row.fit", "cell.uncertain") for p in report.problems):
        return file, report
    try:
        again = read_in_stages(file, options=ReadOptions.from_env(), previous=previous).report
    except ReadError:
        return file, report
    last_year[id(again)] = previous
    return file, again


def _emit(text: str, out_file: Path | None) -> None:
    if out_file is None:
        sys.stdout.write(text)
        return
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.print(f"nianbao: {out_file}: 无法写入（{exc.strerror}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def rules(
    code: Annotated[str | None, typer.Argument(help="规则编号，例如 A101；省略时列出全部规则")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="输出全部规则的说明文档（docs/rules.md）")] = False,
) -> None:
    """列出核查规则，或显示一条规则的说明。"""
    from nianbao.audit import catalog
    from nianbao.audit.docs import rules_markdown

    if markdown:
        sys.stdout.write(rules_markdown())
        return
    if code:
        found = {r.code: r for r in catalog()}.get(code.upper())
        if found is None:
            err.print(f"nianbao: 没有编号为 {code} 的规则（用 nianbao rules 列出全部规则）")
            raise typer.Exit(2)
        sys.stdout.write(found.markdown())
        return
    table = Table(title="核查规则")
    for col in ("编号", "名称", "类别", "严重程度", "说明"):
        table.add_column(col, overflow="fold")
    for r in catalog():
        table.add_row(r.code, r.name, r.family, r.severity.label, r.title)
    Console().print(table)


def sample_files() -> list[str]:
    folder = resources.files("nianbao").joinpath("samples")
    return sorted(str(p) for p in Path(str(folder)).iterdir() if p.suffix in REPORT_SUFFIXES)


def summary(
    files: Annotated[list[str] | None, typer.Argument(help="报告文件或目录；省略时读取内置的示例报告")] = None,
) -> None:
    """读取报告并打印汇总表（文件、机关、年度、格式、单元格、问题）。"""
    paths = expand(files) if files else sample_files()
    rows = list(read_all(paths))
    Console().print(summary_table(rows))
    if any(isinstance(r, ReadError) for _, r in rows):
        raise typer.Exit(1)
