"""Scoring the reader on a scan: every cell of the scan's truth is RIGHT, WRONG-BUT-FLAGGED or WRONG-SILENT.

RIGHT: the value read is the truth's (what the PDF prints; `tests.forms.score.same`). WRONG-BUT-FLAGGED
("caught"): not right, but something says so: the cell's key is in a `report.problems` entry, or in a
finding of `nianbao.audit.check(report)` of the `cells` or `arithmetic` family whose status is failed or
uncertain. WRONG-SILENT: anything else, a missing value (None) included. A scan the reader refuses
(`ReadError`) is scored as refused: none of its cells is counted right or wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.audit import Status, check
from nianbao.report import Report
from tests.forms.score import Wrong, same
from tests.scans.generate import Scan

CAUGHT_FAMILIES = frozenset({"cells", "arithmetic"})
CAUGHT_STATUSES = frozenset({Status.FAILED, Status.UNCERTAIN})


@dataclass
class ScanScore:
    source: str
    scan: str  # the degradations, e.g. "skew+seal"
    dpi: int
    pages: int
    cells: int = 0
    right: int = 0
    caught: int = 0
    silent: list[Wrong] = field(default_factory=list)
    format_right: bool = False
    year_right: bool = False
    seconds: float = 0.0  # the read
    error: str | None = None  # the reader refused the scan

    @property
    def refused(self) -> bool:
        return self.error is not None


def caught_keys(report: Report) -> set[str]:
    """The keys the reader's problems, or the audit's failed / uncertain cell and arithmetic findings, name."""
    keys = {k for p in report.problems for k in p.keys}
    for finding in check(report).findings:
        if finding.family in CAUGHT_FAMILIES and finding.status in CAUGHT_STATUSES:
            keys.update(finding.keys)
    return keys


def score_scan(scan: Scan, report: Report | None, seconds: float, error: str | None = None) -> ScanScore:
    out = ScanScore(scan.source, scan.name, scan.dpi, len(scan.pages), seconds=seconds, error=error)
    if report is None:
        return out
    want = scan.cells()
    out.cells = len(want)
    flagged = caught_keys(report)
    for key, value in want.items():
        got = report.value(key)
        if same(got, value):
            out.right += 1
        elif key in flagged:
            out.caught += 1
        else:
            out.silent.append(Wrong(key, got, value))
    out.format_right = report.format == scan.truth.format
    out.year_right = report.year == scan.truth.year
    return out
