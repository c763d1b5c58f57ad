"""`nianbao template` and `nianbao render`: blank templates and reports in the official layout."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nianbao.audit.model import Severity
from nianbao.cli.common import err, print_audit_text
from nianbao.read import ReadError, ReadOptions, read


def template(
    year: Annotated[int, typer.Option("--year", help="报告年度，例如 2025")],
    agency: Annotated[str, typer.Option("--agency", help="发布机关全称")],
    to: Annotated[Path, typer.Option("--to", help="输出文件：.yaml 或 .xlsx")],
    previous: Annotated[
        Path | None, typer.Option("--previous", help="上一年度报告（任意可读格式），用于带入上年结转等")
    ] = None,
) -> None:
    """生成空白年报模板（YAML 或 Excel 工作簿，按官方表样，合计为公式）。"""
    from nianbao.authoring.template import template as make_template
    from nianbao.authoring.workbook import write_xlsx
    from nianbao.authoring.yaml_file import write_yaml

    last = None
    if previous is not None:
        try:
            last = read(previous, options=ReadOptions.from_env())
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


def render(
    data: Annotated[Path, typer.Argument(help="报告数据：交换格式 JSON、YAML 模板或填好的 Excel 工作簿")],
    to: Annotated[RenderTo, typer.Option("--to", help="输出格式")] = RenderTo.docx,
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件（默认与数据同名）")] = None,
    force: Annotated[bool, typer.Option("--force", help="核查有错误时仍然生成")] = False,
) -> None:
    """按官方版式生成年报（docx、html、pdf、md）；生成前先核查，有错误时停止。"""
    from nianbao.authoring.load import load
    from nianbao.render import RenderBlocked
    from nianbao.render import render as render_report

    try:
        report = load(data)
    except ValueError as exc:  # the message names the file
        err.print(f"nianbao: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        result = render_report(report, to.value, force=force)
    except RenderBlocked as blocked:
        print_audit_text(report, blocked.audit, show_all=False)
        err.print(f"nianbao: {data}: {blocked}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except RuntimeError as exc:  # e.g. no CJK font for the PDF
        err.print(f"nianbao: {data}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    warnings = [f for f in result.audit.findings if f.severity is Severity.WARNING]
    if warnings or any(f.severity is Severity.ERROR for f in result.audit.findings):
        print_audit_text(report, result.audit, show_all=False)
    target = out_file or data.with_suffix(f".{to.value}")
    try:
        target.write_bytes(result.data)
    except OSError as exc:
        err.print(f"nianbao: {target}: 无法写入（{exc.strerror}）", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    err.print(f"已生成 {target}", markup=False, soft_wrap=True)
