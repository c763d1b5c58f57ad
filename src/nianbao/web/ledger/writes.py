"""Changing the ledger from the web: the library's service calls, guarded so a refusal never costs the request.

Each write runs in a SAVEPOINT (`guarded`): when the library refuses (`LedgerError`, a stale version,
a constraint the database enforces) the savepoint is rolled back and a `Refused` carries the status and
the Chinese message, so a page can show the form again in the same request without anything half-written
being committed at its end. Text is checked here against the column sizes and for NUL characters, which
PostgreSQL refuses outright.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from nianbao.ledger import appeals, cases
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError, StaleCase
from nianbao.ledger.vocabulary import parse_date
from nianbao.store import db
from nianbao.store.models import Agency, Appeal, Application
from nianbao.web.core.errors import BUSY

STALE = "该案件已被他人修改，请刷新后重试"

#: Column sizes of the ledger's tables (store/models.py), and a bound for free text.
LIMITS = {"reference": 100, "applicant": 200, "contact": 200, "approver": 100, "party": 200, "text": 20000}


class Refused(Exception):
    """A write refused: the HTTP status and one Chinese line (plus the bad lines of an import)."""

    def __init__(self, status: int, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


@contextmanager
def guarded(session: Session) -> Iterator[None]:
    """Run a write in a savepoint; turn every refusal into `Refused` (the savepoint rolled back)."""
    try:
        with session.begin_nested():
            yield
    except StaleCase as exc:
        versions = re.search(r"（现为第 \d+ 版，你看到的是第 \d+ 版）", str(exc))
        raise Refused(409, STALE + (versions.group(0) if versions else "")) from None
    except LedgerError as exc:
        raise Refused(400, str(exc)) from None
    except IntegrityError:
        raise Refused(409, "数据库拒绝保存：与已有记录冲突（可能刚被他人登记），请刷新后重试") from None
    except DataError:  # PostgreSQL: a value too long for its column, or a character it cannot store
        raise Refused(400, "数据库拒绝保存：内容超出长度限制或含有无法保存的字符") from None
    except DBAPIError as exc:
        if db.is_busy(exc):
            raise Refused(503, BUSY) from None
        raise  # a real fault: the error handler logs it and says so (500), never a made-up reason


def text(value: str | None, what: str, limit: int = LIMITS["text"]) -> str:
    """`value` stripped; refused when longer than `limit` characters or holding a NUL character."""
    value = (value or "").strip()
    if "\x00" in value:
        raise Refused(400, f"{what}含有无法保存的空字符（\\x00）")
    if len(value) > limit:
        raise Refused(400, f"{what}过长：最多 {limit} 个字符，现为 {len(value)} 个")
    return value


def day(value: str | None, what: str, *, default: dt.date | None = None) -> dt.date | None:
    """A YYYY-MM-DD date from a form (empty: `default`)."""
    value = (value or "").strip()
    if not value:
        return default
    try:
        return parse_date(value, what)
    except LedgerError as exc:
        raise Refused(400, str(exc)) from None


def word(parse: Callable[[str], str], value: str | None, what: str) -> str:
    """A vocabulary word (key or Chinese label) through one of the `ledger.vocabulary` parsers."""
    if not (value or "").strip():
        raise Refused(400, f"请选择{what}")
    try:
        found = parse(value or "")
    except LedgerError as exc:
        raise Refused(400, str(exc)) from None
    return found


def register(
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
) -> Application:
    """Register a case (cases.add_case) after checking the text against the column sizes."""
    reference = text(reference, "编号", LIMITS["reference"])
    if not reference:
        raise Refused(400, "编号不能为空")
    applicant = text(applicant, "申请人", LIMITS["applicant"])
    contact = text(contact, "联系方式", LIMITS["contact"])
    request = text(request, "申请内容")
    with guarded(session):
        case = cases.add_case(
            session,
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
        )
    return case


def record(
    session: Session,
    case: Application,
    kind: str,
    on: dt.date,
    *,
    calendar: WorkingCalendar,
    until: dt.date | None = None,
    approver: str = "",
    days: int = 0,
    party: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> None:
    """Append one step (cases.add_event); the stored deadline moves with it."""
    approver = text(approver, "批准人", LIMITS["approver"])
    party = text(party, "征求意见对象", LIMITS["party"])
    note = text(note, "备注")
    if not 0 <= days <= 366:
        raise Refused(400, f"延期工作日数 {days} 无效")
    with guarded(session):
        cases.add_event(
            session,
            case,
            kind,
            on,
            calendar=calendar,
            until=until,
            approver=approver,
            days=days,
            party=party,
            note=note,
            expected_version=expected_version,
        )


def close(
    session: Session,
    case: Application,
    outcome: str,
    on: dt.date,
    *,
    note: str = "",
    expected_version: int | None = None,
) -> None:
    note = text(note, "备注")
    with guarded(session):
        cases.close_case(session, case, outcome, on, note=note, expected_version=expected_version)


def add_appeal(
    session: Session, case: Application, reference: str, route: str, filed: dt.date, *, note: str = ""
) -> Appeal:
    reference = text(reference, "复议诉讼案号", LIMITS["reference"])
    if not reference:
        raise Refused(400, "请填写复议或诉讼的案号")
    if filed < case.received:
        raise Refused(400, f"立案日期 {filed} 早于收到申请日期 {case.received}")
    note = text(note, "备注")
    with guarded(session):
        appeal = appeals.add_appeal(session, case.agency, reference, route, filed, application=case, note=note)
    return appeal


def decide(session: Session, appeal: Appeal, result: str, decided: dt.date) -> None:
    if appeal.result != "pending":
        raise Refused(400, f"复议诉讼 {appeal.reference} 已于 {appeal.decided} 审结，不能再次记录结果")
    with guarded(session):
        appeals.decide_appeal(session, appeal, result, decided)
