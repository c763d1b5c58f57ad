"""Statutory holidays from 《全国年节及纪念日放假办法》, checked against the official schedules that
`chinesecalendar` carries: every holiday the regulation gives is a day off in every covered year, under
the name the official schedule gives it.
"""

from __future__ import annotations

from datetime import date

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.ledger.holidays import statutory_holidays, version_for

NAMES = {
    "元旦": chinese_calendar.Holiday.new_years_day,
    "春节": chinese_calendar.Holiday.spring_festival,
    "清明节": chinese_calendar.Holiday.tomb_sweeping_day,
    "劳动节": chinese_calendar.Holiday.labour_day,
    "端午节": chinese_calendar.Holiday.dragon_boat_festival,
    "中秋节": chinese_calendar.Holiday.mid_autumn_festival,
    "国庆节": chinese_calendar.Holiday.national_day,
}


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_statutory_holiday_is_a_day_off_in_the_official_schedule(year: int) -> None:
    found = statutory_holidays(year)
    assert found
    for day, name in found.items():
        assert not chinese_calendar.is_workday(day), f"{day} {name}"
        off, official = chinese_calendar.get_holiday_detail(day)
        assert off
        if official is not None and "、" not in name:  # a weekend day the schedule left unnamed
            assert NAMES[name].value == official, f"{day}: {name} vs {official}"


@pytest.mark.parametrize(
    ("year", "days"), [(2007, 10), (2008, 11), (2013, 11), (2014, 11), (2024, 11), (2025, 13), (2027, 13), (2100, 13)]
)
def test_day_counts_follow_the_version_of_the_regulation(year: int, days: int) -> None:
    assert sum(len(n.split("、")) for n in statutory_holidays(year).values()) == days


def test_2027_is_known_years_ahead() -> None:
    assert statutory_holidays(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节",
        date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }
    assert "2024年修订" in version_for(2027).source


def test_a_holiday_falling_on_another_is_named_once_for_both() -> None:
    # 2028: 中秋 (八月十五) is 10-03, inside the National Day holiday
    assert statutory_holidays(2028)[date(2028, 10, 3)] == "中秋节、国庆节"


def test_years_beyond_the_lunar_range_have_weekends_only() -> None:
    assert statutory_holidays(1900) == {}
    assert statutory_holidays(2300) == {}


@given(st.integers(min_value=2008, max_value=2200))
def test_holidays_lie_in_their_year_and_in_season(year: int) -> None:
    found = statutory_holidays(year)
    assert all(day.year == year for day in found)
    spring = [d for d, n in found.items() if n == "春节"]
    assert date(year, 1, 19) <= min(spring)
    assert max(spring) <= date(year, 2, 22)
    assert next(d for d, n in found.items() if n == "清明节") in (date(year, 4, 4), date(year, 4, 5), date(year, 4, 6))
