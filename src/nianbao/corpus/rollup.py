"""Jurisdiction roll-ups: a government's figures should equal the sum of its departments' figures.

`rollup(children, parent)` adds up the cells of the children's reports and compares each sum with the
parent's own report: "its figure = the sum of its children, missing children named".

Which cells are summed: every numeric cell of tables 二, 三 and 四 of the format, that is every key the
format has in `nianbao.formats` (cells.csv), in printed order. All of them are additive across
agencies: they count documents, decisions, applications and cases, or are amounts (fees in 万元,
procurement in 元). That includes the cells that read like stocks or balances — 现行有效件数 and
对外公开总数量, 上一年项目数量 and the signed 本年增/减 (2019 format), 上年结转 and 结转下年度 — since
each agency counts only its own documents and applications, a jurisdiction's stock is the sum of its
agencies' stocks. Every identity of the formats is linear, so a sum of consistent reports is consistent.

Which children count: those of the roll-up's year and format. The year is `year` when given, else the
parent's, else the most common among the children; the format is the parent's, else the most common
among the children of that year, else the format that year must use. Other children are `skipped`,
each with a Chinese reason. `expected` names the agencies that should have reported; those with no
included child (agency names compared by `formats.names.agency_key`, one containing the other) are `missing`.

Blank cells (printed empty, or text that is not a number) count as 0 in a sum, and `blanks` records how
many children left each cell blank; a cell blank in every child sums to None. When comparing, a blank
on either side is 0 too: a blank parent cell differs only from a non-zero sum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from nianbao.formats import Format, format_for_year, get_format
from nianbao.formats.names import agency_key
from nianbao.report import Cell, Number, Report

ALL_CHILDREN = "合计"
"""The agency of a summed report when there is no parent report to name it."""


class Skipped(NamedTuple):
    """A child left out of the roll-up: its file (or agency) and why, in Chinese."""

    name: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """One cell: the children's sum against the parent's figure."""

    key: str
    label: str  # as printed: row label · column label
    sum: Number | None  # None: blank in every child (or no child)
    parent: Number | None  # None: blank in the parent, or no parent
    difference: Number | None  # parent − sum, blanks as 0; None without a parent

    @property
    def differs(self) -> bool:
        return self.difference is not None and self.difference != 0


@dataclass(frozen=True)
class Rollup:
    """The sum of the children's reports, compared with the parent's report when there is one."""

    format: str
    year: int | None
    parent: Report | None
    children: list[Report]
    skipped: list[Skipped]
    missing: list[str]
    sums: dict[str, Number | None]
    blanks: dict[str, int]  # key -> number of included children with a blank there (only keys > 0)
    differences: list[Comparison]

    @property
    def consistent(self) -> bool | None:
        """True when every sum equals the parent's figure; None without a parent."""
        return None if self.parent is None else not self.differences

    def comparisons(self) -> list[Comparison]:
        """Every cell of the format, in printed order, differing or not."""
        fmt = get_format(self.format)
        return [_compare(fmt, key, self.sums.get(key), self.parent) for key in self.sums]

    def as_report(self) -> Report:
        """The summed figures as a report of the same format and year, for rendering or checking."""
        agency = self.parent.agency if self.parent is not None and self.parent.agency else ALL_CHILDREN
        cells: dict[str, Cell] = {}
        for key, value in self.sums.items():
            blank = self.blanks.get(key, 0)
            note = f"{blank} 份下级报告此处空白，按 0 计" if blank and value is not None else ""
            cells[key] = Cell(key, value, "" if value is None else number_text(value), note=note)
        title = f"{agency}{self.year}年政府信息公开工作年度报告（下级合计）" if self.year is not None else None
        return Report(
            file="", kind="rollup", format=self.format, year=self.year, agency=agency, title=title, cells=cells
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: numbers as int when integral, else as decimal strings."""
        return {
            "format": self.format,
            "year": self.year,
            "parent": None if self.parent is None else _about(self.parent),
            "children": [_about(c) for c in self.children],
            "skipped": [{"name": s.name, "reason": s.reason} for s in self.skipped],
            "missing": list(self.missing),
            "sums": {k: _json(v) for k, v in self.sums.items()},
            "blanks": dict(self.blanks),
            "differences": [
                {
                    "key": d.key,
                    "label": d.label,
                    "sum": _json(d.sum),
                    "parent": _json(d.parent),
                    "difference": _json(d.difference),
                }
                for d in self.differences
            ],
            "consistent": self.consistent,
        }


def rollup(
    children: Sequence[Report],
    parent: Report | None = None,
    *,
    expected: Sequence[str] | None = None,
    year: int | None = None,
) -> Rollup:
    """Sums `children` cell by cell and compares the sums with `parent` (see the module doc).

    Raises ValueError (Chinese) when no format can be decided: no parent, no year, no child format.
    """
    target_year = (
        year
        if year is not None
        else parent.year
        if parent is not None and parent.year is not None
        else _most_common(c.year for c in children)
    )
    fmt, basis = _target_format(children, parent, target_year)
    included: list[Report] = []
    skipped: list[Skipped] = []
    for child in children:
        reason = _exclusion(child, target_year, fmt.name, basis)
        if reason:
            skipped.append(Skipped(child.file or child.agency or "（未命名报告）", reason))
        else:
            included.append(child)
    sums: dict[str, Number | None] = {}
    blanks: dict[str, int] = {}
    for key in cell_keys(fmt):
        known = [v for v in (c.value(key) for c in included) if v is not None]
        if len(known) < len(included):
            blanks[key] = len(included) - len(known)
        sums[key] = _typed(fmt, key, sum(known, Decimal(0))) if known else None
    differences = (
        [] if parent is None else [d for d in (_compare(fmt, k, s, parent) for k, s in sums.items()) if d.differs]
    )
    return Rollup(
        format=fmt.name,
        year=target_year,
        parent=parent,
        children=included,
        skipped=skipped,
        missing=_missing(expected or (), included),
        sums=sums,
        blanks=blanks,
        differences=differences,
    )


def same_agency(a: str | None, b: str | None) -> bool:
    """Tolerant agency match: equal, or one contains the other, compared by `agency_key` (width, whitespace,
    punctuation and brackets aside)."""
    x, y = agency_key(a or ""), agency_key(b or "")
    return bool(x and y) and (x in y or y in x)


def cell_keys(fmt: Format) -> list[str]:
    """Every value cell of the format (tables 二, 三, 四), in printed order."""
    return [key for row in fmt.rows for key in row.cells]


def cell_label(fmt: Format, key: str) -> str:
    """The printed labels of a cell, e.g. 三、本年度办理结果（一）予以公开 · 自然人."""
    spec = fmt.cell(key)
    return " · ".join(t for t in (spec.row_label, spec.column_label) if t)


_T = TypeVar("_T", int, str)


def _most_common(values: Iterable[_T | None]) -> _T | None:
    """The most frequent value (ties: the greatest, i.e. the later year or format), None if none."""
    counts = Counter(v for v in values if v is not None)
    return max(counts, key=lambda v: (counts[v], v)) if counts else None


def _target_format(children: Sequence[Report], parent: Report | None, year: int | None) -> tuple[Format, str]:
    """The roll-up's format, and what it was taken from (for skip reasons)."""
    if parent is not None and parent.format:
        return get_format(parent.format), "本级报告"
    common = _most_common(c.format for c in children if year is None or c.year == year) or _most_common(
        c.format for c in children
    )
    if common:
        return get_format(common), "多数下级报告"
    if year is not None:
        return get_format(format_for_year(year)), f"{year} 年度应使用"
    raise ValueError("无法确定表格格式：没有本级报告，下级报告的年度和格式也都未能识别")


def _exclusion(child: Report, year: int | None, fmt: str, basis: str) -> str:
    """Why `child` is left out, or "" when it counts."""
    if year is not None and child.year is None:
        return f"未能识别报告年度，无法确认是 {year} 年度的报告"
    if year is not None and child.year != year:
        return f"是 {child.year} 年度的报告，不是 {year} 年度"
    if not child.format:
        return "未能识别表格格式"
    if child.format != fmt:
        return f"使用 {child.format} 年格式，与{basis}的 {fmt} 年格式不同"
    return ""


def _missing(expected: Iterable[str], included: Sequence[Report]) -> list[str]:
    out: list[str] = []
    for name in expected:
        if name.strip() and name not in out and not any(same_agency(name, c.agency) for c in included):
            out.append(name)
    return out


def _compare(fmt: Format, key: str, total: Number | None, parent: Report | None) -> Comparison:
    own = None if parent is None else parent.value(key)
    difference = None if parent is None else _typed(fmt, key, (own or 0) - (total or 0))
    return Comparison(key, cell_label(fmt, key), total, own, difference)


def _typed(fmt: Format, key: str, value: Number) -> Number:
    """`value` as the cell's type: Decimal for amounts, int for counts (when integral)."""
    if fmt.cell(key).is_decimal:
        return Decimal(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def number_text(value: Number) -> str:
    """A number as a person writes it: 7, 0.52, 5949.088667 (no exponent, no trailing zeros)."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _json(value: Number | None) -> int | str | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else number_text(value)


def _about(report: Report) -> dict[str, Any]:
    return {"file": report.file, "agency": report.agency, "year": report.year, "format": report.format}
