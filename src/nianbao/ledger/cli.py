"""`nianbao ledger …`: the application ledger from the command line, thin commands over `ledger.cases`.

The database is the one ``NIANBAO_DATABASE_URL`` names (default: ``nianbao.db`` here, see `store.db`);
it is migrated on first use. Each command is one transaction. Errors are one Chinese line on stderr
naming the file or case, with a non-zero exit (1: refused or failed, 2: bad usage), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from nianbao.formats import get_format

if TYPE_CHECKING:  # the database layers are imported by the commands that use them: `nianbao` starts fast
    from sqlalchemy.orm import Session

    from nianbao.ledger import cases
    from nianbao.ledger.calendar import WorkingCalendar
    from nianbao.store.models import Agency, Application

ledger_app = typer.Typer(
    name="ledger",
    help="依申请公开台账：登记申请、记录办理事件、答复期限、年度统计表。数据库由环境变量 NIANBAO_DATABASE_URL 指定"
         "（SQLAlchemy 地址，如 postgresql+psycopg://user@host/db；未设置时为当前目录下的 SQLite 文件 nianbao.db），"
         "首次使用时自动建表和迁移。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
calendar_app = typer.Typer(help="工作日历：导入国务院放假安排（覆盖 chinesecalendar）。", no_args_is_help=True)
ledger_app.add_typer(calendar_app, name="calendar")

err = Console(stderr=True, highlight=False, soft_wrap=True)

AgencyOpt = Annotated[str, typer.Option("--agency", help="机关全称")]
ExpectOpt = Annotated[int | None, typer.Option("--expect-version", help="你看到的案件版本号（show 显示）；"
                                                                       "案件已被他人修改时拒绝保存")]


class ListOutput(StrEnum):
    table = "table"
    jsonl = "jsonl"


class TablesOutput(StrEnum):
    table = "table"
    json = "json"


class Status(StrEnum):
    open = "open"
    closed = "closed"
    all = "all"


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"nianbao: {message}", markup=False)
    return typer.Exit(code)


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    from nianbao.store import db

    url = db.database_url()
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "（无法解析的地址）"


@contextmanager
def _unit() -> Iterator[Session]:
    """One transaction on the ledger's database; every expected failure becomes one line and an exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from nianbao.ledger import cases, csvio
    from nianbao.store import db

    try:
        with db.session() as s:
            yield s
    except csvio.ImportFailed as exc:
        for line in exc.problems:
            err.print(f"nianbao: {line}", markup=False)
        raise _fail(str(exc)) from None
    except cases.LedgerError as exc:
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise _fail(f"数据库 {_safe_url()}：{reason}") from None


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"{what}“{text}”无效，应为 YYYY-MM-DD", 2) from None


def _day(text: str, what: str) -> dt.date:
    """A required date option."""
    day = _date(text, what)
    if day is None:
        raise _fail(f"缺少{what}", 2)
    return day


def _case(s: Session, agency: str, reference: str) -> Application:
    """The case `reference` of `agency`, or a one-line error naming it."""
    from nianbao.ledger import cases

    return cases.find_case(s, cases.find_agency(s, agency), reference)


def _today(text: str | None) -> dt.date:
    return _date(text, "--today") or dt.date.today()


def _word(parse: Callable[[str], str], text: str) -> str:
    from nianbao.ledger import cases

    try:
        return parse(text)
    except cases.LedgerError as exc:
        raise _fail(str(exc), 2) from None


def _agency_ids(s: Session, name: str, rollup: bool = False) -> tuple[Agency, list[int]]:
    from nianbao.ledger import cases

    agency = cases.find_agency(s, name)
    return agency, cases.descendants(s, agency) if rollup else [agency.id]


def _due_text(case_due: dt.date | None, provisional: bool = False) -> str:
    if case_due is None:
        return "暂停计算"
    return f"{case_due.isoformat()}（暂定）" if provisional else case_due.isoformat()


