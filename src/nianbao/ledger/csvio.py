"""Import and export of the ledger exchange file (spec/ledger.md): CSV, or XLSX with the same columns.

Import is all or nothing: every row is checked first and each bad row is reported with its row number
(the header is row 1, as a spreadsheet shows it) and the reason; when any row is bad nothing is written.
The rows are then written in the caller's transaction, so a failure on row N (a constraint the
database enforces, a crash) leaves the ledger as it was once the transaction rolls back.

Besides the columns of the spec the importer knows `arrived`, `channel` and `contact` (written by
`export`); any other column is kept as a remark of the case (a JSON object) and exported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nianbao.ledger import cases, vocabulary
from nianbao.ledger.agencies import get_or_create_agency
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.store.models import Agency, Application, Event

SPEC_COLUMNS: tuple[str, ...] = ("reference", "received", "applicant_type", "applicant", "request", "closed", "outcome")
EXTRA_COLUMNS: tuple[str, ...] = ("arrived", "channel", "contact")
REQUIRED: tuple[str, ...] = ("reference", "received", "applicant_type")


class ImportFailed(LedgerError):
    """The file was not imported; `problems` holds one line per bad row."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(f"{file}：{len(problems)} 行有错误，整个文件未导入")


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    reference: str
    received: dt.date
    applicant_type: str
    applicant: str = ""
    request: str = ""
    closed: dt.date | None = None
    outcome: str | None = None
    arrived: dt.date | None = None
    channel: str = vocabulary.Channel.OTHER.value
    contact: str = ""
    remarks: dict[str, str] = field(default_factory=dict)


#: A cell beginning with one of these is taken for a formula by spreadsheet programs (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """`value` as a spreadsheet shows it but never runs it: a formula-like start is prefixed with ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def from_spreadsheet(value: str) -> str:
    """The value `spreadsheet_safe` was given (the round trip of an export through import)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the numbered rows of a CSV (UTF-8, BOM accepted) or XLSX file (first sheet)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise LedgerError(f"{path}：不是 UTF-8 编码的 CSV 文件") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise LedgerError(f"{path}：文件是空的") from None
    return [h.strip() for h in header], ((i, row) for i, row in enumerate(reader, start=2))


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise LedgerError(f"{path}：无法读取 Excel 文件（{type(exc).__name__}）") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_text(v) for v in next(rows)]
    except StopIteration:
        raise LedgerError(f"{path}：工作表是空的") from None

    def body() -> Iterator[tuple[int, list[str]]]:
        for i, values in enumerate(rows, start=2):
            yield i, [_text(v) for v in values]
        book.close()

    return header, body()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_rows(path: Path) -> list[Row]:
    """Every row of the file checked; raises `ImportFailed` listing each bad row."""
    header, body = read_table(path)
    problems: list[str] = []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed(str(path), [f"{path} 第1行（表头）：缺少必需的列 {', '.join(missing)}"])
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise ImportFailed(str(path), [f"{path} 第1行（表头）：列 {', '.join(duplicated)} 出现了不止一次"])
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, values in body:
        if not any(v.strip() for v in values):
            continue
        record = {
            h: (from_spreadsheet(values[i].strip()) if i < len(values) else "") for i, h in enumerate(header) if h
        }
        try:
            row = _row(number, record)
        except LedgerError as exc:
            problems.append(f"{path} 第{number}行：{exc}")
            continue
        if row.reference in seen:
            problems.append(f"{path} 第{number}行：案号 {row.reference} 与第{seen[row.reference]}行重复")
            continue
        seen[row.reference] = number
        rows.append(row)
    if problems:
        raise ImportFailed(str(path), problems)
    return rows


def _date(record: dict[str, str], column: str) -> dt.date | None:
    text = record.get(column, "")
    if not text:
        return None
    return vocabulary.parse_date(text, column)


def _row(number: int, record: dict[str, str]) -> Row:
    reference = record.get("reference", "")
    if not reference:
        raise LedgerError("reference（案号）为空")
    received = _date(record, "received")
    if received is None:
        raise LedgerError("received（收到日期）为空")
    if not record.get("applicant_type"):
        raise LedgerError("applicant_type（申请人类型）为空")
    kind = vocabulary.applicant_type(record["applicant_type"])
    closed = _date(record, "closed")
    outcome_text = record.get("outcome", "")
    if closed is not None and not outcome_text:
        raise LedgerError("有 closed（办结日期）时必须填写 outcome（办理结果）")
    if closed is None and outcome_text:
        raise LedgerError("填写了 outcome（办理结果）但没有 closed（办结日期）")
    if closed is not None and closed < received:
        raise LedgerError(f"closed {closed} 早于 received {received}")
    arrived = _date(record, "arrived")
    if arrived is not None and arrived > received:
        raise LedgerError(f"arrived {arrived} 晚于 received {received}")
    known = set(SPEC_COLUMNS) | set(EXTRA_COLUMNS)
    return Row(
        number=number,
        reference=reference,
        received=received,
        applicant_type=kind,
        applicant=record.get("applicant", ""),
        request=record.get("request", ""),
        closed=closed,
        outcome=vocabulary.outcome(outcome_text) if outcome_text else None,
        arrived=arrived,
        channel=vocabulary.channel(record["channel"]) if record.get("channel") else vocabulary.Channel.OTHER.value,
        contact=record.get("contact", ""),
        remarks={k: v for k, v in record.items() if k not in known and v},
    )


def import_file(session: Session, path: Path, agency_name: str, calendar: WorkingCalendar) -> tuple[Agency, int]:
    """Import every row of `path` into the agency's ledger (created when new), in the session's transaction.

    Raises `ImportFailed` (nothing written by this function is kept once the caller rolls back) when a
    row is bad or the database refuses one.
    """
    agency, _ = get_or_create_agency(session, agency_name)
    prepared = prepare_import(path, agency, calendar)
    return agency, store_import(session, agency, prepared, path)


@dataclass
class Prepared:
    """An import checked and built in memory, ready to be written in one short transaction."""

    rows: list[Row]
    cases: list[Application]


def prepare_import(path: Path, agency: Agency, calendar: WorkingCalendar) -> Prepared:
    """Every row of `path` parsed, checked and built as a case of `agency` (its id and name are all that is used),
    without touching the database: the slow part of an import happens before it takes the write lock.
    """
    rows = parse_rows(path)
    first_row: dict[str, int] = {}
    twice = []
    for r in rows:
        if r.reference in first_row:
            twice.append(f"{path} 第{r.number}行：案号 {r.reference} 与第{first_row[r.reference]}行重复")
        first_row.setdefault(r.reference, r.number)
    if twice:
        raise ImportFailed(str(path), twice)
    built = []
    for row in rows:  # every case built and checked in memory first, then written in one flush
        try:
            built.append(build_row(agency, row, calendar))
        except LedgerError as exc:
            raise ImportFailed(str(path), [f"{path} 第{row.number}行：{exc}"]) from None
    return Prepared(rows, built)


def store_import(session: Session, agency: Agency, prepared: Prepared, path: Path) -> int:
    """Write a prepared import: refused whole when a reference is already in the agency's ledger."""
    existing = set(session.scalars(select(Application.reference).where(Application.agency_id == agency.id)))
    clashes = [
        f"{path} 第{r.number}行：案号 {r.reference} 已在“{agency.name}”的台账中"
        for r in prepared.rows
        if r.reference in existing
    ]
    if clashes:
        raise ImportFailed(str(path), clashes)
    try:
        _insert(session, prepared.cases)
    except IntegrityError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise ImportFailed(str(path), [f"{path}：数据库拒绝保存（{reason}），整个文件未导入"]) from None
    return len(prepared.rows)


