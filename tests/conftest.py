"""Shared test helpers: where the repository's corpus and spec are, and the corpus reports with their truth files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SPEC = ROOT / "spec"
SAMPLES = ROOT / "src" / "nianbao" / "samples"


def corpus_reports() -> list[Path]:
    """Every report file of the repository's corpus that has a truth file beside it."""
    out = []
    for f in sorted(CORPUS.rglob("*")):
        is_report = f.is_file() and not f.name.endswith(".json") and f.name not in ("README.md", "MANIFEST.md")
        if is_report and truth_path(f).exists():
            out.append(f)
    return out


def truth_path(report: Path) -> Path:
    return report.with_name(report.name.split(".")[0] + ".truth.json")


def load_truth(report: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(truth_path(report).read_text(encoding="utf-8"))
    return data


def expected_cells(truth: dict[str, Any]) -> dict[str, Any]:
    want = dict(truth["cells"])
    want.update(dict.fromkeys(truth.get("blank_cells", [])))
    return want


def same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def differing(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    return [f"{k}: got {got.get(k)!r}, printed {v!r}" for k, v in want.items() if not same(got.get(k), v)]
