"""Blank reports to fill in, and the two files a clerk fills them in: a commented YAML and an Excel workbook.

`template(year, agency, previous=None)` gives a `Report` of the year's format (`format_for_year`) with
every cell 0, the six sections under their official headings (sections 一, 五 and 六 carry a prompt,
see `PROMPTS`; sections 二, 三 and 四 are their tables and start without text) and the default
preamble. Given last year's report, `二、上年结转` is prefilled from its `四、结转下年度继续办理`
(six applicant columns; the 总计 column is their sum) and `四、结转下年度继续办理` follows, so the
blank already adds up. Last year's 现行有效件数 (2019 format: 对外公开总数量) are not cells of this
year's report: the writers take `previous` again and show them beside the cells, never as data
(`reference_figures`).

Computed cells. Every total of the format is derived from its identities (layout.toml), never spelled
out here (`formulas`): the one total of a one-total identity is the sum of its terms (when a cell is
the total of several, the shortest sum wins: the 总计 column is the sum of the six applicants); in a
balance identity (一 + 二 = （七） + 四) the one right-hand term that no sum gives is the difference
(四 = 一 + 二 − （七）). What remains is input. The same split drives both files and the loader.

The YAML file (`write_yaml`): keys `agency`, `year`, `format`, `date` (empty or ISO), `preamble`,
`sections` {1: text, …, 6: text} and `cells` {key: value} in table order, each cell with a comment
naming its row and column (`applications.new.natural_person: 0  # 一、本年新收政府信息公开申请数量 · 自然人`).
Computed cells are written as comment lines (`# applications.new.total: 0  # … （自动计算：…）`); a
clerk who removes the `#` types the total himself and the audit then compares it with its terms.

The workbook (`write_xlsx`): sheets 封面 (agency, year, format, date), 正文 (the preamble and the six
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
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.authoring.content import ISSUED_BY, NUMERALS, default_preamble, default_title, printed_value
from nianbao.formats import Format, format_for_year, get_format, sections
from nianbao.formats.grid import Grid, tables
from nianbao.report import Cell, Number, Report, Section

PROMPTS: dict[int, str] = {
    1: "（请在此填写总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面）",
    5: "（请填写存在的主要问题及改进情况，并说明上年度问题的整改情况）",
    6: "（请填写其他需要报告的事项，如收取信息处理费情况）",
}
"""The text a blank report puts under sections 一, 五 and 六, to be replaced by the agency's own."""

HINTS: dict[int, str] = {
    1: "必填：分主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面写，小标题用（一）（二）……",
    2: "可不填：表二之外需要说明的情况",
    3: "可不填：表三之外需要说明的情况",
    4: "可不填：表四之外需要说明的情况",
    5: "必填：写明具体问题和改进措施，并说明上年度问题的整改情况",
    6: "必填：没有其他事项的写“无”；收取信息处理费的写明情况",
}
"""What each section's text is for, shown beside it in both files (never part of the report)."""

REFERENCE_COLUMNS: tuple[str, ...] = ("现行有效件数", "对外公开总数量")
"""表二 columns that carry a stock from year to year: last year's figure is shown beside them."""

SIGNED_COLUMN = "本年增/减"  # 2019 format: the only column that may be negative (audit rule C203)
APPLICANT_TOTAL = "total"
WORKBOOK_MARK = "nianbao 数据工作簿"
WORKBOOK_VERSION = 1
KEY_SHEET = "_nianbao"
COVER_SHEET = "封面"
TEXT_SHEET = "正文"


# ---------------------------------------------------------------------------------------------------
# computed cells


@dataclass(frozen=True)
class Formula:
    """A computed cell: sum(plus) − sum(minus), from the identity `title`."""

    key: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    title: str

    def describe(self) -> str:
        """自动计算：… for comments and notes."""
        return f"自动计算：由“{self.title}”推算" if self.minus else f"自动计算：{self.title}"


