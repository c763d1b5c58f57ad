"""Line breaking for the pdf writer: between characters (or between Latin words), never before a closing
mark or after an opening one, and never just before a section heading's text, which would read back
(`nianbao.read`) as that heading.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from nianbao.formats import sections as section_specs
from nianbao.formats.text import squeeze

_NO_START = frozenset("，。、；：？！）》」』】〕〉”’%‰…·—～,.;:?!)]}")
_NO_END = frozenset("（《「『【〔〈“‘([{")
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)  # a Latin word or number, a run of white space, a character


@functools.cache
def _headings() -> tuple[str, ...]:
    """Section heading texts (squeezed): a line must not start with one, or it would read as a heading."""
    return tuple(sorted({squeeze(h) for s in section_specs() for h in (s.heading, *s.variants)}, key=len))


def _starts_heading(tokens: Sequence[str], at: int) -> bool:
    head = squeeze("".join(tokens[at : at + 40]))
    return any(head.startswith(h) for h in _headings())


def wrap(text: str, width: float, measure: Callable[[str], float], first_indent: float = 0.0) -> list[str]:
    """`text` broken into lines no wider than `width` (the first `first_indent` narrower)."""
    tokens = _TOKEN.findall(" ".join(text.split("\t")))
    lines: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        while i < n and tokens[i].isspace():
            i += 1
        if i == n:
            break
        room = width - (first_indent if not lines else 0.0)
        used, j = 0.0, i
        while j < n and used + measure(tokens[j]) <= room + 1e-6:
            used += measure(tokens[j])
            j += 1
        if j < n and j == i:  # one word wider than the line: cut it where it must
            word = tokens[i]
            k = 1
            while k < len(word) and measure(word[: k + 1]) <= room + 1e-6:
                k += 1
            tokens[i : i + 1] = [word[:k], word[k:]]
            n += 1
            j = i + 1
        elif j < n:
            j = _break_before(tokens, i, j)
        lines.append("".join(tokens[i:j]).rstrip())
        i = j
    return lines


def _break_before(tokens: Sequence[str], start: int, end: int) -> int:
    """The token to start the next line with, at or a little before `end`."""
    k = end
    for _ in range(4):
        nxt, prev = tokens[k], tokens[k - 1]
        bad = (
            (not nxt.isspace() and nxt[0] in _NO_START)
            or (not prev.isspace() and prev[-1] in _NO_END)
            or _starts_heading(tokens, k)
        )
        if not bad:
            return k
        if k - 1 <= start:
            break
        k -= 1
    return end
