"""The narrative half of `nianbao diff`: each section's paragraphs of two years matched up, and the copied text.

A section's text is cut into paragraphs (`paragraphs`), and this year's paragraphs are matched with last
year's in the same section:

- *kept*: identical once white space is dropped and full-width letters, digits and punctuation are written
  half-width (`formats.text.squeeze`): a PDF and its text extraction of one paragraph are the same paragraph;
- *changed*: not identical but similar, `difflib.SequenceMatcher(...).ratio() ≥ SIMILAR` (0.6) on those same
  squeezed texts, the most similar pairs matched first. The ratio is 2·M/T, M the characters of both texts
  that line up in order and T their total length: characters are the unit because Chinese has no spaces
  between words, and a paragraph whose numbers were updated or which gained a clause keeps most of its
  characters in order (well above 0.6), while two different paragraphs on one topic share characters but
  not in long ordered runs (well below). `autojunk` is off: on texts over 200 characters it would ignore
  every character more frequent than 1 % (的, 、, 政, 府), which in Chinese is most of the text;
- *added* and *dropped*: the paragraphs left over on either side.

Sections 一, 五 and 六 are compared in the text the copied-text rule Y703 measures (`cross_year.narrative`);
sections 二–四 are mostly tables, so only their sentences (paragraphs with 。！？, which no printed table
label has) are compared. The copied share is Y703's own measure (`cross_year.similarity`: the share of this
year's 8-character shingles found in last year's narrative), and the passages it counts as copied are marked
sentence by sentence: a sentence of sections 一, 五 or 六 is *copied* when at least `COPIED_SENTENCE` of its
shingles (cut by `cross_year.shingles`, years and numbers ignored, standard wording left out) are in last
year's narrative.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from nianbao.audit.rules.cross_year import narrative, shingles, similarity
from nianbao.audit.rules.text_figures import NARRATIVE_SECTIONS
from nianbao.formats import sections
from nianbao.formats.text import squeeze
from nianbao.report import Report

SIMILAR = 0.6  # SequenceMatcher ratio from which two paragraphs are one paragraph changed
COPIED_SENTENCE = 0.5  # share of a sentence's shingles found last year from which it is marked copied
HEADING_MAX = 20  # a line this short with no comma or full stop is a heading: it ends its paragraph

Span = tuple[int, int]  # [start, end) character offsets in a paragraph's text

_NUMERALS = "一二三四五六七八九十"
_ENUMERATED = re.compile(rf"^(?:[（(][{_NUMERALS}\d]+[）)]|[{_NUMERALS}]+、|\d+[、．.](?!\d))")
_LINE_END = tuple("。！？!?；;：:")
_SENTENCE_MARK = re.compile(r"[。！？!?]")
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")
_SPACE = re.compile(r"\s+")
_INDENT = re.compile(r"(?: {2,}|\u3000)")  # a paragraph's first line in a layout text (a tab is not: PDF pages)


class ParagraphKind(StrEnum):
    KEPT = "kept"
    CHANGED = "changed"
    ADDED = "added"
    DROPPED = "dropped"

    @property
    def chinese(self) -> str:
        return {"kept": "未改", "changed": "修改", "added": "新增", "dropped": "删除"}[self.value]


@dataclass(frozen=True)
class ParagraphDiff:
    """One paragraph of either year, or of both: `old` None when added, `new` None when dropped.

    `ratio`: the similarity of a kept (1.0) or changed pair; `removed`/`inserted`: the characters of `old`
    that are not in `new` and those of `new` not in `old` (changed pairs); `copied`: the sentences of `new`
    counted as copied from last year's narrative (sections 一, 五, 六).
    """

    kind: ParagraphKind
    old: str | None
    new: str | None
    ratio: float | None = None
    removed: tuple[Span, ...] = ()
    inserted: tuple[Span, ...] = ()
    copied: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "old": self.old,
            "new": self.new,
            "ratio": self.ratio,
            "removed": [list(s) for s in self.removed],
            "inserted": [list(s) for s in self.inserted],
            "copied": [list(s) for s in self.copied],
        }


@dataclass(frozen=True)
class SectionDiff:
    """Section `number` (1–6) of both years, paragraph by paragraph, in this year's order."""

    number: int
    heading: str  # the official heading
    paragraphs: tuple[ParagraphDiff, ...]
    copied_share: float | None = None  # Y703's share for this section (一, 五, 六), when it measured one

    def count(self, kind: ParagraphKind) -> int:
        return sum(1 for p in self.paragraphs if p.kind is kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "heading": self.heading,
            **{k.value: self.count(k) for k in ParagraphKind},
            "copied_share": self.copied_share,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


@dataclass(frozen=True)
class CopiedText:
    """Y703's measure: `share` of this year's `shingles` (8-character pieces) found in last year's narrative."""

    share: float
    shingles: int
    by_section: dict[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "shingles": self.shingles,
            "by_section": {str(k): v for k, v in self.by_section.items()},
        }


# ---------------------------------------------------------------------------------------------------
# paragraphs


def tidy(text: str) -> str:
    """White space dropped, except one space between two ASCII letters or digits (``PDF 文件`` → ``PDF文件``)."""

    def space(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        return " " if (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()) else ""

    return _SPACE.sub(space, text).strip()


def _ends_paragraph(line: str) -> bool:
    return line.endswith(_LINE_END) or (len(line) <= HEADING_MAX and not re.search(r"[，,。]", line))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of `text`, its wrapped lines joined (`tidy`).

    A line break ends a paragraph after a blank line, after a line ending with 。！？；： (full or half
    width), after a heading (a line of at most `HEADING_MAX` characters with no comma or full stop), before
    an enumerated item ((一), (1), 一、, 1.) and before an indented line (two spaces or an ideographic space) that
    follows a line not indented, as a layout text (pdftotext) indents a paragraph's first line (a tab does
    not count: the PDF reader starts every line of some pages with one);
    any other line break is a line wrapped by the layout. A form feed (a page break) is no line break.
    """
    out: list[str] = []
    current: list[str] = []
    indented = False  # the line before was indented
    for raw in text.replace("\r\n", "\n").split("\n"):  # not splitlines: a page's form feed is no line break
        line = raw.strip()
        starts = _INDENT.match(raw.lstrip("\f")) is not None
        if current and (
            not line or _ENUMERATED.match(line) or _ends_paragraph(current[-1]) or (starts and not indented)
        ):
            out.append(tidy("\n".join(current)))
            current = []
        if line:
            current.append(line)
        indented = starts
    if current:
        out.append(tidy("\n".join(current)))
    return [p for p in out if p]


def section_paragraphs(report: Report, number: int) -> list[str]:
    """The paragraphs of section `number` compared: the text Y703 reads for 一, 五 and 六; the sentences of
    the other sections' narrative (their tables' rows and labels left out)."""
    if number in NARRATIVE_SECTIONS:
        return paragraphs(narrative(report).get(number, ""))
    section = report.section(number)
    if section is None:
        return []
    return [p for p in paragraphs(section.narrative) if _SENTENCE_MARK.search(p)]


# ---------------------------------------------------------------------------------------------------
# matching


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def char_changes(old: str, new: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The spans of `old` not in `new` and the spans of `new` not in `old` (difflib, character by character)."""
    removed: list[Span] = []
    inserted: list[Span] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed.append((i1, i2))
        if tag in ("replace", "insert"):
            inserted.append((j1, j2))
    return tuple(removed), tuple(inserted)


