"""The YAML file a clerk fills (`write_yaml`): keys `agency`, `year`, `format`, `date` (empty or ISO), `preamble`,
`sections` {1: text, …, 6: text} and `cells` {key: value} in table order, each cell with a comment
naming its row and column (`applications.new.natural_person: 0  # 一、本年新收政府信息公开申请数量 · 自然人`).
Computed cells are written as comment lines (`# applications.new.total: 0  # … （自动计算：…）`); a
clerk who removes the `#` types the total himself and the audit then compares it with its terms.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from nianbao.authoring.template import HINTS, cell_label, compute, formulas, reference_figures, section_title
from nianbao.formats import get_format, sections
from nianbao.render.content import ISSUED_BY, default_title, printed_value
from nianbao.report import Number, Report

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
    text = yaml.dump(
        {key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False
    )
    return text.rstrip("\n").split("\n")


def _yaml_value(value: Number | None) -> object:
    if value is None:
        return None
    if isinstance(value, Decimal):
        text = printed_value(value)
        return float(text) if "." in text else int(text)
    return value


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
                    lines.append(
                        f"  {_dump(key, _yaml_value(value))[0]}  # {label}"
                        f"（与各项之和 {_figure(due)} 不符；删除本行则自动计算）"
                    )
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
