"""The common document every input kind is turned into: text lines and table rows, in order.

A `Block` is either a line of running text (one cell) or a table row (its cells, left to right,
each merged cell once). Every cell keeps its `Location`, so a value found anywhere in the document
can be traced back to the page, line or table cell it was printed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nianbao.report import Location

if TYPE_CHECKING:
    from nianbao.read.options import ReadOptions

# The defaults of the document's limits (`ReadOptions.max_row_cells` and the others, which the readers are given):
#: No annual-report table has a row of more cells than this; a longer row is refused before it costs anything.
MAX_ROW_CELLS = 1000
#: Lines and table rows of one document (a 300-page report has about 20,000).
MAX_BLOCKS = 200_000
#: Table cells of one document, all its tables together (a report has a few thousand): counted by the readers as
#: they go, so that a page or package of one huge table stops before the table stages see it.
MAX_TABLE_CELLS = 50_000
#: Widest column or row span read (`colspan`, `w:gridSpan`): larger or unreadable spans are clamped.
MAX_SPAN = 100


class LimitExceeded(Exception):
    """A document past one of the limits above; the reader turns it into a `ReadError` naming the file."""


def row_cells_allowed(count: int, where: str, most: int) -> None:
    """Raise `LimitExceeded` when a table row of `count` cells is longer than `most` (`ReadOptions.max_row_cells`),
    longer than any report table's."""
    if count > most:
        raise LimitExceeded(f"{where}有超过 {most} 个单元格，不是年度报告的统计表，已停止读取")


def span(value: str | None, most: int) -> int:
    """A printed column or row span as a count: an integer clamped to 1..`most` (`ReadOptions.max_span`), 1 when it
    is not one."""
    try:
        return max(1, min(int(value or 1), most))
    except ValueError:
        return 1


class Tally:
    """Running counts of one document's blocks and table cells, checked as a reader adds them against the
    `ReadOptions` given (`max_blocks`, `max_table_cells`).

    `cells` also counts the grid positions a reader keeps for row spans, which cost as much as cells.
    """

    def __init__(self, options: ReadOptions) -> None:
        self.blocks = 0
        self.cells = 0
        self.max_blocks = options.max_blocks
        self.max_table_cells = options.max_table_cells

    def block(self) -> None:
        self.blocks += 1
        if self.blocks > self.max_blocks:
            raise LimitExceeded(f"文件超过 {self.max_blocks} 行，已停止读取")

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > self.max_table_cells:
            raise LimitExceeded(
                f"文件的表格超过 {self.max_table_cells} 个单元格（年度报告只有几千个），不是年度报告，已停止读取"
            )


@dataclass(frozen=True)
class Block:
    cells: tuple[str, ...]
    locations: tuple[Location, ...]
    is_row: bool = False  # True when `cells` are the cells of a table row

    @staticmethod
    def line(text: str, location: Location) -> Block:
        return Block((text,), (location,), False)

    @staticmethod
    def row(cells: list[str], locations: list[Location]) -> Block:
        return Block(tuple(cells), tuple(locations), True)


@dataclass
class Document:
    kind: str  # txt, md, html, docx, pdf, doc
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None  # from the file's own metadata (html <title>, crawler header…)
    published: str | None = None  # a publication date from metadata, as printed
    publisher: str | None = None  # the publishing body from metadata (a crawler header's 发布机构), as printed
    scanned_pages: int = 0  # pages read by OCR (scans: `inputs.ocr`)

    def check_limits(self, options: ReadOptions) -> None:
        """Raise `LimitExceeded` when the document is larger than any report (checked before the table stages).

        The readers of large inputs (html, docx, pdf) also count as they go (`Tally`), to stop early.
        """
        if len(self.blocks) > options.max_blocks:
            raise LimitExceeded(f"文件有 {len(self.blocks)} 行，超过 {options.max_blocks} 行的上限，已停止读取")
        tally = Tally(options)
        for i, block in enumerate(self.blocks, start=1):
            if block.is_row:
                row_cells_allowed(len(block.cells), f"第 {i} 行表格", options.max_row_cells)
                tally.add_cells(len(block.cells))

    def plain_text(self) -> str:
        """The document as plain text: rows become tab-separated lines."""
        return "\n".join("\t".join(b.cells) for b in self.blocks)
