"""Year over year: one agency's report against its report of the year before (`nianbao diff`).

`compare(old, new)` gives a `Comparison`: every cell of the format with last year's and this year's value,
the change Δ = new − old and, for counts and amounts, the change in percent of last year's value; the
cross-year findings (the `cross_year` rules, Y701–Y704, run on the pair); and the narrative of sections
1–6 paragraph by paragraph with the share of text copied, as the copied-text rule Y703 measures it
(`compare_text.py`). Pure: no I/O, the two reports as read.

Two reports of different formats (2019 and 2021) are compared on the cells both formats have (same key,
same meaning: 172 of them); `Comparison.note` says so and the cells of one format only are listed by key.
A report whose format was not recognised is compared in the other's format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from nianbao.audit.compare_text import CopiedText, ParagraphKind, SectionDiff, compare_narratives
from nianbao.audit.engine import check
from nianbao.audit.model import Audit
from nianbao.audit.rules.cells import SIGNED_COLUMN
from nianbao.formats import Format, get_format
from nianbao.report import Number, Report

__all__ = [
    "CellDiff",
    "CellState",
    "Comparison",
    "CopiedText",
    "ParagraphKind",
    "SectionDiff",
    "compare",
    "percent_text",
    "plain",
    "signed",
]


class CellState(StrEnum):
    """What one side of a cell holds."""

    NUMBER = "number"
    BLANK = "blank"  # printed empty (or a row the report does not print)
    TEXT = "text"  # printed, but not a number ("/", "无")
    UNREAD = "unread"  # not found by the reader

    @property
    def chinese(self) -> str:
        return {"number": "数字", "blank": "空白", "text": "非数字", "unread": "未读到"}[self.value]


@dataclass(frozen=True)
class CellDiff:
    """One cell of both years. `delta` and `percent` only when both sides are numbers (percent: when last
    year's is not 0 and the cell counts or sums something, i.e. not the 2019 format's 本年增/减)."""

    key: str
    table: str  # 二, 三 or 四
    label: str  # row and column as the format prints them: "（一）予以公开 · 自然人"
    old: Number | None
    new: Number | None
    old_printed: str | None  # None: not read
    new_printed: str | None
    old_state: CellState
    new_state: CellState
    delta: Number | None = None
    percent: float | None = None

    @property
    def changed(self) -> bool:
        """A different number, a side blank or unread that the other is not, or different printed text."""
        if self.old_state is not self.new_state:
            return True
        if self.old_state is CellState.NUMBER:
            return self.delta != 0
        if self.old_state is CellState.TEXT:
            return (self.old_printed or "").strip() != (self.new_printed or "").strip()
        return False

    @property
    def blank_side(self) -> str | None:
        """Which side has no number, in Chinese ("上年空白", "本年未读到"), or None when both have one."""
        sides = [(n, s) for n, s in (("上年", self.old_state), ("本年", self.new_state)) if s is not CellState.NUMBER]
        return "，".join(f"{n}{s.chinese}" for n, s in sides) or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "table": self.table,
            "label": self.label,
            "old": _json_number(self.old),
            "new": _json_number(self.new),
            "old_printed": self.old_printed,
            "new_printed": self.new_printed,
            "old_state": self.old_state.value,
            "new_state": self.new_state.value,
            "delta": _json_number(self.delta),
            "percent": self.percent,
            "changed": self.changed,
        }


@dataclass
class Comparison:
    """Two reports of one agency, last year's (`old`) and this year's (`new`)."""

    old: Report
    new: Report
    format: str | None  # the format the cells are laid out in (this year's, else last year's)
    cells: list[CellDiff]
    audit: Audit  # the cross-year findings
    sections: list[SectionDiff]
    copied: CopiedText | None  # Y703's measure; None when either narrative is too short to judge
    note: str | None = None  # the formats differ or one was not recognised
    only_old: tuple[str, ...] = ()  # keys of last year's format alone (not compared)
    only_new: tuple[str, ...] = ()
    by_key: dict[str, CellDiff] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_key = {c.key: c for c in self.cells}

    @property
    def changed_cells(self) -> list[CellDiff]:
        return [c for c in self.cells if c.changed]

    def to_dict(self, *, changed_only: bool = False) -> dict[str, Any]:
        """The comparison as JSON (cells all, or only the changed ones; paragraphs always all)."""
        return {
            "old": _meta(self.old),
            "new": _meta(self.new),
            "format": self.format,
            "note": self.note,
            "only_old": list(self.only_old),
            "only_new": list(self.only_new),
            "cells_compared": len(self.cells),
            "cells_changed": len(self.changed_cells),
            "cells": [c.to_dict() for c in (self.changed_cells if changed_only else self.cells)],
            "findings": [f.to_dict() for f in self.audit.findings],
            "copied": self.copied.to_dict() if self.copied is not None else None,
            "sections": [s.to_dict() for s in self.sections],
        }


def _meta(report: Report) -> dict[str, Any]:
    return {"file": report.file, "agency": report.agency, "year": report.year, "format": report.format}


def _json_number(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def plain(value: Number) -> str:
    """A number as it reads: 12, 7545, 7730.28 (no exponent, no trailing zeros)."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def signed(value: Number) -> str:
    """A change with its sign: +3, -5, 0."""
    return f"+{plain(value)}" if value > 0 else plain(value)


