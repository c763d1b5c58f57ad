"""The JSON shapes of the check area's API (documented for /docs)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from nianbao.audit import Finding
from nianbao.store.models import Comment, FindingReview, StoredReport, User
from nianbao.web.check.correction_schemas import ProvenanceOut, PublicationOut


class ReportOut(BaseModel):
    id: int
    agency_id: int | None = Field(description="报告所属机关编号；报告所印机关未能匹配时为 null")
    agency_name: str | None = Field(description="所属机关名称")
    printed_agency: str = Field(description="报告所印机关名称")
    owner_id: int = Field(description="归属机关编号：其人员可以查看此报告")
    year: int | None = Field(description="报告年度")
    format: str | None = Field(description="表格格式：2019 或 2021 年版")
    filename: str
    kind: str = Field(description="文件类型：txt、md、html、docx、pdf、doc")
    source: str = Field(description="upload（上传）、ledger（由台账生成）或 url（按网址获取）")
    source_url: str | None = Field(
        None, description="按网址获取的报告读取自的网址（重定向之后；网页链接的附件为附件的网址）；其他来源为 null"
    )
    errors: int = Field(description="错误数（不含已复核排除的）")
    warnings: int = Field(description="警告数（不含已复核排除的）")
    infos: int = Field(description="提示数（不含已复核排除的）")
    status: str = Field(description="checked（仅核查，未提交）、submitted（已提交）或 returned（已退回修改）")
    status_note: str = Field(description="退回意见")
    resubmit_by: dt.date | None = Field(None, description="退回后的重新报送期限")
    published: dt.date | None = Field(description="报告所印落款或发布日期（人工录入的日期见详情的 publication）")
    uploaded_by: int | None
    uploaded_at: dt.datetime
    submitted_by: int | None = Field(None, description="提交人（未提交时为 null）")
    submitted_at: dt.datetime | None = Field(None, description="提交时间（未提交时为 null）")
    url: str = Field(description="报告核查页面")


class ReportList(BaseModel):
    total: int = Field(description="符合条件的报告总数")
    items: list[ReportOut]


class FileResultOut(BaseModel):
    filename: str
    ok: bool = Field(description="是否已保存并核查")
    message: str = Field(description="未接收的原因（中文）")
    reason: str = Field(
        description="未接收的类别：empty、too_large、type、unreadable、agency、too_many、"
        "timeout（读取超时）、memory（内存超限）、crashed、busy、interrupted、error"
    )
    report: ReportOut | None


class UploadOut(BaseModel):
    stored: int = Field(description="已保存的文件数")
    refused: int = Field(description="未接收的文件数")
    results: list[FileResultOut]


class JobOut(UploadOut):
    id: int = Field(description="上传任务编号")
    state: str = Field(description="queued（排队）、running（读取中）或 done（完成）")
    done: bool = Field(description="是否已全部处理（含中断）")
    total: int = Field(description="文件总数")
    finished: int = Field(description="已处理的文件数")
    status_url: str = Field(description="查询任务进度的地址")


class ReviewOut(BaseModel):
    decision: str = Field(description="confirmed（确认）或 dismissed（排除）")
    note: str
    user_id: int | None
    at: dt.datetime


class CellOut(BaseModel):
    key: str
    printed: str | None = Field(description="报告所印内容；null 为未读到")
    expected: str | None = Field(default=None, description="规则认为应为的值")
    location: dict[str, Any] | None = None


class FindingOut(BaseModel):
    fingerprint: str = Field(description="指纹：重新核查、重新上传后不变，复核结论据此保留")
    rule: str
    name: str
    family: str
    severity: Literal["error", "warning", "info"]
    status: str = Field(description="failed（不符合）、uncertain（存疑）、not_assessable（无法核查）")
    message: str
    keys: list[str]
    cells: list[CellOut]
    location: dict[str, Any] | None
    review: ReviewOut | None


class AuditOut(BaseModel):
    report_id: int
    file: str
    agency: str | None
    year: int | None
    format: str | None
    counts: dict[str, int] = Field(description="各严重程度的问题数（含已排除的）")
    findings: list[FindingOut]


class CommentOut(BaseModel):
    id: int
    user_id: int | None
    user_name: str
    text: str
    at: dt.datetime


class ReportDetail(ReportOut):
    title: str | None = Field(description="报告原标题")
    cells: dict[str, int | float | None] = Field(description="统计表各单元格的数值（交换格式；已按人工更正）")
    findings: list[FindingOut]
    comments: list[CommentOut]
    provenance: dict[str, ProvenanceOut] = Field(
        default_factory=dict, description="人工更正过的单元格的来源（原印值、更正人、时间、原因）；未列出的均为报告所印"
    )
    publication: PublicationOut | None = Field(None, description="发布日期及其来源（报告所印、人工录入或日期未识别）")


class ReviewIn(BaseModel):
    decision: Literal["confirmed", "dismissed", "clear"] = Field(description="确认、排除，或撤销复核")
    note: str = Field(default="", max_length=2000)


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class SubmitIn(BaseModel):
    reason: str = Field("", max_length=2000, description="文件所印机关与归属机关不一致时，仍提交的理由（记入评论）")


class ReturnIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000, description="退回意见：请经办人员更正什么")
    resubmit_by: dt.date | None = Field(None, description="重新报送期限；不填为今天起 10 个工作日（按工作日历）")


class ReturnManyIn(ReturnIn):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=1, max_length=500, description="要退回的报告编号：全部可以退回时才退回"
    )


def report_out(stored: StoredReport) -> ReportOut:
    return ReportOut(
        id=stored.id,
        agency_id=stored.agency_id,
        agency_name=stored.agency.name if stored.agency else None,
        printed_agency=stored.printed_agency,
        owner_id=stored.owner_id,
        year=stored.year,
        format=stored.format,
        filename=stored.filename,
        kind=stored.kind,
        source=stored.source,
        source_url=stored.source_url,
        errors=stored.errors,
        warnings=stored.warnings,
        infos=stored.infos,
        status=stored.status,
        status_note=stored.status_note,
        resubmit_by=stored.resubmit_by,
        published=stored.published,
        uploaded_by=stored.uploaded_by,
        uploaded_at=stored.uploaded_at,
        submitted_by=stored.submitted_by,
        submitted_at=stored.submitted_at,
        url=f"/check/{stored.id}",
    )


def finding_out(f: Finding, review: FindingReview | None) -> FindingOut:
    d = f.to_dict()
    return FindingOut(
        fingerprint=f.fingerprint,
        rule=f.rule,
        name=f.name,
        family=f.family,
        severity=d["severity"],
        status=f.status.value,
        message=f.message,
        keys=list(f.keys),
        cells=[CellOut(**c.to_dict()) for c in f.cells],
        location=d["location"],
        review=ReviewOut(decision=review.decision, note=review.note, user_id=review.user_id, at=review.at)
        if review is not None
        else None,
    )


def comment_out(c: Comment) -> CommentOut:
    user: User | None = c.user
    return CommentOut(
        id=c.id, user_id=c.user_id, user_name=(user.display_name or user.username) if user else "", text=c.text, at=c.at
    )
