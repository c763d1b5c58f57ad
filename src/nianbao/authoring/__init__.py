"""Authoring: reports written in the official layout (markdown, html, docx, pdf) and blank templates.

`render(report, to=...)` checks the report first: errors stop it unless `force=True` (a report that
does not add up is never published by accident); the audit is returned with the output so warnings
can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.audit import Audit, Severity, check
from nianbao.report import Report

KINDS = ("md", "html", "docx", "pdf")


class RenderBlocked(Exception):
    """The audit found errors and rendering was not forced."""

    def __init__(self, audit: Audit) -> None:
        errors = [f for f in audit.findings if f.severity is Severity.ERROR and f.review != "dismissed"]
        super().__init__(f"核查发现 {len(errors)} 项错误，未生成报告（可用 force 强制生成）")
        self.audit = audit
        self.errors = errors


@dataclass
class Rendered:
    data: bytes
    kind: str
    audit: Audit


def render_bytes(report: Report, kind: str) -> bytes:
    """The report in `kind` without any check (renderers only; use `render`)."""
    if kind == "md":
        from nianbao.authoring.markdown import render_md
        return render_md(report).encode("utf-8")
    if kind == "html":
        from nianbao.authoring.html import render_html
        return render_html(report).encode("utf-8")
    if kind == "docx":
        from nianbao.authoring.docx import render_docx
        return render_docx(report)
    if kind == "pdf":
        from nianbao.authoring.pdf import render_pdf
        return render_pdf(report)
    raise ValueError(f"不支持的输出格式：{kind}（可选 {'、'.join(KINDS)}）")


def render(report: Report, to: str, *, force: bool = False, previous: Report | None = None) -> Rendered:
    """Checks, then renders `report` as `to` (md, html, docx, pdf). Raises RenderBlocked on errors."""
    if to not in KINDS:
        raise ValueError(f"不支持的输出格式：{to}（可选 {'、'.join(KINDS)}）")
    audit = check(report, previous)
    if not force and any(f.severity is Severity.ERROR and f.review != "dismissed" for f in audit.findings):
        raise RenderBlocked(audit)
    return Rendered(render_bytes(report, to), to, audit)
