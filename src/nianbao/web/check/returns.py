"""Returning reports for correction, one or several at once, and the agency's inbox of returned reports.

A return has a note and a resubmission date (`StoredReport.resubmit_by`; by default 10 working days from today
on the ledger's working calendar). `return_reports` is the one way to return, for one report (the report page,
the API) as for several (the check list): it checks every report first and returns none unless all can be
(`ReturnRefused` lists each that cannot, and why), then returns each with `service.return_report`.

A returned report stays in its agency's inbox (`returned_reports`) until a newer report of the same agency and
year is submitted: the corrected upload supersedes it. A newer upload only checked, not yet submitted, is shown
beside it ("已上传更正稿，尚未提交").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.calendar_store import load_calendar
from nianbao.ledger.deadlines import workdays_left
from nianbao.store.models import Agency, Comment, StoredReport, User
from nianbao.web.check.service import CheckError, return_report
from nianbao.web.core.people import Viewer, forbidden

__all__ = [
    "MAX_AT_ONCE",
    "RESUBMIT_WORKDAYS",
    "Refusal",
    "ReturnRefused",
    "Returned",
    "default_resubmit_by",
    "parse_resubmit_by",
    "return_reports",
    "returned_reports",
    "why_not_returnable",
]

RESUBMIT_WORKDAYS = 10  # working days the agency has to hand in the corrected report, unless the form says
MAX_AHEAD = dt.timedelta(days=366)  # a resubmission date further than this is a typing error
MAX_AT_ONCE = 500  # reports one request may return
RETURN_PREFIX = "退回修改："  # the comment that records a return (service.return_report)
_CHINA = dt.timezone(dt.timedelta(hours=8))


class ReturnRefused(CheckError):
    """None of the reports was returned: `problems` says which could not be, and why."""

    def __init__(self, problems: Sequence[Refusal]) -> None:
        listed = "；".join(f"{p.label}：{p.reason}" for p in problems)
        super().__init__(f"未退回任何报告：{len(problems)} 份不能退回（{listed}）")
        self.problems = list(problems)


@dataclass(frozen=True)
class Refusal:
    """A report that cannot be returned: its id, how a person names it, and why (Chinese)."""

    report_id: int
    label: str
    reason: str


def _china_today() -> dt.date:
    return dt.datetime.now(_CHINA).date()


def default_resubmit_by(session: Session, today: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    """`RESUBMIT_WORKDAYS` working days after `today` (the ledger's calendar, with the administrator's days)."""
    return (calendar or load_calendar(session)).add_workdays(today, RESUBMIT_WORKDAYS)


def parse_resubmit_by(text: str | None, today: dt.date) -> dt.date | None:
    """The form's date (YYYY-MM-DD), None when blank; CheckError (Chinese) when not a date from today on."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        found = dt.date.fromisoformat(value)
    except ValueError:
        raise CheckError(f"重新报送期限“{value[:20]}”不是有效日期，应写作 YYYY-MM-DD") from None
    if found < today:
        raise CheckError(f"重新报送期限 {found.isoformat()} 早于今天（{today.isoformat()}）")
    if found > today + MAX_AHEAD:
        raise CheckError(f"重新报送期限 {found.isoformat()} 距今超过一年，请核对")
    return found


def label_of(stored: StoredReport) -> str:
    """How a report is named in a message: its agency, year, file and number."""
    who = stored.agency.name if stored.agency is not None else (stored.printed_agency or "未识别机关")
    year = f" {stored.year} 年度" if stored.year is not None else ""
    return f"{who}{year}（{stored.filename}，#{stored.id}）"


def _newer(session: Session, stored: StoredReport) -> StoredReport | None:
    if stored.agency_id is None:
        return None
    same_year = StoredReport.year.is_(None) if stored.year is None else StoredReport.year == stored.year
    return session.scalars(
        select(StoredReport)
        .where(StoredReport.agency_id == stored.agency_id, same_year, StoredReport.id > stored.id)
        .order_by(StoredReport.id.desc())
        .limit(1)
    ).first()


def why_not_returnable(session: Session, stored: StoredReport) -> str | None:
    """Why this report cannot be returned (Chinese), or None: it must be of an agency of the system (else no
    clerk would ever see it) and the latest upload of its agency and year (an older one is superseded)."""
    if stored.agency_id is None:
        return "报告未对应到系统中的机关，退回后没有经办人员能看到；请先确定归属机关"
    newer = _newer(session, stored)
    if newer is not None:
        return f"同一机关同一年度已有更新的报告 #{newer.id}（{newer.filename}），请退回最新的一份"
    return None


def return_reports(
    session: Session,
    viewer: Viewer,
    report_ids: Iterable[int],
    note: str,
    resubmit_by: dt.date | None,
    today: dt.date,
) -> list[StoredReport]:
    """Returns the reports with one note and one resubmission date (None: `default_resubmit_by`), all or none.

    403 for people who do not return reports; CheckError for an empty note or no report chosen; ReturnRefused,
    with nothing changed, when any report is not visible to the viewer or cannot be returned."""
    if not viewer.returns:
        raise forbidden("只有政务公开监管人员和管理员可以退回报告")
    ids = list(dict.fromkeys(report_ids))
    if not ids:
        raise CheckError("请先勾选要退回的报告")
    if len(ids) > MAX_AT_ONCE:
        raise CheckError(f"一次最多退回 {MAX_AT_ONCE} 份报告")
    if not note.replace("\x00", "").strip():
        raise CheckError("退回意见不能为空")
    if resubmit_by is not None and resubmit_by < today:
        raise CheckError(f"重新报送期限 {resubmit_by.isoformat()} 早于今天（{today.isoformat()}）")
    due = resubmit_by or default_resubmit_by(session, today)
    found: list[StoredReport] = []
    problems: list[Refusal] = []
    for report_id in ids:
        stored = session.get(StoredReport, report_id)
        if stored is None or not (viewer.sees(stored.owner_id) or viewer.sees(stored.agency_id)):
            problems.append(Refusal(report_id, f"#{report_id}", "未找到该报告，或您无权查看"))
            continue
        reason = why_not_returnable(session, stored)
        if reason is not None:
            problems.append(Refusal(stored.id, label_of(stored), reason))
        else:
            found.append(stored)
    if problems:
        raise ReturnRefused(problems)
    for stored in found:
        return_report(session, viewer, stored, note, due)
    return found


