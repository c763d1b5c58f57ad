"""The audit on the seeds and the corpus: the acceptance facts, the API, the CLI and the generated docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nianbao
from nianbao.audit import FAMILIES, Severity, Status, catalog
from nianbao.audit.docs import rules_markdown
from nianbao.cli import app
from tests.conftest import CORPUS, ROOT, SAMPLES, corpus_reports, load_truth

runner = CliRunner()


def _seed(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


def _failed(audit: nianbao.Audit, family: str) -> list[nianbao.Finding]:
    return [f for f in audit.by_family(family) if f.status in (Status.FAILED, Status.UNCERTAIN)]


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `.venv/bin/nianbao rules --markdown > docs/rules.md`"
    )


def test_every_rule_is_documented_and_codes_are_unique() -> None:
    rules = catalog()
    assert len({r.code for r in rules}) == len(rules)
    assert {r.family for r in rules} == set(FAMILIES)
    for r in rules:
        assert (
            r.code[0]
            == {
                "arithmetic": "A",
                "cells": "C",
                "format": "F",
                "structure": "S",
                "text": "T",
                "timeliness": "D",
                "cross_year": "Y",
            }[r.family]
        )
        assert all((r.title, r.checks, r.basis, r.example, r.correct)), r.code
        assert f"## {r.code} `{r.name}`" in rules_markdown()


def test_seed_000_mixed_numbering_and_higher_level_words_only() -> None:
    audit = nianbao.check(nianbao.read(_seed("000")))
    assert _failed(audit, "structure")
    assert any("全省" in f.message for f in _failed(audit, "text"))
    assert not _failed(audit, "arithmetic")
    assert not _failed(audit, "cells")


def test_seed_001_all_blank_cells_found_and_no_arithmetic_failure() -> None:
    audit = nianbao.check(nianbao.read(_seed("001")))
    blank = {k for f in _failed(audit, "cells") for k in f.keys}
    assert len(blank) == 200
    assert _failed(audit, "structure")
    assert any("全省" in f.message for f in _failed(audit, "text"))
    assert not _failed(audit, "arithmetic")
    assert all(f.status is Status.NOT_ASSESSABLE for f in audit.by_family("arithmetic"))


def test_seed_002_one_blank_cell_and_the_right_format() -> None:
    audit = nianbao.check(nianbao.read(_seed("002")))
    cells = _failed(audit, "cells")
    assert [f.keys for f in cells] == [("applications.total.nonprofit",)]
    assert not audit.by_family("format")


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_seeds_003_and_004_have_no_error(prefix: str) -> None:
    audit = nianbao.check(nianbao.read(_seed(prefix)))
    assert [f for f in audit.findings if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize("path", corpus_reports(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_printed_arithmetic_inconsistencies_are_found(path: Path) -> None:
    truth = load_truth(path)
    audit = nianbao.check(nianbao.read(path))
    found = {f.subject for f in _failed(audit, "arithmetic")}
    assert found == set(truth.get("inconsistent_arithmetic") or [])


def test_fingerprints_are_stable_and_reviews_follow_them() -> None:
    report = nianbao.read(_seed("002"))
    first = nianbao.check(report)
    again = nianbao.check(nianbao.read(_seed("002")))
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in again.findings]
    target = first.findings[0].fingerprint
    reviewed = nianbao.check(report, reviews={target: "dismissed"})
    assert [f.review for f in reviewed.findings if f.fingerprint == target] == ["dismissed"]


def test_cli_check_json_exit_codes_and_select() -> None:
    result = runner.invoke(app, ["check", "--output", "json", str(_seed("003")), str(_seed("002"))])
    assert result.exit_code == 0, result.stdout
    objs = [json.loads(line) for line in result.stdout.strip().split("\n")]
    assert [o["agency"] for o in objs] == ["忻州市审计局", "乡宁县审计局"]
    finding = objs[1]["findings"][0]
    assert set(finding) >= {"rule", "name", "family", "severity", "status", "message", "keys", "location"}
    warn = runner.invoke(app, ["check", "--fail-on", "warning", "--select", "C", str(_seed("002"))])
    assert warn.exit_code == 1
    ignored = runner.invoke(app, ["check", "--fail-on", "warning", "--ignore", "C201", str(_seed("002"))])
    assert ignored.exit_code == 0, ignored.stdout


def test_cli_check_exit_1_on_error_and_2_on_unreadable(tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", str(CORPUS / "real" / "r012.txt")]).exit_code == 1
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["check", str(empty), str(_seed("003"))])
    assert result.exit_code == 2
    assert "文件为空" in result.stderr


def test_cli_rules_lists_and_shows_one() -> None:
    listing = runner.invoke(app, ["rules"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    assert "A101" in listing.stdout
    one = runner.invoke(app, ["rules", "a101"])
    assert one.exit_code == 0
    assert "applications-balance-mismatch" in one.stdout
    assert runner.invoke(app, ["rules", "Z999"]).exit_code == 2


# What each corpus report's truth notes say is inconsistent as printed, and the rule that must find it.
PRINTED_DEFECTS = {
    "r001": {("text", "T501")},  # narrative 现行有效行政规范性文件393件, table 470
    "r009": {("text", "T501")},  # narrative 规范性文件类信息1条, table 9
    "r012": {("arithmetic", "A104"), ("format", "F302")},  # 四 totals printed 0; old single （六）其他处理 row
    "r013": {("format", "F302")},  # old single （六）其他处理 row
    "000": {("structure", "S403"), ("text", "T504")},  # numbering 1、/二、/3、; 全省 in a district report
    "001": {("cells", "C201"), ("structure", "S403"), ("text", "T504")},  # every cell empty; as 000
}


@pytest.mark.parametrize("path", corpus_reports(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_inconsistencies_named_in_truth_notes_are_found_by_the_right_family(path: Path) -> None:
    expected = PRINTED_DEFECTS.get(path.name.split(".")[0].split("_")[0], set())
    audit = nianbao.check(nianbao.read(path))
    found = {(f.family, f.rule) for f in audit.findings if f.status in (Status.FAILED, Status.UNCERTAIN)}
    assert expected <= found
    assert not {f for f in found if f[0] in ("arithmetic", "text")} - expected, found
