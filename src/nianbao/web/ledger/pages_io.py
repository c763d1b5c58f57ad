"""Ledger pages that move whole files: importing a CSV/XLSX and exporting the agency's ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from nianbao.ledger import csvio
from nianbao.store.models import Agency
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, Viewer
from nianbao.web.core.templating import page
from nianbao.web.ledger import transfer
from nianbao.web.ledger.common import agencies_in_scope, calendar, int_or_none, reading_agency, writer_agency
from nianbao.web.ledger.writes import Refused

router = APIRouter(include_in_schema=False)


def _import_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    agency: Agency | None,
    *,
    error: str = "",
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    agencies = agencies_in_scope(session, viewer) if viewer.is_admin else {}
    return page(
        request,
        "ledger/import.html",
        {
            "title": "导入台账",
            "agency": agency,
            "agencies": agencies,
            "error": error,
            "problems": problems or [],
            "columns": csvio.SPEC_COLUMNS,
            "extra_columns": csvio.EXTRA_COLUMNS,
            "limit_mb": request.app.state.settings.max_upload_bytes // (1024 * 1024),
        },
        status_code=status,
    )


@router.get("/ledger/import")
def import_form(
    request: Request, session: DB, viewer: CurrentViewer, agency_id: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    """The upload form (clerk of the agency, or an administrator choosing the agency)."""
    chosen = int_or_none(agency_id)
    agency = None if viewer.is_admin and chosen is None else writer_agency(session, viewer, chosen)
    return _import_page(request, session, viewer, agency)


@router.post("/ledger/import")
def import_file(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    file: Annotated[UploadFile | None, File()] = None,
    agency_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Import every row of the uploaded file, or none: each bad row is listed with its line number."""
    with request.app.state.sessions() as read:  # the request's own (writing) session waits until it writes
        agency = writer_agency(read, viewer, int_or_none(agency_id))
        known = calendar(read)
    if file is None:
        return _import_page(request, session, viewer, agency, error="请选择要导入的台账文件", status=400)
    try:
        content = transfer.read_upload(file.file, request.app.state.settings.max_upload_bytes)
        count = transfer.import_upload(session, agency, file.filename, content, known)
    except Refused as exc:
        return _import_page(
            request, session, viewer, agency, error=exc.message, problems=exc.problems, status=exc.status
        )
    return RedirectResponse(f"/ledger?agency_id={agency.id}&ok=imported&n={count}", status_code=303)


def _export(session: Session, viewer: Viewer, agency_id: str | None, kind: str) -> Response:
    agency = reading_agency(session, viewer, int_or_none(agency_id))
    content, media, suffix = transfer.export_file(session, agency, kind)
    return Response(content, media_type=media, headers={"Content-Disposition": transfer.disposition(agency, suffix)})


@router.get("/ledger/export.csv")
def export_csv(
    session: DB, viewer: CurrentViewer, agency_id: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    """The agency's ledger as CSV (the columns import reads)."""
    return _export(session, viewer, agency_id, "csv")


@router.get("/ledger/export.xlsx")
def export_xlsx(
    session: DB, viewer: CurrentViewer, agency_id: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    """The agency's ledger as an Excel workbook."""
    return _export(session, viewer, agency_id, "xlsx")
