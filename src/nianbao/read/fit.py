"""Stage 4: the values found after a row label, fitted to the row's cells.

A row of N cells may be printed as N separate values, with explicit empty cells (tables), with
stray empty cells from merged columns, or with the digits of adjacent cells run together
(`801000081` for 80|1|0|0|0|0|81, as web crawlers store pages). Run-together digits are split in
every way that keeps each number well-formed (no leading zero), and the splits are ranked by the
row's own arithmetic (identities of the format, e.g. 总计 = the sum of the six applicant columns),
then by soft plausibility (现行有效件数 ≥ 本年制发件数), then by even digit lengths. When more than
one split is equally good the fit says so, and the table stage may still decide with the column
identities across rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from nianbao.formats import Format, Identity, RowSpec
from nianbao.read.values import Token

MAX_SPLITS = 50_000
#: Longest digit run that is split into cells: a row has at most 15 cells of at most a few digits each; a longer
#: run is not a table row run together (splitting it would cost combinations of its length).
MAX_RUN_DIGITS = 60


@dataclass
class Fit:
    """Tokens assigned to a row's cells: one token (or None) per cell, left to right."""

    cells: list[Token | None]
    quality: int  # 0 exact, 1 split by arithmetic, 2 padded or trimmed, 3 nothing found
    problem: str = ""  # Chinese, when the fit is not exact
    alternatives: list[list[Token | None]] = field(default_factory=list)  # equally good splits


def _row_identities(fmt: Format, row: RowSpec) -> list[Identity]:
    keys = set(row.cells)
    return [i for i in fmt.identities if set(i.keys) <= keys]


def _split_digits(token: Token, parts: int) -> list[list[Token]]:
    """All ways (at most `MAX_SPLITS`) to cut a digit run into `parts` well-formed numbers."""
    digits = token.digits
    n = len(digits)
    out: list[list[Token]] = []
    if n > MAX_RUN_DIGITS:
        return out
    for cuts in itertools.islice(itertools.combinations(range(1, n), parts - 1), MAX_SPLITS):
        bounds = (0, *cuts, n)
        pieces = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        base = token.start + (token.printed.find(digits) if digits in token.printed else 0)
        split = [Token("num", p, base + a, base + b, digits=p) for p, (a, b) in
                 zip(pieces, itertools.pairwise(bounds), strict=True)]
        if token.sign:  # the sign belongs to the first number: "-10" is -1 | 0
            first = split[0]
            split[0] = Token("num", token.sign + first.printed, first.start - 1, first.end, digits=first.digits,
                             sign=token.sign)
        out.append(split)
    return out


def _score(fmt: Format, row: RowSpec, cand: list[Token], ids: list[Identity]) -> tuple[int, int, float]:
    values = {k: t.number for k, t in zip(row.cells, cand, strict=True)}
    hard = sum(1 for i in ids if i.holds(dict(values)) is False)
    soft = sum(1 for big, small in row.plausible if values[big] < values[small])
    by_unit: dict[str, list[int]] = {}
    for k, t in zip(row.cells, cand, strict=True):
        by_unit.setdefault(fmt.cells[k].unit, []).append(len(t.digits))
    spread = 0.0
    for lengths in by_unit.values():
        if len(lengths) > 1:
            mean = sum(lengths) / len(lengths)
            spread += sum((x - mean) ** 2 for x in lengths)
    return hard, soft, spread


def _splits(row_tokens: list[Token], n: int) -> list[list[Token]]:
    """Every way to expand the tokens to exactly n values by splitting digit runs."""
    missing = n - len(row_tokens)
    runs = [i for i, t in enumerate(row_tokens) if t.is_run]
    options: list[list[list[Token]]] = []
    for t in row_tokens:
        options.append([[t]])
    results: list[list[Token]] = []
    # distribute `missing` extra parts over the runs
    for extra in _compositions(missing, len(runs)):
        per_token = list(options)
        ok = True
        for idx, add in zip(runs, extra, strict=True):
            if add:
                ways = _split_digits(row_tokens[idx], add + 1)
                if not ways:
                    ok = False
                    break
                per_token[idx] = ways
        if not ok:
            continue
        for combo in itertools.product(*per_token):
            results.append([t for part in combo for t in part])
            if len(results) > MAX_SPLITS:
                return results
    return results


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 0:
        return [()] if total == 0 else []
    if parts == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total + 1) for rest in _compositions(total - first, parts - 1)]


def fit_row(fmt: Format, row: RowSpec, found: list[Token], structured: bool) -> Fit:
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
        cands = _splits(values, n)
        if cands:
            ids = _row_identities(fmt, row)
            scored = sorted(((_score(fmt, row, c, ids), c) for c in cands), key=lambda sc: sc[0])
            best = scored[0][0]
            ties = [c for s, c in scored if s[:2] == best[:2]]
            printed = " ".join(t.printed for t in values)
            chosen = "|".join(t.printed for t in scored[0][1])
            if best[0] > 0:
                return Fit(list(scored[0][1]), 1,
                           f"数字连排“{printed}”无论怎样拆分都不符合本行勾稽关系，按位数均衡拆为 {chosen}")
            if len(ties) > 1:
                basis = "都符合本行勾稽关系" if ids else "都说得通（本行没有勾稽关系）"
                return Fit(list(scored[0][1]), 1,
                           f"数字连排“{printed}”有{len(ties)}种拆分{basis}，按常理与位数均衡取 {chosen}",
                           alternatives=[list(c) for c in ties])
            return Fit(list(scored[0][1]), 1)
    padded: list[Token | None] = [None if t.kind == "blank" else t for t in found[:n]]
    padded += [None] * (n - len(padded))
    return Fit(padded, 2, f"该行只找到{len(values)}个数值，少于{n}个单元格，按从左到右填入")
