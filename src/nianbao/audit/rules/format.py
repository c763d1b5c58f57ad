"""`format`: whether the report prints the tables of the official format of its year, row for row.

The rules judge what the reader saw: the format it detected from the printed labels, the rows it
could not find (problem "row.missing") and the numbers it found under labels that are not rows of the
detected format (`extra_rows`, which include rows only the other format has, e.g. 政府集中采购 in a
2021 report). Labels are compared width-normalised and without white space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nianbao.audit.model import Severity, Status
from nianbao.audit.registry import Context, Hit, rule
from nianbao.formats import Format, RowSpec, format_for_year, get_format
from nianbao.formats.text import squeeze
from nianbao.report import Problem, Report

# The section that prints each table.
TABLE_SECTION: dict[str, int] = {"二": 2, "三": 3, "四": 4}

# The documents that issue each format, for messages.
ISSUED_BY: dict[str, str] = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}

# Official labels and the other spellings printed for them (F304): table, official label, variants,
# the formats where the label is official. A variant printed inside the official label is not counted.
RENAMED_LABELS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("三", "社会公益组织", ("社会组织", "社会公益"), ("2019", "2021")),
    ("二", "行政规范性文件", ("规范性文件",), ("2021",)),
    ("二", "规范性文件", ("行政规范性文件",), ("2019",)),
    ("二", "本年收费金额（单位：万元）", ("本年收费金额",), ("2021",)),
)


def row_name(row: RowSpec) -> str:
    """A row as people know it: its group, ordinal and label (table 四 has no label)."""
    if not row.text:
        return "行政复议、行政诉讼"
    return f"{row.group} {row.label}" if row.group else row.label


def _row_texts(row: RowSpec) -> tuple[str, ...]:
    return tuple(squeeze(t) for t in (row.text, *row.variants) if t)


def _all_texts(fmt: Format) -> set[str]:
    """Every row text, variant and header label of a format, squeezed."""
    out = {t for r in fmt.rows for t in _row_texts(r)}
    return out | {squeeze(t) for texts in fmt.labels.values() for t in texts}


def exclusive_labels(fmt: Format, other: Format) -> list[str]:
    """Labels (rows and headers) printed only in `fmt`: they show that a table follows `fmt`."""
    theirs = _all_texts(other)
    out: list[str] = []
    for text in [t for r in fmt.rows for t in (r.text, *r.variants) if t] + [
        t for texts in fmt.labels.values() for t in texts
    ]:
        s = squeeze(text)
        if not any(s in t for t in theirs) and text not in out:
            out.append(text)
    return out


def table_text(report: Report, table: str) -> str | None:
    section = report.section(TABLE_SECTION[table])
    return None if section is None else section.text


def missing_rows(report: Report) -> list[tuple[RowSpec, Problem]]:
    """Rows of the report's format that the reader did not find although their table was printed."""
    if report.format is None:
        return []
    rows = {r.cells: r for r in get_format(report.format).rows}
    return [(rows[p.keys], p) for p in report.problems if p.code == "row.missing" and p.keys in rows]


def _format_name(name: str) -> str:
    return f"{name} 年格式（{ISSUED_BY.get(name, '')}）"


