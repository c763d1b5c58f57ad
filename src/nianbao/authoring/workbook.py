"""The workbook a clerk fills (`write_xlsx`): sheets 封面 (agency, year, format, date), 正文 (the preamble and the six
sections' text, one wrapped cell each), 表二, 表三 and 表四 laid out by `formats.grid` (merged header
cells, borders, widths, 宋体). Input cells are unlocked and validated (whole numbers ≥ 0; the 2019
本年增/减 whole numbers of either sign; money decimals ≥ 0); computed cells are Excel formulas, locked
and shaded; the sheets are protected without a password. With last year's report, 表二 gets a column
“上年现行有效件数（参考）” one column apart from the official table. A hidden sheet `_nianbao` maps every
key (cells, `meta.*`, `text.*`, `reference.*`) to its sheet and cell: the loader (`authoring.load`) reads
positions from there only, and computes every formula cell itself from the inputs.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.authoring.template import (
    COVER_SHEET,
    HINTS,
    KEY_SHEET,
    PROMPTS,
    SIGNED_COLUMN,
    TEXT_SHEET,
    WORKBOOK_MARK,
    WORKBOOK_VERSION,
    Formula,
    cell_label,
    formulas,
    reference_figures,
    section_title,
)
from nianbao.formats import Format, get_format, sections
from nianbao.formats.grid import Grid, tables
from nianbao.render.content import ISSUED_BY, default_title
from nianbao.report import Number, Report

# ---------------------------------------------------------------------------------------------------
# XLSX

FONT = "宋体"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_FILL = PatternFill("solid", fgColor="FFF2CC")
REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")
UNLOCKED = Protection(locked=False)
CM_TO_WIDTH = 5.0  # Excel column width (characters of the default font) per centimetre, roughly
MIN_VALUE_WIDTH = 10.0
LINE_HEIGHT = 15.0


@dataclass(frozen=True)
class Placement:
    """Where a key lives in the workbook: one row of the `_nianbao` sheet."""

    key: str
    sheet: str
    cell: str
    role: str  # input | formula | meta | text | reference
    label: str


def _font(bold: bool = False, size: float = 11, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))


def _set_heights(ws: Worksheet, placed: Iterable[tuple[int, int, int, int, str]], widths: dict[int, float]) -> None:
    """Row heights for wrapped text: (row, col, rowspan, colspan, text) in sheet coordinates."""
    heights: dict[int, float] = {}
    items = list(placed)
    for r, c, rs, cs, text in items:
        if rs == 1:
            width = sum(widths.get(c + i, 9.0) for i in range(cs))
            heights[r] = max(heights.get(r, LINE_HEIGHT), _lines(text, width) * LINE_HEIGHT + 3)
    for r, c, rs, cs, text in items:
        if rs > 1:
            width = sum(widths.get(c + i, 9.0) for i in range(cs))
            need = _lines(text, width) * LINE_HEIGHT + 3
            have = sum(heights.get(r + i, LINE_HEIGHT) for i in range(rs))
            if need > have:
                for i in range(rs):
                    heights[r + i] = heights.get(r + i, LINE_HEIGHT) + (need - have) / rs
    for r, h in heights.items():
        ws.row_dimensions[r].height = round(h, 1)


def _validations(fmt: Format) -> dict[str, DataValidation]:
    def whole(error: str, low: str, high: str | None = None) -> DataValidation:
        if high is None:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=low, allow_blank=True)
        else:
            dv = DataValidation(type="whole", operator="between", formula1=low, formula2=high, allow_blank=True)
        dv.error, dv.errorTitle, dv.showErrorMessage = error, "数据不符合要求", True
        return dv

    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    money.error, money.errorTitle, money.showErrorMessage = "请填写不小于 0 的金额（可有小数）", "数据不符合要求", True
    return {
        "count": whole("请填写不小于 0 的整数", "0"),
        "signed": whole("请填写整数（减少时填负数）", "-999999999", "999999999"),
        "money": money,
    }


def _validation_kind(fmt: Format, key: str) -> str:
    spec = fmt.cell(key)
    if spec.is_decimal:
        return "money"
    return "signed" if spec.column_label == SIGNED_COLUMN else "count"


def _excel_value(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _sum_expression(coords: list[tuple[int, int]]) -> str:
    """`SUM(D5:I5)` for a contiguous run in one row or column of more than two cells, else `D5+E5`."""
    rows = {r for r, _ in coords}
    cols = {c for _, c in coords}
    if len(coords) > 2:
        if len(rows) == 1 and sorted(cols) == list(range(min(cols), max(cols) + 1)):
            r = coords[0][0]
            return f"SUM({get_column_letter(min(cols))}{r}:{get_column_letter(max(cols))}{r})"
        if len(cols) == 1 and sorted(rows) == list(range(min(rows), max(rows) + 1)):
            c = get_column_letter(coords[0][1])
            return f"SUM({c}{min(rows)}:{c}{max(rows)})"
    return "+".join(f"{get_column_letter(c)}{r}" for r, c in coords)


def excel_formula(formula: Formula, where: dict[str, tuple[str, int, int]], sheet: str) -> str:
    """The Excel formula of a computed cell, its terms placed by `where` (key -> sheet, row, column)."""

    def ref(key: str) -> tuple[int, int]:
        s, r, c = where[key]
        if s != sheet:
            raise AssertionError(f"{formula.key}: term {key} is on another sheet")
        return r, c

    text = _sum_expression([ref(k) for k in formula.plus])
    for k in formula.minus:
        r, c = ref(k)
        text += f"-{get_column_letter(c)}{r}"
    return "=" + text


def _style_table_cell(cell: Any, header: bool) -> None:
    cell.border = BORDER
    cell.font = _font(bold=header)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if header:
        cell.fill = HEADER_FILL


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.cell(1, 1, text).font = _font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="left", vertical="center")
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 24


def _note(ws: Worksheet, row: int, text: str, width: int) -> None:
    cell = ws.cell(row, 1, text)
    cell.font = _font(size=10, italic=True)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _fit(ws: Worksheet, landscape: bool) -> None:
    """Printed one page wide."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True  # no password: it guards against slips, not against people
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


