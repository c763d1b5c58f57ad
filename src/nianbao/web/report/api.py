"""The report area's JSON API (tag 年度报告): read, change, download and submit an agency's year report.

Everyone reads the reports of the agencies in their scope; only the agency's clerk and administrators
change or submit one (others in scope: 403; out of scope: 404, as if it did not exist).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from nianbao.authoring.from_ledger import (
    MIN_YEAR,
    Built,
    DraftError,
    build,
    filename,
    printable,
    read_draft,
    table_two_keys,
)
from nianbao.formats import sections
from nianbao.render.content import default_title
from nianbao.report import Number
from nianbao.store.models import Agency
from nianbao.web.core.database import DB
from nianbao.web.core.downloads import attachment
from nianbao.web.core.people import CurrentViewer, agency_in_scope
from nianbao.web.report.build import MEDIA_TYPES, render
from nianbao.web.report.pages import MAX_ID, check_writable, checked_year, is_draft
from nianbao.web.report.service import Changes, StaleDraft, save
from nianbao.web.report.submit import SubmitError, submit_report

api = APIRouter(prefix="/api/v1", tags=["年度报告"])

AgencyId = Annotated[int, Path(ge=1, le=MAX_ID, description="机关编号")]
Year = Annotated[int, Path(ge=MIN_YEAR, le=2100, description="报告年度（2019 至今年）")]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "未登录"},
    404: {"description": "机关不存在或不在职责范围内"},
    422: {"description": "年度或内容无效"},
}


class FindingOut(BaseModel):
    rule: str = Field(description="规则编号，如 S406")
    name: str
    family: str
    severity: str = Field(description="error（错误）、warning（警告）或 info（提示）")
    status: str = Field(description="failed、uncertain 或 not_assessable（无法核查）")
    message: str = Field(description="核查意见（中文）")
    keys: list[str] = Field(description="涉及的单元格")
    subject: str = Field(description="所涉部分，如 section-1")


class AuditOut(BaseModel):
    errors: int
    warnings: int
    infos: int
    findings: list[FindingOut]


class ReportOut(BaseModel):
    agency_id: int
    agency: str
    year: int
    format: str = Field(description="表格格式：2019 或 2021")
    title: str = Field(description="草稿中的标题；空则用标准标题")
    default_title: str
    preamble: str
    date: dt.date | None = Field(description="落款日期")
    sections: dict[str, str] = Field(description="各部分正文，键为 1 至 6")
    headings: dict[str, str] = Field(description="各部分的官方标题")
    cells: dict[str, int | float | None] = Field(description="表二（草稿）、表三和表四（台账计算）的全部单元格")
    editable_cells: list[str] = Field(description="可填写的单元格：表二（主动公开）")
    version: int = Field(description="草稿版本号；0 表示尚未保存。修改时原样带回")
    updated_at: dt.datetime | None
    ledger_applications: int = Field(description="表三由台账中的多少件申请计算（本年新收 + 上年结转）")
    ledger_appeals: int = Field(description="表四由台账中的多少件复议、诉讼计算")
    editable: bool = Field(description="当前用户能否修改、提交")
    audit: AuditOut


class ReportIn(BaseModel):
    """Only the fields given change; `sections` and `cells` change only the entries given (null clears a cell)."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=0, le=MAX_ID, description="读取时的草稿版本号（尚未保存为 0）")
    title: str | None = Field(None, max_length=200)
    preamble: str | None = Field(None, max_length=20_000)
    date: dt.date | None = Field(None, description="落款日期；给出 null 清除")
    sections: dict[str, str] | None = Field(None, description="键为 1 至 6")
    cells: dict[str, int | float | None] | None = Field(None, description="表二单元格：数值或 null")


class SubmittedOut(BaseModel):
    report_id: int = Field(description="提交后的报告编号（报告核查）")
    filename: str
    warnings: int


