"""Submitting the year's report: the rendered .docx goes to the check area as a stored report.

A report is submitted only when the audit finds no error: what a reviewer receives adds up. The
check area's `store_report` keeps the file (source ``ledger``), audits it again as read back, and
shows it to the agency's reviewers and supervisors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from nianbao.authoring.from_ledger import DraftData, build, filename
from nianbao.store.models import Agency
from nianbao.web.core.people import Viewer
from nianbao.web.report.build import render

if TYPE_CHECKING:
    from nianbao.store.models import StoredReport

MAX_LISTED = 20


class SubmitError(Exception):
    """The report was not submitted; `details` lists the errors, `status` is the HTTP status to answer."""

    def __init__(self, message: str, details: list[str] | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.details = details or []
        self.status = status


def _store_report() -> Any:
    try:
        from nianbao.web.check.service import store_report
    except ImportError:
        raise SubmitError("提交功能暂不可用：报告核查模块尚未就绪，请先下载报告，稍后再提交", status=409) from None
    return store_report


def submit_report(session: Session, viewer: Viewer, agency: Agency, year: int, data: DraftData) -> StoredReport:
    """Render the report as .docx and store it as submitted; SubmitError while the audit finds errors."""
    built = build(session, agency, year, data)
    if built.errors:
        details = [f"{f.rule}：{f.message}" for f in built.errors[:MAX_LISTED]]
        if len(built.errors) > MAX_LISTED:
            details.append(f"……另有 {len(built.errors) - MAX_LISTED} 项")
        raise SubmitError(f"核查发现 {len(built.errors)} 项错误，报告未提交；请更正后再提交", details)
    store_report = _store_report()
    content = render(built, "docx")
    try:
        with session.begin_nested():  # a refusal leaves nothing half-stored; the saved draft stays
            stored: StoredReport = store_report(
                session,
                viewer,
                filename(agency.name, year, "docx"),
                content,
                agency_id=agency.id,
                source="ledger",
                submit=True,
            )
    except ValueError as exc:
        raise SubmitError(f"提交未成功：{exc}") from None
    return stored
