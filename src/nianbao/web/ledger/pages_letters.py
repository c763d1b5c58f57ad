"""Ledger pages of the letters: generating a case's letters, downloading the kept ones, and the agency's templates.

- ``POST /ledger/{id}/letters`` writes one letter (kind, date, a reply's outcome) from the agency's template and
  keeps it with the case (clerk of the agency or administrator);
- ``GET /ledger/{id}/letters/{doc}`` downloads a kept letter as it was written (whoever may see the case);
- ``GET /ledger/templates`` lists the agency's templates; ``POST /ledger/templates`` stores an edited one
  (checked: a .docx, at most `render.letters.MAX_BYTES`, known placeholders only), ``POST
  /ledger/templates/reset`` goes back to the built-in one; ``GET /ledger/templates/builtin/{kind}.docx`` and
  ``GET /ledger/templates/own.docx`` download the built-in and the agency's own template.

The handlers are plain functions: FastAPI runs them in its thread pool, so building a .docx never holds up the
event loop.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from nianbao.ledger import letter_store
from nianbao.ledger.errors import LedgerError
from nianbao.render import letters as templates
from nianbao.store.models import Agency
from nianbao.web.core.database import DB, RowId
from nianbao.web.core.downloads import attachment
from nianbao.web.core.people import CurrentViewer, Viewer, not_found
from nianbao.web.core.templating import page
from nianbao.web.ledger import letters_view, writes
from nianbao.web.ledger.common import (
    agencies_in_scope,
    calendar,
    int_or_none,
    load_case,
    require_writer,
    today,
    writer_agency,
)
from nianbao.web.ledger.pages_case import _case_page
from nianbao.web.ledger.transfer import display_name
from nianbao.web.ledger.writes import Refused

router = APIRouter(include_in_schema=False)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CaseId = RowId
FormText = Annotated[str, Form(max_length=200)]
TEMPLATE_MESSAGES = {
    "saved": "模板已保存：{label}。此后生成的{kind}使用本机关模板。",
    "reset": "已恢复内置模板：{label}。",
}


@router.post("/ledger/{case_id:int}/letters")
def generate_letter(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    kind: FormText = "",
    on: FormText = "",
    outcome: FormText = "",
) -> Response:
    """Write one letter of the case from the agency's template and keep it with the case."""
    case = load_case(session, viewer, case_id)
    require_writer(viewer, case.agency_id)
    try:
        if kind not in templates.KINDS:
            raise Refused(400, "请选择要生成的文书")
        day = writes.day(on, "落款日期")
        with writes.guarded(session):
            letter_store.generate(
                session,
                case,
                kind,
                today=today(request),
                calendar=calendar(session),
                now=dt.datetime.now(dt.UTC),
                on=day,
                outcome=outcome.strip() or None,
                user_id=viewer.id,
            )
    except Refused as exc:
        return _case_page(request, session, viewer, case, error=exc.message, status=exc.status)
    return RedirectResponse(f"/ledger/{case.id}?ok=letter#letters", status_code=303)


@router.get("/ledger/{case_id:int}/letters/{document_id:int}")
def download_letter(session: DB, viewer: CurrentViewer, case_id: CaseId, document_id: RowId) -> Response:
    """A kept letter, byte for byte as it was written."""
    case = load_case(session, viewer, case_id)
    found = letter_store.document(session, case.id, document_id)
    if found is None:
        raise not_found("文书")
    return Response(found.content, media_type=DOCX, headers={"Content-Disposition": attachment(found.filename)})


# ---------------------------------------------------------------------------------------------
# The agency's templates
# ---------------------------------------------------------------------------------------------


def _agency(session: Session, viewer: Viewer, agency_id: str | None) -> Agency | None:
    """The agency whose templates are shown: the clerk's own, or the one an administrator chose (None: not yet)."""
    chosen = int_or_none(agency_id)
    if viewer.is_admin and chosen is None:
        return None
    return writer_agency(session, viewer, chosen)


def _templates_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    agency: Agency | None,
    *,
    message: str = "",
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, object] = {
        "title": "文书模板",
        "agency": agency,
        "agencies": agencies_in_scope(session, viewer) if viewer.is_admin else {},
        "message": message,
        "problems": problems or [],
        "limit_mb": templates.MAX_BYTES // (1024 * 1024),
        "tab": "templates",
    }
    if agency is not None:
        context.update(letters_view.templates_page(session, agency))
    return page(request, "ledger/templates.html", context, status_code=status)


