"""Pages of the check area (报告核查): the list of checked reports with the upload form, a report's page
(official tables with the faulty cells, findings, reviews, comments, return for correction) and the
downloads. The JSON API is in `nianbao.web.check.api`.

Every route takes the report through `get_report`, so another agency's report answers 404 whatever
the route; role-forbidden actions answer 403.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from nianbao.audit import Audit
from nianbao.audit.html import audit_html
from nianbao.store.models import StoredReport
from nianbao.web.check import views
from nianbao.web.check.api import api
from nianbao.web.check.listing import count_visible, listed_reports, scope_agencies, visible_years
from nianbao.web.check.parsing import ACCEPT, UploadRefused, megabytes, parsed_of
from nianbao.web.check.service import (
    CheckError,
    add_comment,
    audit_of,
    get_report,
    return_report,
    review_finding,
)
from nianbao.web.check.upload import FileResult, Incoming, check_agency, refusal_status, store_files
from nianbao.web.core import csrf
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, Viewer
from nianbao.web.core.templating import page

__all__ = ["api", "pages"]

pages = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Fingerprint = Annotated[str, Path(min_length=1, max_length=64)]


def _int(value: str | None) -> int | None:
    """A form or query number, leniently: anything else counts as not given."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _list_context(request: Request, session: DB, viewer: Viewer, *, year: int | None = None,
                  agency: int | None = None, q: str = "", page_no: int = 1) -> dict[str, object]:
    q = q.strip()[:100]
    total = count_visible(session, viewer, year=year, agency_id=agency, q=q or None)
    pages_count = max(1, -(-total // PAGE_SIZE))
    page_no = min(max(1, page_no), pages_count)
    items = listed_reports(session, viewer, year=year, agency_id=agency, q=q or None, limit=PAGE_SIZE,
                           offset=(page_no - 1) * PAGE_SIZE)
    base = {k: v for k, v in (("year", year), ("agency", agency), ("q", q)) if v}

    def url(n: int) -> str:
        return "/check?" + urlencode({**base, "page": n})

    settings = request.app.state.settings
    return {"items": items, "total": total, "years": visible_years(session, viewer),
            "agencies": scope_agencies(session, viewer), "year": year, "agency": agency, "q": q,
            "filtered": bool(base), "page": page_no, "pages": pages_count,
            "prev_url": url(page_no - 1) if page_no > 1 else None,
            "next_url": url(page_no + 1) if page_no < pages_count else None,
            "max_mb": megabytes(settings.max_upload_bytes), "accept": ACCEPT, "results": None, "upload_error": None}


@pages.get("/check")
def list_page(request: Request, session: DB, viewer: CurrentViewer, year: Annotated[str, Query(max_length=20)] = "",
              agency: Annotated[str, Query(max_length=20)] = "", q: Annotated[str, Query(max_length=200)] = "",
              page_no: Annotated[str, Query(alias="page", max_length=20)] = "") -> Response:
    """The checked reports in scope, newest first, with filters and the upload form."""
    return page(request, "check/list.html",
                _list_context(request, session, viewer, year=_int(year), agency=_int(agency), q=q,
                              page_no=_int(page_no) or 1))


@pages.post("/check")
def upload(request: Request, session: DB, viewer: CurrentViewer,
           files: Annotated[list[UploadFile | str] | None, File()] = None,
           agency_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Stores and checks each file; one bad file does not stop the others."""
    settings = request.app.state.settings
    chosen = _int(agency_id)
    check_agency(session, viewer, chosen)
    incoming = [Incoming(f.filename or "", f.file) for f in files or []
                if not isinstance(f, str) and (f.filename or f.size)]
    if not incoming:
        ctx = _list_context(request, session, viewer)
        ctx["upload_error"] = "请选择要上传的报告文件"
        return page(request, "check/list.html", ctx, status_code=400)
    results = store_files(session, viewer, incoming, agency_id=chosen, max_bytes=settings.max_upload_bytes,
                          max_files=settings.max_upload_files)
    accepted = [r for r in results if r.ok]
    if len(results) == 1 and accepted:
        return RedirectResponse(f"/check/{_id(accepted[0])}", status_code=303)
    ctx = _list_context(request, session, viewer)
    ctx.update(results=results, accepted=len(accepted), refused=len(results) - len(accepted))
    return page(request, "check/list.html", ctx, status_code=200 if accepted else refusal_status(results))


def _id(result: FileResult) -> int:
    assert result.report is not None
    return result.report.id


@pages.get("/check/{report_id}")
def report_page(request: Request, session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The report's tables with the faulty cells, its findings, reviews, comments."""
    stored = get_report(session, viewer, report_id)
    return page(request, "check/report.html", views.report_context(session, viewer, stored, csrf.token(request)))


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
    body = audit_html(parsed.report, audit, lines=parsed.lines)
    return HTMLResponse(body, headers={"Content-Disposition": views.attachment(views.download_name(stored, ".html"))})


@pages.get("/check/{report_id}/audit.json")
def audit_json_download(session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The findings as JSON (the shape of `nianbao check --output json`)."""
    stored, audit = _checked(session, viewer, report_id)
    return Response(views.audit_json(stored, audit), media_type="application/json",
                    headers={"Content-Disposition": views.attachment(views.download_name(stored, ".json"))})


@pages.get("/check/{report_id}/file")
def original_file(session: DB, viewer: CurrentViewer, report_id: ReportId) -> Response:
    """The file as uploaded (always a download: an html file is never rendered here)."""
    stored = get_report(session, viewer, report_id)
    media = views.MEDIA_TYPES.get(stored.kind, "application/octet-stream")
    return Response(stored.content, media_type=media,
                    headers={"Content-Disposition": views.attachment(stored.filename)})


@pages.post("/check/{report_id}/findings/{fingerprint}")
def review(request: Request, session: DB, viewer: CurrentViewer, report_id: ReportId, fingerprint: Fingerprint,
           decision: Annotated[str, Form(max_length=20)] = "",
           note: Annotated[str, Form(max_length=4000)] = "") -> Response:
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
def comment(session: DB, viewer: CurrentViewer, report_id: ReportId,
            text: Annotated[str, Form(max_length=20000)] = "") -> Response:
    """Adds a comment (anyone who may see the report)."""
    stored = get_report(session, viewer, report_id)
    try:
        add_comment(session, viewer, stored, text)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/check/{stored.id}#comments", status_code=303)


@pages.post("/check/{report_id}/return")
def give_back(session: DB, viewer: CurrentViewer, report_id: ReportId,
              note: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """Returns the report for correction (supervisors and administrators)."""
    stored = get_report(session, viewer, report_id)
    try:
        return_report(session, viewer, stored, note)
    except CheckError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/check/{stored.id}", status_code=303)
