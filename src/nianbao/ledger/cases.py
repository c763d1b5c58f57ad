"""The ledger's service functions: agencies, cases, their append-only events, appeals, deadlines.

Every change goes through here, inside the caller's session (one transaction per command):

- `add_case` registers an application (with a ``registered`` event) and stores its deadline;
- `add_event` appends one event (补正, 延期, 征求意见, 收费, 答复) and recomputes the deadline with
  `deadlines.compute_deadline` from all the case's events; the deadline is stored on the case;
- `close_case` appends the ``closed`` event and records the final outcome row;
- `add_appeal` / `decide_appeal` keep the 复议/诉讼 cases of table 四.

Events are never updated or deleted: there is no function that would, and the database refuses it
(triggers, migration 0001). A case changed by someone else since it was read raises `StaleCase`
(optimistic concurrency on `Application.version`; pass ``expected_version`` to compare with the
version a person saw). Every error is a `LedgerError` with a one-line Chinese message naming the case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

from sqlalchemy import String, func, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.deadlines import Deadline, Step, compute_deadline
from nianbao.store.models import (
    APPEAL_RESULTS,
    APPEAL_ROUTES,
    APPLICANT_TYPES,
    CHANNELS,
    OUTCOMES,
    Agency,
    Appeal,
    Application,
    CalendarDay,
    CalendarYear,
    Event,
)

APPLICANT_LABELS: dict[str, str] = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
    "nonprofit": "社会公益组织", "legal_services": "法律服务机构", "other_org": "其他",
}
_APPLICANT_ALIASES: dict[str, str] = {"社会组织": "nonprofit", "其他组织": "other_org"}

CHANNEL_LABELS: dict[str, str] = {
    "in_person": "当面", "post": "邮寄", "letter": "平信", "online": "网络", "fax": "传真", "other": "其他",
}
_CHANNEL_ALIASES: dict[str, str] = {"当面提交": "in_person", "挂号信": "post", "快递": "post", "信函": "letter",
                                    "互联网": "online", "网上": "online", "电子邮件": "online", "邮箱": "online"}

EVENT_LABELS: dict[str, str] = {
    "registered": "登记收到申请", "correction_requested": "发出补正通知", "correction_received": "收到补正",
    "extension": "延期", "consultation_opened": "征求意见", "consultation_closed": "征求意见结束",
    "fee_notice": "发出收费通知", "fee_paid": "缴费", "answered": "答复送达", "closed": "办结",
    "deadline_recomputed": "答复期限重新计算",
}
#: Kinds the system records by itself (not a handling step; a case's closing date does not follow them).
SYSTEM_KINDS: tuple[str, ...] = ("deadline_recomputed",)
#: The kinds a person records with `add_event` (``registered`` and ``closed`` have their own functions).
RECORDABLE: tuple[str, ...] = ("correction_requested", "correction_received", "extension", "consultation_opened",
                               "consultation_closed", "fee_notice", "fee_paid", "answered")
_EVENT_ALIASES: dict[str, str] = {"补正通知": "correction_requested", "补正": "correction_requested",
                                  "补正答复": "correction_received", "收到补正": "correction_received",
                                  "征求意见开始": "consultation_opened", "收费通知": "fee_notice",
                                  "答复": "answered"}

ROUTE_LABELS: dict[str, str] = {"review": "行政复议", "litigation_direct": "未经复议直接起诉",
                                "litigation_after_review": "复议后起诉"}
RESULT_LABELS: dict[str, str] = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                                 "pending": "尚未审结"}


class LedgerError(Exception):
    """A ledger operation refused, with a one-line Chinese message naming the case or file."""


class NotFound(LedgerError):
    pass


class StaleCase(LedgerError):
    """The case was changed by someone else after it was read."""


# --------------------------------------------------------------------------------------------
# Vocabulary: accept the keys and the printed Chinese labels
# --------------------------------------------------------------------------------------------

def _lookup(text: str, labels: dict[str, str], aliases: dict[str, str], what: str) -> str:
    value = text.strip()
    if value in labels:
        return value
    by_label = {v: k for k, v in labels.items()} | aliases
    if value in by_label:
        return by_label[value]
    choices = "、".join(f"{v}（{k}）" for k, v in labels.items())
    raise LedgerError(f"{what}“{text}”无法识别，应为：{choices}")


def applicant_type(text: str) -> str:
    """`natural_person` … `other_org` from a key or its label (自然人, 商业企业, …)."""
    return _lookup(text, APPLICANT_LABELS, _APPLICANT_ALIASES, "申请人类型")


def channel(text: str) -> str:
    return _lookup(text, CHANNEL_LABELS, _CHANNEL_ALIASES, "申请渠道")


def event_kind(text: str) -> str:
    kind = _lookup(text, EVENT_LABELS, _EVENT_ALIASES, "事件类型")
    if kind not in RECORDABLE:
        raise LedgerError(f"事件类型“{text}”不能直接登记：登记申请用 add，办结用 close")
    return kind


def outcome(text: str) -> str:
    """An outcome row key of table 三 (`granted`, `withheld.third_party_rights`, …)."""
    value = text.strip()
    if value.startswith("applications."):
        value = value[len("applications."):]
    if value not in OUTCOMES:
        raise LedgerError(f"办理结果“{text}”不是表三的办理结果行，应为：{'、'.join(OUTCOMES)}")
    return value


def appeal_route(text: str) -> str:
    return _lookup(text, ROUTE_LABELS, {"复议": "review", "直接起诉": "litigation_direct",
                                        "复议后诉讼": "litigation_after_review"}, "复议诉讼类别")


def appeal_result(text: str) -> str:
    return _lookup(text, RESULT_LABELS, {"维持": "upheld", "纠正": "corrected", "其他": "other",
                                         "未审结": "pending"}, "复议诉讼结果")


def parse_date(text: str, what: str = "日期") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise LedgerError(f"{what}“{text}”无效，应为 YYYY-MM-DD") from None


# --------------------------------------------------------------------------------------------
# Agencies
# --------------------------------------------------------------------------------------------

def find_agency(session: Session, name: str) -> Agency:
    found = session.scalar(select(Agency).where(Agency.name == name.strip()))
    if found is None:
        raise NotFound(f"机关“{name}”不在台账中")
    return found


def get_or_create_agency(session: Session, name: str) -> tuple[Agency, bool]:
    """The agency named `name`, created when new; the flag says whether it was created."""
    name = name.strip()
    if not name:
        raise LedgerError("机关名称不能为空")
    found = session.scalar(select(Agency).where(Agency.name == name))
    if found is not None:
        return found, False
    agency = Agency(name=name)
    session.add(agency)
    session.flush()
    return agency, True


def set_agency(session: Session, name: str, *, level: str | None = None, parent: str | None = None) -> Agency:
    """Create or update an agency's level and parent (the parent must exist; no cycles)."""
    agency, _ = get_or_create_agency(session, name)
    if level is not None:
        agency.level = level.strip()
    if parent is not None:
        if not parent.strip():
            agency.parent = None
        else:
            above = find_agency(session, parent)
            walk: Agency | None = above
            while walk is not None:
                if walk.id == agency.id:
                    raise LedgerError(f"机关“{name}”不能隶属于“{parent}”：会形成循环")
                walk = walk.parent
            agency.parent = above
    session.flush()
    return agency


