"""Downloads of the jurisdiction page for one report year: the district 通报 as Word or PDF
(``/jurisdiction/bulletin.docx|pdf?year=``) and every finding of the jurisdiction's latest reports in one sheet
(``/jurisdiction/findings.xlsx|csv?year=``). Reviewers, supervisors and administrators; clerks get 403.

The routes are plain functions, run in the server's thread pool: reading the reports again and writing the PDF
never block the event loop. They are included in the jurisdiction area's router.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from starlette.responses import Response

from nianbao.render.plain_doc import render_plain_docx
from nianbao.render.plain_doc_pdf import render_plain_pdf
from nianbao.web.check.exports import sheet_response
from nianbao.web.core.database import DB
from nianbao.web.core.downloads import attachment
from nianbao.web.core.people import Reviewer
from nianbao.web.jurisdiction import exports
from nianbao.web.jurisdiction.bulletin import build_bulletin, bulletin_doc, findings_of_year, year_audits

__all__ = ["pages"]

pages = APIRouter(include_in_schema=False)

YearQuery = Annotated[int | None, Query(ge=2008, le=2100)]
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _kind(kind: str) -> Literal["docx", "pdf"]:
    if kind == "docx":
        return "docx"
    if kind == "pdf":
        return "pdf"
    raise HTTPException(404, f"不支持的格式：{kind}（可选 docx、pdf）")


@pages.get("/jurisdiction/bulletin.{kind}")
def bulletin_download(
    request: Request,
    session: DB,
    viewer: Reviewer,
    kind: Annotated[str, Path(max_length=10)],
    year: YearQuery = None,
) -> Response:
    """XX区政府信息公开工作年度报告核查情况通报 of `year` (default: last year) as Word or PDF."""
    doc_kind = _kind(kind)
    today = request.app.state.settings.today()
    chosen = year if year is not None else today.year - 1
    bulletin = build_bulletin(year_audits(session, viewer, chosen, today), viewer, chosen, today)
    doc = bulletin_doc(bulletin)
    data = render_plain_docx(doc) if doc_kind == "docx" else render_plain_pdf(doc)
    name = f"{bulletin.district}{chosen}年度政府信息公开工作年度报告核查情况通报.{doc_kind}"
    return Response(data, media_type=MEDIA[doc_kind], headers={"Content-Disposition": attachment(name)})


@pages.get("/jurisdiction/findings.{sheet}")
def findings_download(
    request: Request,
    session: DB,
    viewer: Reviewer,
    sheet: Annotated[str, Path(max_length=10)],
    year: YearQuery = None,
) -> Response:
    """Every finding of the latest submitted report of each agency for `year`, one row each, as XLSX or CSV."""
    sheet_kind = exports.sheet_kind(sheet)
    today = request.app.state.settings.today()
    chosen = year if year is not None else today.year - 1
    table = findings_of_year(year_audits(session, viewer, chosen, today))
    return sheet_response(table, sheet_kind, f"全辖区核查发现{chosen}")
