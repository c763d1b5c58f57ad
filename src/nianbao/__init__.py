"""nianbao: read, audit and write China's government information disclosure annual reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.audit import Audit, Finding, Options, Severity, Status, check
from nianbao.read import NotAReport, ReadError, read
from nianbao.report import Cell, Location, Problem, Report, Section

if TYPE_CHECKING:
    from nianbao.authoring import Rendered

__version__ = "0.1.0"


def render(report: Report, to: str, *, force: bool = False, previous: Report | None = None) -> Rendered:
    """Checks the report, then writes it in the official layout as `to` (md, html, docx, pdf).

    Raises `nianbao.authoring.RenderBlocked` when the audit finds errors, unless `force=True`.
    """
    from nianbao.authoring import render as render_report

    return render_report(report, to, force=force, previous=previous)


def template(year: int, agency: str, previous: Report | None = None, to: str | Path | None = None) -> Report:
    """A blank report of `year`'s format for `agency` (上年结转 from `previous`), written to `to`
    (.yaml or .xlsx) when given."""
    from nianbao.authoring.template import template as make_template
    from nianbao.authoring.workbook import write_xlsx
    from nianbao.authoring.yaml_file import write_yaml

    report = make_template(year, agency, previous)
    if to is not None:
        path = Path(to)
        if path.suffix.lower() == ".xlsx":
            write_xlsx(report, path, previous=previous)
        else:
            write_yaml(report, path, previous=previous)
    return report

__all__ = ["Audit", "Cell", "Finding", "Location", "NotAReport", "Options", "Problem", "ReadError", "Report", "Section",
           "Severity", "Status", "__version__", "check", "read", "render", "template"]