def descendants(session: Session, agency: Agency) -> list[int]:
    """The ids of `agency` and every agency below it (for roll-ups)."""
    children: dict[int | None, list[int]] = {}
    for aid, parent_id in session.execute(select(Agency.id, Agency.parent_id)):
        children.setdefault(parent_id, []).append(aid)
    out, todo = [], [agency.id]
    while todo:
        aid = todo.pop()
        if aid in out:
            continue
        out.append(aid)
        todo.extend(children.get(aid, []))
    return out


# --------------------------------------------------------------------------------------------
# Calendar overrides kept in the database
# --------------------------------------------------------------------------------------------

def load_calendar(session: Session) -> WorkingCalendar:
    """The working calendar: `chinesecalendar` corrected by the overrides stored in the ledger."""
    overrides: dict[dt.date, bool] = dict(session.execute(select(CalendarDay.day, CalendarDay.workday)).all())
    years = session.scalars(select(CalendarYear.year)).all()
    return WorkingCalendar(overrides, years)


def store_calendar(session: Session, overrides: dict[dt.date, bool], years: Iterable[int]) -> tuple[int, int]:
    """Store (or replace) day overrides and declare years complete; returns (days, years) stored."""
    for day, working in overrides.items():
        session.merge(CalendarDay(day=day, workday=working))
    new_years = set(years) - set(session.scalars(select(CalendarYear.year)).all())
    session.add_all(CalendarYear(year=y) for y in sorted(new_years))
    session.flush()
    return len(overrides), len(new_years)


