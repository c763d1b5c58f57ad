"""The rule families; importing this package registers every rule, one module per family."""

from nianbao.audit.rules import arithmetic, cells, cross_year, format, structure, text, timeliness

__all__ = ["arithmetic", "cells", "cross_year", "format", "structure", "text", "timeliness"]