TOP = 2  # the first sheet row of a grid (row 1 is the table's title)


def _table_sheet(
    wb: Workbook,
    fmt: Format,
    grid: Grid,
    report: Report,
    references: dict[str, Number],
    previous: Report | None,
    placements: list[Placement],
    where: dict[str, tuple[str, int, int]],
    pending: list[tuple[Any, str]],
) -> None:
    name = f"表{grid.name}"
    ws = wb.create_sheet(name)
    computed = formulas(fmt)
    number = {"二": 2, "三": 3, "四": 4}[grid.name]
    _title(ws, f"{section_title(number)}", grid.cols)
    widths: dict[int, float] = {}
    value_cols = {c.col for c in grid.cells if c.key is not None}
    for i, w in enumerate(grid.widths_cm):
        width = w * CM_TO_WIDTH
        if i in value_cols:
            width = max(width, MIN_VALUE_WIDTH)
        widths[i + 1] = width
        ws.column_dimensions[get_column_letter(i + 1)].width = round(width, 1)
    validations = _validations(fmt)
    texts: list[tuple[int, int, int, int, str]] = []
    label_rows = {c.row for c in grid.cells if c.key is not None} if grid.name != "四" else set()
    for placed in grid.cells:
        r, c = TOP + placed.row, 1 + placed.col
        cell = ws.cell(r, c)
        for i in range(placed.rowspan):
            for j in range(placed.colspan):
                _style_table_cell(ws.cell(r + i, c + j), header=placed.key is None)
        if placed.rowspan > 1 or placed.colspan > 1:
            ws.merge_cells(
                start_row=r, start_column=c, end_row=r + placed.rowspan - 1, end_column=c + placed.colspan - 1
            )
        if placed.key is None:
            cell.value = placed.text
            if placed.rowspan == 1 and placed.row in label_rows:
                cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            texts.append((r, c, placed.rowspan, placed.colspan, placed.text))
            continue
        key = placed.key
        where[key] = (name, r, c)
        label = cell_label(fmt, key)
        if key in computed:
            cell.fill = FORMULA_FILL
            pending.append((cell, key))
            placements.append(Placement(key, name, cell.coordinate, "formula", label))
        else:
            cell.value = _excel_value(report.value(key))
            cell.protection = UNLOCKED
            validations[_validation_kind(fmt, key)].add(cell.coordinate)
            placements.append(Placement(key, name, cell.coordinate, "input", label))
        cell.number_format = "General" if fmt.cell(key).is_decimal else "0"
    for dv in validations.values():
        if dv.sqref:
            ws.add_data_validation(dv)
    last = TOP + grid.rows
    notes: list[str] = ["白色单元格填写数字；黄色单元格是公式自动计算的合计，不能修改。"]
    if grid.name == "二" and references:
        ref_col = grid.cols + 2  # one empty column apart from the official table
        ws.column_dimensions[get_column_letter(ref_col - 1)].width = 3
        ws.column_dimensions[get_column_letter(ref_col)].width = 16
        widths[ref_col] = 16
        columns = {fmt.cell(k).column_label for k in references}
        for placed in grid.cells:
            if placed.key is None and placed.text in columns:
                head = ws.cell(TOP + placed.row, ref_col, f"上年{placed.text}（参考）")
                head.font, head.border, head.fill = _font(bold=True), BORDER, REFERENCE_FILL
                head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                texts.append((head.row, ref_col, 1, 1, str(head.value)))
        for key, value in references.items():
            _, r, _ = where[key]
            cell = ws.cell(r, ref_col, _excel_value(value))
            cell.font, cell.border, cell.fill = _font(italic=True), BORDER, REFERENCE_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            placements.append(
                Placement(f"reference.{key}", name, cell.coordinate, "reference", f"上年 {cell_label(fmt, key)}")
            )
        year = previous.year if previous is not None and previous.year else "上一"
        notes.append(f"灰色一列是 {year} 年度报告的数字，仅供参考，不属于本表，不会写入报告。")
    if grid.name == "三" and previous is not None:
        notes.append(
            f"二、上年结转已按 {previous.year or '上一'} 年度报告的“四、结转下年度继续办理”填入；"
            "如有出入，请核实后修改，并在报告中说明原因。"
        )
    for i, text in enumerate(notes):
        _note(ws, last + 1 + i, text, grid.cols)
        texts.append((last + 1 + i, 1, 1, grid.cols, text))
    _set_heights(ws, texts, widths)
    if grid.name == "三":
        first = min((c for c in grid.cells if c.key is not None), key=lambda c: (c.row, c.col))
        ws.freeze_panes = ws.cell(TOP + first.row, 1 + first.col)
    _fit(ws, landscape=grid.name != "二")
    _protect(ws)