def _registered(what: str, case: Application, calendar: WorkingCalendar) -> None:
    """One line for a case just written: its deadline, and why it is provisional when it is."""
    from nianbao.ledger.calendar import provisional_reason

    err.print(f"{what}，答复期限 {_due_text(case.due, case.due_provisional)}", markup=False)
    if case.due_provisional and case.due is not None:
        err.print(provisional_reason(calendar.provisional_years(case.received, case.due)), markup=False)


@ledger_app.command()
def add(
    reference: Annotated[str, typer.Argument(help="案号（本机关内唯一）")],
    agency: AgencyOpt,
    applicant_type: Annotated[str, typer.Option("--applicant-type", help="自然人、商业企业、科研机构、社会公益组织、"
                                                                         "法律服务机构、其他（或 natural_person 等）")],
    received: Annotated[str | None, typer.Option(
        "--received", help="收到日期（条例第三十一条）；默认同到达日期")] = None,
    arrived: Annotated[str | None, typer.Option("--arrived", help="到达日期；默认同收到日期")] = None,
    channel: Annotated[str, typer.Option("--channel", help="当面、邮寄、平信、网络、传真、其他")] = "其他",
    applicant: Annotated[str, typer.Option("--applicant", help="申请人姓名或名称")] = "",
    contact: Annotated[str, typer.Option("--contact", help="联系方式")] = "",
    request: Annotated[str, typer.Option("--request", help="申请公开的信息")] = "",
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
) -> None:
    """登记一件政府信息公开申请（机关不存在时新建），计算答复期限。"""
    from nianbao.ledger import cases

    got = _date(received, "--received") or _date(arrived, "--arrived")
    if got is None:
        raise _fail("请给出 --received（收到日期）或 --arrived（到达日期）", 2)
    kind, way = _word(cases.applicant_type, applicant_type), _word(cases.channel, channel)
    with _unit() as s:
        owner, created = cases.get_or_create_agency(s, agency)
        calendar = cases.load_calendar(s)
        case = cases.add_case(s, owner, reference, got, kind, calendar=calendar, arrived=_date(arrived, "--arrived"),
                              channel=way, applicant=applicant, contact=contact, request=request, note=note)
        if created:
            err.print(f"新建机关“{owner.name}”", markup=False)
        _registered(f"已登记 案件 {case.reference}", case, calendar)


@ledger_app.command()
def event(
    reference: Annotated[str, typer.Argument(help="案号")],
    kind: Annotated[str, typer.Argument(help="补正通知、收到补正、延期、征求意见、征求意见结束、收费通知、缴费、答复")],
    agency: AgencyOpt,
    on: Annotated[str, typer.Option("--on", help="日期 YYYY-MM-DD")],
    approver: Annotated[str, typer.Option("--approver", help="延期的批准人（政府信息公开工作机构负责人）")] = "",
    days: Annotated[int, typer.Option("--days", help="延期的工作日数（不超过 20）")] = 0,
    party: Annotated[str, typer.Option("--party", help="征求意见的第三方或其他机关")] = "",
    until: Annotated[str | None, typer.Option("--until", help="补正通知给申请人的补正期限")] = None,
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
    expect_version: ExpectOpt = None,
) -> None:
    """记录一个办理事件（只追加，不可修改），重新计算答复期限。"""
    from nianbao.ledger import cases

    what = _word(cases.event_kind, kind)
    day = _day(on, "--on")
    with _unit() as s:
        case = _case(s, agency, reference)
        calendar = cases.load_calendar(s)
        cases.add_event(s, case, what, day, calendar=calendar, approver=approver, days=days, party=party,
                        until=_date(until, "--until"), note=note, expected_version=expect_version)
        _registered(f"已记录 案件 {case.reference} {cases.EVENT_LABELS[what]}", case, calendar)


@ledger_app.command()
def close(
    reference: Annotated[str, typer.Argument(help="案号")],
    agency: AgencyOpt,
    outcome: Annotated[str, typer.Option("--outcome", help="表三的办理结果行，如 granted、partially_granted、"
                                                           "withheld.third_party_rights（部分公开优先）")],
    on: Annotated[str, typer.Option("--on", help="办结日期 YYYY-MM-DD")],
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
    expect_version: ExpectOpt = None,
) -> None:
    """办结一件申请，记录唯一的办理结果。"""
    from nianbao.ledger import cases

    row = _word(cases.outcome, outcome)
    day = _day(on, "--on")
    with _unit() as s:
        case = _case(s, agency, reference)
        cases.close_case(s, case, row, day, note=note, expected_version=expect_version)
        err.print(f"已办结 案件 {case.reference}（{row}）", markup=False)