@cache
def _formulas(name: str) -> dict[str, Formula]:
    fmt = get_format(name)
    out: dict[str, Formula] = {}
    singles = sorted((i for i in fmt.identities if len(i.lhs) == 1), key=lambda i: len(i.rhs))
    for ident in singles:  # stable: among equal lengths, the layout's order
        total = ident.lhs[0]
        if total not in out:
            out[total] = Formula(total, ident.rhs, (), ident.title)
    for ident in fmt.identities:
        if len(ident.lhs) == 1:
            continue
        open_terms = [k for k in ident.rhs if k not in out]
        if len(open_terms) == 1:
            key = open_terms[0]
            out[key] = Formula(key, ident.lhs, tuple(k for k in ident.rhs if k != key), ident.title)
    _check_acyclic(out)
    return out


def _check_acyclic(computed: dict[str, Formula]) -> None:
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(key: str) -> None:
        if state.get(key) == 2 or key not in computed:
            return
        if state.get(key) == 1:
            raise AssertionError(f"the computed cells depend on themselves through {key}")
        state[key] = 1
        for term in computed[key].plus + computed[key].minus:
            visit(term)
        state[key] = 2

    for key in computed:
        visit(key)


def formulas(fmt: Format) -> dict[str, Formula]:
    """The computed cells of a format, each with its formula (see the module doc)."""
    return _formulas(fmt.name)


def input_keys(fmt: Format) -> list[str]:
    """The cells a clerk fills in, in table order."""
    computed = formulas(fmt)
    return [k for row in fmt.rows for k in row.cells if k not in computed]


