"""Pages of the report area (年度报告编制); the API is in `nianbao.web.report.api`.

- ``GET /report``: choose an agency in scope and a year (default last year) → its report page.
- ``GET /report/{agency_id}/{year}``: the report in the making. The clerk of the agency (and an
  administrator) edits it; reviewers and supervisors whose jurisdiction covers it read it.
- ``POST /report/{agency_id}/{year}``: save the form (optimistic version check: 409 when stale).
- ``POST /report/{agency_id}/{year}/audit``: the live audit (htmx) of the unsaved form, a fragment.
- ``POST /report/{agency_id}/{year}/submit``: save, then submit the rendered .docx to the check area,
  refused while the audit finds errors.
- ``GET /report/{agency_id}/{year}/download.{docx|pdf|html|md}``: the saved report, rendered; never
  blocked by the audit (a draft must be downloadable), the page warns instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy import Select, select
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from nianbao.authoring.from_ledger import MIN_YEAR, DraftData, DraftError, format_of, read_draft
from nianbao.store.models import Agency
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, agency_in_scope
from nianbao.web.core.templating import page
from nianbao.web.report import api as api_module
from nianbao.web.report.forms import FormInput, read_form, save_problems
from nianbao.web.report.pages import (
    MAX_ID,
    check_writable,
    checked_year,
    page_context,
)
from nianbao.web.report.service import (
    StaleDraft,
    apply,
    default_year,
    recent_drafts,
    save,
    years_with_material,
)
from nianbao.web.report.submit import SubmitError, submit_report

pages = APIRouter(include_in_schema=False)
api = api_module.api

AgencyId = Annotated[int, Path(ge=1, le=MAX_ID)]
Year = Annotated[int, Path(ge=MIN_YEAR, le=2100)]


def _today(request: Request) -> dt.date:
    today: dt.date = request.app.state.settings.today()
    return today


async def form_data(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


def _in_scope(viewer: CurrentViewer, ids: list[int]) -> Select[Agency]:
    query = select(Agency)
    return query if viewer.scope is None else query.where(Agency.id.in_(ids))


@pages.get("/report")
def choose(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    year: Annotated[int | None, Query(ge=MIN_YEAR, le=2100)] = None,
) -> Response:
    """Choose the agency and the year; with both given, go to that report."""
    today = _today(request)
    if agency_id is not None:
        agency = agency_in_scope(session, viewer, agency_id)
        if year is not None:
            checked_year(request, year)
            return RedirectResponse(f"/report/{agency.id}/{year}", status_code=303)
    ids = viewer.agency_ids(session)
    return page(
        request,
        "report/choose.html",
        {
            "agencies": list(session.scalars(_in_scope(viewer, ids).order_by(Agency.name))),
            "chosen": agency_id
            if agency_id is not None
            else (viewer.agency_id if viewer.sees(viewer.agency_id) else None),
            "years": years_with_material(session, ids, today),
            "default_year": default_year(today),
            "drafts": recent_drafts(session, ids),
        },
    )


@pages.get("/report/{agency_id}/{year}")
def report_page(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: AgencyId,
    year: Year,
    saved: bool = False,
    submitted: int | None = None,
) -> Response:
    agency = agency_in_scope(session, viewer, agency_id)
    checked_year(request, year)
    data = read_draft(session, agency.id, year)
    notice: tuple[str, str] | None = None
    if saved:
        notice = ("ok", f"已保存（第 {data.version} 版）")
    elif submitted is not None:
        notice = ("ok", "报告已提交，审核人员可在“报告核查”中查看")
    ctx = page_context(session, viewer, agency, year, data, _today(request), notice=notice)
    return page(request, "report/edit.html", ctx)


def _form_input(
    session: DB, viewer: CurrentViewer, agency_id: int, year: int, request: Request, form: FormData
) -> tuple[Agency, FormInput]:
    """The agency (in scope, 404; writable, 403) and the form as read (see `forms.read_form`)."""
    agency = agency_in_scope(session, viewer, agency_id)
    check_writable(viewer, agency)
    checked_year(request, year)
    return agency, read_form(form, format_of(year))


def _save_form(
    request: Request, session: DB, viewer: CurrentViewer, agency: Agency, year: int, given: FormInput
) -> DraftData | Response:
    """The draft saved from the form, or the page again (422 unreadable, 409 stale) with everything as typed."""
    stored = read_draft(session, agency.id, year)
    problems = save_problems(given)
    if problems or given.version is None:
        return _again(request, session, viewer, agency, year, stored, given, 422, problems)
    try:
        return save(session, agency, year, given.changes, given.version)
    except StaleDraft as exc:
        return _again(request, session, viewer, agency, year, stored, given, 409, [str(exc)], stale=True)
    except DraftError as exc:
        return _again(request, session, viewer, agency, year, stored, given, 422, [str(exc)])


@pages.post("/report/{agency_id}/{year}")
def save_page(
    request: Request, session: DB, viewer: CurrentViewer, agency_id: AgencyId, year: Year, form: Form
) -> Response:
    """Save the whole form, then show the page again (303)."""
    agency, given = _form_input(session, viewer, agency_id, year, request, form)
    saved = _save_form(request, session, viewer, agency, year, given)
    if isinstance(saved, Response):
        return saved
    return RedirectResponse(f"/report/{agency.id}/{year}?saved=1", status_code=303)


def _again(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency: Agency,
    year: int,
    stored: DraftData,
    given: FormInput,
    status: int,
    problems: list[str],
    *,
    stale: bool = False,
) -> Response:
    """The page with the form as typed (nothing lost), the problems on top, and `status`."""
    try:
        shown = apply(stored, given.changes, year)
    except DraftError:
        shown = stored
    if stale:  # saving again overwrites: the person has been told, and keeps their text
        shown.version = stored.version
        problems = [*problems, "您填写的内容仍保留在下方；核对后再次点击“保存”将以您的内容覆盖他人的修改。"]
    else:
        shown.version = given.version if given.version is not None else stored.version
    ctx = page_context(
        session,
        viewer,
        agency,
        year,
        shown,
        _today(request),
        typed=given.typed,
        typed_date=given.typed_date,
        problems=problems,
    )
    return page(request, "report/edit.html", ctx, status_code=status)


@pages.post("/report/{agency_id}/{year}/audit")
def live_audit(
    request: Request, session: DB, viewer: CurrentViewer, agency_id: AgencyId, year: Year, form: Form
) -> Response:
    """The audit of the form as it is now (not saved): the findings fragment for htmx."""
    agency, given = _form_input(session, viewer, agency_id, year, request, form)
    try:
        shown = apply(read_draft(session, agency.id, year), given.changes, year)
    except DraftError as exc:  # clipped in read_form, so only a surprise lands here
        raise HTTPException(422, str(exc)) from None
    ctx = page_context(session, viewer, agency, year, shown, _today(request), problems=given.problems)
    return page(request, "report/_audit.html", {**ctx, "oob": True})


@pages.post("/report/{agency_id}/{year}/submit")
def submit_page(
    request: Request, session: DB, viewer: CurrentViewer, agency_id: AgencyId, year: Year, form: Form
) -> Response:
    """Save the form, then submit the report; refused (the page with the errors) while the audit finds errors."""
    agency, given = _form_input(session, viewer, agency_id, year, request, form)
    data = _save_form(request, session, viewer, agency, year, given)
    if isinstance(data, Response):
        return data
    try:
        stored_report = submit_report(session, viewer, agency, year, data)
    except SubmitError as exc:
        ctx = page_context(session, viewer, agency, year, data, _today(request), problems=[str(exc), *exc.details])
        return page(request, "report/edit.html", ctx, status_code=exc.status)
    query = urlencode({"submitted": stored_report.id})
    return RedirectResponse(f"/report/{agency.id}/{year}?{query}", status_code=303)


@pages.get("/report/{agency_id}/{year}/download.{kind}")
def download(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: AgencyId,
    year: Year,
    kind: Literal["docx", "pdf", "html", "md"],
) -> Response:
    agency = agency_in_scope(session, viewer, agency_id)
    checked_year(request, year)
    return api_module.download_response(session, agency, year, kind)