@rule(
    "F301",
    "format-of-another-year",
    "format",
    Severity.ERROR,
    "统计表所用格式与报告年度不符",
    checks="按表格所印栏目识别报告所用格式：2019、2020 年度报告应使用 2019 年格式（国办公开办函〔2019〕60号），"
    "2021 年度起应使用 2021 年格式（国办公开办函〔2021〕30号）。年度无法识别时不作判断。",
    basis="国办公开办函〔2021〕30号印发修订后的年度报告格式，自 2021 年度报告起施行；"
    "2019、2020 年度报告适用国办公开办函〔2019〕60号格式（试行）。",
    example="2022 年度报告第二部分仍印“本年新制作数量”“上一年项目数量”“第二十条第（九）项 政府集中采购”。",
    correct="2022 年度报告第二部分印“本年制发件数 / 本年废止件数 / 现行有效件数”等 2021 年格式栏目。",
)
def format_of_another_year(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.year is None or report.format is None:
        yield Hit(
            "未能识别报告年度或统计表格式，无法核对所用格式是否与年度相符", (), Status.NOT_ASSESSABLE, subject="format"
        )
        return
    required = format_for_year(report.year)
    if report.format == required:
        return
    used, wanted = get_format(report.format), get_format(required)
    printed = squeeze(report.text)
    evidence = [t for t in exclusive_labels(used, wanted) if squeeze(t) in printed][:4]
    shown = f"（印有{'、'.join(f'“{t}”' for t in evidence)}等栏目）" if evidence else ""
    yield Hit(
        f"{report.year} 年度报告的统计表使用了 {_format_name(report.format)}{shown}，应使用 {_format_name(required)}",
        subject="format",
    )


@rule(
    "F302",
    "row-not-in-format",
    "format",
    Severity.ERROR,
    "统计表印有格式中没有的行",
    checks="第二、三部分表格中印有数值、但不属于所用格式的行：如 2021 年格式报告仍印单行“（六）其他处理”"
    "（2021 年格式分为 1–3 三个子行），或仍印 2019 年格式的“其他对外管理服务事项”“政府集中采购”；"
    "2019 年格式报告印 2021 年格式才有的行，亦同。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号所附表格的行是固定的，不得增删或合并；"
    "“（六）其他处理”在 2021 年格式中分为“1.申请人无正当理由逾期不补正…”“2.申请人逾期未按收费通知"
    "要求缴纳费用…”“3.其他”三行。",
    example="2023 年度报告表三：“（六）其他处理  0 0 0 0 0 0 0”，其下没有 1–3 子行。",
    correct="“（六）其他处理”下分列“1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请”"
    "“2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请”“3.其他”三行，各印 7 个数值。",
)
def row_not_in_format(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.format is None:
        return
    fmt = get_format(report.format)
    for extra in report.extra_rows:
        yield Hit(
            f"第{extra.table}部分表格印有“{extra.label}”一行（数值 {' '.join(extra.printed)}），"
            f"{_format_name(fmt.name)}没有这一行{_instead(fmt, extra.label)}",
            location=extra.location,
            subject=f"{extra.table}:{squeeze(extra.label)}",
        )


def _instead(fmt: Format, label: str) -> str:
    """What the format prints in place of a group label printed as a row of its own."""
    parts = [r for r in fmt.rows if r.group and squeeze(r.group).startswith(squeeze(label))]
    if not parts:
        return ""
    return f"，应分列 {len(parts)} 行：{'、'.join(f'“{r.label}”' for r in parts)}"


@rule(
    "F303",
    "row-missing",
    "format",
    Severity.ERROR,
    "统计表缺少格式规定的行",
    checks="第二、三部分表格已印出，但其中某一行（格式规定的行）没有印出。每缺一行报告一次，涉及该行全部单元格。"
    "行已印出而单元格空白的，见 C201。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号所附表格的行是固定的，每一行都应印出并填写数值（没有的填 0）。",
    example="2021 年度报告表三“（六）其他处理”下没有“1.申请人无正当理由逾期不补正…”等三个子行。",
    correct="按格式印出全部行，没有发生的填 0。",
)
def row_missing(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    for row, problem in missing_rows(report):
        yield Hit(
            f"第{row.table}部分表格缺少“{row_name(row)}”一行，其 {len(row.cells)} 个单元格没有数值",
            tuple(ctx.ref(k) for k in row.cells),
            location=problem.location,
        )


@rule(
    "F304",
    "label-renamed",
    "format",
    Severity.INFO,
    "表格栏目名称与格式不一致",
    checks="第二、三部分表格的栏目名称是否与所用格式一致：如“社会公益组织”印为“社会组织”或“社会公益”，"
    "2021 年格式的“行政规范性文件”印为“规范性文件”，“本年收费金额（单位：万元）”漏印单位。"
    "变体出现在正式名称之内（如“社会组织”之于“社会公益组织”）的不计。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号所附表格的栏目名称，应原样使用。",
    example="表三申请人情况：“商业企业 科研机构 社会组织 法律服务机构 其他”。",
    correct="“商业企业 科研机构 社会公益组织 法律服务机构 其他”。",
)
def label_renamed(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.format is None:
        return
    for table, official, variants, formats in RENAMED_LABELS:
        if report.format not in formats:
            continue
        text = table_text(report, table)
        # The section prints the table (its sentences are prose, not labels); without the section, only
        # whole table cells of the text are looked at.
        places = [squeeze(_without_prose(text))] if text is not None else _cells(report.text)
        taken: list[tuple[int, int, int]] = []  # (place, start, end) of every label counted so far
        for place, printed in enumerate(places):
            for m in re.finditer(re.escape(squeeze(official)), printed):
                taken.append((place, m.start(), m.end()))
        for variant in sorted(variants, key=len, reverse=True):
            count = 0
            for place, printed in enumerate(places):
                for m in re.finditer(re.escape(squeeze(variant)), printed):
                    if text is None and m.group() != printed:
                        continue  # part of a longer cell: prose, not a table label
                    if any(p == place and a <= m.start() and m.end() <= b for p, a, b in taken):
                        continue  # inside the official label, or inside a longer variant
                    taken.append((place, m.start(), m.end()))
                    count += 1
            if count:
                times = f"（{count} 处）" if count > 1 else ""
                yield Hit(f"第{table}部分表格将“{official}”印为“{variant}”{times}", subject=f"{official}|{variant}")


def _cells(text: str) -> list[str]:
    """The cells of the text's lines (tab-, pipe- or wide-space-separated), squeezed."""
    cells = (c for line in text.splitlines() for c in re.split(r"\t|\s{2,}|\|", line))
    return [squeeze(c) for c in cells if c.strip()]


def _without_prose(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "。" not in line)
