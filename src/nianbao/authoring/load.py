"""Report data from a file, to render or check: the exchange JSON, the YAML of a template, or a filled workbook.

`load(path)` chooses by extension:

- `.json`: one object in the exchange shape of spec/README.md (`format`, `year`, `agency`,
  `cells`; `file` is ignored), optionally extended with `preamble` (text), `sections` (`{"1": text, …,
  "6": text}`, or the list of `Report.to_dict()`, each `{"number": 1, "text": …}`) and `date` (ISO,
  `"2026-01-20"`). A computed cell (a total, `四、结转下年度继续办理`) that is null or left out is
  computed from its terms; one that is given is kept as given, for the audit to compare.
- `.yaml` / `.yml`: the file `authoring.yaml_file.write_yaml` writes (same keys, same rule for computed
  cells: commented out there, so computed unless the clerk typed them).
- `.xlsx`: a workbook `authoring.workbook.write_xlsx` wrote and a clerk filled. Every position comes from
  its hidden `_nianbao` sheet; input cells are read, and every formula cell is computed here from the
  format's identities (openpyxl does not evaluate formulas, and a cached value is never trusted).

Every report gets the six sections under their official headings (a section not given has no text),
the default preamble when none is given, and the default title. A text that still holds a template
prompt is kept and noted as a problem (`template.prompt`). Bad data — a missing required field, a
value that is not a number where a number belongs (a fraction where a whole number belongs), an
unknown format or cell, an unreadable or corrupt file — raises `ValueError` with a Chinese message
naming the file and the field or cell, e.g. `a.xlsx：表三 E5（applications.new.commercial）不是整数：'三'`.
Numbers are not judged here beyond their type: a negative count is loaded and left to the audit.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from nianbao.authoring.template import (
    KEY_SHEET,
    PROMPTS,
    WORKBOOK_MARK,
    WORKBOOK_VERSION,
    cell_label,
    compute,
    formulas,
    make_cells,
    make_sections,
    report_text,
    section_title,
)
from nianbao.formats import FORMAT_NAMES, Format, get_format, sections
from nianbao.render.content import default_preamble, default_title
from nianbao.report import Number, Problem, Report

SUFFIXES: dict[str, str] = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".xlsx": "xlsx"}
FIELD_NAMES: dict[str, str] = {
    "format": "表格格式",
    "year": "报告年度",
    "agency": "发布机关",
    "cells": "表格数字",
    "date": "落款日期",
    "preamble": "导语",
    "sections": "各部分文字",
}
MIN_YEAR, MAX_YEAR = 2008, 2100  # the 条例 applies from 2008


def load(path: str | Path) -> Report:
    """The report data in `path` (.json, .yaml/.yml or .xlsx; see the module doc). Raises ValueError on bad data."""
    p = Path(path)
    file = str(path)
    kind = SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise ValueError(f"{file}：不支持的数据文件类型“{p.suffix}”（可用 .json、.yaml、.xlsx）")
    if not p.is_file():
        raise ValueError(f"{file}：文件不存在")
    if kind == "xlsx":
        return _load_xlsx(p, file)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{file}：不是 UTF-8 编码的文本文件") from None
    except OSError as exc:
        raise ValueError(f"{file}：无法读取（{exc.strerror}）") from None
    if kind == "json":
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{file}：不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
        return _from_mapping(data, file, "json", {})
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{file}：不是有效的 YAML（{_yaml_problem(exc)}）") from None
    return _from_mapping(data, file, "yaml", _yaml_lines(text))


# ---------------------------------------------------------------------------------------------------
# values


def parse_number(raw: object, fmt: Format, key: str, file: str, where: str) -> Number | None:
    """A cell's value as written: None when empty; int for a whole-number cell; Decimal for money."""
    spec = fmt.cell(key)
    what = "数字" if spec.is_decimal else "整数"

    def bad() -> ValueError:
        return ValueError(f"{file}：{where}（{key}）不是{what}：{raw!r}")

    if raw is None:
        return None
    if isinstance(raw, bool):
        raise bad()
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else raw
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise bad() from None
    else:
        raise bad()
    if not number.is_finite():
        raise bad()
    if spec.is_decimal:
        return number
    if number != number.to_integral_value():
        raise bad()
    return int(number)


