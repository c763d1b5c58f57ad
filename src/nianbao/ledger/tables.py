"""Year-end tables 三 and 四 computed from the ledger with SQL aggregation.

Table 三 (domain.md §1.8, spec/ledger.md), for report year Y and each applicant column:

- 一、本年新收: received (art. 31) in Y;
- 二、上年结转: received before 1 January Y and not closed before 1 January Y;
- 三、本年度办理结果: each case closed in Y counted once, in the row of its stored outcome (the
  outcome is already the single final row: partial disclosure wins, §1.6-2). In the 2019 format
  (report years 2019–2020) the three （六） sub-rows are printed as one row and are added up there;
- 四、结转下年度继续办理: received by 31 December Y and not closed by then.

One GROUP BY (applicant type, stored outcome) over the cases touching the year (received by 31 December
and not closed before 1 January) counts, per group, the cases, those received in Y and those closed in
Y. Every case of that set is either new or carried over, and either closed in Y (in its outcome row)
or carried forward, so 一 + 二 = （七） + 四 holds in every column by construction, and next year's 上年结转
is this year's 结转下年度. Row totals and （七）总计 are computed from the same counts. The index
``ix_applications_tables`` (agency, applicant type, outcome, received, closed) covers the query in
GROUP BY order: one pass over the agency's index entries, no table reads, no sort.

Table 四 (our reading, §1.5 leaves it open): for each route (行政复议, 未经复议直接起诉, 复议后起诉), the
cases decided in Y by result (维持/纠正/其他), and as 尚未审结 every case filed by 31 December Y and not
decided by then — a case pending across a year end is pending in both years' tables, as it was
pending in both. 总计 is their sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from nianbao.formats import Format, format_for_year, get_format
from nianbao.ledger.agencies import descendants, find_agency
from nianbao.ledger.vocabulary import AppealResult, AppealRoute, ApplicantType
from nianbao.report import Cell, Report
from nianbao.store.models import Agency, Appeal, Application

TOTAL = "total"


def tables(session: Session, agency: Agency | str, year: int, *, rollup: bool = False) -> Report:
    """Tables 三 and 四 of `agency` for `year` as a `Report` in the exchange keys (no sections).

    With ``rollup`` the agency's subordinate agencies (`Agency.parent`) are counted too.
    """
    if isinstance(agency, str):
        agency = find_agency(session, agency)
    ids = descendants(session, agency) if rollup else [agency.id]
    fmt = get_format(format_for_year(year))
    counts = {key: 0 for row in (*fmt.rows_of("三"), *fmt.rows_of("四")) for key in row.cells}
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    _applications(session, ids, first, last, fmt, counts)
    _appeals(session, ids, first, last, counts)
    _totals(fmt, counts)
    cells = {k: Cell(k, v, str(v), note="台账统计") for k, v in counts.items()}
    return Report(
        file=f"ledger:{agency.name}", kind="ledger", format=fmt.name, year=year, agency=agency.name, cells=cells
    )


def _row_of(outcome: str, fmt: Format) -> str:
    """The row of `fmt` that counts an outcome: the outcome itself, or the printed row above it."""
    parts = outcome.split(".")
    while parts:
        key = "applications." + ".".join(parts)
        if f"{key}.{TOTAL}" in fmt.cells:
            return key
        parts.pop()
    raise ValueError(f"办理结果“{outcome}”在 {fmt.name} 年格式中没有对应的行")


def _applications(
    session: Session, ids: Sequence[int], first: dt.date, last: dt.date, fmt: Format, counts: dict[str, int]
) -> None:
    a = Application.__table__.c
    grouped = (
        select(
            a.applicant_type,
            a.outcome,
            func.count(),
            func.sum(case((a.received >= first, 1), else_=0)),
            func.sum(case((a.closed <= last, 1), else_=0)),
        )
        .where(a.agency_id.in_(ids), a.received <= last, or_(a.closed.is_(None), a.closed >= first))
        .group_by(a.applicant_type, a.outcome)
    )
    for applicant, outcome, n, new, closed in session.execute(grouped):
        n, new, closed = int(n), int(new or 0), int(closed or 0)
        counts[f"applications.new.{applicant}"] += new
        counts[f"applications.carried_over.{applicant}"] += n - new
        counts[f"applications.carried_forward.{applicant}"] += n - closed
        if closed:
            counts[f"{_row_of(outcome, fmt)}.{applicant}"] += closed


def _appeals(session: Session, ids: Sequence[int], first: dt.date, last: dt.date, counts: dict[str, int]) -> None:
    p = Appeal.__table__.c
    grouped = (
        select(p.route, p.result, func.count(), func.sum(case((p.decided <= last, 1), else_=0)))
        .where(p.agency_id.in_(ids), p.filed <= last, or_(p.decided.is_(None), p.decided >= first))
        .group_by(p.route, p.result)
    )
    for route, result, n, decided in session.execute(grouped):
        n, decided = int(n), int(decided or 0)
        counts[f"{route}.{AppealResult.PENDING.value}"] += n - decided
        if decided:
            counts[f"{route}.{result}"] += decided


def _totals(fmt: Format, counts: dict[str, int]) -> None:
    outcome_rows = [
        r.key
        for r in fmt.rows_of("三")
        if r.key
        not in ("applications.new", "applications.carried_over", "applications.total", "applications.carried_forward")
    ]
    applicants = ApplicantType.stored_keys()
    for applicant in applicants:
        counts[f"applications.total.{applicant}"] = sum(counts[f"{row}.{applicant}"] for row in outcome_rows)
    for row in fmt.rows_of("三"):
        counts[f"{row.key}.{TOTAL}"] = sum(counts[f"{row.key}.{c}"] for c in applicants)
    for route in AppealRoute:
        counts[f"{route.value}.{TOTAL}"] = sum(counts[f"{route.value}.{r.value}"] for r in AppealResult)
