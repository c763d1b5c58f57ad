"""The stored reports a person may see, filtered and paged, without reading any file.

A row is visible when its owner or its agency is in the viewer's scope. Lists never load the files
(`content` is deferred): the counts of findings are on the row. Newest first means highest id first:
rows are only ever inserted, at the time of upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased, defer, joinedload

from nianbao.store.models import Agency, StoredReport, User
from nianbao.web.core.people import Viewer

_Matched = aliased(Agency)


@dataclass(frozen=True)
class Listed:
    """A row of the list page: the stored report (file not loaded) and who uploaded it."""

    report: StoredReport
    uploader: str


def _conditions(viewer: Viewer, year: int | None, agency_id: int | None, q: str | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if viewer.scope is not None:
        ids = sorted(viewer.scope)
        out.append(or_(StoredReport.owner_id.in_(ids), StoredReport.agency_id.in_(ids)))
    if year is not None:
        out.append(StoredReport.year == year)
    if agency_id is not None:  # the reports of that agency: not those it only holds (辖区外/未归属, `outside`)
        out.append(StoredReport.agency_id == agency_id)
    text = (q or "").replace("\x00", "").strip()
    if text:
        out.append(
            or_(
                StoredReport.printed_agency.icontains(text, autoescape=True),
                StoredReport.filename.icontains(text, autoescape=True),
                _Matched.name.icontains(text, autoescape=True),
            )
        )
    return out


def _select(viewer: Viewer, year: int | None, agency_id: int | None, q: str | None, *columns: Any) -> Any:
    stmt = select(StoredReport, *columns).outerjoin(_Matched, _Matched.id == StoredReport.agency_id)
    return stmt.where(*_conditions(viewer, year, agency_id, q))


def _page_ids(
    session: Session, viewer: Viewer, year: int | None, agency_id: int | None, q: str | None, limit: int, offset: int
) -> list[int]:
    """The ids of one page, newest (highest id) first.

    Chosen first, by id alone, because SQLite keeps the columns after `content` behind the file's bytes:
    sorting the rows themselves would read every file of the jurisdiction.
    """
    stmt = (
        select(StoredReport.id)
        .outerjoin(_Matched, _Matched.id == StoredReport.agency_id)
        .where(*_conditions(viewer, year, agency_id, q))
        .order_by(StoredReport.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def visible_reports(
    session: Session,
    viewer: Viewer,
    *,
    year: int | None = None,
    agency_id: int | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[StoredReport]:
    """The stored reports in the viewer's scope, newest first (their files not loaded until used)."""
    ids = _page_ids(session, viewer, year, agency_id, q, limit, offset)
    if not ids:
        return []
    stmt = (
        select(StoredReport)
        .where(StoredReport.id.in_(ids))
        .options(defer(StoredReport.content), joinedload(StoredReport.agency), joinedload(StoredReport.owner))
    )
    return sorted(session.scalars(stmt).unique(), key=lambda r: -r.id)


def listed_reports(
    session: Session,
    viewer: Viewer,
    *,
    year: int | None = None,
    agency_id: int | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Listed]:
    """`visible_reports` with the uploader's name (the list page)."""
    ids = _page_ids(session, viewer, year, agency_id, q, limit, offset)
    if not ids:
        return []
    stmt = (
        select(StoredReport, User.display_name)
        .outerjoin(User, User.id == StoredReport.uploaded_by)
        .where(StoredReport.id.in_(ids))
        .options(defer(StoredReport.content), joinedload(StoredReport.agency))
    )
    rows = [Listed(row, name or "") for row, name in session.execute(stmt).unique()]
    return sorted(rows, key=lambda x: -x.report.id)


def count_visible(
    session: Session, viewer: Viewer, *, year: int | None = None, agency_id: int | None = None, q: str | None = None
) -> int:
    """How many stored reports `visible_reports` would page through."""
    stmt = (
        select(func.count(StoredReport.id))
        .select_from(StoredReport)
        .outerjoin(_Matched, _Matched.id == StoredReport.agency_id)
        .where(*_conditions(viewer, year, agency_id, q))
    )
    return int(session.scalar(stmt) or 0)


def visible_years(session: Session, viewer: Viewer) -> list[int]:
    """The report years present in the viewer's scope, newest first (for the year filter)."""
    stmt = (
        select(StoredReport.year)
        .where(*_conditions(viewer, None, None, None), StoredReport.year.is_not(None))
        .distinct()
        .order_by(StoredReport.year.desc())
    )
    return [y for y in session.scalars(stmt) if y is not None]


def scope_agencies(session: Session, viewer: Viewer) -> list[Agency]:
    """The agencies the viewer may see, by name (for the filter and the upload's 归属机关)."""
    stmt = select(Agency).order_by(Agency.name)
    if viewer.scope is not None:
        stmt = stmt.where(Agency.id.in_(sorted(viewer.scope)))
    return list(session.scalars(stmt))


def same_subject(session: Session, viewer: Viewer, stored: StoredReport) -> list[Listed]:
    """The other uploads of the same agency (or printed name) and year that the viewer may see, newest first."""
    if stored.agency_id is not None:
        where: list[ColumnElement[bool]] = [StoredReport.agency_id == stored.agency_id]
    else:
        where = [
            StoredReport.agency_id.is_(None),
            StoredReport.owner_id == stored.owner_id,
            StoredReport.printed_agency == stored.printed_agency,
        ]
        if not stored.printed_agency:  # no name printed: only the same file counts as the same report
            where.append(StoredReport.filename == stored.filename)
    where.append(StoredReport.year.is_(None) if stored.year is None else StoredReport.year == stored.year)
    stmt = (
        _select(viewer, None, None, None, User.display_name)
        .outerjoin(User, User.id == StoredReport.uploaded_by)
        .where(*where, StoredReport.id != stored.id)
        .options(defer(StoredReport.content))
        .order_by(StoredReport.id.desc())
        .limit(50)
    )
    return [Listed(row, name or "") for row, name in session.execute(stmt)]