def calendar_change(overrides: dict[dt.date, bool], years: Iterable[int]) -> str:
    """The reason recorded on recomputed deadlines after loading `overrides` and `years`."""
    declared = sorted(set(years))
    if declared:
        return f"工作日历更新（导入{'、'.join(str(y) for y in declared)}年国务院放假安排）"
    return f"工作日历更正（{len(overrides)} 个日期）"


def settle_deadlines(session: Session, today: dt.date, reason: str, *, provisional_only: bool = False) -> int:
    """Recompute the stored deadline of every open case with the calendar as it now is; returns how many changed.

    A case whose due date or provisional mark changes gets a ``deadline_recomputed`` event dated `today`
    whose note gives the old and the new deadline and `reason` (the calendar change behind it). Closed
    cases keep theirs. With ``provisional_only`` only provisional deadlines are looked at (cheap: what a
    newer ``chinesecalendar`` may have made exact, checked at start-up).

    ``due`` is derived from the events and the calendar, so it is written with a plain UPDATE that does not
    bump the case's version: a clerk editing a case meanwhile is not told someone else changed it. A case
    whose events no longer make a valid deadline keeps its stored one.
    """
    calendar = load_calendar(session)
    changed = 0
    query = select(Application).where(Application.status == "open")
    if provisional_only:
        query = query.where(Application.due_provisional.is_(True))
    for case in session.scalars(query.options(selectinload(Application.events))).all():
        try:
            found = deadline(case, calendar)
        except LedgerError:
            continue
        if found.due == case.due and found.provisional == case.due_provisional:
            continue
        before, after = _due_words(case.due, case.due_provisional), _due_words(found.due, found.provisional)
        note = f"{reason}：答复期限由{before}改为{after}"
        session.add(Event(application_id=case.id, kind="deadline_recomputed", on=max(today, case.received),
                          note=note))
        session.execute(update(Application).where(Application.id == case.id)
                        .values(due=found.due, due_provisional=found.provisional)
                        .execution_options(synchronize_session=False))
        changed += 1
    if changed:
        session.flush()
        session.expire_all()
    return changed


def _due_words(due: dt.date | None, provisional: bool) -> str:
    if due is None:
        return "暂停计算"
    return f"{due.isoformat()}{'（暂定）' if provisional else ''}"


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

#: Joins the references of one deadline in `due_cases`; references may not contain control characters.
_SEP = "\x1f"


def _name(case: Application) -> str:
    return f"案件 {case.reference}"


def find_case(session: Session, agency: Agency, reference: str) -> Application:
    case = session.scalar(select(Application).where(Application.agency_id == agency.id,
                                                    Application.reference == reference.strip()))
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
        raise StaleCase(f"{_name(case)} 已被他人修改（现为第 {case.version} 版，你看到的是第 {expected_version} 版），"
                        f"请重新读取后再试")


#: Receipt dates a ledger accepts: the regulation dates from 2008; a date far outside is a typing error.
RECEIVED_YEARS = (2000, 2199)


def add_case(session: Session, agency: Agency, reference: str, received: dt.date, applicant_type: str, *,
             calendar: WorkingCalendar, arrived: dt.date | None = None, channel: str = "other",
             applicant: str = "", contact: str = "", request: str = "",
             remarks: dict[str, str] | None = None, note: str = "") -> Application:
    """Register an application received (art. 31) on `received`; its deadline is computed and stored.

    The deadline is provisional (and stored as such) when it counts days of a year without an official
    放假安排; it is never refused for that.
    """
    reference = reference.strip()
    exists = session.scalar(select(Application.id).where(Application.agency_id == agency.id,
                                                         Application.reference == reference))
    if exists is not None:
        raise LedgerError(f"案件 {reference} 已在“{agency.name}”的台账中")
    case = new_case(agency, reference, received, applicant_type, calendar=calendar, arrived=arrived,
                    channel=channel, applicant=applicant, contact=contact, request=request, remarks=remarks,
                    note=note)
    session.add(case)
    _flush(session, case)
    return case


