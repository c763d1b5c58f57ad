"""Part of the stage `tables` (see `stages`): row labels printed in a table that are no row of the format.

A label that is neither a row of the format nor one of its variants (layout.toml) must not lose its row
silently, nor let its item number and values be taken for those of the row above. In running text the values
of a row stop at an item number followed by text (`…0 07.属于行政执法案件…`, see `values.tokens`) or at a label
run in between numbers (`…0000000属于执法类信息0000000`, see `values.label_between`); in a table,
a row whose first text cell starts with an item number and holds no known label, followed by numbers, is such
a row. Either way the reader keeps a `Problem` ("row.unknown") naming the label as printed, which the rule C207
reports.
"""

from __future__ import annotations

import re

from nianbao.read.labels import Occurrence
from nianbao.read.linear import Linear
from nianbao.read.values import Token, tokens
from nianbao.report import Location, Problem

__all__ = ["ITEM_LABEL", "unknown_row", "unknown_table_rows"]

#: An item number (`7.`, `（二）`, `三、`) and the text of a row label after it.
ITEM_LABEL = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)\s*[\u4e00-\u9fff]"
)


def unknown_row(table: str, printed: str, loc: Location | None) -> Problem:
    """The Problem of a row label printed in table `table` that is no row of the format."""
    return Problem("row.unknown", f"第{table}部分表格中印有未能识别的行“{printed}”，该行数值未读取", (), loc)


def unknown_table_rows(
    lin: Linear, occurrences: list[Occurrence], regions: dict[str, tuple[int, int]]
) -> list[Problem]:
    """The table rows of tables 二 and 三 (`regions` in search offsets) that open with an item number and the text
    of a label no occurrence matched, and print numbers after it."""
    known = {lin.spans[lin.span_at(lin.raw_start(o.start))].block for o in occurrences}
    out: list[Problem] = []
    for table in ("二", "三"):
        lo, hi = regions[table]
        if lo >= hi:
            continue
        a, b = lin.raw_start(lo), lin.raw_start(hi)
        seen: set[int] = set()
        for span in lin.spans[lin.span_at(a) :]:
            if span.start >= b:
                break
            block = lin.doc.blocks[span.block]
            if span.block in seen or span.block in known or not block.is_row or span.start < a:
                continue
            seen.add(span.block)
            texts = [c for c in block.cells if c.strip()]
            if not texts or not ITEM_LABEL.match(texts[0]):
                continue
            first = block.cells.index(texts[0])
            numbers: list[Token] = [t for c in block.cells[first + 1 :] for t in tokens(c, 0) if t.kind == "num"]
            if numbers:
                out.append(unknown_row(table, " ".join(texts[0].split()), block.locations[first]))
    return out
