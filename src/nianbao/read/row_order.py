"""Part of the stages `tables` and `fit` (see `stages`): the rows of a torn table read by the format's official row
order (issue #15, class 6).

PDF→markdown converters tear table rows apart: each row's values become a pipe row of numbers only, and its label
a line of its own, before the values or after them (the same way throughout a table), with some label lines lost,
header words split into fragments (`商业企` / `业`) and page numbers between rows. Read by its labels such a table
is one row off wherever the labels follow their values. Here a table is recognised as torn when its row labels are
printed on lines of their own and its values on rows of numbers only; the value rows are then matched to the rows
of the format in the official order:

- each label present anchors its row to the value row printed right after it (labels before their values) or
  right before it (labels after them), whichever way every label of the table agrees with;
- between two anchors (and before the first, after the last) the rows whose labels are missing take the value
  rows between them in order, when there are as many of each with as many cells;
- a row so placed by order alone is kept only when the identities across rows that it enters hold.

Rows the order and the identities cannot confirm are left unread (`unsure`, said as 识别不确定), never shifted. The
rows placed by order are told as such (`ORDER_NOTE`: 按官方行序推定). Page numbers are dropped by the input reader,
header fragments are text, never values.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise

from nianbao.formats import Format, RowSpec
from nianbao.formats.text import normalize, squeeze
from nianbao.read.labels import Occurrence
from nianbao.read.linear import Linear
from nianbao.read.values import NUMBER, PLACEHOLDER, Token, tokens
from nianbao.report import Cell, Problem

__all__ = ["ORDER_NOTE", "OrderRead", "read_by_order", "tell"]

#: The provenance of a value placed in its row by the official row order alone (its label not printed).
ORDER_NOTE = "按官方行序推定"

_PIPED = re.compile(r"^\s*\|(?P<inner>[^|]*)\|\s*$")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _ValueRow:
    """A printed row of values only (numbers, placeholders or blanks): its block and its cells' tokens."""

    block: int
    start: int  # raw offset of its first cell
    found: tuple[Token, ...]
    size: int  # its cells


@dataclass
class OrderRead:
    """One torn table read by the official row order.

    `found` gives for each row (by index in the format's rows) the values of the value row matched to it;
    `anchors` the label occurrence that placed a row (the rows absent from it were placed by order alone);
    `unsure` the rows whose values the order and the identities could not confirm (left unread).
    """

    table: str
    labels_after: bool  # labels printed after their values (else before)
    found: dict[int, list[Token]] = field(default_factory=dict)
    anchors: dict[int, Occurrence] = field(default_factory=dict)
    unsure: list[int] = field(default_factory=list)

    @property
    def by_order(self) -> list[int]:
        return sorted(ri for ri in self.found if ri not in self.anchors)


def _value_cell(text: str) -> bool:
    cell = normalize(text).strip()
    return not cell or bool(NUMBER.fullmatch(cell) or PLACEHOLDER.fullmatch(cell))


def _value_row(lin: Linear, block_index: int, first_span: int) -> _ValueRow | None:
    """The block as a row of values only, or None. A one-cell pipe row (`| 2629 |`) is read as a text line by the
    input reader: taken here too."""
    block = lin.doc.blocks[block_index]
    if block.is_row:
        spans = lin.spans[first_span : first_span + len(block.cells)]
        texts = [lin.raw[s.start : s.end] for s in spans]
        if not all(_value_cell(t) for t in texts):
            return None
        found: list[Token] = []
        for s, text in zip(spans, texts, strict=True):
            found += tokens(text, s.start) if text.strip() else [Token("blank", "", s.start, s.start)]
        return _ValueRow(block_index, spans[0].start, tuple(found), len(spans))
    span = lin.spans[first_span]
    m = _PIPED.match(lin.raw[span.start : span.end])
    if m is None or not _value_cell(m.group("inner")):
        return None
    at = span.start + m.start("inner")
    inner = m.group("inner")
    found = tokens(inner, at) if inner.strip() else [Token("blank", "", at, at)]
    return _ValueRow(block_index, span.start, tuple(found), 1)


