"""Text as labels are compared in: width-normalised, and without white space.

Pure helpers shared by the reader (which finds labels), the format rules (which compare them) and the
pdf writer (which keeps a line from starting with a section heading).
"""

from __future__ import annotations

# Full-width ASCII to half-width, ideographic and no-break spaces to spaces: one character for one,
# so positions survive. Chinese punctuation that has no ASCII twin (、“”) is kept.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: 0x20,
        0xA0: 0x20,
        0x2002: 0x20,
        0x2003: 0x20,
        0x200B: 0x20,
        0xFEFF: 0x20,
        0x2212: ord("-"),
        0x2014: ord("-"),
        0x3002: 0x3002,
    }
)
WIDTH_TABLE = _WIDTH


def normalize(text: str) -> str:
    """Width-normalise text (same length as the input)."""
    return text.translate(WIDTH_TABLE)


def squeeze(text: str) -> str:
    """Width-normalise and drop all white space: the form labels are compared in."""
    return "".join(normalize(text).split())
