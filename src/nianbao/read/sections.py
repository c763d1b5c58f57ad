"""The stage `sections` (see `stages`), the six sections: headings found by their text and numbering, in printed
order, with their bodies.

A heading is its text (or a known variant) preceded by a numbering (一、 1、 （一） …) or standing at
the start of a line. The preamble often lists all six headings in one sentence; those mentions
have no numbering and are not at a line start, so they are passed over. Headings are searched in
the squeezed text of the stage `linear`, so a heading spaced out or wrapped is still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nianbao.formats import sections as section_specs
from nianbao.formats.text import squeeze
from nianbao.read.linear import CELL, ROW, Linear
from nianbao.report import Section

# A numbering just before a heading (searched backwards from the heading, in the squeezed text).
_NUMBERING = re.compile(
    r"(?:(?:[一二三四五六七八九十]{1,2}|[1-9])[、.,]|\([一二三四五六七八九十1-9]{1,2}\)"
    r"|第[一二三四五六]部分:?)$"
)
_LEAD = " \t#*>"
_DATED = re.compile(r"\(?\d{4}年\d{1,2}月\d{1,2}日\)?")
_SIGNATURE_DATE = re.compile(
    r"\(?(?:\d{4}|[二〇零○一九]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日\)?"
)
_SENTENCE = re.compile(r"[。，,；;：:！!？?]")


@dataclass(frozen=True)
class _Hit:
    number: int
    start: int  # raw offsets
    head_end: int
    numbering: str
    heading: str


@cache
def _patterns() -> tuple[tuple[int, re.Pattern[str]], ...]:
    out = []
    for spec in section_specs():
        alts = sorted({squeeze(h) for h in (spec.heading, *spec.variants)}, key=len, reverse=True)
        out.append((spec.number, re.compile("|".join(map(re.escape, alts)))))
    return tuple(out)


def _line_lead(raw: str, index: int) -> int:
    """`index` moved back over the markup (`## `, `**`) between a line start and a heading there."""
    i = index
    while i > 0 and raw[i - 1] in _LEAD:
        i -= 1
    return i if i == 0 or raw[i - 1] in ("\n", CELL, ROW) else index


def _at_line_start(raw: str, index: int) -> bool:
    i = index - 1
    while i >= 0 and raw[i] in _LEAD:
        i -= 1
    return i < 0 or raw[i] in ("\n", CELL, ROW)


#: A table row: its first CELL up to its ROW. One quantifier only (`[^ROW]` matches CELL too): the nested form
#: `(?:CELL[^ROW]*)+ROW` matches the same rows but backtracks exponentially over a row that has no ROW.
_TABLE_ROW = re.compile(f"{CELL}[^{ROW}]*{ROW}")


def _plain(text: str) -> str:
    return text.replace(CELL, "\t").replace(ROW, "\n").strip()


def _narrative(text: str) -> str:
    """The text without its table rows, lines kept."""
    return "\n".join(line.strip() for line in _TABLE_ROW.sub("", text).split("\n") if line.strip())


def find_sections(lin: Linear, title: str | None = None, agency: str | None = None) -> tuple[list[Section], str]:
    """The sections of a document in printed order, and its preamble (the text before them).

    The preamble leaves out the title, the agency and a date printed under the title.
    """
    raw = lin.raw
    hits: list[_Hit] = []
    for number, pattern in _patterns():
        for m in pattern.finditer(lin.search):
            num = _NUMBERING.search(lin.search, max(0, m.start() - 6), m.start())
            numbered = num is not None
            start = lin.raw_start(num.start() if num else m.start())
            if not (numbered or _at_line_start(raw, start)):
                continue
            head_start = lin.raw_start(m.start())
            head_end = lin.raw_end(m.end())
            numbering = raw[start:head_start].strip() if numbered else ""
            hits.append(_Hit(number, _line_lead(raw, start), head_end, numbering, raw[head_start:head_end]))
    hits.sort(key=lambda h: h.start)
    chosen: list[_Hit] = []
    for hit in hits:  # the first heading of each section, in the order printed (which may be wrong)
        if any(h.number == hit.number for h in chosen) or (chosen and hit.start < chosen[-1].head_end):
            continue
        chosen.append(hit)
    out: list[Section] = []
    for i, hit in enumerate(chosen):
        last = i + 1 == len(chosen)
        end = len(raw) if last else chosen[i + 1].start
        body = raw[hit.head_end : end]
        narrative = _without_signature(_narrative(body), agency) if last else _narrative(body)
        out.append(
            Section(
                hit.number,
                hit.numbering,
                " ".join(_plain(hit.heading).split()),
                _plain(body),
                lin.locate(hit.start, hit.head_end),
                narrative,
            )
        )
    preamble = _preamble(raw[: chosen[0].start], title, agency) if chosen else ""
    return out, preamble


def _without_signature(narrative: str, agency: str | None) -> str:
    """The last section's narrative without the signature closing the report: the agency's name and
    the date, each on a line of its own (the agency may sign with a longer name)."""
    lines = narrative.split("\n")
    name = squeeze(agency or "")
    while lines:
        s = squeeze(lines[-1])
        signed = bool(name) and s.endswith(name) and len(s) <= len(name) + 12 and not _SENTENCE.search(s)
        if not (signed or _SIGNATURE_DATE.fullmatch(s)):
            break
        lines.pop()
    return "\n".join(lines)


def _preamble(text: str, title: str | None, agency: str | None) -> str:
    skip = [squeeze(x) for x in (title or "", agency or "") if x]
    lines = []
    for line in _narrative(text).split("\n"):
        s = squeeze(line).strip("()（）#*")
        if s and not any(s in k for k in skip) and not _DATED.fullmatch(s):
            lines.append(line)
    return "\n".join(lines)
