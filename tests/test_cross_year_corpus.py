"""The cross-year rules on two real consecutive reports of one agency.

淮安市洪泽区人民政府, 2023 (r012) and 2024 (r013).

Both years are read from the text (pdftotext) and from the PDF as published. As printed they pass each
other (nothing carried over either way, 5 + 3 − 0 = 8 normative documents in force, rewritten narrative);
a report checked against an exact copy of itself relabelled as the year before is a copy.
"""

from __future__ import annotations

import copy

import pytest

import nianbao
from nianbao.audit import Status, check
from nianbao.audit.rules.cross_year import similarity
from nianbao.report import Report
from tests.conftest import CORPUS

REAL = CORPUS / "real"

PROBLEMS = (Status.FAILED, Status.UNCERTAIN)


def _pair(kind: str) -> tuple[Report, Report]:
    return nianbao.read(REAL / f"r012.{kind}"), nianbao.read(REAL / f"r013.{kind}")


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_consecutive_reports_pass_each_other(kind: str) -> None:
    before, after = _pair(kind)
    assert (before.year, after.year) == (2023, 2024)
    audit = check(after, previous=before, select_rules=["cross_year"])
    problems = [(f.rule, f.status.value, f.message) for f in audit.findings if f.status in PROBLEMS]
    assert not problems
    assert not [f for f in audit.findings if f.subject == "pairing"], "the two reports were not paired"


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_similarity_of_consecutive_reports_is_below_the_threshold(kind: str) -> None:
    before, after = _pair(kind)
    result = similarity(after, before)
    assert result is not None
    share, _, _ = result
    assert 0.2 < share < 0.5  # partly reworded (0.35 when written): alike in places, not copied


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_a_copy_of_itself_as_last_year_is_flagged(kind: str) -> None:
    _, after = _pair(kind)
    relabelled = copy.deepcopy(after)
    relabelled.year = after.year - 1 if after.year else None
    audit = check(after, previous=relabelled, select_rules=["cross_year"])
    flagged = {f.rule for f in audit.findings if f.status is Status.FAILED}
    assert {"Y703", "Y704"} <= flagged
