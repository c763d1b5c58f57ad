"""When an agency's annual report is due, and whether a stored report came in on time.

Art. 49 of the regulation (as revised 2019, in force for report years from 2019): departments of
governments at county level and above publish their report by 31 January; the government's report is
published by 31 March (domain.md §1.7). Before the revision every agency had until 31 March. Local
notices often set earlier internal dates, so the two dates are configurable by the administrator: they
are kept in the ``settings`` table as ``MM-DD`` and default to the statutory dates.

Whether a report was on time is judged by its publication date: the date printed on it (``published``), or
the one an officer entered on the check page (`nianbao.web.check.corrections.publication`). A report with
neither is "日期未识别": not judged late by the day it was uploaded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.store.models import Setting

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
NEW_RULES_FROM = 2019  # first report year under the revised regulation
OLD_DEADLINE = (3, 31)  # every agency, report years before 2019

SETTING_NAMES = {"government": "report_deadline.government", "department": "report_deadline.department"}
LEVEL_LABELS = {"government": "人民政府", "department": "政府部门"}

MonthDay = tuple[int, int]
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class Deadlines:
    """The month and day, in the year after the report year, by which each level must publish."""

    government: MonthDay = (3, 31)
    department: MonthDay = (1, 31)

    def due(self, level: str, year: int) -> dt.date:
        """The deadline of a report of `year` by an agency of `level` ("government" or anything else)."""
        if year < NEW_RULES_FROM:
            month, day = OLD_DEADLINE
        else:
            month, day = self.government if level == "government" else self.department
        return dt.date(year + 1, month, day)


def parse_month_day(text: str) -> MonthDay:
    """``01-31``, ``1/31`` or ``1月31日`` → (1, 31); ValueError (Chinese) otherwise."""
    found = _MONTH_DAY.match(text or "")
    if not found:
        raise ValueError(f"日期“{text}”无法识别，应写作“01-31”或“1月31日”")
    month, day = int(found.group(1)), int(found.group(2))
    try:
        dt.date(2001, month, day)  # not a leap year: 29 February would not exist every year
    except ValueError:
        raise ValueError(f"日期“{text}”不存在（每年都须有这一天）") from None
    return month, day


def month_day_text(value: MonthDay) -> str:
    return f"{value[0]:02d}-{value[1]:02d}"


def load_deadlines(session: Session) -> Deadlines:
    """The configured deadlines (a stored value that does not parse falls back to the default)."""
    stored = dict(
        session.execute(select(Setting.name, Setting.value).where(Setting.name.in_(SETTING_NAMES.values()))).all()
    )
    default = Deadlines()
    values: dict[str, MonthDay] = {}
    for level, name in SETTING_NAMES.items():
        try:
            values[level] = parse_month_day(stored[name]) if name in stored else getattr(default, level)
        except ValueError:
            values[level] = getattr(default, level)
    return Deadlines(government=values["government"], department=values["department"])


def store_deadlines(session: Session, deadlines: Deadlines) -> None:
    for level, name in SETTING_NAMES.items():
        session.merge(Setting(name=name, value=month_day_text(getattr(deadlines, level))))
    session.flush()


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day of `moment` in China (a naive value, as SQLite returns it, is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA).date()
