"""Every rule against its data-driven cases (tests/rules/cases/CODE.toml): failing and passing examples."""

from __future__ import annotations

from typing import Any

import pytest

from nianbao.audit import Status, catalog, check
from tests.rules.harness import build, load_cases

CASES = load_cases()


@pytest.mark.parametrize(("code", "case"), CASES, ids=[f"{c}-{case['name']}" for c, case in CASES])
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    report = build(case)
    previous = build(case["previous"]) if "previous" in case else None
    audit = check(report, previous, select_rules=[code])
    assert all(f.rule == code for f in audit.findings)
    hits = [f for f in audit.findings if f.status in (Status.FAILED, Status.UNCERTAIN)]
    if "expect_status" in case:
        assert any(f.status.value == case["expect_status"] for f in audit.findings), audit.findings
        return
    shown = [(f.status.value, f.message, f.keys) for f in audit.findings]
    if case["expect"] == "pass":
        assert not hits, shown
        return
    assert case["expect"] == "fail"
    assert hits, f"rule {code} found nothing"
    if "expect_count" in case:
        assert len(hits) == case["expect_count"], shown
    if "expect_keys" in case:
        covered = {k for f in hits for k in f.keys}
        assert set(case["expect_keys"]) <= covered, shown


@pytest.mark.parametrize("code", [r.code for r in catalog()])
def test_every_rule_has_failing_and_passing_cases(code: str) -> None:
    expects = {case.get("expect") for c, case in CASES if c == code}
    assert {"fail", "pass"} <= expects, f"tests/rules/cases/{code}.toml needs a failing and a passing case"