def percent_text(value: float | None) -> str:
    """A change in percent to one decimal (+60.0%), or "—" when none is computed."""
    return "—" if value is None else f"{value:+.1f}%"


def _state(report: Report, key: str) -> CellState:
    cell = report.cells.get(key)
    if cell is None:
        return CellState.UNREAD
    if cell.value is not None:
        return CellState.NUMBER
    return CellState.TEXT if cell.is_text else CellState.BLANK


def _labels(fmt: Format) -> dict[str, tuple[str, str]]:
    """Each cell's table (二, 三, 四) and label, from the printed rows of the format."""
    out: dict[str, tuple[str, str]] = {}
    for row in fmt.rows:
        for key in row.cells:
            spec = fmt.cell(key)
            if row.table == "四":
                parts = [*spec.row_label.split(), spec.column_label]
            else:
                parts = [t for t in (row.group, row.label, spec.column_label) if t]
                parts = [" ".join(parts[:-1]), parts[-1]]
            out[key] = (row.table, " · ".join(p for p in parts if p))
    return out


def _change(old: Number, new: Number, signed: bool) -> tuple[Number, float | None]:
    if isinstance(old, int) and isinstance(new, int):
        delta: Number = new - old
    else:
        delta = Decimal(new) - Decimal(old)
    percent = None if signed or old == 0 else float(Decimal(delta) / Decimal(old) * 100)
    return delta, percent


def cell_diff(old: Report, new: Report, key: str, table: str, label: str, signed: bool = False) -> CellDiff:
    """Cell `key` of both reports; `signed`: a signed change column (no percent)."""
    before, after = old.cells.get(key), new.cells.get(key)
    a, b = old.value(key), new.value(key)
    delta, percent = _change(a, b, signed) if a is not None and b is not None else (None, None)
    return CellDiff(
        key,
        table,
        label,
        a,
        b,
        before.printed if before is not None else None,
        after.printed if after is not None else None,
        _state(old, key),
        _state(new, key),
        delta,
        percent,
    )


def _formats(old: Report, new: Report) -> tuple[Format | None, list[str], tuple[str, ...], tuple[str, ...], str | None]:
    """The format the cells are laid out in, the keys compared, those of one side only, and a note."""
    names = [n for n in (new.format, old.format) if n is not None]
    if not names:
        return None, [], (), (), "两份报告都未能识别表格格式（2019 年版或 2021 年版），统计表未作比较"
    fmt = get_format(names[0])
    if old.format is None or new.format is None:
        which = "上年" if old.format is None else "本年"
        note = f"{which}报告未能识别表格格式，统计表按另一份报告的 {fmt.name} 年版格式比较"
        return fmt, list(fmt.cells), (), (), note
    if old.format == new.format:
        return fmt, list(fmt.cells), (), (), None
    other = get_format(old.format)
    keys = [k for k in fmt.cells if k in other.cells]
    only_old = tuple(k for k in other.cells if k not in fmt.cells)
    only_new = tuple(k for k in fmt.cells if k not in other.cells)
    note = (
        f"两份报告的表格格式不同（上年 {old.format} 年版，本年 {new.format} 年版）：只比较两种格式共有的 "
        f"{len(keys)} 个单元格，上年格式独有的 {len(only_old)} 个、本年格式独有的 {len(only_new)} 个单元格未作比较"
    )
    return fmt, keys, only_old, only_new, note


def compare(old: Report, new: Report) -> Comparison:
    """Last year's report `old` against this year's `new`: the cells, the cross-year findings, the narrative."""
    fmt, keys, only_old, only_new, note = _formats(old, new)
    cells: list[CellDiff] = []
    if fmt is not None:
        compared = set(keys)
        for key, (table, label) in _labels(fmt).items():
            if key in compared:
                cells.append(cell_diff(old, new, key, table, label, fmt.cell(key).column_label == SIGNED_COLUMN))
    audit = check(new, old, select_rules=["cross_year"])
    sections, copied = compare_narratives(old, new)
    return Comparison(
        old,
        new,
        fmt.name if fmt is not None else None,
        cells,
        audit,
        sections,
        copied,
        note,
        only_old,
        only_new,
    )
