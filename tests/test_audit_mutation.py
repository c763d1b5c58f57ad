"""Mutation test: every single cell of sections 三 and 四 changed by +1 is caught by an arithmetic rule."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import nianbao
from nianbao.audit import Status
from nianbao.formats import get_format
from nianbao.report import Cell, Report
from tests.conftest import corpus_reports

REPORTS = corpus_reports()


def _arithmetic_failures(report: Report) -> list[nianbao.Finding]:
    audit = nianbao.check(report, select_rules=["arithmetic"])
    return [f for f in audit.findings if f.status in (Status.FAILED, Status.UNCERTAIN)]


def _consistent(path: Path) -> Report | None:
    report = nianbao.read(path)
    return None if _arithmetic_failures(report) else report


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_single_cell_change_is_caught(path: Path) -> None:
    report = _consistent(path)
    if report is None:
        pytest.skip("this report's printed arithmetic does not hold (its inconsistency is the audit's finding)")
    fmt = get_format(report.format or "")
    keys = [k for k, spec in fmt.cells.items() if spec.table.startswith(("三", "四")) and report.value(k) is not None]
    if not keys:
        pytest.skip("every cell of tables 三 and 四 is printed empty")
    missed = []
    for key in keys:
        mutated = copy.copy(report)
        mutated.cells = dict(report.cells)
        old = report.cells[key]
        assert old.value is not None
        mutated.cells[key] = Cell(key, old.value + 1, str(old.value + 1), old.location)
        if not any(key in f.keys for f in _arithmetic_failures(mutated)):
            missed.append(key)
    assert not missed, f"{len(missed)} of {len(keys)} mutations not caught: {missed[:5]}"


def test_unchanged_consistent_reports_raise_no_arithmetic_error() -> None:
    consistent = [p for p in REPORTS if _consistent(p) is not None]
    assert len(consistent) >= 12
    for path in consistent:
        audit = nianbao.check(nianbao.read(path), select_rules=["arithmetic"])
        assert not [f for f in audit.findings if f.severity is nianbao.Severity.ERROR], path