def _outcome_label(key: str | None) -> str:
    if key is None:
        return ""
    spec = get_format("2021").cells.get(f"applications.{key}.total")
    return spec.row_label if spec else key


@ledger_app.command()
def show(
    reference: Annotated[str, typer.Argument(help="案号")],
    agency: AgencyOpt,
) -> None:
    """显示一件申请：登记信息、全部事件、答复期限及其计算说明。"""
    from nianbao.ledger import cases

    with _unit() as s:
        owner = cases.find_agency(s, agency)
        case = cases.find_case(s, owner, reference)
        found = cases.deadline(case, cases.load_calendar(s))
        out = Console(highlight=False, soft_wrap=True)
        out.print(f"案件 {case.reference}（{owner.name}，第 {case.version} 版）", markup=False)
        out.print(f"  申请人：{case.applicant or '—'}（{cases.APPLICANT_LABELS[case.applicant_type]}）"
                  f"  联系方式：{case.contact or '—'}", markup=False)
        arrived = f"到达 {case.arrived}，" if case.arrived else ""
        out.print(f"  {arrived}收到 {case.received}（{cases.CHANNEL_LABELS[case.channel]}）", markup=False)
        if case.request:
            out.print(f"  申请内容：{case.request}", markup=False)
        state = f"已办结 {case.closed}：{_outcome_label(case.outcome)}" if case.status == "closed" else "办理中"
        out.print(f"  状态：{state}", markup=False)
        out.print("  事件：", markup=False)
        for e in case.events:
            extra = [x for x in (e.approver and f"批准人 {e.approver}", e.days and f"{e.days} 个工作日",
                                 e.party and f"对象 {e.party}", e.until and f"期限至 {e.until}",
                                 e.outcome and _outcome_label(e.outcome), e.note) if x]
            detail = f"（{'；'.join(map(str, extra))}）" if extra else ""
            out.print(f"    {e.on} {cases.EVENT_LABELS[e.kind]}{detail}", markup=False)
        out.print(f"  答复期限：{_due_text(found.due, found.provisional)}", markup=False)
        for line in found.explanation:
            out.print(f"    {line}", markup=False)


@ledger_app.command(name="list")
def list_cmd(
    agency: AgencyOpt,
    status: Annotated[Status, typer.Option("--status", help="open、closed 或 all")] = Status.all,
    output: Annotated[ListOutput, typer.Option("--output", "-o", help="输出格式")] = ListOutput.table,
    today: Annotated[str | None, typer.Option("--today", help="按此日期计算剩余工作日（默认今天）")] = None,
    rollup: Annotated[bool, typer.Option("--rollup", help="包括下级机关")] = False,
) -> None:
    """列出案件：案号、收到日期、状态、答复期限、剩余工作日。"""
    from nianbao.ledger import cases

    day = _today(today)
    with _unit() as s:
        _, ids = _agency_ids(s, agency, rollup)
        rows = cases.list_cases(s, ids, day, cases.load_calendar(s), None if status is Status.all else status.value)
        _print_rows(rows, output, "案件")


def _left_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    return f"[red]逾期 {-days_left}[/red]" if days_left < 0 else str(days_left)


def _print_rows(rows: Iterator[cases.CaseRow], output: ListOutput, title: str) -> None:
    from nianbao.ledger import cases

    if output is ListOutput.jsonl:
        for r in rows:
            sys.stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table(title=title)
    for col in ("案号", "收到", "申请人类型", "状态", "答复期限", "剩余工作日", "办理结果"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.reference, r.received.isoformat(), cases.APPLICANT_LABELS[r.applicant_type],
                      "办理中" if r.status == "open" else f"已办结 {r.closed}",
                      _due_text(r.deadline) if r.status == "open" else (r.deadline.isoformat() if r.deadline else ""),
                      _left_text(r.days_left), _outcome_label(r.outcome))
    Console(highlight=False).print(table)


