"""nianbao: read, audit and write China's government information disclosure annual reports."""

from __future__ import annotations

from pathlib import Path

from nianbao.audit import Audit, Finding, Options, Severity, Status, check
from nianbao.read import NotAReport, ReadError, read
from nianbao.render import Rendered
from nianbao.render import render as _render_report
from nianbao.report import Cell, Location, Problem, Report, Section

# `nianbao.render` is this module's function below, not the subpackage of the same name: the subpackage is
# imported here first, so that importing it (or a module of it) later never rebinds the name (Python sets a
# package's attribute to its subpackage only when the subpackage is first loaded). Same for `read`.


def __getattr__(name: str) -> str:
    """`nianbao.__version__`: the installed package's version (pyproject.toml), "0+unknown" when the package
    is not installed. Read from the package metadata on first use (not at import: `nianbao parse` starts fast)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("nianbao")
    except PackageNotFoundError:
        found = "0+unknown"
    globals()["__version__"] = found
    return found


def render(report: Report, to: str, *, force: bool = False, previous: Report | None = None) -> Rendered:
    """Checks the report, then writes it in the official layout as `to` (md, html, docx, pdf).

    Raises `nianbao.render.RenderBlocked` when the audit finds errors, unless `force=True`.
    """
    return _render_report(report, to, force=force, previous=previous)


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


__all__ = [
    "Audit",
    "Cell",
    "Finding",
    "Location",
    "NotAReport",
    "Options",
    "Problem",
    "ReadError",
    "Report",
    "Section",
    "Severity",
    "Status",
    "__version__",
    "check",
    "read",
    "render",
    "template",
]
