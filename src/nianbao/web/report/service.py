"""Changing the draft of an agency's annual report: what the clerk writes, kept in the `Draft` row.

The tables 三 and 四 are never stored: they are computed from the ledger each time
(`nianbao.authoring.from_ledger`, which also reads a draft: `DraftData`, `read_draft`, and says what
the JSON column holds). Here are the changes a person makes, checked and saved, and the years and
drafts the report pages list.

Saving is optimistic: the caller passes the version the person saw (0 for a draft not yet made);
another version raises `StaleDraft` (409), and so does a concurrent save SQLAlchemy's version counter
or the unique (agency, year) constraint catches. Bad input raises `DraftError` (422) naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nianbao.authoring.from_ledger import (
    MIN_YEAR,
    SECTION_NUMBERS,
    DraftData,
    DraftError,
    draft_data,
    find_draft,
    format_of,
    parse_figure,
)
from nianbao.report import Number
from nianbao.store.models import Agency, Appeal, Application, Draft

MAX_TITLE = 200
MAX_PREAMBLE = 20_000
MAX_SECTION = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates (not UTF-8)


class StaleDraft(DraftError):
    """The draft was changed by someone else since it was read (HTTP 409)."""


@dataclass
class Changes:
    """What a save changes; None: left as it is. `sections` and `cells` change only the entries given."""

    title: str | None = None
    preamble: str | None = None
    sections: dict[int, str] | None = None
    cells: dict[str, object] | None = None  # raw figures, parsed by `apply`
    date: dt.date | None = None
    set_date: bool = False  # `date` given (None then clears it)


def check_year(year: int, today: dt.date) -> None:
    if not MIN_YEAR <= year <= today.year:
        raise DraftError(f"年度应在 {MIN_YEAR} 至 {today.year} 之间：{year}")


def clean_text(text: str) -> str:
    """The text without control characters (PostgreSQL refuses NUL; none belongs in a report)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _as_text(value: Number | None) -> str | None:
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _text(value: str, limit: int, what: str) -> str:
    value = clean_text(value)
    if len(value) > limit:
        raise DraftError(f"{what}过长：{len(value)} 字，最多 {limit} 字")
    return value


def apply(data: DraftData, changes: Changes, year: int) -> DraftData:
    """`data` with `changes` applied (validated); `data` itself is not changed."""
    fmt = format_of(year)
    out = DraftData(
        data.title, data.preamble, dict(data.sections), dict(data.cells), data.date, data.version, data.updated_at
    )
    if changes.title is not None:
        out.title = _text(changes.title, MAX_TITLE, "标题").strip()
    if changes.preamble is not None:
        out.preamble = _text(changes.preamble, MAX_PREAMBLE, "导语").strip()
    for number, text in (changes.sections or {}).items():
        if number not in SECTION_NUMBERS:
            raise DraftError(f"“{number}”不是报告的部分（应为 1 至 {len(SECTION_NUMBERS)}）")
        out.sections[number] = _text(text, MAX_SECTION, f"第{number}部分").strip()
    for key, value in (changes.cells or {}).items():
        out.cells[key] = parse_figure(fmt, key, value)
    if changes.set_date:
        out.date = changes.date
    return out


def _payload(data: DraftData) -> str:
    body: dict[str, object] = {str(n): data.sections.get(n, "") for n in SECTION_NUMBERS}
    body["cells"] = {k: _as_text(v) for k, v in data.cells.items() if v is not None}
    if data.date is not None:
        body["date"] = data.date.isoformat()
    return json.dumps(body, ensure_ascii=False)


def stale_message(current: int) -> str:
    return f"该报告已被他人修改（现为第 {current} 版），您的修改未保存。请刷新页面查看最新内容后再修改"


def save(session: Session, agency: Agency, year: int, changes: Changes, expected_version: int) -> DraftData:
    """Apply `changes` to the draft of `agency` for `year`, if it is still at `expected_version`."""
    draft = find_draft(session, agency.id, year)
    current = draft.version if draft is not None else 0
    if expected_version != current:
        raise StaleDraft(stale_message(current))
    data = apply(draft_data(draft, year), changes, year)
    now = dt.datetime.now(dt.UTC)
    if draft is None:
        draft = Draft(agency_id=agency.id, year=year)
        session.add(draft)
    draft.title, draft.preamble, draft.sections, draft.updated_at = data.title, data.preamble, _payload(data), now
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise StaleDraft(stale_message(current + 1)) from None
    data.version, data.updated_at = draft.version, now
    return data


# ---------------------------------------------------------------------------------------------
# What exists for a year: drafts and cases
# ---------------------------------------------------------------------------------------------


def default_year(today: dt.date) -> int:
    """Last year: in January a clerk writes the report of the year just ended."""
    return max(MIN_YEAR, today.year - 1)


def years_with_material(session: Session, agency_ids: list[int], today: dt.date) -> list[int]:
    """The years from the first case or draft of these agencies to this year, newest first (at least last year)."""
    first = default_year(today)
    if agency_ids:
        received = session.scalar(select(func.min(Application.received)).where(Application.agency_id.in_(agency_ids)))
        filed = session.scalar(select(func.min(Appeal.filed)).where(Appeal.agency_id.in_(agency_ids)))
        drafted = session.scalar(select(func.min(Draft.year)).where(Draft.agency_id.in_(agency_ids)))
        for found in (received, filed):
            if isinstance(found, dt.date):
                first = min(first, found.year)
        if isinstance(drafted, int):
            first = min(first, drafted)
    return list(range(today.year, max(MIN_YEAR, first) - 1, -1))


def recent_drafts(session: Session, agency_ids: list[int], limit: int = 20) -> list[tuple[Draft, str]]:
    """The latest drafts of these agencies with the agency's name, newest first."""
    if not agency_ids:
        return []
    rows = session.execute(
        select(Draft, Agency.name)
        .join(Agency, Agency.id == Draft.agency_id)
        .where(Draft.agency_id.in_(agency_ids))
        .order_by(Draft.updated_at.desc(), Draft.id.desc())
        .limit(limit)
    )
    return [(d, name) for d, name in rows]
