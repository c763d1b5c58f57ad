"""The ledger API's request and response bodies (pydantic), and how a case becomes one."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from nianbao.ledger.queries import CaseRow, DueItem
from nianbao.ledger.vocabulary import AppealResult, AppealRoute, ApplicantType, ApplicationStatus, EventKind, Outcome
from nianbao.web.ledger.detail import CaseView

Version = Field(default=None, ge=0, le=2**31 - 1, description="你看到的案件版本号；案件已被他人修改时返回 409")


class CaseRowOut(BaseModel):
    id: int = Field(description="案件编号（URL 中使用）")
    agency_id: int
    agency_name: str
    reference: str = Field(description="本机关的案号，如 2026-0042")
    received: dt.date = Field(description="收到申请日期（条例第三十一条）")
    applicant_type: str = Field(
        description="申请人类型：natural_person、commercial、research、nonprofit、legal_services、other_org"
    )
    applicant_type_label: str = Field(description="申请人类型的中文名称")
    applicant: str
    summary: str = Field(description="申请内容摘要")
    status: str = Field(description="open（办理中）或 closed（已办结）")
    status_label: str
    deadline: dt.date | None = Field(description="答复期限；暂停计算时为 null")
    days_left: int | None = Field(description="剩余工作日（办理中的案件；0 为今日到期，负数为超期）")
    outcome: str | None = Field(description="办理结果（表三的行），办结后才有")
    outcome_label: str
    closed: dt.date | None


class CasePage(BaseModel):
    total: int = Field(description="符合条件的案件总数")
    limit: int
    offset: int
    items: list[CaseRowOut]
    warning: str | None = Field(default=None, description="无法计算剩余工作日时的说明")


class CaseIn(BaseModel):
    agency_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="机关编号；经办人员可省略（本机关），管理员必填"
    )
    reference: str = Field(min_length=1, max_length=100, description="案号（本机关内唯一）")
    received: dt.date | None = Field(default=None, description="收到申请日期；省略为今天")
    arrived: dt.date | None = Field(default=None, description="到达日期（可选，不晚于收到日期）")
    channel: str = Field(
        default="other",
        max_length=20,
        description="申请渠道：in_person、post、letter、online、fax、other 或中文名称（当面、邮寄……）",
    )
    applicant_type: str = Field(max_length=20, description="申请人类型的键或中文名称（自然人、商业企业……）")
    applicant: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)
    request: str = Field(default="", max_length=20000, description="申请公开的信息")


class EventIn(BaseModel):
    kind: str = Field(
        max_length=40,
        description="correction_requested（补正通知）、correction_received（收到补正）、"
        "extension（延期）、consultation_opened（征求意见）、"
        "consultation_closed、fee_notice（收费通知）、fee_paid（缴费）、"
        "answered（答复送达），或其中文名称",
    )
    on: dt.date | None = Field(default=None, description="日期；省略为今天")
    until: dt.date | None = Field(default=None, description="补正通知给申请人的补正期限")
    approver: str = Field(default="", max_length=100, description="延期的批准人")
    days: int = Field(default=0, ge=0, le=366, description="延期的工作日数")
    party: str = Field(default="", max_length=200, description="征求意见的第三方或其他机关")
    note: str = Field(default="", max_length=20000)
    expected_version: int | None = Version


class CloseIn(BaseModel):
    outcome: str = Field(
        max_length=80, description="表三的办理结果行，如 granted、partially_granted、withheld.third_party_rights"
    )
    on: dt.date | None = Field(default=None, description="办结日期；省略为今天")
    note: str = Field(default="", max_length=20000)
    expected_version: int | None = Version


class AppealIn(BaseModel):
    reference: str = Field(min_length=1, max_length=100, description="复议或诉讼的案号")
    route: str = Field(
        max_length=40,
        description="review（行政复议）、litigation_direct（未经复议直接起诉）、"
        "litigation_after_review（复议后起诉）或中文名称",
    )
    filed: dt.date | None = Field(default=None, description="立案（收到）日期；省略为今天")
    note: str = Field(default="", max_length=20000)


class DecisionIn(BaseModel):
    result: str = Field(max_length=20, description="upheld（维持）、corrected（纠正）、other（其他）")
    decided: dt.date | None = Field(default=None, description="审结日期；省略为今天")


class EventOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    on: dt.date
    until: dt.date | None
    approver: str
    days: int
    party: str
    outcome: str | None
    note: str


class DeadlineOut(BaseModel):
    due: dt.date | None = Field(description="答复期限；等待补正、征求意见或缴费期间为 null")
    days_left: int | None
    suspended: bool
    base_days: int | None
    extension_days: int | None
    paused_workdays: int | None
    provisional: bool = Field(False, description="暂定：期限计入了尚未收录国务院放假安排的年份，导入后自动重新计算")
    provisional_years: list[int] = Field([], description="期限计入的、尚未收录放假安排的年份")
    explanation: list[str] = Field(description="期限的计算说明，每个办理步骤一行（暂定时最后一行说明原因）")
    problem: str | None = Field(description="无法计算时的原因")


class AppealOut(BaseModel):
    id: int
    reference: str
    route: str
    route_label: str
    filed: dt.date
    result: str
    result_label: str
    decided: dt.date | None
    note: str


class FeeOut(BaseModel):
    amount: int = Field(description="元")
    basis: str
    explanation: list[str]


class CaseOut(BaseModel):
    id: int
    agency_id: int
    agency_name: str
    reference: str
    version: int = Field(description="修改时作为 expected_version 传回")
    received: dt.date
    arrived: dt.date | None
    channel: str
    applicant_type: str
    applicant_type_label: str
    applicant: str
    contact: str
    request: str
    status: str
    status_label: str
    outcome: str | None
    outcome_label: str
    closed: dt.date | None
    deadline: DeadlineOut
    next_step: str | None = Field(description="建议的下一步（事件类型或 close）")
    fee: FeeOut | None = Field(description="按件计收的信息处理费参考（办理中的案件）")
    events: list[EventOut]
    appeals: list[AppealOut]


class DueOut(BaseModel):
    id: int
    agency_id: int
    agency_name: str
    reference: str
    applicant: str
    applicant_type: str
    received: dt.date
    deadline: dt.date | None
    days_left: int | None
    suspended: bool
    provisional: bool = Field(False, description="暂定期限：计入了尚未收录国务院放假安排的年份")
    why: str = Field(description="暂停计算的原因（补正、征求意见、收费）")


class DueList(BaseModel):
    today: dt.date
    calendar_notice: str | None = Field(None, description="本年或下一年的工作日历为暂定时的提示")
    items: list[DueOut]
    more: bool = Field(description="是否还有未列出的案件（超过 limit）")


class ImportOut(BaseModel):
    agency_id: int
    imported: int = Field(description="导入的案件数")


def row_out(r: CaseRow, agencies: dict[int, str]) -> CaseRowOut:
    return CaseRowOut(
        id=r.id,
        agency_id=r.agency_id,
        agency_name=agencies.get(r.agency_id, ""),
        reference=r.reference,
        received=r.received,
        applicant_type=r.applicant_type,
        applicant_type_label=ApplicantType.label_of(r.applicant_type),
        applicant=r.applicant,
        summary=r.summary,
        status=r.status,
        status_label=ApplicationStatus.label_of(r.status),
        deadline=r.deadline,
        days_left=r.days_left,
        outcome=r.outcome,
        outcome_label=Outcome.label_of(r.outcome),
        closed=r.closed,
    )


def due_out(i: DueItem, agencies: dict[int, str]) -> DueOut:
    return DueOut(
        id=i.id,
        agency_id=i.agency_id,
        agency_name=agencies.get(i.agency_id, ""),
        reference=i.reference,
        applicant=i.applicant,
        applicant_type=i.applicant_type,
        received=i.received,
        deadline=i.deadline,
        days_left=i.days_left,
        suspended=i.deadline is None,
        provisional=i.provisional,
        why=i.why,
    )


def case_out(v: CaseView) -> CaseOut:
    c = v.case
    d = v.deadline
    deadline = DeadlineOut(
        due=d.due if d else None,
        days_left=v.days_left,
        suspended=d.suspended if d else False,
        base_days=d.base_days if d else None,
        extension_days=d.extension_days if d else None,
        paused_workdays=d.paused_workdays if d else None,
        provisional=d.provisional if d else False,
        provisional_years=list(d.provisional_years) if d else [],
        explanation=list(d.explanation) if d else [],
        problem=v.deadline_error or None,
    )
    return CaseOut(
        id=c.id,
        agency_id=c.agency_id,
        agency_name=c.agency.name,
        reference=c.reference,
        version=c.version,
        received=c.received,
        arrived=c.arrived,
        channel=c.channel,
        applicant_type=c.applicant_type,
        applicant_type_label=ApplicantType.label_of(c.applicant_type),
        applicant=c.applicant,
        contact=c.contact,
        request=c.request,
        status=c.status,
        status_label=ApplicationStatus.label_of(c.status),
        outcome=c.outcome,
        outcome_label=Outcome.label_of(c.outcome),
        closed=c.closed,
        deadline=deadline,
        next_step=v.next_step,
        fee=FeeOut(amount=v.fee.amount, basis=v.fee.basis, explanation=list(v.fee.explanation)) if v.fee else None,
        events=[
            EventOut(
                id=e.id,
                kind=e.kind,
                kind_label=EventKind.label_of(e.kind),
                on=e.on,
                until=e.until,
                approver=e.approver,
                days=e.days,
                party=e.party,
                outcome=e.outcome,
                note=e.note,
            )
            for e in v.events
        ],
        appeals=[
            AppealOut(
                id=a.id,
                reference=a.reference,
                route=a.route,
                route_label=AppealRoute.label_of(a.route),
                filed=a.filed,
                result=a.result,
                result_label=AppealResult.label_of(a.result),
                decided=a.decided,
                note=a.note,
            )
            for a in sorted(c.appeals, key=lambda a: a.id)
        ],
    )
