"""The JSON API of the check area (tag 核查): stored reports, their audits, reviews, comments, returns.

Uploads (`POST /api/v1/reports`, multipart ``files`` and optional ``agency_id``) answer per file:
201 when at least one file was stored (the refused ones listed with their reason in the same body);
when none was: 413 if every file was over the size limit, 415 if every file was of an unknown type,
else 422 — with ``detail`` (the reasons, joined) and the same ``results`` list.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from starlette.responses import JSONResponse, Response

from nianbao.audit import Audit
from nianbao.store.models import Comment, StoredReport
from nianbao.web.check.correction_schemas import provenance_out, publication_out
from nianbao.web.check.corrections import PUBLISHED, apply, entries_of, newest, publication
from nianbao.web.check.jobs import JobView, job_view
from nianbao.web.check.listing import count_visible, visible_reports
from nianbao.web.check.parsing import UploadRefused
from nianbao.web.check.returns import ReturnRefused, return_reports
from nianbao.web.check.schemas import (
    AuditOut,
    CommentIn,
    CommentOut,
    FileResultOut,
    FindingOut,
    JobOut,
    ReportDetail,
    ReportList,
    ReportOut,
    ReturnIn,
    ReturnManyIn,
    ReviewIn,
    SubmitIn,
    comment_out,
    finding_out,
    report_out,
)
from nianbao.web.check.service import (
    CheckError,
    SubmitRefused,
    add_comment,
    audit_with,
    get_report,
    report_of,
    review_finding,
    reviews_of,
    submit_stored,
)
from nianbao.web.check.starting import limits_of, start_upload
from nianbao.web.check.upload import FileResult, Incoming, refusal_status
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer

api = APIRouter(prefix="/api/v1", tags=["核查"])

ReportId = Annotated[int, Path(ge=1, le=2**31 - 1, description="报告编号")]
Fingerprint = Annotated[str, Path(min_length=1, max_length=64, description="核查意见的指纹（16 位十六进制）")]
ERRORS: dict[int | str, dict[str, Any]] = {404: {"description": "报告不存在或不在您的职责范围内"}}


def _audit(session: Session, stored: StoredReport) -> tuple[Audit, list[FindingOut]]:
    reviews = reviews_of(session, stored)
    try:
        audit = audit_with(session, stored, reviews)
    except UploadRefused as exc:
        raise HTTPException(409, f"报告文件已无法重新读取：{exc}") from None
    return audit, [finding_out(f, reviews.get(f.fingerprint)) for f in audit.findings]


def _clean(text: str | None) -> str | None:
    return text.replace("\x00", "").strip() or None if text is not None else None


@api.get("/reports", response_model=ReportList)
def list_reports(
    session: DB,
    viewer: CurrentViewer,
    year: Annotated[int | None, Query(ge=2008, le=2100, description="报告年度")] = None,
    agency_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="机关编号")] = None,
    q: Annotated[str | None, Query(max_length=100, description="机关名称或文件名的一部分")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ReportList:
    """The checked reports in your scope, newest first (only the metadata and counts; no file is read)."""
    text = _clean(q)
    rows = visible_reports(session, viewer, year=year, agency_id=agency_id, q=text, limit=limit, offset=offset)
    total = count_visible(session, viewer, year=year, agency_id=agency_id, q=text)
    return ReportList(total=total, items=[report_out(r) for r in rows])


def _job_out(job: JobView) -> JobOut:
    return JobOut(
        id=job.id,
        state="done" if job.done else job.state,
        done=job.done,
        total=job.total,
        finished=job.finished,
        stored=job.stored,
        refused=job.refused,
        results=[_result_out(r) for r in job.results],
        status_url=f"/api/v1/upload-jobs/{job.id}",
    )


def _answer(job: JobView) -> Response | JobOut:
    """202 while the job runs; once done, 201 when a file was stored, else the refusal's status with detail."""
    out = _job_out(job)
    if not job.done:
        return JSONResponse(jsonable_encoder(out), status_code=202, headers={"Location": out.status_url})
    if job.stored:
        return JSONResponse(jsonable_encoder(out), status_code=201)
    body = {"detail": "；".join(r.message for r in job.results) or "没有收到文件", **jsonable_encoder(out)}
    return JSONResponse(body, status_code=refusal_status(job.results))