def _number(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _out(built: Built, agency: Agency, editable: bool) -> ReportOut:
    data = built.data
    counts = {"error": 0, "warning": 0, "info": 0}
    findings = []
    for f in built.audit.findings:
        counts[f.severity.label] += 1
        findings.append(
            FindingOut(
                rule=f.rule,
                name=f.name,
                family=f.family,
                severity=f.severity.label,
                status=f.status.value,
                message=f.message,
                keys=list(f.keys),
                subject=f.subject,
            )
        )
    texts = {str(s.number): data.sections.get(s.number, "") for s in sections()}
    return ReportOut(
        agency_id=agency.id,
        agency=agency.name,
        year=built.report.year or 0,
        format=built.fmt.name,
        title=data.title,
        default_title=default_title(agency.name, built.report.year or 0),
        preamble=data.preamble,
        date=data.date,
        sections=texts,
        headings={str(s.number): s.heading for s in sections()},
        cells={k: _number(c.value) for k, c in built.report.cells.items()},
        editable_cells=list(table_two_keys(built.fmt)),
        version=data.version,
        updated_at=data.updated_at,
        ledger_applications=built.applications,
        ledger_appeals=built.appeals,
        editable=editable,
        audit=AuditOut(errors=counts["error"], warnings=counts["warning"], infos=counts["info"], findings=findings),
    )


def _agency(session: Session, request: Request, viewer: CurrentViewer, agency_id: int, year: int) -> Agency:
    agency = agency_in_scope(session, viewer, agency_id)
    checked_year(request, year)
    return agency


@api.get("/agencies/{agency_id}/reports/{year}", response_model=ReportOut, responses=ERRORS)
def get_report(request: Request, session: DB, viewer: CurrentViewer, agency_id: AgencyId, year: Year) -> ReportOut:
    """The year's report: table 二 and the text from the draft, tables 三 and 四 from the ledger, the audit."""
    agency = _agency(session, request, viewer, agency_id, year)
    built = build(session, agency, year, read_draft(session, agency.id, year))
    return _out(built, agency, viewer.keeps_ledger_of(agency.id))


def _changes(body: ReportIn) -> Changes:
    given = body.model_fields_set
    numbers: dict[int, str] = {}
    for key, text in (body.sections or {}).items():
        if not (key.strip().isdigit() and len(key.strip()) <= 2):
            raise HTTPException(422, f"sections 中的“{printable(key[:20])}”不是报告的部分（应为 1 至 6）")
        numbers[int(key)] = text
    return Changes(
        title=body.title,
        preamble=body.preamble,
        sections=numbers or None,
        cells=dict(body.cells) if body.cells else None,
        date=body.date,
        set_date="date" in given,
    )


@api.put(
    "/agencies/{agency_id}/reports/{year}",
    response_model=ReportOut,
    responses={**ERRORS, 403: {"description": "无权修改"}, 409: {"description": "草稿已被他人修改"}},
)
def put_report(
    request: Request, session: DB, viewer: CurrentViewer, agency_id: AgencyId, year: Year, body: ReportIn
) -> ReportOut:
    """Change the draft (title, preamble, date, sections, table-二 cells), if it is still at `version`."""
    agency = _agency(session, request, viewer, agency_id, year)
    check_writable(viewer, agency)
    try:
        data = save(session, agency, year, _changes(body), body.version)
    except StaleDraft as exc:
        raise HTTPException(409, str(exc)) from None
    except DraftError as exc:
        raise HTTPException(422, str(exc)) from None
    return _out(build(session, agency, year, data), agency, True)


def download_response(session: Session, agency: Agency, year: int, kind: str) -> Response:
    """The saved report rendered as `kind`, as an attachment; the audit's error count in a header. A draft
    (`is_draft`: not submitted as saved) comes with a "草稿" watermark in its docx and pdf."""
    built = build(session, agency, year, read_draft(session, agency.id, year))
    draft = is_draft(session, agency.id, year)
    return Response(
        render(built, kind, draft=draft),
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": attachment(filename(agency.name, year, kind), fallback=f"report.{kind}"),
            "X-Audit-Errors": str(len(built.errors)),
            "X-Audit-Warnings": str(len(built.warnings)),
            "X-Report-Draft": "1" if draft else "0",
        },
    )


@api.get(
    "/agencies/{agency_id}/reports/{year}/download",
    responses={
        **ERRORS,
        200: {
            "description": "报告文件（核查有错误时仍可下载，错误数见 X-Audit-Errors 头）",
            "content": {t: {} for t in MEDIA_TYPES.values()},
        },
    },
)
def download_report(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: AgencyId,
    year: Year,
    kind: Annotated[Literal["docx", "pdf", "html", "md"], Query(description="文件格式")] = "docx",
) -> Response:
    """The saved report as a file (docx, pdf, html or md); a draft with errors downloads too."""
    agency = _agency(session, request, viewer, agency_id, year)
    return download_response(session, agency, year, kind)


@api.post(
    "/agencies/{agency_id}/reports/{year}/submit",
    status_code=201,
    response_model=SubmittedOut,
    responses={
        **ERRORS,
        403: {"description": "无权提交"},
        409: {"description": "暂不能提交"},
        422: {"description": "核查发现错误，未提交"},
    },
)
def submit(request: Request, session: DB, viewer: CurrentViewer, agency_id: AgencyId, year: Year) -> SubmittedOut:
    """Submit the saved report (rendered as .docx) for review; refused while the audit finds errors."""
    agency = _agency(session, request, viewer, agency_id, year)
    check_writable(viewer, agency)
    data = read_draft(session, agency.id, year)
    try:
        stored = submit_report(session, viewer, agency, year, data)
    except SubmitError as exc:
        detail = str(exc) + ("：" + "；".join(exc.details) if exc.details else "")
        raise HTTPException(exc.status, detail) from None
    return SubmittedOut(report_id=stored.id, filename=stored.filename, warnings=stored.warnings)
