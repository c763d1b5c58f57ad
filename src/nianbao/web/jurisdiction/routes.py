"""Pages of the jurisdiction area (辖区汇总): the status matrix, an agency's roll-up for a year, its trends.

Reviewers, supervisors and administrators only; clerks get 403, agencies outside a person's scope 404.
The JSON API is in `api.py`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from starlette.responses import Response

from nianbao.corpus.rollup import Comparison
from nianbao.formats import get_format
from nianbao.web.check.exports import sheet_response
from nianbao.web.core.database import DB, RowId
from nianbao.web.core.people import Reviewer, agency_in_scope
from nianbao.web.core.templating import page
from nianbao.web.jurisdiction import exports
from nianbao.web.jurisdiction.api import api
from nianbao.web.jurisdiction.bulletin_pages import pages as bulletin_pages
from nianbao.web.jurisdiction.deadlines import LEVEL_LABELS, load_deadlines
from nianbao.web.jurisdiction.rollups import child_agencies, make_rollup
from nianbao.web.jurisdiction.status import status_matrix, years_shown
from nianbao.web.jurisdiction.trends import MEASURES, charts, trends

__all__ = ["api", "pages"]

pages = APIRouter(include_in_schema=False)

Year = Annotated[int, Path(ge=2008, le=2100)]
AgencyId = RowId


Until = Annotated[int | None, Query(ge=2008, le=2100)]
Years = Annotated[list[str] | None, Query(alias="years", max_length=200)]


def _years(request: Request, session: DB, viewer: Reviewer, asked: list[str] | None, until: int | None) -> list[int]:
    """The years of the matrix page and its exports (`years_shown`); 422 when ``?years=`` is invalid."""
    try:
        return years_shown(session, viewer, request.app.state.settings.today(), asked=asked or (), until=until)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@pages.get("/jurisdiction")
def status_page(request: Request, session: DB, viewer: Reviewer, until: Until = None, asked: Years = None) -> Response:
    """The status matrix, on the years with data up to the current report year (or the years asked for)."""
    today = request.app.state.settings.today()
    years = _years(request, session, viewer, asked, until)
    deadlines = load_deadlines(session)
    matrix = status_matrix(session, viewer, years, deadlines, today)
    parents = {node.parent_id for node, _ in matrix.rows}
    return page(
        request,
        "jurisdiction/status.html",
        {
            "title": "辖区汇总",
            "matrix": matrix,
            "years": years,
            "until": years[-1],
            "parents": parents,
            "choices": list(range(max(today.year, years[-1]), years[0] - 1, -1)),
            "deadlines": deadlines,
            "level_labels": LEVEL_LABELS,
            "today": today,
        },
    )


@pages.get("/jurisdiction/export.{sheet}")
def status_export(
    request: Request,
    session: DB,
    viewer: Reviewer,
    sheet: Annotated[str, Path(max_length=10)],
    until: Until = None,
    asked: Years = None,
) -> Response:
    """The status matrix of the page (same years) as CSV or XLSX, a row per agency and year."""
    kind = exports.sheet_kind(sheet)
    today = request.app.state.settings.today()
    years = _years(request, session, viewer, asked, until)
    matrix = status_matrix(session, viewer, years, load_deadlines(session), today)
    return sheet_response(exports.status_sheet(matrix, LEVEL_LABELS), kind, f"辖区汇总{years[0]}-{years[-1]}")


def _groups(result_format: str, comparisons: list[Comparison]) -> list[tuple[str, list[Comparison]]]:
    """Comparisons grouped by the table they belong to, in printed order."""
    fmt = get_format(result_format)
    out: list[tuple[str, list[Comparison]]] = []
    for c in comparisons:
        table = fmt.cell(c.key).table
        if not out or out[-1][0] != table:
            out.append((table, []))
        out[-1][1].append(c)
    return out


@pages.get("/jurisdiction/{agency_id}/rollup/{year}")
def rollup_page(
    request: Request,
    session: DB,
    viewer: Reviewer,
    agency_id: AgencyId,
    year: Year,
    only: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    agency = agency_in_scope(session, viewer, agency_id)
    view = make_rollup(session, viewer, agency, year)
    only_diff = only == "diff"
    groups: list[tuple[str, list[Comparison]]] = []
    if view.result is not None:
        shown = [c for c in view.result.comparisons() if c.differs or not only_diff]
        groups = _groups(view.result.format, shown)
    today = request.app.state.settings.today()
    family = [agency.id, *(c.id for c in view.children)]
    return page(
        request,
        "jurisdiction/rollup.html",
        {
            "title": f"{agency.name} {year} 年度下级合计",
            "view": view,
            "agency": agency,
            "year": year,
            "groups": groups,
            "only_diff": only_diff,
            "years": sorted({year, *years_shown(session, viewer, today, agency_ids=family, count=8)}),
        },
    )


@pages.get("/jurisdiction/{agency_id}/trends")
def trends_page(request: Request, session: DB, viewer: Reviewer, agency_id: AgencyId) -> Response:
    agency = agency_in_scope(session, viewer, agency_id)
    data = trends(session, viewer, agency)
    return page(
        request,
        "jurisdiction/trends.html",
        {
            "title": f"{agency.name} 历年趋势",
            "agency": agency,
            "data": data,
            "charts": charts(data),
            "measures": MEASURES,
            "has_children": bool(child_agencies(session, viewer, agency)),
        },
    )


@pages.get("/jurisdiction/{agency_id}/trends/export.{sheet}")
def trends_export(
    session: DB, viewer: Reviewer, agency_id: AgencyId, sheet: Annotated[str, Path(max_length=10)]
) -> Response:
    """The agency's trends as CSV or XLSX, a row per year with the figures of the page's charts."""
    agency = agency_in_scope(session, viewer, agency_id)  # another agency: 404 whatever the kind
    kind = exports.sheet_kind(sheet)
    return sheet_response(exports.trends_sheet(trends(session, viewer, agency)), kind, f"{agency.name}.历年趋势")


pages.include_router(bulletin_pages)  # the year's 通报 (Word, PDF) and the jurisdiction's findings (XLSX, CSV)