@api.post(
    "/reports",
    status_code=202,
    response_model=JobOut,
    responses={
        201: {"description": "已处理完（在 wait 秒内）：至少一份已保存；未接收的文件及原因一并列出"},
        202: {"description": "已接收，正在后台读取：按 status_url（Location）查询进度和结果"},
        404: {"description": "归属机关不存在或不在您的职责范围内"},
        413: {"description": "所有文件都超过大小上限"},
        415: {"description": "所有文件类型都不受支持"},
        422: {"description": "没有一份文件被接收（原因见 detail 和 results）"},
    },
)
def upload_reports(
    request: Request,
    viewer: CurrentViewer,
    files: Annotated[list[UploadFile], File(description="一份或多份报告文件")],
    agency_id: Annotated[int | None, Form(ge=1, le=2**31 - 1, description="归属机关编号")] = None,
    wait: Annotated[float, Query(ge=0, le=60, description="最多等待处理完成的秒数（默认不等待）")] = 0,
) -> Response | JobOut:
    """Uploads one or more report files for checking. Each is read in a worker process (with a time and a
    memory limit), matched to an agency, checked and stored as checked (submitting is a separate act). The
    answer is 202 with the job's URL at once, or the results when the job ends within `wait` seconds."""
    incoming = [Incoming(f.filename or "", f.file) for f in files]
    job_id = start_upload(request, viewer, incoming, agency_id, wait)
    with request.app.state.sessions() as session:
        return _answer(job_view(session, viewer, job_id, limits_of(request)))


@api.get("/upload-jobs/{job_id}", response_model=JobOut, responses={404: {"description": "任务不存在"}})
def upload_job(request: Request, session: DB, viewer: CurrentViewer, job_id: ReportId) -> JobOut:
    """An upload job's progress and, file by file, its results (the uploader's own jobs only)."""
    return _job_out(job_view(session, viewer, job_id, limits_of(request)))


def _result_out(r: FileResult) -> FileResultOut:
    return FileResultOut(
        filename=r.filename,
        ok=r.ok,
        message=r.message,
        reason=r.reason,
        report=report_out(r.report) if r.report is not None else None,
    )


@api.get("/reports/{report_id}", response_model=ReportDetail, responses=ERRORS)
def get_one(session: DB, viewer: CurrentViewer, report_id: ReportId) -> ReportDetail:
    """A report: its metadata, the cells of its tables, the findings with their reviews, the comments."""
    stored = get_report(session, viewer, report_id)
    _, findings = _audit(session, stored)
    raw = report_of(stored)
    entries = entries_of(session, stored.id)
    report = apply(raw, entries)  # the values with their officers' corrections (their provenance below)
    comments = session.scalars(
        select(Comment).where(Comment.report_id == stored.id).options(joinedload(Comment.user)).order_by(Comment.id)
    )
    return ReportDetail(
        **report_out(stored).model_dump(),
        title=report.title,
        cells=report.to_exchange()["cells"],
        findings=findings,
        comments=[comment_out(c) for c in comments],
        provenance=provenance_out(raw, entries),
        publication=publication_out(publication(stored.published, newest(entries).get(PUBLISHED)), stored.published),
    )


@api.get("/reports/{report_id}/audit", response_model=AuditOut, responses=ERRORS)
def get_audit(session: DB, viewer: CurrentViewer, report_id: ReportId) -> AuditOut:
    """The findings of the report, with the reviews that apply (kept across re-uploads)."""
    stored = get_report(session, viewer, report_id)
    audit, findings = _audit(session, stored)
    return AuditOut(
        report_id=stored.id,
        file=audit.file,
        agency=audit.agency,
        year=audit.year,
        format=audit.format,
        counts=audit.counts(),
        findings=findings,
    )


