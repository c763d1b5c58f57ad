"""Scoring the reader on a generated form: every cell of the truth is RIGHT, UNCERTAIN or CONFIDENTLY WRONG.

A cell is RIGHT when the value read equals the truth's (a blank cell: None); UNCERTAIN when it is not right
but the reader said so: it returned None, or the report's `problems` or a `cells`-family finding of
`nianbao.audit.check` names the cell's key; CONFIDENTLY WRONG otherwise (a value that is not the truth's,
with nothing flagging it), the failure issue #15 is about. A file the reader refuses (`ReadError`) has every
valued cell uncertain. The format, year and agency read are scored right or not beside the cells.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import nianbao
from nianbao.audit import check
from nianbao.read import ReadError
from nianbao.report import Report
from tests.forms.generate import FormClass, Generated
from tests.forms.source import Source, expected_cells


@dataclass(frozen=True)
class Wrong:
    key: str
    got: object
    want: object


@dataclass
class Score:
    source: str  # e.g. "real/r001"
    form: str
    seed: int
    cells: int = 0
    right: int = 0
    uncertain: int = 0
    wrong: list[Wrong] = field(default_factory=list)
    format_right: bool = False
    year_right: bool = False
    agency_right: bool = False
    error: str | None = None  # the reader refused the file


def same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def flagged_keys(report: Report) -> set[str]:
    """The cell keys the reader or the audit's cell rules have doubts about."""
    keys = {k for p in report.problems for k in p.keys}
    keys |= {k for f in check(report).findings if f.family == "cells" for k in f.keys}
    return keys


def read_generated(generated: Generated) -> Report:
    """The generated text read by `nianbao.read` from a temporary file with its suffix."""
    with tempfile.TemporaryDirectory(prefix="nianbao-forms-") as tmp:
        path = Path(tmp) / f"report{generated.suffix}"
        path.write_text(generated.text, encoding="utf-8")
        return nianbao.read(path)


def score_report(source: Source, form: str, seed: int, report: Report | None, error: str | None = None) -> Score:
    truth = source.truth
    want = expected_cells(truth)
    out = Score(source.name, form, seed, cells=len(want), error=error)
    if report is None:
        out.uncertain = sum(1 for v in want.values() if v is not None)
        out.right = out.cells - out.uncertain
        return out
    flagged = flagged_keys(report)
    for key, value in want.items():
        got = report.value(key)
        if same(got, value):
            out.right += 1
        elif got is None or key in flagged:
            out.uncertain += 1
        else:
            out.wrong.append(Wrong(key, got, value))
    out.format_right = report.format == truth["format"]
    out.year_right = report.year == truth["year"]
    agency = report.agency or ""
    out.agency_right = bool(agency) and (agency in truth["agency"] or truth["agency"] in agency)
    return out


def score(source: Source, form: FormClass, seed: int = 0) -> Score | None:
    """The reader's score on the `form` of `source`, or None when the class has no form of that report."""
    if not form.applies(source):
        return None
    generated = form.make(source, seed)
    try:
        report = read_generated(generated)
    except ReadError as exc:
        return score_report(source, form.name, seed, None, error=f"{type(exc).__name__}: {exc}")
    return score_report(source, form.name, seed, report)
