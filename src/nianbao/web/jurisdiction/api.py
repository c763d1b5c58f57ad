"""The jurisdiction's JSON API: the status matrix, an agency's roll-up for a year, and its trends.

Reviewers, supervisors and administrators only (clerks: 403); agencies outside the person's scope
answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from nianbao.report import Number
from nianbao.web.core.database import DB
from nianbao.web.core.people import Reviewer, agency_in_scope
from nianbao.web.jurisdiction.deadlines import load_deadlines
from nianbao.web.jurisdiction.rollups import Named, Source, make_rollup
from nianbao.web.jurisdiction.status import status_matrix, years_shown
from nianbao.web.jurisdiction.trends import MEASURES, trends

api = APIRouter(prefix="/api/v1", tags=["辖区汇总"])

YEARS_HELP = "年度，可重复或以逗号分隔；默认为有报告的年度至当前报告年度（最多 5 个）"
Year = Annotated[int, Path(ge=2008, le=2100, description="报告年度")]
AgencyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="机关编号")]
JsonNumber = int | str


def _json(value: Number | None) -> JsonNumber | None:
    """Counts as integers; amounts (万元, 元) as decimal strings, so that no digit is lost."""
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


class CellOut(BaseModel):
    year: int = Field(description="报告年度")
    deadline: dt.date = Field(description="报送和公开期限")
    submitted: bool = Field(description="是否已提交报告")
    report_id: int | None = Field(description="最新一份报告的编号（/check/{report_id}）")
    filename: str
    status: str = Field(description="submitted（已提交）或 returned（已退回）；未提交为空")
    on_time: bool | None = Field(description="是否按时；未提交或日期未识别为 null（日期未识别不算逾期）")
    judged_on: dt.date | None = Field(description="据以判断是否按时的发布日期；日期未识别为 null")
    judged_by: str = Field(
        description="published：报告所印落款日期；entered：人工录入的发布日期（报告核查页）；unknown：日期未识别"
    )
    overdue: bool = Field(description="未提交且已过期限")
    errors: int
    warnings: int
    versions: int = Field(description="该机关该年度已提交的报告份数（仅核查的上传不计）")


class AgencyRowOut(BaseModel):
    agency_id: int
    name: str
    level: str
    parent_id: int | None
    depth: int = Field(description="在辖区树中的层级，0 为最上级")
    cells: list[CellOut]


class StatusOut(BaseModel):
    years: list[int]
    agencies: list[AgencyRowOut]


@api.get(
    "/jurisdiction/status",
    response_model=StatusOut,
    responses={422: {"description": "年度无效"}, 403: {"description": "经办人员无权查看"}},
)
def status(
    request: Request,
    session: DB,
    viewer: Reviewer,
    years: Annotated[list[str] | None, Query(max_length=20, description=YEARS_HELP)] = None,
) -> StatusOut:
    """辖区内各机关各年度报告的提交情况（最新一份报告：是否按时、错误和警告数、是否退回）。"""
    today = request.app.state.settings.today()
    try:
        chosen = years_shown(session, viewer, today, asked=years or ())
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    matrix = status_matrix(session, viewer, chosen, load_deadlines(session), today)
    rows = [
        AgencyRowOut(
            agency_id=node.id,
            name=node.name,
            level=node.level,
            parent_id=node.parent_id,
            depth=node.depth,
            cells=[
                CellOut(
                    year=c.year,
                    deadline=c.deadline,
                    submitted=c.submitted,
                    report_id=c.report_id,
                    filename=c.filename,
                    status=c.status,
                    on_time=c.on_time,
                    judged_on=c.judged_on,
                    judged_by=c.judged_by,
                    overdue=c.overdue,
                    errors=c.errors,
                    warnings=c.warnings,
                    versions=c.versions,
                )
                for c in cells
            ],
        )
        for node, cells in matrix.rows
    ]
    return StatusOut(years=matrix.years, agencies=rows)


class SourceOut(BaseModel):
    agency_id: int
    agency_name: str
    report_id: int
    filename: str
    printed_agency: str = Field(description="报告上印的机关名称")


class NamedOut(BaseModel):
    agency_id: int
    agency_name: str
    reason: str = Field(description="未计入的原因；尚无报告时为空")
    report_id: int | None


class DifferenceOut(BaseModel):
    key: str = Field(description="单元格编号（formats/cells.csv）")
    label: str
    sum: JsonNumber | None = Field(description="下级合计")
    parent: JsonNumber | None = Field(description="本级报告数字")
    difference: JsonNumber | None = Field(description="差额 = 本级 − 下级合计")


class RollupOut(BaseModel):
    agency_id: int
    agency_name: str
    year: int
    format: str | None = Field(description="表格格式（2019 或 2021）；无法汇总时为 null")
    own: SourceOut | None = Field(description="本级报告")
    children: list[SourceOut] = Field(description="计入合计的下级报告")
    skipped: list[NamedOut] = Field(description="有报告但未计入的下级机关")
    missing: list[NamedOut] = Field(description="尚无该年度报告的下级机关")
    sums: dict[str, JsonNumber | None] = Field(description="各单元格的下级合计")
    blanks: dict[str, int] = Field(description="各单元格空白的下级报告份数")
    differences: list[DifferenceOut] = Field(description="下级合计与本级数字不一致的单元格")
    consistent: bool | None = Field(description="是否全部一致；无本级报告时为 null")
    problem: str = Field(description="无法汇总的原因")
    own_problem: str = Field(description="本级报告无法使用的原因")


def _source(s: Source) -> SourceOut:
    return SourceOut(
        agency_id=s.agency_id,
        agency_name=s.agency_name,
        report_id=s.report_id,
        filename=s.filename,
        printed_agency=s.printed_agency,
    )


def _named(n: Named) -> NamedOut:
    return NamedOut(agency_id=n.agency_id, agency_name=n.agency_name, reason=n.reason, report_id=n.report_id)


@api.get(
    "/agencies/{agency_id}/rollup/{year}",
    response_model=RollupOut,
    responses={404: {"description": "机关不存在或不在职责范围内"}},
)
def agency_rollup(session: DB, viewer: Reviewer, agency_id: AgencyId, year: Year) -> RollupOut:
    """该机关直属下级机关该年度最新报告的逐格合计，与本级报告对照。"""
    agency = agency_in_scope(session, viewer, agency_id)
    view = make_rollup(session, viewer, agency, year)
    r = view.result
    return RollupOut(
        agency_id=agency.id,
        agency_name=agency.name,
        year=year,
        format=r.format if r else None,
        own=_source(view.own) if view.own else None,
        children=[_source(s) for s in view.included],
        skipped=[_named(n) for n in view.skipped],
        missing=[_named(n) for n in view.missing],
        sums={k: _json(v) for k, v in r.sums.items()} if r else {},
        blanks=dict(r.blanks) if r else {},
        differences=[
            DifferenceOut(
                key=d.key, label=d.label, sum=_json(d.sum), parent=_json(d.parent), difference=_json(d.difference)
            )
            for d in (r.differences if r else [])
        ],
        consistent=r.consistent if r else None,
        problem=view.problem,
        own_problem=view.own_problem,
    )


class MeasureOut(BaseModel):
    key: str = Field(description="统计项编号，如 outcome.granted、applicant.natural_person、appeal.review")
    label: str
    chart: str = Field(description="所属图表：outcomes、applicants、appeals")
    values: list[int | float | None] = Field(description="与 years 一一对应；null 表示该年无数据")


class TrendYearOut(BaseModel):
    year: int
    source: str = Field(description="own：本级报告；rollup：下级报告合计")
    source_label: str
    report_ids: list[int]


class TrendsOut(BaseModel):
    agency_id: int
    agency_name: str
    years: list[TrendYearOut]
    series: list[MeasureOut]
    notes: list[str] = Field(description="未计入的年度及原因")


def _plain(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


@api.get(
    "/agencies/{agency_id}/trends",
    response_model=TrendsOut,
    responses={404: {"description": "机关不存在或不在职责范围内"}},
)
def agency_trends(session: DB, viewer: Reviewer, agency_id: AgencyId) -> TrendsOut:
    """历年申请办理结果、申请人类型和复议诉讼数量（本级报告，或无本级报告时的下级合计）。"""
    agency = agency_in_scope(session, viewer, agency_id)
    data = trends(session, viewer, agency)
    return TrendsOut(
        agency_id=agency.id,
        agency_name=agency.name,
        years=[
            TrendYearOut(year=y.year, source=y.source, source_label=y.source_label, report_ids=list(y.report_ids))
            for y in data.years
        ],
        series=[
            MeasureOut(key=m.key, label=m.label, chart=m.chart, values=[_plain(y.values[m.key]) for y in data.years])
            for m in MEASURES
        ],
        notes=data.notes,
    )