def as_date(value: object) -> dt.date | None:
    """A date as written (a date, ISO text, 2026年1月20日, 2026/1/20), None when empty; else ValueError."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y.%m.%d"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise ValueError(f"不是日期：{value!r}")


def _field(name: str) -> str:
    return f"{name}（{FIELD_NAMES[name]}）" if name in FIELD_NAMES else name


def _format(raw: object, file: str, where: str) -> Format:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(f"{file}：缺少必填项 {where}")
    name = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    if name not in FORMAT_NAMES:
        raise ValueError(f"{file}：{where} 不是已知的表格格式：{raw!r}（可选 {'、'.join(FORMAT_NAMES)}）")
    return get_format(name)


def _year(raw: object, file: str, where: str) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(f"{file}：缺少必填项 {where}")
    year: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif isinstance(raw, float | Decimal) and raw == int(raw):
        year = int(raw)
    elif isinstance(raw, str) and raw.strip().removesuffix("年").isdigit():
        year = int(raw.strip().removesuffix("年"))
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{file}：{where} 不是有效的年度：{raw!r}")
    return year


def _agency(raw: object, file: str, where: str) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(f"{file}：缺少必填项 {where}")
    if not isinstance(raw, str):
        raise ValueError(f"{file}：{where} 应是机关名称（文字）：{raw!r}")
    return raw.strip()


def _text(raw: object, file: str, where: str) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return str(raw)
    raise ValueError(f"{file}：{where} 应是文字：{raw!r}")


def _date(raw: object, file: str, where: str) -> dt.date | None:
    try:
        return as_date(raw)
    except ValueError:
        raise ValueError(f"{file}：{where} 不是日期：{raw!r}（例如 2026-01-20）") from None


# ---------------------------------------------------------------------------------------------------
# JSON and YAML


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return f"第{mark.line + 1}行第{mark.column + 1}列：{problem}" if mark is not None else str(problem)


def _yaml_lines(text: str) -> dict[str, int]:
    """The line of each top-level key and of each key under `cells`, for messages (`cells.KEY`)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return out
    for k, v in root.value:
        if not isinstance(k, yaml.ScalarNode):
            continue
        out[str(k.value)] = k.start_mark.line + 1
        if isinstance(v, yaml.MappingNode):
            for kk, _ in v.value:
                if isinstance(kk, yaml.ScalarNode):
                    out[f"{k.value}.{kk.value}"] = kk.start_mark.line + 1
    return out


def _sections(raw: object, file: str, lines: dict[str, int]) -> dict[int, str]:
    def at(name: str) -> str:
        line = lines.get(name)
        return f"第{line}行 {name}" if line else name

    if raw is None:
        return {}
    items: list[tuple[object, object]]
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list):
        items = []
        for item in raw:
            if not isinstance(item, dict) or "number" not in item:
                raise ValueError(f"{file}：{at('sections')} 的每一项应有 number 和 text：{item!r}")
            items.append((item["number"], item.get("text", item.get("narrative"))))
    else:
        raise ValueError(f"{file}：{at('sections')} 应是 {{1: 文字, …, 6: 文字}}：{raw!r}")
    out: dict[int, str] = {}
    numbers = {s.number for s in sections()}
    for number, text in items:
        n = int(number) if isinstance(number, int | str) and str(number).strip().isdigit() else None
        if n not in numbers:
            raise ValueError(f"{file}：{at('sections')} 中的“{number}”不是报告的部分（应为 1 至 6）")
        assert n is not None
        out[n] = _text(text, file, f"{at('sections')} 第{n}部分")
    return out


def _from_mapping(data: object, file: str, kind: str, lines: dict[str, int]) -> Report:
    def at(name: str) -> str:
        line = lines.get(name)
        return f"第{line}行 {_field(name)}" if line else _field(name)

    if not isinstance(data, dict):
        raise ValueError(f"{file}：内容应是一个对象（键值对），实际是 {type(data).__name__}")
    fmt = _format(data.get("format"), file, at("format"))
    year = _year(data.get("year"), file, at("year"))
    agency = _agency(data.get("agency"), file, at("agency"))
    date = _date(data.get("date"), file, at("date"))
    preamble = _text(data.get("preamble"), file, at("preamble"))
    texts = _sections(data.get("sections"), file, lines)
    cells = data.get("cells")
    if cells is None:
        raise ValueError(f"{file}：缺少必填项 {at('cells')}")
    if not isinstance(cells, dict):
        raise ValueError(f"{file}：{at('cells')} 应是 {{单元格: 数值}}：{cells!r}")
    values: dict[str, Number | None] = {}
    for key, raw in cells.items():
        name = str(key)
        if name not in fmt.cells:
            raise ValueError(f"{file}：{at('cells.' + name)} 不是 {fmt.name} 年格式的单元格")
        line = lines.get(f"cells.{name}")
        where = f"{f'第{line}行 ' if line else ''}cells 中“{cell_label(fmt, name)}”"
        values[name] = parse_number(raw, fmt, name, file, where)
    given = {k for k, v in values.items() if v is not None}
    values = compute(fmt, values, keep_given=True)
    notes = {k: f.describe() for k, f in formulas(fmt).items() if k not in given}
    return assemble(file, kind, fmt, year, agency, date, preamble, texts, values, notes, [])


