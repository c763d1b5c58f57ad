"""The stage `fit` (see `stages`): the values found after a row label, fitted to the row's cells.

A row of N cells may be printed as N separate values, with explicit empty cells (tables), with
stray empty cells from merged columns, or with the digits of adjacent cells run together
(`801000081` for 80|1|0|0|0|0|81, as web crawlers store pages). Run-together digits are split in
every way that keeps each number well-formed (no leading zero, no more digits than its cell can
hold), and the splits are ranked by the row's own arithmetic (identities of the format, e.g. 总计 =
the sum of the six applicant columns), then by soft plausibility (现行有效件数 ≥ 本年制发件数), then
by even digit lengths. When more than one split is equally good the fit says so, and the table
stage may still decide with the column identities across rows.

The splitting is bounded: at most `MAX_SPLITS` splits of one row, and at most `SPLIT_BUDGET` scored
in one document (`SplitBudget`, which also remembers the fits already made, since a label printed
several times is followed by the same digits). A run the budget cannot afford is not split: its row
is left unread and said to be uncertain, never guessed. The constants below are the defaults; the
document's `SplitBudget` carries the bounds of its `ReadOptions`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from nianbao.formats import Format, Identity, RowSpec
from nianbao.read.values import MAX_DIGITS, Token

if TYPE_CHECKING:
    from nianbao.read.options import ReadOptions

#: Most splits of one row's values that are scored (as many as `itertools.combinations` gives for 22 digits
#: into 7 cells).
MAX_SPLITS = 50_000
#: Longest digit run that is split into cells: a row has at most 15 cells of at most a few digits each; a longer
#: run is not a table row run together (splitting it would cost combinations of its length).
MAX_RUN_DIGITS = 60
#: Most digits of a count (件, 项) cut from a run (99,999,999; a count rarely has more than 7). An amount (元, 万元)
#: may have `values.MAX_DIGITS`.
MAX_COUNT_DIGITS = 8
#: Splits scored in one document, all rows and label occurrences together (a report run together needs a few
#: thousand; each costs a few microseconds). Past it a run is not split and its row is said to be uncertain.
SPLIT_BUDGET = 200_000

#: How the values of a row are cut: for each value, the digit counts of its pieces, or () when it is kept whole.
Shape = tuple[tuple[int, ...], ...]


@dataclass
class Fit:
    """Tokens assigned to a row's cells: one token (or None) per cell, left to right."""

    cells: list[Token | None]
    quality: int  # 0 exact, 1 split by arithmetic, 2 padded or trimmed, 3 nothing found
    problem: str = ""  # Chinese, when the fit is not exact
    alternatives: list[list[Token | None]] = field(default_factory=list)  # equally good splits


@dataclass(frozen=True)
class _Ranked:
    """The splits of one row's values, ranked: the best one's score and the shapes as good as it, best first
    (only the best one when it breaks an identity: the others are not used then)."""

    best: tuple[int, int, float]
    ties: tuple[Shape, ...]


class SplitBudget:
    """What one document may still spend on splitting digit runs, and the splits it already ranked.

    `scored` counts the splits scored so far (also those the table stage tries across rows, see `spend`); once
    `limit` is reached no more runs are split. The bounds are those of `options` (`split_budget`, `max_splits`,
    `max_run_digits`, `max_count_digits`, `max_digits`), the defaults above when None.
    """

    def __init__(self, options: ReadOptions | None = None) -> None:
        self.limit = SPLIT_BUDGET if options is None else options.split_budget
        self.max_splits = MAX_SPLITS if options is None else options.max_splits
        self.max_run_digits = MAX_RUN_DIGITS if options is None else options.max_run_digits
        self.max_count_digits = MAX_COUNT_DIGITS if options is None else options.max_count_digits
        self.max_digits = MAX_DIGITS if options is None else options.max_digits
        self.scored = 0
        self.exhausted = False
        self.memo: dict[tuple[object, ...], _Ranked | None] = {}  # by row structure and values: see `fit_row`
        self.scorers: dict[tuple[str, tuple[str, ...]], _Scorer] = {}

    def spend(self, count: int) -> bool:
        """Count `count` more scored splits; False (and nothing counted) when they would pass the limit."""
        if self.exhausted or self.scored + count > self.limit:
            self.exhausted = True
            return False
        self.scored += count
        return True


