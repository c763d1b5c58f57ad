"""The stage `fit` (see `stages`): the values found after a row label, fitted to the row's cells.

A row of N cells may be printed as N separate values, with explicit empty cells (tables), with
stray empty cells from merged columns, or with the digits of adjacent cells run together
(`801000081` for 80|1|0|0|0|0|81, as web crawlers store pages). Run-together digits are split in
every way that keeps each number well-formed (no leading zero, no more digits than its cell can
hold, an amount's decimals kept on the amount: `1263854.12` is 126 | 3854.12 or another cut of its
whole part), and the splits are ranked by evidence, in this order, each consulted only among the
splits left equal by the ones before:

1. the table's own identities: the row's (总计 = the sum of the six applicant columns), then, in the
   table stage (`tables`, `ties`), the column identities across rows, row by row and then for the rows
   still tied together;
2. the format's plausibility (`RowSpec.plausible`: 现行有效件数 ≥ 本年制发件数, 采购总金额 ≥ 采购项目数量;
   a 本年增/减 no larger than its 上一年项目数量);
3. the figures the report's narrative states before the tables for a row of table 二 (`stated_figures`:
   "本年度制发的规范性文件77件"): a split holding more of them is preferred;
4. the previous year's report, when known (`Evidence`, from `read(..., previous=)`): last year's
   处理决定数量 is this year's 上一年项目数量, and 现行有效件数 = last year's + 本年制发 − 本年废止;
5. weak plausibility: an amount in 元 of at least 1,000 per project, a 本年增/减 of few digits, then
   even digit lengths within each unit.

A split decided by the tiers 1 to 4 is read without a problem; one decided only by tier 5 is read but
said to be unsure (the audit then calls what it feeds uncertain). When splits remain equal after every
tier the fit says so (`Fit.tied`) and the table stage leaves the cells they disagree on unread (None),
with a problem ``cell.uncertain`` listing the candidate splits (the audit's C206, 识别不确定): never a
guess. A table row whose digits ran into its first cells, the others left empty (a count of more digits
than a count has, or an identity that cannot hold as printed), is split too, when a split keeps the
row's identities. `Fit.decided_by` names the evidence that decided (`nianbao parse --explain` prints it).

The splitting is bounded: at most `MAX_SPLITS` splits of one row, and at most `SPLIT_BUDGET` scored
in one document (`SplitBudget`, which also remembers the fits already made, since a label printed
several times is followed by the same digits). A run the budget cannot afford is not split: its row
is left unread and said to be uncertain, never guessed. The constants below are the defaults; the
document's `SplitBudget` carries the bounds of its `ReadOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nianbao.formats import Format, Identity, RowSpec
from nianbao.read.cuts import Number, Option, Shape, splits, splittable, tokens_of
from nianbao.read.evidence import (
    CHANGE_COLUMN,
    MIN_AMOUNT_PER_PROJECT,
    PREVIOUS_COLUMN,
    TIERS,
    WEAK_TIER,
    Evidence,
    Rank,
    decided_by,
    tied_message,
)
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


@dataclass
class Fit:
    """Tokens assigned to a row's cells: one token (or None) per cell, left to right."""

    cells: list[Token | None]
    quality: int  # 0 exact, 1 split by arithmetic, 2 padded or trimmed, 3 nothing found
    problem: str = ""  # Chinese, when the fit is not exact
    alternatives: list[list[Token | None]] = field(default_factory=list)  # splits left by the row's evidence
    ranks: list[Rank] = field(default_factory=list)  # the rank of each alternative (smaller is better)
    tied: list[list[Token | None]] = field(default_factory=list)  # splits no evidence tells apart (2+ or none)
    decided_by: str = ""  # Chinese: the evidence that chose the split (see the module's docstring)
    run: str = ""  # the values as printed, when they were split
    doubtful: bool = False  # values read, but the row is uncertain (a `cell.uncertain` problem on all its cells)


@dataclass(frozen=True)
class _Ranked:
    """The splits of one row's values, ranked: the best one's score and the shapes as good as it, best first
    (only the best one when it breaks an identity: the others are not used then)."""

    best: Rank
    ties: tuple[Shape, ...]
    ranks: tuple[Rank, ...] = ()
    runner_up: tuple[int, int] | None = None  # the identities and plausibility broken by the next best splits


