"""Ledger pages of one case: registering it, the case page, and walking it step by step to its closing.

Every write is for the agency's clerk or an administrator (403 for others; 404 outside the scope). A
refused write shows the case page (or the form) again with the Chinese reason and what was typed; a
stale version (someone else changed the case since the page was loaded) answers 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from nianbao.ledger import queries, vocabulary
from nianbao.ledger.queries import next_reference
from nianbao.ledger.vocabulary import EventKind
from nianbao.store.models import Agency, Appeal, Application
from nianbao.web.core.database import DB, RowId
from nianbao.web.core.people import CurrentViewer, Viewer, not_found
from nianbao.web.core.templating import page
from nianbao.web.ledger import appeals_view, detail, labels, letters_view, writes
from nianbao.web.ledger.common import (
    agencies_in_scope,
    calendar,
    int_or_none,
    load_case,
    require_writer,
    today,
    writer_agency,
)
from nianbao.web.ledger.writes import Refused

router = APIRouter(include_in_schema=False)

CaseId = RowId
FormText = Annotated[str, Form(max_length=25000)]

OK_MESSAGES = {
    "registered": "案件已登记，答复期限已计算。",
    "close": "案件已办结。",
    "appeal": "复议诉讼已登记。",
    "decision": "复议诉讼结果已记录。",
    "letter": "文书已生成并保存在本案中，可在“文书”中下载。",
}


# ---------------------------------------------------------------------------------------------
# Registering a case
# ---------------------------------------------------------------------------------------------


def _new_form(
    request: Request,
    session: Session,
    viewer: Viewer,
    agency: Agency | None,
    values: dict[str, str],
    error: str = "",
    status: int = 200,
) -> Response:
    agencies = agencies_in_scope(session, viewer) if viewer.is_admin else {}
    return page(
        request,
        "ledger/new.html",
        {
            "title": "登记申请",
            "agency": agency,
            "agencies": agencies,
            "values": values,
            "error": error,
            "labels": labels,
            "words": vocabulary,
        },
        status_code=status,
    )


@router.get("/ledger/new")
def new_case_form(
    request: Request, session: DB, viewer: CurrentViewer, agency_id: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    """The registration form: the next reference suggested, received today."""
    chosen = int_or_none(agency_id)
    if viewer.is_admin and chosen is None:
        return _new_form(request, session, viewer, None, {})
    agency = writer_agency(session, viewer, chosen)
    day = today(request)
    values = {
        "reference": next_reference(session, agency.id, day.year),
        "received": day.isoformat(),
        "channel": "in_person",
        "applicant_type": "",
    }
    return _new_form(request, session, viewer, agency, values)


@router.post("/ledger/new")
def new_case(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: FormText = "",
    reference: FormText = "",
    received: FormText = "",
    arrived: FormText = "",
    channel: FormText = "",
    applicant_type: FormText = "",
    applicant: FormText = "",
    contact: FormText = "",
    request_text: Annotated[str, Form(alias="request", max_length=25000)] = "",
) -> Response:
    """Register the case; errors show the form again with what was typed."""
    agency = writer_agency(session, viewer, int_or_none(agency_id))
    values = {
        "reference": reference,
        "received": received,
        "arrived": arrived,
        "channel": channel,
        "applicant_type": applicant_type,
        "applicant": applicant,
        "contact": contact,
        "request": request_text,
    }
    try:
        got = writes.day(received, "收到日期", default=today(request))
        assert got is not None
        case = writes.register(
            session,
            agency,
            reference,
            got,
            writes.word(vocabulary.applicant_type, applicant_type, "申请人类型"),
            calendar=calendar(session),
            arrived=writes.day(arrived, "到达日期"),
            channel=(
                writes.word(vocabulary.channel, channel, "申请渠道")
                if channel.strip()
                else vocabulary.Channel.OTHER.value
            ),
            applicant=applicant,
            contact=contact,
            request=request_text,
        )
    except Refused as exc:
        return _new_form(request, session, viewer, agency, values, exc.message, exc.status)
    return RedirectResponse(f"/ledger/{case.id}?ok=registered", status_code=303)


# ---------------------------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------------------------


def _case_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    case: Application,
    *,
    error: str = "",
    status: int = 200,
    form: dict[str, str] | None = None,
    open_step: str = "",
    ok: str = "",
) -> Response:
    if status != 200:
        session.expire_all()  # show the case as stored, not as the refused write left it in memory
    shown = detail.view(session, case, today(request), calendar(session))
    message = OK_MESSAGES.get(ok) or (f"已记录：{EventKind(ok).label}。" if ok in EventKind.stored_keys() else "")
    return page(
        request,
        "ledger/case.html",
        {
            "title": f"案件 {case.reference}",
            "v": shown,
            "case": case,
            "agency_name": case.agency.name,
            "can_write": viewer.keeps_ledger_of(case.agency_id),
            "error": error,
            "form": form or {},
            "open_step": open_step or (shown.next_step or ""),
            "message": message,
            "labels": labels,
            "words": vocabulary,
            "step_labels": detail.STEP_LABELS,
            "event_details": detail.event_details,
            "outcomes": vocabulary.outcome_choices(),
            "timeline": appeals_view.timeline(shown.events, case.appeals),
            "closed_note": appeals_view.CLOSED_NOTE,
            "after_closing": appeals_view.after_closing(case),
            "letters": letters_view.panel(session, case, today(request), calendar(session)),
        },
        status_code=status,
    )


@router.get("/ledger/{case_id:int}")
def case_page(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    ok: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The case: facts, steps, the deadline explained, and the forms to walk it."""
    return _case_page(request, session, viewer, load_case(session, viewer, case_id), ok=ok or "")