class _Exhausted(Exception):
    """The document's split budget ran out while a row's splits were being scored."""


def _row_identities(fmt: Format, row: RowSpec) -> list[Identity]:
    keys = set(row.cells)
    return [i for i in fmt.identities if set(i.keys) <= keys]


Number = int | Decimal
#: A way to print one value in a split: the digit counts of its pieces (() when kept whole) and their numbers.
_Option = tuple[tuple[int, ...], tuple[Number, ...]]


class _Scorer:
    """A row's identities, plausibility pairs and unit groups by cell position, to score many splits quickly.

    A split is ranked by (identities broken, plausibility pairs broken, unevenness of digit counts within each
    unit), smallest first; the first two are integers, the last is worked out only for the splits best by them.
    """

    def __init__(self, fmt: Format, row: RowSpec, budget: SplitBudget) -> None:
        pos = {k: i for i, k in enumerate(row.cells)}
        self.identities = [
            (tuple(pos[k] for k in i.lhs), tuple(pos[k] for k in i.rhs)) for i in _row_identities(fmt, row)
        ]
        self.plausible = [(pos[big], pos[small]) for big, small in row.plausible]
        groups: dict[str, list[int]] = {}
        for i, k in enumerate(row.cells):
            groups.setdefault(fmt.cells[k].unit, []).append(i)
        self.groups = [(g, g == list(range(len(row.cells)))) for g in groups.values() if len(g) > 1]
        self.caps = tuple(budget.max_digits if fmt.cells[k].is_decimal else budget.max_count_digits for k in row.cells)
        self._squares: dict[tuple[int, int], list[float]] = {}
        #: All a ranking depends on: rows alike in it (the 25 rows of table 三) rank the same values alike.
        self.signature = (
            tuple(self.identities),
            tuple(self.plausible),
            tuple((tuple(g), everything) for g, everything in self.groups),
            self.caps,
        )

    def broken(self, numbers: tuple[Number, ...] | list[Number]) -> tuple[int, int]:
        """Identities broken, plausibility pairs broken."""
        get = numbers.__getitem__
        hard = 0
        for lhs, rhs in self.identities:
            if sum(map(get, lhs)) != sum(map(get, rhs)):
                hard += 1
        soft = 0
        for big, small in self.plausible:
            if numbers[big] < numbers[small]:
                soft += 1
        return hard, soft

    def spread(self, lengths: tuple[int, ...] | list[int]) -> float:
        """Unevenness of the digit counts within each unit: the sum of their squared deviations from their mean
        (each square taken from a table of the squares for that mean, the same floats summed in the same order)."""
        spread = 0.0
        for gi, (group, everything) in enumerate(self.groups):
            counts = lengths if everything else [lengths[j] for j in group]
            total = sum(counts)
            squares = self._squares.get((gi, total))
            if squares is None:
                mean = total / len(counts)
                squares = self._squares[(gi, total)] = [(x - mean) ** 2 for x in range(total + 1)]
            spread += sum(map(squares.__getitem__, counts))
        return spread


def _split_ways(token: Token, caps: tuple[int, ...], limit: int, max_run_digits: int) -> list[_Option]:
    """The ways (at most `limit`) to cut a digit run into len(caps) well-formed numbers, the i-th of at most
    caps[i] digits, in the order of the cut positions; the sign belongs to the first number ("-10" is -1 | 0).
    A run of more than `max_run_digits` digits is not cut.

    Which cuts can still be completed is worked out first, so only cuts that give a split are walked.
    """
    digits = token.digits
    n, parts = len(digits), len(caps)
    if n > max_run_digits or n < parts:
        return []
    # done[k][p]: digits[p:] can be cut into the pieces k..parts-1
    done = [[False] * (n + 1) for _ in range(parts + 1)]
    done[parts][n] = True
    longest = [[1 if digits[p] == "0" else min(caps[k], n - p) for p in range(n)] for k in range(parts)]
    for k in range(parts - 1, -1, -1):
        after = done[k + 1]
        done[k][:n] = [any(after[p + size] for size in range(1, longest[k][p] + 1)) for p in range(n)]
    numbers = [
        [0, *(int(digits[p : p + size]) for size in range(1, max(longest[k][p] for k in range(parts)) + 1))]
        for p in range(n)
    ]  # numbers[p][size]: the number of the piece of `size` digits at p
    sign = -1 if token.sign == "-" else 1
    out: list[_Option] = []

    def walk(p: int, k: int, sizes: tuple[int, ...], values: tuple[Number, ...]) -> None:
        if k == parts:
            out.append((sizes, values))
            return
        after = done[k + 1]
        at = numbers[p]
        for size in range(1, longest[k][p] + 1):
            if after[p + size]:
                walk(p + size, k + 1, (*sizes, size), (*values, at[size]))
                if len(out) >= limit:
                    return

    if done[0][0]:
        after = done[1]
        for size in range(1, longest[0][0] + 1):
            if after[size]:
                walk(size, 1, (size,), (sign * numbers[0][size],))
                if len(out) >= limit:
                    break
    return out


