"""Part of the stage `linear` (see `linear`): row labels wrapped around their values in layout text.

`pdftotext -layout` at a narrow width prints a long row label over several lines, its values on the label's
first line:

    一、本年新收政府信息    21     0     0     0     0     0    21
      公开申请数量

Laid out in document order the label's two halves have the values between them (`一、本年新收政府信息2100000021
公开申请数量` once squeezed), and no label is found. `unwrap` finds such lines: a text line that ends in values
whose text before them (its head) is not a whole row label, followed by text-only lines that complete it into
one (the head and one to `MAX_CONTINUED` following lines, the fewest that do, fully matching a row label of a
format). The linear stage then lays the continuation lines out right after the head, the values after them.
Nothing else moves: a line whose text is a label already, or whose following lines do not complete a label
(a group label such as `（三）不予公开`, a heading), stays where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nianbao.formats import FORMAT_NAMES
from nianbao.formats.text import squeeze
from nianbao.read.document import Block, Document

__all__ = ["MAX_CONTINUED", "Unwrap", "unwrap"]

#: Most lines a wrapped label continues on after its first.
MAX_CONTINUED = 4
#: Longest text (squeezed) of a label's first line or of one of its continuation lines: a row label is shorter.
_MAX_PART = 40

# Values at the end of a line: numbers (with commas, decimals) and placeholders, separated by white space (each
# value matched one way only: no backtracking over long runs of digits).
_VALUE = r"(?:[-+]?\d[\d,]*(?:\.\d+)?|/+|[-—－]{1,3})"
_TAIL = re.compile(rf"{_VALUE}(?:\s+{_VALUE})*\s*$")
#: Longest line looked at: a row label's first line and its values (15 values at most).
_MAX_LINE = 300
_DIGIT = re.compile(r"[\d０-９]")


@dataclass(frozen=True)
class Unwrap:
    """A label's first line (a block) cut before its values at `cut`, and the blocks continuing its label."""

    cut: int  # offset in the line's text where its values start
    continued: tuple[int, ...]  # block indices of the continuation lines, in order


@cache
def _row_labels() -> re.Pattern[str]:
    """One pattern matching any row label of any format (with its optional ordinal), over squeezed text."""
    from nianbao.read.labels import labels_of

    patterns = {lab.pattern.pattern for name in FORMAT_NAMES for lab in labels_of(name) if lab.row is not None}
    return re.compile("|".join(f"(?:{p})" for p in sorted(patterns)))


def _head(block: Block) -> int | None:
    """Where the values at the end of a text line start, when the line is label text followed by values."""
    if block.is_row:
        return None
    text = block.cells[0]
    if len(text) > _MAX_LINE:
        return None
    m = _TAIL.search(text)
    if m is None or not any(ch.isdigit() for ch in m.group()):
        return None
    head = squeeze(text[: m.start()])
    if not head or len(head) > _MAX_PART or head[-1].isdigit():
        return None
    return m.start()


def _continuation(block: Block) -> str | None:
    """The squeezed text of a line that may continue a wrapped label: text only, short."""
    if block.is_row:
        return None
    text = squeeze(block.cells[0])
    if not text or len(text) > _MAX_PART or _DIGIT.search(text):
        return None
    return text


def unwrap(doc: Document) -> dict[int, Unwrap]:
    """The lines of `doc` whose row label wraps around their values, by block index (see the module's docstring)."""
    out: dict[int, Unwrap] = {}
    blocks = doc.blocks
    taken: set[int] = set()
    for bi, block in enumerate(blocks):
        if bi in taken:
            continue
        cut = _head(block)
        if cut is None or bi + 1 >= len(blocks) or _continuation(blocks[bi + 1]) is None:
            continue
        labels = _row_labels()
        text = squeeze(block.cells[0][:cut])
        if labels.fullmatch(text):
            continue  # a whole label already: the lines after it are not its
        for k in range(1, MAX_CONTINUED + 1):
            j = bi + k
            part = _continuation(blocks[j]) if j < len(blocks) else None
            if part is None:
                break
            text += part
            if labels.fullmatch(text):
                out[bi] = Unwrap(cut, tuple(range(bi + 1, j + 1)))
                taken.update(range(bi + 1, j + 1))
                break
    return out