@router.get("/ledger/templates")
def templates_list(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: Annotated[str | None, Query(max_length=20)] = None,
    ok: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    variant: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The agency's letter templates: built-in or its own, with downloads, upload and reset."""
    agency = _agency(session, viewer, agency_id)
    message = ""
    if ok in TEMPLATE_MESSAGES and kind in templates.KINDS:
        try:
            where = letter_store.slot(kind or "", variant or "")
            message = TEMPLATE_MESSAGES[ok].format(label=where.label, kind=templates.KINDS[where.kind])
        except LedgerError:  # a made-up query string: no message
            message = ""
    return _templates_page(request, session, viewer, agency, message=message)


def _slot(kind: str, variant: str) -> letter_store.Slot:
    try:
        return letter_store.slot(kind.strip(), variant.strip())
    except LedgerError:
        raise Refused(400, "没有这种文书模板") from None


def _back(agency: Agency, ok: str, where: letter_store.Slot) -> Response:
    return RedirectResponse(
        f"/ledger/templates?agency_id={agency.id}&ok={ok}&kind={where.kind}&variant={where.variant}#t-{where.kind}",
        status_code=303,
    )


@router.post("/ledger/templates")
def template_upload(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    file: Annotated[UploadFile | None, File()] = None,
    agency_id: FormText = "",
    kind: FormText = "",
    variant: FormText = "",
) -> Response:
    """Store the agency's edited template of one letter, once it is checked."""
    agency = writer_agency(session, viewer, int_or_none(agency_id))
    try:
        where = _slot(kind, variant)
        if file is None or not (file.filename or file.size):
            raise Refused(400, "请选择要上传的模板文件（.docx）")
        content = file.file.read(templates.MAX_BYTES + 1)
        problems = templates.check(content)  # before the savepoint: each problem listed, not one line
        if problems:
            raise Refused(400, f"{where.label}的模板未保存", [f"{where.label}：{p}" for p in problems])
        with writes.guarded(session):
            letter_store.save_template(
                session,
                agency,
                where,
                display_name(file.filename),
                content,
                now=dt.datetime.now(dt.UTC),
                user_id=viewer.id,
            )
    except Refused as exc:
        return _templates_page(
            request, session, viewer, agency, problems=exc.problems or [exc.message], status=exc.status
        )
    return _back(agency, "saved", where)


@router.post("/ledger/templates/reset")
def template_reset(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: FormText = "",
    kind: FormText = "",
    variant: FormText = "",
) -> Response:
    """Go back to the built-in template of one letter."""
    agency = writer_agency(session, viewer, int_or_none(agency_id))
    try:
        where = _slot(kind, variant)
        with writes.guarded(session):
            letter_store.reset_template(session, agency, where)
    except Refused as exc:
        return _templates_page(request, session, viewer, agency, problems=[exc.message], status=exc.status)
    return _back(agency, "reset", where)


@router.get("/ledger/templates/builtin/{kind}.docx")
def builtin_download(viewer: CurrentViewer, kind: Annotated[str, Path(max_length=40)]) -> Response:
    """A built-in template, its placeholders unfilled: the starting point of an agency's own."""
    if kind not in templates.KINDS:
        raise not_found("文书模板")
    name = f"{templates.KINDS[kind]}（内置模板）.docx"
    return Response(
        templates.builtin_template(kind), media_type=DOCX, headers={"Content-Disposition": attachment(name)}
    )


@router.get("/ledger/templates/own.docx")
def own_download(
    session: DB,
    viewer: CurrentViewer,
    agency_id: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str, Query(max_length=40)] = "",
    variant: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The agency's own template of one letter, as uploaded."""
    agency = writer_agency(session, viewer, int_or_none(agency_id))
    try:
        where = letter_store.slot(kind, variant)
    except LedgerError:
        raise not_found("文书模板") from None
    row = letter_store.agency_templates(session, agency.id).get(where)
    if row is None:
        raise not_found("文书模板")
    return Response(row.content, media_type=DOCX, headers={"Content-Disposition": attachment(row.filename)})