@ledger_app.command()
def due(
    agency: AgencyOpt,
    today: Annotated[str | None, typer.Option("--today", help="按此日期计算（默认今天）")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="只列前 N 件")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="同时列出每个答复期限的计算说明")] = False,
    output: Annotated[ListOutput, typer.Option("--output", "-o", help="输出格式")] = ListOutput.table,
    rollup: Annotated[bool, typer.Option("--rollup", help="包括下级机关")] = False,
) -> None:
    """办理中的案件，按剩余工作日排列，逾期的在前；暂停计算的在最后。"""
    from nianbao.ledger import cases

    day = _today(today)
    with _unit() as s:
        cases.settle_deadlines(s, day, "工作日历已收录（chinesecalendar 更新）", provisional_only=True)
        owner, ids = _agency_ids(s, agency, rollup)
        calendar = cases.load_calendar(s)
        notice = calendar.notice(day)
        rows = cases.due_cases(s, ids, day, calendar, limit)
        notes: dict[str, tuple[str, ...]] = {}
        if explain and not rollup:
            for reference, *_ in rows:
                notes[reference] = cases.deadline(cases.find_case(s, owner, reference), calendar).explanation
    if notice:
        err.print(notice, markup=False)
    if output is ListOutput.jsonl:
        for row in rows:
            item = cases.due_dict(row)
            if explain:
                item["explanation"] = list(notes.get(row[0], ()))
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{owner.name} 办理中的申请（{day}）")
    for col in ("案号", "答复期限", "剩余工作日"):
        table.add_column(col, overflow="fold")
    for reference, deadline, days_left, provisional in rows:
        table.add_row(reference, _due_text(deadline, provisional), _left_text(days_left))
    console = Console(highlight=False, soft_wrap=True)
    console.print(table)
    for reference, lines in notes.items():
        console.print(f"案件 {reference}：", markup=False)
        for line in lines:
            console.print(f"  {line}", markup=False)


@ledger_app.command(name="import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="台账文件：CSV（UTF-8）或 XLSX，列见 shared/spec/ledger.md")],
    agency: AgencyOpt,
) -> None:
    """导入台账文件（机关不存在时新建）；任何一行有错误时整个文件都不导入。"""
    from nianbao.ledger import cases, csvio

    if not file.is_file():
        raise _fail(f"{file}：文件不存在", 2)
    with _unit() as s:
        owner, n = csvio.import_file(s, file, agency, cases.load_calendar(s))
        err.print(f"已导入 {n} 件申请到“{owner.name}”（{file}）", markup=False)


@ledger_app.command()
def export(
    agency: AgencyOpt,
    out_file: Annotated[Path | None, typer.Option(
        "-o", "--out", help="写入文件（.csv 或 .xlsx；默认标准输出 CSV）")] = None,
) -> None:
    """导出台账（与导入相同的列）。"""
    from nianbao.ledger import cases, csvio

    with _unit() as s:
        owner = cases.find_agency(s, agency)
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
        raise _fail(f"{out_file}：无法写入（{exc.strerror}）") from None
    if out_file is not None:
        err.print(f"已导出 {len(rows)} 件申请到 {out_file}", markup=False)


@ledger_app.command(name="tables")
def tables_cmd(
    agency: AgencyOpt,
    year: Annotated[int, typer.Option("--year", help="报告年度")],
    output: Annotated[TablesOutput, typer.Option("--output", "-o", help="输出格式：table 或 json（交换格式）")]
    = TablesOutput.table,
    rollup: Annotated[bool, typer.Option("--rollup", help="包括下级机关")] = False,
) -> None:
    """由台账计算年度报告的表三（收到和处理申请）和表四（复议、诉讼）。"""
    from nianbao.ledger import cases
    from nianbao.ledger.tables import tables as year_tables

    with _unit() as s:
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
    for label in cases.RESULT_LABELS.values():
        four.add_column(label, justify="right")
    four.add_column("总计", justify="right")
    for route, label in cases.ROUTE_LABELS.items():
        four.add_row(label, *(str(report.value(f"{route}.{r}")) for r in (*cases.RESULT_LABELS, "total")))
    console.print(four)