def _number(token: Token) -> Number:
    """The token's number, as an int when it is a whole number of at most `MAX_DIGITS` digits (sums of such ints
    are exact, as the Decimal sums of the same numbers are), else as the Decimal."""
    number = token.number
    if number == number.to_integral_value() and len(token.digits) <= MAX_DIGITS:
        return int(number)
    return number


def _splits(values: list[Token], caps: tuple[int, ...], budget: SplitBudget) -> Iterator[tuple[_Option, ...]]:
    """Every way (at most the budget's `max_splits` + 1) to expand the values to len(caps) numbers by splitting
    digit runs: for each value the way it is printed in the split."""
    max_splits, max_run_digits = budget.max_splits, budget.max_run_digits
    n = len(caps)
    missing = n - len(values)
    runs = [i for i, t in enumerate(values) if t.is_run]
    whole: list[list[_Option]] = [[((), (_number(t),))] for t in values]
    ways_of: dict[tuple[int, int, int], list[_Option]] = {}
    count = 0
    # distribute `missing` extra parts over the runs
    for extra in _compositions(missing, len(runs)):
        per_token = list(whole)
        added = dict(zip(runs, extra, strict=True))
        at = 0  # the cell of the value's first piece
        for i in range(len(values)):
            add = added.get(i, 0)
            if add:
                key = (i, add, at)
                if key not in ways_of:
                    ways_of[key] = _split_ways(values[i], caps[at : at + add + 1], max_splits, max_run_digits)
                if not ways_of[key]:
                    break
                per_token[i] = ways_of[key]
            at += add + 1
        else:
            for combo in itertools.product(*per_token):
                yield combo
                count += 1
                if count > max_splits:
                    return


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 0:
        return [()] if total == 0 else []
    if parts == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total + 1) for rest in _compositions(total - first, parts - 1)]


def _pieces(token: Token, sizes: tuple[int, ...]) -> list[Token]:
    """The run `token` cut into pieces of `sizes` digits; the sign belongs to the first ("-10" is -1 | 0)."""
    if not sizes:
        return [token]
    digits = token.digits
    base = token.start + (token.printed.find(digits) if digits in token.printed else 0)
    bounds = list(itertools.accumulate(sizes, initial=0))
    split = [Token("num", digits[a:b], base + a, base + b, digits=digits[a:b]) for a, b in itertools.pairwise(bounds)]
    if token.sign:
        first = split[0]
        split[0] = Token(
            "num", token.sign + first.printed, first.start - 1, first.end, digits=first.digits, sign=token.sign
        )
    return split


def _tokens(values: list[Token], shape: Shape) -> list[Token]:
    return [piece for t, sizes in zip(values, shape, strict=True) for piece in _pieces(t, sizes)]


