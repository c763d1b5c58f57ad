"""What the report page draws: the official grids with the cells the audit names, and the findings.

The grids come from `nianbao.formats.grid` (the layout every renderer of nianbao uses); the template
draws them, so every text is escaped by Jinja. A table-二 cell is an input on the clerk's page, a
value elsewhere; a cell named by a finding carries the worst severity and the messages as a tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nianbao.audit import Audit, Finding, Severity, Status, catalog
from nianbao.audit.html import FAMILY_NAMES, STATUS_NAMES
from nianbao.authoring.content import NUMERALS, printed_value
from nianbao.formats import Format, sections
from nianbao.formats.grid import tables
from nianbao.report import Report
from nianbao.web.report.service import cell_label


@dataclass
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    label: str = ""  # a value cell: its row and column, for screen readers and tooltips
    severity: str = ""  # "error" | "warning" | "info" | ""
    tip: str = ""


@dataclass
class GridView:
    name: str  # 二, 三, 四
    heading: str
    widths: list[float]  # percent
    rows: list[list[GridCell]] = field(default_factory=list)


@dataclass
class FindingView:
    rule: str
    title: str
    severity: str
    severity_label: str
    status: str
    family: str
    message: str
    cells: list[str]  # labels of the cells it names
    correct: str  # how it is written right (the rule's example)
    section: int | None  # the section it is about, when one


@dataclass
class Marks:
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (severity, tooltip)
    sections: dict[int, tuple[str, list[str]]] = field(default_factory=dict)  # number -> (severity, messages)


def section_of(finding: Finding) -> int | None:
    subject = finding.subject
    if subject.startswith("section-") and subject[8:].isdigit():
        return int(subject[8:])
    return None


def marks_of(audit: Audit) -> Marks:
    """The cells and sections the findings name (not-assessable findings mark nothing)."""
    out = Marks()
    for f in audit.findings:
        if f.status is Status.NOT_ASSESSABLE:
            continue
        line = f"{f.rule} {f.severity.chinese}：{f.message}"
        for key in dict.fromkeys(f.keys):
            worst, tip = out.cells.get(key, ("", ""))
            out.cells[key] = (_worse(worst, f.severity), f"{tip}\n{line}".strip())
        number = section_of(f)
        if number is not None:
            worst, messages = out.sections.get(number, ("", []))
            out.sections[number] = (_worse(worst, f.severity), [*messages, f.message])
    return out


def _worse(current: str, severity: Severity) -> str:
    order = {"": 0, "info": 1, "warning": 2, "error": 3}
    return severity.label if order[severity.label] > order[current] else current


def findings(audit: Audit, fmt: Format) -> list[FindingView]:
    """The findings to list, errors first; not-assessable ones last."""
    rules = {r.code: r for r in catalog()}
    ordered = sorted(audit.findings, key=lambda f: (f.status is Status.NOT_ASSESSABLE, -f.severity, f.rule))
    out = []
    for f in ordered:
        rule = rules.get(f.rule)
        labels = [cell_label(fmt, k) if k in fmt.cells else k for k in dict.fromkeys(f.keys)]
        out.append(FindingView(f.rule, rule.title if rule else f.name, f.severity.label, f.severity.chinese,
                               STATUS_NAMES.get(f.status, f.status.value), FAMILY_NAMES.get(f.family, f.family),
                               f.message, labels, rule.correct if rule else "", section_of(f)))
    return out


def grids(report: Report, fmt: Format, marks: Marks, typed: Mapping[str, str] | None = None) -> list[GridView]:
    """Tables 二, 三 and 四 in the official layout; `typed` overrides what a table-二 input shows."""
    typed = typed or {}

    def text_of(key: str) -> str:
        if key in typed:
            return typed[key]
        value = report.value(key)
        if value is None:
            return ""
        return printed_value(value)

    headings = {s.number: s.heading for s in sections()}
    out = []
    for grid in tables(fmt, text_of):
        total = sum(grid.widths_cm)
        view = GridView(grid.name, f"{grid.name}、{headings[NUMERALS.index(grid.name) + 1]}",
                        [round(w / total * 100, 2) for w in grid.widths_cm])
        for r in range(grid.rows):
            row = []
            for c in grid.starting_in(r):
                cell = GridCell(c.text, c.rowspan, c.colspan, c.key)
                if c.key is not None:
                    cell.label = cell_label(fmt, c.key)
                    cell.severity, cell.tip = marks.cells.get(c.key, ("", ""))
                row.append(cell)
            view.rows.append(row)
        out.append(view)
    return out


def counts(audit: Audit) -> dict[str, int]:
    """Errors, warnings and notes, not counting what could not be assessed."""
    out = {"error": 0, "warning": 0, "info": 0}
    for f in audit.findings:
        if f.status is not Status.NOT_ASSESSABLE:
            out[f.severity.label] += 1
    return out
