"""Data-driven rule cases: a packaged sample report, edited as a case says, checked by one rule.

A case file `tests/rules/cases/<CODE>.toml` holds `[[case]]` tables:

    [[case]]
    name = "a blank total"          # what the case shows
    base = "003"                    # a packaged sample (src/nianbao/samples/003_*.txt): 000 … 004
    expect = "fail"                 # "fail": the rule reports at least one failed/uncertain finding;
                                    # "pass": none (not-assessable findings do not count either way)
    expect_keys = ["applications.new.total"]   # optional: keys that the failing findings must cover
    expect_count = 1                # optional: exactly this many failed/uncertain findings
    expect_status = "not_assessable"  # optional: instead of fail/pass, a finding with this status exists
    [case.cells]                    # optional: cells as printed: a number, "" (blank) or text ("/")
    "applications.new.total" = ""
    [case.ocr]                      # optional: cells as if read by OCR from a scan, with this confidence
    "applications.new.total" = 0.42
    [case.source]                   # optional edits of the sample's printed text, BEFORE it is read:
    replace = [["行政强制\t0", ""]]   # for rules about what the reader saw (rows missing or extra)
    [case.edit]                     # optional edits of the report as read
    replace = [["全区", "全省"]]      # in the text and every section's text and heading
    year = 2024                     # also agency = "…", date = "2025-03-01", format = "2019"
    numbering = ["一、", "二、", "三、", "四、", "五、", "六、"]   # the printed numbering of the sections
    drop_sections = [5]             # sections not printed
    section_text = { 5 = "无。" }    # replace a section's text
    [case.previous]                 # optional: the previous year's report, same keys as a case
    base = "003"
    [case.previous.edit]
    year = 2022
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import nianbao
from nianbao.report import Cell, Location, Report

CASES = Path(__file__).parent / "cases"
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "nianbao" / "samples"


@cache
def _sample(base: str, source_edits: tuple[tuple[str, str], ...] = ()) -> Report:
    matches = sorted(SAMPLES.glob(f"{base}_*.txt")) or sorted(SAMPLES.glob(f"{base}*"))
    if not matches:
        raise FileNotFoundError(f"no packaged sample {base!r} in {SAMPLES}")
    if not source_edits:
        return nianbao.read(matches[0])
    text = matches[0].read_text(encoding="utf-8")
    for old, new in source_edits:
        if old not in text:
            raise ValueError(f"sample {base} does not print {old!r}")
        text = text.replace(old, new)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / matches[0].name
        path.write_text(text, encoding="utf-8")
        return nianbao.read(path)


def _cell(key: str, printed: Any, old: Cell | None) -> Cell:
    location = old.location if old else None
    if isinstance(printed, bool):
        raise TypeError(f"{key}: a cell is a number, '' or text, not {printed!r}")
    if isinstance(printed, int):
        return Cell(key, printed, str(printed), location)
    if isinstance(printed, float):
        return Cell(key, Decimal(str(printed)), str(printed), location)
    text = str(printed)
    try:
        value = Decimal(text)
    except ArithmeticError:
        return Cell(key, None, text, location)  # blank ("") or text such as "/"
    return Cell(key, int(value) if value == value.to_integral_value() and "." not in text else value, text, location)


def build(spec: dict[str, Any]) -> Report:
    """The case's report: its base sample with the case's cells and edits applied."""
    edits = tuple((str(a), str(b)) for a, b in spec.get("source", {}).get("replace", []))
    report = copy.deepcopy(_sample(str(spec["base"]), edits))
    for key, printed in spec.get("cells", {}).items():
        if key not in report.cells:
            raise KeyError(f"{key} is not a cell of the {report.format} format")
        report.cells[key] = _cell(key, printed, report.cells[key])
    for key, confidence in spec.get("ocr", {}).items():
        report.cells[key].location = Location(page=3, bbox=(300.0, 200.0, 336.0, 222.0), ocr=float(confidence))
    edit = spec.get("edit", {})
    for old, new in edit.get("replace", []):
        report.text = report.text.replace(old, new)
        report.preamble = report.preamble.replace(old, new)
        for s in report.sections:
            s.text = s.text.replace(old, new)
            s.narrative = s.narrative.replace(old, new)
            s.heading = s.heading.replace(old, new)
    if "year" in edit:
        report.year = int(edit["year"])
    if "agency" in edit:
        report.agency = str(edit["agency"])
    if "format" in edit:
        report.format = str(edit["format"])
    if "date" in edit:
        report.date = dt.date.fromisoformat(edit["date"]) if edit["date"] else None
    if "numbering" in edit:
        for s, numbering in zip(report.sections, edit["numbering"], strict=False):
            s.numbering = numbering
    if "drop_sections" in edit:
        report.sections = [s for s in report.sections if s.number not in edit["drop_sections"]]
    for number, text in edit.get("section_text", {}).items():
        for s in report.sections:
            if s.number == int(number):
                s.text = s.narrative = text
    if "section_order" in edit:
        order = [int(n) for n in edit["section_order"]]
        report.sections.sort(key=lambda s: order.index(s.number) if s.number in order else len(order))
    return report


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data.get("case", []):
            out.append((path.stem, case))
    return out
