"""The working calendar kept in the ledger's database, and the deadlines that move with it.

`load_calendar` is `chinesecalendar` corrected by the administrator's overrides (`CalendarDay`) and the
years declared complete (`CalendarYear`); `store_calendar` keeps new ones; `settle_deadlines` recomputes
the stored deadline of the open cases after a change, recording each change as an event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.cases import deadline
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.vocabulary import ApplicationStatus, EventKind
from nianbao.store.models import Application, CalendarDay, CalendarYear, Event


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
    query = select(Application).where(Application.status == ApplicationStatus.OPEN.value)
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
        session.add(
            Event(
                application_id=case.id,
                kind=EventKind.DEADLINE_RECOMPUTED.value,
                on=max(today, case.received),
                note=note,
            )
        )
        session.execute(
            update(Application)
            .where(Application.id == case.id)
            .values(due=found.due, due_provisional=found.provisional)
            .execution_options(synchronize_session=False)
        )
        changed += 1
    if changed:
        session.flush()
        session.expire_all()
    return changed


def _due_words(due: dt.date | None, provisional: bool) -> str:
    if due is None:
        return "暂停计算"
    return f"{due.isoformat()}{'（暂定）' if provisional else ''}"