def _cover_sheet(wb: Workbook, report: Report, placements: list[Placement]) -> None:
    assert report.year is not None
    assert report.format is not None
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = COVER_SHEET
    _title(ws, default_title(report.agency or "", report.year), 3)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 48
    rows: list[tuple[str, str, str | int | dt.date | None, bool, str]] = [
        ("meta.agency", "发布机关", report.agency, True, "机关全称，与落款一致"),
        ("meta.year", "报告年度", report.year, False, "如年度有误，请重新生成模板"),
        ("meta.format", "表格格式", report.format, False, f"{ISSUED_BY[report.format]}，由报告年度决定"),
        ("meta.date", "落款日期", report.date, True, f"例如 {report.year + 1}-01-20；可暂不填"),
    ]
    for i, (key, label, value, editable, hint) in enumerate(rows):
        r = 3 + i
        head = ws.cell(r, 1, label)
        head.font, head.fill, head.border = _font(bold=True), HEADER_FILL, BORDER
        cell = ws.cell(r, 2, value)
        cell.font, cell.border = _font(), BORDER
        cell.alignment = Alignment(horizontal="left", vertical="center")
        if key == "meta.date":
            cell.number_format = "yyyy-mm-dd"
        if editable:
            cell.protection = UNLOCKED
        else:
            cell.fill = FORMULA_FILL
        ws.cell(r, 3, hint).font = _font(size=10, italic=True)
        placements.append(Placement(key, COVER_SHEET, cell.coordinate, "meta", label))
    _note(
        ws,
        8,
        "填写顺序：封面 → 正文 → 表二 → 表三 → 表四。白色单元格可以填写；黄色单元格不能修改。"
        "填好后用 nianbao render 本文件 --to docx 生成报告。",
        3,
    )
    ws.row_dimensions[8].height = 36
    _fit(ws, landscape=False)
    _protect(ws)


