"""An agency's figures over the years: applications by outcome group and by applicant type, and the
行政复议 / 行政诉讼 cases — drawn as charts on the trends page and served as JSON series.

For each year with a stored report of the agency or of one of its direct children, the figures come from
the agency's own latest report of that year when it has one; otherwise, for an agency with children (a
government), from the sum of its children's latest reports (`nianbao.corpus.rollup`). Each year says
which it is, since the two are not the same thing.

The groups are the rows of table 三 in both formats (formats/cells.csv): 不予公开, 无法提供, 不予处理 and (in
the 2021 format) 其他处理 are the sum of their numbered rows' 总计; applicants are the 本年新收 row, 自然人
against the five 法人或其他组织 columns; 行政诉讼 adds the two litigation groups of table 四.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import Session

from nianbao.corpus.rollup import rollup
from nianbao.report import Number, Report
from nianbao.store.models import APPLICANT_TYPES, Agency
from nianbao.web.charts import Series, bar_chart, line_chart
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.rollups import child_agencies, latest_reports, parse_stored
from nianbao.web.jurisdiction.status import data_years

MAX_YEARS = 15

OUTCOME_GROUPS: tuple[tuple[str, str], ...] = (
    ("granted", "予以公开"),
    ("partially_granted", "部分公开"),
    ("withheld", "不予公开"),
    ("unavailable", "无法提供"),
    ("not_processed", "不予处理"),
    ("other_handling", "其他处理"),
)


@dataclass(frozen=True)
class Measure:
    key: str  # stable name in the API, e.g. "outcome.withheld"
    label: str
    chart: str  # the chart it is drawn in


MEASURES: tuple[Measure, ...] = (
    *(Measure(f"outcome.{group}", label, "outcomes") for group, label in OUTCOME_GROUPS),
    Measure("applicant.natural_person", "自然人", "applicants"),
    Measure("applicant.organization", "法人或其他组织", "applicants"),
    Measure("appeal.review", "行政复议", "appeals"),
    Measure("appeal.litigation", "行政诉讼", "appeals"),
)

#: (chart, title, kind)
CHARTS: tuple[tuple[str, str, str], ...] = (
    ("outcomes", "本年度办理结果（按结果分组）", "line"),
    ("applicants", "本年新收申请（按申请人类型）", "bar"),
    ("appeals", "政府信息公开行政复议、行政诉讼", "bar"),
)


def _add(values: Mapping[str, Number | None], keys: list[str]) -> Number | None:
    """The sum of the cells printed (blank cells left out); None when every one is blank or absent."""
    known = [v for v in (values.get(k) for k in keys) if v is not None]
    return sum(known[1:], known[0]) if known else None


def measure(values: Mapping[str, Number | None], key: str) -> Number | None:
    """The value of one measure (see MEASURES) from a report's cells or a roll-up's sums."""
    kind, _, name = key.partition(".")
    if kind == "outcome":
        whole, prefix = f"applications.{name}.total", f"applications.{name}."
        keys = [
            k for k in values if k == whole or (k.startswith(prefix) and k.endswith(".total") and k.count(".") == 3)
        ]
        return _add(values, keys)
    if kind == "applicant":
        columns = APPLICANT_TYPES[:1] if name == "natural_person" else APPLICANT_TYPES[1:]
        return _add(values, [f"applications.new.{c}" for c in columns])
    if key == "appeal.review":
        return _add(values, ["review.total"])
    if key == "appeal.litigation":
        return _add(values, ["litigation_direct.total", "litigation_after_review.total"])
    raise ValueError(f"未知的统计项：{key}")


@dataclass(frozen=True)
class TrendYear:
    year: int
    source: str  # "own": the agency's report; "rollup": the sum of its children's reports
    report_ids: tuple[int, ...]
    values: dict[str, Number | None]

    @property
    def source_label(self) -> str:
        return "本级报告" if self.source == "own" else f"下级合计（{len(self.report_ids)} 份报告）"


@dataclass
class Trends:
    agency: Agency
    years: list[TrendYear] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # years left out, and why (Chinese)

    def series(self, chart: str) -> list[Series]:
        return [Series(m.label, tuple(y.values[m.key] for y in self.years)) for m in MEASURES if m.chart == chart]


def _values(report_values: Mapping[str, Number | None]) -> dict[str, Number | None]:
    return {m.key: measure(report_values, m.key) for m in MEASURES}


def trends(session: Session, viewer: Viewer, agency: Agency) -> Trends:
    """The agency's figures for every year with reports (at most the last MAX_YEARS)."""
    children = child_agencies(session, viewer, agency)
    out = Trends(agency)
    years = data_years(session, viewer, [agency.id, *(c.id for c in children)])[-MAX_YEARS:]
    stored = latest_reports(session, viewer, [agency, *children], years)
    for year in years:
        own = stored.get((agency.id, year))
        if own is not None:
            report, reason = parse_stored(own)
            if report is not None:
                out.years.append(TrendYear(year, "own", (own.id,), _values(report.values())))
                continue
            out.notes.append(f"{year} 年度本级报告{reason}")
        parsed: list[tuple[int, Report]] = []
        for child in children:
            row = stored.get((child.id, year))
            report = parse_stored(row)[0] if row is not None else None
            if row is not None and report is not None:
                parsed.append((row.id, report))
        if not parsed:
            continue
        try:
            result = rollup([r for _, r in parsed], None, year=year)
        except ValueError as exc:
            out.notes.append(f"{year} 年度：{exc}")
            continue
        used = tuple(rid for rid, r in parsed if any(r is c for c in result.children))
        if used:
            out.years.append(TrendYear(year, "rollup", used, _values(result.sums)))
    return out


def charts(data: Trends, chart_prefix: str = "trend") -> list[tuple[str, str, Markup]]:
    """The three charts as (chart, title, SVG markup)."""
    categories = [f"{y.year}年" for y in data.years]
    drawn: list[tuple[str, str, Markup]] = []
    for chart, title, kind in CHARTS:
        draw = line_chart if kind == "line" else bar_chart
        svg = draw(title, categories, data.series(chart), chart_id=f"{chart_prefix}-{chart}")
        drawn.append((chart, title, svg))
    return drawn