def new_case(agency: Agency, reference: str, received: dt.date, applicant_type: str, *,
             calendar: WorkingCalendar, arrived: dt.date | None = None, channel: str = "other",
             applicant: str = "", contact: str = "", request: str = "",
             remarks: dict[str, str] | None = None, note: str = "") -> Application:
    """A validated new case with its ``registered`` event and deadline, not yet added to any session.

    The caller makes sure the reference is new in the agency (`add_case` does; a bulk import checks all at once).
    """
    reference = reference.strip()
    if not reference:
        raise LedgerError("案号不能为空")
    if any(ord(ch) < 32 for ch in reference):
        raise LedgerError(f"案号“{reference!r}”含有控制字符")
    if applicant_type not in APPLICANT_TYPES:
        raise LedgerError(f"案件 {reference}：申请人类型“{applicant_type}”无效")
    if channel not in CHANNELS:
        raise LedgerError(f"案件 {reference}：申请渠道“{channel}”无效")
    if not RECEIVED_YEARS[0] <= received.year <= RECEIVED_YEARS[1]:
        first, last = RECEIVED_YEARS
        raise LedgerError(f"案件 {reference}：收到日期 {received} 不合理（应在 {first}–{last} 年之间）")
    if arrived is not None and arrived > received:
        raise LedgerError(f"案件 {reference}：收到日期 {received} 早于到达日期 {arrived}（条例第三十一条）")
    case = Application(agency_id=agency.id, reference=reference, received=received, arrived=arrived,
                       channel=channel, applicant_type=applicant_type, applicant=applicant.strip(),
                       contact=contact.strip(), request=request.strip(),
                       remarks=json.dumps(remarks, ensure_ascii=False) if remarks else "", status="open")
    case.events.append(Event(kind="registered", on=received, note=note))
    found = compute_deadline(received, [], calendar)
    case.due, case.due_provisional = found.due, found.provisional
    return case


def steps(events: Sequence[Event]) -> list[Step]:
    """The deadline steps the events amount to: consultations and fee notices paired with their end."""
    out: list[Step] = []
    open_consultations: list[Event] = []
    open_fee: list[Event] = []
    for e in sorted(events, key=lambda e: (e.on, e.id if e.id is not None else float("inf"))):  # unsaved: last
        if e.kind in ("correction_requested", "correction_received"):
            out.append(Step(e.kind, e.on, until=e.until if e.kind == "correction_requested" else None))
        elif e.kind == "extension":
            out.append(Step("extension", e.on, approver=e.approver, days=e.days))
        elif e.kind == "consultation_opened":
            open_consultations.append(e)
        elif e.kind == "consultation_closed":
            start = _pop_open(open_consultations, e.party)
            if start is not None:
                out.append(Step("consultation", start.on, until=e.on))
        elif e.kind == "fee_notice":
            open_fee.append(e)
        elif e.kind == "fee_paid":
            start = _pop_open(open_fee, "")
            if start is not None:
                out.append(Step("fee_notice", start.on, until=e.on))
    out.extend(Step("consultation", e.on) for e in open_consultations)
    out.extend(Step("fee_notice", e.on) for e in open_fee)
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


def add_event(session: Session, case: Application, kind: str, on: dt.date, *, calendar: WorkingCalendar,
              approver: str = "", days: int = 0, party: str = "", until: dt.date | None = None, note: str = "",
              expected_version: int | None = None) -> Event:
    """Append one event to an open case and store the deadline recomputed from all its events."""
    _check_version(case, expected_version)
    if kind not in RECORDABLE:
        raise LedgerError(f"{_name(case)}：事件类型“{kind}”不能用 event 登记")
    if case.status != "open":
        raise LedgerError(f"{_name(case)} 已于 {case.closed} 办结，不能再登记事件")
    if on < case.received:
        raise LedgerError(f"{_name(case)}：{EVENT_LABELS[kind]}日期 {on} 早于收到申请日期 {case.received}")
    if kind == "extension" and not approver.strip():
        raise LedgerError(f"{_name(case)}：延期须经政府信息公开工作机构负责人批准，请登记批准人")
    if kind != "extension" and (approver.strip() or days):
        raise LedgerError(f"{_name(case)}：只有延期登记批准人和工作日数")
    if until is not None and kind != "correction_requested":
        raise LedgerError(f"{_name(case)}：只有补正通知登记补正期限")
    if until is not None and until < on:
        raise LedgerError(f"{_name(case)}：补正期限 {until} 早于通知日期 {on}")
    if kind in ("consultation_closed", "fee_paid"):
        opener = "consultation_opened" if kind == "consultation_closed" else "fee_notice"
        opened = sum(1 for e in case.events if e.kind == opener)
        closed = sum(1 for e in case.events if e.kind == kind)
        if opened <= closed:
            raise LedgerError(f"{_name(case)}：没有尚未结束的{EVENT_LABELS[opener]}，不能登记{EVENT_LABELS[kind]}")
    event = Event(kind=kind, on=on, approver=approver.strip(), days=days, party=party.strip(), until=until,
                  note=note)
    found = _deadline_of(case, calendar, [event])  # validates the steps before anything is written
    case.events.append(event)
    case.due, case.due_provisional = found.due, found.provisional
    case.updated_at = dt.datetime.now(dt.UTC)
    _flush(session, case)
    return event