def _as_spec_type(fmt: Format, key: str, value: Number) -> Number:
    if fmt.cell(key).is_decimal:
        return Decimal(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def compute(fmt: Format, values: dict[str, Number | None], *, keep_given: bool = False) -> dict[str, Number | None]:
    """`values` with every computed cell computed from its terms (a blank term counts as 0, as in Excel).

    With `keep_given`, a computed cell that already has a value keeps it (the audit then compares it with
    its terms); otherwise every computed cell is recomputed.
    """
    computed = formulas(fmt)
    out = dict(values)
    done: set[str] = set()

    def value_of(key: str) -> Number:
        if key in computed and key not in done:
            evaluate(key)
        v = out.get(key)
        return 0 if v is None else v

    def evaluate(key: str) -> None:
        done.add(key)
        if keep_given and out.get(key) is not None:
            return
        f = computed[key]
        total: Number = sum((value_of(k) for k in f.plus), 0) - sum((value_of(k) for k in f.minus), 0)
        out[key] = _as_spec_type(fmt, key, total)

    for key in computed:
        if key not in done:
            evaluate(key)
    return out


# ---------------------------------------------------------------------------------------------------
# the blank report


def reference_figures(report: Report, previous: Report | None) -> dict[str, Number]:
    """Last year's figures of this year's stock columns (现行有效件数), by key, where last year printed them."""
    if previous is None or report.format is None:
        return {}
    fmt = get_format(report.format)
    out: dict[str, Number] = {}
    for key, spec in fmt.cells.items():
        if spec.column_label in REFERENCE_COLUMNS:
            value = previous.value(key)
            if value is not None:
                out[key] = value
    return out


def carried_over_from(fmt: Format, previous: Report) -> dict[str, Number]:
    """This year's 二、上年结转 for the six applicant columns: last year's 四、结转下年度继续办理 (blank as 0)."""
    out: dict[str, Number] = {}
    for column in fmt.applicant_columns:
        if column == APPLICANT_TOTAL:
            continue
        value = previous.value(f"applications.carried_forward.{column}")
        out[f"applications.carried_over.{column}"] = _as_spec_type(fmt, f"applications.carried_over.{column}",
                                                                   value if value is not None else 0)
    return out


def section_title(number: int) -> str:
    spec = next(s for s in sections() if s.number == number)
    return f"{NUMERALS[number - 1]}、{spec.heading}"


def report_text(report: Report) -> str:
    """The whole text of a report made from data: title, preamble, each section's heading and text."""
    parts = [report.title or "", report.preamble]
    for s in report.sections:
        parts.append(f"{s.numbering}{s.heading}")
        if s.narrative:
            parts.append(s.narrative)
    if report.agency:
        parts.append(report.agency)
    if report.date:
        parts.append(f"{report.date.year}年{report.date.month}月{report.date.day}日")
    return "\n".join(p for p in parts if p)


def make_sections(texts: dict[int, str]) -> list[Section]:
    """The six sections with their official numbering and headings, and the given texts."""
    out = []
    for spec in sections():
        text = texts.get(spec.number, "")
        out.append(Section(spec.number, f"{NUMERALS[spec.number - 1]}、", spec.heading, text, narrative=text))
    return out


def make_cells(fmt: Format, values: dict[str, Number | None], notes: dict[str, str] | None = None) -> dict[str, Cell]:
    """A cell for every key of the format, in table order."""
    notes = notes or {}
    out: dict[str, Cell] = {}
    for row in fmt.rows:
        for key in row.cells:
            v = values.get(key)
            out[key] = Cell(key, v, "" if v is None else printed_value(v), note=notes.get(key, ""))
    return out


def template(year: int, agency: str, previous: Report | None = None) -> Report:
    """A blank report for `year` (see the module doc); with last year's report, 上年结转 prefilled."""
    fmt = get_format(format_for_year(year))
    values: dict[str, Number | None] = {k: _as_spec_type(fmt, k, 0) for k in fmt.cells}
    notes: dict[str, str] = {}
    if previous is not None:
        values.update(carried_over_from(fmt, previous))
        for key in values:
            if key.startswith("applications.carried_over."):
                notes[key] = f"按 {previous.year or '上一'} 年度报告“结转下年度继续办理”填入"
    values = compute(fmt, values)
    report = Report(file="", kind="template", format=fmt.name, year=year, agency=agency,
                    title=default_title(agency, year), preamble=default_preamble(fmt.name, year),
                    cells=make_cells(fmt, values, notes), sections=make_sections(PROMPTS))
    report.text = report_text(report)
    return report


# ---------------------------------------------------------------------------------------------------
# YAML


class _Block(str):
    """A text written as a literal block (`|-`), so that a clerk can add lines."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_block(dumper: yaml.SafeDumper, data: _Block) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


_Dumper.add_representer(_Block, _represent_block)


def _dump(key: object, value: object) -> list[str]:
    """`key: value` as YAML lines (PyYAML does the quoting)."""
    text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096,
                     default_flow_style=False)
    return text.rstrip("\n").split("\n")


def _yaml_value(value: Number | None) -> object:
    if value is None:
        return None
    if isinstance(value, Decimal):
        text = printed_value(value)
        return float(text) if "." in text else int(text)
    return value


def cell_label(fmt: Format, key: str) -> str:
    spec = fmt.cell(key)
    return f"{spec.row_label} · {spec.column_label}"


def _figure(value: Number) -> str:
    return printed_value(value)


def yaml_text(report: Report, previous: Report | None = None) -> str:
    """The commented YAML of `report` (see the module doc)."""
    if report.format is None or report.year is None or not report.agency:
        raise ValueError("写出数据文件需要已知的表格格式、报告年度和发布机关")
    fmt = get_format(report.format)
    computed = formulas(fmt)
    references = reference_figures(report, previous)
    values = {k: report.value(k) for k in fmt.cells}
    sums = compute(fmt, values)
    lines = [
        f"# {default_title(report.agency, report.year)}：数据文件",
        f"# {report.format} 年格式（{ISSUED_BY[report.format]}）。由 nianbao 生成；填好后用",
        "#   nianbao render 本文件 --to docx",
        "# 生成报告（生成前会先核查）。填写说明：",
        "#   - 只改冒号后面的值；“#”之后是说明，不影响数据。",
        "#   - 文字写在“|-”下面，每行前面保留与第一行相同的缩进；可以写多段。",
        "#   - 合计（总计、结转下年度继续办理）由程序计算，以“#”开头列出当前的值；",
        "#     一定要自己填写时，删去行首的“# ”，程序会核对它与各项之和是否相符。",
        "",
        *_dump("agency", report.agency),
        *_dump("year", report.year),
        f"{_dump('format', report.format)[0]}  # 由报告年度决定，不要修改",
        f"{_dump('date', report.date or '')[0]}  # 落款日期，例如 {report.year + 1}-01-20",
        "",
        "# 导语：标题之后、第一部分之前的文字",
        *_dump("preamble", _Block(report.preamble)),
        "",
        "sections:",
    ]
    own = {s.number: s.narrative for s in report.sections}
    for spec in sections():
        lines.append(f"  # {section_title(spec.number)}（{HINTS[spec.number]}）")
        text = own.get(spec.number, "")
        lines.extend("  " + ln for ln in _dump(spec.number, _Block(text) if text else ""))
    lines += ["", "# 表格数字：件数填整数；收费金额以万元为单位，可有小数。", "cells:"]
    table = None
    for row in fmt.rows:
        if row.table != table:
            table = row.table
            number = {"二": 2, "三": 3, "四": 4}[table]
            lines.append(f"  # ── 表{table}（{section_title(number)}）──")
        for key in row.cells:
            label = cell_label(fmt, key)
            value = values[key]
            if key in computed:
                due = sums[key]
                if value is not None and due is not None and Decimal(value) != Decimal(due):
                    lines.append(f"  {_dump(key, _yaml_value(value))[0]}  # {label}"
                                 f"（与各项之和 {_figure(due)} 不符；删除本行则自动计算）")
                else:
                    lines.append(f"  # {_dump(key, _yaml_value(due))[0]}  # {label}（{computed[key].describe()}）")
                continue
            comment = label
            if key in references:
                comment += f"（上年 {previous.year if previous else ''} 年度：{_figure(references[key])}）"
            note = report.cells[key].note if key in report.cells else ""
            if note and key.startswith("applications.carried_over."):
                comment += f"（{note}）"
            lines.append(f"  {_dump(key, _yaml_value(value))[0]}  # {comment}")
    return "\n".join(lines) + "\n"


def write_yaml(report: Report, path: str | Path, previous: Report | None = None) -> None:
    """Writes `report` as the commented YAML; with last year's report, its 现行有效件数 beside this year's."""
    Path(path).write_text(yaml_text(report, previous), encoding="utf-8")


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


def _table_sheet(wb: Workbook, fmt: Format, grid: Grid, report: Report, references: dict[str, Number],
                 previous: Report | None, placements: list[Placement], where: dict[str, tuple[str, int, int]],
                 pending: list[tuple[Any, str]]) -> None:
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
            ws.merge_cells(start_row=r, start_column=c, end_row=r + placed.rowspan - 1,
                           end_column=c + placed.colspan - 1)
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
            placements.append(Placement(f"reference.{key}", name, cell.coordinate, "reference",
                                        f"上年 {cell_label(fmt, key)}"))
        year = previous.year if previous is not None and previous.year else "上一"
        notes.append(f"灰色一列是 {year} 年度报告的数字，仅供参考，不属于本表，不会写入报告。")
    if grid.name == "三" and previous is not None:
        notes.append(f"二、上年结转已按 {previous.year or '上一'} 年度报告的“四、结转下年度继续办理”填入；"
                     "如有出入，请核实后修改，并在报告中说明原因。")
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
    _note(ws, 8, "填写顺序：封面 → 正文 → 表二 → 表三 → 表四。白色单元格可以填写；黄色单元格不能修改。"
                 "填好后用 nianbao render 本文件 --to docx 生成报告。", 3)
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
    rows += [(f"text.section.{s.number}", section_title(s.number), own.get(s.number, ""), HINTS[s.number])
             for s in sections()]
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

