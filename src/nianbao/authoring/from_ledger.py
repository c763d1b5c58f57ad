"""The year's report of an agency from its ledger: tables 三 and 四 counted, the rest from the draft, audited.

`build(session, agency, year, data)` computes the ledger's tables (`nianbao.ledger.tables`), puts the
draft's table 二 figures beside them and hands everything to `nianbao.authoring.load.assemble` — the
same assembly a YAML or a workbook goes through — so the six sections get their official headings,
the default preamble fills in, and a section still holding a template prompt is noted. A table-二
figure not filled in stays blank (not 0): the audit then says which rows are missing (C201), while the
rendered report prints it as 0, like every renderer of nianbao.

The audit runs with last year's report as `previous` when the agency has a draft, cases or appeals
for last year (`has_material`), so 上年结转 and copied text are checked across years, and as the audit of
a draft (`DRAFT_AUDIT`): a part to be written (一, 五, 六) left empty or holding placeholder text is an
error, which the web's submission refuses.

The draft (`DraftData`) is what the ledger cannot know, kept in the `Draft` row: the title, the preamble,
the six sections' text, the signature date and the figures of table 二 (主动公开), which no case
records. The `Draft.sections` column is a JSON object; besides the sections ``"1"`` … ``"6"`` it holds
``"cells"`` (table 二, key → the number as text, so that money keeps its decimals exactly) and ``"date"``
(ISO) — both belong to the draft and the schema has no column of their own for them. Reading one is
here; changing one is the web's (`nianbao.web.report.service`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nianbao.audit import Audit, Finding, Options, Severity, check
from nianbao.authoring.load import assemble, parse_number
from nianbao.authoring.template import report_text
from nianbao.formats import Format, format_for_year, get_format, sections
from nianbao.ledger.tables import tables
from nianbao.ledger.vocabulary import AppealRoute
from nianbao.render.content import default_title
from nianbao.report import Number, Report
from nianbao.store.models import Agency, Appeal, Application, Draft

MIN_YEAR = 2019  # the first year of the official formats nianbao knows
MAX_DECIMALS = 4
MAX_FIGURE = Decimal(999_999_999)  # a figure wider than this is a typing slip, and breaks the printed table
SECTION_NUMBERS: tuple[int, ...] = tuple(s.number for s in sections())
LEDGER_NOTE = "台账统计"
#: The audit of a report in the making: a part left unwritten is an error (S406), so it cannot be submitted.
DRAFT_AUDIT = Options(draft=True)


def printable(text: str) -> str:
    """`text` as it can be written out (UTF-8): a lone surrogate sent in JSON becomes U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8")


class DraftError(ValueError):
    """Input the draft cannot take, with a Chinese message naming the field (HTTP 422)."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


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


def format_of(year: int) -> Format:
    return get_format(format_for_year(year))


def table_two_keys(fmt: Format) -> tuple[str, ...]:
    """The cells of table 二 in printed order: what the clerk fills in (the ledger fills 三 and 四)."""
    return tuple(k for row in fmt.rows_of("二") for k in row.cells)


def cell_label(fmt: Format, key: str) -> str:
    spec = fmt.cell(key)
    return f"{spec.table} · {spec.row_label} · {spec.column_label}"


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
    return DraftData(
        draft.title,
        draft.preamble,
        texts,
        _stored_cells(format_of(year), raw.get("cells")),
        date,
        draft.version,
        draft.updated_at,
    )


def read_draft(session: Session, agency_id: int, year: int) -> DraftData:
    return draft_data(find_draft(session, agency_id, year), year)


def has_material(session: Session, agency_id: int, year: int) -> bool:
    """Whether the agency has a draft, or cases or appeals touching `year` (then a report of it can be made)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if find_draft(session, agency_id, year) is not None:
        return True
    a, p = Application, Appeal
    case = session.scalar(
        select(a.id)
        .where(a.agency_id == agency_id, a.received <= last, or_(a.closed.is_(None), a.closed >= first))
        .limit(1)
    )
    if case is not None:
        return True
    return (
        session.scalar(
            select(p.id)
            .where(p.agency_id == agency_id, p.filed <= last, or_(p.decided.is_(None), p.decided >= first))
            .limit(1)
        )
        is not None
    )


# ---------------------------------------------------------------------------------------------
# The report: assembled, audited, and what the tables count
# ---------------------------------------------------------------------------------------------


@dataclass
class Built:
    """A report in the making and what the page says about it."""

    report: Report
    audit: Audit
    fmt: Format
    data: DraftData
    applications: int  # the cases the tables count: received this year or carried over
    new: int
    carried_over: int
    appeals: int  # 复议 and 诉讼 cases counted in table 四
    previous_year: int | None  # the year audited against, when there was one

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.audit.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.audit.findings if f.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.audit.findings if f.severity is Severity.INFO]

    @property
    def blank_figures(self) -> list[str]:
        """Table-二 cells not filled in yet."""
        return [k for k in table_two_keys(self.fmt) if self.data.cells.get(k) is None]


def _count(report: Report, key: str) -> int:
    value = report.value(key)
    return int(value) if value is not None else 0


def filename(agency: str, year: int, kind: str) -> str:
    return f"{default_title(agency, year)}.{kind}"


def assemble_report(session: Session, agency: Agency, year: int, data: DraftData) -> tuple[Report, Report]:
    """(the report, the ledger's tables) of `agency` for `year` with the draft `data`."""
    fmt = format_of(year)
    ledger = tables(session, agency, year)
    values: dict[str, Number | None] = {k: c.value for k, c in ledger.cells.items()}
    for key in table_two_keys(fmt):
        values[key] = data.cells.get(key)
    notes = dict.fromkeys(ledger.cells, LEDGER_NOTE)
    report = assemble(
        filename(agency.name, year, "docx"),
        "ledger",
        fmt,
        year,
        agency.name,
        data.date,
        data.preamble,
        dict(data.sections),
        values,
        notes,
        [],
    )
    if data.title and data.title != report.title:
        report.title = data.title
        report.text = report_text(report)
    return report, ledger


def previous_report(session: Session, agency: Agency, year: int) -> Report | None:
    """Last year's report (ledger tables and draft) when there is anything for last year."""
    last = year - 1
    if last < MIN_YEAR or not has_material(session, agency.id, last):
        return None
    report, _ = assemble_report(session, agency, last, read_draft(session, agency.id, last))
    return report


def build(session: Session, agency: Agency, year: int, data: DraftData) -> Built:
    """The report of `agency` for `year` from the ledger and `data`, audited (see the module doc)."""
    report, ledger = assemble_report(session, agency, year, data)
    previous = previous_report(session, agency, year)
    audit = check(report, previous, options=DRAFT_AUDIT)
    new = _count(ledger, "applications.new.total")
    carried = _count(ledger, "applications.carried_over.total")
    appeals = sum(_count(ledger, f"{route.value}.total") for route in AppealRoute)
    return Built(
        report,
        audit,
        format_of(year),
        data,
        new + carried,
        new,
        carried,
        appeals,
        previous.year if previous is not None else None,
    )
