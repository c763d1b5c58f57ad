"""The common document every input kind is turned into: text lines and table rows, in order.

A `Block` is either a line of running text (one cell) or a table row (its cells, left to right,
each merged cell once). Every cell keeps its `Location`, so a value found anywhere in the document
can be traced back to the page, line or table cell it was printed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.report import Location


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

    def plain_text(self) -> str:
        """The document as plain text: rows become tab-separated lines."""
        return "\n".join("\t".join(b.cells) for b in self.blocks)
