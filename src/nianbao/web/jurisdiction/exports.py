"""The jurisdiction's status matrix and an agency's trends as CSV or XLSX (issue #17): what a supervisor takes
into a spreadsheet.

The matrix export has a row per agency and year, in the page's order (the agency tree depth-first, then the
years oldest first), with what the page's cell shows: submitted or returned, on time or not, the counts of
errors and warnings, the date judged and the deadline. The trends export has a row per year with its source
(the agency's own report or its children's sum) and the figures the page's charts draw. Both are read from
what the pages compute (`status_matrix`, `trends`) and written by `nianbao.web.check.exports.sheet_response`
(a CSV with the Chinese labels as its header, an XLSX with the labels and the keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from fastapi import HTTPException

from nianbao.render.sheets import Sheet, Value
from nianbao.report import Number
from nianbao.web.jurisdiction.status import CellStatus, Matrix
from nianbao.web.jurisdiction.trends import MEASURES, Trends

__all__ = ["sheet_kind", "status_sheet", "trends_sheet"]


def sheet_kind(kind: str) -> Literal["csv", "xlsx"]:
    """The export's kind from the path, else 404 (called after the access check, so that another agency's
    object answers 404 whatever the kind)."""
    if kind == "csv":
        return "csv"
    if kind == "xlsx":
        return "xlsx"
    raise HTTPException(404, f"不支持的导出格式：{kind}（可选 csv、xlsx）")


#: Where the date a report's timeliness is judged by comes from (`CellStatus.judged_by`).
JUDGED_BY = {"published": "落款日期", "entered": "人工录入日期", "unknown": "日期未识别"}


def _state(c: CellStatus) -> str:
    if not c.submitted:
        return "未提交"
    return "已退回" if c.status == "returned" else "已提交"


def _timeliness(c: CellStatus) -> str:
    if c.submitted:
        return "日期未识别" if c.on_time is None else "按时" if c.on_time else "逾期"
    return "期限已过" if c.overdue else "未到期限"


def status_sheet(matrix: Matrix, level_labels: Mapping[str, str]) -> Sheet:
    """The status matrix: a row per agency and year, as the matrix page shows the cell."""
    columns = (
        ("agency", "机关"),
        ("level", "层级"),
        ("depth", "层次"),
        ("year", "年度"),
        ("state", "提交情况"),
        ("timeliness", "是否按时"),
        ("errors", "错误"),
        ("warnings", "警告"),
        ("judged_on", "判定日期"),
        ("judged_by", "判定依据"),
        ("deadline", "报送期限"),
        ("versions", "份数"),
        ("report_id", "报告编号"),
        ("file", "文件"),
    )
    out: list[tuple[Value, ...]] = []
    for node, cells in matrix.rows:
        for c in cells:
            out.append(
                (
                    node.name,
                    level_labels.get(node.level, node.level),
                    node.depth,
                    c.year,
                    _state(c),
                    _timeliness(c),
                    c.errors if c.submitted else None,
                    c.warnings if c.submitted else None,
                    c.judged_on.isoformat() if c.judged_on is not None else "",
                    JUDGED_BY.get(c.judged_by, ""),
                    c.deadline.isoformat(),
                    c.versions,
                    c.report_id,
                    c.filename,
                )
            )
    return Sheet("辖区汇总", tuple(k for k, _ in columns), tuple(label for _, label in columns), out)


def _number(value: Number | None) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def trends_sheet(data: Trends) -> Sheet:
    """An agency's trends: a row per year, its source and the figures of the page's charts."""
    columns = (
        ("year", "年度"),
        ("source", "来源"),
        ("report_ids", "报告编号"),
        *((m.key, m.label) for m in MEASURES),
    )
    out: list[tuple[Value, ...]] = [
        (
            y.year,
            y.source_label,
            " ".join(str(rid) for rid in y.report_ids),
            *(_number(y.values[m.key]) for m in MEASURES),
        )
        for y in data.years
    ]
    return Sheet("历年趋势", tuple(k for k, _ in columns), tuple(label for _, label in columns), out)
