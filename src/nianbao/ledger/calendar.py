"""Working days (工作日) for the ledger's deadlines.

A working day is Monday–Friday, minus the statutory holidays and the weekdays given off
under the year's 调休 schedule, plus the weekend days designated as 调休上班日. The
schedule for each year is announced by 国务院办公厅, usually in Oct–Dec of the year before.

Source of truth, in order:

1. the administrator's overrides (a date → working day / day off, from the official
   schedule; they win over everything else, so they also correct a wrong library entry);
2. the `chinesecalendar` package (statutory holidays and 调休 for 2004–2026 in 1.11.0);
3. for a year the administrator declared complete (``covered_years``): Monday–Friday;
4. for a year none of them covers (the next year, before its 放假安排 is loaded or a newer
   `chinesecalendar` is installed): Monday–Friday minus the statutory holidays of
   《全国年节及纪念日放假办法》 (`holidays.statutory_holidays`), without 调休 or 补假. Such a
   year is *provisional*: `covers` is False for it, and every deadline that counts one of its
   days says so (`deadlines.Deadline.provisional_years`) until the real schedule arrives and
   the ledger recomputes it (`calendar_store.settle_deadlines`). A clerk can register an application
   on any day of any year; the date is never refused for want of a calendar.

Counting convention (domain.md §4.1, UNVERIFIED as an official rule): the start day is
not counted; the deadline is the N-th working day *after* the receipt day. The module
default `EXCLUDE_START_DAY` can be switched, and each call can pass ``include_start``.

Override file format (`parse_overrides`), UTF-8 text, one entry a line::

    # 2027 年部分节假日安排（国办发明电〔2026〕X号）   ← 注释：以 # 开头，或行尾 # 之后
    year: 2027                  ← 声明：该年的官方安排已完整录入（可写多行、多个年份；
                                   也接受 “年份：2027”、全角冒号）
    2027-01-01 休 元旦          ← 日期（YYYY-MM-DD）+ 标记 + 可选说明
    2027-02-07 班 春节调休上班

Marks: ``休`` / ``假`` / ``休息`` / ``放假`` = day off; ``班`` / ``上班`` / ``工作日`` = working day.
Only the exceptions need listing: weekdays that are days off and weekend days that are
working days (listing a whole holiday span, weekends included, is harmless). A date may
appear twice only with the same mark. Dates of a year without a ``year:`` line are used
as single corrections, but that year does not count as covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache

import chinese_calendar  # type: ignore[import-untyped]

from nianbao.ledger.holidays import statutory_holidays, version_for

#: Counting convention: the start day (e.g. the receipt day) is not counted.
EXCLUDE_START_DAY = True

_DAY = timedelta(days=1)

_OFF_MARKS = frozenset({"休", "假", "休息", "放假"})
_WORK_MARKS = frozenset({"班", "上班", "工作日"})
_YEAR_LINE = re.compile(r"^(?:year|年份|年度)\s*[:：]\s*(\d{4})\s*(?:年)?$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s+(\S+)(?:\s+.*)?$")


def _library_range() -> tuple[int, int]:
    """The years `chinesecalendar` has data for (first, last)."""
    years = [d.year for d in chinese_calendar.constants.holidays]
    return min(years), max(years)


LIBRARY_YEARS: tuple[int, int] = _library_range()
"""First and last year the installed `chinesecalendar` covers (2004, 2026 for 1.11.0)."""


#: How an administrator completes a provisional year (printed in warnings and explanations).
HOW_TO_LOAD = "管理员可在“系统管理 → 工作日历”页或用 nianbao ledger calendar load FILE 导入该年的国务院放假安排"


def provisional_reason(years: Iterable[int]) -> str:
    """One line saying why a deadline counted over `years` is provisional, and how it gets exact."""
    found = sorted(set(years))
    listed = "、".join(f"{y}年" for y in found)
    sources = "、".join(dict.fromkeys(version_for(y).source for y in found))
    return (
        f"暂定：{listed}的国务院放假安排尚未收录，该年按周末和{sources}规定的法定节假日计算，"
        f"未计调休和补假；{HOW_TO_LOAD}，导入后答复期限自动重新计算并记入案件事件"
    )


@cache
def _library_is_workday(d: date) -> bool | None:
    """The library's answer, or None when it has no data for the year."""
    if not LIBRARY_YEARS[0] <= d.year <= LIBRARY_YEARS[1]:
        return None
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


