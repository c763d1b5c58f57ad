"""Working calendar and answer deadlines of the application ledger, over the real calendars.

Expected dates are worked out by hand from the official 2019/2025 holiday schedules
(domain.md §4) and cross-checked against chinese_calendar.find_workday where it applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.ledger import calendar as cal
from nianbao.ledger.calendar import WorkingCalendar, format_overrides, parse_overrides
from nianbao.ledger.deadlines import (
    CONSULTATION,
    CORRECTION_RECEIVED,
    CORRECTION_REQUESTED,
    EXTENSION,
    FEE_NOTICE,
    NEW_REGIME,
    OLD_REGIME,
    Step,
    compute_deadline,
    correction_notice_due,
    fee_payment_due,
    workdays_left,
)

CAL = WorkingCalendar()


@pytest.fixture(autouse=True)
def _library_stops_at_2026(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep 2027 uncovered even after a chinesecalendar release adds it (these tests use 2027)."""
    monkeypatch.setattr(cal, "LIBRARY_YEARS", (2004, 2026))
    cal._library_is_workday.cache_clear()
    yield
    cal._library_is_workday.cache_clear()


# A made-up 2027 schedule in the override format (the real one is not published yet).
OVERRIDE_2027 = """\
# 2027 年放假安排（测试用，非官方）
year: 2027
2027-01-01 休 元旦
2027-02-05 休 春节
2027-02-08 休
2027-02-09 休
2027-02-10 休
2027-02-11 休
2027-02-07 班 春节调休
2027-02-20 班
"""


# --- calendar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ],
)
def test_verified_tiaoxiu_weekend_days_are_workdays(day: str) -> None:
    d = date.fromisoformat(day)
    assert d.weekday() >= 5
    assert CAL.is_workday(d)


def test_holidays_are_days_off() -> None:
    spring_festival_2025 = [date(2025, 1, 28) + timedelta(days=i) for i in range(8)]  # 1-28 .. 2-04
    assert not any(CAL.is_workday(d) for d in spring_festival_2025)
    assert not CAL.is_workday(date(2025, 10, 8))
    assert CAL.is_workday(date(2025, 10, 9))


def test_national_day_2025_matches_chinese_calendar() -> None:
    assert CAL.add_workdays(date(2025, 9, 26), 20) == date(2025, 10, 30)
    assert chinese_calendar.find_workday(20, date(2025, 9, 26)) == date(2025, 10, 30)
    assert CAL.workdays_between(date(2025, 9, 26), date(2025, 10, 30)) == 20


def test_start_day_convention() -> None:
    monday = date(2025, 3, 3)
    assert CAL.add_workdays(monday, 1) == date(2025, 3, 4)
    assert CAL.add_workdays(monday, 1, include_start=True) == monday
    assert CAL.add_workdays(monday, 0) == monday
    assert CAL.workdays_between(monday, monday) == 0
    assert CAL.workdays_between(monday, monday, include_start=True) == 1
    assert CAL.workdays_between(date(2025, 3, 7), date(2025, 3, 3)) == -4
    with pytest.raises(ValueError, match="不能为负数"):
        CAL.add_workdays(monday, -1)


def test_module_default_switches_the_convention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cal, "EXCLUDE_START_DAY", False)
    assert CAL.add_workdays(date(2025, 3, 3), 1) == date(2025, 3, 3)
    assert CAL.add_workdays(date(2025, 3, 3), 1, include_start=False) == date(2025, 3, 4)


