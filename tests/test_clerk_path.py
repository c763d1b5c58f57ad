"""The clerk's path on the command line: template → fill the workbook → render → check reports no error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_template import TEXTS, fill

AGENCY = "某某县审计局"


def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("kind", ["docx", "pdf", "html", "md"])
def test_template_fill_render_check(tmp_path: Path, kind: str) -> None:
    blank = tmp_path / "2025年报.xlsx"
    made = nianbao("template", "--year", "2025", "--agency", AGENCY, "--to", str(blank))
    assert made.returncode == 0, made.stderr
    filled = fill(
        blank,
        {
            "applications.new.natural_person": 4,
            "applications.new.commercial": 1,
            "applications.granted.natural_person": 2,
            "applications.partially_granted.natural_person": 1,
            "applications.unavailable.not_held.commercial": 1,
            "review.upheld": 1,
            "active.normative_documents.issued": 2,
            "active.normative_documents.in_force": 9,
            "meta.date": "2026-01-20",
            "text.section.1": TEXTS[1],
            "text.section.5": TEXTS[5],
            "text.section.6": TEXTS[6],
        },
    )
    out = tmp_path / f"2025年报.{kind}"
    rendered = nianbao("render", str(filled), "--to", kind, "-o", str(out))
    assert rendered.returncode == 0, rendered.stderr + rendered.stdout
    checked = nianbao("check", "--output", "json", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    audit = json.loads(checked.stdout)
    assert (audit["agency"], audit["year"], audit["format"]) == (AGENCY, 2025, "2021")
    assert [f for f in audit["findings"] if f["severity"] == "error"] == []


def test_render_refuses_a_blank_template_until_written(tmp_path: Path) -> None:
    blank = tmp_path / "blank.yaml"
    assert nianbao("template", "--year", "2024", "--agency", AGENCY, "--to", str(blank)).returncode == 0
    refused = nianbao("render", str(blank), "--to", "html")
    assert refused.returncode == 1
    assert "S406" in refused.stdout
    assert "未生成报告" in refused.stderr
    assert not blank.with_suffix(".html").exists()
    forced = nianbao("render", str(blank), "--to", "html", "--force")
    assert forced.returncode == 0, forced.stderr
    assert blank.with_suffix(".html").exists()
