"""The check list and a report's findings as CSV or XLSX (issue #17): what an officer takes into a spreadsheet.

The list export has the rows the list page shows with the same filters (every page of them, not one), read from
the stored rows alone (no file is read again); the findings export has one row per finding of one report, with
its cells by their printed labels. Both are written by `nianbao.render.sheets` (Chinese labels as the header of
a CSV; Chinese labels and keys as the two header rows of an XLSX; text that would start a formula made safe).
"""

from __future__ import annotations

import io
from typing import Literal

from fastapi import Response

from nianbao.audit.model import FAMILY_NAMES, Audit
from nianbao.audit.model import STATUS_NAMES as FINDING_STATUS_NAMES
from nianbao.audit.registry import catalog
from nianbao.formats import get_format
from nianbao.render.sheets import Sheet, Value, write_csv, write_sheet_xlsx
from nianbao.report import Report
from nianbao.store.models import StoredReport
from nianbao.web.core.downloads import attachment

__all__ = ["STATUS_NAMES", "findings_sheet", "list_sheet", "sheet_response"]

Kind = Literal["csv", "xlsx"]
STATUS_NAMES = {"returned": "已退回", "checked": "仅核查·未提交", "submitted": "已提交"}
_MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def sheet_response(sheet: Sheet, kind: Kind, name: str) -> Response:
    """The sheet as a download named `name`.csv or .xlsx (a CSV with a byte-order mark, so that Excel reads it
    as UTF-8)."""
    if kind == "csv":
        text = io.StringIO()
        write_csv(sheet, text, header="zh")
        content = ("\ufeff" + text.getvalue()).encode("utf-8")
    else:
        data = io.BytesIO()
        write_sheet_xlsx(sheet, data)
        content = data.getvalue()
    return Response(content, media_type=_MEDIA[kind], headers={"Content-Disposition": attachment(f"{name}.{kind}")})


def list_sheet(rows: list[tuple[StoredReport, str]]) -> Sheet:
    """The check list: a row per stored report (with its uploader's name), newest first."""
    columns = (
        ("id", "编号"),
        ("agency", "机关"),
        ("printed_agency", "报告所印机关"),
        ("year", "年度"),
        ("format", "格式"),
        ("file", "文件"),
        ("kind", "类型"),
        ("uploaded_at", "上传时间"),
        ("uploader", "上传人"),
        ("errors", "错误"),
        ("warnings", "警告"),
        ("infos", "提示"),
        ("status", "状态"),
        ("status_note", "退回意见"),
    )
    out: list[tuple[Value, ...]] = []
    for stored, uploader in rows:
        out.append(
            (
                stored.id,
                stored.agency.name if stored.agency is not None else "",
                stored.printed_agency,
                stored.year,
                stored.format or "",
                stored.filename,
                stored.kind,
                stored.uploaded_at.strftime("%Y-%m-%d %H:%M") if stored.uploaded_at is not None else "",
                uploader,
                stored.errors,
                stored.warnings,
                stored.infos,
                STATUS_NAMES.get(stored.status, stored.status),
                stored.status_note,
            )
        )
    return Sheet("核查列表", tuple(k for k, _ in columns), tuple(label for _, label in columns), out)


def findings_sheet(report: Report, audit: Audit) -> Sheet:
    """A report's findings: a row per finding, in Chinese — the rule's title, its family and status, its cells
    named by their printed row and column labels — then the codes (the rule's name, the cells' keys, the
    fingerprint) for whoever matches them with the JSON."""
    fmt = get_format(report.format) if report.format is not None else None
    titles = {r.code: r.title for r in catalog()}
    columns = (
        ("rule", "规则"),
        ("title", "问题"),
        ("family", "类别"),
        ("severity", "严重程度"),
        ("status", "状态"),
        ("message", "说明"),
        ("cells", "单元格"),
        ("printed", "印为"),
        ("where", "位置"),
        ("name", "规则名"),
        ("keys", "单元格编号"),
        ("fingerprint", "指纹"),
    )
    out: list[tuple[Value, ...]] = []
    for f in audit.findings:
        named = []
        for ref in f.cells:
            spec = fmt.cells.get(ref.key) if fmt is not None else None
            named.append(f"{spec.row_label}·{spec.column_label}" if spec is not None else ref.key)
        out.append(
            (
                f.rule,
                titles.get(f.rule, f.name),
                FAMILY_NAMES.get(f.family, f.family),
                f.severity.chinese,
                FINDING_STATUS_NAMES.get(f.status, f.status.value),
                f.message,
                "；".join(named),
                "；".join(ref.printed or "" for ref in f.cells),
                f.location.describe() if f.location is not None else "",
                f.name,
                " ".join(f.keys),
                f.fingerprint,
            )
        )
    return Sheet("核查发现", tuple(k for k, _ in columns), tuple(label for _, label in columns), out)
