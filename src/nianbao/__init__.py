"""nianbao: read, audit and write China's government information disclosure annual reports."""

from nianbao.audit import Audit, Finding, Options, Severity, Status, check
from nianbao.read import NotAReport, ReadError, read
from nianbao.report import Cell, Location, Problem, Report, Section

__version__ = "0.1.0"

__all__ = ["Audit", "Cell", "Finding", "Location", "NotAReport", "Options", "Problem", "ReadError", "Report", "Section",
           "Severity", "Status", "__version__", "check", "read"]
