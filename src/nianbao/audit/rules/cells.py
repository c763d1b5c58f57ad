"""`cells`: what each numeric cell holds on its own, before any sum is checked.

Every cell of the official tables is a non-negative whole number (格式 C6), except the 2019 format's
本年增/减 column, which may be negative, and the money columns (the 2021 fee in 万元, the 2019
procurement amount), which may have decimals. A cell printed empty is a blank; a row that is not
printed at all is not a blank (F303 reports it), nor is a table that is not printed (a matter of the
report's structure).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from nianbao.audit.model import CellRef, Severity, Status
from nianbao.audit.registry import Context, Hit, rule
from nianbao.audit.rules.arithmetic import unsure_keys
from nianbao.audit.rules.format import TABLE_SECTION, missing_rows, row_name
from nianbao.formats import CellSpec, Format, RowSpec, get_format
from nianbao.report import Cell, Location, Report

SIGNED_COLUMN = "本年增/减"  # the only column of either format that may be negative (2019 format)
FEE_KEY = "active.fees.amount"  # 2021 format: 本年收费金额（单位：万元）
_YUAN = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*元")  # a number followed by 元 (not 万元)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _printed_rows(report: Report) -> Iterable[tuple[Format, RowSpec, list[Cell]]]:
    """The rows of the report's format that are printed, with their cells."""
    if report.format is None:
        return
    fmt = get_format(report.format)
    absent = {row for row, _ in missing_rows(report)}
    for row in fmt.rows:
        if row in absent:
            continue
        cells = [report.cells[k] for k in row.cells if k in report.cells]
        if cells and all(c.is_blank for c in cells) and _table_not_printed(report, fmt, row.table):
            continue
        yield fmt, row, cells


def _table_not_printed(report: Report, fmt: Format, table: str) -> bool:
    """Neither its section nor any of its values: the report lacks the whole table."""
    if report.section(TABLE_SECTION[table]) is not None:
        return False
    keys = [k for r in fmt.rows_of(table) for k in r.cells]
    return all(k not in report.cells or report.cells[k].is_blank for k in keys)


def _row_location(cells: list[Cell]) -> Location | None:
    return next((c.location for c in cells if c.location is not None), None)


def _columns(fmt: Format, cells: list[Cell]) -> str:
    """The columns of some cells of one row; qualified by their group where the row has several (表四)."""
    specs = [fmt.cells[c.key] for c in cells]
    if len({s.row_label for s in specs}) > 1:
        return "、".join(f"{s.row_label}·{s.column_label}" for s in specs)
    return "、".join(s.column_label for s in specs)


def _numbers(ctx: Context) -> Iterable[tuple[str, Cell, CellSpec, Status]]:
    """The cells read as numbers, with their spec and the status a finding on them takes."""
    report = ctx.report
    if report.format is None:
        return
    fmt = get_format(report.format)
    unsure = unsure_keys(report)
    for key, cell in report.cells.items():
        spec = fmt.cells.get(key)
        if spec is not None and cell.value is not None:
            yield key, cell, spec, Status.UNCERTAIN if key in unsure else Status.FAILED


def uncertain_keys(report: Report) -> set[str]:
    """Cells the reader left unread because it could not tell their value (C206 names them)."""
    return {k for p in report.problems if p.code == "cell.uncertain" for k in p.keys}


def _describe(spec: CellSpec) -> str:
    return f"“{spec.row_label}”·“{spec.column_label}”"


@rule(
    "C201",
    "blank-cell",
    "cells",
    Severity.WARNING,
    "统计表单元格空白",
    checks="第二、三、四部分表格中印出的每一行：有单元格未填数值（空白）的，每行报告一次，涉及该行全部空白单元格。"
    "整行未印出的见 F303。",
    basis="格式所附表格每一格都应填写；没有发生的事项填 0，不留空白（空白无法与漏填区分，勾稽关系也无法核对）。",
    example="表三“（七）总计”一行：社会公益组织一格空白。",
    correct="该格填 0（或实际件数）。",
)
def blank_cell(ctx: Context) -> Iterable[Hit]:
    for fmt, row, cells in _printed_rows(ctx.report):
        blank = [c for c in cells if c.is_blank]
        if blank:
            yield Hit(
                f"第{row.table}部分表格“{row_name(row)}”一行有 {len(blank)} 个单元格空白：{_columns(fmt, blank)}",
                tuple(ctx.ref(c.key) for c in blank),
                location=_row_location(cells),
            )


@rule(
    "C202",
    "text-in-numeric-cell",
    "cells",
    Severity.ERROR,
    "数值单元格中印有文字",
    checks="表格的数值单元格中印有“/”“-”“无”“—”等文字而不是数字，每行报告一次，涉及该行全部此类单元格。",
    basis="格式所附表格各栏均为件数或金额，应填写数字；没有发生的填 0。",
    example="表四“行政复议·结果纠正”印为“/”。",
    correct="印为 0。",
)
def text_in_numeric_cell(ctx: Context) -> Iterable[Hit]:
    uncertain = uncertain_keys(ctx.report)
    for fmt, row, cells in _printed_rows(ctx.report):
        text = [c for c in cells if c.is_text and c.key not in uncertain]
        if text:
            shown = "、".join(dict.fromkeys(f"“{c.printed.strip()}”" for c in text))
            yield Hit(
                f"第{row.table}部分表格“{row_name(row)}”一行有 {len(text)} 个数值单元格印为文字 {shown}："
                f"{_columns(fmt, text)}",
                tuple(CellRef(c.key, c.printed, "0", c.location) for c in text),
                location=_row_location(text),
            )