@ledger_app.command()
def appeal(
    reference: Annotated[str, typer.Argument(help="复议或诉讼的案号")],
    agency: AgencyOpt,
    route: Annotated[str | None, typer.Option(
        "--route", help="行政复议、未经复议直接起诉、复议后起诉"
                        "（review、litigation_direct、litigation_after_review）")] = None,
    filed: Annotated[str | None, typer.Option("--filed", help="立案（收到）日期")] = None,
    application: Annotated[str | None, typer.Option("--application", help="所涉申请的案号")] = None,
    result: Annotated[str | None, typer.Option("--result", help="维持、纠正、其他（upheld、corrected、other）")] = None,
    decided: Annotated[str | None, typer.Option("--decided", help="审结日期")] = None,
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
) -> None:
    """登记行政复议、行政诉讼案件（--route --filed），或记录其结果（--result --decided）。"""
    from nianbao.ledger import cases

    if (result is None) != (decided is None):
        raise _fail("--result 和 --decided 须同时给出", 2)
    with _unit() as s:
        owner = cases.find_agency(s, agency)
        if route is not None or filed is not None:
            if route is None or filed is None:
                raise _fail("登记复议诉讼案件须同时给出 --route 和 --filed", 2)
            linked = cases.find_case(s, owner, application) if application else None
            day = _day(filed, "--filed")
            found = cases.add_appeal(s, owner, reference, _word(cases.appeal_route, route), day,
                                     application=linked, note=note)
            err.print(f"已登记 {cases.ROUTE_LABELS[found.route]} {found.reference}", markup=False)
        else:
            found = cases.find_appeal(s, owner, reference)
        if result is not None and decided is not None:
            day = _day(decided, "--decided")
            cases.decide_appeal(s, found, _word(cases.appeal_result, result), day)
            err.print(f"已记录 {found.reference} {cases.RESULT_LABELS[found.result]}（{found.decided}）", markup=False)


@ledger_app.command(name="agency")
def agency_cmd(
    name: Annotated[str, typer.Argument(help="机关全称")],
    level: Annotated[str | None, typer.Option("--level", help="层级，如 省级、市级、县级")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="上级机关（用于汇总；空字符串取消）")] = None,
) -> None:
    """新建机关或修改其层级、上级机关。"""
    from nianbao.ledger import cases

    with _unit() as s:
        found = cases.set_agency(s, name, level=level, parent=parent)
        above = found.parent.name if found.parent else "—"
        err.print(f"机关“{found.name}”：层级 {found.level or '—'}，上级 {above}", markup=False)


@calendar_app.command("load")
def calendar_load(
    file: Annotated[Path, typer.Argument(help="放假安排文件：year: 2027 / 2027-01-01 休 / 2027-02-07 班")],
) -> None:
    """导入国务院放假安排到台账数据库（覆盖 chinesecalendar 的数据，声明的年份视为完整）。"""
    from nianbao.ledger import cases
    from nianbao.ledger.calendar import parse_overrides

    try:
        overrides, years = parse_overrides(file.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise _fail(f"{file}：无法读取（{exc.strerror}）", 2) from None
    except ValueError as exc:
        raise _fail(f"{file}：{exc}") from None
    with _unit() as s:
        days, new_years = cases.store_calendar(s, overrides, years)
        moved = cases.settle_deadlines(s, dt.date.today(), cases.calendar_change(overrides, years))
    err.print(f"已导入 {days} 天的安排，新声明 {new_years} 个完整年份，"
              f"{moved} 件在办案件的答复期限随之重新计算并记入案件事件（{file}）", markup=False)


@calendar_app.command("show")
def calendar_show() -> None:
    """列出台账数据库中的工作日历覆盖。"""
    from nianbao.ledger import cases
    from nianbao.ledger.calendar import format_overrides

    with _unit() as s:
        calendar = cases.load_calendar(s)
    sys.stdout.write(format_overrides(calendar.overrides, calendar.covered_years))
