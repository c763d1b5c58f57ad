"""Reports as tabular files: CSV and XLSX, in a wide or a long shape (`nianbao parse --output csv|xlsx`).

**Wide** (`wide_rows`): one row per report read (renditions of one report are separate files, so separate
rows), the columns `file`, `agency`, `year`, `format`, then one column per cell key: every key of the 2021
format, then the 2019 keys the 2021 format does not have, each in the order of `spec/cells.csv` (the order
of `nianbao dataset export`). A report of one format leaves the other format's columns empty, and so does a
cell printed empty. **Long** (`long_rows`): one row per report and cell key of its format: `file`,
`agency`, `year`, `format`, `key`, `label`, `value`, `blank`, `printed`, so that a cell printed empty
(`blank` true) can be told from one printed with text that is not a number (`blank` false, `value`
empty, the text in `printed`).

Every column has a key (machine-friendly: ASCII, stable, the names of the exchange JSON) and a Chinese label
(for people: the cell's table · row label · column label as in `spec/cells.csv`, the 2021 format's labels
when the two formats print a key differently). A CSV has **one** header row, the keys by default: a second
header row would be read as data by pandas, DuckDB and the `csv` module; `write_csv(..., header="zh")` puts
the Chinese labels there instead. A workbook has two header rows, the labels and then the keys, with the
panes frozen below them.

Values are numbers as numbers: counts as `int`, amounts (the format's decimal cells) as `float`, so that a
spreadsheet sums them; text a spreadsheet would run as a formula is never written as one (a leading ``'``
in CSV, a string-typed cell in XLSX). openpyxl is imported only when a workbook is written, so that `nianbao
parse` starts fast.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from nianbao.formats import CellSpec, formats
from nianbao.report import Number, Report

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

Shape = Literal["wide", "long"]
Header = Literal["keys", "zh"]
Value = str | int | float | bool | None

SHAPES: tuple[Shape, ...] = ("wide", "long")
#: The columns before the cell keys in both shapes, with their Chinese labels.
REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file", "文件"),
    ("agency", "机关"),
    ("year", "年度"),
    ("format", "格式"),
)
#: The columns after the report's in the long shape.
CELL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "单元格"),
    ("label", "单元格名称"),
    ("value", "数值"),
    ("blank", "空白"),
    ("printed", "印刷文字"),
)
XLSX_MAX_ROWS = 1_048_576 - 2  # a worksheet's rows, less the two header rows
#: A cell beginning with one of these is taken for a formula by spreadsheet programs (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(ValueError):
    """The table does not fit in one worksheet."""


@dataclass(frozen=True)
class Sheet:
    """A table to write: each column's key and Chinese label, and the rows (values in the columns' order)."""

    name: str  # the worksheet's name in a workbook
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    rows: list[tuple[Value, ...]]


def cell_label(spec: CellSpec) -> str:
    """A cell's Chinese name: table · row label · column label (`dataset export`'s legend says the same)."""
    return " · ".join(p for p in (spec.table, spec.row_label, spec.column_label) if p)


@cache
def _specs() -> dict[str, CellSpec]:
    """Every cell key of both formats, the 2021 format's first, each in the order of cells.csv; a key both
    formats have is described as the 2021 format prints it."""
    out: dict[str, CellSpec] = {}
    for _, fmt in sorted(formats().items(), reverse=True):
        for key, spec in fmt.cells.items():
            out.setdefault(key, spec)
    return out


def _spec(report: Report, key: str) -> CellSpec | None:
    """The cell as the report's own format names it (either format's when the report's is unknown)."""
    fmt = formats().get(report.format or "")
    if fmt is not None and key in fmt.cells:
        return fmt.cells[key]
    return _specs().get(key)


def _number(value: Number | None, spec: CellSpec | None) -> int | float | None:
    """A cell's value for a spreadsheet: float for an amount cell, int for a count (float if it is not whole)."""
    if value is None:
        return None
    if spec is not None and spec.is_decimal:
        return float(value)
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _report_values(report: Report) -> tuple[Value, ...]:
    return (report.file, report.agency, report.year, report.format)


