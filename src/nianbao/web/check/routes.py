"""Pages of the check area (报告核查): the list of checked reports with the upload form, a report's page
(official tables with the faulty cells, findings, reviews, comments, return for correction) and the
downloads. The JSON API is in `nianbao.web.check.api`.

Every route takes the report through `get_report`, so another agency's report answers 404 whatever
the route; role-forbidden actions answer 403.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from nianbao.audit import Audit
from nianbao.render import audit_html
from nianbao.render.scan_crop import scan_sources
from nianbao.store.models import StoredReport
from nianbao.web.check import correction_routes, exports, filing, views, year_diff
from nianbao.web.check.api import api
from nianbao.web.check.by_url import MAX_URL, UrlInvalid, check_url, start_url_job
from nianbao.web.check.correction_views import mark_corrected
from nianbao.web.check.corrections import apply, corrected_report, entries_of, in_effect
from nianbao.web.check.jobs import JobView, job_view
from nianbao.web.check.listing import count_visible, listed_reports, scope_agencies, visible_years
from nianbao.web.check.parsing import ACCEPT, UploadRefused, megabytes, parsed_of
from nianbao.web.check.returns import ReturnRefused, default_resubmit_by, parse_resubmit_by, return_reports
from nianbao.web.check.returns_pages import pages as returns_pages
from nianbao.web.check.service import (
    CheckError,
    SubmitRefused,
    add_comment,
    audit_of,
    get_report,
    review_finding,
    submit_stored,
)
from nianbao.web.check.starting import limits_of, start_upload
from nianbao.web.check.upload import FileResult, Incoming, refusal_status
from nianbao.web.core import csrf
from nianbao.web.core.database import DB, RowId
from nianbao.web.core.downloads import attachment
from nianbao.web.core.people import CurrentViewer, Viewer
from nianbao.web.core.templating import page

__all__ = ["api", "pages"]

pages = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
ReportId = RowId
Fingerprint = Annotated[str, Path(min_length=1, max_length=64)]


def _int(value: str | None) -> int | None:
    """A form or query number, leniently: anything else counts as not given."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _list_context(
    request: Request,
    session: DB,
    viewer: Viewer,
    *,
    year: int | None = None,
    agency: int | None = None,
    q: str = "",
    page_no: int = 1,
) -> dict[str, object]:
    q = q.strip()[:100]
    total = count_visible(session, viewer, year=year, agency_id=agency, q=q or None)
    pages_count = max(1, -(-total // PAGE_SIZE))
    page_no = min(max(1, page_no), pages_count)
    items = listed_reports(
        session, viewer, year=year, agency_id=agency, q=q or None, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE
    )
    base = {k: v for k, v in (("year", year), ("agency", agency), ("q", q)) if v}

    def url(n: int) -> str:
        return "/check?" + urlencode({**base, "page": n})

    settings = request.app.state.settings
    return {
        "items": items,
        "total": total,
        "years": visible_years(session, viewer),
        "agencies": scope_agencies(session, viewer),
        "year": year,
        "agency": agency,
        "q": q,
        "filtered": bool(base),
        "export_query": urlencode(base),
        "page": page_no,
        "pages": pages_count,
        "prev_url": url(page_no - 1) if page_no > 1 else None,
        "next_url": url(page_no + 1) if page_no < pages_count else None,
        "max_mb": megabytes(settings.max_upload_bytes),
        "accept": ACCEPT,
        "results": None,
        "upload_error": None,
        "url_error": None,
        "url_value": "",
        "resubmit_default": default_resubmit_by(session, settings.today()) if viewer.returns else None,
    }


@pages.get("/check")
def list_page(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    year: Annotated[str, Query(max_length=20)] = "",
    agency: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page_no: Annotated[str, Query(alias="page", max_length=20)] = "",
) -> Response:
    """The checked reports in scope, newest first, with filters and the upload form."""
    return page(
        request,
        "check/list.html",
        _list_context(request, session, viewer, year=_int(year), agency=_int(agency), q=q, page_no=_int(page_no) or 1),
    )


@pages.post("/check")
def upload(
    request: Request,
    viewer: CurrentViewer,
    files: Annotated[list[UploadFile | str] | None, File()] = None,
    agency_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Takes the files and starts their job (each file read in a worker process, checked and stored; one bad
    file does not stop the others). A small upload done within a moment shows its result at once; else the
    job's page follows its progress."""
    incoming = [
        Incoming(f.filename or "", f.file) for f in files or [] if not isinstance(f, str) and (f.filename or f.size)
    ]
    if not incoming:
        with request.app.state.sessions() as session:
            ctx = _list_context(request, session, viewer)
        ctx["upload_error"] = "请选择要上传的报告文件"
        return page(request, "check/list.html", ctx, status_code=400)
    job_id = start_upload(request, viewer, incoming, _int(agency_id), request.app.state.settings.upload_wait_seconds)
    with request.app.state.sessions() as session:
        job = job_view(session, viewer, job_id, limits_of(request))
        if not job.done:
            return RedirectResponse(f"/check/jobs/{job.id}", status_code=303)
        return _job_result(request, session, viewer, job)


@pages.post("/check/by-url")
def check_by_url(
    request: Request,
    viewer: CurrentViewer,
    url: Annotated[str, Form(max_length=4000)] = "",
    agency_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """按网址核查: starts a job that fetches the URL in a worker (the upload's size and time limits, robots.txt)
    and checks the report the page is or links to; its result shows as an upload's does."""
    try:
        checked = check_url(url)
    except UrlInvalid as exc:
        with request.app.state.sessions() as session:
            ctx = _list_context(request, session, viewer)
        ctx.update(url_error=str(exc), url_value=url[:MAX_URL])
        return page(request, "check/list.html", ctx, status_code=400)
    wait = request.app.state.settings.upload_wait_seconds
    job_id = start_url_job(request, viewer, checked, _int(agency_id), wait)
    with request.app.state.sessions() as session:
        job = job_view(session, viewer, job_id, limits_of(request))
        if not job.done:
            return RedirectResponse(f"/check/jobs/{job.id}", status_code=303)
        return _job_result(request, session, viewer, job)


def _job_result(request: Request, session: DB, viewer: Viewer, job: JobView) -> Response:
    accepted = [r for r in job.results if r.ok]
    if len(job.results) == 1 and accepted:
        return RedirectResponse(f"/check/{_id(accepted[0])}", status_code=303)
    ctx = _list_context(request, session, viewer)
    ctx.update(results=job.results, accepted=len(accepted), refused=len(job.results) - len(accepted))
    return page(request, "check/list.html", ctx, status_code=200 if accepted else refusal_status(job.results))


#: Most rows of a list export (a province's years of reports fit many times over).
EXPORT_MAX = 100_000


def _sheet_kind(kind: str) -> Literal["csv", "xlsx"]:
    if kind == "csv":
        return "csv"
    if kind == "xlsx":
        return "xlsx"
    raise HTTPException(404, f"不支持的导出格式：{kind}（可选 csv、xlsx）")


@pages.get("/check/export.{sheet}")
def list_export(
    session: DB,
    viewer: CurrentViewer,
    sheet: Annotated[str, Path(max_length=10)],
    year: Annotated[str, Query(max_length=20)] = "",
    agency: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The check list with the page's filters, every page of it, as CSV or XLSX."""
    sheet_kind = _sheet_kind(sheet)
    items = listed_reports(
        session, viewer, year=_int(year), agency_id=_int(agency), q=q.strip()[:100] or None, limit=EXPORT_MAX
    )
    return exports.sheet_response(exports.list_sheet([(i.report, i.uploader) for i in items]), sheet_kind, "核查列表")


@pages.get("/check/jobs/{job_id}")
def job_page(request: Request, session: DB, viewer: CurrentViewer, job_id: ReportId) -> Response:
    """An upload's progress while its files are read (polled by htmx), then its results."""
    job = job_view(session, viewer, job_id, limits_of(request))
    if request.headers.get("HX-Request"):
        if job.done:
            return Response(status_code=204, headers={"HX-Redirect": f"/check/jobs/{job.id}"})
        return page(request, "check/_job_progress.html", {"job": job})
    if job.done:
        return _job_result(request, session, viewer, job)
    return page(request, "check/job.html", {"job": job, "title": "正在读取上传的报告"})


def _id(result: FileResult) -> int:
    assert result.report is not None
    return result.report.id


@pages.get("/check/{report_id}")
def report_page(request: Request, session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The report's tables with the faulty cells, its findings, reviews, comments."""
    stored = get_report(session, viewer, report_id)
    ctx = views.report_context(session, viewer, stored, csrf.token(request))
    ctx["flash"] = filing.flash(stored, request.query_params.get("filed", ""))  # 已新建机关… after `filing`
    return page(request, "check/report.html", ctx)


def _checked(session: DB, viewer: Viewer, report_id: int) -> tuple[StoredReport, Audit]:
    stored = get_report(session, viewer, report_id)
    try:
        return stored, audit_of(session, stored)
    except UploadRefused as exc:
        raise HTTPException(409, f"报告文件已无法重新读取：{exc}") from None


@pages.get("/check/{report_id}/audit.html")
def audit_html_download(session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The check report as one self-contained HTML page (no script), to send to the agency."""
    stored, audit = _checked(session, viewer, report_id)
    parsed = parsed_of(stored)
    entries = entries_of(session, stored.id)  # the officers' corrections: applied, and marked in the tables
    with scan_sources({parsed.report.file: (stored.filename, stored.content)}):  # crops of a scan (C209)
        body = audit_html(apply(parsed.report, entries), audit, lines=parsed.lines)
    body = mark_corrected(body, parsed.report, in_effect(parsed.report, entries), "r1")
    return HTMLResponse(body, headers={"Content-Disposition": attachment(views.download_name(stored, ".html"))})


@pages.get("/check/{report_id}/findings.{sheet}")
def findings_export(
    session: DB, viewer: CurrentViewer, report_id: ReportId, sheet: Annotated[str, Path(max_length=10)]
) -> Response:
    """The report's findings as CSV or XLSX, a row per finding."""
    stored, audit = _checked(session, viewer, report_id)  # another agency's report: 404 whatever the kind
    sheet_kind = _sheet_kind(sheet)
    table = exports.findings_sheet(corrected_report(session, stored), audit)
    stem = stored.filename.rsplit(".", 1)[0] if "." in stored.filename else stored.filename
    return exports.sheet_response(table, sheet_kind, f"{stem}.核查发现")


@pages.get("/check/{report_id}/diff")
def year_diff_page(session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The report beside the same agency's report of the year before (the newest the viewer may see): the
    changed cells marked, the cross-year findings, the narrative's changes. 409 when there is none."""
    stored = get_report(session, viewer, report_id)  # another agency's report: 404
    previous = year_diff.previous_visible(session, viewer, stored)
    if previous is None:
        raise HTTPException(409, "没有同一机关上一年度的报告可供对比")
    try:
        return HTMLResponse(year_diff.diff_page(session, previous, stored))
    except UploadRefused as exc:
        raise HTTPException(409, f"报告文件已无法重新读取：{exc}") from None


@pages.get("/check/{report_id}/audit.json")
def audit_json_download(session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The findings as JSON (the shape of `nianbao check --output json`)."""
    stored, audit = _checked(session, viewer, report_id)
    return Response(
        views.audit_json(stored, audit),
        media_type="application/json",
        headers={"Content-Disposition": attachment(views.download_name(stored, ".json"))},
    )


@pages.get("/check/{report_id}/file")
def original_file(session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The file as uploaded (always a download: an html file is never rendered here)."""
    stored = get_report(session, viewer, report_id)
    media = views.MEDIA_TYPES.get(stored.kind, "application/octet-stream")
    return Response(stored.content, media_type=media, headers={"Content-Disposition": attachment(stored.filename)})


@pages.post("/check/{report_id}/findings/{fingerprint}")
def review(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    report_id: ReportId,
    fingerprint: Fingerprint,
    decision: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Confirms or dismisses a finding (reviewers); htmx gets the finding's block back, a form a redirect."""
    stored = get_report(session, viewer, report_id)
    try:
        review_finding(session, viewer, stored, fingerprint, decision, note)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    except UploadRefused as exc:
        raise HTTPException(409, f"报告文件已无法重新读取：{exc}") from None
    if request.headers.get("HX-Request"):
        return HTMLResponse(views.finding_fragment(session, viewer, stored, fingerprint, csrf.token(request)))
    return RedirectResponse(f"/check/{stored.id}#fp-{fingerprint}", status_code=303)


@pages.post("/check/{report_id}/comments")
def comment(
    session: DB, viewer: CurrentViewer, report_id: ReportId, text: Annotated[str, Form(max_length=20000)] = ""
) -> Response:
    """Adds a comment (anyone who may see the report)."""
    stored = get_report(session, viewer, report_id)
    try:
        add_comment(session, viewer, stored, text)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/check/{stored.id}#comments", status_code=303)


@pages.post("/check/{report_id}/submit")
def submit(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    report_id: ReportId,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Submits the checked upload as the agency's report; a refusal is shown on the report's page."""
    stored = get_report(session, viewer, report_id)
    try:
        submit_stored(session, viewer, stored, reason)
    except (SubmitRefused, CheckError) as exc:
        ctx = views.report_context(session, viewer, stored, csrf.token(request))
        ctx["submit_error"] = str(exc)
        ctx["submit_needs_reason"] = isinstance(exc, SubmitRefused) and exc.needs_reason
        return page(
            request, "check/report.html", ctx, status_code=exc.status if isinstance(exc, SubmitRefused) else 422
        )
    return RedirectResponse(f"/check/{stored.id}", status_code=303)


@pages.post("/check/{report_id}/return")
def give_back(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    report_id: ReportId,
    note: Annotated[str, Form(max_length=4000)] = "",
    resubmit_by: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Returns the report for correction with a resubmission date (blank: 10 working days), as the check list
    returns several (`return_reports`); 409 with the reason when it cannot be returned."""
    stored = get_report(session, viewer, report_id)
    today = request.app.state.settings.today()
    try:
        return_reports(session, viewer, [stored.id], note, parse_resubmit_by(resubmit_by, today), today)
    except ReturnRefused as exc:
        raise HTTPException(409, "；".join(p.reason for p in exc.problems)) from None
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/check/{stored.id}", status_code=303)


pages.include_router(returns_pages)  # 退回修改 (the inbox) and returning several reports at once
pages.include_router(correction_routes.pages)  # 更正读取的数值 and the publication date (issue #18)
api.include_router(correction_routes.api)  # GET/POST /api/v1/reports/{id}/corrections
pages.include_router(filing.pages)  # 新建机关 for a report of an agency outside the jurisdiction (issue #18)
