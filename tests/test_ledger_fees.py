"""Information-processing fees under 国办函〔2020〕109号 (domain.md §3.5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.ledger.fees import (
    BASIS_BY_COUNT,
    BASIS_BY_PAGES,
    COUNT_TIERS,
    PAGE_TIERS,
    Band,
    FeeQuote,
    Tiers,
    fee_by_count,
    fee_by_pages,
    fee_for_month,
    quote,
)


@pytest.mark.parametrize(
    ("nth", "fee"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400), (101, 900)],
)
def test_fee_by_count(nth: int, fee: int) -> None:
    assert fee_by_count(nth) == fee


def test_worked_example_35_in_a_month() -> None:
    # 1–10 free, 11–30 → 20 × 100 = 2,000, 31–35 → 5 × 200 = 1,000
    assert fee_for_month(35) == 3000
    assert fee_for_month(0) == 0
    assert fee_for_month(10) == 0
    assert fee_for_month(30) == 2000
    assert fee_for_month(40) == 4000
    assert fee_for_month(50) == 7000


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, 0),
        (30, 0),
        (31, 10),
        (100, 700),  # 70 × 10
        (101, 720),
        (150, 1700),  # 700 + 50 × 20
        (200, 2700),  # 700 + 100 × 20
        (201, 2740),
        (250, 4700),  # 2,700 + 50 × 40
    ],
)
def test_fee_by_pages(pages: int, fee: int) -> None:
    assert fee_by_pages(pages) == fee


def test_quote_by_count() -> None:
    q = quote(applications_this_month_before=34)
    assert q == FeeQuote(amount=200, basis=BASIS_BY_COUNT, explanation=q.explanation)
    assert "第35件" in q.explanation[0]
    assert "109号" in q.explanation[0]
    assert q.explanation[-1] == "本件收费200元"
    first = quote()
    assert first.amount == 0
    assert first.basis == BASIS_BY_COUNT
    assert first.explanation[-1] == "本件不收费"


def test_quote_by_pages_never_adds_the_count_fee() -> None:
    q = quote(applications_this_month_before=40, pages=150)
    assert q.amount == 1700
    assert q.basis == BASIS_BY_PAGES
    assert "第31–100页：每页10元，本档70页，计700元" in q.explanation
    assert "第101–200页：每页20元，本档50页，计1000元" in q.explanation
    assert q.explanation[-1] == "合计1700元"
    free = quote(pages=12)
    assert free.amount == 0
    assert free.explanation[-1] == "未超过免费页数，不收费"


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: fee_by_count(0), "必须从1开始"),
        (lambda: fee_for_month(-1), "不能为负数"),
        (lambda: fee_by_pages(-3), "不能为负数"),
        (lambda: quote(applications_this_month_before=-1), "本月此前件数不能为负数"),
        (lambda: quote(pages=-1), "不能为负数"),
    ],
)
def test_bad_numbers_raise(call: Callable[[], object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()


def test_a_province_can_configure_its_own_tiers() -> None:
    province = Tiers(bands=(Band(1, 20, 0), Band(21, 50, 5), Band(51, None, 8)), unit="页")
    assert fee_by_pages(60, province) == 30 * 5 + 10 * 8
    assert quote(pages=60, page_tiers=province).amount == 230
    stricter = Tiers(bands=(Band(1, 5, 0), Band(6, 10, 50)), unit="件", then_every=5, then_increase=50)
    assert [fee_by_count(n, stricter) for n in (5, 6, 11, 16)] == [0, 50, 100, 150]
    assert quote(applications_this_month_before=10, count_tiers=stricter).amount == 100


@pytest.mark.parametrize(
    "bands",
    [
        (Band(2, 10, 0),),
        (Band(1, 10, 0), Band(12, None, 10)),
        (Band(1, 10, 0), Band(11, 20, 10)),  # closed last band without then_every
        (Band(1, None, -1),),
    ],
)
def test_invalid_tiers_are_rejected(bands: tuple[Band, ...]) -> None:
    with pytest.raises(ValueError, match=r"收费档次|then_every"):
        Tiers(bands=bands, unit="件")


@given(count=st.integers(0, 300))
def test_month_total_is_the_sum_of_each_application(count: int) -> None:
    assert fee_for_month(count) == sum(fee_by_count(n) for n in range(1, count + 1))
    assert fee_for_month(count) == sum(quote(applications_this_month_before=n).amount for n in range(count))


@given(pages=st.integers(0, 5000))
def test_page_fee_is_progressive(pages: int) -> None:
    assert fee_by_pages(pages + 1) - fee_by_pages(pages) == PAGE_TIERS.band_of(pages + 1).rate
    assert quote(pages=pages).amount == fee_by_pages(pages)


@given(n=st.integers(1, 500))
def test_count_rate_never_decreases(n: int) -> None:
    assert fee_by_count(n + 1) >= fee_by_count(n)
    assert COUNT_TIERS.band_of(n).first <= n
