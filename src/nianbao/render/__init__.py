"""Rendering: every page and document nianbao writes, in the official layout.

The report writers (`md.py`, `html.py`, `docx.py`, `pdf.py`) print what `content.py` says a report
contains; the check page (`check_page.py`, with `check_findings.py` and `check_style.py`) shows a
report's tables with the cells its audit names, and the findings. The official tables are laid out once,
by `nianbao.formats.grid`; the HTML pages (the html writer, the check page and the web report editor)
draw them with one Jinja macro, `templates/official_table.html` (`official_table.py` builds its view).

`render(report, to=...)` checks the report first: errors stop it unless `force=True` (a report that
does not add up is never published by accident); the audit is returned with the output so warnings
can be shown. The writers' heavy libraries (python-docx, ReportLab, Jinja2) are imported when a
document is written, not with this package.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.audit import Audit, Options, Severity, check
from nianbao.read.lines import document_lines, source_lines
from nianbao.render.check_findings import Actions
from nianbao.render.check_page import AuditParts, audit_html, audit_parts, audit_section, audits_html, finding_html
from nianbao.render.check_style import CSS
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


def render_bytes(report: Report, kind: str, *, draft: bool = False) -> bytes:
    """The report in `kind` without any check (renderers only; use `render`).

    `draft`: a report not yet submitted; its docx and pdf carry a "草稿" watermark on every page (md and html
    are working copies, not printed, and have none)."""
    if kind == "md":
        from nianbao.render.md import render_md

        return render_md(report).encode("utf-8")
    if kind == "html":
        from nianbao.render.html import render_html

        return render_html(report).encode("utf-8")
    if kind == "docx":
        from nianbao.render.docx import render_docx

        return render_docx(report, draft=draft)
    if kind == "pdf":
        from nianbao.render.pdf import render_pdf

        return render_pdf(report, draft=draft)
    raise ValueError(f"不支持的输出格式：{kind}（可选 {'、'.join(KINDS)}）")


def render(
    report: Report, to: str, *, force: bool = False, previous: Report | None = None, options: Options | None = None
) -> Rendered:
    """Checks (with the audit `options`), then renders `report` as `to` (md, html, docx, pdf).

    Raises RenderBlocked on errors."""
    if to not in KINDS:
        raise ValueError(f"不支持的输出格式：{to}（可选 {'、'.join(KINDS)}）")
    audit = check(report, previous, options=options)
    if not force and any(f.severity is Severity.ERROR and f.review != "dismissed" for f in audit.findings):
        raise RenderBlocked(audit)
    return Rendered(render_bytes(report, to), to, audit)


__all__ = [
    "CSS",
    "KINDS",
    "Actions",
    "AuditParts",
    "RenderBlocked",
    "Rendered",
    "audit_html",
    "audit_parts",
    "audit_section",
    "audits_html",
    "document_lines",
    "finding_html",
    "render",
    "render_bytes",
    "source_lines",
]
