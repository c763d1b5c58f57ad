"""Pages of returns: several reports returned at once from the check list (``POST /check/return``), and the
agency's inbox of returned reports (``GET /returns``, 退回修改) with the upload of the corrected report.

The service is `nianbao.web.check.returns`; these routes are included in the check area's router.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from nianbao.store.models import StoredReport
from nianbao.web.check.listing import scope_agencies
from nianbao.web.check.parsing import ACCEPT, megabytes
from nianbao.web.check.returns import (
    MAX_AT_ONCE,
    RESUBMIT_WORKDAYS,
    ReturnRefused,
    default_resubmit_by,
    label_of,
    parse_resubmit_by,
    return_reports,
    returned_reports,
)
from nianbao.web.check.service import CheckError
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, Viewer
from nianbao.web.core.templating import page

__all__ = ["pages"]

pages = APIRouter(include_in_schema=False)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


@pages.get("/returns")
def inbox(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency: Annotated[str, Query(max_length=20)] = "",
    returned: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """退回修改: the returned reports still to be corrected, with the note, the findings, the resubmission date and
    the working days left, and a form to upload the corrected report."""
    settings = request.app.state.settings
    today = settings.today()
    chosen = _int(agency)
    agencies = scope_agencies(session, viewer) if viewer.role != "clerk" else []
    items = returned_reports(session, viewer, today=today, agency_id=chosen)
    return page(
        request,
        "check/returns.html",
        {
            "title": "退回修改的报告",
            "items": items,
            "agencies": agencies,
            "agency": chosen,
            "returned": _int(returned),
            "today": today,
            "accept": ACCEPT,
            "max_mb": megabytes(settings.max_upload_bytes),
        },
    )


def _selected(session: Session, viewer: Viewer, ids: list[int]) -> list[StoredReport]:
    """The chosen reports the viewer may see, in the order chosen (for the refusal page)."""
    if not ids:
        return []
    rows = {r.id: r for r in session.scalars(select(StoredReport).where(StoredReport.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows and (viewer.sees(rows[i].owner_id) or viewer.sees(rows[i].agency_id))]


@pages.post("/check/return")
def return_several(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    ids: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form(max_length=4000)] = "",
    resubmit_by: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Returns the reports ticked on the check list with one note and one date, all or none: when any cannot be
    returned, nothing is and the page says which and why, with the others still ticked."""
    today = request.app.state.settings.today()
    chosen = [i for i in (_int(x) for x in (ids or [])[: MAX_AT_ONCE + 1]) if i is not None]
    problems: dict[int, str] = {}
    error = ""
    status = 422
    try:
        due = parse_resubmit_by(resubmit_by, today)
        done = return_reports(session, viewer, chosen, note, due, today)
    except ReturnRefused as exc:
        problems = {p.report_id: p.reason for p in exc.problems}
        error, status = str(exc), 409
    except CheckError as exc:
        error = str(exc)
    else:
        return RedirectResponse(f"/returns?returned={len(done)}", status_code=303)
    reports = _selected(session, viewer, chosen)
    unknown = [i for i in chosen if i not in {r.id for r in reports}]
    return page(
        request,
        "check/return_refused.html",
        {
            "title": "退回所选报告",
            "error": error,
            "rows": [(r, label_of(r), problems.get(r.id, "")) for r in reports],
            "unknown": unknown,
            "note": note[:2000],
            "resubmit_by": resubmit_by.strip()[:10] or default_resubmit_by(session, today).isoformat(),
            "workdays": RESUBMIT_WORKDAYS,
        },
        status_code=status,
    )
