"""Officers' corrections of values read from a stored report (issue #18): the read side.

A `Correction` row (migration 0007) changes one *field* of one stored report: a cell of its tables (the
field is the cell's cells.csv key) or its publication date (``meta.published``). Rows are append-only: the
newest row of a field wins, and a correction back to the value as read undoes the ones before it (the
history stays). `printed` keeps the value as read when the correction was made; `value` is the new one
(JSON: a number, a date's ISO text, or null for a blank cell or an unknown date).

Everywhere the web app uses a stored report's values — the check page and its downloads, the JSON API, the
year-over-year diff, the jurisdiction's roll-ups and trends, the audit whose counts are stored on the row —
it takes them from `corrected_report`, the parsed report with the corrections in effect applied, so a
misread fixed once is fixed everywhere. `publication` alone decides a report's effective publication date
and where it comes from (printed on the report, entered by an officer, or unknown); the status matrix,
which parses nothing, gets the date corrections of many reports at once with `published_entries`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from nianbao.formats import get_format
from nianbao.report import Cell, Number, Report
from nianbao.store.models import Correction, StoredReport, User
from nianbao.web.check.parsing import parsed_of

__all__ = [
    "MANUAL",
    "PUBLISHED",
    "Entry",
    "Publication",
    "Value",
    "apply",
    "corrected_report",
    "display",
    "dumps",
    "entries_of",
    "in_effect",
    "json_value",
    "label_of",
    "loads",
    "newest",
    "provenance",
    "publication",
    "publication_of",
    "published_entries",
    "raw_value",
    "when",
]

#: The field of a report's publication (落款) date.
PUBLISHED = "meta.published"
#: How a corrected value's provenance is named, on the page and in JSON.
MANUAL: Final = "人工更正"

#: A field's value: a cell's number, a date's ISO text, or None (a blank cell, an unknown date).
Value = Number | str | None


def dumps(value: Value) -> str:
    """`value` as the JSON text stored in `Correction.printed` / `.value` (decimals without float rounding)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return json.dumps(value, ensure_ascii=False)


def loads(text: str) -> Value:
    """The JSON text of `dumps` back to a value (a fraction as a Decimal, a whole number as an int)."""
    found = json.loads(text, parse_float=Decimal)
    if found is None or (isinstance(found, int | str | Decimal) and not isinstance(found, bool)):
        return found
    return None  # not written by this module: treated as blank


def display(value: Value) -> str:
    """A value as a person reads it: ``8``, ``1.5``, ``2025-01-20``; blank as ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def json_value(value: Value) -> int | float | str | None:
    """A value for a JSON answer: numbers as numbers (as `Report.to_exchange` writes the cells)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(frozen=True)
class Entry:
    """A correction as read back, with its author's name."""

    id: int
    report_id: int
    field: str
    printed: Value
    value: Value
    reason: str
    user_id: int | None
    user_name: str
    at: dt.datetime

    @property
    def date(self) -> dt.date | None:
        """The value as a date (a ``meta.published`` correction), else None."""
        return _date(self.value)


def _date(value: Value) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value  # SQLite: naive, stored in UTC


def when(at: dt.datetime) -> str:
    """A correction's time as the check page writes times (the server's local time, to the minute)."""
    return _aware(at).astimezone().strftime("%Y-%m-%d %H:%M")


def _entries(session: Session, *conditions: ColumnElement[bool]) -> list[Entry]:
    rows = session.execute(
        select(Correction, User.display_name, User.username)
        .outerjoin(User, User.id == Correction.user_id)
        .where(*conditions)
        .order_by(Correction.id)
    )
    return [
        Entry(
            c.id,
            c.report_id,
            c.field,
            loads(c.printed),
            loads(c.value),
            c.reason,
            c.user_id,
            (display_name or username or "（已删除的用户）") if c.user_id is not None else "（已删除的用户）",
            _aware(c.at),
        )
        for c, display_name, username in rows
    ]


def entries_of(session: Session, report_id: int) -> list[Entry]:
    """Every correction of the report, oldest first."""
    return _entries(session, Correction.report_id == report_id)


def newest(entries: Iterable[Entry]) -> dict[str, Entry]:
    """The newest correction of each field (the one that counts)."""
    found: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        found[entry.field] = entry
    return found


