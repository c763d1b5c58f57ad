"""The home page's "今日待办": what needs a clerk today, from their agency's ledger and reports.

- the open cases past their answer deadline, and those due within 5 working days (working days on the
  ledger's working calendar, as the due board counts them: `nianbao.ledger.queries.due_board`);
- the annual report's deadline (art. 49: departments by 31 January, governments by 31 March of the next
  year, or the dates the administrator set: `web.jurisdiction.deadlines`) with the days left and the
  state of the draft — last year's report while it is not submitted, and this year's;
- the reports a supervisor returned for correction (`web.check.returns.returned_reports`).

A handful of small queries; nothing is rendered or audited (the report page does that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.ledger import queries
from nianbao.ledger.calendar_store import load_calendar
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.queries import DueItem
from nianbao.store.models import Agency, Draft
from nianbao.web.check.returns import Returned, returned_reports
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.deadlines import load_deadlines
from nianbao.web.ledger.labels import left_text
from nianbao.web.report.pages import STATUS_LABELS, latest_submission

SOON = 5  # working days: "due soon" on the home page, as on the due board
SHOWN = 10  # cases listed in each group; the due board lists them all
#: Open cases read for the two groups (overdue first): past this, the page says so and links the due board.
READ_LIMIT = 500


@dataclass(frozen=True)
class ReportDue:
    """One year's annual report: when it must be published and where it stands."""

    year: int
    due: dt.date
    days_left: int  # calendar days; negative once past the deadline
    state: str  # 尚未开始编写 / 草稿第 N 版（… 保存） / 已提交（…） / 已退回修改
    submitted: bool
    url: str

    @property
    def due_text(self) -> str:
        """2027年1月31日"""
        return f"{self.due.year}年{self.due.month}月{self.due.day}日"

    @property
    def left_text(self) -> str:
        if self.days_left > 0:
            return f"还有 {self.days_left} 天"
        if self.days_left == 0:
            return "今天截止"
        return f"已逾期 {-self.days_left} 天"

    @property
    def urgent(self) -> bool:
        """Not submitted and due within a month, or late."""
        return not self.submitted and self.days_left <= 30


@dataclass
class Today:
    """Everything the home page's 今日待办 shows."""

    overdue: list[DueItem] = field(default_factory=list)
    soon: list[DueItem] = field(default_factory=list)
    overdue_count: int = 0
    soon_count: int = 0
    cases_note: str = ""  # why the cases could not be listed (a calendar problem), else ""
    more: bool = False  # more open cases than were read: the counts are at least these
    reports: list[ReportDue] = field(default_factory=list)
    returned: list[Returned] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.overdue_count or self.soon_count or self.returned or any(r.urgent for r in self.reports))


def _draft_state(session: Session, agency_id: int, year: int) -> tuple[str, bool]:
    """(what the report of `year` is at, whether it is submitted)."""
    submission = latest_submission(session, agency_id, year)
    if submission is not None:  # submitted, or returned (then listed with the returned reports, with its date)
        on = submission.submitted_at or submission.uploaded_at
        label = STATUS_LABELS.get(submission.status, submission.status)
        return (f"{label}（{on:%Y-%m-%d} 提交）" if on else label), True
    draft = session.scalar(select(Draft).where(Draft.agency_id == agency_id, Draft.year == year))
    if draft is None:
        return "尚未开始编写（没有保存过草稿）", False
    saved = f"，{draft.updated_at:%Y-%m-%d} 保存" if draft.updated_at else ""
    return f"草稿第 {draft.version} 版{saved}，尚未提交", False


def report_deadlines(session: Session, agency: Agency, today: dt.date) -> list[ReportDue]:
    """Last year's report while it is not submitted, and this year's once last year's is done or past due."""
    deadlines = load_deadlines(session)
    out: list[ReportDue] = []
    last = today.year - 1
    for year in (last, today.year):
        due = deadlines.due(agency.level or "department", year)
        state, submitted = _draft_state(session, agency.id, year)
        if year == last and submitted:
            continue
        if year == today.year and out and today <= out[0].due:
            continue  # last year's report is the one to finish now
        out.append(ReportDue(year, due, (due - today).days, state, submitted, f"/report/{agency.id}/{year}"))
    return out


def clerk_today(session: Session, viewer: Viewer, today: dt.date) -> Today | None:
    """What needs the clerk today; None for anyone who keeps no agency's ledger (they have no such list)."""
    if viewer.role != "clerk" or viewer.agency_id is None:
        return None
    agency = session.get(Agency, viewer.agency_id)
    if agency is None:
        return None
    out = Today()
    try:
        items, out.more = queries.due_board(session, [agency.id], today, load_calendar(session), READ_LIMIT)
    except LedgerError as exc:
        out.cases_note = f"无法计算剩余工作日：{exc}"
        items = []
    overdue = [i for i in items if i.days_left is not None and i.days_left < 0]
    soon = [i for i in items if i.days_left is not None and 0 <= i.days_left <= SOON]
    out.overdue, out.overdue_count = overdue[:SHOWN], len(overdue)
    out.soon, out.soon_count = soon[:SHOWN], len(soon)
    out.reports = report_deadlines(session, agency, today)
    out.returned = returned_reports(session, viewer, today=today, agency_id=agency.id)
    return out


def home_context(session: Session, viewer: Viewer, today: dt.date) -> dict[str, Any]:
    """What home.html draws besides the viewer: the clerk's 今日待办 (None for others)."""
    return {"todo": clerk_today(session, viewer, today), "left_text": left_text}