# --------------------------------------------------------------------------------------------- the inbox


@dataclass(frozen=True)
class Returned:
    """A returned report waiting for its corrected version, as the agency's inbox shows it."""

    report_id: int
    agency_id: int
    agency_name: str
    year: int | None
    filename: str
    note: str
    errors: int
    warnings: int
    returned_at: dt.datetime | None
    returned_by: str
    resubmit_by: dt.date | None
    workdays_left: int | None  # None without a date; 0 on the day, negative once past it
    overdue_days: int  # calendar days past the date (0 unless overdue)
    replacement_id: int | None = None  # a newer upload of the same agency and year, not yet submitted
    replacement_filename: str = ""

    @property
    def due_text(self) -> str:
        """ "还剩 N 个工作日", "今天到期", "已逾期 N 天" or "未定期限"."""
        if self.resubmit_by is None or self.workdays_left is None:
            return "未定期限"
        if self.overdue_days > 0:
            return f"已逾期 {self.overdue_days} 天"
        if self.workdays_left == 0:
            return "今天到期"
        return f"还剩 {self.workdays_left} 个工作日"

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def _in_scope(viewer: Viewer, agency_id: int | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [StoredReport.agency_id.is_not(None)]
    if viewer.scope is not None:
        out.append(StoredReport.agency_id.in_(sorted(viewer.scope)))
    if agency_id is not None:
        out.append(StoredReport.agency_id == agency_id)
    return out


def returned_reports(
    session: Session,
    viewer: Viewer,
    *,
    today: dt.date | None = None,
    agency_id: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[Returned]:
    """The returned reports of the viewer's agency (a clerk) or of the agencies in scope (a supervisor; one of
    them with `agency_id`) that no newer submitted report has superseded: the soonest due first.

    `today` is the app's today (`request.app.state.settings.today()`; China's date when not given). No file
    is read: three small queries."""
    today = today or _china_today()
    if agency_id is not None and not viewer.sees(agency_id):
        return []
    columns = (
        StoredReport.id,
        StoredReport.agency_id,
        Agency.name,
        StoredReport.year,
        StoredReport.filename,
        StoredReport.status_note,
        StoredReport.errors,
        StoredReport.warnings,
        StoredReport.resubmit_by,
    )
    rows = session.execute(
        select(*columns)
        .join(Agency, Agency.id == StoredReport.agency_id)
        .where(StoredReport.status == "returned", *_in_scope(viewer, agency_id))
        .order_by(StoredReport.id)
    ).all()
    if not rows:
        return []
    later = session.execute(
        select(StoredReport.id, StoredReport.agency_id, StoredReport.year, StoredReport.status, StoredReport.filename)
        .where(StoredReport.agency_id.in_({r[1] for r in rows}), StoredReport.id > min(r[0] for r in rows))
        .order_by(StoredReport.id)
    ).all()
    returns = _return_comments(session, [r[0] for r in rows])
    cal = calendar or load_calendar(session)
    out: list[Returned] = []
    for rid, aid, name, year, filename, note, errors, warnings, due in rows:
        if aid is None:  # excluded by the query; for the type checker
            continue
        newer = [x for x in later if x[1] == aid and x[2] == year and x[0] > rid]
        if any(x[3] in ("submitted", "returned") for x in newer):
            continue  # superseded: the corrected report is in (or was itself returned, and is listed instead)
        pending = newer[-1] if newer else None
        at, by = returns.get(rid, (None, ""))
        left = workdays_left(due, today, cal) if due is not None else None
        out.append(
            Returned(
                report_id=rid,
                agency_id=aid,
                agency_name=name,
                year=year,
                filename=filename,
                note=note,
                errors=errors,
                warnings=warnings,
                returned_at=at,
                returned_by=by,
                resubmit_by=due,
                workdays_left=left,
                overdue_days=max(0, (today - due).days) if due is not None else 0,
                replacement_id=pending[0] if pending else None,
                replacement_filename=pending[4] if pending else "",
            )
        )
    far = dt.date.max
    out.sort(key=lambda r: (r.resubmit_by or far, r.agency_name, r.year or 0, r.report_id))
    return out


def _return_comments(session: Session, report_ids: list[int]) -> dict[int, tuple[dt.datetime, str]]:
    """When each report was last returned and by whom (the comment `return_report` keeps)."""
    found: dict[int, tuple[dt.datetime, str]] = {}
    stmt = (
        select(Comment.report_id, Comment.at, User.display_name, User.username)
        .outerjoin(User, User.id == Comment.user_id)
        .where(Comment.report_id.in_(report_ids), Comment.text.startswith(RETURN_PREFIX, autoescape=True))
        .order_by(Comment.id)
    )
    for report_id, at, display, username in session.execute(stmt):
        found[report_id] = (at, display or username or "")
    return found