def close_case(session: Session, case: Application, outcome_key: str, on: dt.date, *, note: str = "",
               expected_version: int | None = None) -> Event:
    """Close a case with its final outcome row (partial disclosure wins: store `partially_granted`)."""
    event = close_in_memory(case, outcome_key, on, note=note, expected_version=expected_version)
    _flush(session, case)
    return event


def close_in_memory(case: Application, outcome_key: str, on: dt.date, *, note: str = "",
                    expected_version: int | None = None) -> Event:
    """`close_case` without the flush: the checks, the ``closed`` event and the case's final fields."""
    _check_version(case, expected_version)
    if outcome_key not in OUTCOMES:
        raise LedgerError(f"{_name(case)}：办理结果“{outcome_key}”不是表三的办理结果行")
    if case.status != "open":
        raise LedgerError(f"{_name(case)} 已于 {case.closed} 办结（{case.outcome}），不能再次办结")
    if on < case.received:
        raise LedgerError(f"{_name(case)}：办结日期 {on} 早于收到申请日期 {case.received}")
    last = max((e.on for e in case.events if e.kind not in SYSTEM_KINDS), default=case.received)
    if on < last:
        raise LedgerError(f"{_name(case)}：办结日期 {on} 早于最后一次办理事件（{last}）")
    event = Event(kind="closed", on=on, outcome=outcome_key, note=note)
    case.events.append(event)
    case.status, case.outcome, case.closed = "closed", outcome_key, on
    case.updated_at = dt.datetime.now(dt.UTC)
    return event


def untraceable(session: Session, agency: Agency) -> list[str]:
    """Cases whose stored figures do not follow from their events (empty when the ledger is sound).

    Every case must have been registered on its receipt date; a closed case must have exactly one
    ``closed`` event, on its closing date and with its outcome; an open case none. The year-end tables
    count the stored fields, so this is what makes each figure traceable to the events behind it.
    """
    problems: list[str] = []
    found = session.scalars(select(Application).where(Application.agency_id == agency.id)
                            .order_by(Application.reference)).all()
    for case in found:
        registered = [e for e in case.events if e.kind == "registered"]
        closings = [e for e in case.events if e.kind == "closed"]
        if [e.on for e in registered] != [case.received]:
            problems.append(f"{_name(case)}：登记事件与收到日期 {case.received} 不符")
        if case.status == "closed":
            if [(e.on, e.outcome) for e in closings] != [(case.closed, case.outcome)]:
                problems.append(f"{_name(case)}：办结事件与办结日期、办理结果不符")
        elif closings:
            problems.append(f"{_name(case)}：有办结事件，但案件仍在办理中")
    return problems


# --------------------------------------------------------------------------------------------
# Appeals (table 四)
# --------------------------------------------------------------------------------------------

def add_appeal(session: Session, agency: Agency, reference: str, route: str, filed: dt.date, *,
               application: Application | None = None, note: str = "") -> Appeal:
    if route not in APPEAL_ROUTES:
        raise LedgerError(f"复议诉讼 {reference}：类别“{route}”无效")
    if session.scalar(select(Appeal.id).where(Appeal.agency_id == agency.id, Appeal.reference == reference)):
        raise LedgerError(f"复议诉讼 {reference} 已在“{agency.name}”的台账中")
    appeal = Appeal(agency=agency, reference=reference.strip(), route=route, filed=filed,
                    application=application, note=note, result="pending")
    session.add(appeal)
    session.flush()
    return appeal


def find_appeal(session: Session, agency: Agency, reference: str) -> Appeal:
    found = session.scalar(select(Appeal).where(Appeal.agency_id == agency.id, Appeal.reference == reference))
    if found is None:
        raise NotFound(f"复议诉讼 {reference} 不在“{agency.name}”的台账中")
    return found