class _Table:
    """The value rows and row labels of one table's window, in printed order."""

    def __init__(self, lin: Linear, fmt: Format, table: str, window: tuple[int, int], sizes: set[int]) -> None:
        self.fmt = fmt
        self.table = table
        self.rows = [ri for ri, r in enumerate(fmt.rows) if r.table == table]
        self.values: list[_ValueRow] = []
        seen: set[int] = set()
        a, b = lin.raw_start(window[0]), lin.raw_start(window[1])
        for si in range(lin.span_at(a), len(lin.spans)):
            span = lin.spans[si]
            if span.start >= b:
                break
            if span.start < a or span.block in seen:
                continue
            seen.add(span.block)
            row = _value_row(lin, span.block, si)
            if row is not None and row.size in sizes:
                self.values.append(row)

    def labels(
        self, lin: Linear, occurrences: list[Occurrence], window: tuple[int, int]
    ) -> tuple[list[tuple[int, int, Occurrence]], bool]:
        """The anchors (value rows printed before the label, row index, occurrence) in printed order, and whether
        any of the table's labels is printed with values after it in its own line or row (then not torn)."""
        out: list[tuple[int, int, Occurrence]] = []
        inline = False
        starts = [v.start for v in self.values]
        for occ in occurrences:
            if not window[0] <= occ.start < window[1]:
                continue
            rows = [r for r in occ.rows() if r.table == self.table]
            if len(rows) != 1 or not _anchor(lin, occ, rows[0]):
                continue
            a, b = lin.raw_start(occ.start), lin.raw_end(occ.end)
            si = lin.span_at(a)
            block = lin.spans[si].block
            end = si
            while end + 1 < len(lin.spans) and lin.spans[end + 1].block == block:
                end += 1
            if _DIGIT.search(lin.raw[b : lin.spans[end].end]):
                inline = True
                continue
            before = bisect_left(starts, a)
            out.append((before, self.fmt.rows.index(rows[0]), occ))
        return out, inline


def _anchor(lin: Linear, occ: Occurrence, row: RowSpec) -> bool:
    """Whether a label occurrence may place its row: not a header word printed without the row's ordinal (the
    column header 其他 is no `3.其他`)."""
    if not any(lab.row is None for lab in occ.labels):
        return True
    printed = lin.search[occ.start : occ.end]
    return bool(row.ordinal) and not any(printed.startswith(squeeze(t)) for t in (row.text, *row.variants) if t)


def _place(t: _Table, anchors: list[tuple[int, int, Occurrence]], after: bool) -> OrderRead | None:
    """The rows placed with the labels printed after their values (`after`) or before them; None when a label
    does not fit that way (no value row next to it, out of order, or not as many cells as its row)."""
    out = OrderRead(t.table, after)
    fixed: list[tuple[int, int]] = []  # (position among the table's rows, value row index)
    for before, ri, occ in anchors:
        vi = before - 1 if after else before
        pos = t.rows.index(ri)
        if not 0 <= vi < len(t.values) or t.values[vi].size != len(t.fmt.rows[ri].cells):
            return None
        if fixed and (pos <= fixed[-1][0] or vi <= fixed[-1][1]):
            return None
        fixed.append((pos, vi))
        out.found[ri] = list(t.values[vi].found)
        out.anchors[ri] = occ
    bounds = [(-1, -1), *fixed, (len(t.rows), len(t.values))]
    for (p0, v0), (p1, v1) in pairwise(bounds):
        gap_rows = t.rows[p0 + 1 : p1]
        gap_values = t.values[v0 + 1 : v1]
        sizes_fit = len(gap_rows) == len(gap_values) and all(
            v.size == len(t.fmt.rows[ri].cells) for ri, v in zip(gap_rows, gap_values, strict=True)
        )
        if not sizes_fit:
            out.unsure += gap_rows
            continue
        for ri, v in zip(gap_rows, gap_values, strict=True):
            out.found[ri] = list(v.found)
    return out


def _number(tok: Token) -> Decimal:
    return tok.number if tok.kind == "num" else Decimal(0)


