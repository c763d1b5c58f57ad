"""How each cell of a report was found: the stage that decided it, the label it was matched by, where it was printed.

Worked out after a reading from what its stages kept (`Reading.cells`), never during `read`: the rows read
(`TableRead.rows`: the label occurrence chosen, the values found after it, their fit) and the cells of the Report.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.formats import get_format
from nianbao.read.linear import CELL, ROW, Linear
from nianbao.read.tables import RowRead, TableRead
from nianbao.report import Location, Number, Report

__all__ = ["CellTrace", "span_text", "trace_cells"]


@dataclass(frozen=True)
class CellTrace:
    """One cell as read.

    `stage` is the last stage that shaped it: ``tables`` (read as printed after its row's label, or not found),
    ``fit`` (its row's values were split, padded or trimmed to fit the cells) or ``values`` (the printed value was
    converted or refused as a number). `row_label` and `column_label` name the cell in the format; `matched` is its
    row's label as printed in the document (None when the row was not found, and for table 四, which is read
    without labels), at `label_location`. `source` says where the values were taken from: ``table`` (the cells of
    a table row), ``text`` (the numbers in running text) or ``""`` (not found). `printed` and `location` are the
    printed value and its source span; `note` how the value was obtained when it was not plain; `evidence`, for a
    cell whose row's digits were split, what decided the split (``本行勾稽关系``, ``跨行勾稽关系``, ``上一年度报告``…,
    "" when nothing did and the cell was left unread).
    """

    key: str
    stage: str
    row_label: str
    column_label: str
    matched: str | None
    label_location: Location | None
    source: str
    printed: str
    location: Location | None
    value: Number | None
    note: str = ""
    evidence: str = ""  # for a cell of a split run: the evidence that decided the split (see `read.fit`)

    @property
    def span(self) -> str:
        """The source span of the printed value (see `span_text`)."""
        return span_text(self.location)


def span_text(location: Location | None) -> str:
    """A source span as text: ``line:start-end`` in a text file, ``第N页 (x0, top, x1, bottom)`` in a PDF, ``表T 行R
    列C`` (1-based) for a table cell of html or docx, ``第N行`` for a paragraph; ``—`` when there is none."""
    if location is None:
        return "—"
    parts: list[str] = []
    if location.page is not None:
        parts.append(f"第{location.page}页")
        if location.bbox is not None:
            parts.append("(" + ", ".join(f"{v:g}" for v in location.bbox) + ")")
    if location.table is not None:
        at = [f"表{location.table + 1}"]
        if location.row is not None:
            at.append(f"行{location.row + 1}")
        if location.column is not None:
            at.append(f"列{location.column + 1}")
        parts.append(" ".join(at))
    elif location.line is not None:
        if location.start is not None and location.end is not None:
            parts.append(f"{location.line}:{location.start}-{location.end}")
        else:
            parts.append(f"第{location.line}行")
    return " ".join(parts) or "—"


def _printed_label(lin: Linear, row: RowRead) -> tuple[str | None, Location | None]:
    """The row's label as printed (white space and cell breaks folded to single spaces) and its location."""
    occ = row.occurrence
    if occ is None:
        return None, None
    start, end = lin.raw_start(occ.start), lin.raw_end(occ.end)
    text = lin.raw[start:end].replace(CELL, " ").replace(ROW, " ")
    return " ".join(text.split()), lin.locate(start, end)


def trace_cells(lin: Linear, tables: TableRead, report: Report) -> list[CellTrace]:
    """Every cell of the report, in the format's order, with how it was found."""
    fmt = get_format(tables.format)
    rows = {key: row for row in tables.rows for key in row.row.cells}
    labels: dict[int, tuple[str | None, Location | None]] = {}
    out: list[CellTrace] = []
    for key, cell in report.cells.items():
        spec = fmt.cells[key]
        row = rows.get(key)
        if row is None or row.fit.quality == 3:
            out.append(
                CellTrace(
                    key,
                    "tables",
                    spec.row_label,
                    spec.column_label,
                    None,
                    None,
                    "",
                    cell.printed,
                    cell.location,
                    cell.value,
                    cell.note,
                )
            )
            continue
        if id(row) not in labels:
            labels[id(row)] = _printed_label(lin, row)
        matched, label_location = labels[id(row)]
        token = row.fit.cells[row.row.cells.index(key)]
        if cell.note or (token is not None and token.kind == "text"):
            stage = "values"
        elif row.fit.quality in (1, 2):
            stage = "fit"
        else:
            stage = "tables"
        note = cell.note or row.fit.problem
        evidence = row.fit.decided_by if row.fit.run and not row.fit.tied else ""
        if evidence:
            note = f"{note}（拆分依据：{evidence}）" if note else f"拆分依据：{evidence}"
        out.append(
            CellTrace(
                key,
                stage,
                spec.row_label,
                spec.column_label,
                matched,
                label_location,
                "table" if row.structured else "text",
                cell.printed,
                cell.location,
                cell.value,
                note,
                evidence,
            )
        )
    return out
