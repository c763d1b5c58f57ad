"""Routes of officers' corrections (issue #18): the check page's forms (``POST /check/{id}/corrections``) and
the JSON API (``GET`` / ``POST /api/v1/reports/{id}/corrections``). Included in the check area's routers
(`routes.pages`, `api.api`); the service is `correct`, the read side `corrections`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from nianbao.web.check import views
from nianbao.web.check.correct import CorrectionRefused, add_correction
from nianbao.web.check.correction_schemas import (
    CorrectionIn,
    CorrectionList,
    CorrectionResult,
    corrections_out,
)
from nianbao.web.check.corrections import PUBLISHED, entries_of
from nianbao.web.check.parsing import UploadRefused
from nianbao.web.check.service import get_report, report_of
from nianbao.web.core import csrf
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer
from nianbao.web.core.templating import page

__all__ = ["api", "pages"]

pages = APIRouter(include_in_schema=False)
api = APIRouter()  # included in the check area's API router, which gives the /api/v1 prefix and the tag

ReportId = Annotated[int, Path(ge=1, le=2**31 - 1, description="报告编号")]
UNREADABLE = "报告文件已无法重新读取："


def _base(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


@pages.post("/check/{report_id}/corrections")
def correct(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    report_id: ReportId,
    field: Annotated[str, Form(max_length=200)] = "",
    value: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    base: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Corrects a read value (a cell, or the publication date) with a reason; the page is shown again at the
    corrected place, or with the refusal (422, or 409 when someone corrected the same item meanwhile)."""
    stored = get_report(session, viewer, report_id)
    try:
        add_correction(
            session, viewer, stored, field, value, reason, today=request.app.state.settings.today(), base=_base(base)
        )
    except CorrectionRefused as exc:
        ctx = views.report_context(session, viewer, stored, csrf.token(request))
        ctx.update(correction_error=str(exc), correction_field=field.strip())
        return page(request, "check/report.html", ctx, status_code=exc.status)
    except UploadRefused as exc:
        raise HTTPException(409, f"{UNREADABLE}{exc}") from None
    anchor = "published" if field.strip() == PUBLISHED else f"r1-c-{field.strip()}"
    return RedirectResponse(f"/check/{stored.id}#{anchor}", status_code=303)


ERRORS: dict[int | str, dict[str, str]] = {404: {"description": "报告不存在或不在您的职责范围内"}}


@api.get("/reports/{report_id}/corrections", response_model=CorrectionList, responses=ERRORS)
def list_corrections(session: DB, viewer: CurrentViewer, report_id: ReportId) -> CorrectionList:
    """Every correction of the report's read values, oldest first, each with the value as printed, the new
    value, who, when and why, and whether it is the one in effect for its item."""
    stored = get_report(session, viewer, report_id)
    try:
        report = report_of(stored)
    except UploadRefused as exc:
        raise HTTPException(409, f"{UNREADABLE}{exc}") from None
    return CorrectionList(items=corrections_out(report, entries_of(session, stored.id)))


@api.post(
    "/reports/{report_id}/corrections",
    status_code=201,
    response_model=CorrectionResult,
    responses={
        **ERRORS,
        403: {"description": "无权更正（经办人员只能在提交前更正本机关的报告）"},
        409: {"description": "他人已更正同一项（在 base 之后），未保存；或报告文件已无法读取"},
        422: {"description": "项目、数值或原因无效，或与当前值相同"},
    },
)
def post_correction(
    request: Request, session: DB, viewer: CurrentViewer, report_id: ReportId, body: CorrectionIn
) -> Response | CorrectionResult:
    """Corrects one read value of the report — a cell of its tables, or its publication date (``meta.published``)
    — with a reason. The report is checked again on the corrected values (its counts in the answer). A value
    equal to the printed one undoes the corrections before it. Nothing is overwritten unseen: with `base`, a
    newer correction of the same item by someone else answers 409 and names it."""
    stored = get_report(session, viewer, report_id)
    try:
        entry = add_correction(
            session,
            viewer,
            stored,
            body.field,
            body.value,
            body.reason,
            today=request.app.state.settings.today(),
            base=body.base,
        )
        report = report_of(stored)
    except CorrectionRefused as exc:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)
    except UploadRefused as exc:
        raise HTTPException(409, f"{UNREADABLE}{exc}") from None
    out = next(c for c in corrections_out(report, entries_of(session, stored.id)) if c.id == entry.id)
    return CorrectionResult(correction=out, errors=stored.errors, warnings=stored.warnings, infos=stored.infos)
