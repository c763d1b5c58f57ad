"""Markdown: the report in the official order, its tables as GitHub pipe tables.

`# title`, the preamble, `## 一、总体情况` … with each section's paragraphs, then the agency and
the date that sign it. Markdown cannot merge cells, so a table of `formats.grid` becomes rows that
stand on their own: a header naming every column (by the header cells above it, as few of the
innermost levels as tell the columns apart: `自然人`, but `未经复议直接起诉 结果维持`), then one row
per printed row of the grid, its label first (group and label: `（三）不予公开 1.属于国家秘密`) and
its values after. Table 二 becomes one
pipe table per 第二十条 item, since each item has its own columns. Columns are padded to the same
display width (a Chinese character counts two) so the text reads as a table too.

The text is written as it was read, without markdown escapes: what is printed here reads back
(`nianbao.read`) to the same cells, sections and preamble.

The HTML pages draw their tables with one Jinja macro (`official_table.py`); markdown cannot use an
HTML macro, so the tables here are drawn from the same `formats.grid` grids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from nianbao.formats.grid import Grid, Placed
from nianbao.render.content import Content, content_of
from nianbao.report import Report

_DATE_LINE = re.compile(r"^[(（]?(\d{4})年(\d{1,2})月(\d{1,2})日[)）]?$")
_SENTENCE = re.compile(r"[。，；：,;:]")
_MARKUP_ONLY = re.compile(r"^[#*>=_|~`\-\s]*$")  # `##` left over from a markdown heading, a rule
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")  # a page number read as a line
_ORDINAL = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]{1,2}\)|\d{1,2}[.、]")
_LEFTOVER = "()[]:;,.、·-—#* "


def _bare(text: str) -> str:
    return "".join(text.split())


def _is_signature(line: str, content: Content) -> bool:
    """A line that only signs the report: the agency (or a longer name of it) or the report's date."""
    bare = _bare(line)
    m = _DATE_LINE.match(bare)
    if m:
        d = content.date
        return d is not None and (d.year, d.month, d.day) == tuple(int(x) for x in m.groups())
    agency = _bare(content.agency)
    return bool(bare) and len(bare) <= 30 and not _SENTENCE.search(bare) and (agency in bare or bare in agency)


def _table_labels(grid: Grid) -> list[str]:
    """The grid's printed labels, with and without their ordinals, longest first (NFKC, no spaces)."""
    texts = {_bare(unicodedata.normalize("NFKC", c.text)) for c in grid.cells if c.key is None}
    texts |= {_ORDINAL.sub("", t) for t in texts}
    return sorted((t for t in texts if t), key=len, reverse=True)


# ---------------------------------------------------------------------------------------------
# Grids as flat tables (shared with nothing else: the html pages draw the grid with a macro)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlatTable:
    """A block of a grid as a pipe table: column names, then rows of label and values."""

    header: tuple[str, ...]  # the label column's name, then one per value column
    rows: tuple[tuple[str, ...], ...]
    labelled: bool  # whether the first column holds row labels (table 四 has none)


def _blocks(grid: Grid) -> Iterator[tuple[list[int], list[int]]]:
    """Runs of header rows followed by the value rows under them."""
    value_rows = {c.row for c in grid.cells if c.key is not None}
    head: list[int] = []
    body: list[int] = []
    for r in range(grid.rows):
        if r in value_rows:
            body.append(r)
            continue
        if body:
            yield head, body
            head, body = [], []
        head.append(r)
    if body:
        yield head, body


def flat_tables(grid: Grid) -> list[FlatTable]:
    """The grid as pipe tables: one per block of header rows and the value rows under them."""
    out: list[FlatTable] = []
    for head, body in _blocks(grid):
        values = [c for c in grid.cells if c.key is not None and c.row in body]
        columns = sorted({(c.col, c.colspan) for c in values})
        first = columns[0][0]
        last = max(a + s for a, s in columns)
        headers = [c for c in grid.cells if c.row in head]
        paths = []
        for a, s in columns:
            over = [
                c
                for c in _by_level(headers)
                if c.col >= first
                and c.col < a + s
                and c.col + c.colspan > a
                and not (len(columns) > 1 and c.col <= first and c.col + c.colspan >= last)
            ]
            paths.append(_unique(c.text for c in over))
        levels = next(
            (n for n in range(1, max(map(len, paths)) + 1) if len({tuple(p[-n:]) for p in paths}) == len(paths)),
            max(map(len, paths)),
        )
        names = [" ".join(p[-levels:]) for p in paths]
        if first > 0:
            names.insert(0, " ".join(_unique(c.text for c in _by_level(headers) if c.col < first)))
        labels_of = sorted((c for c in grid.cells if c.key is None and c.col < first), key=lambda c: (c.col, c.row))
        rows: list[tuple[str, ...]] = []
        for r in body:
            by_start = {c.col: c for c in values if c.row == r}
            cells = [by_start[a].text if a in by_start else "" for a, _ in columns]
            if first > 0:
                labels = [c for c in labels_of if c.row <= r < c.row + c.rowspan and (c.row == r or c.col > 0)]
                cells.insert(0, " ".join(_unique(c.text for c in labels)))
            rows.append(tuple(cells))
        out.append(FlatTable(tuple(names), tuple(rows), first > 0))
    return out


def _by_level(cells: list[Placed]) -> list[Placed]:
    """Header cells from the outermost level (top row) in."""
    return sorted(cells, key=lambda c: (c.row, c.col))


def _unique(texts: Iterator[str] | list[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        if t and t not in out:
            out.append(t)
    return out


@cache
def width(text: str) -> int:
    """Display width: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool) -> str:
    fill = " " * (size - width(text))
    return fill + text if right else text + fill


def pipe_table(table: FlatTable) -> list[str]:
    """The lines of a pipe table, columns padded; values aligned right."""
    rows = [tuple(text.replace("|", "｜") for text in row) for row in (table.header, *table.rows)]
    sizes = [max(3, *(width(row[i]) for row in rows)) for i in range(len(table.header))]
    numeric = [not (table.labelled and i == 0) for i in range(len(sizes))]

    def line(cells: tuple[str, ...], header: bool = False) -> str:
        parts = [
            _pad(text, size, right=num and not header) for text, size, num in zip(cells, sizes, numeric, strict=True)
        ]
        return "| " + " | ".join(parts) + " |"

    rule = (
        "| "
        + " | ".join(
            ("-" * (s - 1) + ":") if num else ":" + "-" * (s - 1) for s, num in zip(sizes, numeric, strict=True)
        )
        + " |"
    )
    return [line(rows[0], header=True), rule, *(line(r) for r in rows[1:])]


def render_md(report: Report) -> str:
    """The report as markdown (its format, year and agency must be known)."""
    content = content_of(report)
    out: list[str] = [f"# {content.title}", ""]
    for p in content.preamble:
        out += [p, ""]
    for section in content.sections:
        out += [f"## {section.title}", ""]
        for p in section.paragraphs:
            out += [p, ""]
        if section.table is not None:
            for table in flat_tables(section.table):
                out += [*pipe_table(table), ""]
    out += [content.agency, ""]
    if content.date_text:
        out += [content.date_text, ""]
    return "\n".join(out[:-1]) + "\n"