@api.put(
    "/reports/{report_id}/findings/{fingerprint}",
    response_model=FindingOut,
    responses={**ERRORS, 403: {"description": "仅审核人员、监管人员和管理员可以复核"}},
)
def put_review(
    session: DB, viewer: CurrentViewer, report_id: ReportId, fingerprint: Fingerprint, body: ReviewIn
) -> FindingOut:
    """Confirms or dismisses a finding, or clears the verdict (reviewers, supervisors, administrators)."""
    stored = get_report(session, viewer, report_id)
    try:
        audit = review_finding(session, viewer, stored, fingerprint, body.decision, body.note)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    except UploadRefused as exc:
        raise HTTPException(409, f"报告文件已无法重新读取：{exc}") from None
    finding = next(f for f in audit.findings if f.fingerprint == fingerprint)
    return finding_out(finding, reviews_of(session, stored).get(fingerprint))


@api.post("/reports/{report_id}/comments", status_code=201, response_model=CommentOut, responses=ERRORS)
def post_comment(session: DB, viewer: CurrentViewer, report_id: ReportId, body: CommentIn) -> CommentOut:
    """Adds a comment to the report (anyone who may see it)."""
    stored = get_report(session, viewer, report_id)
    try:
        comment = add_comment(session, viewer, stored, body.text)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    session.refresh(comment, ["user"])
    return comment_out(comment)


@api.post(
    "/reports/{report_id}/submit",
    response_model=ReportOut,
    responses={
        **ERRORS,
        403: {"description": "无权提交该机关的报告"},
        409: {"description": "已提交，或文件所印机关与归属机关不一致（须填写理由）"},
        422: {"description": "核查发现错误，不能提交"},
    },
)
def post_submit(session: DB, viewer: CurrentViewer, report_id: ReportId, body: SubmitIn) -> ReportOut:
    """Submits a checked upload as the agency's report (an upload is only a check until then): it must have no
    errors, and the agency printed in the file must be the report's agency, or `reason` says why not."""
    stored = get_report(session, viewer, report_id)
    try:
        submit_stored(session, viewer, stored, body.reason)
    except (SubmitRefused, CheckError) as exc:
        raise HTTPException(exc.status if isinstance(exc, SubmitRefused) else 422, str(exc)) from None
    return report_out(stored)


@api.post(
    "/reports/{report_id}/return",
    response_model=ReportOut,
    responses={**ERRORS, 403: {"description": "仅政务公开监管人员和管理员可以退回报告"}},
)
def post_return(request: Request, session: DB, viewer: CurrentViewer, report_id: ReportId, body: ReturnIn) -> ReportOut:
    """Returns the report for correction with a note and a resubmission date (supervisors and administrators);
    409 when it cannot be returned (no agency matched, or a newer report of its agency and year exists)."""
    stored = get_report(session, viewer, report_id)
    today = request.app.state.settings.today()
    try:
        return_reports(session, viewer, [stored.id], body.note, body.resubmit_by, today)
    except ReturnRefused as exc:
        raise HTTPException(409, "；".join(p.reason for p in exc.problems)) from None
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    return report_out(stored)


@api.post(
    "/reports/return",
    response_model=list[ReportOut],
    responses={
        403: {"description": "仅政务公开监管人员和管理员可以退回报告"},
        409: {"description": "有报告不能退回（逐份说明原因），一份也未退回"},
        422: {"description": "退回意见为空或重新报送期限无效"},
    },
)
def post_return_many(
    request: Request, session: DB, viewer: CurrentViewer, body: ReturnManyIn
) -> Response | list[ReportOut]:
    """Returns several reports at once with one note and one resubmission date: all of them, or none when any
    cannot be returned (the 409's ``detail`` names each and why)."""
    today = request.app.state.settings.today()
    try:
        done = return_reports(session, viewer, body.ids, body.note, body.resubmit_by, today)
    except ReturnRefused as exc:
        problems = [{"id": p.report_id, "label": p.label, "reason": p.reason} for p in exc.problems]
        return JSONResponse({"detail": str(exc), "problems": problems}, status_code=409)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    return [report_out(r) for r in done]