def test_an_uncovered_year_is_counted_provisionally_from_weekends_and_statutory_holidays() -> None:
    assert not CAL.covers(2027)
    assert CAL.covers(2004)
    assert CAL.covers(2026)
    assert CAL.provisional_years(date(2026, 12, 20), date(2027, 1, 18)) == (2027,)
    assert CAL.provisional_years(date(2026, 1, 1), date(2026, 12, 31)) == ()
    assert CAL.is_workday(date(2027, 1, 4))  # a plain Monday
    assert not CAL.is_workday(date(2027, 1, 1))  # 元旦, a Friday
    assert not CAL.is_workday(date(2027, 1, 9))  # a Saturday
    # 春节 2027: 除夕 02-05 (Fri) and 正月初一至初三 02-06..08: the Monday 02-08 is off, no 补假 or 调休
    assert [CAL.is_workday(date(2027, 2, d)) for d in range(4, 12)] == [
        True,
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    assert not CAL.is_workday(date(2027, 4, 5))  # 清明 (solar term) on a Monday
    assert not CAL.is_workday(date(2027, 9, 15))  # 中秋 (八月十五) on a Wednesday
    # 2026-12-20 (Sunday) + 20: 12-21..31 = 9, 2027-01-01 off, 01-04..08 = 14, 01-11..15 = 19, 01-18 = 20
    assert CAL.add_workdays(date(2026, 12, 20), 20) == date(2027, 1, 18)
    # the year after, too: 2027-12-20 (Monday) + 20 ends in 2028, also provisional
    assert CAL.add_workdays(date(2027, 12, 20), 20) == date(2028, 1, 17)
    # 29 Feb of a provisional leap year is an ordinary Tuesday
    assert CAL.is_workday(date(2028, 2, 29))
    assert CAL.add_workdays(date(2028, 2, 28), 1) == date(2028, 2, 29)


def test_the_notice_names_the_provisional_current_or_next_year() -> None:
    assert CAL.notice(date(2025, 6, 1)) is None  # 2025 and 2026 are both covered
    for today in (date(2026, 1, 1), date(2026, 12, 7), date(2026, 12, 31)):
        notice = CAL.notice(today)
        assert notice is not None
        assert "2027年" in notice
        assert "nianbao ledger calendar load" in notice
    notice = CAL.notice(date(2027, 1, 1))
    assert notice is not None
    assert "2027年、2028年" in notice
    overrides, years = parse_overrides(OVERRIDE_2027)
    assert WorkingCalendar(overrides, years).notice(date(2026, 12, 7)) is None


def test_override_file_covers_the_year() -> None:
    overrides, years = parse_overrides(OVERRIDE_2027)
    assert years == {2027}
    assert overrides[date(2027, 1, 1)] is False
    assert overrides[date(2027, 2, 7)] is True
    covered = WorkingCalendar(overrides, years)
    assert covered.covers(2027)
    assert not covered.is_workday(date(2027, 1, 1))
    assert covered.is_workday(date(2027, 1, 4))  # a plain Monday
    assert not covered.is_workday(date(2027, 1, 9))  # a plain Saturday
    assert covered.is_workday(date(2027, 2, 7))  # Sunday 调休
    # 2026-12-20 (Sunday) + 20 working days: 2026-12-21..31 = 9, 2027-01-01 off, 01-04..
    assert covered.add_workdays(date(2026, 12, 20), 20) == date(2027, 1, 18)
    # Years outside stay uncovered: provisional.
    assert not covered.covers(2028)
    assert covered.is_workday(date(2028, 1, 3))


def test_overrides_without_year_line_do_not_cover_the_year() -> None:
    overrides, years = parse_overrides("2027-01-01 休\n")
    partial = WorkingCalendar(overrides, years)
    assert not partial.covers(2027)
    assert partial.is_workday(date(2027, 1, 1)) is False
    assert partial.is_workday(date(2027, 1, 4))  # provisional: a plain Monday
    assert partial.provisional_years(date(2027, 1, 1), date(2027, 1, 4)) == (2027,)


def test_overrides_win_over_the_library() -> None:
    corrected = WorkingCalendar({date(2025, 3, 3): False})
    assert not corrected.is_workday(date(2025, 3, 3))
    assert corrected.add_workdays(date(2025, 2, 28), 1) == date(2025, 3, 4)


def test_override_format_variants_and_round_trip() -> None:
    text = "\ufeff年份：2027年\n2027-1-1  假  元旦 # 注释\n\n# 只有注释\n2027-02-07 上班\n2027-02-07 班\n"
    overrides, years = parse_overrides(text)
    assert years == {2027}
    assert overrides == {date(2027, 1, 1): False, date(2027, 2, 7): True}
    assert parse_overrides(format_overrides(overrides, years)) == (overrides, years)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("year: 2027\n2027-13-01 休\n", "第 2 行"),
        ("year: 2027\n2027-02-30 休\n", "日期“2027-02-30”不存在"),
        ("2027-01-01 休息日吧\n", "标记“休息日吧”无法识别"),
        ("year 2027\n", "第 1 行：无法识别"),
        ("2027-01-01 休\n2027-01-01 班\n", "第 2 行：2027-01-01 前面已登记为“休”"),
        ("year: 0027\n", "年份 27 不合理"),
    ],
)
def test_override_errors_name_the_line(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_overrides(text)


# --- deadlines ------------------------------------------------------------------------


def test_deadline_across_spring_festival_2025() -> None:
    # 1-21..24 (4), Sun 1-26 调休 (5), 1-27 (6), holiday 1-28..2-04, 2-05..07 (9),
    # Sat 2-08 调休 (10), 2-10..14 (15), 2-17..21 (20).
    deadline = compute_deadline(date(2025, 1, 20), [], CAL)
    assert deadline.due == date(2025, 2, 21)
    assert chinese_calendar.find_workday(20, date(2025, 1, 20)) == date(2025, 2, 21)
    assert (deadline.base_days, deadline.extension_days, deadline.paused_workdays) == (20, 0, 0)
    assert not deadline.suspended
    assert deadline.rule == NEW_REGIME.rule
    assert deadline.rule.startswith("《政府信息公开条例》第三十三条：收到申请之日起20个工作日内答复")
    assert deadline.explanation[0].startswith("收到申请：2025年1月20日")
    assert deadline.explanation[-1].startswith("答复期限：2025年2月21日（星期五）")


def test_correction_restarts_the_count() -> None:
    steps = [
        Step(CORRECTION_REQUESTED, date(2025, 3, 5), until=date(2025, 3, 20)),
        Step(CORRECTION_RECEIVED, date(2025, 3, 12)),
    ]
    deadline = compute_deadline(date(2025, 3, 3), steps, CAL)
    # Restart from Wed 2025-03-12: 3-13..14 (2), 17..21 (7), 24..28 (12), 3-31..4-3 (16),
    # 4-04 清明 off, 4-07..10 (20).
    assert deadline.due == date(2025, 4, 10)
    assert deadline.due == CAL.add_workdays(date(2025, 3, 12), 20)
    assert any("重新计算" in line for line in deadline.explanation)
    assert any("收到申请后第2个工作日" in line for line in deadline.explanation)


def test_pending_correction_suspends_the_deadline() -> None:
    deadline = compute_deadline(date(2025, 3, 3), [Step(CORRECTION_REQUESTED, date(2025, 3, 5))], CAL)
    assert deadline.suspended
    assert deadline.due is None
    assert "等待申请人补正" in deadline.explanation[-1]


def test_late_correction_notice_is_flagged() -> None:
    steps = [Step(CORRECTION_REQUESTED, date(2025, 3, 13)), Step(CORRECTION_RECEIVED, date(2025, 3, 14))]
    deadline = compute_deadline(date(2025, 3, 3), steps, CAL)
    assert any("已超过7个工作日" in line for line in deadline.explanation)
    assert correction_notice_due(date(2025, 3, 3), CAL) == date(2025, 3, 12)


def test_restart_without_notice_or_before_receipt_is_rejected() -> None:
    with pytest.raises(ValueError, match="此前没有补正通知"):
        compute_deadline(date(2025, 3, 3), [Step(CORRECTION_RECEIVED, date(2025, 3, 10))], CAL)
    with pytest.raises(ValueError, match="早于收到申请日期"):
        compute_deadline(
            date(2025, 3, 3),
            [Step(CORRECTION_REQUESTED, date(2025, 3, 3)), Step(CORRECTION_RECEIVED, date(2025, 2, 28))],
            CAL,
        )


def test_extension_with_approver() -> None:
    steps = [Step(EXTENSION, date(2025, 3, 20), approver="政务公开办主任 王某", days=20)]
    deadline = compute_deadline(date(2025, 2, 24), steps, CAL)
    assert deadline.extension_days == 20
    assert deadline.due == CAL.add_workdays(date(2025, 2, 24), 40)
    assert deadline.due == date(2025, 4, 22)
    assert any("王某批准延长20个工作日" in line for line in deadline.explanation)


@pytest.mark.parametrize(
    ("steps", "fragment"),
    [
        ([Step(EXTENSION, date(2025, 3, 20), days=10)], "请登记批准人"),
        ([Step(EXTENSION, date(2025, 3, 20), approver="  ", days=10)], "请登记批准人"),
        ([Step(EXTENSION, date(2025, 3, 20), approver="王某", days=21)], "应为1至20个工作日"),
        ([Step(EXTENSION, date(2025, 3, 20), approver="王某", days=0)], "应为1至20个工作日"),
        (
            [
                Step(EXTENSION, date(2025, 3, 10), approver="王某", days=5),
                Step(EXTENSION, date(2025, 3, 20), approver="王某", days=5),
            ],
            "只能延期一次",
        ),
        ([Step(EXTENSION, date(2025, 3, 25), approver="王某", days=5)], "原答复期限届满前"),
        ([Step("appeal", date(2025, 3, 10))], "未知的办理步骤类型"),
        ([Step(CONSULTATION, date(2025, 3, 10), until=date(2025, 3, 5))], "结束日期"),
        ([Step(CONSULTATION, date(2025, 3, 10), days=15)], "只有延期步骤填写工作日数"),
        ([Step(CONSULTATION, date(2025, 2, 20), until=date(2025, 3, 5))], "早于收到申请日期"),
    ],
)
def test_invalid_steps_are_rejected(steps: list[Step], fragment: str) -> None:
    # received Mon 2025-02-24; the base deadline is Mon 2025-03-24.
    with pytest.raises(ValueError, match=fragment):
        compute_deadline(date(2025, 2, 24), steps, CAL)


def test_consultation_excludes_its_working_days() -> None:
    received = date(2025, 2, 24)
    assert compute_deadline(received, [], CAL).due == date(2025, 3, 24)
    consultation = Step(CONSULTATION, date(2025, 3, 3), until=date(2025, 3, 14))  # two full weeks
    deadline = compute_deadline(received, [consultation], CAL)
    assert deadline.paused_workdays == 10
    # 3-24 + 10 working days: 3-25..28 (4), 3-31..4-03 (8), 4-04 清明 off, 4-07 (9), 4-08 (10).
    assert deadline.due == date(2025, 4, 8)
    assert any("期间10个工作日不计入答复期限" in line for line in deadline.explanation)


def test_consultation_over_spring_festival_counts_only_working_days() -> None:
    consultation = Step(CONSULTATION, date(2025, 1, 22), until=date(2025, 2, 10))
    deadline = compute_deadline(date(2025, 1, 20), [consultation], CAL)
    # 1-22..24, Sun 1-26, 1-27, 2-05..07, Sat 2-08, 2-10 = 10 working days
    assert deadline.paused_workdays == 10
    assert deadline.due == CAL.add_workdays(date(2025, 1, 20), 30)


def test_overlapping_consultations_are_not_counted_twice() -> None:
    steps = [
        Step(CONSULTATION, date(2025, 3, 3), until=date(2025, 3, 14)),
        Step(CONSULTATION, date(2025, 3, 10), until=date(2025, 3, 21)),
    ]
    deadline = compute_deadline(date(2025, 2, 24), steps, CAL)
    assert deadline.paused_workdays == 15


def test_open_consultation_suspends() -> None:
    deadline = compute_deadline(date(2025, 2, 24), [Step(CONSULTATION, date(2025, 3, 3))], CAL)
    assert deadline.suspended
    assert deadline.due is None
    assert deadline.paused_workdays == 0
    assert any("答复期限中止" in line for line in deadline.explanation)


def test_consultation_started_after_the_deadline_does_not_move_it() -> None:
    deadline = compute_deadline(date(2025, 2, 24), [Step(CONSULTATION, date(2025, 3, 26))], CAL)
    assert not deadline.suspended
    assert deadline.due == date(2025, 3, 24)


def test_fee_notice_pauses_by_default_and_is_configurable() -> None:
    fee = Step(FEE_NOTICE, date(2025, 3, 3), until=date(2025, 3, 7))
    paused = compute_deadline(date(2025, 2, 24), [fee], CAL)
    assert paused.paused_workdays == 5
    assert paused.due == date(2025, 3, 31)
    not_paused = compute_deadline(date(2025, 2, 24), [fee], CAL, fee_notice_pauses=False)
    assert not_paused.paused_workdays == 0
    assert not_paused.due == date(2025, 3, 24)
    assert any("按配置不中止" in line for line in not_paused.explanation)
    unpaid = compute_deadline(date(2025, 2, 24), [Step(FEE_NOTICE, date(2025, 3, 3))], CAL)
    assert unpaid.suspended
    assert fee_payment_due(date(2025, 3, 3), CAL) == date(2025, 3, 31)


def test_old_regulation_15_plus_15() -> None:
    received = date(2019, 5, 10)  # before 2019-05-15: 2008 regulation art. 24
    plain = compute_deadline(received, [], CAL)
    assert plain.rule == OLD_REGIME.rule
    assert "（2008）第二十四条" in plain.rule
    assert plain.base_days == 15
    assert plain.due == date(2019, 5, 31)
    extended = compute_deadline(received, [Step(EXTENSION, date(2019, 5, 30), approver="李某", days=15)], CAL)
    # 6-03..06 (4), 6-07 端午 off, 6-10..14 (9), 6-17..21 (14), 6-24 (15)
    assert extended.due == date(2019, 6, 24)
    with pytest.raises(ValueError, match="应为1至15个工作日"):
        compute_deadline(received, [Step(EXTENSION, date(2019, 5, 30), approver="李某", days=16)], CAL)
    assert compute_deadline(date(2019, 5, 15), [], CAL).base_days == 20


def test_deadline_in_an_uncovered_year_is_provisional_and_says_why() -> None:
    found = compute_deadline(date(2026, 12, 20), [], CAL)
    assert found.due == date(2027, 1, 18)
    assert found.provisional
    assert found.provisional_years == (2027,)
    assert "（暂定）" in found.explanation[-2]
    reason = found.explanation[-1]
    assert reason.startswith("暂定：2027年的国务院放假安排尚未收录")
    assert "《全国年节及纪念日放假办法》" in reason
    assert "未计调休" in reason
    assert "nianbao ledger calendar load" in reason
    overrides, years = parse_overrides(OVERRIDE_2027)
    exact = compute_deadline(date(2026, 12, 20), [], WorkingCalendar(overrides, years))
    assert exact.due == date(2027, 1, 18)
    assert not exact.provisional
    assert not any("暂定" in line for line in exact.explanation)
    # a deadline wholly inside covered years is exact
    assert not compute_deadline(date(2026, 11, 2), [], CAL).provisional
    # suspended (补正 awaited): no date, nothing provisional to say
    waiting = compute_deadline(date(2026, 12, 20), [Step(CORRECTION_REQUESTED, date(2026, 12, 22))], CAL)
    assert waiting.due is None
    assert not waiting.provisional


def test_workdays_left() -> None:
    due = date(2025, 3, 24)  # Monday
    assert workdays_left(due, due, CAL) == 0
    assert workdays_left(due, date(2025, 3, 21), CAL) == 1
    assert workdays_left(due, date(2025, 3, 22), CAL) == 1  # Saturday before
    assert workdays_left(due, date(2025, 3, 17), CAL) == 5
    assert workdays_left(due, date(2025, 3, 25), CAL) == -1
    assert workdays_left(due, date(2025, 3, 26), CAL) == -2
    friday = date(2025, 3, 21)
    assert workdays_left(friday, date(2025, 3, 22), CAL) == -1  # day off after the due day
    assert workdays_left(friday, date(2025, 3, 24), CAL) == -1


# --- properties -----------------------------------------------------------------------

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 8, 31))
workday_counts = st.integers(min_value=0, max_value=60)


