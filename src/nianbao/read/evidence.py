"""Evidence for splitting run-together digits beyond the row's own values (see `fit`, whose docstring gives the order
in which evidence is used): the tiers of a split's rank, and what last year's report says of this year's cells."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.formats import Format
from nianbao.read.values import Token
from nianbao.report import Report

__all__ = [
    "CHANGE_COLUMN",
    "MIN_AMOUNT_PER_PROJECT",
    "PREVIOUS_COLUMN",
    "TIERS",
    "WEAK_TIER",
    "Evidence",
    "Rank",
    "decided_by",
    "evidence_of",
    "tied_message",
]

#: A split's rank by the tiers of evidence (`TIERS`), smallest best.
Rank = tuple[float, ...]

#: Why a split was preferred to the next best, by the first tier of its rank that differs (see `_Scorer.rank`).
TIERS = (
    "本行勾稽关系",
    "常理（格式）",
    "报告正文所述数字",
    "上一年度报告",
    "常理（金额与项目数）",
    "常理（本年增减通常为0或很小）",
    "位数均衡",
)
#: The tiers from which on a decision is weak: the split is read but said to be unsure.
WEAK_TIER = 4
#: Least amount (元) per procurement project thought plausible (tier 5): a centralised-procurement project buys at
#: least a printer or a service contract; 29 projects for 3,571 元 (`293571元` cut 29|3571) is not a real year.
MIN_AMOUNT_PER_PROJECT = 1000
CHANGE_COLUMN = "本年增/减"
PREVIOUS_COLUMN = "上一年项目数量"


@dataclass(frozen=True)
class Evidence:
    """What a document offers beyond a row's own values to choose a split (see the module's docstring).

    `stated`: by a row's cells, the figures the report's narrative states for it (`stated_figures`); `expected`:
    the value a cell must have by last year's report (this year's 上一年项目数量); `continuity`: for a 2021 row
    (现行有效, 本年制发, 本年废止 keys, last year's 现行有效), the in-force count that continues it.
    """

    expected: Mapping[str, Decimal] = field(default_factory=dict)
    continuity: tuple[tuple[str, str, str, Decimal], ...] = ()
    stated: Mapping[tuple[str, ...], frozenset[Decimal]] = field(default_factory=dict)


#: A figure stated after a row's name in the narrative: a few characters (no digit, no sentence end), then the
#: number and its unit ("本年度制发的规范性文件77件", "行政许可412项").
_FIGURE = r"[^\d。；;，,]{0,8}?(\d+(?:\.\d+)?)(?:件|项|个|条|万元|元)"


def stated_figures(narrative: str, fmt: Format) -> dict[tuple[str, ...], frozenset[Decimal]]:
    """The figures `narrative` (white space removed) states for each row of table 二 by its name (行政规范性文件 also
    as 规范性文件)."""
    out: dict[tuple[str, ...], frozenset[Decimal]] = {}
    for row in fmt.rows_of("二"):
        names = {row.label, row.label.removeprefix("行政")} if len(row.label) > 4 else {row.label}
        found = {Decimal(m.group(1)) for name in names for m in re.finditer(re.escape(name) + _FIGURE, narrative)}
        if found:
            out[row.cells] = frozenset(found)
    return out


def evidence_of(previous: Report | None, fmt: Format, narrative: str = "") -> Evidence:
    """The evidence last year's report (when known) and the narrative before the tables give for this year's `fmt`
    (see `Evidence`)."""
    stated = stated_figures(narrative, fmt) if narrative else {}
    if previous is None:
        return Evidence(stated=stated)

    def value(key: str) -> Decimal | None:
        cell = previous.cells.get(key)
        return None if cell is None or cell.value is None else Decimal(cell.value)

    expected: dict[str, Decimal] = {}
    continuity: list[tuple[str, str, str, Decimal]] = []
    for key, spec in fmt.cells.items():
        stem = key.rsplit(".", 1)[0]
        if spec.column_label == PREVIOUS_COLUMN and (last := value(f"{stem}.decisions")) is not None:
            expected[key] = last
        if key.endswith(".in_force") and (last := value(key)) is not None:
            continuity.append((key, f"{stem}.issued", f"{stem}.repealed", last))
    return Evidence(expected, tuple(continuity), stated)


def decided_by(ranks: list[Rank]) -> str:
    """The tier that put the first of `ranks` before the second (Chinese); "" when there is one split only."""
    if len(ranks) < 2:
        return "唯一拆分" if ranks else ""
    for tier, (a, b) in enumerate(zip(ranks[0], ranks[1], strict=True)):
        if a != b:
            return TIERS[tier]
    return ""


def _shown(split: list[Token | None]) -> str:
    return "|".join(t.printed if t is not None else "" for t in split)


def tied_message(printed: str, tied: list[list[Token | None]]) -> str:
    """The problem of a run that no evidence splits one way (Chinese), listing the candidate splits."""
    shown = "、".join(_shown(t) for t in tied[:8]) + ("等" if len(tied) > 8 else "")
    return f"数字连排“{printed}”有{len(tied)}种拆分同样说得通（{shown}），无法判断，有分歧的单元格未读取"
