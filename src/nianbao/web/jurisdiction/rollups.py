"""A jurisdiction's roll-up and trends from the stored reports: the sum of the direct children's latest
reports of a year beside the agency's own report (`nianbao.corpus.rollup`), and a few figures over the
years.

Reports are taken by the agency they are *of* (``agency_id``), not by the name printed on them: the
agency table knows who reports to whom, printed names vary. So the children that have not reported
are found in the database (the agencies without a report), not by matching names; children whose
report cannot be summed (another year's or another format's table, or unreadable) are named with the
reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from nianbao.corpus.rollup import Rollup, rollup
from nianbao.read import ReadError
from nianbao.report import Report
from nianbao.store.models import Agency, StoredReport
from nianbao.web.check.corrections import corrected_report
from nianbao.web.check.service import UploadRefused, report_of
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.status import latest_ids


@dataclass(frozen=True)
class Source:
    """A stored report used in a roll-up, and the agency it is of."""

    agency_id: int
    agency_name: str
    report_id: int
    filename: str
    printed_agency: str


@dataclass(frozen=True)
class Named:
    """An agency left out of a roll-up, and why (Chinese)."""

    agency_id: int
    agency_name: str
    reason: str = ""
    report_id: int | None = None


@dataclass
class RollupView:
    """Everything the roll-up page and API show for one agency and year."""

    agency: Agency
    year: int
    children: list[Agency]
    own: Source | None = None
    included: list[Source] = field(default_factory=list)
    skipped: list[Named] = field(default_factory=list)
    missing: list[Named] = field(default_factory=list)
    result: Rollup | None = None
    problem: str = ""  # why no roll-up could be made (Chinese), when `result` is None
    own_problem: str = ""  # why the agency's own report is not beside the sums (Chinese)


def child_agencies(session: Session, viewer: Viewer, agency: Agency) -> list[Agency]:
    """The direct children of `agency` the viewer may see, in creation order."""
    found = session.scalars(select(Agency).where(Agency.parent_id == agency.id).order_by(Agency.id)).all()
    return [a for a in found if viewer.sees(a.id)]


def _source(stored: StoredReport, agency: Agency) -> Source:
    return Source(agency.id, agency.name, stored.id, stored.filename, stored.printed_agency)


def parse_stored(stored: StoredReport) -> tuple[Report | None, str]:
    """The stored report parsed with its officers' corrections applied (read in the row's own session), or the
    reason it cannot be read."""
    session = object_session(stored)
    try:
        return (corrected_report(session, stored) if session is not None else report_of(stored)), ""
    except (UploadRefused, ReadError, ValueError) as exc:
        return None, f"无法读取：{exc}"


def latest_reports(
    session: Session, viewer: Viewer, agencies: list[Agency], years: list[int]
) -> dict[tuple[int, int], StoredReport]:
    """The latest stored report of each (agency, year) that has one (content loaded only for those)."""
    ids = latest_ids(session, viewer, [a.id for a in agencies], years)
    if not ids:
        return {}
    rows = session.scalars(select(StoredReport).where(StoredReport.id.in_(ids.values()))).all()
    by_id = {r.id: r for r in rows}
    return {key: by_id[rid] for key, rid in ids.items() if rid in by_id}


def make_rollup(session: Session, viewer: Viewer, agency: Agency, year: int) -> RollupView:
    """The roll-up of `agency`'s direct children for `year`, beside its own latest report of that year."""
    children = child_agencies(session, viewer, agency)
    view = RollupView(agency=agency, year=year, children=children)
    stored = latest_reports(session, viewer, [agency, *children], [year])
    parent: Report | None = None
    own = stored.get((agency.id, year))
    if own is not None:
        parent, reason = parse_stored(own)
        if parent is not None:
            view.own = _source(own, agency)
        else:
            view.own_problem = f"本级报告（{own.filename}）{reason}"
    reports: list[tuple[Agency, StoredReport, Report]] = []
    for child in children:
        row = stored.get((child.id, year))
        if row is None:
            view.missing.append(Named(child.id, child.name))
            continue
        report, reason = parse_stored(row)
        if report is None:
            view.skipped.append(Named(child.id, child.name, reason, row.id))
        else:
            reports.append((child, row, report))
    if not children:
        view.problem = "该机关没有下级机关，无从汇总"
        return view
    if not reports and parent is None:
        view.problem = f"本级和下级机关都还没有可用的 {year} 年度报告，无从汇总"
        return view
    try:
        result = rollup([r for _, _, r in reports], parent, year=year)
    except ValueError as exc:
        view.problem = str(exc)
        return view
    included = {id(r) for r in result.children}
    reasons = iter(result.skipped)  # in the order of the children passed
    for child, row, report in reports:
        if id(report) in included:
            view.included.append(_source(row, child))
        else:
            view.skipped.append(Named(child.id, child.name, next(reasons).reason, row.id))
    view.result = result
    return view
