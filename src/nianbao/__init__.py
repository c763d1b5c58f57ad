"""nianbao: read, audit and write China's government information disclosure annual reports."""

from nianbao.read import NotAReport, ReadError, read
from nianbao.report import Cell, Location, Problem, Report, Section

__version__ = "0.1.0"

__all__ = ["Cell", "Location", "NotAReport", "Problem", "ReadError", "Report", "Section", "__version__", "read"]