_CASE_COLUMNS = (
    "agency_id",
    "reference",
    "arrived",
    "channel",
    "received",
    "applicant_type",
    "applicant",
    "contact",
    "request",
    "remarks",
    "status",
    "outcome",
    "closed",
    "due",
    "due_provisional",
    "version",
)
_EVENT_COLUMNS = ("kind", "on", "until", "approver", "days", "party", "outcome", "note")


def _values(obj: object, columns: tuple[str, ...]) -> dict[str, object]:
    """An unsaved object's column values, its scalar defaults filled in (the ORM would at flush)."""
    table = obj.__table__  # type: ignore[attr-defined]
    out: dict[str, object] = {}
    for name in columns:
        value = getattr(obj, name)
        default = table.c[name].default
        if value is None and default is not None and default.is_scalar:
            value = default.arg
        out[name] = value
    return out


def _insert(session: Session, built: list[Application]) -> None:
    """The cases and their events in two multi-row INSERTs: an import of 20,000 rows holds the write lock
    for about a second instead of the many seconds a unit-of-work flush of 60,000 objects takes."""
    if not built:
        return
    ids = (
        session.execute(
            insert(Application).returning(Application.id, sort_by_parameter_order=True),
            [_values(case, _CASE_COLUMNS) for case in built],
        )
        .scalars()
        .all()
    )
    events = [
        {**_values(event, _EVENT_COLUMNS), "application_id": case_id}
        for case, case_id in zip(built, ids, strict=True)
        for event in case.events
    ]
    session.execute(insert(Event), events)


def build_row(agency: Agency, row: Row, calendar: WorkingCalendar) -> Application:
    """One imported case, registered and closed when the row says so, not yet in a session."""
    case = cases.new_case(
        agency,
        row.reference,
        row.received,
        row.applicant_type,
        calendar=calendar,
        arrived=row.arrived,
        channel=row.channel,
        applicant=row.applicant,
        contact=row.contact,
        request=row.request,
        remarks=row.remarks,
        note="导入",
    )
    if row.closed is not None and row.outcome is not None:
        cases.close_in_memory(case, row.outcome, row.closed, note="导入")
    return case


def export_rows(session: Session, agency: Agency) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the agency's ledger in the exchange columns, by receipt date.

    Text that a spreadsheet would run as a formula (an applicant "=HYPERLINK(…)") is prefixed with ``'``
    (`spreadsheet_safe`); importing the file again restores it (`from_spreadsheet`).
    """
    found = session.scalars(
        select(Application)
        .where(Application.agency_id == agency.id)
        .order_by(Application.received, Application.reference)
    ).all()
    remark_columns: list[str] = []
    records: list[tuple[Application, dict[str, str]]] = []
    for case in found:
        remarks: dict[str, str] = json.loads(case.remarks) if case.remarks else {}
        remark_columns += [k for k in remarks if k not in remark_columns]
        records.append((case, remarks))
    header = [*SPEC_COLUMNS, *EXTRA_COLUMNS, *remark_columns]
    rows = []
    for case, remarks in records:
        rows.append(
            [
                spreadsheet_safe(value)
                for value in [
                    case.reference,
                    case.received.isoformat(),
                    case.applicant_type,
                    case.applicant,
                    case.request,
                    case.closed.isoformat() if case.closed else "",
                    case.outcome or "",
                    case.arrived.isoformat() if case.arrived else "",
                    case.channel,
                    case.contact,
                    *(remarks.get(k, "") for k in remark_columns),
                ]
            ]
        )
    return header, rows


def write_csv(header: list[str], rows: list[list[str]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def write_xlsx(header: list[str], rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
