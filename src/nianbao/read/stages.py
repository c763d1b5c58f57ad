"""The reader's stages, named in the order they run, and a `Reading` that keeps what each of them found.

`read_in_stages(path)` runs them all and returns the `Reading`; `nianbao.read.read(path)` is its report. Every
stage works within the limits of one `ReadOptions` (the defaults when none is given). The stages after
`document` know nothing of the input kind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from nianbao.read.document import Document, LimitExceeded
from nianbao.read.errors import NotAReport, ReadError
from nianbao.read.inputs import read_input
from nianbao.read.linear import Linear
from nianbao.read.meta import Meta, read_meta
from nianbao.read.options import DEFAULT_OPTIONS, ReadOptions
from nianbao.read.sections import find_sections
from nianbao.read.tables import TableRead, read_tables
from nianbao.report import Problem, Report, Section

if TYPE_CHECKING:
    from nianbao.read.explain import CellTrace

__all__ = [
    "STAGES",
    "Reading",
    "Stage",
    "read",
    "read_document",
    "read_in_stages",
    "reading_of",
    "report_from_document",
]


@dataclass(frozen=True)
class Stage:
    """One stage of the reader: its name, its name in Chinese (as `nianbao parse --explain` prints it), what it
    does, and the `Reading` attribute that keeps its result."""

    name: str
    chinese: str
    does: str
    result: str


#: The stages, in the order they run.
STAGES: tuple[Stage, ...] = (
    Stage("extract", "提取", "the file decoded and extracted by its input kind (`inputs`) into a Document", "document"),
    Stage(
        "document",
        "文档",
        "the Document checked against the document limits before any later stage sees it",
        "document",
    ),
    Stage(
        "linear",
        "排版",
        "the Document laid out as one string, and a whitespace-free copy to search labels in",
        "linear",
    ),
    Stage("meta", "元数据", "the title, agency, year and date as printed (the year chooses the format)", "meta"),
    Stage(
        "tables",
        "表格",
        "the format's rows found by their printed labels, with the values printed after each",
        "tables",
    ),
    Stage("fit", "拟合", "the values after a row's label fitted to its cells (run-together digits split)", "tables"),
    Stage("values", "数值", "the fitted values read as numbers in their cells' units", "cells"),
    Stage("sections", "章节", "the six sections and the preamble before them", "sections"),
    Stage("report", "报告", "the Report: cells, sections, metadata and the problems met", "report"),
)


@dataclass(frozen=True)
class Reading:
    """What each stage of one reading found: the Document (`extract`, `document`), the laid-out text (`linear`),
    the metadata (`meta`), the rows read with their fits (`tables`: `TableRead.rows`, `fit`), the sections and
    preamble (`sections`) and the Report. `cells` tells for every cell how it was found."""

    file: str
    options: ReadOptions
    document: Document
    linear: Linear
    meta: Meta
    tables: TableRead
    sections: list[Section]
    preamble: str
    report: Report

    @cached_property
    def cells(self) -> list[CellTrace]:
        """Every cell of the format, in its order: the stage that decided it, the label it was matched by and the
        source span of the printed value (worked out when first asked for)."""
        from nianbao.read.explain import trace_cells

        return trace_cells(self.linear, self.tables, self.report)


def read_document(
    path: str | os.PathLike[str], name: str | None = None, *, options: ReadOptions | None = None
) -> Document:
    """The stages `extract` and `document`: the file as a Document (lines and table rows), or a ReadError naming it.

    The document is checked against the document limits of `options` (rows of at most `max_row_cells` cells, at
    most `max_blocks` lines and rows, `max_table_cells` cells) before any later stage sees it, so that no stage
    meets an input larger than a report can be.
    """
    options = options or DEFAULT_OPTIONS
    file = name or str(path)
    doc = read_input(path, file, options)
    try:
        doc.check_limits(options)
    except LimitExceeded as exc:
        raise ReadError(file, str(exc)) from None
    return doc


def reading_of(
    doc: Document, file: str, options: ReadOptions | None = None, *, previous: Report | None = None
) -> Reading:
    """The stages from `linear` to `report` on a Document already read; NotAReport when it has no report table.

    `previous`, the same body's report of the year before when known, is evidence for splitting run-together digits
    (see `fit`): never read into this report's cells otherwise."""
    options = options or DEFAULT_OPTIONS
    text = doc.plain_text()
    lines = text.split("\n")
    meta = read_meta(lines, doc.title, doc.published, doc.publisher)
    lin = Linear(doc)
    tables = read_tables(lin, meta.year, options, previous)
    if tables is None or tables.found_tables == 0:
        raise NotAReport(file, "未找到年度报告的统计表（不像一份政府信息公开工作年度报告）")
    report = Report(
        file=file,
        kind=doc.kind,
        format=tables.format,
        year=meta.year,
        agency=meta.agency,
        title=meta.title,
        date=meta.date,
        cells=tables.cells,
        extra_rows=tables.extra_rows,
        problems=[*meta.problems, *tables.problems],
        text=text,
    )
    sections, preamble = find_sections(lin, meta.title, meta.agency)
    report.sections, report.preamble = sections, preamble
    if meta.year is None:
        report.problems.append(Problem("meta.year", "未能识别报告年度"))
    if meta.agency is None:
        report.problems.append(Problem("meta.agency", "未能从标题识别发布机关"))
    return Reading(file, options, doc, lin, meta, tables, sections, preamble, report)


def read_in_stages(
    path: str | os.PathLike[str],
    name: str | None = None,
    *,
    options: ReadOptions | None = None,
    previous: Report | None = None,
) -> Reading:
    """Reads one published report through every stage and keeps what each found. Raises ReadError (or
    NotAReport) with a Chinese reason, as `read` does. `previous`: last year's report, when known (see `reading_of`)."""
    file = name or str(path)
    return reading_of(read_document(path, file, options=options), file, options, previous=previous)


def report_from_document(
    doc: Document, file: str, options: ReadOptions | None = None, *, previous: Report | None = None
) -> Report:
    """The Report of a Document already read (the stages from `linear` on); `previous` as in `reading_of`."""
    return reading_of(doc, file, options, previous=previous).report


def read(
    path: str | os.PathLike[str],
    name: str | None = None,
    *,
    options: ReadOptions | None = None,
    previous: Report | None = None,
) -> Report:
    """Reads one published report (`previous`: last year's, when known, see `reading_of`). Raises ReadError (or
    NotAReport) with a Chinese reason."""
    return read_in_stages(path, name, options=options, previous=previous).report
