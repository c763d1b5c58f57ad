"""Statutory public holidays (法定节假日) of a year, from 《全国年节及纪念日放假办法》 alone.

The working calendar needs these for a year that no official 放假安排 covers yet (see `calendar`): the
holidays every citizen has by law are known years ahead, while the year's 调休 (weekdays given off,
weekend days worked) and the make-up days for a holiday falling on a weekend (第六条补假) are fixed
only by the 国务院办公厅 notice of the year before. So a deadline computed from these is provisional.

The day counts are the regulation's, version by version (`VERSIONS`, data); the lunar dates (除夕,
正月初一 …, 端午, 中秋) and the solar term 清明 come from `lunar_python` (6tail's lunar calendar, MIT),
not from a table typed here. A test checks every holiday computed for 2008–2026 against
`chinesecalendar`'s official data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from lunar_python import Lunar  # type: ignore[import-untyped]

#: Years for which the lunar library is trusted here; outside them only weekends are known.
LUNAR_YEARS = (1949, 2200)


@dataclass(frozen=True)
class Holiday:
    """One statutory holiday: its name and how its days are found.

    ``kind`` is ``solar`` (``month``/``day`` of the Gregorian year, ``days`` consecutive days),
    ``lunar`` (lunar ``month``/``day``, ``days`` consecutive days, starting ``eve`` days before it),
    or ``qingming`` (the day of the solar term 清明).
    """

    name: str
    kind: str
    month: int = 0
    day: int = 0
    days: int = 1
    eve: int = 0


@dataclass(frozen=True)
class Version:
    """The 放假办法 as in force from 1 January of ``since`` (the holidays every citizen has)."""

    since: int
    source: str
    holidays: tuple[Holiday, ...]


_NEW_YEAR = Holiday("元旦", "solar", 1, 1)
_QINGMING = Holiday("清明节", "qingming")
_DRAGON_BOAT = Holiday("端午节", "lunar", 5, 5)
_MID_AUTUMN = Holiday("中秋节", "lunar", 8, 15)
_NATIONAL_DAY = Holiday("国庆节", "solar", 10, 1, days=3)

#: Every version of the regulation, oldest first. Each holiday's count is that version's.
VERSIONS: tuple[Version, ...] = (
    Version(
        1949,
        "《全国年节及纪念日放假办法》（政务院，1949年）",
        (
            _NEW_YEAR,
            Holiday("春节", "lunar", 1, 1, days=3),
            Holiday("劳动节", "solar", 5, 1),
            Holiday("国庆节", "solar", 10, 1, days=2),
        ),
    ),
    Version(
        2000,
        "《全国年节及纪念日放假办法》（国务院令第270号，1999年修订）",
        (_NEW_YEAR, Holiday("春节", "lunar", 1, 1, days=3), Holiday("劳动节", "solar", 5, 1, days=3), _NATIONAL_DAY),
    ),
    Version(
        2008,
        "《全国年节及纪念日放假办法》（国务院令第513号，2007年修订）",
        (
            _NEW_YEAR,
            Holiday("春节", "lunar", 1, 1, days=3, eve=1),
            _QINGMING,
            Holiday("劳动节", "solar", 5, 1),
            _DRAGON_BOAT,
            _MID_AUTUMN,
            _NATIONAL_DAY,
        ),
    ),
    Version(
        2014,
        "《全国年节及纪念日放假办法》（国务院令第644号，2013年修订）",
        (
            _NEW_YEAR,
            Holiday("春节", "lunar", 1, 1, days=3),
            _QINGMING,
            Holiday("劳动节", "solar", 5, 1),
            _DRAGON_BOAT,
            _MID_AUTUMN,
            _NATIONAL_DAY,
        ),
    ),
    Version(
        2025,
        "《全国年节及纪念日放假办法》（国务院令第795号，2024年修订）",
        (
            _NEW_YEAR,
            Holiday("春节", "lunar", 1, 1, days=4, eve=1),
            _QINGMING,
            Holiday("劳动节", "solar", 5, 1, days=2),
            _DRAGON_BOAT,
            _MID_AUTUMN,
            _NATIONAL_DAY,
        ),
    ),
)


def version_for(year: int) -> Version:
    """The version of the regulation in force in `year`."""
    found = VERSIONS[0]
    for version in VERSIONS:
        if version.since <= year:
            found = version
    return found


@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Every statutory holiday of `year` (date → name); empty outside `LUNAR_YEARS`."""
    if not LUNAR_YEARS[0] <= year <= LUNAR_YEARS[1]:
        return {}
    out: dict[dt.date, str] = {}
    for holiday in version_for(year).holidays:
        for day in _days(holiday, year):
            out[day] = f"{out[day]}、{holiday.name}" if day in out else holiday.name
    return dict(sorted(out.items()))


def _days(holiday: Holiday, year: int) -> list[dt.date]:
    one = dt.timedelta(days=1)
    if holiday.kind == "solar":
        first = dt.date(year, holiday.month, holiday.day)
    elif holiday.kind == "lunar":
        first = _solar(Lunar.fromYmd(year, holiday.month, holiday.day).getSolar()) - holiday.eve * one
    elif holiday.kind == "qingming":
        first = _solar(Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"])
    else:  # pragma: no cover - the data above uses the three kinds only
        raise ValueError(f"未知的节日类型：{holiday.kind}")
    return [first + i * one for i in range(holiday.days)]


def _solar(solar: object) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())  # type: ignore[attr-defined]
