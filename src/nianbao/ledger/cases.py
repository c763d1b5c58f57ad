"""The ledger's cases and their append-only events: registering, recording steps, the deadline, closing.

Every change goes through here, inside the caller's session (one transaction per command):

- `add_case` registers an application (with a ``registered`` event) and stores its deadline;
- `add_event` appends one event (补正, 延期, 征求意见, 收费, 答复) and recomputes the deadline with
  `deadlines.compute_deadline` from all the case's events; the deadline is stored on the case;
- `close_case` appends the ``closed`` event and records the final outcome row.

Agencies are in `ledger.agencies`, the calendar kept in the database in `ledger.calendar_store`, the
复议/诉讼 cases of table 四 in `ledger.appeals`, the lists in `ledger.queries`.

Events are never updated or deleted: there is no function that would, and the database refuses it
(triggers, migration 0001). A case changed by someone else since it was read raises `StaleCase`
(optimistic concurrency on `Application.version`; pass ``expected_version`` to compare with the
version a person saw). Every error is a `LedgerError` with a one-line Chinese message naming the case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.deadlines import CONSULTATION, EXTENSION, FEE_NOTICE, Deadline, Step, compute_deadline
from nianbao.ledger.errors import LedgerError, NotFound, StaleCase
from nianbao.ledger.vocabulary import (
    RECORDABLE,
    SYSTEM_KINDS,
    ApplicantType,
    ApplicationStatus,
    Channel,
    EventKind,
    Outcome,
)
from nianbao.store.models import Agency, Application, Event

_OPEN, _CLOSED = ApplicationStatus.OPEN.value, ApplicationStatus.CLOSED.value


def _name(case: Application) -> str:
    return f"案件 {case.reference}"


def find_case(session: Session, agency: Agency, reference: str) -> Application:
    case = session.scalar(
        select(Application).where(Application.agency_id == agency.id, Application.reference == reference.strip())
    )
    if case is None:
        raise NotFound(f"案件 {reference} 不在“{agency.name}”的台账中")
    return case


def _flush(session: Session, case: Application) -> None:
    name = _name(case)  # read before the flush: a failed flush expires the object
    try:
        session.flush()
    except StaleDataError:
        raise StaleCase(f"{name} 已被他人修改，本次修改未保存；请重新读取后再试") from None
    except IntegrityError as exc:
        raise LedgerError(f"{name}：数据库拒绝保存（{_constraint(exc)}）") from None


def _constraint(exc: IntegrityError) -> str:
    text = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if "uq_applications_agency_reference" in text or "applications.agency_id, applications.reference" in text:
        return "案号在本机关已存在"
    return text


def _check_version(case: Application, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise StaleCase(
            f"{_name(case)} 已被他人修改（现为第 {case.version} 版，你看到的是第 {expected_version} 版），"
            f"请重新读取后再试"
        )


#: Receipt dates a ledger accepts: the regulation dates from 2008; a date far outside is a typing error.
RECEIVED_YEARS = (2000, 2199)


def add_case(
    session: Session,
    agency: Agency,
    reference: str,
    received: dt.date,
    applicant_type: str,
    *,
    calendar: WorkingCalendar,
    arrived: dt.date | None = None,
    channel: str = "other",
    applicant: str = "",
    contact: str = "",
    request: str = "",
    remarks: dict[str, str] | None = None,
    note: str = "",
) -> Application:
    """Register an application received (art. 31) on `received`; its deadline is computed and stored.

    The deadline is provisional (and stored as such) when it counts days of a year without an official
    放假安排; it is never refused for that.
    """
    reference = reference.strip()
    exists = session.scalar(
        select(Application.id).where(Application.agency_id == agency.id, Application.reference == reference)
    )
    if exists is not None:
        raise LedgerError(f"案件 {reference} 已在“{agency.name}”的台账中")
    case = new_case(
        agency,
        reference,
        received,
        applicant_type,
        calendar=calendar,
        arrived=arrived,
        channel=channel,
        applicant=applicant,
        contact=contact,
        request=request,
        remarks=remarks,
        note=note,
    )
    session.add(case)
    _flush(session, case)
    return case


def new_case(
    agency: Agency,
    reference: str,
    received: dt.date,
    applicant_type: str,
    *,
    calendar: WorkingCalendar,
    arrived: dt.date | None = None,
    channel: str = "other",
    applicant: str = "",
    contact: str = "",
    request: str = "",
    remarks: dict[str, str] | None = None,
    note: str = "",
) -> Application:
    """A validated new case with its ``registered`` event and deadline, not yet added to any session.

    The caller makes sure the reference is new in the agency (`add_case` does; a bulk import checks all at once).
    """
    reference = reference.strip()
    if not reference:
        raise LedgerError("案号不能为空")
    if any(ord(ch) < 32 for ch in reference):
        raise LedgerError(f"案号“{reference!r}”含有控制字符")
    if applicant_type not in ApplicantType.stored_keys():
        raise LedgerError(f"案件 {reference}：申请人类型“{applicant_type}”无效")
    if channel not in Channel.stored_keys():
        raise LedgerError(f"案件 {reference}：申请渠道“{channel}”无效")
    if not RECEIVED_YEARS[0] <= received.year <= RECEIVED_YEARS[1]:
        first, last = RECEIVED_YEARS
        raise LedgerError(f"案件 {reference}：收到日期 {received} 不合理（应在 {first}–{last} 年之间）")
    if arrived is not None and arrived > received:
        raise LedgerError(f"案件 {reference}：收到日期 {received} 早于到达日期 {arrived}（条例第三十一条）")
    case = Application(
        agency_id=agency.id,
        reference=reference,
        received=received,
        arrived=arrived,
        channel=channel,
        applicant_type=applicant_type,
        applicant=applicant.strip(),
        contact=contact.strip(),
        request=request.strip(),
        remarks=json.dumps(remarks, ensure_ascii=False) if remarks else "",
        status=_OPEN,
    )
    case.events.append(Event(kind=EventKind.REGISTERED.value, on=received, note=note))
    found = compute_deadline(received, [], calendar)
    case.due, case.due_provisional = found.due, found.provisional
    return case


def steps(events: Sequence[Event]) -> list[Step]:
    """The deadline steps the events amount to: consultations and fee notices paired with their end."""
    out: list[Step] = []
    open_consultations: list[Event] = []
    open_fee: list[Event] = []
    for e in sorted(events, key=lambda e: (e.on, e.id if e.id is not None else float("inf"))):  # unsaved: last
        if e.kind in (EventKind.CORRECTION_REQUESTED, EventKind.CORRECTION_RECEIVED):
            out.append(Step(e.kind, e.on, until=e.until if e.kind == EventKind.CORRECTION_REQUESTED else None))
        elif e.kind == EventKind.EXTENSION:
            out.append(Step(EXTENSION, e.on, approver=e.approver, days=e.days))
        elif e.kind == EventKind.CONSULTATION_OPENED:
            open_consultations.append(e)
        elif e.kind == EventKind.CONSULTATION_CLOSED:
            start = _pop_open(open_consultations, e.party)
            if start is not None:
                out.append(Step(CONSULTATION, start.on, until=e.on))
        elif e.kind == EventKind.FEE_NOTICE:
            open_fee.append(e)
        elif e.kind == EventKind.FEE_PAID:
            start = _pop_open(open_fee, "")
            if start is not None:
                out.append(Step(FEE_NOTICE, start.on, until=e.on))
    out.extend(Step(CONSULTATION, e.on) for e in open_consultations)
    out.extend(Step(FEE_NOTICE, e.on) for e in open_fee)
    return out


def _pop_open(pending: list[Event], party: str) -> Event | None:
    for i, e in enumerate(pending):
        if not party or e.party == party:
            return pending.pop(i)
    return pending.pop(0) if pending else None


def _deadline_of(case: Application, calendar: WorkingCalendar, extra: Sequence[Event] = ()) -> Deadline:
    try:
        return compute_deadline(case.received, steps([*case.events, *extra]), calendar)
    except ValueError as exc:
        raise LedgerError(f"{_name(case)}：{exc}") from None


def deadline(case: Application, calendar: WorkingCalendar) -> Deadline:
    """The case's deadline recomputed from its events, with its explanation."""
    return _deadline_of(case, calendar)


