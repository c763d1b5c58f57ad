"""The six sections: headings found by their text and numbering, in order, with their bodies.

A heading is its text (or a known variant) preceded by a numbering (一、 1、 （一） …) or standing at
the start of a line. The preamble often lists all six headings in one sentence; those mentions
have no numbering and are not at a line start, so they are passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.formats import sections as section_specs
from nianbao.read.linear import normalize
from nianbao.report import Location, Section

_NUMBERING = r"(?P<num>(?:[一二三四五六七八九十]{1,2}|\d{1,2})\s*[、.．,，]|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]|第[一二三四五六]部分\s*[:：]?)?"


@dataclass(frozen=True)
class _Hit:
    number: int
    start: int
    end: int
    numbering: str
    heading: str


def _pattern(heading: str, variants: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted({heading, *variants}, key=len, reverse=True)
    body = "|".join(r"\s*".join(re.escape(ch) for ch in normalize(a)) for a in alts)
    return re.compile(rf"(?P<lead>^|\n)?[ \t#*]*{_NUMBERING}\s*(?P<head>{body})", re.MULTILINE)


def find_sections(text: str) -> list[Section]:
    """The sections of `text` (a document's plain text), in order; Location.line is 1-based."""
    norm = normalize(text)
    hits: list[_Hit] = []
    for spec in section_specs():
        for m in _pattern(spec.heading, spec.variants).finditer(norm):
            numbered = bool(m.group("num"))
            at_line_start = m.group("lead") is not None or m.start() == 0
            if not (numbered or at_line_start):
                continue
            start = m.start("num") if numbered else m.start("head")
            hits.append(_Hit(spec.number, start, m.end(), text[m.start("num"):m.end("num")].strip() if numbered
                             else "", text[m.start("head"):m.end("head")]))
    hits.sort(key=lambda h: h.start)
    chosen: list[_Hit] = []
    for hit in hits:  # keep the first heading of each section that comes after the previous one
        if chosen and (hit.number <= chosen[-1].number or hit.start < chosen[-1].end):
            continue
        if any(h.number == hit.number for h in chosen):
            continue
        chosen.append(hit)
    out: list[Section] = []
    for i, hit in enumerate(chosen):
        end = chosen[i + 1].start if i + 1 < len(chosen) else len(text)
        line = text.count("\n", 0, hit.start) + 1
        out.append(Section(hit.number, hit.numbering, hit.heading.strip(), text[hit.end:end].strip(),
                           Location(line=line)))
    return out
