"""The report page's form: every field of the draft, read leniently so nothing typed is lost.

Fields: ``version``, ``title``, ``preamble``, ``date`` (YYYY-MM-DD), ``section-1`` … ``section-6`` and
``cell.<key>`` for each table-二 cell. A figure or date that does not parse is left out of the changes
and reported in `problems` (the live audit shows them, a save refuses them), and the typed text is
kept in `typed` so the page can show it again as it was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from nianbao.authoring.from_ledger import SECTION_NUMBERS, DraftError, parse_figure, printable, table_two_keys
from nianbao.authoring.load import as_date
from nianbao.formats import Format
from nianbao.web.report.service import MAX_PREAMBLE, MAX_SECTION, MAX_TITLE, Changes

CELL_PREFIX = "cell."


@dataclass
class FormInput:
    changes: Changes
    version: int | None
    typed: dict[str, str] = field(default_factory=dict)  # table-二 text as typed, by key
    typed_date: str = ""
    problems: list[str] = field(default_factory=list)


def _str(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return printable(value) if isinstance(value, str) else None


def read_form(form: FormData, fmt: Format) -> FormInput:
    """The changes the form asks for (see the module doc)."""
    raw_version = (_str(form, "version") or "").strip()
    version = int(raw_version) if raw_version.isdigit() and len(raw_version) < 10 else None
    problems: list[str] = []

    def clipped(name: str, limit: int, what: str) -> str | None:
        text = _str(form, name)
        if text is not None and len(text) > limit:
            problems.append(f"{what}过长：{len(text)} 字，最多 {limit} 字")
            return text[:limit]
        return text

    texts: dict[int, str] = {}
    for number in SECTION_NUMBERS:
        text = clipped(f"section-{number}", MAX_SECTION, f"第{number}部分")
        if text is not None:
            texts[number] = text
    out = FormInput(
        Changes(
            title=clipped("title", MAX_TITLE, "标题"),
            preamble=clipped("preamble", MAX_PREAMBLE, "导语"),
            sections=texts,
        ),
        version,
        problems=problems,
    )
    cells: dict[str, object] = {}
    for key in table_two_keys(fmt):
        raw = _str(form, CELL_PREFIX + key)
        if raw is None:
            continue
        out.typed[key] = raw[:40]
        try:
            cells[key] = parse_figure(fmt, key, raw)
        except DraftError as exc:
            out.problems.append(str(exc))
    out.changes.cells = cells
    date = _str(form, "date")
    if date is not None:
        out.typed_date = date[:20]
        try:
            out.changes.date, out.changes.set_date = as_date(date), True
        except ValueError:
            out.problems.append(f"落款日期不是有效的日期：{date[:20]!r}（例如 2026-01-20）")
    return out


def save_problems(given: FormInput) -> list[str]:
    """What stops a save: unreadable fields, or a form without the version it was made from."""
    missing = [] if given.version is not None else ["表单缺少草稿版本号，请刷新页面后重试"]
    return given.problems + missing
