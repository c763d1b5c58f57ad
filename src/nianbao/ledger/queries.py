"""Reading the ledger: the case list, the due list and board, the next free reference.

The callers say which agencies to read (their ids); who may see which agency is the web's business.
Everything here is a handful of queries whatever the size of the ledger:

- `list_cases` / `list_page`: the cases matching `Filters`, oldest or newest first, paged in SQL (one
  count, one page of rows); working days left come from one `WorkdayIndex` built for the rows' deadlines;
- `due_cases`: open cases by working days left, one grouped query over ``ix_applications_due``;
  `due_board` adds one query for the rows' details and one (`suspension_reasons`) for why the
  suspended cases are suspended.

Nothing computes a deadline per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

from sqlalchemy import ColumnElement, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from nianbao.ledger import fees
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.vocabulary import ApplicationStatus, EventKind
from nianbao.store.models import Application, Event

#: Characters of the request text shown in the list.
SUMMARY_CHARS = 40
#: Joins the references of one deadline in `due_cases`; references may not contain control characters.
_SEP = "\x1f"
_OPEN = ApplicationStatus.OPEN.value


class WorkdayIndex:
    """Working-day ordinals over a span of dates, so that days left is O(1) per case.

    ``ordinal(d)`` is the number of working days after the span's first day up to and including
    `d`; `left(due, today)` equals `deadlines.workdays_left(due, today, calendar)`.
    """

    def __init__(self, calendar: WorkingCalendar, first: dt.date, last: dt.date) -> None:
        self.first = first
        ords: list[int] = []
        n = 0
        d = first
        one = dt.timedelta(days=1)
        while d <= last:
            if d != first and calendar.is_workday(d):
                n += 1
            ords.append(n)
            d += one
        self._ords = ords

    def ordinal(self, d: dt.date) -> int:
        i = (d - self.first).days
        if not 0 <= i < len(self._ords):
            raise LedgerError(f"日期 {d} 超出工作日索引范围")
        return self._ords[i]

    def left(self, due: dt.date, today: dt.date) -> int:
        n = self.ordinal(due) - self.ordinal(today)
        return n if today <= due else min(-1, n)


def _index_for(dates: Iterable[dt.date], today: dt.date, calendar: WorkingCalendar) -> WorkdayIndex:
    span = [today, *dates]
    return WorkdayIndex(calendar, min(span), max(span))


def workday_index(
    calendar: WorkingCalendar, dates: Sequence[dt.date], today: dt.date
) -> tuple[WorkdayIndex | None, str]:
    """An index over `dates` and today, or None with the Chinese reason (a year the calendar lacks)."""
    try:
        return _index_for(dates, today, calendar), ""
    except LedgerError as exc:
        return None, f"无法计算剩余工作日：{exc}"


# --------------------------------------------------------------------------------------------
# The case list
# --------------------------------------------------------------------------------------------


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
class CaseRow:
    """One case as listed (the web list and API, `nianbao ledger list`)."""

    id: int
    agency_id: int
    reference: str
    received: dt.date
    applicant_type: str
    applicant: str
    summary: str  # the request's first `SUMMARY_CHARS` characters, "…" when cut
    status: str
    deadline: dt.date | None
    days_left: int | None  # open cases: working days left, 0 on the due day, negative when overdue
    outcome: str | None
    closed: dt.date | None

    def to_dict(self) -> dict[str, object]:
        """What `nianbao ledger list --output jsonl` prints of the row."""
        return {
            "reference": self.reference,
            "received": self.received.isoformat(),
            "applicant_type": self.applicant_type,
            "status": self.status,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "outcome": self.outcome,
            "closed": self.closed.isoformat() if self.closed else None,
        }


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
        found.append(
            or_(
                a.reference.ilike(pattern, escape="\\"),
                a.applicant.ilike(pattern, escape="\\"),
                a.request.ilike(pattern, escape="\\"),
            )
        )
    return found


def count_cases(session: Session, agency_ids: Sequence[int], filters: Filters = Filters()) -> int:
    """How many cases of these agencies match `filters`."""
    if not agency_ids:
        return 0
    where = _conditions(agency_ids, filters)
    return int(session.scalar(select(func.count()).select_from(Application.__table__).where(*where)) or 0)


def list_cases(
    session: Session,
    agency_ids: Sequence[int],
    today: dt.date,
    calendar: WorkingCalendar,
    filters: Filters = Filters(),
    *,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[CaseRow], str]:
    """The cases matching `filters` with working days left for open ones, and a warning or "".

    Oldest receipt first (by reference within a day), or with ``newest_first`` newest first (the latest
    registered first within a day); ``limit`` and ``offset`` page in SQL.
    """
    if not agency_ids:
        return [], ""
    a = Application.__table__.c
    order = (a.received.desc(), a.id.desc()) if newest_first else (a.received, a.reference)
    stmt = (
        select(
            a.id,
            a.agency_id,
            a.reference,
            a.received,
            a.applicant_type,
            a.applicant,
            func.substr(a.request, 1, SUMMARY_CHARS + 1).label("summary"),
            a.status,
            a.due,
            a.outcome,
            a.closed,
        )
        .where(*_conditions(agency_ids, filters))
        .order_by(*order)
    )
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    elif offset:
        stmt = stmt.offset(offset)
    found = session.execute(stmt).all()
    dues = [r.due for r in found if r.status == _OPEN and r.due is not None]
    index, warning = workday_index(calendar, dues, today) if dues else (None, "")
    rows = []
    for r in found:
        summary = r.summary or ""
        if len(summary) > SUMMARY_CHARS:
            summary = summary[:SUMMARY_CHARS] + "…"
        left = index.left(r.due, today) if index is not None and r.status == _OPEN and r.due is not None else None
        rows.append(
            CaseRow(
                r.id,
                r.agency_id,
                r.reference,
                r.received,
                r.applicant_type,
                r.applicant,
                summary,
                r.status,
                r.due,
                left,
                r.outcome,
                r.closed,
            )
        )
    return rows, warning


def list_page(
    session: Session,
    agency_ids: Sequence[int],
    filters: Filters,
    today: dt.date,
    calendar: WorkingCalendar,
    limit: int,
    offset: int,
) -> tuple[int, list[CaseRow], str]:
    """(total matching, this page's rows, a warning or "") — newest receipt first."""
    if not agency_ids:
        return 0, [], ""
    total = count_cases(session, agency_ids, filters)
    rows, warning = list_cases(
        session, agency_ids, today, calendar, filters, newest_first=True, limit=limit, offset=offset
    )
    return total, rows, warning


# --------------------------------------------------------------------------------------------
# Open cases by deadline: the due list and the due board
# --------------------------------------------------------------------------------------------

#: One open case of the `due` list: (reference, deadline, working days left, deadline provisional). The
#: deadline is None while suspended (补正 awaited, consultation or fee payment open); days left are 0 on the
#: due day and negative when overdue. A plain tuple: building 100,000 of them must stay cheap.
DueRow = tuple[str, dt.date | None, int | None, bool]


def due_dict(row: DueRow) -> dict[str, object]:
    reference, deadline, days_left, provisional = row
    return {
        "reference": reference,
        "deadline": deadline.isoformat() if deadline else None,
        "days_left": days_left,
        "provisional": provisional,
    }


def due_cases(
    session: Session, agency_ids: Sequence[int], today: dt.date, calendar: WorkingCalendar, limit: int | None = None
) -> list[DueRow]:
    """Open cases by working days left, overdue first; suspended ones (no deadline running) last.

    One query over the covering index ``ix_applications_due`` returns, per distinct stored deadline in
    deadline order, the references of the open cases due that day (aggregated by the database:
    ``group_concat`` / ``string_agg``). Days left come from a working-day index built once for the span
    of deadlines, so each deadline costs O(1) and each case only a tuple.
    """
    a = Application.__table__.c
    grouped = (
        select(type_coerce(a.due, String), func.aggregate_strings(a.reference, _SEP), a.due_provisional)
        .where(a.agency_id.in_(agency_ids), a.status == _OPEN, a.due.is_not(None))
        .group_by(a.due, a.due_provisional)
        .order_by(a.due, a.due_provisional)
    )
    groups = session.execute(grouped).all()
    rows: list[DueRow] = []
    if groups:
        index = _index_for((_as_date(groups[0][0]), _as_date(groups[-1][0])), today, calendar)
        for stored, references, provisional in groups:
            due = _as_date(stored)
            same_day = references.split(_SEP)
            same_day.sort()
            rows.extend(
                zip(same_day, repeat(due), repeat(index.left(due, today)), repeat(bool(provisional)), strict=False)
            )
            if limit is not None and len(rows) >= limit:
                return rows[:limit]
    more = None if limit is None else limit - len(rows)
    suspended = session.scalars(
        select(a.reference)
        .where(a.agency_id.in_(agency_ids), a.status == _OPEN, a.due.is_(None))
        .order_by(a.reference)
        .limit(more)
    )
    rows += [(reference, None, None, False) for reference in suspended]
    return rows


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_date_or_none(value: object) -> dt.date | None:
    return None if value is None else _as_date(value)


@dataclass(frozen=True)
class DueItem:
    """One open case of the due board."""

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


def due_board(
    session: Session, agency_ids: Sequence[int], today: dt.date, calendar: WorkingCalendar, limit: int
) -> tuple[list[DueItem], bool]:
    """Open cases of these agencies by working days left (overdue first), suspended ones last with why.

    Returns the rows (at most `limit`) and whether more were left out.
    """
    if not agency_ids:
        return [], False
    found = due_cases(session, agency_ids, today, calendar, limit + 1)
    more = len(found) > limit
    found = found[:limit]
    a = Application.__table__.c
    details: dict[tuple[str, dt.date | None], list[tuple[int, int, str, str, dt.date]]] = defaultdict(list)
    references = sorted({row[0] for row in found})
    if references:
        stmt = (
            select(a.id, a.agency_id, a.reference, a.due, a.applicant, a.applicant_type, a.received)
            .where(a.agency_id.in_(agency_ids), a.status == _OPEN, a.reference.in_(references))
            .order_by(a.agency_id, a.id)
        )
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
        items = [
            DueItem(
                i.id,
                i.agency_id,
                i.reference,
                i.applicant,
                i.applicant_type,
                i.received,
                i.deadline,
                i.days_left,
                why.get(i.id, "暂停计算"),
            )
            if i.deadline is None
            else i
            for i in items
        ]
    return items, more


_PAIRED = (
    EventKind.CORRECTION_REQUESTED,
    EventKind.CORRECTION_RECEIVED,
    EventKind.CONSULTATION_OPENED,
    EventKind.CONSULTATION_CLOSED,
    EventKind.FEE_NOTICE,
    EventKind.FEE_PAID,
)


def suspension_reasons(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """Why each of these open cases has no running deadline, in Chinese, from one grouped query."""
    e = Event.__table__.c
    stmt = (
        select(e.application_id, e.kind, func.count(), func.max(e.on), func.max(e.until))
        .where(e.application_id.in_(case_ids), e.kind.in_([k.value for k in _PAIRED]))
        .group_by(e.application_id, e.kind)
    )
    seen: dict[int, dict[str, tuple[int, dt.date | None, dt.date | None]]] = defaultdict(dict)
    for case_id, kind, count, last_on, last_until in session.execute(stmt):
        seen[case_id][kind] = (int(count), _as_date_or_none(last_on), _as_date_or_none(last_until))
    out: dict[int, str] = {}
    for case_id, kinds in seen.items():
        reasons = []
        asked, got = kinds.get(EventKind.CORRECTION_REQUESTED), kinds.get(EventKind.CORRECTION_RECEIVED)
        if asked and asked[0] > (got[0] if got else 0):
            until = f"，补正期限至 {asked[2].isoformat()}" if asked[2] else ""
            reasons.append(f"等待申请人补正（{asked[1]} 发出补正通知{until}）" if asked[1] else "等待申请人补正")
        opened, closed = kinds.get(EventKind.CONSULTATION_OPENED), kinds.get(EventKind.CONSULTATION_CLOSED)
        if opened and opened[0] > (closed[0] if closed else 0):
            reasons.append(f"征求意见中（{opened[1]} 起，期间不计入答复期限）")
        notice, paid = kinds.get(EventKind.FEE_NOTICE), kinds.get(EventKind.FEE_PAID)
        if notice and notice[0] > (paid[0] if paid else 0):
            reasons.append(f"等待缴费（{notice[1]} 发出收费通知）")
        out[case_id] = "；".join(reasons) or "暂停计算"
    return out


def next_reference(session: Session, agency_id: int, year: int) -> str:
    """The next free reference of the agency's ``YYYY-NNNN`` series (``2026-0042`` after ``2026-0041``)."""
    a = Application.__table__.c
    prefix = f"{year}-"
    numbers = [
        int(tail)
        for ref in session.scalars(select(a.reference).where(a.agency_id == agency_id, a.reference.like(f"{prefix}%")))
        if (tail := ref[len(prefix) :]).isdigit() and len(tail) <= 9
    ]
    return f"{prefix}{(max(numbers, default=0) + 1):04d}"


def fee_quote(session: Session, case: Application, pages: int | None = None) -> fees.FeeQuote | None:
    """The 信息处理费 of this case: by pages when given, else by count (the applicant's n-th this month).

    By count needs the applicant's name: the cases of the same applicant received earlier in the same
    calendar month by the same agency are counted. None when neither basis applies.
    """
    if pages is not None:
        return fees.quote(pages=pages)
    if not case.applicant:
        return None
    a = Application.__table__.c
    first = case.received.replace(day=1)
    before = session.scalar(
        select(func.count())
        .select_from(Application.__table__)
        .where(
            a.agency_id == case.agency_id,
            a.applicant == case.applicant,
            a.received >= first,
            (a.received < case.received) | ((a.received == case.received) & (a.id < case.id)),
        )
    )
    return fees.quote(applications_this_month_before=int(before or 0))
