"""Reading the ledger for the pages and the API: the agencies in scope, the paged case list, the due board.

Everything here is a handful of queries whatever the size of the ledger: the list is paginated in SQL
(one count, one page of rows) and its working days left come from one `cases.WorkdayIndex` built for
the page's deadlines; the due board is `cases.due_cases` plus one query for the rows' details and one
for why the suspended cases are suspended. Nothing computes a deadline per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from nianbao.ledger import cases
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.store.models import Agency, Application, Event
from nianbao.web.core.people import Viewer, not_found

#: Characters of the request text shown in the list.
SUMMARY_CHARS = 40


@dataclass(frozen=True)
class Filters:
    """The list's filters; None / "" means no filter."""

    status: str | None = None
    applicant_type: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    outcome: str | None = None
    q: str = ""


@dataclass(frozen=True)
class ListRow:
    id: int
    agency_id: int
    reference: str
    received: dt.date
    applicant_type: str
    applicant: str
    summary: str
    status: str
    deadline: dt.date | None
    days_left: int | None
    outcome: str | None
    closed: dt.date | None


@dataclass(frozen=True)
class DueItem:
    id: int
    agency_id: int
    reference: str
    applicant: str
    applicant_type: str
    received: dt.date
    deadline: dt.date | None
    days_left: int | None
    why: str  # why no deadline runs (suspended cases), else ""
    provisional: bool = False  # the deadline counts days of a year without an official 放假安排


def agencies_in_scope(session: Session, viewer: Viewer) -> dict[int, str]:
    """Id → name of every agency the viewer may see, by name."""
    stmt = select(Agency.id, Agency.name).order_by(Agency.name)
    if viewer.scope is not None:
        if not viewer.scope:
            return {}
        stmt = stmt.where(Agency.id.in_(viewer.scope))
    return {int(aid): str(name) for aid, name in session.execute(stmt).tuples()}


def pick(agencies: dict[int, str], agency_id: int | None) -> list[int]:
    """The agencies to show: the one chosen (404 when outside the scope) or all of the scope."""
    if agency_id is None:
        return list(agencies)
    if agency_id not in agencies:
        raise not_found("机关")
    return [agency_id]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(ids: Sequence[int], f: Filters) -> list[ColumnElement[bool]]:
    a = Application.__table__.c
    found: list[ColumnElement[bool]] = [a.agency_id.in_(ids)]
    if f.status:
        found.append(a.status == f.status)
    if f.applicant_type:
        found.append(a.applicant_type == f.applicant_type)
    if f.received_from:
        found.append(a.received >= f.received_from)
    if f.received_to:
        found.append(a.received <= f.received_to)
    if f.outcome:
        found.append(a.outcome == f.outcome)
    q = f.q.replace("\x00", "").strip()
    if q:
        pattern = _like(q)
        found.append(or_(a.reference.ilike(pattern, escape="\\"), a.applicant.ilike(pattern, escape="\\"),
                         a.request.ilike(pattern, escape="\\")))
    return found


def workday_index(calendar: WorkingCalendar, dates: Sequence[dt.date], today: dt.date
                  ) -> tuple[cases.WorkdayIndex | None, str]:
    """An index over `dates` and today, or None with the Chinese reason (a year the calendar lacks)."""
    span = [today, *dates]
    try:
        return cases.WorkdayIndex(calendar, min(span), max(span)), ""
    except cases.LedgerError as exc:
        return None, f"无法计算剩余工作日：{exc}"


def list_page(session: Session, ids: Sequence[int], f: Filters, today: dt.date, calendar: WorkingCalendar,
              limit: int, offset: int) -> tuple[int, list[ListRow], str]:
    """(total matching, this page's rows, a warning or "") — newest receipt first."""
    if not ids:
        return 0, [], ""
    a = Application.__table__.c
    where = _conditions(ids, f)
    total = int(session.scalar(select(func.count()).select_from(Application.__table__).where(*where)) or 0)
    stmt = (select(a.id, a.agency_id, a.reference, a.received, a.applicant_type, a.applicant,
                   func.substr(a.request, 1, SUMMARY_CHARS + 1).label("summary"), a.status, a.due, a.outcome,
                   a.closed)
            .where(*where).order_by(a.received.desc(), a.id.desc()).limit(limit).offset(offset))
    found = session.execute(stmt).all()
    dues = [r.due for r in found if r.status == "open" and r.due is not None]
    index, warning = workday_index(calendar, dues, today) if dues else (None, "")
    rows = []
    for r in found:
        summary = r.summary or ""
        if len(summary) > SUMMARY_CHARS:
            summary = summary[:SUMMARY_CHARS] + "…"
        left = index.left(r.due, today) if index is not None and r.status == "open" and r.due is not None else None
        rows.append(ListRow(r.id, r.agency_id, r.reference, r.received, r.applicant_type, r.applicant, summary,
                            r.status, r.due, left, r.outcome, r.closed))
    return total, rows, warning


