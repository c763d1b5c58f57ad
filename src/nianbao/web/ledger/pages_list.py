"""Ledger pages that read many cases: the case list (filters, search, paging) and the due-soon board."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from nianbao.ledger import queries, vocabulary
from nianbao.web.core.database import DB, RowId
from nianbao.web.core.people import CurrentViewer
from nianbao.web.core.templating import page
from nianbao.web.ledger import detail, labels
from nianbao.web.ledger.common import (
    PAGE_SIZE,
    agencies_in_scope,
    calendar,
    int_or_none,
    load_case,
    parse_filters,
    pick,
    today,
)

router = APIRouter(include_in_schema=False)

#: Rows of the due board; the rest is announced and reachable through the list's filters.
DUE_LIMIT = 500

Text = Annotated[str | None, Query(max_length=200)]


@router.get("/ledger")
def case_list(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    agency_id: Text = None,
    status: Text = None,
    applicant_type: Text = None,
    received_from: Text = None,
    received_to: Text = None,
    outcome: Text = None,
    q: Text = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    ok: Text = None,
    n: Text = None,
) -> Response:
    """The cases of the agencies in scope, newest first, 50 a page."""
    agencies = agencies_in_scope(session, viewer)
    chosen = int_or_none(agency_id)
    ids = pick(agencies, chosen)
    filters, notes = parse_filters(status, applicant_type, received_from, received_to, outcome, q)
    day = today(request)
    total, rows, warning = queries.list_page(
        session, ids, filters, day, calendar(session), PAGE_SIZE, (page_no - 1) * PAGE_SIZE
    )
    kept = {
        k: v
        for k, v in {
            "agency_id": str(chosen) if chosen else "",
            "status": filters.status or "",
            "applicant_type": filters.applicant_type or "",
            "received_from": received_from or "",
            "received_to": received_to or "",
            "outcome": filters.outcome or "",
            "q": filters.q,
        }.items()
        if v
    }
    message = ""
    if ok == "imported":
        message = f"已导入 {int_or_none(n) or 0} 件申请"
    export_agency = chosen or (next(iter(agencies)) if len(agencies) == 1 else None)
    return page(
        request,
        "ledger/list.html",
        {
            "title": "申请台账",
            "rows": rows,
            "total": total,
            "page_no": page_no,
            "pages": max(1, math.ceil(total / PAGE_SIZE)),
            "filters": filters,
            "kept": kept,
            "query": urlencode(kept),
            "agencies": agencies,
            "chosen": chosen,
            "many": len(agencies) > 1,
            "notes": notes,
            "warning": warning,
            "today": day,
            "labels": labels,
            "words": vocabulary,
            "message": message,
            "can_write": viewer.role == "clerk" or viewer.is_admin,
            "export_agency": export_agency,
            "filtered": any(k != "agency_id" for k in kept),
        },
    )


@router.get("/ledger/due")
def due_board(request: Request, session: DB, viewer: CurrentViewer, agency_id: Text = None) -> Response:
    """Open cases by working days left: overdue first, then due soon, then suspended ones with why."""
    agencies = agencies_in_scope(session, viewer)
    chosen = int_or_none(agency_id)
    ids = pick(agencies, chosen)
    day = today(request)
    known = calendar(session)
    items, more = queries.due_board(session, ids, day, known, DUE_LIMIT)
    groups = [
        ("overdue", "已超期", [i for i in items if i.days_left is not None and i.days_left < 0]),
        ("soon", "5 个工作日内到期", [i for i in items if i.days_left is not None and 0 <= i.days_left <= 5]),
        ("running", "期限内", [i for i in items if i.days_left is not None and i.days_left > 5]),
        ("suspended", "暂停计算（补正、征求意见、收费期间）", [i for i in items if i.deadline is None]),
    ]
    return page(
        request,
        "ledger/due.html",
        {
            "title": "即将到期",
            "groups": groups,
            "count": len(items),
            "more": more,
            "limit": DUE_LIMIT,
            "agencies": agencies,
            "chosen": chosen,
            "many": len(agencies) > 1,
            "today": day,
            "notice": known.notice(day),
            "labels": labels,
            "words": vocabulary,
        },
    )


@router.get("/ledger/{case_id:int}/deadline")
def deadline_fragment(request: Request, session: DB, viewer: CurrentViewer, case_id: RowId) -> Response:
    """The deadline's explanation of one case, as an htmx fragment for the due board."""
    case = load_case(session, viewer, case_id)
    shown = detail.view(session, case, today(request), calendar(session))
    return page(request, "ledger/_deadline.html", {"v": shown, "labels": labels, "words": vocabulary})
