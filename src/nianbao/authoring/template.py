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

The clerk fills the report in as YAML (`authoring.yaml_file`) or as a workbook (`authoring.workbook`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from nianbao.formats import Format, format_for_year, get_format, sections
from nianbao.render.content import NUMERALS, default_preamble, default_title, printed_value
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
        out[f"applications.carried_over.{column}"] = _as_spec_type(
            fmt, f"applications.carried_over.{column}", value if value is not None else 0
        )
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
    report = Report(
        file="",
        kind="template",
        format=fmt.name,
        year=year,
        agency=agency,
        title=default_title(agency, year),
        preamble=default_preamble(fmt.name, year),
        cells=make_cells(fmt, values, notes),
        sections=make_sections(PROMPTS),
    )
    report.text = report_text(report)
    return report


def cell_label(fmt: Format, key: str) -> str:
    spec = fmt.cell(key)
    return f"{spec.row_label} · {spec.column_label}"
