"""`nianbao ledger import|export|tables|appeal|agency|calendar`: the ledger's files, year tables, appeals,
agencies and working calendar."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nianbao.cli.common import fail, plain_err, requires
from nianbao.cli.ledger_common import AgencyOpt, parse_word, required_date, unit
from nianbao.formats import get_format


class TablesOutput(StrEnum):
    table = "table"
    json = "json"


@requires("ledger", "pg")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="台账文件：CSV（UTF-8）或 XLSX，列见 spec/ledger.md")],
    agency: AgencyOpt,
) -> None:
    """导入台账文件（机关不存在时新建）；任何一行有错误时整个文件都不导入。"""
    from nianbao.ledger import calendar_store, csvio

    if not file.is_file():
        raise fail(f"{file}：文件不存在", 2)
    with unit() as s:
        owner, n = csvio.import_file(s, file, agency, calendar_store.load_calendar(s))
        plain_err.print(f"已导入 {n} 件申请到“{owner.name}”（{file}）", markup=False)


@requires("ledger", "pg")
def export(
    agency: AgencyOpt,
    out_file: Annotated[
        Path | None, typer.Option("-o", "--out", help="写入文件（.csv 或 .xlsx；默认标准输出 CSV）")
    ] = None,
) -> None:
    """导出台账（与导入相同的列）。"""
    from nianbao.ledger import agencies, csvio

    with unit() as s:
        owner = agencies.find_agency(s, agency)
        header, rows = csvio.export_rows(s, owner)
    try:
        if out_file is None:
            csvio.write_csv(header, rows, sys.stdout)
        elif out_file.suffix.lower() == ".xlsx":
            csvio.write_xlsx(header, rows, out_file)
        else:
            with out_file.open("w", encoding="utf-8", newline="") as f:
                csvio.write_csv(header, rows, f)
    except OSError as exc:
        raise fail(f"{out_file}：无法写入（{exc.strerror}）") from None
    if out_file is not None:
        plain_err.print(f"已导出 {len(rows)} 件申请到 {out_file}", markup=False)


@requires("ledger", "pg")
def tables_cmd(
    agency: AgencyOpt,
    year: Annotated[int, typer.Option("--year", help="报告年度")],
    output: Annotated[
        TablesOutput, typer.Option("--output", "-o", help="输出格式：table 或 json（交换格式）")
    ] = TablesOutput.table,
    rollup: Annotated[bool, typer.Option("--rollup", help="包括下级机关")] = False,
) -> None:
    """由台账计算年度报告的表三（收到和处理申请）和表四（复议、诉讼）。"""
    from nianbao.ledger.tables import tables as year_tables
    from nianbao.ledger.vocabulary import AppealResult, AppealRoute

    with unit() as s:
        report = year_tables(s, agency, year, rollup=rollup)
    if output is TablesOutput.json:
        sys.stdout.write(json.dumps(report.to_exchange(), ensure_ascii=False, indent=2) + "\n")
        return
    fmt = get_format(report.format or "2021")
    console = Console()
    three = Table(title=f"{report.agency} {year} 年度 表三（{fmt.name} 年格式）")
    three.add_column("项目", overflow="fold")
    for label in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"):
        three.add_column(label, justify="right")
    for row in fmt.rows_of("三"):
        three.add_row(row.label, *(str(report.value(k)) for k in row.cells))
    console.print(three)
    four = Table(title=f"{report.agency} {year} 年度 表四")
    four.add_column("类别")
    for result in AppealResult:
        four.add_column(result.label, justify="right")
    four.add_column("总计", justify="right")
    for route in AppealRoute:
        four.add_row(
            route.label, *(str(report.value(f"{route.value}.{r}")) for r in (*AppealResult.stored_keys(), "total"))
        )
    console.print(four)


@requires("ledger", "pg")
def appeal(
    reference: Annotated[str, typer.Argument(help="复议或诉讼的案号")],
    agency: AgencyOpt,
    route: Annotated[
        str | None,
        typer.Option(
            "--route",
            help="行政复议、未经复议直接起诉、复议后起诉（review、litigation_direct、litigation_after_review）",
        ),
    ] = None,
    filed: Annotated[str | None, typer.Option("--filed", help="立案（收到）日期")] = None,
    application: Annotated[str | None, typer.Option("--application", help="所涉申请的案号")] = None,
    result: Annotated[str | None, typer.Option("--result", help="维持、纠正、其他（upheld、corrected、other）")] = None,
    decided: Annotated[str | None, typer.Option("--decided", help="审结日期")] = None,
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
) -> None:
    """登记行政复议、行政诉讼案件（--route --filed），或记录其结果（--result --decided）。"""
    from nianbao.ledger import agencies, appeals, cases, vocabulary

    if (result is None) != (decided is None):
        raise fail("--result 和 --decided 须同时给出", 2)
    with unit() as s:
        owner = agencies.find_agency(s, agency)
        if route is not None or filed is not None:
            if route is None or filed is None:
                raise fail("登记复议诉讼案件须同时给出 --route 和 --filed", 2)
            linked = cases.find_case(s, owner, application) if application else None
            day = required_date(filed, "--filed")
            found = appeals.add_appeal(
                s, owner, reference, parse_word(vocabulary.appeal_route, route), day, application=linked, note=note
            )
            plain_err.print(f"已登记 {vocabulary.AppealRoute(found.route).label} {found.reference}", markup=False)
        else:
            found = appeals.find_appeal(s, owner, reference)
        if result is not None and decided is not None:
            day = required_date(decided, "--decided")
            appeals.decide_appeal(s, found, parse_word(vocabulary.appeal_result, result), day)
            decision = vocabulary.AppealResult(found.result).label
            plain_err.print(f"已记录 {found.reference} {decision}（{found.decided}）", markup=False)


@requires("ledger", "pg")
def agency_cmd(
    name: Annotated[str, typer.Argument(help="机关全称")],
    level: Annotated[str | None, typer.Option("--level", help="层级，如 省级、市级、县级")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="上级机关（用于汇总；空字符串取消）")] = None,
) -> None:
    """新建机关或修改其层级、上级机关。"""
    from nianbao.ledger import agencies

    with unit() as s:
        found = agencies.set_agency(s, name, level=level, parent=parent)
        above = found.parent.name if found.parent else "—"
        plain_err.print(f"机关“{found.name}”：层级 {found.level or '—'}，上级 {above}", markup=False)


@requires("ledger", "pg")
def calendar_load(
    file: Annotated[Path, typer.Argument(help="放假安排文件：year: 2027 / 2027-01-01 休 / 2027-02-07 班")],
) -> None:
    """导入国务院放假安排到台账数据库（覆盖 chinesecalendar 的数据，声明的年份视为完整）。"""
    from nianbao.ledger import calendar_store
    from nianbao.ledger.calendar import parse_overrides

    try:
        overrides, years = parse_overrides(file.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise fail(f"{file}：无法读取（{exc.strerror}）", 2) from None
    except ValueError as exc:
        raise fail(f"{file}：{exc}") from None
    with unit() as s:
        days, new_years = calendar_store.store_calendar(s, overrides, years)
        moved = calendar_store.settle_deadlines(s, dt.date.today(), calendar_store.calendar_change(overrides, years))
    plain_err.print(
        f"已导入 {days} 天的安排，新声明 {new_years} 个完整年份，"
        f"{moved} 件在办案件的答复期限随之重新计算并记入案件事件（{file}）",
        markup=False,
    )


@requires("ledger", "pg")
def calendar_show() -> None:
    """列出台账数据库中的工作日历覆盖。"""
    from nianbao.ledger.calendar import format_overrides
    from nianbao.ledger.calendar_store import load_calendar

    with unit() as s:
        calendar = load_calendar(s)
    sys.stdout.write(format_overrides(calendar.overrides, calendar.covered_years))
