"""Cutting run-together digits into a row's cells (for `fit`, which ranks the cuts): every cut that keeps each
number well-formed (no leading zero, no more digits than its cell can hold, an amount's decimals on the last
piece), bounded by the caller's limits."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

from nianbao.read.values import MAX_DIGITS, MONEY_UNITS, Token, unit_scale

__all__ = ["Number", "Option", "Shape", "number_of", "pieces", "splits", "splittable", "tokens_of"]

#: How the values of a row are cut: for each value, the digit counts of its pieces, or () when it is kept whole.
Shape = tuple[tuple[int, ...], ...]
Number = int | Decimal
#: A way to print one value in a split: the digit counts of its pieces (() when kept whole) and their numbers.
Option = tuple[tuple[int, ...], tuple[Number, ...]]


def splittable(token: Token) -> bool:
    """A run of digits (`Token.is_run`), or one with decimals ("1263854.12") or a unit of money ("293571元"): the
    decimals and the unit are the last cell's, an amount's."""
    if token.is_run:
        return True
    if token.kind != "num" or (token.unit and token.unit not in MONEY_UNITS):
        return False
    whole, dot, frac = token.digits.partition(".")
    return (bool(dot) or bool(token.unit)) and len(whole) > 1 and whole.isdigit() and (not dot or frac.isdigit())


def split_ways(
    token: Token,
    caps: tuple[int, ...],
    limit: int,
    max_run_digits: int,
    last_decimal: bool = False,
    last_unit: str = "",
) -> list[Option]:
    """The ways (at most `limit`) to cut a digit run into len(caps) well-formed numbers, the i-th of at most
    caps[i] digits, in the order of the cut positions; the sign belongs to the first number ("-10" is -1 | 0).
    A run of more than `max_run_digits` digits is not cut. A run with decimals ("1263854.12") or a unit of money
    ("293571元") is cut in its whole part, the decimals and the unit going with the last number, only when that is
    an amount (`last_decimal`), whose number is then in the cell's unit (`last_unit`: "15万元" is 150000 元).

    Which cuts can still be completed is worked out first, so only cuts that give a split are walked.
    """
    digits, dot, frac = token.digits.partition(".")
    n, parts = len(digits), len(caps)
    if n > max_run_digits or n < parts or ((dot or token.unit) and (not last_decimal or parts < 2)):
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
    out: list[Option] = []

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
    if dot:  # the decimals belong to the last piece (an amount)
        out = [(sizes, (*values[:-1], int(values[-1]) + Decimal("0." + frac))) for sizes, values in out]
    scale = unit_scale(token.unit, last_unit)
    if scale != 1:  # and so does the unit
        out = [(sizes, (*values[:-1], _in_unit(values[-1], scale))) for sizes, values in out]
    return out


def _in_unit(value: Number, scale: Decimal) -> Number:
    scaled = value * scale
    return int(scaled) if scaled == scaled.to_integral_value() else scaled


def number_of(token: Token) -> Number:
    """The token's number, as an int when it is a whole number of at most `MAX_DIGITS` digits (sums of such ints
    are exact, as the Decimal sums of the same numbers are), else as the Decimal."""
    number = token.number
    if number == number.to_integral_value() and len(token.digits) <= MAX_DIGITS:
        return int(number)
    return number


def splits(
    values: list[Token],
    caps: tuple[int, ...],
    decimal: tuple[bool, ...],
    max_splits: int,
    max_run_digits: int,
    units: tuple[str, ...] = (),
) -> Iterator[tuple[Option, ...]]:
    """Every way (at most the budget's `max_splits` + 1) to expand the values to len(caps) numbers by splitting
    digit runs: for each value the way it is printed in the split. `units` are the cells' units (for a run printed
    with a unit of money)."""
    n = len(caps)
    missing = n - len(values)
    runs = [i for i, t in enumerate(values) if splittable(t)]
    whole: list[list[Option]] = [[((), (number_of(t),))] for t in values]
    ways_of: dict[tuple[int, int, int], list[Option]] = {}
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
                    unit = units[at + add] if units else ""
                    ways_of[key] = split_ways(
                        values[i], caps[at : at + add + 1], max_splits, max_run_digits, decimal[at + add], unit
                    )
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


def pieces(token: Token, sizes: tuple[int, ...]) -> list[Token]:
    """The run `token` cut into pieces of `sizes` digits; the sign belongs to the first ("-10" is -1 | 0)."""
    if not sizes:
        return [token]
    digits = token.digits
    base = token.start + (token.printed.find(digits) if digits in token.printed else 0)
    bounds = list(itertools.accumulate(sizes, initial=0))
    bounds[-1] = len(digits)  # the decimals, if any, go with the last piece
    split = [Token("num", digits[a:b], base + a, base + b, digits=digits[a:b]) for a, b in itertools.pairwise(bounds)]
    if token.unit:  # the unit of money goes with the last piece, the amount
        last = split[-1]
        split[-1] = Token("num", last.printed + token.unit, last.start, token.end, digits=last.digits, unit=token.unit)
    if token.sign:
        first = split[0]
        split[0] = Token(
            "num", token.sign + first.printed, first.start - 1, first.end, digits=first.digits, sign=token.sign
        )
    return split


def tokens_of(values: list[Token], shape: Shape) -> list[Token]:
    return [piece for t, sizes in zip(values, shape, strict=True) for piece in pieces(t, sizes)]