def assemble(
    file: str,
    kind: str,
    fmt: Format,
    year: int,
    agency: str,
    date: dt.date | None,
    preamble: str,
    texts: dict[int, str],
    values: dict[str, Number | None],
    notes: dict[str, str],
    problems: list[Problem],
) -> Report:
    """A report made from data: every cell of the format, the six sections, default title and preamble."""
    report = Report(
        file=file,
        kind=kind,
        format=fmt.name,
        year=year,
        agency=agency,
        title=default_title(agency, year),
        date=date,
        preamble=preamble or default_preamble(fmt.name, year),
        cells=make_cells(fmt, values, notes),
        sections=make_sections(texts),
        problems=list(problems),
    )
    for number, prompt in PROMPTS.items():
        if prompt in texts.get(number, ""):
            report.problems.append(
                Problem(
                    "template.prompt", f"“{section_title(number)}”仍有模板的提示语“{prompt}”，请改写为本机关的实际情况"
                )
            )
    report.text = report_text(report)
    return report


# ---------------------------------------------------------------------------------------------------
# XLSX


def _load_xlsx(p: Path, file: str) -> Report:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, data_only=False)
    except Exception as exc:  # a corrupt file raises anything from zipfile, xml or openpyxl itself
        raise ValueError(f"{file}：无法打开工作簿（{type(exc).__name__}：{exc}）") from None
    if KEY_SHEET not in wb.sheetnames:
        raise ValueError(
            f"{file}：不是 nianbao 生成的工作簿（缺少隐藏的映射表 {KEY_SHEET}）；请用 nianbao template 生成模板后填写"
        )
    rows = list(wb[KEY_SHEET].iter_rows(values_only=True))
    head = rows[0] if rows else ()
    if len(head) < 3 or head[0] != WORKBOOK_MARK:
        raise ValueError(f"{file}：映射表 {KEY_SHEET} 已损坏（第 1 行应为“{WORKBOOK_MARK}”）")
    if head[1] != WORKBOOK_VERSION:
        raise ValueError(f"{file}：工作簿版本 {head[1]!r} 不受支持（应为 {WORKBOOK_VERSION}），请重新生成模板")
    fmt = _format(head[2], file, f"映射表 {KEY_SHEET} 的格式")
    place: dict[str, tuple[str, str, str]] = {}
    for row in rows[2:]:
        if len(row) >= 4 and row[0]:
            place[str(row[0])] = (str(row[1]), str(row[2]), str(row[3]))
    computed = formulas(fmt)

    def locate(key: str) -> tuple[Any, str]:
        if key not in place:
            raise ValueError(f"{file}：映射表 {KEY_SHEET} 缺少“{key}”，工作簿可能已损坏，请重新生成模板")
        sheet, coordinate, _ = place[key]
        if sheet not in wb.sheetnames:
            raise ValueError(f"{file}：缺少工作表“{sheet}”（是否被改名或删除？）")
        try:
            cell = wb[sheet][coordinate]
        except (ValueError, KeyError):
            raise ValueError(f"{file}：映射表 {KEY_SHEET} 中“{key}”的位置“{coordinate}”无效") from None
        return cell, f"{sheet} {coordinate}"

    for key in fmt.cells:
        role = "formula" if key in computed else "input"
        if key in place and place[key][2] != role:
            raise ValueError(
                f"{file}：映射表 {KEY_SHEET} 与 nianbao 的 {fmt.name} 年格式不一致（{key}），请重新生成模板"
            )

    def meta(key: str, label: str) -> tuple[object, str]:
        cell, where = locate(key)
        return cell.value, f"{where}（{label}）"

    raw_format, where = meta("meta.format", "表格格式")
    if str(raw_format).strip() != fmt.name:
        raise ValueError(f"{file}：{where} 为 {raw_format!r}，与工作簿的 {fmt.name} 年格式不符")
    raw, where = meta("meta.year", "报告年度")
    year = _year(raw, file, where)
    raw, where = meta("meta.agency", "发布机关")
    agency = _agency(raw, file, where)
    raw, where = meta("meta.date", "落款日期")
    date = _date(raw, file, where)
    cell, where = locate("text.preamble")
    preamble = _text(cell.value, file, where)
    texts: dict[int, str] = {}
    for spec in sections():
        cell, where = locate(f"text.section.{spec.number}")
        texts[spec.number] = _text(cell.value, file, where)
    values: dict[str, Number | None] = {}
    problems: list[Problem] = []
    for key in fmt.cells:
        cell, where = locate(key)
        if key in computed:
            if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                problems.append(
                    Problem(
                        "workbook.formula",
                        f"{where}（{cell_label(fmt, key)}）的公式已被改写为“{cell.value}”，已按各项重新计算",
                        (key,),
                    )
                )
            continue
        values[key] = parse_number(cell.value, fmt, key, file, where)
    values = compute(fmt, values)
    notes = {k: f.describe() for k, f in computed.items()}
    return assemble(file, "xlsx", fmt, year, agency, date, preamble, texts, values, notes, problems)
