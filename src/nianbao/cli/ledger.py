"""`nianbao ledger add|event|close|show|list|due|report`: the cases of the application ledger and the year's report
from it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from nianbao.cli.common import fail, plain_err, print_audit_text, requires
from nianbao.cli.ledger_common import (
    AgencyOpt,
    ExpectOpt,
    agency_ids,
    due_text,
    find_case,
    parse_date,
    parse_word,
    registered,
    required_date,
    today_or,
    unit,
)
from nianbao.cli.render import RenderTo

if TYPE_CHECKING:
    from nianbao.ledger.queries import CaseRow


class ListOutput(StrEnum):
    table = "table"
    jsonl = "jsonl"


class Status(StrEnum):
    open = "open"
    closed = "closed"
    all = "all"


@requires("ledger", "pg")
def add(
    reference: Annotated[str, typer.Argument(help="案号（本机关内唯一）")],
    agency: AgencyOpt,
    applicant_type: Annotated[
        str,
        typer.Option(
            "--applicant-type",
            help="自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他（或 natural_person 等）",
        ),
    ],
    received: Annotated[
        str | None, typer.Option("--received", help="收到日期（条例第三十一条）；默认同到达日期")
    ] = None,
    arrived: Annotated[str | None, typer.Option("--arrived", help="到达日期；默认同收到日期")] = None,
    channel: Annotated[str, typer.Option("--channel", help="当面、邮寄、平信、网络、传真、其他")] = "其他",
    applicant: Annotated[str, typer.Option("--applicant", help="申请人姓名或名称")] = "",
    contact: Annotated[str, typer.Option("--contact", help="联系方式")] = "",
    request: Annotated[str, typer.Option("--request", help="申请公开的信息")] = "",
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
) -> None:
    """登记一件政府信息公开申请（机关不存在时新建），计算答复期限。"""
    from nianbao.ledger import agencies, calendar_store, cases, vocabulary

    got = parse_date(received, "--received") or parse_date(arrived, "--arrived")
    if got is None:
        raise fail("请给出 --received（收到日期）或 --arrived（到达日期）", 2)
    kind, way = parse_word(vocabulary.applicant_type, applicant_type), parse_word(vocabulary.channel, channel)
    with unit() as s:
        owner, created = agencies.get_or_create_agency(s, agency)
        calendar = calendar_store.load_calendar(s)
        case = cases.add_case(
            s,
            owner,
            reference,
            got,
            kind,
            calendar=calendar,
            arrived=parse_date(arrived, "--arrived"),
            channel=way,
            applicant=applicant,
            contact=contact,
            request=request,
            note=note,
        )
        if created:
            plain_err.print(f"新建机关“{owner.name}”", markup=False)
        registered(f"已登记 案件 {case.reference}", case, calendar)


@requires("ledger", "pg")
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
    from nianbao.ledger import calendar_store, cases, vocabulary

    what = parse_word(vocabulary.event_kind, kind)
    day = required_date(on, "--on")
    with unit() as s:
        case = find_case(s, agency, reference)
        calendar = calendar_store.load_calendar(s)
        cases.add_event(
            s,
            case,
            what,
            day,
            calendar=calendar,
            approver=approver,
            days=days,
            party=party,
            until=parse_date(until, "--until"),
            note=note,
            expected_version=expect_version,
        )
        registered(f"已记录 案件 {case.reference} {vocabulary.EventKind(what).label}", case, calendar)


@requires("ledger", "pg")
def close(
    reference: Annotated[str, typer.Argument(help="案号")],
    agency: AgencyOpt,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="表三的办理结果行，如 granted、partially_granted、withheld.third_party_rights（部分公开优先）",
        ),
    ],
    on: Annotated[str, typer.Option("--on", help="办结日期 YYYY-MM-DD")],
    note: Annotated[str, typer.Option("--note", help="备注")] = "",
    expect_version: ExpectOpt = None,
) -> None:
    """办结一件申请，记录唯一的办理结果。"""
    from nianbao.ledger import cases, vocabulary

    row = parse_word(vocabulary.outcome, outcome)
    day = required_date(on, "--on")
    with unit() as s:
        case = find_case(s, agency, reference)
        cases.close_case(s, case, row, day, note=note, expected_version=expect_version)
        plain_err.print(f"已办结 案件 {case.reference}（{row}）", markup=False)


@requires("ledger", "pg")
def show(
    reference: Annotated[str, typer.Argument(help="案号")],
    agency: AgencyOpt,
) -> None:
    """显示一件申请：登记信息、全部事件、答复期限及其计算说明。"""
    from nianbao.ledger import agencies, calendar_store, cases
    from nianbao.ledger.vocabulary import ApplicantType, Channel, EventKind, outcome_row_label

    with unit() as s:
        owner = agencies.find_agency(s, agency)
        case = cases.find_case(s, owner, reference)
        found = cases.deadline(case, calendar_store.load_calendar(s))
        out = Console(highlight=False, soft_wrap=True)
        out.print(f"案件 {case.reference}（{owner.name}，第 {case.version} 版）", markup=False)
        out.print(
            f"  申请人：{case.applicant or '—'}（{ApplicantType(case.applicant_type).label}）"
            f"  联系方式：{case.contact or '—'}",
            markup=False,
        )
        arrived = f"到达 {case.arrived}，" if case.arrived else ""
        out.print(f"  {arrived}收到 {case.received}（{Channel(case.channel).label}）", markup=False)
        if case.request:
            out.print(f"  申请内容：{case.request}", markup=False)
        state = f"已办结 {case.closed}：{outcome_row_label(case.outcome)}" if case.status == "closed" else "办理中"
        out.print(f"  状态：{state}", markup=False)
        out.print("  事件：", markup=False)
        for e in case.events:
            extra = [
                x
                for x in (
                    e.approver and f"批准人 {e.approver}",
                    e.days and f"{e.days} 个工作日",
                    e.party and f"对象 {e.party}",
                    e.until and f"期限至 {e.until}",
                    e.outcome and outcome_row_label(e.outcome),
                    e.note,
                )
                if x
            ]
            detail = f"（{'；'.join(map(str, extra))}）" if extra else ""
            out.print(f"    {e.on} {EventKind(e.kind).label}{detail}", markup=False)
        out.print(f"  答复期限：{due_text(found.due, found.provisional)}", markup=False)
        for line in found.explanation:
            out.print(f"    {line}", markup=False)


@requires("ledger", "pg")
def list_cmd(
    agency: AgencyOpt,
    status: Annotated[Status, typer.Option("--status", help="open、closed 或 all")] = Status.all,
    output: Annotated[ListOutput, typer.Option("--output", "-o", help="输出格式")] = ListOutput.table,
    today: Annotated[str | None, typer.Option("--today", help="按此日期计算剩余工作日（默认今天）")] = None,
    rollup: Annotated[bool, typer.Option("--rollup", help="包括下级机关")] = False,
) -> None:
    """列出案件：案号、收到日期、状态、答复期限、剩余工作日。"""
    from nianbao.ledger import calendar_store, queries

    day = today_or(today)
    with unit() as s:
        _, ids = agency_ids(s, agency, rollup)
        filters = queries.Filters(status=None if status is Status.all else status.value)
        rows, _ = queries.list_cases(s, ids, day, calendar_store.load_calendar(s), filters)
        _print_rows(rows, output, "案件")


def _left_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    return f"[red]逾期 {-days_left}[/red]" if days_left < 0 else str(days_left)


def _print_rows(rows: list[CaseRow], output: ListOutput, title: str) -> None:
    from nianbao.ledger.vocabulary import ApplicantType, outcome_row_label

    if output is ListOutput.jsonl:
        for r in rows:
            sys.stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table(title=title)
    for col in ("案号", "收到", "申请人类型", "状态", "答复期限", "剩余工作日", "办理结果"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r.reference,
            r.received.isoformat(),
            ApplicantType(r.applicant_type).label,
            "办理中" if r.status == "open" else f"已办结 {r.closed}",
            due_text(r.deadline) if r.status == "open" else (r.deadline.isoformat() if r.deadline else ""),
            _left_text(r.days_left),
            outcome_row_label(r.outcome),
        )
    Console(highlight=False).print(table)


@requires("ledger", "pg")
def due(
    agency: AgencyOpt,
    today: Annotated[str | None, typer.Option("--today", help="按此日期计算（默认今天）")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="只列前 N 件")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="同时列出每个答复期限的计算说明")] = False,
    output: Annotated[ListOutput, typer.Option("--output", "-o", help="输出格式")] = ListOutput.table,
    rollup: Annotated[bool, typer.Option("--rollup", help="包括下级机关")] = False,
) -> None:
    """办理中的案件，按剩余工作日排列，逾期的在前；暂停计算的在最后。"""
    from nianbao.ledger import calendar_store, cases, queries

    day = today_or(today)
    with unit() as s:
        calendar_store.settle_deadlines(s, day, "工作日历已收录（chinesecalendar 更新）", provisional_only=True)
        owner, ids = agency_ids(s, agency, rollup)
        calendar = calendar_store.load_calendar(s)
        notice = calendar.notice(day)
        rows = queries.due_cases(s, ids, day, calendar, limit)
        notes: dict[str, tuple[str, ...]] = {}
        if explain and not rollup:
            for reference, *_ in rows:
                notes[reference] = cases.deadline(cases.find_case(s, owner, reference), calendar).explanation
    if notice:
        plain_err.print(notice, markup=False)
    if output is ListOutput.jsonl:
        for row in rows:
            item = queries.due_dict(row)
            if explain:
                item["explanation"] = list(notes.get(row[0], ()))
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{owner.name} 办理中的申请（{day}）")
    for col in ("案号", "答复期限", "剩余工作日"):
        table.add_column(col, overflow="fold")
    for reference, deadline, days_left, provisional in rows:
        table.add_row(reference, due_text(deadline, provisional), _left_text(days_left))
    console = Console(highlight=False, soft_wrap=True)
    console.print(table)
    for reference, lines in notes.items():
        console.print(f"案件 {reference}：", markup=False)
        for line in lines:
            console.print(f"  {line}", markup=False)


@requires("ledger", "pg")
def report(
    agency: Annotated[str, typer.Argument(help="机关全称")],
    year: Annotated[int, typer.Argument(help="报告年度，例如 2025")],
    to: Annotated[RenderTo, typer.Option("--to", help="输出格式")] = RenderTo.docx,
    out_file: Annotated[
        Path | None, typer.Option("-o", "--out", help="输出文件（默认为当前目录下的“机关+年度报告”标准标题）")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="核查有错误时仍然生成")] = False,
) -> None:
    """由台账生成年度报告：表三、表四由台账统计，其余取自已保存的报告草稿；生成前先核查，有错误时停止。"""
    from nianbao.audit.model import Severity
    from nianbao.authoring.from_ledger import (
        DRAFT_AUDIT,
        MIN_YEAR,
        assemble_report,
        filename,
        has_material,
        previous_report,
        read_draft,
    )
    from nianbao.ledger.agencies import find_agency
    from nianbao.render import RenderBlocked
    from nianbao.render import render as render_report

    this_year = dt.date.today().year
    if not MIN_YEAR <= year <= this_year:
        raise fail(f"年度应在 {MIN_YEAR} 至 {this_year} 之间：{year}", 2)
    with unit() as s:
        owner = find_agency(s, agency)
        if not has_material(s, owner.id, year):
            raise fail(f"“{owner.name}”{year} 年度没有台账数据，也没有报告草稿，无法生成报告")
        made, _ = assemble_report(s, owner, year, read_draft(s, owner.id, year))
        previous = previous_report(s, owner, year)
    try:
        result = render_report(made, to.value, force=force, previous=previous, options=DRAFT_AUDIT)
    except RenderBlocked as blocked:
        print_audit_text(made, blocked.audit, show_all=False)
        raise fail(f"{owner.name} {year} 年度：{blocked}") from None
    except RuntimeError as exc:  # e.g. no CJK font for the PDF
        raise fail(f"{owner.name} {year} 年度：{exc}", 2) from None
    if any(f.severity in (Severity.ERROR, Severity.WARNING) for f in result.audit.findings):
        print_audit_text(made, result.audit, show_all=False)
    target = out_file or Path(filename(owner.name, year, to.value))
    try:
        target.write_bytes(result.data)
    except OSError as exc:
        raise fail(f"{target}：无法写入（{exc.strerror}）", 2) from None
    plain_err.print(f"已生成 {target}", markup=False)