def _rank(scorer: _Scorer, values: list[Token], budget: SplitBudget) -> _Ranked | None:
    """The splits of `values`, ranked (None when there is none): as sorting them all by their score would, but
    with the digit-count unevenness worked out only for the splits best by identities and plausibility. Raises
    `_Exhausted` when the document's budget runs out before every split is scored."""
    allowance = budget.limit - budget.scored if not budget.exhausted else 0
    combos: list[tuple[_Option, ...]] = []
    broken: list[tuple[int, int]] = []
    for combo in _splits(values, scorer.caps, budget):
        if len(combos) >= allowance:
            budget.scored += len(combos)
            budget.exhausted = True
            raise _Exhausted
        numbers = combo[0][1] if len(combo) == 1 else [x for _, part in combo for x in part]
        combos.append(combo)
        broken.append(scorer.broken(numbers))
    budget.spend(len(combos))
    if not combos:
        return None
    least = min(broken)
    plain = [(len(t.digits),) for t in values]
    spreads = {
        i: scorer.spread(
            combo[0][0] or plain[0]
            if len(combo) == 1
            else [x for (sizes, _), one in zip(combo, plain, strict=True) for x in (sizes or one)]
        )
        for i, combo in enumerate(combos)
        if broken[i] == least
    }
    # when no split fits the identities only the best one is used (min keeps the first of equals, as sorted does)
    by_spread = spreads.__getitem__
    order = [min(spreads, key=by_spread)] if least[0] > 0 else sorted(spreads, key=by_spread)
    ties = tuple(tuple(sizes for sizes, _ in combos[i]) for i in order)
    return _Ranked((*least, spreads[order[0]]), ties)


def fit_row(fmt: Format, row: RowSpec, found: list[Token], structured: bool, budget: SplitBudget | None = None) -> Fit:
    """The values `found` after a row label fitted to the row's cells. `budget` is the document's (a fresh one
    when None): it bounds, and remembers, the splitting of run-together digits."""
    n = len(row.cells)
    values = [t for t in found if t.kind != "blank"]
    if not found:
        return Fit([None] * n, 3, "未找到该行的数值")
    if len(values) == n:
        return Fit(list(values), 0)
    if len(values) > n:
        return Fit(list(values[:n]), 2, f"该行印有{len(values)}个数值，多于{n}个单元格，只取前{n}个")
    if structured and len(found) == n:
        return Fit([None if t.kind == "blank" else t for t in found], 0)
    if structured and len(found) > n:
        trimmed = list(found)
        while len(trimmed) > n and trimmed[-1].kind == "blank":
            trimmed.pop()
        while len(trimmed) > n and trimmed[0].kind == "blank":
            trimmed.pop(0)
        cells = [None if t.kind == "blank" else t for t in trimmed[:n]]
        if len(trimmed) == n:
            return Fit(cells, 0)
        return Fit(cells, 2, f"该行有{len(found)}个单元格，多于{n}个，按位置取前{n}个")
    if any(t.is_run for t in values) and all(t.kind != "text" for t in values):
        budget = budget if budget is not None else SplitBudget()
        printed = " ".join(t.printed for t in values)
        scorer = budget.scorers.get((fmt.name, row.cells))
        if scorer is None:
            scorer = budget.scorers[(fmt.name, row.cells)] = _Scorer(fmt, row, budget)
        key = (scorer.signature, tuple((t.digits, t.sign, t.unit) for t in values))
        if key in budget.memo:
            ranked = budget.memo[key]
        else:
            try:
                ranked = _rank(scorer, values, budget)
            except _Exhausted:
                return Fit(
                    [None] * n,
                    2,
                    f"数字连排“{printed}”可拆分的方式太多，本文件的拆分计算已达上限"
                    f"（{budget.limit:,} 种），未拆分，本行数值未读取（不确定）",
                )
            budget.memo[key] = ranked
        if ranked is not None:
            first: list[Token | None] = list(_tokens(values, ranked.ties[0]))
            chosen = "|".join(t.printed for t in first if t is not None)
            if ranked.best[0] > 0:
                return Fit(first, 1, f"数字连排“{printed}”无论怎样拆分都不符合本行勾稽关系，按位数均衡拆为 {chosen}")
            if len(ranked.ties) > 1:
                basis = "都符合本行勾稽关系" if _row_identities(fmt, row) else "都说得通（本行没有勾稽关系）"
                said = f"数字连排“{printed}”有{len(ranked.ties)}种拆分{basis}，按常理与位数均衡取 {chosen}"
                return Fit(first, 1, said, alternatives=[list(_tokens(values, shape)) for shape in ranked.ties])
            return Fit(first, 1)
    padded: list[Token | None] = [None if t.kind == "blank" else t for t in found[:n]]
    padded += [None] * (n - len(padded))
    return Fit(padded, 2, f"该行只找到{len(values)}个数值，少于{n}个单元格，按从左到右填入")