def add_event(
    session: Session,
    case: Application,
    kind: str,
    on: dt.date,
    *,
    calendar: WorkingCalendar,
    approver: str = "",
    days: int = 0,
    party: str = "",
    until: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Event:
    """Append one event to an open case and store the deadline recomputed from all its events."""
    _check_version(case, expected_version)
    if kind not in RECORDABLE:
        raise LedgerError(f"{_name(case)}：事件类型“{kind}”不能用 event 登记")
    if case.status != _OPEN:
        raise LedgerError(
            f"{_name(case)} 已于 {case.closed} 办结，不能再登记事件（{EventKind(kind).label}）；"
            "办结后申请人提起的行政复议、行政诉讼，请在本案的“行政复议、行政诉讼”中登记"
            "（命令行：nianbao ledger appeal），审结后记录结果"
        )
    if on < case.received:
        raise LedgerError(f"{_name(case)}：{EventKind(kind).label}日期 {on} 早于收到申请日期 {case.received}")
    if kind == EventKind.EXTENSION and not approver.strip():
        raise LedgerError(f"{_name(case)}：延期须经政府信息公开工作机构负责人批准，请登记批准人")
    if kind != EventKind.EXTENSION and (approver.strip() or days):
        raise LedgerError(f"{_name(case)}：只有延期登记批准人和工作日数")
    if until is not None and kind != EventKind.CORRECTION_REQUESTED:
        raise LedgerError(f"{_name(case)}：只有补正通知登记补正期限")
    if until is not None and until < on:
        raise LedgerError(f"{_name(case)}：补正期限 {until} 早于通知日期 {on}")
    if kind in (EventKind.CONSULTATION_CLOSED, EventKind.FEE_PAID):
        opener = EventKind.CONSULTATION_OPENED if kind == EventKind.CONSULTATION_CLOSED else EventKind.FEE_NOTICE
        opened = sum(1 for e in case.events if e.kind == opener)
        closed = sum(1 for e in case.events if e.kind == kind)
        if opened <= closed:
            raise LedgerError(f"{_name(case)}：没有尚未结束的{opener.label}，不能登记{EventKind(kind).label}")
    event = Event(kind=kind, on=on, approver=approver.strip(), days=days, party=party.strip(), until=until, note=note)
    found = _deadline_of(case, calendar, [event])  # validates the steps before anything is written
    case.events.append(event)
    case.due, case.due_provisional = found.due, found.provisional
    case.updated_at = dt.datetime.now(dt.UTC)
    _flush(session, case)
    return event


def close_case(
    session: Session,
    case: Application,
    outcome_key: str,
    on: dt.date,
    *,
    note: str = "",
    expected_version: int | None = None,
) -> Event:
    """Close a case with its final outcome row (partial disclosure wins: store `partially_granted`)."""
    event = close_in_memory(case, outcome_key, on, note=note, expected_version=expected_version)
    _flush(session, case)
    return event


def close_in_memory(
    case: Application, outcome_key: str, on: dt.date, *, note: str = "", expected_version: int | None = None
) -> Event:
    """`close_case` without the flush: the checks, the ``closed`` event and the case's final fields."""
    _check_version(case, expected_version)
    if outcome_key not in Outcome.stored_keys():
        raise LedgerError(f"{_name(case)}：办理结果“{outcome_key}”不是表三的办理结果行")
    if case.status != _OPEN:
        raise LedgerError(f"{_name(case)} 已于 {case.closed} 办结（{case.outcome}），不能再次办结")
    if on < case.received:
        raise LedgerError(f"{_name(case)}：办结日期 {on} 早于收到申请日期 {case.received}")
    last = max((e.on for e in case.events if e.kind not in SYSTEM_KINDS), default=case.received)
    if on < last:
        raise LedgerError(f"{_name(case)}：办结日期 {on} 早于最后一次办理事件（{last}）")
    event = Event(kind=EventKind.CLOSED.value, on=on, outcome=outcome_key, note=note)
    case.events.append(event)
    case.status, case.outcome, case.closed = _CLOSED, outcome_key, on
    case.updated_at = dt.datetime.now(dt.UTC)
    return event


def untraceable(session: Session, agency: Agency) -> list[str]:
    """Cases whose stored figures do not follow from their events (empty when the ledger is sound).

    Every case must have been registered on its receipt date; a closed case must have exactly one
    ``closed`` event, on its closing date and with its outcome; an open case none. The year-end tables
    count the stored fields, so this is what makes each figure traceable to the events behind it.
    """
    problems: list[str] = []
    found = session.scalars(
        select(Application).where(Application.agency_id == agency.id).order_by(Application.reference)
    ).all()
    for case in found:
        registered = [e for e in case.events if e.kind == EventKind.REGISTERED]
        closings = [e for e in case.events if e.kind == EventKind.CLOSED]
        if [e.on for e in registered] != [case.received]:
            problems.append(f"{_name(case)}：登记事件与收到日期 {case.received} 不符")
        if case.status == _CLOSED:
            if [(e.on, e.outcome) for e in closings] != [(case.closed, case.outcome)]:
                problems.append(f"{_name(case)}：办结事件与办结日期、办理结果不符")
        elif closings:
            problems.append(f"{_name(case)}：有办结事件，但案件仍在办理中")
    return problems
