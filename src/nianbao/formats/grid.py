"""The three official tables (二, 三, 四) laid out as grids of placed cells, from the format data only.

The layout comes from `layout.toml` rows and labels and `cells.csv` group and column labels, never from
labels spelled out here: every header text is taken from the format and checked to be one of its
printed labels. A table is a `Grid` of `Placed` cells with row and column spans, covering every
position exactly once; renderers (Word, HTML, the check report page) draw it with merged cells.

The text of a value cell comes from a callback `text_of(key)`, so the same layout serves a seed's
truth, a report as read, or anything else that can print a cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nianbao.formats.model import Format

TextOf = Callable[[str], str]

_CN_NUMERALS = "一二三四五六七八九十"
_TOP_ORDINAL = re.compile(rf"^[{_CN_NUMERALS}]+、$")  # 一、 二、 四、: the rows outside 本年度办理结果


@dataclass(frozen=True)
class Placed:
    """One cell of a grid: its top-left position, text and spans; `key` for a value cell, else None."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None


@dataclass
class Grid:
    """A table: `rows` x `cols` positions covered exactly once by placed cells."""

    name: str
    cols: int
    widths_cm: tuple[float, ...]
    rows: int = 0
    cells: list[Placed] = field(default_factory=list)

    def put(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1, key: str | None = None) -> None:
        self.cells.append(Placed(row, col, text, rowspan, colspan, key))
        self.rows = max(self.rows, row + rowspan)

    def starting_in(self, row: int) -> list[Placed]:
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def check(self) -> None:
        seen: set[tuple[int, int]] = set()
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if (r, k) in seen or not (0 <= k < self.cols):
                        raise AssertionError(f"table {self.name}: position {(r, k)} covered twice or outside")
                    seen.add((r, k))
        if len(seen) != self.rows * self.cols:
            raise AssertionError(f"table {self.name}: {self.rows * self.cols - len(seen)} positions uncovered")


def _label(fmt: Format, table: str, text: str) -> str:
    """`text`, after checking the format prints it as a header label of `table`."""
    if text not in fmt.labels.get(table, ()):
        raise AssertionError(f"{text!r} is not a label of table {table} in format {fmt.name}")
    return text


def _one_label(fmt: Format, table: str, role: str, test: Callable[[str], bool]) -> str:
    found = [t for t in fmt.labels[table] if test(t)]
    if not found:
        raise AssertionError(f"format {fmt.name} has no {role} label in table {table}")
    return max(found, key=len)  # the full printed form, not a shortened variant


def _spans(n: int, width: int) -> list[int]:
    """Column spans of n cells across `width` columns: one each, the last one taking the rest."""
    return [1] * (n - 1) + [width - (n - 1)]


def _runs(items: list[str]) -> list[tuple[str, int, int]]:
    """Consecutive equal items as (item, first index, length)."""
    out: list[tuple[str, int, int]] = []
    for i, item in enumerate(items):
        if out and out[-1][0] == item:
            out[-1] = (item, out[-1][1], out[-1][2] + 1)
        else:
            out.append((item, i, 1))
    return out


def table_two(fmt: Format, text_of: TextOf) -> Grid:
    """二: per 第二十条 item a header row spanning the table, a 信息内容 row, then its printed rows."""
    rows = fmt.rows_of("二")
    width = max(len(r.cells) for r in rows)
    grid = Grid("二", width + 1, (4.6, *([12.0 / width] * width)))
    content = _label(fmt, "二", "信息内容")
    group = None
    r = 0
    for row in rows:
        specs = [fmt.cell(k) for k in row.cells]
        if specs[0].table != group:
            group = specs[0].table
            grid.put(r, 0, _label(fmt, "二", group), colspan=width + 1)
            grid.put(r + 1, 0, content)
            col = 1
            for spec, span in zip(specs, _spans(len(specs), width), strict=True):
                grid.put(r + 1, col, _label(fmt, "二", spec.column_label), colspan=span)
                col += span
            r += 2
        grid.put(r, 0, row.label)
        col = 1
        for key, span in zip(row.cells, _spans(len(row.cells), width), strict=True):
            grid.put(r, col, text_of(key), colspan=span, key=key)
            col += span
        r += 1
    return grid


def table_three(fmt: Format, text_of: TextOf) -> Grid:
    """三: the 3-row header block, then every printed row with its 7 applicant values."""
    rows = fmt.rows_of("三")
    applicants = [fmt.cell(k).column_label for k in rows[0].cells]
    for a in applicants:
        _label(fmt, "三", a)
    n = len(applicants)
    grid = Grid("三", 3 + n, (1.3, 1.7, 4.6, *([9.4 / n] * n)))
    grid.put(0, 0, _one_label(fmt, "三", "balance note", lambda t: "勾稽关系" in t), rowspan=3, colspan=3)
    grid.put(0, 3, _label(fmt, "三", "申请人情况"), colspan=n)
    grid.put(1, 3, applicants[0], rowspan=2)
    grid.put(1, 4, _label(fmt, "三", "法人或其他组织"), colspan=n - 2)
    grid.put(1, 3 + n - 1, applicants[-1], rowspan=2)
    for i, a in enumerate(applicants[1:-1]):
        grid.put(2, 4 + i, a)
    base = 3
    results = [i for i, row in enumerate(rows) if not _TOP_ORDINAL.match(row.ordinal)]
    if results != list(range(results[0], results[-1] + 1)):
        raise AssertionError("the result rows of table 三 are not contiguous")
    outcome = _one_label(fmt, "三", "results group", lambda t: bool(re.match(rf"^[{_CN_NUMERALS}]+、", t)))
    grid.put(base + results[0], 0, outcome, rowspan=len(results))
    groups = _runs([row.group for row in rows])
    for group, first, length in groups:
        if group:
            grid.put(base + first, 1, _label(fmt, "三", group), rowspan=length)
    for i, row in enumerate(rows):
        r = base + i
        if i not in results:
            grid.put(r, 0, row.label, colspan=3)
        elif row.group:
            grid.put(r, 2, row.label)
        else:
            grid.put(r, 1, row.label, colspan=2)
        for j, key in enumerate(row.cells):
            grid.put(r, 3 + j, text_of(key), key=key)
    return grid


def table_four(fmt: Format, text_of: TextOf) -> Grid:
    """四: header levels from the cells' row and column labels (行政诉讼 › 复议后起诉 › 结果维持), one value row."""
    (row,) = fmt.rows_of("四")
    paths = [[*fmt.cell(k).row_label.split(), fmt.cell(k).column_label] for k in row.cells]
    for path in paths:
        for text in path:
            _label(fmt, "四", text)
    depth = max(len(p) for p in paths)
    grid = Grid("四", len(paths), tuple([17.0 / len(paths)] * len(paths)))
    for level in range(depth):
        keys = ["\x00".join(p[: level + 1]) if len(p) > level else "" for p in paths]
        for joined, first, length in _runs(keys):
            if not joined:
                continue
            leaf = len(paths[first]) == level + 1
            grid.put(level, first, joined.split("\x00")[-1], rowspan=depth - level if leaf else 1, colspan=length)
    for j, key in enumerate(row.cells):
        grid.put(depth, j, text_of(key), key=key)
    return grid


def tables(fmt: Format, text_of: TextOf) -> list[Grid]:
    """Tables 二, 三 and 四 of `fmt` in order, each checked to cover its grid exactly once."""
    grids = [table_two(fmt, text_of), table_three(fmt, text_of), table_four(fmt, text_of)]
    for g in grids:
        g.check()
    return grids
