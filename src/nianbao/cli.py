"""The `nianbao` command: thin commands over the Python API."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from nianbao import __version__
from nianbao.audit.model import Audit, Severity, Status
from nianbao.corpus import Rollup, number_text, rollup
from nianbao.read import ReadError, read
from nianbao.report import Number, Report

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


def _print_audit_text(report: Report, audit: Audit, show_all: bool) -> None:
    console = Console(soft_wrap=True, highlight=False)
    counts = audit.counts()
    console.print(f"[bold]{escape(report.file)}[/bold]  {report.agency or '?'} {report.year or '?'}年度 "
                  f"{report.format or '?'}年格式  "
                  f"错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}")
    colors = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    hidden = 0
    for f in audit.findings:
        if f.status is Status.NOT_ASSESSABLE and not show_all:
            hidden += 1
            continue
        where = next((c.location for c in f.cells if c.location), f.location)
        mark = {Status.FAILED: "", Status.UNCERTAIN: "（不确定）", Status.NOT_ASSESSABLE: "（无法核对）"}[f.status]
        review = f"［已{'确认' if f.review == 'confirmed' else '排除'}］" if f.review else ""
        console.print(f"  [{colors[f.severity]}]{f.severity.chinese}[/] {f.rule} {f.name}{mark}{review}："
                      f"{escape(f.message)}" + (f"（{where.describe()}）" if where else ""))
    if hidden:
        console.print(f"  另有 {hidden} 项因单元格空白或无法读取而无法核对（加 --all 显示）")


@app.command(name="check")
def check_cmd(
    files: Annotated[list[str], typer.Argument(help="报告文件或目录")],
    previous: Annotated[list[str] | None, typer.Option(
        "--previous", "-p", help="上一年度报告（文件或目录），用于跨年度核查")] = None,
    select_: Annotated[list[str] | None, typer.Option(
        "--select", help="只用这些规则（编号前缀、类别或名称，逗号分隔）")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不用这些规则")] = None,
    output: Annotated[CheckOutput, typer.Option("--output", help="输出格式")] = CheckOutput.text,
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="写入文件（默认标准输出）")] = None,
    fail_on: Annotated[str, typer.Option(
        "--fail-on", help="达到此严重程度时退出码为 1：error、warning、info")] = "error",
    reviews: Annotated[Path | None, typer.Option(
        "--reviews", help="复核记录 JSON：{指纹: confirmed|dismissed}")] = None,
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
        last_year = {id(r): p for r, p in zip(readable, paired.previous, strict=True) if p is not None}
    for _, r in rows:
        if isinstance(r, ReadError):
            unreadable = True
            err.print(f"nianbao: {r.file}: {r.reason}", markup=False, highlight=False, soft_wrap=True)
            continue
        audit = check(r, last_year.get(id(r)), select_rules=_codes(select_), ignore_rules=_codes(ignore),
                      reviews=reviews_map)
        counted = audit.worst()
        if counted is not None and (worst is None or counted > worst):
            worst = counted
        if output is CheckOutput.text:
            _print_audit_text(r, audit, show_all)
        elif output is CheckOutput.json:
            lines.append(json.dumps(audit.to_dict(), ensure_ascii=False))
        pairs.append((r, audit))
    if output is CheckOutput.json:
        _emit("\n".join(lines) + ("\n" if lines else ""), out_file)
    elif output is CheckOutput.html:
        from nianbao.audit.html import audits_html, source_lines
        _emit(audits_html(pairs, lines=[source_lines(r.file) for r, _ in pairs]), out_file)
    if unreadable:
        raise typer.Exit(2)
    if worst is not None and worst >= threshold:
        raise typer.Exit(1)


def _emit(text: str, out_file: Path | None) -> None:
    if out_file is None:
        sys.stdout.write(text)
        return
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.print(f"nianbao: {out_file}: 无法写入（{exc.strerror}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


@app.command()
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


@app.command()
def template(
    year: Annotated[int, typer.Option("--year", help="报告年度，例如 2025")],
    agency: Annotated[str, typer.Option("--agency", help="发布机关全称")],
    to: Annotated[Path, typer.Option("--to", help="输出文件：.yaml 或 .xlsx")],
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="上一年度报告（任意可读格式），用于带入上年结转等")] = None,
) -> None:
    """生成空白年报模板（YAML 或 Excel 工作簿，按官方表样，合计为公式）。"""
    from nianbao.authoring.template import template as make_template
    from nianbao.authoring.workbook import write_xlsx
    from nianbao.authoring.yaml_file import write_yaml

    last = None
    if previous is not None:
        try:
            last = read(previous)
        except ReadError as exc:
            err.print(f"nianbao: {exc.file}: {exc.reason}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
    suffix = to.suffix.lower()
    if suffix not in (".yaml", ".yml", ".xlsx"):
        err.print(f"nianbao: {to}: 模板只能写成 .yaml 或 .xlsx", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    report = make_template(year, agency, last)
    try:
        if suffix == ".xlsx":
            write_xlsx(report, to, previous=last)
        else:
            write_yaml(report, to, previous=last)
    except OSError as exc:
        err.print(f"nianbao: {to}: 无法写入（{exc.strerror}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    err.print(f"已生成 {to}（{year} 年度，{report.format} 年格式）", markup=False, soft_wrap=True)


class RenderTo(StrEnum):
    docx = "docx"
    html = "html"
    pdf = "pdf"
    md = "md"


@app.command()
def render(
    data: Annotated[Path, typer.Argument(help="报告数据：交换格式 JSON、YAML 模板或填好的 Excel 工作簿")],
    to: Annotated[RenderTo, typer.Option("--to", help="输出格式")] = RenderTo.docx,
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件（默认与数据同名）")] = None,
    force: Annotated[bool, typer.Option("--force", help="核查有错误时仍然生成")] = False,
) -> None:
    """按官方版式生成年报（docx、html、pdf、md）；生成前先核查，有错误时停止。"""
    from nianbao.authoring import RenderBlocked
    from nianbao.authoring import render as render_report
    from nianbao.authoring.load import load

    try:
        report = load(data)
    except ValueError as exc:  # the message names the file
        err.print(f"nianbao: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        result = render_report(report, to.value, force=force)
    except RenderBlocked as blocked:
        _print_audit_text(report, blocked.audit, show_all=False)
        err.print(f"nianbao: {data}: {blocked}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except RuntimeError as exc:  # e.g. no CJK font for the PDF
        err.print(f"nianbao: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    warnings = [f for f in result.audit.findings if f.severity is Severity.WARNING]
    if warnings or any(f.severity is Severity.ERROR for f in result.audit.findings):
        _print_audit_text(report, result.audit, show_all=False)
    target = out_file or data.with_suffix(f".{to.value}")
    try:
        target.write_bytes(result.data)
    except OSError as exc:
        err.print(f"nianbao: {target}: 无法写入（{exc.strerror}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    err.print(f"已生成 {target}", markup=False, soft_wrap=True)


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
    console.print(f"[bold]{escape(who)}[/bold]  {result.year or '?'} 年度 · {result.format} 年格式 · "
                  f"下级报告 {len(result.children)} 份", markup=True)
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


@app.command(name="rollup")
def rollup_cmd(
    parent: Annotated[str, typer.Argument(
        metavar="PARENT_REPORT", help="本级报告（如区县政府的年报）；写 - 表示没有本级报告，只求下级合计")],
    children: Annotated[list[str], typer.Argument(
        metavar="CHILD_REPORT", help="下级报告（如各部门的年报）：文件或目录；目录中的本级报告文件自动略去")],
    output: Annotated[RollupOutput, typer.Option("--output", help="输出格式")] = RollupOutput.text,
    show_all: Annotated[bool, typer.Option(
        "--all", help="列出全部单元格（默认只列不一致的；没有本级报告时只列非零的）")] = False,
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


from nianbao.ledger.cli import ledger_app  # noqa: E402

app.add_typer(ledger_app, name="ledger")

from nianbao.dataset.cli import dataset_app  # noqa: E402  (pyarrow, DuckDB, Dask: imported by its commands)

app.add_typer(dataset_app, name="dataset")

from nianbao.web.cli import serve, user_app  # noqa: E402

app.command()(serve)
app.add_typer(user_app, name="user")

if __name__ == "__main__":  # pragma: no cover
    app()
