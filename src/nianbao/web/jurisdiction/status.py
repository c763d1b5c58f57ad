"""The jurisdiction's status matrix: for each agency in a person's scope and each report year, the latest
stored report — submitted or not, on time or not, how many errors and warnings, returned or not.

It is the supervisor's first page, opened many times a day over hundreds of agencies, so it reads two
small queries (the agencies, the report rows' columns without their content, the publication dates officers
entered) and parses nothing:
the error and warning counts were stored with the report when it was checked.

A stored report counts for an agency when it is *of* that agency (``agency_id``) and *held* within the
person's scope (``owner_id``): a report someone outside the jurisdiction uploaded about one of its
agencies is not theirs to show.

The years shown come from the data and the settings (`years_shown`, for the page, its exports, the API and the
roll-up's years): from the first year with such a report to the current report year, never a year before the
jurisdiction had any report unless asked for (``?years=``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from nianbao.store.models import SUBMITTED_STATUSES, Agency, StoredReport
from nianbao.web.check.corrections import Entry, publication, published_entries
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.deadlines import Deadlines, local_date

YEARS_SHOWN = 5
FIRST_YEAR, LAST_YEAR = 2008, 2100  # the regulation's first report year; a sane upper bound


@dataclass(frozen=True)
class Node:
    """An agency placed in the jurisdiction's tree (`depth` 0 for the top)."""

    id: int
    name: str
    level: str
    parent_id: int | None
    depth: int


@dataclass(frozen=True)
class CellStatus:
    """One agency and year: the latest stored report, or none."""

    agency_id: int
    year: int
    deadline: dt.date
    report_id: int | None = None
    filename: str = ""
    status: str = ""  # submitted | returned
    errors: int = 0
    warnings: int = 0
    judged_on: dt.date | None = None  # the publication date the deadline was compared with
    judged_by: str = ""  # published (printed on the report) | entered (by an officer) | unknown (neither)
    on_time: bool | None = None  # None: no report, or its date is unknown (unknown is not late)
    overdue: bool = False  # no report and the deadline has passed
    versions: int = 0  # stored reports of this agency and year
    handed_in: dt.date | None = None  # the day the report was submitted (China's time)
    date_entry: Entry | None = None  # the officer's correction that entered the date, if any

    @property
    def submitted(self) -> bool:
        return self.report_id is not None


@dataclass(frozen=True)
class Matrix:
    years: list[int]
    rows: list[tuple[Node, list[CellStatus]]]

    def missing(self, year: int) -> int:
        return sum(1 for _, cells in self.rows for c in cells if c.year == year and not c.submitted)


def current_report_year(today: dt.date) -> int:
    """The latest report year whose report can be due: last year (its deadline running or passed)."""
    return today.year - 1


def report_years(today: dt.date, until: int | None = None, count: int = YEARS_SHOWN) -> list[int]:
    """`count` report years ending at `until` (default: the current report year), whatever the data."""
    last = min(max(until if until is not None else current_report_year(today), FIRST_YEAR), LAST_YEAR)
    return list(range(max(FIRST_YEAR, last - count + 1), last + 1))


def parse_years(values: Iterable[str]) -> list[int]:
    """Years from query values ("2023,2024" or repeated), oldest first; [] when none; ValueError (Chinese)."""
    years: set[int] = set()
    for value in values:
        for part in value.replace("，", ",").split(","):
            text = part.strip()
            if not text:
                continue
            if not text.isascii() or not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
                raise ValueError(f"年度“{text[:20]}”无效，应为 {FIRST_YEAR}–{LAST_YEAR} 之间的年份")
            years.add(int(text))
    if len(years) > 20:
        raise ValueError("一次最多查看 20 个年度")
    return sorted(years)


def agency_tree(session: Session, viewer: Viewer) -> list[Node]:
    """The agencies the viewer sees, each followed by those below it (depth-first, in creation order)."""
    query = select(Agency.id, Agency.name, Agency.level, Agency.parent_id).order_by(Agency.id)
    if viewer.scope is not None:
        query = query.where(Agency.id.in_(viewer.scope))
    rows = session.execute(query).all()
    present = {r[0] for r in rows}
    below: dict[int | None, list[tuple[int, str, str, int | None]]] = {}
    for row in rows:
        below.setdefault(row[3] if row[3] in present else None, []).append(row)
    out: list[Node] = []
    todo = [(row, 0) for row in reversed(below.get(None, []))]
    while todo:
        (aid, name, level, parent_id), depth = todo.pop()
        out.append(Node(aid, name, level, parent_id, depth))
        todo.extend((row, depth + 1) for row in reversed(below.get(aid, [])))
    return out


def report_filter(viewer: Viewer, agency_ids: Sequence[int]) -> list[ColumnElement[bool]]:
    """Conditions on `reports`: submitted (an upload only checked does not count), of one of `agency_ids`,
    held within the viewer's scope."""
    found: list[ColumnElement[bool]] = [
        StoredReport.agency_id.in_(agency_ids),
        StoredReport.status.in_(SUBMITTED_STATUSES),
    ]
    if viewer.scope is not None:
        found.append(StoredReport.owner_id.in_(viewer.scope))
    return found


