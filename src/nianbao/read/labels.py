"""Part of the stage `tables` (see `stages`): find the printed labels of a format in the search string.

Every label of layout.toml becomes a regular expression over the squeezed text: the ordinal is
optional (`（一）`, `1.`, `一、` and their width variants), the text may be any of its variants, and a
long row label also matches with a typo in its middle when its ordinal is printed
(`2.其他法律行政止公开`). An ordinal digit must be followed by its separator, so a value printed just
before a label (`…0 0 1` + `2.重复申请`) is never swallowed by it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nianbao.formats import FORMAT_NAMES, Format, RowSpec, get_format
from nianbao.formats.text import squeeze

_CN_ORD = "一二三四五六七八九十"


def _ordinal_pattern(ordinal: str) -> str:
    o = squeeze(ordinal)
    core = o.strip("()、.,")
    if not core:
        return ""
    if o.startswith("("):
        return rf"\({re.escape(core)}\)"
    if core.isdigit():
        return rf"(?:\({core}\)|{core}[.、,])"
    return rf"(?:\({re.escape(core)}\)|{re.escape(core)}[、.,]?)"


def _text_pattern(texts: tuple[str, ...]) -> str:
    alts = sorted({squeeze(t) for t in texts if t}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(a) for a in alts) + ")"


@dataclass(frozen=True)
class Label:
    """A compiled label: a printed row (with `row`) or a header or group label."""

    table: str
    text: str
    pattern: re.Pattern[str]
    row: RowSpec | None = None


@dataclass(frozen=True)
class Occurrence:
    start: int  # in the search string
    end: int
    labels: tuple[Label, ...]  # every label that matches exactly this span

    def rows(self) -> tuple[RowSpec, ...]:
        return tuple(lab.row for lab in self.labels if lab.row is not None)


def _row_label(row: RowSpec) -> Label:
    text = _text_pattern((row.text, *row.variants))
    ordinal = _ordinal_pattern(row.ordinal)
    alts = [f"(?:{ordinal})?{text}" if ordinal else text]
    core = squeeze(row.text)
    if ordinal and len(core) >= 8:  # a typo inside a long label, anchored by its printed ordinal
        alts.append(f"{ordinal}{re.escape(core[:4])}[^\\d]{{0,{len(core) + 2}}}?{re.escape(core[-2:])}")
    return Label(row.table, row.label, re.compile("|".join(alts)), row)


@cache
def labels_of(format_name: str) -> tuple[Label, ...]:
    """The labels of a format, and the rows only the other format prints (as labels without a row).

    A report that mixes formats (a 2021 table keeping 政府集中采购 or the single （六）其他处理) then
    has its foreign rows recognised: their numbers are kept as extra rows instead of being lost or
    taken for the values of the row above.
    """
    fmt: Format = get_format(format_name)
    out = [_row_label(r) for r in fmt.rows if r.text]
    for table, texts in fmt.labels.items():
        for t in texts:
            out.append(Label(table, t, re.compile(_text_pattern((t,)))))
    known = {squeeze(t) for r in fmt.rows for t in (r.text, *r.variants) if t}
    known |= {squeeze(t) for texts in fmt.labels.values() for t in texts}
    for other in FORMAT_NAMES:
        if other == format_name:
            continue
        for row in get_format(other).rows:
            if row.text and not any(squeeze(t) in known for t in (row.text, *row.variants)):
                out.append(Label(row.table, row.label, _row_label(row).pattern))
    return tuple(out)


def find(search: str, start: int, end: int, labels: tuple[Label, ...]) -> list[Occurrence]:
    """All maximal label occurrences in search[start:end], left to right, without overlaps."""
    hits: dict[tuple[int, int], list[Label]] = {}
    for lab in labels:
        for m in lab.pattern.finditer(search, start, end):
            if m.end() > m.start():
                hits.setdefault((m.start(), m.end()), []).append(lab)
    out: list[Occurrence] = []
    for a, b in sorted(hits, key=lambda ab: (ab[0], -ab[1])):
        if out and a < out[-1].end:
            continue  # inside or overlapping a longer label found earlier
        out.append(Occurrence(a, b, tuple(hits[(a, b)])))
    return out