class SplitBudget:
    """What one document may still spend on splitting digit runs, and the splits it already ranked.

    `scored` counts the splits scored so far (also those the table stage tries across rows, see `spend`); once
    `limit` is reached no more runs are split. The bounds are those of `options` (`split_budget`, `max_splits`,
    `max_run_digits`, `max_count_digits`, `max_digits`), the defaults above when None.
    """

    def __init__(self, options: ReadOptions | None = None, evidence: Evidence | None = None) -> None:
        self.evidence = evidence or Evidence()
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
        self.decimal = tuple(fmt.cells[k].is_decimal for k in row.cells)
        self.units = tuple(fmt.cells[k].unit for k in row.cells)
        columns = [fmt.cells[k].column_label for k in row.cells]
        self.changes = [i for i, c in enumerate(columns) if c == CHANGE_COLUMN]
        base = [i for i, c in enumerate(columns) if c == PREVIOUS_COLUMN]
        #: (本年增/减, 上一年项目数量) positions: a change larger than last year's count is implausible (tier 2)
        self.change_pairs = [(c, base[0]) for c in self.changes if base]
        #: (amount, project count) positions: an amount under `MIN_AMOUNT_PER_PROJECT` a project is unlikely (tier 5)
        self.per_project = [(b, s) for b, s in self.plausible if self.decimal[b] and not self.decimal[s]]
        evidence = budget.evidence
        self.expected = tuple((pos[k], v) for k, v in sorted(evidence.expected.items()) if k in pos)
        self.stated = tuple(sorted(evidence.stated.get(row.cells, ())))
        self.continuity = tuple(
            (pos[a], pos[b], pos[c], last) for a, b, c, last in evidence.continuity if {a, b, c} <= pos.keys()
        )
        self._squares: dict[tuple[int, int], list[float]] = {}
        #: All a ranking depends on: rows alike in it (the 25 rows of table 三) rank the same values alike.
        self.signature = (
            tuple(self.identities),
            tuple(self.plausible),
            tuple((tuple(g), everything) for g, everything in self.groups),
            self.caps,
            self.decimal,
            self.units,
            tuple(self.change_pairs),
            self.expected,
            self.continuity,
            self.stated,
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
        for change, base in self.change_pairs:
            if numbers[change] > numbers[base]:
                soft += 1
        return hard, soft

    def further(self, numbers: tuple[Number, ...] | list[Number], lengths: tuple[int, ...] | list[int]) -> Rank:
        """The tiers after identities and plausibility (`TIERS` 3 to 7) of a split best by those."""
        stated = sum(1 for figure in self.stated if figure not in numbers)
        previous = sum(1 for i, v in self.expected if numbers[i] != v)
        previous += sum(1 for a, b, c, last in self.continuity if numbers[a] != last + numbers[b] - numbers[c])
        cheap = sum(1 for big, small in self.per_project if numbers[big] < MIN_AMOUNT_PER_PROJECT * numbers[small])
        change = sum(lengths[i] for i in self.changes)
        return (stated, previous, cheap, change, self.spread(lengths))

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


def _rank(scorer: _Scorer, values: list[Token], budget: SplitBudget) -> _Ranked | None:
    """The splits of `values`, ranked (None when there is none): as sorting them all by their rank would, but
    with the tiers after identities and plausibility worked out only for the splits best by those. Raises
    `_Exhausted` when the document's budget runs out before every split is scored."""
    allowance = budget.limit - budget.scored if not budget.exhausted else 0
    combos: list[tuple[Option, ...]] = []
    broken: list[tuple[int, int]] = []
    for combo in splits(values, scorer.caps, scorer.decimal, budget.max_splits, budget.max_run_digits, scorer.units):
        if len(combos) >= allowance:
            budget.scored += len(combos)
            budget.exhausted = True
            raise _Exhausted
        got = combo[0][1] if len(combo) == 1 else [x for _, part in combo for x in part]
        combos.append(combo)
        broken.append(scorer.broken(got))
    budget.spend(len(combos))
    if not combos:
        return None
    least = min(broken)
    plain = [(len(t.digits.partition(".")[0]),) for t in values]
    ranks: dict[int, Rank] = {}
    for i, combo in enumerate(combos):
        if broken[i] != least:
            continue
        if len(combo) == 1:
            lengths: tuple[int, ...] | list[int] = combo[0][0] or plain[0]
            numbers: tuple[Number, ...] | list[Number] = combo[0][1]
        else:
            lengths = [x for (sizes, _), one in zip(combo, plain, strict=True) for x in (sizes or one)]
            numbers = [x for _, part in combo for x in part]
        ranks[i] = (*least, *scorer.further(numbers, lengths))
    # when no split fits the identities only the best one is used (min keeps the first of equals, as sorted does)
    by_rank = ranks.__getitem__
    order = [min(ranks, key=by_rank)] if least[0] > 0 else sorted(ranks, key=by_rank)
    ties = tuple(tuple(sizes for sizes, _ in combos[i]) for i in order)
    worse = [b for b in broken if b != least]
    return _Ranked(ranks[order[0]], ties, tuple(ranks[i] for i in order), min(worse) if worse else None)


def fit_row(fmt: Format, row: RowSpec, found: list[Token], structured: bool, budget: SplitBudget | None = None) -> Fit:
    """The values `found` after a row label fitted to the row's cells. `budget` is the document's (a fresh one
    when None): it bounds, and remembers, the splitting of run-together digits.

    A last value cut from before the year of the next sentence (`978407 32019年`) after a digit run may be a stray
    digit (a page number) rather than a value: when read as a value breaks the row's identities or plausibility,
    the row ends before it if the rest then holds them, else the row is left unread (uncertain), never guessed."""
    values = [t for t in found if t.kind != "blank"]
    if not (values and values[-1].glued and len(values) <= len(row.cells) and any(map(splittable, values[:-1]))):
        return _fit_row(fmt, row, found, structured, budget)
    whole = _fit_row(fmt, row, found, structured, budget)
    if _holds(fmt, row, whole, budget):
        return whole
    rest = _fit_row(fmt, row, found[: found.index(values[-1])], structured, budget)
    if rest.quality <= 1 and _holds(fmt, row, rest, budget):
        return rest
    n = len(row.cells)
    printed = " ".join(t.printed for t in values)
    return Fit(
        [None] * n,
        2,
        f"识别不确定：“{printed}”末尾与年份连排的“{values[-1].printed}”可能是数值，也可能是页码等杂散数字，"
        "两种读法都不符合本行的勾稽关系或常理，本行数值未读取",
    )


def _holds(fmt: Format, row: RowSpec, fit: Fit, budget: SplitBudget | None) -> bool:
    """Whether a fit gives every cell of the row a number, and those keep the row's identities and plausibility."""
    if fit.quality > 1 or any(t is None or t.kind != "num" for t in fit.cells):
        return False
    budget = budget if budget is not None else SplitBudget()
    scorer = budget.scorers.get((fmt.name, row.cells))
    if scorer is None:
        scorer = budget.scorers[(fmt.name, row.cells)] = _Scorer(fmt, row, budget)
    return scorer.broken([t.number for t in fit.cells if t is not None]) == (0, 0)


def _fit_row(fmt: Format, row: RowSpec, found: list[Token], structured: bool, budget: SplitBudget | None) -> Fit:
    n = len(row.cells)
    values = [t for t in found if t.kind != "blank"]
    if not found:
        return Fit([None] * n, 3, "未找到该行的数值")
    if len(values) == n:
        return Fit(list(values), 0)
    if len(values) > n:
        return Fit(list(values[:n]), 2, f"该行印有{len(values)}个数值，多于{n}个单元格，只取前{n}个")
    runs = any(splittable(t) for t in values) and all(t.kind == "num" for t in values)
    if structured and len(found) >= n:
        positional = _by_position(found, n)
        if runs and not _possible(fmt, row, positional.cells, budget):
            # the digits of several cells in one (a cell's value cannot be read as printed): split them if that
            # fits the row's identities
            split = _split_fit(fmt, row, values, budget)
            if split is not None and split.ranks and split.ranks[0][0] == 0:
                return split
        return positional
    if runs:
        split = _split_fit(fmt, row, values, budget)
        if split is not None:
            return split
        zeros = _short_zero_run(row, values)
        if zeros is not None:
            return zeros
    padded: list[Token | None] = [None if t.kind == "blank" else t for t in found[:n]]
    padded += [None] * (n - len(padded))
    return Fit(padded, 2, f"该行只找到{len(values)}个数值，少于{n}个单元格，按从左到右填入")


def _short_zero_run(row: RowSpec, values: list[Token]) -> Fit | None:
    """Zeros run together, fewer than the row's cells (`000000` for 7 cells, one printed blank): no number has a
    leading zero, so each zero is a cell's 0 and the other cells were printed blank, but which ones cannot be told.
    Every cell is read 0 (what it is, or what its blank stands for) and the row said to be uncertain."""
    n = len(row.cells)
    digits = "".join(t.digits for t in values)
    if not digits or set(digits) != {"0"} or any(t.sign or t.unit for t in values) or len(digits) >= n:
        return None
    cells: list[Token | None] = []
    for t in values:
        cells += [Token("num", "0", t.start + i, t.start + i + 1, "0") for i in range(len(t.digits))]
    cells += [Token("num", "0", values[-1].end, values[-1].end, "0") for _ in range(n - len(digits))]
    printed = " ".join(t.printed for t in values)
    return Fit(
        cells,
        2,
        f"识别不确定：数字连排“{printed}”只有{len(digits)}个0，本行有{n}个单元格：{n - len(digits)}格未印数值，"
        "无法判断是哪几格；数值不以0开头，各格只能是0或空白，均按0读取",
        run=printed,
        doubtful=True,
    )


def _by_position(found: list[Token], n: int) -> Fit:
    """A table row's cells read by position: blanks at either end beyond the row's `n` cells dropped."""
    if len(found) == n:
        return Fit([None if t.kind == "blank" else t for t in found], 0)
    trimmed = list(found)
    while len(trimmed) > n and trimmed[-1].kind == "blank":
        trimmed.pop()
    while len(trimmed) > n and trimmed[0].kind == "blank":
        trimmed.pop(0)
    cells = [None if t.kind == "blank" else t for t in trimmed[:n]]
    if len(trimmed) == n:
        return Fit(cells, 0)
    return Fit(cells, 2, f"该行有{len(found)}个单元格，多于{n}个，按位置取前{n}个")


def _possible(fmt: Format, row: RowSpec, cells: list[Token | None], budget: SplitBudget | None) -> bool:
    """Whether a row of run-together digits read by position can be as printed: no count of more digits than a
    count has, and every identity of the row holds (one with an empty cell is not known to fail, unless the row's
    values fill only its first cells: digits of several cells run into them, the cells after left empty)."""
    caps = budget.max_count_digits if budget is not None else MAX_COUNT_DIGITS
    values = dict(zip(row.cells, cells, strict=True))
    filled = [tok is not None for tok in cells]
    packed = not all(filled) and filled == sorted(filled, reverse=True)
    for key, tok in values.items():
        if tok is not None and not fmt.cells[key].is_decimal and len(tok.digits.partition(".")[0]) > caps:
            return False
    for identity in _row_identities(fmt, row):
        terms = [values[k] for k in identity.keys]
        if any(t is None or t.kind != "num" for t in terms):
            if packed:
                return False
            continue
        get = {k: t.number for k, t in values.items() if t is not None and t.kind == "num"}
        if sum(get[k] for k in identity.lhs) != sum(get[k] for k in identity.rhs):
            return False
    return True


def _split_fit(fmt: Format, row: RowSpec, values: list[Token], budget: SplitBudget | None) -> Fit | None:
    """The values, some of them run together, split into the row's cells by the evidence (None: no split)."""
    n = len(row.cells)
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
        first: list[Token | None] = list(tokens_of(values, ranked.ties[0]))
        chosen = "|".join(t.printed for t in first if t is not None)
        if ranked.best[0] > 0:
            said = f"数字连排“{printed}”无论怎样拆分都不符合本行勾稽关系，按位数均衡拆为 {chosen}"
            return Fit(first, 1, said, ranks=[ranked.best])
        ranks = list(ranked.ranks)
        by = decided_by(ranks)
        if len(ranks) == 1 and ranked.runner_up is not None:  # the others broke an identity or were implausible
            by = TIERS[0] if ranked.runner_up[0] != ranked.best[0] else TIERS[1]
        if len(ranked.ties) > 1:
            alternatives: list[list[Token | None]] = [list(tokens_of(values, shape)) for shape in ranked.ties]
            tied = [alt for alt, r in zip(alternatives, ranks, strict=True) if r == ranks[0]]
            if len(tied) > 1:
                said = tied_message(printed, tied)
            elif TIERS.index(by) < WEAK_TIER:
                said = ""
            else:
                basis = "都符合本行勾稽关系" if _row_identities(fmt, row) else "都说得通（本行没有勾稽关系）"
                said = f"数字连排“{printed}”有{len(ranked.ties)}种拆分{basis}，按常理与位数均衡取 {chosen}"
            return Fit(first, 1, said, alternatives, ranks, tied if len(tied) > 1 else [], by, printed)
        return Fit(first, 1, ranks=ranks, decided_by=by, run=printed)
    return None