def wide_rows(reports: Iterable[Report]) -> Sheet:
    """One row per report: file, agency, year, format, then the value of every cell key of both formats
    (empty where the report's format has no such cell or the cell was printed empty). A key of neither format
    (none today) gets a column at the end rather than being lost."""
    reports = list(reports)
    specs = dict(_specs())
    for report in reports:
        for key in report.cells:
            if key not in specs:
                specs[key] = CellSpec("", key, "", "", "", "int", "")
    keys = list(specs)
    rows = [
        _report_values(r) + tuple(_number(r.value(k), _spec(r, k)) if k in r.cells else None for k in keys)
        for r in reports
    ]
    return Sheet(
        name="报告",
        keys=tuple(k for k, _ in REPORT_COLUMNS) + tuple(keys),
        labels=tuple(label for _, label in REPORT_COLUMNS) + tuple(cell_label(specs[k]) or k for k in keys),
        rows=rows,
    )


def long_rows(reports: Iterable[Report]) -> Sheet:
    """One row per report and cell of its format, in the format's order: the report's file, agency, year and
    format, the cell key, its Chinese label, the value (empty when there is none), whether the cell was printed
    empty, and the text as printed."""
    rows: list[tuple[Value, ...]] = []
    for report in reports:
        head = _report_values(report)
        for key, cell in report.cells.items():
            spec = _spec(report, key)
            label = cell_label(spec) if spec is not None else ""
            rows.append((*head, key, label, _number(cell.value, spec), cell.is_blank, cell.printed))
    columns = REPORT_COLUMNS + CELL_COLUMNS
    return Sheet(
        name="单元格",
        keys=tuple(k for k, _ in columns),
        labels=tuple(label for _, label in columns),
        rows=rows,
    )


def sheet_of(shape: Shape, reports: Iterable[Report]) -> Sheet:
    """`wide_rows` or `long_rows` by name."""
    if shape == "wide":
        return wide_rows(reports)
    if shape == "long":
        return long_rows(reports)
    raise ValueError(f"不支持的表格形式：{shape}（可选 {'、'.join(SHAPES)}）")


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip())
    except InvalidOperation:
        return False
    return True


def csv_safe(text: str) -> str:
    """`text` as a spreadsheet shows it but never runs it: a formula-like start gets a leading ``'``. A lone
    sign (a dash printed for an empty cell) and a signed number are not formulas and are kept as they are."""
    if text.startswith(FORMULA_START) and len(text.strip()) > 1 and not _is_number(text):
        return "'" + text
    return text


def csv_text(value: Value) -> str:
    """A value as one CSV field: empty for none, true/false, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return csv_safe(value)
    return str(value)


def write_csv(sheet: Sheet, stream: IO[str], *, header: Header = "keys") -> int:
    """Writes the sheet as CSV with one header row (the keys, or the Chinese labels with `header="zh"`);
    the number of rows. Open a file with `newline=""` (and `utf-8-sig` for Excel to read the Chinese)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(sheet.labels if header == "zh" else sheet.keys)
    for row in sheet.rows:
        writer.writerow([csv_text(v) for v in row])
    return len(sheet.rows)


def _width(key: str) -> float:
    """A column's width in characters: wide for the file, the agency and the cell's name, narrow for numbers."""
    return {"file": 36, "agency": 28, "key": 40, "label": 60, "printed": 16}.get(key, 14)


def write_xlsx(shape: Shape, reports: Iterable[Report], path: Path) -> int:
    """Writes the reports in `shape` to a workbook of one sheet (`write_sheet_xlsx`); the number of rows."""
    return write_sheet_xlsx(sheet_of(shape, reports), path)


def write_sheet_xlsx(sheet: Sheet, path: Path | IO[bytes]) -> int:
    """Writes `sheet` to a workbook of one sheet: the Chinese labels and the keys as two header rows, the panes
    frozen below them, numbers as numbers, empty cells empty; the number of rows. TooManyRows (nothing written)
    when they do not fit in a worksheet; OSError when the file cannot be written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if len(sheet.rows) > XLSX_MAX_ROWS:
        raise TooManyRows(f"共 {len(sheet.rows)} 行，超过一张 Excel 工作表的 {XLSX_MAX_ROWS} 行，请改用 CSV")
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet.name)
    ws.freeze_panes = "A3"
    for i, key in enumerate(sheet.keys, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(key)

    def styled(text: str, font: Font, alignment: Alignment | None = None) -> Cell:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def value_cell(value: Value) -> Cell | Value:
        """Text beginning with ``=`` would be written as a formula: it becomes a cell typed as text (shown and
        read back as printed); every other value goes in as it is."""
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
        return value

    ws.append([styled(label, Font(bold=True), Alignment(wrap_text=True, vertical="top")) for label in sheet.labels])
    ws.append([styled(key, Font(color="808080")) for key in sheet.keys])
    for row in sheet.rows:
        ws.append([value_cell(v) for v in row])
    book.save(path)
    return len(sheet.rows)