class WorkingCalendar:
    """Working days from `chinesecalendar`, corrected and extended by official overrides."""

    def __init__(self, overrides: Mapping[date, bool] | None = None, covered_years: Iterable[int] = ()) -> None:
        self.overrides: dict[date, bool] = dict(overrides or {})
        self.covered_years: frozenset[int] = frozenset(covered_years)

    def __repr__(self) -> str:
        years = sorted(self.covered_years)
        return f"WorkingCalendar(overrides={len(self.overrides)} 天, covered_years={years})"

    def covers(self, year: int) -> bool:
        """Whether every day of `year` is known exactly (library data or a declared complete override).

        A year not covered is still counted, provisionally (see the module docstring).
        """
        return year in self.covered_years or LIBRARY_YEARS[0] <= year <= LIBRARY_YEARS[1]

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years from `first` to `last` (either order) whose days are counted provisionally."""
        low, high = sorted((first.year, last.year))
        return tuple(y for y in range(low, high + 1) if not self.covers(y))

    def notice(self, today: date) -> str | None:
        """A one-line warning while the calendar of `today`'s year or the next is provisional, else None."""
        years = [y for y in (today.year, today.year + 1) if not self.covers(y)]
        if not years:
            return None
        listed = "、".join(f"{y}年" for y in years)
        return (
            f"注意：工作日历尚未收录{listed}的国务院放假安排，涉及该年的答复期限为暂定"
            f"（按周末和法定节假日计算，未计调休）；{HOW_TO_LOAD}。"
        )

    def is_workday(self, d: date) -> bool:
        """Whether `d` is a working day: exact in a covered year, provisional in any other."""
        found = self.overrides.get(d)
        if found is not None:
            return found
        known = _library_is_workday(d)
        if known is not None:
            return known
        if d.year in self.covered_years:
            return d.weekday() < 5
        return d.weekday() < 5 and d not in statutory_holidays(d.year)

    def add_workdays(self, start: date, n: int, *, include_start: bool | None = None) -> date:
        """The n-th working day after `start` (`start` itself not counted by default).

        With ``include_start=True`` the start day counts as the first day when it is a working
        day. ``n == 0`` returns `start`. ``include_start=None`` follows `EXCLUDE_START_DAY`.
        """
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        if n == 0:
            return start
        d = start - _DAY if _includes(include_start) else start
        left = n
        while left:
            d += _DAY
            if self.is_workday(d):
                left -= 1
        return d

    def workdays_between(self, start: date, end: date, *, include_start: bool | None = None) -> int:
        """Working days after `start` up to and including `end`; negative when `end` < `start`.

        For ``end < start`` the result is minus the working days after `end` up to and
        including `start`, so ``workdays_between(a, b) == -workdays_between(b, a)``.
        With ``include_start=True`` the start day is counted as well (the count then
        runs from the day before `start`).
        """
        if _includes(include_start):
            start -= _DAY
        if end < start:
            return -self.workdays_between(end, start, include_start=False)
        count = 0
        d = start
        while d < end:
            d += _DAY
            if self.is_workday(d):
                count += 1
        return count

    def next_workday(self, d: date) -> date:
        """`d` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += _DAY
        return d


def _includes(include_start: bool | None) -> bool:
    return (not EXCLUDE_START_DAY) if include_start is None else include_start


def parse_overrides(text: str) -> tuple[dict[date, bool], set[int]]:
    """Read an override file (format in the module docstring) → (overrides, covered years).

    Raises ValueError with the line number on a bad line.
    """
    overrides: dict[date, bool] = {}
    years: set[int] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].lstrip("\ufeff").strip()
        if not line:
            continue
        year_match = _YEAR_LINE.match(line)
        if year_match:
            year = int(year_match.group(1))
            if not 1949 <= year <= 2200:
                raise ValueError(f"第 {number} 行：年份 {year} 不合理：{raw.strip()}")
            years.add(year)
            continue
        date_match = _DATE_LINE.match(line)
        if not date_match:
            raise ValueError(
                f"第 {number} 行：无法识别“{raw.strip()}”，应为“year: 2027”或“2027-01-01 休”/“2027-02-07 班”"
            )
        text_date, mark = date_match.groups()
        try:
            day = date.fromisoformat(_zero_pad(text_date))
        except ValueError:
            raise ValueError(f"第 {number} 行：日期“{text_date}”不存在或格式错误（应为 YYYY-MM-DD）") from None
        if mark in _OFF_MARKS:
            working = False
        elif mark in _WORK_MARKS:
            working = True
        else:
            raise ValueError(f"第 {number} 行：标记“{mark}”无法识别，休息日写“休”，调休上班日写“班”")
        if overrides.get(day, working) != working:
            before, now = _mark(not working), _mark(working)
            raise ValueError(f"第 {number} 行：{day.isoformat()} 前面已登记为“{before}”，此处又登记为“{now}”")
        overrides[day] = working
    return overrides, years


def format_overrides(overrides: Mapping[date, bool], covered_years: Iterable[int] = ()) -> str:
    """Write overrides in the format `parse_overrides` reads (round trip)."""
    lines = ["# nianbao 工作日历覆盖：休 = 休息日，班 = 调休上班日"]
    lines += [f"year: {year}" for year in sorted(set(covered_years))]
    lines += [f"{day.isoformat()} {_mark(working)}" for day, working in sorted(overrides.items())]
    return "\n".join(lines) + "\n"


def _mark(working: bool) -> str:
    return "班" if working else "休"


def _zero_pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"