def _writable(session: Session, viewer: Viewer, case_id: int) -> Application:
    case = load_case(session, viewer, case_id)
    require_writer(viewer, case.agency_id)
    return case


def _done(case: Application, ok: str) -> Response:
    return RedirectResponse(f"/ledger/{case.id}?ok={ok}#steps", status_code=303)


@router.post("/ledger/{case_id:int}/events")
def record_step(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    kind: FormText = "",
    on: FormText = "",
    until: FormText = "",
    approver: FormText = "",
    days: FormText = "",
    party: FormText = "",
    pages: FormText = "",
    note: FormText = "",
    version: FormText = "",
) -> Response:
    """Record one step (补正, 延期, 征求意见, 收费, 答复 …); the deadline is recomputed."""
    case = _writable(session, viewer, case_id)
    form = {
        "kind": kind,
        "on": on,
        "until": until,
        "approver": approver,
        "days": days,
        "party": party,
        "pages": pages,
        "note": note,
    }
    try:
        what = writes.word(vocabulary.event_kind, kind, "办理事项")
        day = writes.day(on, "日期", default=today(request))
        assert day is not None
        if days.strip() and not days.strip().isdigit():
            raise Refused(400, f"延期工作日数“{days[:20]}”应为整数")
        text_note = note
        if what == "fee_notice":
            text_note = _fee_note(session, case, pages, note)
        writes.record(
            session,
            case,
            what,
            day,
            calendar=calendar(session),
            until=writes.day(until, "补正期限"),
            approver=approver,
            days=int(days.strip() or 0) if what == "extension" else 0,
            party=party,
            note=text_note,
            expected_version=int_or_none(version),
        )
    except Refused as exc:
        return _case_page(
            request, session, viewer, case, error=exc.message, status=exc.status, form=form, open_step=kind
        )
    return _done(case, what)


def _fee_note(session: Session, case: Application, pages: str, note: str) -> str:
    count = pages.strip()
    if count and (not count.isdigit() or len(count) > 6):
        raise Refused(400, f"页数“{count[:20]}”应为整数")
    quote = queries.fee_quote(session, case, int(count) if count else None)
    head = f"信息处理费 {quote.amount} 元（{quote.basis}{f'，{count} 页' if count else ''}）" if quote else ""
    return "；".join(x for x in (head, note.strip()) if x)


@router.post("/ledger/{case_id:int}/close")
def close_case(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    outcome: FormText = "",
    on: FormText = "",
    note: FormText = "",
    version: FormText = "",
) -> Response:
    """Close the case with its outcome row of table 三."""
    case = _writable(session, viewer, case_id)
    try:
        row = writes.word(vocabulary.outcome, outcome, "办理结果")
        day = writes.day(on, "办结日期", default=today(request))
        assert day is not None
        writes.close(session, case, row, day, note=note, expected_version=int_or_none(version))
    except Refused as exc:
        return _case_page(
            request,
            session,
            viewer,
            case,
            error=exc.message,
            status=exc.status,
            form={"outcome": outcome, "on": on, "note": note},
            open_step="close",
        )
    return _done(case, "close")


@router.post("/ledger/{case_id:int}/appeals")
def add_appeal(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    reference: FormText = "",
    route: FormText = "",
    filed: FormText = "",
    note: FormText = "",
) -> Response:
    """Register a 行政复议 or 行政诉讼 about this case (table 四)."""
    case = _writable(session, viewer, case_id)
    try:
        kind = writes.word(vocabulary.appeal_route, route, "复议诉讼类别")
        day = writes.day(filed, "立案日期", default=today(request))
        assert day is not None
        writes.add_appeal(session, case, reference, kind, day, note=note)
    except Refused as exc:
        return _case_page(
            request,
            session,
            viewer,
            case,
            error=exc.message,
            status=exc.status,
            form={"appeal_reference": reference, "route": route, "filed": filed, "appeal_note": note},
            open_step="appeal",
        )
    return RedirectResponse(f"/ledger/{case.id}?ok=appeal#appeals", status_code=303)


@router.post("/ledger/{case_id:int}/appeals/{appeal_id:int}/decision")
def decide_appeal(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    case_id: CaseId,
    appeal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    result: FormText = "",
    decided: FormText = "",
) -> Response:
    """Record the result of a 复议/诉讼 of this case."""
    case = _writable(session, viewer, case_id)
    appeal = session.get(Appeal, appeal_id)
    if appeal is None or appeal.application_id != case.id:
        raise not_found("复议诉讼")
    try:
        kind = writes.word(vocabulary.appeal_result, result, "复议诉讼结果")
        day = writes.day(decided, "审结日期", default=today(request))
        assert day is not None
        writes.decide(session, appeal, kind, day)
    except Refused as exc:
        return _case_page(request, session, viewer, case, error=exc.message, status=exc.status, open_step="appeal")
    return RedirectResponse(f"/ledger/{case.id}?ok=decision#appeals", status_code=303)