def data_years(session: Session, viewer: Viewer, agency_ids: Sequence[int]) -> list[int]:
    """The report years of the reports `report_filter` counts for `agency_ids`, oldest first (one query)."""
    if not agency_ids:
        return []
    query = (
        select(StoredReport.year).distinct().where(StoredReport.year.is_not(None), *report_filter(viewer, agency_ids))
    )
    return sorted(y for y in session.scalars(query).all() if y is not None)


def years_shown(
    session: Session,
    viewer: Viewer,
    today: dt.date,
    *,
    asked: Iterable[str] = (),
    until: int | None = None,
    agency_ids: Sequence[int] | None = None,
    count: int = YEARS_SHOWN,
) -> list[int]:
    """The years a page of the jurisdiction opens on (the matrix, its exports and API, the roll-up's years).

    The years `asked` (``?years=``) when given (ValueError, Chinese, when invalid). Otherwise they come from the
    data and the settings: up to `until`, else the current report year (or a later year that has reports, up to
    this year), at most `count` years, and never a year before the first year with reports of `agency_ids`
    (default: the viewer's jurisdiction) — unless `until` itself is before it, which is asking for those years.
    With no report at all, the current report year alone.
    """
    chosen = parse_years(asked)
    if chosen:
        return chosen
    ids = [n.id for n in agency_tree(session, viewer)] if agency_ids is None else list(agency_ids)
    found = data_years(session, viewer, ids)
    if until is not None:
        last = min(max(until, FIRST_YEAR), LAST_YEAR)
    else:
        later = [y for y in found if y <= today.year]
        last = max([current_report_year(today), *later])
    if not found or found[0] > last:
        return report_years(today, last, count) if until is not None else [last]
    return list(range(max(found[0], last - count + 1), last + 1))


#: When the report was handed in: its submission (before migration 0006, its upload).
SUBMITTED_AT = func.coalesce(StoredReport.submitted_at, StoredReport.uploaded_at)
_LATEST_COLUMNS = (
    StoredReport.id,
    StoredReport.agency_id,
    StoredReport.year,
    StoredReport.status,
    StoredReport.errors,
    StoredReport.warnings,
    StoredReport.published,
    SUBMITTED_AT,
    StoredReport.filename,
)


Row = tuple[int, int, int, str, int, int, dt.date | None, dt.datetime, str]


def _rows(session: Session, viewer: Viewer, agency_ids: Sequence[int], years: Sequence[int]) -> list[Row]:
    """The report rows (newest first within each agency and year), without their content."""
    if not agency_ids or not years:
        return []
    query = (
        select(*_LATEST_COLUMNS)
        .where(StoredReport.year.in_(years), *report_filter(viewer, agency_ids))
        .order_by(StoredReport.agency_id, StoredReport.year, SUBMITTED_AT.desc(), StoredReport.id.desc())
    )
    found = [row for row in session.execute(query).all() if row[1] is not None and row[2] is not None]
    return cast("list[Row]", found)  # agency_id and year are not None: filtered just above


def latest_ids(
    session: Session, viewer: Viewer, agency_ids: Sequence[int], years: Sequence[int]
) -> dict[tuple[int, int], int]:
    """The id of the latest stored report of each (agency, year) that has one."""
    found: dict[tuple[int, int], int] = {}
    for row in _rows(session, viewer, agency_ids, years):
        found.setdefault((row[1], row[2]), row[0])
    return found


def status_matrix(
    session: Session, viewer: Viewer, years: Sequence[int], deadlines: Deadlines, today: dt.date
) -> Matrix:
    """The matrix of the viewer's jurisdiction for `years` (three queries, no parsing). Whether a report was on
    time is judged by its publication date (`corrections.publication`: printed, else entered by an officer);
    a report whose date is neither is "日期未识别", neither on time nor late."""
    nodes = agency_tree(session, viewer)
    latest: dict[tuple[int, int], Row] = {}
    versions: dict[tuple[int, int], int] = {}
    for row in _rows(session, viewer, [n.id for n in nodes], years):
        key = (row[1], row[2])
        latest.setdefault(key, row)
        versions[key] = versions.get(key, 0) + 1
    entered = published_entries(session, [row[0] for row in latest.values()])
    out: list[tuple[Node, list[CellStatus]]] = []
    for node in nodes:
        cells: list[CellStatus] = []
        for year in years:
            due = deadlines.due(node.level, year)
            found = latest.get((node.id, year))
            if found is None:
                cells.append(CellStatus(node.id, year, due, overdue=today > due))
                continue
            rid, _, _, status, errors, warnings, published, uploaded_at, filename = found
            pub = publication(published, entered.get(rid))
            cells.append(
                CellStatus(
                    node.id,
                    year,
                    due,
                    report_id=rid,
                    filename=filename,
                    status=status,
                    errors=errors,
                    warnings=warnings,
                    judged_on=pub.date,
                    judged_by="published" if pub.source == "printed" else pub.source,
                    on_time=pub.on_time(due),
                    versions=versions[(node.id, year)],
                    handed_in=local_date(uploaded_at),
                    date_entry=pub.entry,
                )
            )
        out.append((node, cells))
    return Matrix(list(years), out)
