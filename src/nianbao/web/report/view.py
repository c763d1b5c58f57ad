"""What the report page draws: the official grids with the cells the audit names, and the findings.

The grids come from `nianbao.formats.grid` (the layout every renderer of nianbao uses) as the view of
render's table macro (`nianbao.render.official_table`, `official_table.html`), which the page calls, so
every text is escaped by Jinja. A table-二 cell is an input on the clerk's page, a value elsewhere; a
cell named by a finding carries the worst severity and the messages as a tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nianbao.audit import Audit, Finding, Severity, Status, catalog
from nianbao.audit.model import FAMILY_NAMES, STATUS_NAMES
from nianbao.authoring.from_ledger import cell_label
from nianbao.formats import Format, sections
from nianbao.formats.grid import Placed, tables
from nianbao.render.content import NUMERALS, printed_value
from nianbao.render.official_table import CellView, InputView, RowGroup, TableView, grid_rows
from nianbao.report import Report


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
        out.append(
            FindingView(
                f.rule,
                rule.title if rule else f.name,
                f.severity.label,
                f.severity.chinese,
                STATUS_NAMES.get(f.status, f.status.value),
                FAMILY_NAMES.get(f.family, f.family),
                f.message,
                labels,
                rule.correct if rule else "",
                section_of(f),
            )
        )
    return out


def grids(report: Report, fmt: Format, marks: Marks, typed: Mapping[str, str] | None = None) -> list[TableView]:
    """Tables 二, 三 and 四 in the official layout; `typed` overrides what a table-二 input shows.

    Every value cell carries its input (its row and column as the label, for screen readers and
    tooltips): the page draws it as one where the table is editable (`inputs=True`).
    """
    typed = typed or {}

    def text_of(key: str) -> str:
        if key in typed:
            return typed[key]
        value = report.value(key)
        if value is None:
            return ""
        return printed_value(value)

    def cell(c: Placed, in_value_row: bool) -> CellView:
        if c.key is None:
            return CellView(c.text, header=True, rowspan=c.rowspan, colspan=c.colspan)
        severity, tip = marks.cells.get(c.key, ("", ""))
        step = "any" if fmt.cell(c.key).is_decimal else "1"
        return CellView(
            c.text,
            rowspan=c.rowspan,
            colspan=c.colspan,
            data_key=c.key,
            css=f"sev-{severity}" if severity else "",
            title=tip or None,
            input=InputView(f"cell.{c.key}", step, cell_label(fmt, c.key)),
        )

    headings = {s.number: s.heading for s in sections()}
    out = []
    for grid in tables(fmt, text_of):
        total = sum(grid.widths_cm)
        out.append(
            TableView(
                "official",
                [str(round(w / total * 100, 2)) for w in grid.widths_cm],
                [RowGroup(grid_rows(grid, cell))],
                label=f"{grid.name}、{headings[NUMERALS.index(grid.name) + 1]}",
            )
        )
    return out


def counts(audit: Audit) -> dict[str, int]:
    """Errors, warnings and notes, not counting what could not be assessed."""
    out = {"error": 0, "warning": 0, "info": 0}
    for f in audit.findings:
        if f.status is not Status.NOT_ASSESSABLE:
            out[f.severity.label] += 1
    return out