def copied_spans(text: str, before: set[str]) -> tuple[Span, ...]:
    """The sentences of `text` at least `COPIED_SENTENCE` of whose shingles are in `before`, adjacent ones merged."""
    spans: list[Span] = []
    for m in _SENTENCE.finditer(text):
        pieces = shingles(m.group())
        if pieces and len(pieces & before) / len(pieces) >= COPIED_SENTENCE:
            if spans and spans[-1][1] == m.start():
                spans[-1] = (spans[-1][0], m.end())
            else:
                spans.append((m.start(), m.end()))
    return tuple(spans)


def match_paragraphs(old: list[str], new: list[str], before: set[str] | None = None) -> list[ParagraphDiff]:
    """`new` matched with `old` (kept, then changed by falling similarity), in `new`'s order; each dropped
    paragraph placed before the first paragraph matched with a later one of `old`. `before`: last year's
    shingles, to mark the copied sentences of `new` (None: none marked)."""
    old_keys, new_keys = [squeeze(p) for p in old], [squeeze(p) for p in new]
    matched: dict[int, tuple[int, float]] = {}  # new index -> (old index, ratio)
    free: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(old_keys):
        free[key].append(j)
    for i, key in enumerate(new_keys):
        if free[key]:
            matched[i] = (free[key].pop(0), 1.0)
    taken = {j for j, _ in matched.values()}
    candidates = sorted(
        (-ratio, i, j)
        for i in range(len(new))
        if i not in matched
        for j in range(len(old))
        if j not in taken and (ratio := _ratio(old_keys[j], new_keys[i])) >= SIMILAR
    )
    for negative, i, j in candidates:
        if i not in matched and j not in taken:
            matched[i] = (j, -negative)
            taken.add(j)
    out: list[ParagraphDiff] = []
    dropped = [j for j in range(len(old)) if j not in taken]

    def drop_until(limit: int) -> None:
        while dropped and dropped[0] < limit:
            j = dropped.pop(0)
            out.append(ParagraphDiff(ParagraphKind.DROPPED, old[j], None))

    for i, text in enumerate(new):
        copied = copied_spans(text, before) if before is not None else ()
        if i not in matched:
            out.append(ParagraphDiff(ParagraphKind.ADDED, None, text, copied=copied))
            continue
        j, ratio = matched[i]
        drop_until(j)
        if old_keys[j] == new_keys[i]:
            out.append(ParagraphDiff(ParagraphKind.KEPT, old[j], text, 1.0, copied=copied))
        else:
            removed, inserted = char_changes(old[j], text)
            out.append(ParagraphDiff(ParagraphKind.CHANGED, old[j], text, ratio, removed, inserted, copied))
    drop_until(len(old))
    return out


def compare_narratives(old: Report, new: Report) -> tuple[list[SectionDiff], CopiedText | None]:
    """Sections 1–6 of both reports paragraph by paragraph, and Y703's copied share (None: too little text)."""
    measured = similarity(new, old)
    copied = CopiedText(*measured) if measured is not None else None
    before: set[str] = set().union(*(shingles(t) for t in narrative(old).values()))
    headings = {s.number: s.heading for s in sections()}
    out: list[SectionDiff] = []
    for number in range(1, 7):
        marked = before if number in NARRATIVE_SECTIONS else None
        diffs = match_paragraphs(section_paragraphs(old, number), section_paragraphs(new, number), marked)
        share = copied.by_section.get(number) if copied is not None else None
        out.append(SectionDiff(number, headings.get(number, ""), tuple(diffs), share))
    return out, copied