def _text_sheet(wb: Workbook, report: Report, placements: list[Placement]) -> None:
    ws = wb.create_sheet(TEXT_SHEET)
    _title(ws, "正文：导语和六个部分的文字（表格在“表二”“表三”“表四”中填写）", 3)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 30
    for c, text in enumerate(("部分", "文字（可分段：Alt+Enter 换行）", "说明"), start=1):
        cell = ws.cell(2, c, text)
        cell.font, cell.fill, cell.border = _font(bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    own = {s.number: s.narrative for s in report.sections}
    rows: list[tuple[str, str, str, str]] = [("text.preamble", "导语", report.preamble, "标题之后、第一部分之前的文字")]
    rows += [
        (f"text.section.{s.number}", section_title(s.number), own.get(s.number, ""), HINTS[s.number])
        for s in sections()
    ]
    for i, (key, label, text, hint) in enumerate(rows):
        r = 3 + i
        head = ws.cell(r, 1, label)
        head.font, head.border = _font(bold=True), BORDER
        head.alignment = Alignment(vertical="top", wrap_text=True)
        cell = ws.cell(r, 2, text)
        cell.font, cell.border, cell.protection = _font(), BORDER, UNLOCKED
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        note = ws.cell(r, 3, hint)
        note.font, note.border = _font(size=10, italic=True), BORDER
        note.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[r].height = 120 if key.startswith("text.section.") and int(key[-1]) in PROMPTS else 60
        placements.append(Placement(key, TEXT_SHEET, cell.coordinate, "text", label))
    _fit(ws, landscape=True)
    _protect(ws)


def _key_sheet(wb: Workbook, fmt: Format, placements: list[Placement]) -> None:
    ws = wb.create_sheet(KEY_SHEET)
    ws.append([WORKBOOK_MARK, WORKBOOK_VERSION, fmt.name])
    ws.append(["key", "sheet", "cell", "role", "label"])
    for p in placements:
        ws.append([p.key, p.sheet, p.cell, p.role, p.label])
    ws.column_dimensions["A"].width = 56
    ws.column_dimensions["E"].width = 60
    ws.sheet_state = "hidden"
    _protect(ws)


def workbook(report: Report, previous: Report | None = None) -> Workbook:
    """The workbook of `report` (see the module doc)."""
    if report.format is None or report.year is None or not report.agency:
        raise ValueError("写出工作簿需要已知的表格格式、报告年度和发布机关")
    fmt = get_format(report.format)
    references = reference_figures(report, previous)
    wb = Workbook()
    placements: list[Placement] = []
    where: dict[str, tuple[str, int, int]] = {}
    pending: list[tuple[Any, str]] = []
    _cover_sheet(wb, report, placements)
    _text_sheet(wb, report, placements)
    for grid in tables(fmt, lambda key: ""):
        _table_sheet(wb, fmt, grid, report, references, previous, placements, where, pending)
    computed = formulas(fmt)
    for cell, key in pending:
        cell.value = excel_formula(computed[key], where, where[key][0])
    _key_sheet(wb, fmt, placements)
    wb.active = 0
    return wb


def write_xlsx(report: Report, path: str | Path, previous: Report | None = None) -> None:
    """Writes `report` as the workbook to fill in; with last year's report, its 现行有效件数 beside 表二."""
    workbook(report, previous).save(Path(path))
