"""The draft of an agency's annual report: what the clerk writes, kept in the `Draft` row.

The tables 三 and 四 are never stored: they are computed from the ledger each time
(`nianbao.web.report.build`). What the ledger cannot know is stored here: the title, the preamble,
the six sections' text, the signature date and the figures of table 二 (主动公开), which no case
records. The `Draft.sections` column is a JSON object; besides the sections ``"1"`` … ``"6"`` it
holds ``"cells"`` (table 二, key → the number as text, so that money keeps its decimals exactly) and
``"date"`` (ISO) — both belong to the draft and the schema has no column of their own for them.

Saving is optimistic: the caller passes the version the person saw (0 for a draft not yet made);
another version raises `StaleDraft` (409), and so does a concurrent save SQLAlchemy's version counter
or the unique (agency, year) constraint catches. Bad input raises `DraftError` (422) naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nianbao.authoring.load import parse_number
from nianbao.formats import Format, format_for_year, get_format, sections
from nianbao.report import Number
from nianbao.store.models import Agency, Appeal, Application, Draft

MIN_YEAR = 2019  # the first year of the official formats nianbao knows
MAX_TITLE = 200
MAX_PREAMBLE = 20_000
MAX_SECTION = 100_000
MAX_DECIMALS = 4
MAX_FIGURE = Decimal(999_999_999)  # a figure wider than this is a typing slip, and breaks the printed table
SECTION_NUMBERS: tuple[int, ...] = tuple(s.number for s in sections())
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates (not UTF-8)


def printable(text: str) -> str:
    """`text` as it can be written out (UTF-8): a lone surrogate sent in JSON becomes U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8")


class DraftError(ValueError):
    """Input the draft cannot take, with a Chinese message naming the field (HTTP 422)."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


class StaleDraft(DraftError):
    """The draft was changed by someone else since it was read (HTTP 409)."""


@dataclass
class DraftData:
    """A draft as the page and the API see it; `version` 0: not saved yet."""

    title: str = ""
    preamble: str = ""
    sections: dict[int, str] = field(default_factory=dict)
    cells: dict[str, Number | None] = field(default_factory=dict)
    date: dt.date | None = None
    version: int = 0
    updated_at: dt.datetime | None = None


@dataclass
class Changes:
    """What a save changes; None: left as it is. `sections` and `cells` change only the entries given."""

    title: str | None = None
    preamble: str | None = None
    sections: dict[int, str] | None = None
    cells: dict[str, object] | None = None  # raw figures, parsed by `apply`
    date: dt.date | None = None
    set_date: bool = False  # `date` given (None then clears it)


def format_of(year: int) -> Format:
    return get_format(format_for_year(year))


def check_year(year: int, today: dt.date) -> None:
    if not MIN_YEAR <= year <= today.year:
        raise DraftError(f"年度应在 {MIN_YEAR} 至 {today.year} 之间：{year}")


def table_two_keys(fmt: Format) -> tuple[str, ...]:
    """The cells of table 二 in printed order: what the clerk fills in (the ledger fills 三 and 四)."""
    return tuple(k for row in fmt.rows_of("二") for k in row.cells)


def cell_label(fmt: Format, key: str) -> str:
    spec = fmt.cell(key)
    return f"{spec.table} · {spec.row_label} · {spec.column_label}"


def clean_text(text: str) -> str:
    """The text without control characters (PostgreSQL refuses NUL; none belongs in a report)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_figure(fmt: Format, key: str, raw: object) -> Number | None:
    """One table-二 figure as typed: None when empty; DraftError naming the cell when not a number."""
    if key not in table_two_keys(fmt):
        raise DraftError(f"“{key}”不是 {fmt.name} 年格式表二的单元格，只能填写表二（主动公开）的数字")
    label = cell_label(fmt, key)
    try:
        value = parse_number(raw, fmt, key, "表二", f"“{label}”")
    except ValueError as exc:
        raise DraftError(str(exc)) from None
    if value is not None and abs(Decimal(value)) > MAX_FIGURE:
        raise DraftError(f"表二：“{label}”（{key}）数值过大：{raw!r}")
    if isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
            raise DraftError(f"表二：“{label}”（{key}）最多保留 {MAX_DECIMALS} 位小数：{raw!r}")
    return value


def _stored_cells(fmt: Format, raw: object) -> dict[str, Number | None]:
    out: dict[str, Number | None] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            try:
                out[str(key)] = parse_figure(fmt, str(key), value)
            except DraftError:
                continue  # a figure of another format (a year re-formatted) is dropped, not fatal
    return out


def _as_text(value: Number | None) -> str | None:
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def find_draft(session: Session, agency_id: int, year: int) -> Draft | None:
    return session.scalar(select(Draft).where(Draft.agency_id == agency_id, Draft.year == year))


def draft_data(draft: Draft | None, year: int) -> DraftData:
    """The draft's content (an empty one when there is no row); a damaged JSON column reads as empty."""
    if draft is None:
        return DraftData()
    try:
        raw = json.loads(draft.sections or "{}")
    except ValueError:
        raw = {}
    if not isinstance(raw, dict):
        raw = {}
    texts = {n: str(raw.get(str(n)) or "") for n in SECTION_NUMBERS}
    date = None
    if isinstance(raw.get("date"), str):
        try:
            date = dt.date.fromisoformat(raw["date"])
        except ValueError:
            date = None
    return DraftData(draft.title, draft.preamble, texts, _stored_cells(format_of(year), raw.get("cells")), date,
                     draft.version, draft.updated_at)


def read_draft(session: Session, agency_id: int, year: int) -> DraftData:
    return draft_data(find_draft(session, agency_id, year), year)


def _text(value: str, limit: int, what: str) -> str:
    value = clean_text(value)
    if len(value) > limit:
        raise DraftError(f"{what}过长：{len(value)} 字，最多 {limit} 字")
    return value


def apply(data: DraftData, changes: Changes, year: int) -> DraftData:
    """`data` with `changes` applied (validated); `data` itself is not changed."""
    fmt = format_of(year)
    out = DraftData(data.title, data.preamble, dict(data.sections), dict(data.cells), data.date, data.version,
                    data.updated_at)
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
    return (f"该报告已被他人修改（现为第 {current} 版），您的修改未保存。"
            "请刷新页面查看最新内容后再修改")


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

def has_material(session: Session, agency_id: int, year: int) -> bool:
    """Whether the agency has a draft, or cases or appeals touching `year` (then a report of it can be made)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if find_draft(session, agency_id, year) is not None:
        return True
    a, p = Application, Appeal
    case = session.scalar(select(a.id).where(a.agency_id == agency_id, a.received <= last,
                                             or_(a.closed.is_(None), a.closed >= first)).limit(1))
    if case is not None:
        return True
    return session.scalar(select(p.id).where(p.agency_id == agency_id, p.filed <= last,
                                             or_(p.decided.is_(None), p.decided >= first)).limit(1)) is not None


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
    rows = session.execute(select(Draft, Agency.name).join(Agency, Agency.id == Draft.agency_id)
                           .where(Draft.agency_id.in_(agency_ids))
                           .order_by(Draft.updated_at.desc(), Draft.id.desc()).limit(limit))
    return [(d, name) for d, name in rows.tuples()]