def _confirm(fmt: Format, read: OrderRead) -> None:
    """Rows placed by order alone are kept only when every identity across rows they enter holds (blank cells
    counting 0); the others are unsure."""
    values: dict[str, Decimal] = {}
    for ri, found in read.found.items():
        if len(found) != len(fmt.rows[ri].cells):
            continue
        for key, tok in zip(fmt.rows[ri].cells, found, strict=True):
            values[key] = _number(tok)
    row_of = {key: ri for ri, r in enumerate(fmt.rows) for key in r.cells}
    for ri in read.by_order:
        keys = set(fmt.rows[ri].cells)
        for identity in fmt.identities:
            terms = identity.keys
            if not keys & set(terms) or len({row_of[k] for k in terms}) < 2 or any(k not in values for k in terms):
                continue
            left = sum((values[k] for k in identity.lhs), Decimal(0))
            right = sum((values[k] for k in identity.rhs), Decimal(0))
            if left != right:
                del read.found[ri]
                read.unsure.append(ri)
                break
    read.unsure.sort()


def read_by_order(
    lin: Linear, fmt: Format, regions: dict[str, tuple[int, int]], occurrences: list[Occurrence]
) -> list[OrderRead]:
    """The tables 二 and 三 of the document that are torn (see the module's docstring), read by the row order."""
    sizes = {name: {len(r.cells) for r in fmt.rows_of(name)} for name in ("二", "三")}
    out: list[OrderRead] = []
    for name, other in (("二", "三"), ("三", "二")):
        own = sizes[name] - sizes[other]
        if not own:
            continue
        lo, hi = regions[name]
        if lo >= hi:
            continue
        # the values of the table's first row may come before its first label, in the table before
        window = (regions["二"][0], hi)
        t = _Table(lin, fmt, name, window, own)
        anchors, inline = t.labels(lin, occurrences, window)
        if inline or not anchors or len(t.values) < 2:
            continue
        placed = [p for p in (_place(t, anchors, after) for after in (False, True)) if p is not None]
        if len(placed) == 2:  # both ways fit the labels: the one that places every row, else neither
            placed = [p for p in placed if not p.unsure]
        if len(placed) != 1:
            out.append(OrderRead(name, False, unsure=list(t.rows)))
            continue
        _confirm(fmt, placed[0])
        out.append(placed[0])
    return out


def _label(row: RowSpec) -> str:
    return row.label or row.text


def tell(fmt: Format, ordered: list[OrderRead], cells: dict[str, Cell], problems: list[Problem]) -> None:
    """Say what the row order decided, in the cells and problems of the stage `values`: the cells of rows placed by
    order alone noted `ORDER_NOTE`, one problem per torn table naming those rows (it flags no cell), and the rows
    left unread said to be uncertain (识别不确定, the audit's C206) instead of not found."""
    for torn in ordered:
        for ri in torn.by_order:
            for key in fmt.rows[ri].cells:
                cell = cells[key]
                cells[key] = replace(cell, note=f"{ORDER_NOTE}；{cell.note}" if cell.note else ORDER_NOTE)
        if torn.by_order:
            names = "、".join(f"“{_label(fmt.rows[ri])}”" for ri in torn.by_order)
            where = "之后" if torn.labels_after else "之前"
            problems.append(
                Problem(
                    "row.order",
                    f"表{torn.table}的行标签与数值分行印刷（标签在数值{where}），{names}未印行标签，其数值{ORDER_NOTE}，"
                    "并经跨行勾稽关系核对",
                )
            )
        for ri in torn.unsure:
            row = fmt.rows[ri]
            problems[:] = [p for p in problems if not (p.code == "row.missing" and p.keys == row.cells)]
            for key in row.cells:
                cells[key] = Cell(key, None, "")
            problems.append(
                Problem(
                    "cell.uncertain",
                    f"识别不确定：表{torn.table}的行标签与数值分行印刷，“{_label(row)}”一行的数值无法按官方行序"
                    "与行标签、勾稽关系确认；未读取",
                    row.cells,
                )
            )