def label_of(report: Report, field: str) -> str:
    """A field as a person names it: the cell's printed row and column (``一、本年新收… · 自然人``), 发布日期."""
    if field == PUBLISHED:
        return "发布日期"
    spec = get_format(report.format).cells.get(field) if report.format is not None else None
    return " · ".join(t for t in (spec.row_label, spec.column_label) if t) if spec is not None else field


def raw_value(report: Report, field: str) -> Value:
    """The field's value as read from the file (no correction applied)."""
    if field == PUBLISHED:
        return report.date.isoformat() if report.date is not None else None
    cell = report.cells.get(field)
    return None if cell is None else cell.value


def in_effect(report: Report, entries: Iterable[Entry]) -> dict[str, Entry]:
    """The newest correction of each field whose value differs from the value as read: the fields a person
    changed (a field corrected back to its printed value is the report's own again)."""
    return {f: e for f, e in newest(entries).items() if e.value != raw_value(report, f)}  # 8 == Decimal("8")


def apply(report: Report, entries: Iterable[Entry]) -> Report:
    """`report` with the corrections in effect applied: a corrected cell carries the new value (printed as
    the value, its note naming the correction; its location kept), the date the entered one. The report
    given is not changed (it is the shared, cached parse); without corrections it is returned as it is."""
    changed = in_effect(report, entries)
    if not changed:
        return report
    cells = dict(report.cells)
    date = report.date
    for field, entry in changed.items():
        if field == PUBLISHED:
            date = entry.date
            continue
        before = report.cells.get(field)
        was = before.printed if before is not None else "（未读到）"
        value = entry.value if not isinstance(entry.value, str) else None
        cells[field] = Cell(
            field,
            value,
            display(value),
            before.location if before is not None else None,
            f"{MANUAL}：原印为“{was}”，{entry.user_name}，{entry.reason}",
        )
    return dataclasses.replace(report, cells=cells, date=date)


def corrected_report(session: Session, stored: StoredReport) -> Report:
    """The stored report as parsed, with its corrections applied: what every page and answer uses.
    UploadRefused when the file can no longer be read."""
    report = parsed_of(stored).report
    return apply(report, entries_of(session, stored.id))


# ---------------------------------------------------------------------------------------------
# The publication date
# ---------------------------------------------------------------------------------------------

Source = Literal["printed", "entered", "unknown"]
SOURCE_LABELS: dict[str, str] = {"printed": "报告所印", "entered": "人工录入", "unknown": "日期未识别"}


@dataclass(frozen=True)
class Publication:
    """A report's effective publication date and where it comes from; `entry` is the correction that decided
    it (None: the printed date, or none printed and none entered)."""

    date: dt.date | None
    source: Source
    entry: Entry | None = None

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self.source]

    def on_time(self, deadline: dt.date) -> bool | None:
        """Whether the report was published by `deadline`; None when its date is unknown (unknown is not late)."""
        return None if self.date is None else self.date <= deadline


def publication(printed: dt.date | None, entry: Entry | None) -> Publication:
    """The one rule for a report's publication date: the date an officer entered (the newest ``meta.published``
    correction, `entry`) when it differs from the printed one; else the printed date; else unknown."""
    if entry is not None and entry.value != (printed.isoformat() if printed is not None else None):
        entered = entry.date
        return Publication(entered, "entered" if entered is not None else "unknown", entry)
    if printed is not None:
        return Publication(printed, "printed")
    return Publication(None, "unknown")


def published_entries(session: Session, report_ids: Sequence[int]) -> dict[int, Entry]:
    """The newest ``meta.published`` correction of each of the reports that has one (one query)."""
    found: dict[int, Entry] = {}
    ids = sorted(set(report_ids))
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        for entry in _entries(session, Correction.report_id.in_(chunk), Correction.field == PUBLISHED):
            found[entry.report_id] = entry  # oldest first: the newest stays
    return found


def publication_of(session: Session, stored: StoredReport) -> Publication:
    """The stored report's publication date and its source (no file is read: the printed date is the row's)."""
    return publication(stored.published, published_entries(session, [stored.id]).get(stored.id))


def provenance(entries: Mapping[str, Entry]) -> dict[str, Entry]:
    """The cells among corrections in effect (the date aside)."""
    return {f: e for f, e in entries.items() if f != PUBLISHED}