def decide_appeal(session: Session, appeal: Appeal, result: str, decided: dt.date) -> Appeal:
    if result not in APPEAL_RESULTS or result == "pending":
        raise LedgerError(f"复议诉讼 {appeal.reference}：结果应为维持、纠正或其他")
    if decided < appeal.filed:
        raise LedgerError(f"复议诉讼 {appeal.reference}：审结日期 {decided} 早于立案日期 {appeal.filed}")
    reference = appeal.reference
    appeal.result, appeal.decided = result, decided
    try:
        session.flush()
    except StaleDataError:
        raise StaleCase(f"复议诉讼 {reference} 已被他人修改，请重新读取后再试") from None
    return appeal


# --------------------------------------------------------------------------------------------
# Reading: lists and the `due` view
# --------------------------------------------------------------------------------------------

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


@dataclass(frozen=True)
class CaseRow:
    """One case as listed: what `list` and `due` print."""

    reference: str
    received: dt.date
    applicant_type: str
    status: str
    deadline: dt.date | None
    days_left: int | None
    outcome: str | None = None
    closed: dt.date | None = None

    def to_dict(self) -> dict[str, object]:
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


def _index_for(dates: Iterable[dt.date], today: dt.date, calendar: WorkingCalendar) -> WorkdayIndex:
    span = [today, *dates]
    return WorkdayIndex(calendar, min(span), max(span))


#: One open case of the `due` list: (reference, deadline, working days left, deadline provisional). The
#: deadline is None while suspended (补正 awaited, consultation or fee payment open); days left are 0 on the
#: due day and negative when overdue. A plain tuple: building 100,000 of them must stay cheap.
DueRow = tuple[str, dt.date | None, int | None, bool]


def due_dict(row: DueRow) -> dict[str, object]:
    reference, deadline, days_left, provisional = row
    return {"reference": reference, "deadline": deadline.isoformat() if deadline else None, "days_left": days_left,
            "provisional": provisional}


def due_cases(session: Session, agency_ids: Sequence[int], today: dt.date, calendar: WorkingCalendar,
              limit: int | None = None) -> list[DueRow]:
    """Open cases by working days left, overdue first; suspended ones (no deadline running) last.

    One query over the covering index ``ix_applications_due`` returns, per distinct stored deadline in
    deadline order, the references of the open cases due that day (aggregated by the database:
    ``group_concat`` / ``string_agg``). Days left come from a working-day index built once for the span
    of deadlines, so each deadline costs O(1) and each case only a tuple.
    """
    a = Application.__table__.c
    grouped = (
        select(type_coerce(a.due, String), func.aggregate_strings(a.reference, _SEP), a.due_provisional)
        .where(a.agency_id.in_(agency_ids), a.status == "open", a.due.is_not(None))
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
            rows.extend(zip(same_day, repeat(due), repeat(index.left(due, today)), repeat(bool(provisional)),
                            strict=False))
            if limit is not None and len(rows) >= limit:
                return rows[:limit]
    more = None if limit is None else limit - len(rows)
    suspended = session.scalars(select(a.reference).where(a.agency_id.in_(agency_ids), a.status == "open",
                                                          a.due.is_(None)).order_by(a.reference).limit(more))
    rows += [(reference, None, None, False) for reference in suspended]
    return rows


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def list_cases(session: Session, agency_ids: Sequence[int], today: dt.date, calendar: WorkingCalendar,
               status: str | None = None) -> Iterator[CaseRow]:
    """Every case (or those of one status) by receipt date, with working days left for open ones."""
    a = Application.__table__.c
    stmt = select(a.reference, a.received, a.applicant_type, a.status, a.due, a.outcome, a.closed).where(
        a.agency_id.in_(agency_ids)).order_by(a.received, a.reference)
    if status is not None:
        stmt = stmt.where(a.status == status)
    bounds = session.execute(select(func.min(a.due), func.max(a.due)).where(
        a.agency_id.in_(agency_ids), a.status == "open", a.due.is_not(None))).one()
    index = _index_for([d for d in bounds if d is not None], today, calendar) if bounds[0] is not None else None
    for r in session.execute(stmt):
        left = index.left(r.due, today) if index is not None and r.status == "open" and r.due is not None else None
        yield CaseRow(r.reference, r.received, r.applicant_type, r.status, r.due, left, r.outcome, r.closed)