def due_board(session: Session, ids: Sequence[int], today: dt.date, calendar: WorkingCalendar,
              limit: int) -> tuple[list[DueItem], bool]:
    """Open cases of `ids` by working days left (overdue first), suspended ones last with why.

    Returns the rows (at most `limit`) and whether more were left out.
    """
    if not ids:
        return [], False
    found = cases.due_cases(session, ids, today, calendar, limit + 1)
    more = len(found) > limit
    found = found[:limit]
    a = Application.__table__.c
    details: dict[tuple[str, dt.date | None], list[tuple[int, int, str, str, dt.date]]] = defaultdict(list)
    references = sorted({row[0] for row in found})
    if references:
        stmt = (select(a.id, a.agency_id, a.reference, a.due, a.applicant, a.applicant_type, a.received)
                .where(a.agency_id.in_(ids), a.status == "open", a.reference.in_(references))
                .order_by(a.agency_id, a.id))
        for r in session.execute(stmt):
            details[(r.reference, r.due)].append((r.id, r.agency_id, r.applicant, r.applicant_type, r.received))
    items: list[DueItem] = []
    for reference, due, left, provisional in found:
        same = details.get((reference, due))
        if not same:  # changed between the two queries: shown again on the next load
            continue
        case_id, agency_id, applicant, kind, received = same.pop(0)
        items.append(DueItem(case_id, agency_id, reference, applicant, kind, received, due, left, "", provisional))
    suspended = [i.id for i in items if i.deadline is None]
    if suspended:
        why = suspension_reasons(session, suspended)
        items = [DueItem(i.id, i.agency_id, i.reference, i.applicant, i.applicant_type, i.received, i.deadline,
                         i.days_left, why.get(i.id, "暂停计算")) if i.deadline is None else i for i in items]
    return items, more


def suspension_reasons(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """Why each of these open cases has no running deadline, in Chinese, from one grouped query."""
    e = Event.__table__.c
    stmt = (select(e.application_id, e.kind, func.count(), func.max(e.on), func.max(e.until))
            .where(e.application_id.in_(case_ids),
                   e.kind.in_(("correction_requested", "correction_received", "consultation_opened",
                               "consultation_closed", "fee_notice", "fee_paid")))
            .group_by(e.application_id, e.kind))
    seen: dict[int, dict[str, tuple[int, dt.date | None, dt.date | None]]] = defaultdict(dict)
    for case_id, kind, count, last_on, last_until in session.execute(stmt):
        seen[case_id][kind] = (int(count), _as_date(last_on), _as_date(last_until))
    out: dict[int, str] = {}
    for case_id, kinds in seen.items():
        reasons = []
        asked, got = kinds.get("correction_requested"), kinds.get("correction_received")
        if asked and asked[0] > (got[0] if got else 0):
            until = f"，补正期限至 {asked[2].isoformat()}" if asked[2] else ""
            reasons.append(f"等待申请人补正（{asked[1]} 发出补正通知{until}）" if asked[1] else "等待申请人补正")
        opened, closed = kinds.get("consultation_opened"), kinds.get("consultation_closed")
        if opened and opened[0] > (closed[0] if closed else 0):
            reasons.append(f"征求意见中（{opened[1]} 起，期间不计入答复期限）")
        notice, paid = kinds.get("fee_notice"), kinds.get("fee_paid")
        if notice and notice[0] > (paid[0] if paid else 0):
            reasons.append(f"等待缴费（{notice[1]} 发出收费通知）")
        out[case_id] = "；".join(reasons) or "暂停计算"
    return out


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def next_reference(session: Session, agency_id: int, year: int) -> str:
    """The next free reference of the agency's ``YYYY-NNNN`` series (``2026-0042`` after ``2026-0041``)."""
    a = Application.__table__.c
    prefix = f"{year}-"
    numbers = [int(tail) for ref in session.scalars(
        select(a.reference).where(a.agency_id == agency_id, a.reference.like(f"{prefix}%")))
        if (tail := ref[len(prefix):]).isdigit() and len(tail) <= 9]
    return f"{prefix}{(max(numbers, default=0) + 1):04d}"
