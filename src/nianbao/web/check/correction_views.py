"""What the check page shows of officers' corrections (issue #18): the corrected cells marked in the official
tables, the form to correct a cell, the record of corrections, and the publication date with its source.

The official tables come from `nianbao.render` (which knows nothing of corrections): the corrected cells are
marked afterwards, on the cell's own ``<td id="{prefix}-c-{key}">``, with the class ``corrected``, a tooltip
(人工更正, the printed value, who, when, why) and the printed value after the new one. Every text put in is
escaped here.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from nianbao.formats import get_format, sections
from nianbao.formats.grid import tables
from nianbao.report import Report
from nianbao.store.models import StoredReport
from nianbao.web.check.correct import may_correct
from nianbao.web.check.corrections import (
    MANUAL,
    PUBLISHED,
    Entry,
    Publication,
    Value,
    display,
    in_effect,
    label_of,
    newest,
    publication,
    raw_value,
    when,
)
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.deadlines import load_deadlines

__all__ = ["CorrectionsView", "corrections_view", "mark_corrected"]

_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    printed: str  # the value as read ("" blank, "（未读到）")


@dataclass(frozen=True)
class Group:
    caption: str
    options: list[Option]


@dataclass(frozen=True)
class Row:
    """One correction of the record, as the page lists it."""

    entry: Entry
    label: str
    printed: str
    value: str
    undo: bool  # the field's correction in effect: offer to go back to the printed value
    undo_value: str  # what the undo form posts (the printed value)


@dataclass
class CorrectionsView:
    """Everything the page draws of the corrections."""

    may_correct: bool
    seen: int  # the newest correction id when the page was drawn (the forms' `base`)
    groups: list[Group] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    publication: Publication | None = None
    deadline: dt.date | None = None
    on_time: bool | None = None
    printed_date: dt.date | None = None

    @property
    def published_note(self) -> str:
        """The source of the date, in brackets: （报告所印）, （人工录入，who，原因：why）."""
        pub = self.publication
        if pub is None or (pub.source == "unknown" and pub.entry is None):
            return ""
        if pub.source == "printed" or pub.entry is None:
            return "（报告所印）"
        return f"（{pub.label if pub.date else MANUAL}，{pub.entry.user_name}，原因：{pub.entry.reason}）"


def _shown(report: Report, key: str, value: Value) -> str:
    if value is None:
        return "未识别" if key == PUBLISHED else "空白"
    return display(value)


def _printed_text(report: Report, key: str) -> str:
    cell = report.cells.get(key)
    if cell is None:
        return "（未读到）"
    return cell.printed if cell.printed.strip() else "空白"


def _groups(report: Report) -> list[Group]:
    if report.format is None:
        return []
    fmt = get_format(report.format)
    headings = {s.number: s.heading for s in sections()}
    out: list[Group] = []
    for grid in tables(fmt, lambda _key: ""):
        number = _NUMERALS.index(grid.name) + 1
        keys = [c.key for c in sorted(grid.cells, key=lambda c: (c.row, c.col)) if c.key is not None]
        options = [Option(k, label_of(report, k), _printed_text(report, k)) for k in keys]
        out.append(Group(f"{grid.name}、{headings.get(number, '')}", options))
    return out


def corrections_view(
    session: Session, viewer: Viewer, stored: StoredReport, raw: Report | None, entries: list[Entry]
) -> CorrectionsView:
    """The corrections part of the report page; `raw` is the report as read (None: unreadable file)."""
    view = CorrectionsView(
        may_correct=raw is not None and may_correct(viewer, stored),
        seen=max((e.id for e in entries), default=0),
        printed_date=stored.published,
    )
    last = newest(entries)
    view.publication = publication(stored.published, last.get(PUBLISHED))
    if stored.agency is not None and stored.year is not None:
        view.deadline = load_deadlines(session).due(stored.agency.level, stored.year)
        view.on_time = view.publication.on_time(view.deadline)
    if raw is None:
        return view
    view.groups = _groups(raw)
    active = in_effect(raw, entries)
    for entry in reversed(entries):  # newest first
        printed = raw_value(raw, entry.field)
        undo = active.get(entry.field) is entry
        view.rows.append(
            Row(
                entry,
                label_of(raw, entry.field),
                _shown(raw, entry.field, entry.printed),
                _shown(raw, entry.field, entry.value),
                undo,
                display(printed),
            )
        )
    return view


# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------


def _tooltip(raw: Report, key: str, entry: Entry) -> str:
    return (
        f"{MANUAL}：原印为“{_printed_text(raw, key)}”，改为 {_shown(raw, key, entry.value)}；"
        f"{entry.user_name}，{when(entry.at)}；原因：{entry.reason}"
    )


def mark_corrected(tables_html: str, raw: Report, active: Mapping[str, Entry], prefix: str) -> str:
    """The official tables' HTML with each corrected cell marked (class ``corrected``, the tooltip first, the
    printed value after the new one)."""
    for key, entry in active.items():
        if key == PUBLISHED:
            continue
        cell_id = html.escape(f"{prefix}-c-{key}", quote=True)
        pattern = re.compile(rf'<td(?P<attrs>[^>]*\bid="{re.escape(cell_id)}"[^>]*)>(?P<body>.*?)</td>', re.S)
        found = pattern.search(tables_html)
        if found is None:
            continue
        attrs = found.group("attrs")
        tip = html.escape(_tooltip(raw, key, entry), quote=True)
        if ' class="' in attrs:
            attrs = attrs.replace(' class="', ' class="corrected ', 1)
        else:
            attrs += ' class="corrected"'
        if ' title="' in attrs:
            attrs = attrs.replace(' title="', f' title="{tip}&#10;', 1)
        else:
            attrs += f' title="{tip}"'
        was = f'<span class="was">{html.escape(f"原印 {_printed_text(raw, key)}")}</span>'
        body = found.group("body")
        at = body.find("<")  # after the value, before the marks of the findings (expected value, rule codes)
        body = body + was if at < 0 else body[:at] + was + body[at:]
        tables_html = tables_html[: found.start()] + f"<td{attrs}>{body}</td>" + tables_html[found.end() :]
    return tables_html