@rule(
    "C203",
    "negative-count",
    "cells",
    Severity.ERROR,
    "单元格数值为负数",
    checks="表格单元格的数值小于 0。2019 年格式第二部分的“本年增/减”一栏可以为负数，不在此列。",
    basis="格式所附表格各栏为件数、项目数或金额，不能为负；只有 2019 年格式的“本年增/减”表示增减变化。",
    example="表三“一、本年新收政府信息公开申请数量·自然人”印为 -3。",
    correct="印实际收到的件数，如 3。",
)
def negative_count(ctx: Context) -> Iterable[Hit]:
    for key, cell, spec, status in _numbers(ctx):
        if spec.column_label != SIGNED_COLUMN and cell.value is not None and cell.value < 0:
            yield Hit(f"{_describe(spec)}印为“{cell.printed}”，是负数", (ctx.ref(key),), status)


@rule(
    "C204",
    "fraction-in-count",
    "cells",
    Severity.ERROR,
    "件数单元格中有小数",
    checks="应填整数的单元格（件数、项目数）中的数值带有小数部分。金额栏（2021 年格式的收费金额、"
    "2019 年格式的采购总金额）可以有小数，不在此列。",
    basis="格式所附表格除金额外各栏均为件数，只能是整数。",
    example="表三“（一）予以公开·总计”印为 12.5。",
    correct="印为整数件数，如 12 或 13。",
)
def fraction_in_count(ctx: Context) -> Iterable[Hit]:
    for key, cell, spec, status in _numbers(ctx):
        value = Decimal(cell.value or 0)
        if not spec.is_decimal and value != value.to_integral_value():
            yield Hit(f"{_describe(spec)}是件数，印为“{cell.printed}”，带有小数", (ctx.ref(key),), status)


