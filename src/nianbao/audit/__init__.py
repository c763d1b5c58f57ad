"""Auditing reports against a catalog of coded rules (`nianbao check`)."""

from nianbao.audit.engine import check
from nianbao.audit.model import FAMILIES, Audit, CellRef, Finding, Severity, Status
from nianbao.audit.registry import RULES, Context, Hit, Options, Rule, catalog

__all__ = [
    "FAMILIES",
    "RULES",
    "Audit",
    "CellRef",
    "Context",
    "Finding",
    "Hit",
    "Options",
    "Rule",
    "Severity",
    "Status",
    "catalog",
    "check",
]
