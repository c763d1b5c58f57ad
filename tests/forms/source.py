"""A corpus report as the generators see it: its truth, its narrative, and its tables laid out from the truth.

The narrative (title, preamble, the paragraphs of sections 一, 五 and 六, the signing agency and date) is what
`nianbao.render.content.content_of` makes of the report as read; the tables are `nianbao.formats.grid`
grids whose value cells print the TRUTH (a blank cell stays empty: `content_of` would print it as 0),
so the truth of every generated file is the source's truth.

The grid is also given as `Line`s, the rows a text extraction shows: header lines (the header cells
starting in a grid row) and value lines (the label cells starting in the row, then its values).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import nianbao
from nianbao.formats import Format, get_format
from nianbao.formats.grid import Grid, tables
from nianbao.render.content import Content, content_of

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
# Which rendition of a report to read the narrative from, when it has several (fastest first).
_PREFERRED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


@dataclass(frozen=True)
class Line:
    """One row of a table as a text extraction shows it.

    A header line has `headers` (the header cells starting in the grid row, left to right) and no
    values; a value line has `labels` (the label cells starting in the row: a group label spanning
    several rows comes with its first row only) and `values` (printed text, "" for a blank cell).
    """

    headers: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()

    @property
    def is_header(self) -> bool:
        return not self.keys


@dataclass(frozen=True)
class Source:
    name: str  # the truth file's name without `.truth.json`, e.g. "real/r001"
    path: Path  # the rendition the narrative was read from
    truth: dict[str, Any]
    content: Content
    grids: tuple[Grid, ...]  # 二, 三, 四

    @property
    def format(self) -> Format:
        return get_format(str(self.truth["format"]))

    @property
    def year(self) -> int:
        return int(self.truth["year"])

    @property
    def agency(self) -> str:
        return str(self.truth["agency"])

    def grid_of(self, section: int) -> Grid | None:
        return {2: self.grids[0], 3: self.grids[1], 4: self.grids[2]}.get(section)


def truth_path(report: Path) -> Path:
    return report.with_name(report.name.split(".")[0] + ".truth.json")


def corpus_sources(corpus: Path = CORPUS) -> list[Path]:
    """One rendition per truth file of the corpus (renditions of one report share a truth)."""
    chosen: dict[Path, Path] = {}
    for f in sorted(corpus.rglob("*")):
        if not f.is_file() or f.name.endswith(".json") or f.suffix.lower() not in _PREFERRED:
            continue
        truth = truth_path(f)
        if not truth.exists():
            continue
        old = chosen.get(truth)
        if old is None or _PREFERRED.index(f.suffix.lower()) < _PREFERRED.index(old.suffix.lower()):
            chosen[truth] = f
    return [chosen[t] for t in sorted(chosen)]


def source_name(path: Path, corpus: Path = CORPUS) -> str:
    rel = path.relative_to(corpus) if path.is_relative_to(corpus) else Path(path.name)
    return str(rel.with_name(rel.name.split(".")[0]))


def printed(truth: dict[str, Any], key: str) -> str:
    """A cell's text as printed: empty for a blank cell (or one the truth does not name)."""
    if key in truth.get("blank_cells", ()) or key not in truth["cells"]:
        return ""
    value = truth["cells"][key]
    if isinstance(value, int):
        return str(value)
    return format(Decimal(str(value)), "f")


def expected_cells(truth: dict[str, Any]) -> dict[str, Any]:
    """key → value as printed, None for a blank cell."""
    want = dict(truth["cells"])
    want.update(dict.fromkeys(truth.get("blank_cells", [])))
    return want


@cache
def load_source(path: Path) -> Source:
    truth: dict[str, Any] = json.loads(truth_path(path).read_text(encoding="utf-8"))
    report = nianbao.read(path)
    report.format, report.year, report.agency = str(truth["format"]), int(truth["year"]), str(truth["agency"])
    content = content_of(report)
    # A section with a table keeps no paragraphs: in a source read from layout text they are the table's own
    # lines (pdftotext), which the generated forms print again from the truth.
    sections = tuple(dataclasses.replace(s, paragraphs=()) if s.table is not None else s for s in content.sections)
    content = dataclasses.replace(content, sections=sections)
    fmt = get_format(str(truth["format"]))
    grids = tuple(tables(fmt, lambda key: printed(truth, key)))
    return Source(source_name(path), path, truth, content, grids)


def lines_of(grid: Grid) -> list[Line]:
    """The grid's rows as a text extraction shows them, top to bottom."""
    out: list[Line] = []
    for r in range(grid.rows):
        cells = grid.starting_in(r)
        values = [c for c in cells if c.key is not None]
        if not values:
            out.append(Line(headers=tuple(c.text for c in cells if c.text)))
            continue
        first = min(c.col for c in values)
        labels = tuple(c.text for c in cells if c.key is None and c.col < first and c.text)
        out.append(Line(labels=labels, values=tuple(c.text for c in values), keys=tuple(c.key or "" for c in values)))
    return out
