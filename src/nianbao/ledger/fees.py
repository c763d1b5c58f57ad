"""Information-processing fees (信息处理费) under 国办函〔2020〕109号, in force from 2021-01-01.

Two bases, both progressive on the excess, and one basis per application, never both:

- 按件 (by count): the n-th 件 of one applicant in one calendar month. 1–10 free; 11–30
  100 元/件; from 31 on bands of 10 件, each band 100 元/件 more (31–40 200, 41–50 300, …;
  domain.md §3.5 calls this last part a DERIVED reading of "每增加一档提高100元/件").
- 按量 (by volume): pages of one application. 1–30 free; 31–100 10 元/页; 101–200 20 元/页;
  201 and above 40 元/页. How electronic data converts to pages is UNVERIFIED.

Tiers are data (`Tiers`, a tuple of `Band`) so that a province with different tiers can
pass its own. Amounts are whole 元. Waivers and reductions are not modelled (UNVERIFIED).
"""

from __future__ import annotations

from dataclasses import dataclass

BASIS_BY_COUNT = "按件计收"
BASIS_BY_PAGES = "按量计收"
_SOURCE = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


@dataclass(frozen=True)
class Band:
    """Units ``first``..``last`` (inclusive; ``last=None`` = no upper end) cost ``rate`` 元 each."""

    first: int
    last: int | None
    rate: int


@dataclass(frozen=True)
class Tiers:
    """Progressive tiers: the bands, then (optionally) ever higher bands beyond the last one.

    When the last band is closed and ``then_every`` > 0, the units after it fall into bands of
    ``then_every`` units whose rate rises by ``then_increase`` 元 per band.
    """

    bands: tuple[Band, ...]
    unit: str
    then_every: int = 0
    then_increase: int = 0

    def __post_init__(self) -> None:
        if not self.bands or self.bands[0].first != 1:
            raise ValueError("收费档次必须从第1个单位开始")
        for before, after in zip(self.bands, self.bands[1:], strict=False):
            if before.last is None or after.first != before.last + 1:
                raise ValueError(f"收费档次不连续：{before} 之后是 {after}")
        for band in self.bands:
            if band.rate < 0 or (band.last is not None and band.last < band.first):
                raise ValueError(f"收费档次无效：{band}")
        if self.bands[-1].last is not None and self.then_every <= 0:
            raise ValueError("最后一档有上限时必须给出其后每档的单位数（then_every）")

    def band_of(self, n: int) -> Band:
        """The band of the n-th unit (1-based)."""
        if n < 1:
            raise ValueError(f"序号必须从1开始：{n}")
        for band in self.bands:
            if band.last is None or n <= band.last:
                return band
        last = self.bands[-1]
        assert last.last is not None
        k = (n - last.last - 1) // self.then_every + 1
        first = last.last + (k - 1) * self.then_every + 1
        return Band(first, first + self.then_every - 1, last.rate + k * self.then_increase)

    def breakdown(self, count: int) -> list[tuple[Band, int, int]]:
        """For `count` units: (band, units in it, subtotal 元) for each band reached."""
        if count < 0:
            raise ValueError(f"数量不能为负数：{count}")
        parts: list[tuple[Band, int, int]] = []
        n = 1
        while n <= count:
            band = self.band_of(n)
            upto = count if band.last is None else min(count, band.last)
            units = upto - n + 1
            parts.append((band, units, units * band.rate))
            n = upto + 1
        return parts

    def total(self, count: int) -> int:
        """Total 元 for units 1..count."""
        return sum(subtotal for _, _, subtotal in self.breakdown(count))


#: 109号 按件 tiers, per applicant per calendar month.
COUNT_TIERS = Tiers(bands=(Band(1, 10, 0), Band(11, 30, 100)), unit="件", then_every=10, then_increase=100)
#: 109号 按量 tiers, per application.
PAGE_TIERS = Tiers(bands=(Band(1, 30, 0), Band(31, 100, 10), Band(101, 200, 20), Band(201, None, 40)), unit="页")


@dataclass
class FeeQuote:
    """The fee of one application: amount in 元, the basis used, and how it was computed."""

    amount: int
    basis: str
    explanation: tuple[str, ...]


def fee_by_count(nth_in_month: int, tiers: Tiers = COUNT_TIERS) -> int:
    """元 for the n-th 件 of one applicant in one calendar month."""
    if nth_in_month < 1:
        raise ValueError(f"本月第几件必须从1开始：{nth_in_month}")
    return tiers.band_of(nth_in_month).rate


def fee_for_month(count: int, tiers: Tiers = COUNT_TIERS) -> int:
    """Total 元 for `count` 件 of one applicant in one calendar month, all charged by count."""
    return tiers.total(count)


def fee_by_pages(pages: int, tiers: Tiers = PAGE_TIERS) -> int:
    """元 for one application of `pages` pages (progressive on the excess)."""
    return tiers.total(pages)


def quote(
    *,
    applications_this_month_before: int = 0,
    pages: int | None = None,
    count_tiers: Tiers = COUNT_TIERS,
    page_tiers: Tiers = PAGE_TIERS,
) -> FeeQuote:
    """The fee of one application: by pages when `pages` is given, else by count.

    `applications_this_month_before` is the number of 件 the same applicant filed earlier in
    the same calendar month (this application is the next one).
    """
    if applications_this_month_before < 0:
        raise ValueError(f"本月此前件数不能为负数：{applications_this_month_before}")
    if pages is not None:
        parts = page_tiers.breakdown(pages)
        amount = sum(subtotal for _, _, subtotal in parts)
        lines = [f"依据{_SOURCE}{BASIS_BY_PAGES}：本件共{pages}{page_tiers.unit}，按页数分档累进计算"]
        lines += [_band_line(band, units, subtotal, page_tiers.unit) for band, units, subtotal in parts]
        lines.append(f"合计{amount}元" if amount else "未超过免费页数，不收费")
        return FeeQuote(amount=amount, basis=BASIS_BY_PAGES, explanation=tuple(lines))
    nth = applications_this_month_before + 1
    band = count_tiers.band_of(nth)
    unit = count_tiers.unit
    lines = [
        f"依据{_SOURCE}{BASIS_BY_COUNT}：该申请人本自然月第{nth}{unit}（此前{applications_this_month_before}{unit}）",
        _band_line(band, 1, band.rate, unit),
        f"本{unit}收费{band.rate}元" if band.rate else f"本{unit}不收费",
    ]
    return FeeQuote(amount=band.rate, basis=BASIS_BY_COUNT, explanation=tuple(lines))


def _band_line(band: Band, units: int, subtotal: int, unit: str) -> str:
    where = f"第{band.first}{unit}及以上" if band.last is None else f"第{band.first}–{band.last}{unit}"
    if band.rate == 0:
        return f"{where}：免费（本档{units}{unit}）"
    return f"{where}：每{unit}{band.rate}元，本档{units}{unit}，计{subtotal}元"