@given(start=starts, n=workday_counts)
def test_add_then_between_gives_n_back(start: date, n: int) -> None:
    end = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, end) == n
    assert CAL.workdays_between(end, start) == -n
    if n:
        assert CAL.is_workday(end)
        assert CAL.workdays_between(start, end, include_start=True) - n == int(CAL.is_workday(start))
        inclusive = CAL.add_workdays(start, n, include_start=True)
        assert CAL.workdays_between(start, inclusive, include_start=True) == n


@st.composite
def closed_steps(draw: st.DrawFn, received: date) -> list[Step]:
    steps: list[Step] = []
    for _ in range(draw(st.integers(0, 3))):
        on = received + timedelta(days=draw(st.integers(0, 40)))
        until = on + timedelta(days=draw(st.integers(0, 30)))
        steps.append(Step(draw(st.sampled_from([CONSULTATION, FEE_NOTICE])), on, until=until))
    return steps


@settings(max_examples=60, deadline=None)
@given(data=st.data(), received=starts, fee_pauses=st.booleans())
def test_deadlines_fall_on_workdays_and_pauses_never_make_them_earlier(
    data: st.DataObject, received: date, fee_pauses: bool
) -> None:
    steps = data.draw(closed_steps(received))
    base = compute_deadline(received, steps, CAL, fee_notice_pauses=fee_pauses)
    assert base.due is not None
    assert CAL.is_workday(base.due)
    assert base.due > received
    extra = data.draw(closed_steps(received))
    more = compute_deadline(received, steps + extra, CAL, fee_notice_pauses=fee_pauses)
    assert more.due is not None
    assert CAL.is_workday(more.due)
    assert more.due >= base.due
    assert more.paused_workdays >= base.paused_workdays
    counted = CAL.workdays_between(received, more.due) - more.paused_workdays
    assert counted == more.base_days


@given(due=st.dates(date(2005, 1, 1), date(2025, 12, 31)), offset=st.integers(-40, 40))
def test_workdays_left_sign(due: date, offset: int) -> None:
    due = CAL.next_workday(due)
    today = due + timedelta(days=offset)
    left = workdays_left(due, today, CAL)
    assert (left == 0) == (today == due)
    assert (left < 0) == (today > due)
