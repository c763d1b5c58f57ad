"""The stage `linear` (see `stages`): a Document laid out as one string, and a whitespace-free copy to search
labels in.

`raw` holds every block in order: a text line ends with a newline; a table row is written as
CELL + text for each of its cells, then ROW. `search` is `raw` with width-normalised characters and
with every space, newline and separator removed, so a label wrapped over three lines, spaced out, or
written one character per line is found as one string; `raw_start`/`raw_end` map back to `raw`. A row label
wrapped around its values in layout text is laid out with its lines first, then its values (see `wraps`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from nianbao.formats.text import normalize
from nianbao.read.document import Block, Document
from nianbao.read.wraps import unwrap
from nianbao.report import Location

CELL = "\x1f"
ROW = "\x1e"

_INK = re.compile(r"[^\s\x1e\x1f]+")


@dataclass(frozen=True)
class CellSpan:
    start: int  # offset in raw
    end: int
    block: int
    cell: int
    offset: int = 0  # where the span starts in its cell's text (a line cut before its values, see `wraps`)


class Linear:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        parts: list[str] = []
        spans: list[CellSpan] = []
        offset = 0
        wraps = unwrap(doc)
        moved = {j for wrap in wraps.values() for j in wrap.continued}
        for bi, block in enumerate(doc.blocks):
            if block.is_row:
                for ci, text in enumerate(block.cells):
                    parts.append(CELL)
                    offset += 1
                    spans.append(CellSpan(offset, offset + len(text), bi, ci))
                    parts.append(text)
                    offset += len(text)
                parts.append(ROW)
                offset += 1
            elif bi in moved:
                continue  # laid out after the first line of its label
            else:
                wrap = wraps.get(bi)
                text = block.cells[0]
                pieces = [(bi, 0, len(text))]
                if wrap is not None:  # a label wrapped around its values: its lines first, then the values
                    cont = [(j, 0, len(doc.blocks[j].cells[0])) for j in wrap.continued]
                    pieces = [(bi, 0, wrap.cut), *cont, (bi, wrap.cut, len(text))]
                for pb, a, b in pieces:
                    spans.append(CellSpan(offset, offset + b - a, pb, 0, a))
                    parts.append(doc.blocks[pb].cells[0][a:b])
                    parts.append("\n")
                    offset += b - a + 1
        self.raw = "".join(parts)
        self.spans = spans
        self._starts = [s.start for s in spans]
        # runs of visible characters: search[_run_s[k]:…] is raw[_run_raw[k]:…]
        runs = list(_INK.finditer(normalize(self.raw)))
        self._run_raw = [m.start() for m in runs]
        self._run_s: list[int] = []
        at = 0
        for m in runs:
            self._run_s.append(at)
            at += m.end() - m.start()
        self.search = "".join(m.group() for m in runs)

    def _raw(self, s_index: int) -> int:
        k = bisect.bisect_right(self._run_s, s_index) - 1
        return self._run_raw[k] + (s_index - self._run_s[k])

    def raw_start(self, s_index: int) -> int:
        """Raw offset of search index `s_index` (len(search) maps to len(raw))."""
        return self._raw(s_index) if s_index < len(self.search) else len(self.raw)

    def raw_end(self, s_end: int) -> int:
        """Raw offset just after search index `s_end - 1`."""
        return self._raw(s_end - 1) + 1 if s_end > 0 else 0

    def span_at(self, raw_offset: int) -> int:
        """Index in `spans` of the cell or line holding raw_offset (the nearest one before it)."""
        return max(0, bisect.bisect_right(self._starts, raw_offset) - 1)

    def block_of(self, raw_offset: int) -> Block:
        return self.doc.blocks[self.spans[self.span_at(raw_offset)].block]

    def locate(self, start: int, end: int) -> Location:
        """The Location of raw[start:end], refined to character offsets for text sources."""
        span = self.spans[self.span_at(start)]
        base = self.doc.blocks[span.block].locations[span.cell]
        if base.start is not None and base.line is not None:
            a = base.start + span.offset + (start - span.start)
            return Location(line=base.line, start=a, end=a + (min(end, span.end) - start))
        return base
