"""The ledger's JSON API (tag 台账): cases, their steps, closing, appeals, the due list, import and export.

Cases are addressed by their id; an id outside the person's scope answers 404 as if it did not exist.
Writes are for the agency's clerk or an administrator (403 otherwise). Refusals of the ledger answer
400 with the Chinese reason, a stale ``expected_version`` 409; nothing answers 5xx for any input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, Response

from nianbao.ledger import queries, vocabulary
from nianbao.ledger.vocabulary import ApplicantType, Outcome
from nianbao.store.models import Appeal, Application
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, Viewer, not_found
from nianbao.web.ledger import detail, schemas, transfer, writes
from nianbao.web.ledger.common import (
    agencies_in_scope,
    calendar,
    load_case,
    pick,
    reading_agency,
    require_writer,
    today,
    writer_agency,
)
from nianbao.web.ledger.writes import Refused

api = APIRouter(prefix="/api/v1", tags=["台账"])

CaseId = Annotated[int, Path(ge=1, le=2**31 - 1, description="案件编号")]
AgencyId = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="只看这个机关（须在职责范围内）")]
ERRORS: dict[int | str, dict[str, str]] = {
    400: {"description": "台账拒绝（原因见 detail）"},
    403: {"description": "无权修改该机关的台账"},
    404: {"description": "案件不存在或不在职责范围内"},
    409: {"description": "案件已被他人修改"},
}


def _refused(exc: Refused) -> HTTPException:
    return HTTPException(exc.status, exc.message)


def _case_out(request: Request, session: Session, case: Application) -> schemas.CaseOut:
    session.flush()
    return schemas.case_out(detail.view(session, case, today(request), calendar(session)))


def _writable(session: Session, viewer: Viewer, case_id: int) -> Application:
    case = load_case(session, viewer, case_id)
    require_writer(viewer, case.agency_id)
    return case


def _word(parse: Callable[[str], str], value: str, what: str) -> str:
    try:
        return writes.word(parse, value, what)
    except Refused as exc:
        raise _refused(exc) from None


@api.get("/cases", response_model=schemas.CasePage)
def list_cases(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: AgencyId = None,
    status: Annotated[Literal["open", "closed"] | None, Query(description="open 办理中 / closed 已办结")] = None,
    applicant_type: Annotated[str | None, Query(max_length=20, description="申请人类型的键")] = None,
    received_from: Annotated[dt.date | None, Query(description="收到日期起（含）")] = None,
    received_to: Annotated[dt.date | None, Query(description="收到日期止（含）")] = None,
    outcome: Annotated[str | None, Query(max_length=80, description="办理结果行的键")] = None,
    q: Annotated[str | None, Query(max_length=200, description="按案号、申请人、申请内容搜索")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> schemas.CasePage:
    """案件列表（职责范围内的机关），收到日期新者在前，可筛选、搜索、分页。"""
    if applicant_type is not None and applicant_type not in ApplicantType.stored_keys():
        raise HTTPException(422, f"applicant_type 应为：{'、'.join(ApplicantType.stored_keys())}")
    if outcome is not None and outcome not in Outcome.stored_keys():
        raise HTTPException(422, "outcome 应为表三的办理结果行的键，如 granted、partially_granted")
    agencies = agencies_in_scope(session, viewer)
    ids = pick(agencies, agency_id)
    filters = queries.Filters(
        status=status,
        applicant_type=applicant_type,
        received_from=received_from,
        received_to=received_to,
        outcome=outcome,
        q=q or "",
    )
    total, rows, warning = queries.list_page(session, ids, filters, today(request), calendar(session), limit, offset)
    return schemas.CasePage(
        total=total,
        limit=limit,
        offset=offset,
        items=[schemas.row_out(r, agencies) for r in rows],
        warning=warning or None,
    )


@api.post("/cases", status_code=201, response_model=schemas.CaseOut, responses=ERRORS)
def create_case(request: Request, session: DB, viewer: CurrentViewer, body: schemas.CaseIn) -> schemas.CaseOut:
    """登记一件申请（本机关经办人员或管理员），计算答复期限。"""
    agency = writer_agency(session, viewer, body.agency_id)
    kind = _word(vocabulary.applicant_type, body.applicant_type, "申请人类型")
    way = (
        _word(vocabulary.channel, body.channel, "申请渠道") if body.channel.strip() else vocabulary.Channel.OTHER.value
    )
    try:
        case = writes.register(
            session,
            agency,
            body.reference,
            body.received or today(request),
            kind,
            calendar=calendar(session),
            arrived=body.arrived,
            channel=way,
            applicant=body.applicant,
            contact=body.contact,
            request=body.request,
        )
    except Refused as exc:
        raise _refused(exc) from None
    return _case_out(request, session, case)


@api.get(
    "/cases/export",
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}
    },
)
def export_cases(
    session: DB,
    viewer: CurrentViewer,
    agency_id: AgencyId = None,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv 或 xlsx")] = "csv",
) -> Response:
    """导出一个机关的台账（与导入相同的列）；经办人员为本机关，其他人须给出 agency_id（只有一个机关时可省略）。"""
    agency = reading_agency(session, viewer, agency_id)
    content, media, suffix = transfer.export_file(session, agency, format)
    return Response(content, media_type=media, headers={"Content-Disposition": transfer.disposition(agency, suffix)})


@api.post(
    "/cases/import",
    status_code=201,
    response_model=schemas.ImportOut,
    responses={**ERRORS, 413: {"description": "文件过大"}, 415: {"description": "文件类型不支持"}},
)
def import_cases(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    file: Annotated[UploadFile, File()],
    agency_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """导入台账文件（CSV 或 XLSX）：任何一行有错误时整个文件都不导入，problems 逐行列出错误。"""
    with request.app.state.sessions() as read:  # the request's own (writing) session waits until it writes
        agency = writer_agency(read, viewer, agency_id)
        known = calendar(read)
    try:
        content = transfer.read_upload(file.file, request.app.state.settings.max_upload_bytes)
        count = transfer.import_upload(session, agency, file.filename, content, known)
    except Refused as exc:
        return JSONResponse({"detail": exc.message, "problems": exc.problems}, status_code=exc.status)
    return JSONResponse(schemas.ImportOut(agency_id=agency.id, imported=count).model_dump(), status_code=201)


@api.get("/cases/{case_id}", response_model=schemas.CaseOut, responses=ERRORS)
def get_case(request: Request, session: DB, viewer: CurrentViewer, case_id: CaseId) -> schemas.CaseOut:
    """一件申请：登记信息、全部办理事件、答复期限及其计算说明、复议诉讼。"""
    return _case_out(request, session, load_case(session, viewer, case_id))


@api.post("/cases/{case_id}/events", status_code=201, response_model=schemas.CaseOut, responses=ERRORS)
def add_event(
    request: Request, session: DB, viewer: CurrentViewer, case_id: CaseId, body: schemas.EventIn
) -> schemas.CaseOut:
    """登记一个办理事件（补正、延期、征求意见、收费、答复），重新计算答复期限。"""
    case = _writable(session, viewer, case_id)
    kind = _word(vocabulary.event_kind, body.kind, "事件类型")
    try:
        writes.record(
            session,
            case,
            kind,
            body.on or today(request),
            calendar=calendar(session),
            until=body.until,
            approver=body.approver,
            days=body.days,
            party=body.party,
            note=body.note,
            expected_version=body.expected_version,
        )
    except Refused as exc:
        raise _refused(exc) from None
    return _case_out(request, session, case)


@api.post("/cases/{case_id}/close", response_model=schemas.CaseOut, responses=ERRORS)
def close_case(
    request: Request, session: DB, viewer: CurrentViewer, case_id: CaseId, body: schemas.CloseIn
) -> schemas.CaseOut:
    """办结一件申请，记录表三的办理结果。"""
    case = _writable(session, viewer, case_id)
    row = _word(vocabulary.outcome, body.outcome, "办理结果")
    try:
        writes.close(
            session, case, row, body.on or today(request), note=body.note, expected_version=body.expected_version
        )
    except Refused as exc:
        raise _refused(exc) from None
    return _case_out(request, session, case)


@api.post("/cases/{case_id}/appeals", status_code=201, response_model=schemas.CaseOut, responses=ERRORS)
def add_appeal(
    request: Request, session: DB, viewer: CurrentViewer, case_id: CaseId, body: schemas.AppealIn
) -> schemas.CaseOut:
    """登记与本案有关的行政复议或行政诉讼（表四）。"""
    case = _writable(session, viewer, case_id)
    route = _word(vocabulary.appeal_route, body.route, "复议诉讼类别")
    try:
        writes.add_appeal(session, case, body.reference, route, body.filed or today(request), note=body.note)
    except Refused as exc:
        raise _refused(exc) from None
    session.refresh(case, ["appeals"])
    return _case_out(request, session, case)


@api.post("/cases/{case_id}/appeals/{appeal_id}/decision", response_model=schemas.CaseOut, responses=ERRORS)
def decide_appeal(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    appeal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: schemas.DecisionIn,
) -> schemas.CaseOut:
    """记录复议或诉讼的结果（维持、纠正、其他）。"""
    case = _writable(session, viewer, case_id)
    appeal = session.get(Appeal, appeal_id)
    if appeal is None or appeal.application_id != case.id:
        raise not_found("复议诉讼")
    result = _word(vocabulary.appeal_result, body.result, "复议诉讼结果")
    try:
        writes.decide(session, appeal, result, body.decided or today(request))
    except Refused as exc:
        raise _refused(exc) from None
    return _case_out(request, session, case)


@api.get("/due", response_model=schemas.DueList)
def due(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: AgencyId = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> schemas.DueList:
    """办理中的案件，按剩余工作日排列：超期的在前，暂停计算的（等待补正、征求意见、缴费）在后并说明原因。"""
    agencies = agencies_in_scope(session, viewer)
    ids = pick(agencies, agency_id)
    day = today(request)
    known = calendar(session)
    items, more = queries.due_board(session, ids, day, known, limit)
    return schemas.DueList(
        today=day, calendar_notice=known.notice(day), items=[schemas.due_out(i, agencies) for i in items], more=more
    )
