"""The year's report of an agency: tables 三 and 四 from the ledger, the rest from the draft, audited.

`build(session, agency, year, data)` computes the ledger's tables (`nianbao.ledger.tables`), puts the
draft's table 二 figures beside them and hands everything to `nianbao.authoring.load.assemble` — the
same assembly a YAML or a workbook goes through — so the six sections get their official headings,
the default preamble fills in, and a section still holding a template prompt is noted. A table-二
figure not filled in stays blank (not 0): the audit then says which rows are missing (C201), while the
rendered report prints it as 0, like every renderer of nianbao.

The audit runs with last year's report as `previous` when the agency has a draft, cases or appeals
for last year (`service.has_material`), so 上年结转 and copied text are checked across years.

Downloads are never blocked by the audit: a clerk must be able to download a draft to read it, show
it or finish it in Word. The page and the API say how many errors the audit found; submitting is
what is refused while errors remain.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nianbao.audit import Audit, Finding, Severity, check
from nianbao.authoring import render_bytes
from nianbao.authoring.content import default_title
from nianbao.authoring.load import assemble
from nianbao.authoring.template import report_text
from nianbao.formats import Format
from nianbao.ledger.tables import tables
from nianbao.report import Number, Report
from nianbao.store.models import APPEAL_ROUTES, Agency
from nianbao.web.report.service import MIN_YEAR, DraftData, format_of, has_material, read_draft, table_two_keys

KINDS: tuple[str, ...] = ("docx", "pdf", "html", "md")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
LEDGER_NOTE = "台账统计"


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
    report = assemble(filename(agency.name, year, "docx"), "ledger", fmt, year, agency.name, data.date,
                      data.preamble, dict(data.sections), values, notes, [])
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
    audit = check(report, previous)
    new = _count(ledger, "applications.new.total")
    carried = _count(ledger, "applications.carried_over.total")
    appeals = sum(_count(ledger, f"{route}.total") for route in APPEAL_ROUTES)
    return Built(report, audit, format_of(year), data, new + carried, new, carried, appeals,
                 previous.year if previous is not None else None)


def render(built: Built, kind: str) -> bytes:
    """The report as `kind` (docx, pdf, html, md), whatever the audit found (see the module doc)."""
    if kind not in KINDS:
        raise ValueError(f"不支持的下载格式：{kind}（可选 {'、'.join(KINDS)}）")
    return render_bytes(built.report, kind)


def content_disposition(name: str) -> str:
    """An attachment header with the Chinese file name (RFC 6266/5987) and an ASCII fallback."""
    from urllib.parse import quote

    suffix = name.rsplit(".", 1)[-1]
    return f"attachment; filename=\"report.{suffix}\"; filename*=UTF-8''{quote(name)}"