@rule(
    "C205",
    "fee-looks-like-yuan",
    "cells",
    Severity.WARNING,
    "收费金额疑似按元填写",
    checks="2021 年格式第二部分“行政事业性收费·本年收费金额（单位：万元）”：印有单位“元”（而非“万元”），"
    "或数值大于设定的上限（默认 100000 万元，即 10 亿元），疑似把元数填进了万元栏。金额为 0 的不计。",
    basis="国办公开办函〔2021〕30号格式第二部分第二十条第（八）项：“本年收费金额（单位：万元）”。",
    example="本年收费金额（单位：万元）栏印“35000元”或“350000”（实为 35 万元）。",
    correct="印为 3.5（单位万元，可有小数）。",
)
def fee_looks_like_yuan(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    cell = report.cells.get(FEE_KEY)
    if report.format is None or cell is None or FEE_KEY not in get_format(report.format).cells:
        return
    printed = unicodedata.normalize("NFKC", cell.printed)
    yuan = _YUAN.search(printed)
    if yuan is not None and "万元" not in printed:
        amount = Decimal(yuan.group("number").replace(",", ""))
        if amount != 0:
            wan = _plain(amount / 10000)
            yield Hit(
                f"行政事业性收费金额印为“{cell.printed}”，本栏单位为万元，不应按元填写（折合 {wan} 万元）",
                (ctx.ref(FEE_KEY, expected=wan),),
            )
        return
    threshold = Decimal(str(ctx.options.fee_yuan_threshold))
    if cell.value is not None and cell.value > threshold:
        wan = _plain(Decimal(cell.value) / 10000)
        yield Hit(
            f"行政事业性收费金额为 {_plain(Decimal(cell.value))} 万元，超过 {_plain(threshold)} 万元，"
            f"疑似按元填写（若为元数，应印为 {wan} 万元）",
            (ctx.ref(FEE_KEY, expected=wan),),
        )


@rule(
    "C206",
    "uncertain-reading",
    "cells",
    Severity.WARNING,
    "单元格数值识别不确定",
    checks="读取统计表时无法确定数值的单元格：数值与表格后的文字连排（“0202年”）、金额后多出页码等数字"
    "（“02”“7730.282”）、连排数字有几种同样说得通的拆分。不作猜测，该格不读取，列出可能的数值供人工核对。"
    "唯一的例外是一行连排的 0 少于单元格数（“000000”印于 7 格）：各格只能是 0 或空白，均按 0 读取，"
    "哪一格未印数值无法确定，一并列出。",
    basis="格式所附表格每一格都应清楚地填写一个数值；无法确定的数值不能用于核对勾稽关系。",
    example="第二部分“行政事业性收费”一格与其后正文连排为“0202年，我局……”。",
    correct="表格与正文分开排印，该格印为 0（或实际金额）。",
)
def uncertain_reading(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    fmt = get_format(report.format) if report.format is not None else None
    for problem in report.problems:
        if problem.code != "cell.uncertain":
            continue
        specs = [fmt.cells[k] for k in problem.keys if fmt is not None and k in fmt.cells]
        named = "、".join(_describe(s) for s in specs) or "统计表单元格"
        yield Hit(f"{named}{problem.message}", tuple(ctx.ref(k) for k in problem.keys), location=problem.location)


@rule(
    "C207",
    "unknown-row-label",
    "cells",
    Severity.WARNING,
    "统计表中有未能识别的行",
    checks="统计表中以序号（如“7.”）开头、或夹在两串数值之间，但不是格式所列任何一行（及其常见写法）的行名："
    "该行数值不读取，也不当作上一行的数值（序号不当作数值）；格式所列的那一行因此可能被报告为未印出（F303）。",
    basis="格式所附表格的行名是固定的；改写行名会使数值无法对应到格式的栏目。",
    example="第三部分表格印“7.属于行政执法案件”（格式为“7.属于行政执法案卷”）后接一串数值，而该写法未被收录。",
    correct="按格式印出行名“7.属于行政执法案卷”。",
)
def unknown_row_label(ctx: Context) -> Iterable[Hit]:
    for problem in ctx.report.problems:
        if problem.code == "row.unknown":
            yield Hit(problem.message, location=problem.location, subject=problem.message)


@rule(
    "C208",
    "assumed-reading",
    "cells",
    Severity.WARNING,
    "单元格数值按推定读取",
    checks="读取统计表时，数值能读出但要靠推定才能对应到单元格：连排数字有几种拆分都说得通，按常理（采购金额与项目数、"
    "本年增减通常很小）与位数均衡取其一；一行印出的数值少于或多于单元格数，按从左到右填入或只取前几个。"
    "这些数值已读取并参与核对，但可能有误，应与原文核对。",
    basis="格式所附表格每一格都应清楚地单独填写一个数值；数值连排或缺格时，数值与单元格的对应无法从报告本身确定。",
    example="第二部分“行政处罚”一行印为“5545110”（上一年项目数量、本年增/减、处理决定数量连排），可读作 554|5|110，"
    "也可读作 55|45|110。",
    correct="各单元格分开排印：55、45、110。",
)
def assumed_reading(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    unread = {k for p in report.problems if p.code == "cell.uncertain" for k in p.keys}
    for problem in report.problems:
        if problem.code != "row.fit":
            continue
        keys = [k for k in problem.keys if k not in unread and report.value(k) is not None]
        if keys:
            yield Hit(
                f"{problem.message}；其数值系推定，请与原文核对",
                tuple(ctx.ref(k) for k in keys),
                Status.UNCERTAIN,
                location=problem.location,
            )


@rule(
    "C209",
    "low-ocr-confidence",
    "cells",
    Severity.WARNING,
    "识别置信度低",
    checks="报告是扫描件（图像）时，统计表的数值由文字识别读出；识别置信度低于设定值（默认 0.8）的单元格逐一列出，"
    "附其在页面上的位置和原件截图，应与原件核对：印章、污迹、模糊或倾斜处的数字可能认错。"
    "单元格所在的勾稽关系都成立（其中每一格都已读出）时，该数值已由表格本身印证（认错一个数字会使勾稽关系不成立），"
    "不再列出；认错而使勾稽关系不成立的，由勾稽关系规则（A101–A104）指出。",
    basis="识别结果不是原文；置信度低的数值不能不经核对就用于统计和核查。",
    example="第3页表格中“2.重复申请·商业企业”一格印有被公章覆盖的“0”，识别置信度 0.50。",
    correct="上传带文字层的 PDF 或原始文档；或核对后确认该格数值。",
)
def low_ocr_confidence(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    fmt = get_format(report.format) if report.format is not None else None
    threshold = ctx.options.ocr_confidence
    values = {k: None if v is None else Decimal(v) for k, v in report.values().items()}
    for key, cell in report.cells.items():
        where = cell.location
        if where is None or where.ocr is None or where.ocr >= threshold or (cell.value is None and not cell.printed):
            continue
        if fmt is not None and _corroborated(fmt, key, values):
            continue
        spec = fmt.cells.get(key) if fmt is not None else None
        named = _describe(spec) if spec is not None else key
        yield Hit(
            f"{named}识别为“{cell.printed}”，文字识别置信度 {where.ocr:.2f}，低于 {threshold:.2f}，请与原件核对",
            (ctx.ref(key),),
            Status.UNCERTAIN,
            location=where,
        )


def _corroborated(fmt: Format, key: str, values: dict[str, Decimal | None]) -> bool:
    """Whether the table itself confirms the cell's value: it is a term of at least one identity, and every
    identity it is a term of has all its terms read, and holds."""
    identities = [i for i in fmt.identities if key in i.keys]
    return bool(identities) and all(i.holds(values) is True for i in identities)
