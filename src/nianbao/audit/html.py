"""The check report page: one self-contained HTML page a supervisor can send back to an agency.

`audit_html(report, audit)` draws the report's three tables in the official layout (the grid of
`nianbao.formats.grid`, with the labels printed by the format and the values printed by the report),
marks every cell a finding names (by the worst severity, with the rule codes as a superscript and the
messages as a tooltip), and lists the findings by family with their cells and source locations.
`audits_html(pairs)` puts several reports on one page behind a table of contents.

The page is plain HTML with inline CSS: no JavaScript, no network, prints as it shows. Every text that
comes from a report is escaped.

`Location.line` counts the lines of the *source* document (a text file's lines, an html or docx
file's paragraphs), not the lines of `Report.text`, so source lines are quoted only when the caller
passes them: `lines=source_lines(path)` reads them back from the file (`document_lines(doc)` from a
Document already read).

Pages that embed the check report in their own layout (the web app) use `audit_parts` (the tables and
the findings as separate fragments, with an `actions` hook adding controls to each finding),
`audit_section`, `finding_html` (one finding, to redraw it after a review) and the stylesheet `CSS`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from nianbao.audit.model import FAMILIES, Audit, CellRef, Finding, Severity, Status
from nianbao.audit.registry import Rule, catalog
from nianbao.formats import get_format, sections
from nianbao.formats.grid import Grid, Placed, tables
from nianbao.report import Report

if TYPE_CHECKING:
    from nianbao.read.document import Document

Lines = Mapping[int, str]
#: Extra HTML (trusted: the caller escapes what it puts in) shown at the end of a finding's block.
Actions = Callable[[Finding], str]

FAMILY_NAMES: dict[str, str] = {
    "arithmetic": "勾稽关系",
    "cells": "单元格取值",
    "format": "表格格式",
    "structure": "报告结构",
    "text": "文字内容",
    "timeliness": "发布时限",
    "cross_year": "跨年度比对",
}
STATUS_NAMES: dict[Status, str] = {
    Status.FAILED: "不符合",
    Status.UNCERTAIN: "存疑（读数不确定）",
    Status.NOT_ASSESSABLE: "无法核查",
}
REVIEW_NAMES: dict[str, str] = {"confirmed": "已复核确认", "dismissed": "已复核排除"}
_NUMERALS = "一二三四五六七八九十"
MAX_QUOTED_LINES = 6
FOLD_UNASSESSED = 3  # more not-assessable findings than this in a family are folded (a <details> element)

_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2328;font:15px/1.6 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei","Noto Serif CJK SC",SimSun,sans-serif;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1120px;margin:0 auto;padding:24px}
.report,.toc{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:24px 28px;margin-bottom:24px}
h1,h2,h3,h4{margin:0;line-height:1.4}
.rtitle{font-size:22px;margin:0 0 12px}
.part{font-size:18px;margin:28px 0 12px;padding-bottom:4px;border-bottom:2px solid #1f2328}
.fam{font-size:16px;margin:20px 0 8px}
a{color:#0b57d0}
code{font:13px/1.4 "Noto Sans Mono CJK SC",ui-monospace,Consolas,monospace;color:#57606a}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px}
.meta dt{color:#57606a}.meta dd{margin:0;word-break:break-all}
.counts{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
.badge{display:inline-block;padding:1px 10px;border-radius:12px;font-size:14px;font-weight:bold;
border:1px solid currentColor;white-space:nowrap}
.badge.error{color:#b42318;background:#fde8e7}.badge.warning{color:#9a5b00;background:#fff3d6}
.badge.info{color:#1d5fa8;background:#e6f0fb}
.verdict{margin:8px 0;font-weight:bold}
.legend{font-size:13px;color:#57606a;margin:8px 0 0}
.legend span.key{display:inline-block;width:14px;height:14px;vertical-align:-2px;margin:0 4px 0 10px}
.cap{font-weight:bold;margin:18px 0 6px}
table.official{border-collapse:collapse;width:100%;table-layout:fixed;font-size:13px;margin-bottom:8px}
table.official td,table.official th{border:1px solid #57606a;padding:3px 4px;text-align:center;
vertical-align:middle;word-break:break-all;font-weight:normal}
table.official th{background:#f6f8fa}
table.official th.rl{text-align:left}
table.official td.unread{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eef0f2 4px,#eef0f2 8px)}
table.official td.sev-error{background:#fde8e7;box-shadow:inset 0 0 0 2px #d92d20;font-weight:bold}
table.official td.sev-warning{background:#fff3d6;box-shadow:inset 0 0 0 2px #e0a000;font-weight:bold}
table.official td.sev-info{background:#e6f0fb;box-shadow:inset 0 0 0 1px #5b8fd0}
table.official td.involved{background:#fff;box-shadow:inset 0 0 0 1px #8c959f;font-weight:normal}
table.official sup{display:block;font-size:10px;line-height:1.2;font-weight:normal;margin-top:1px}
table.official sup a{text-decoration:none;white-space:nowrap;word-break:normal}
table.official .expect{display:block;font-size:11px;color:#b42318;font-weight:normal;line-height:1.2}
.legend .sev-error{background:#fde8e7;box-shadow:inset 0 0 0 2px #d92d20}
.legend .sev-warning{background:#fff3d6;box-shadow:inset 0 0 0 2px #e0a000}
.legend .sev-info{background:#e6f0fb;box-shadow:inset 0 0 0 1px #5b8fd0}
.legend .involved{background:#fff;box-shadow:inset 0 0 0 1px #8c959f}
.legend .unread{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#d0d7de 3px,#d0d7de 5px);
border:1px solid #d0d7de}
ol.findings{list-style:none;padding:0;margin:0}
.finding{border:1px solid #d0d7de;border-left:5px solid #8c959f;border-radius:4px;padding:10px 14px;
margin:10px 0;break-inside:avoid}
.finding.sev-error{border-left-color:#d92d20}.finding.sev-warning{border-left-color:#e0a000}
.finding.sev-info{border-left-color:#5b8fd0}
.finding.dismissed{opacity:.6}
.fhead{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:baseline}
.fno{color:#57606a;font-size:13px}
.code{font-weight:bold;font-size:15px}
.title{font-weight:bold}
.tag{font-size:12px;padding:0 6px;border-radius:3px;border:1px solid #d0d7de;background:#f6f8fa;white-space:nowrap}
.tag.error{color:#b42318;border-color:#f4b4ae;background:#fde8e7}
.tag.warning{color:#9a5b00;border-color:#f0cf80;background:#fff3d6}
.tag.info{color:#1d5fa8;border-color:#a9c7ec;background:#e6f0fb}
.msg{margin:6px 0}
.where{font-size:13px;color:#57606a;margin:4px 0}
table.refs{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}
table.refs th,table.refs td{border:1px solid #d0d7de;padding:2px 8px;text-align:left;vertical-align:top}
table.refs th{background:#f6f8fa;font-weight:normal;color:#57606a;white-space:nowrap}
table.refs td.num{white-space:nowrap}
table.refs td.bad{color:#b42318;font-weight:bold}
.none{color:#8c959f}
blockquote{margin:6px 0;padding:4px 10px;background:#f6f8fa;border-left:3px solid #d0d7de;font-size:13px}
blockquote .ln{color:#8c959f;margin-right:8px;white-space:nowrap}
blockquote .src{white-space:pre-wrap;tab-size:4;word-break:break-all}
mark{background:#fff0b3;padding:0 1px}
mark.bad{background:#f9c0bb;color:#8f1d14;font-weight:bold}
.empty{color:#57606a}
details.unassessed{margin:10px 0}
details.unassessed>summary{cursor:pointer;color:#57606a;font-size:14px;padding:4px 0}
table.toc-list{border-collapse:collapse;width:100%;font-size:14px}
table.toc-list th,table.toc-list td{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
table.toc-list th{background:#f6f8fa;font-weight:normal;color:#57606a}
table.toc-list td.n{text-align:right;font-variant-numeric:tabular-nums}
@media print{body{background:#fff}main{padding:0;max-width:none}.report,.toc{border:0;padding:0}
.report+.report,.toc+.report{break-before:page}a{color:inherit;text-decoration:none}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def source_lines(path: str | os.PathLike[str]) -> dict[int, str]:
    """The numbered lines of a report file as its `Location.line` counts them (none for a PDF).

    A table row printed on one line of a text file comes back as its cells joined by tabs, as written.
    """
    from nianbao.read import read_document

    return document_lines(read_document(path))


def document_lines(doc: Document) -> dict[int, str]:
    """The numbered lines of a Document already read, as `source_lines` gives them."""
    out: dict[int, str] = {}
    for block in doc.blocks:
        on_line: dict[int, list[str]] = {}
        for text, loc in zip(block.cells, block.locations, strict=True):
            if loc.line is not None:
                on_line.setdefault(loc.line, []).append(text)
        for number, texts in on_line.items():
            out.setdefault(number, "\t".join(texts))
    return out


# ---------------------------------------------------------------------------------------------
# The findings a page shows, numbered in reading order, and the marks they put on cells
# ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    number: int  # 1-based, in the order the findings are listed
    anchor: str
    finding: Finding


def _blamed(ref: CellRef) -> bool:
    """The finding says what the cell should read, and it is not what is printed."""
    return ref.expected is not None and ref.expected != ref.printed


@dataclass
class _Mark:
    items: list[_Item] = field(default_factory=list)

    @property
    def severity(self) -> Severity:
        return max(i.finding.severity for i in self.items)

    def codes(self) -> list[_Item]:
        """The first item of each rule, in order of appearance."""
        seen: dict[str, _Item] = {}
        for i in self.items:
            seen.setdefault(i.finding.rule, i)
        return list(seen.values())

    def expected(self, key: str) -> str | None:
        """What the findings expect the cell to read, when they agree."""
        wanted = {c.expected for i in self.items for c in i.finding.cells if c.key == key and _blamed(c)}
        return wanted.pop() if len(wanted) == 1 else None

    def only_involved(self, key: str) -> bool:
        """True when every finding naming the cell blames another cell (says that one should read otherwise)."""
        return all(
            any(_blamed(c) for c in i.finding.cells) and not any(c.key == key and _blamed(c) for c in i.finding.cells)
            for i in self.items
        )

    def tooltip(self) -> str:
        return "\n".join(f"{i.finding.rule} {i.finding.severity.chinese}：{i.finding.message}" for i in self.items)


def _family_order(family: str) -> int:
    return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)


def _items(audit: Audit, prefix: str) -> list[_Item]:
    # numbered by family, the not assessable after all others (they are listed folded under their family);
    # the sort is stable: otherwise the audit's order
    ordered = sorted(audit.findings,
                     key=lambda f: (f.status is Status.NOT_ASSESSABLE, _family_order(f.family), f.family))
    return [_Item(n, f"{prefix}-f{n}", f) for n, f in enumerate(ordered, start=1)]


def _marks(items: Iterable[_Item]) -> dict[str, _Mark]:
    """Per cell key, the findings (not dismissed by a reviewer) that name it."""
    out: dict[str, _Mark] = {}
    for item in items:
        if item.finding.review == "dismissed":
            continue
        for key in dict.fromkeys(item.finding.keys):
            out.setdefault(key, _Mark()).items.append(item)
    return out


# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------


def _table(grid: Grid, report: Report, marks: Mapping[str, _Mark], prefix: str) -> Iterable[str]:
    yield '<table class="official">'
    total = sum(grid.widths_cm)
    yield "<colgroup>" + "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in grid.widths_cm) + "</colgroup>"
    value_rows = {c.row for c in grid.cells if c.key is not None}
    for r in range(grid.rows):
        parts = [_cell(c, c.row in value_rows, report, marks, prefix) for c in grid.starting_in(r)]
        yield "<tr>" + "".join(parts) + "</tr>"
    yield "</table>"


def _spans(c: Placed) -> str:
    return (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")


def _cell(c: Placed, in_value_row: bool, report: Report, marks: Mapping[str, _Mark], prefix: str) -> str:
    if c.key is None:
        row_label = ' class="rl"' if in_value_row and c.rowspan == 1 else ""
        return f"<th{_spans(c)}{row_label}>{_e(c.text)}</th>"
    classes: list[str] = []
    tips: list[str] = []
    extra = ""
    if c.key not in report.cells:
        classes.append("unread")
        tips.append("未读到此单元格")
    mark = marks.get(c.key)
    if mark is not None:
        classes.append(f"sev-{mark.severity.label}")
        if mark.only_involved(c.key):
            classes.append("involved")
        tips.append(mark.tooltip())
        expected = mark.expected(c.key)
        if expected is not None and expected != c.text:
            extra += f'<span class="expect">应为 {_e(expected)}</span>'
        links = " ".join(f'<a href="#{_e(i.anchor)}">{_e(i.finding.rule)}</a>' for i in mark.codes())
        extra += f"<sup>{links}</sup>"
    attrs = f' id="{_e(prefix)}-c-{_e(c.key)}"'
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    if tips:
        attrs += f' title="{_e(chr(10).join(tips))}"'
    return f"<td{_spans(c)}{attrs}>{_e(c.text)}{extra}</td>"


def _tables(report: Report, marks: Mapping[str, _Mark], prefix: str) -> Iterable[str]:
    if report.format is None:
        yield '<p class="empty">未能识别报告所用的表格格式（2019 年版或 2021 年版），无法按官方格式绘制统计表。</p>'
        return
    fmt = get_format(report.format)

    def text_of(key: str) -> str:
        cell = report.cells.get(key)
        return "" if cell is None else cell.printed

    headings = {s.number: s.heading for s in sections()}
    for grid in tables(fmt, text_of):
        number = _NUMERALS.index(grid.name) + 1
        yield f'<p class="cap">{grid.name}、{_e(headings.get(number, ""))}</p>'
        yield from _table(grid, report, marks, prefix)


# ---------------------------------------------------------------------------------------------
# The findings list
# ---------------------------------------------------------------------------------------------


def _describe_key(report: Report, key: str) -> str:
    if report.format is None:
        return ""
    spec = get_format(report.format).cells.get(key)
    if spec is None:
        return ""
    return " · ".join(t for t in (spec.row_label, spec.column_label) if t)


def _printed(text: str | None) -> str:
    if text is None:
        return '<span class="none">（未读到）</span>'
    if not text.strip():
        return '<span class="none">（空白）</span>'
    return _e(text)


def _refs(report: Report, refs: Sequence[CellRef], prefix: str, drawn: set[str]) -> Iterable[str]:
    with_expected = any(c.expected is not None for c in refs)
    with_location = any(c.location is not None for c in refs)
    head = "<th>单元格</th><th>印为</th>" + ("<th>应为</th>" if with_expected else "") + (
        "<th>位置</th>" if with_location else "")
    yield f'<table class="refs"><tr>{head}</tr>'
    for c in refs:
        label = _describe_key(report, c.key)
        name = f'<a href="#{_e(prefix)}-c-{_e(c.key)}">{_e(label or c.key)}</a>' if c.key in drawn \
            else _e(label or c.key)
        row = f"<td>{name}{f' <code>{_e(c.key)}</code>' if label else ''}</td>"
        bad = _blamed(c)
        row += f'<td class="num{" bad" if bad else ""}">{_printed(c.printed)}</td>'
        if with_expected:
            row += f'<td class="num">{_e(c.expected) if c.expected is not None else ""}</td>'
        if with_location:
            row += f'<td class="num">{_e(c.location.describe()) if c.location is not None else ""}</td>'
        yield f"<tr>{row}</tr>"
    yield "</table>"


def _quote(finding: Finding, lines: Lines) -> Iterable[str]:
    """The source lines the finding points at, the printed cells highlighted where they sit."""
    spans: dict[int, list[tuple[int, int, str, bool]]] = {}
    wanted: list[int] = []
    if finding.location is not None and finding.location.line is not None:
        wanted.append(finding.location.line)
    for c in finding.cells:
        loc = c.location
        if loc is None or loc.line is None:
            continue
        wanted.append(loc.line)
        if loc.start is not None and loc.end is not None and c.printed:
            wrong = _blamed(c)
            spans.setdefault(loc.line, []).append((loc.start, loc.end, c.printed, wrong))
    numbers = [n for n in dict.fromkeys(wanted) if n in lines]
    if not numbers:
        return
    shown = sorted(numbers)[:MAX_QUOTED_LINES]
    yield "<blockquote>"
    for n in shown:
        text = _highlight(lines[n], spans.get(n, []))
        yield f'<div><span class="ln">第{n}行</span><span class="src">{text}</span></div>'
    if len(numbers) > len(shown):
        yield f'<div class="ln">……另有 {len(numbers) - len(shown)} 行</div>'
    yield "</blockquote>"


def _highlight(text: str, spans: list[tuple[int, int, str, bool]]) -> str:
    """`text` escaped, each span marked when the text there is what the cell printed (a wrong one in red)."""
    good = sorted({(a, b, wrong) for a, b, printed, wrong in spans if 0 <= a < b <= len(text) and text[a:b] == printed})
    out: list[str] = []
    at = 0
    for a, b, wrong in good:
        if a < at:
            continue  # overlapping spans: keep the first
        out.append(_e(text[at:a]))
        tag = '<mark class="bad">' if wrong else "<mark>"
        out.append(f"{tag}{_e(text[a:b])}</mark>")
        at = b
    out.append(_e(text[at:]))
    return "".join(out)


def _finding(item: _Item, report: Report, rules: Mapping[str, Rule], lines: Lines | None, prefix: str,
             drawn: set[str], actions: Actions | None = None) -> Iterable[str]:
    f = item.finding
    classes = f"finding sev-{f.severity.label}" + (" dismissed" if f.review == "dismissed" else "")
    yield f'<li class="{classes}" id="{_e(item.anchor)}">'
    rule = rules.get(f.rule)
    tags = [f'<span class="tag {f.severity.label}">{f.severity.chinese}</span>',
            f'<span class="tag">{_e(STATUS_NAMES.get(f.status, f.status.value))}</span>']
    if f.review:
        tags.append(f'<span class="tag">{_e(REVIEW_NAMES.get(f.review, f.review))}</span>')
    title = f'<span class="title">{_e(rule.title)}</span>' if rule is not None else ""
    yield (f'<div class="fhead"><span class="fno">问题 {item.number}</span><span class="code">{_e(f.rule)}</span>'
           f'{title}{"".join(tags)}<code>{_e(f.name)}</code></div>')
    yield f'<p class="msg">{_e(f.message)}</p>'
    if f.cells:
        yield from _refs(report, f.cells, prefix, drawn)
    if f.location is not None:  # the cells' own locations are in their table
        yield f'<p class="where">位置：{_e(f.location.describe())}</p>'
    if lines is not None:
        yield from _quote(f, lines)
    if actions is not None:
        yield actions(f)
    yield "</li>"


# ---------------------------------------------------------------------------------------------
# One report's section, the pages
# ---------------------------------------------------------------------------------------------


def _title(report: Report, audit: Audit) -> str:
    agency = report.agency or audit.agency or "（未识别发布机关）"
    year = report.year or audit.year
    return f"{agency}{f'{year}年' if year else ''}政府信息公开工作年度报告核查结果"


def _counts(audit: Audit) -> str:
    counts = audit.counts()
    return "".join(f'<span class="badge {s.label}">{s.chinese} {counts[s.label]}</span>'
                   for s in sorted(Severity, reverse=True))


def _verdict(audit: Audit) -> str:
    active = [f for f in audit.findings if f.review != "dismissed"]
    errors = sum(1 for f in active if f.severity is Severity.ERROR)
    warnings = sum(1 for f in active if f.severity is Severity.WARNING)
    unassessed = sum(1 for f in active if f.status is Status.NOT_ASSESSABLE)
    if errors or warnings:
        text = f"发现 {errors} 项错误、{warnings} 项警告，请逐项核实并更正。"
    else:
        text = "未发现错误或警告。"
    if unassessed:
        text += f"另有 {unassessed} 项因数据空白或无法读取而未能核查。"
    dismissed = len(audit.findings) - len(active)
    if dismissed:
        text += f"（{dismissed} 项已复核排除，不计入。）"
    return f'<p class="verdict">{_e(text)}</p>'


def _drawn(report: Report) -> set[str]:
    return set(get_format(report.format).cells) if report.format is not None else set()


def _head(report: Report, audit: Audit, level: int) -> Iterable[str]:
    h = f"h{level}"
    yield f'<{h} class="rtitle">{_e(_title(report, audit))}</{h}>'
    meta = [
        ("发布机关", report.agency or audit.agency or "未识别"),
        ("报告年度", f"{report.year or audit.year}年" if (report.year or audit.year) else "未识别"),
        ("表格格式", f"{report.format}年版" if report.format else "未识别"),
        ("原标题", report.title or ""),
        ("落款或发布日期", report.date.isoformat() if report.date else ""),
        ("文件", audit.file or report.file),
    ]
    yield '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in meta if v) + "</dl>"
    yield f'<div class="counts">{_counts(audit)}</div>'
    yield _verdict(audit)


def _tables_part(report: Report, marks: Mapping[str, _Mark], drawn: set[str], prefix: str,
                 level: int) -> Iterable[str]:
    h2 = f"h{level + 1}"
    yield f'<{h2} class="part">一、统计表</{h2}>'
    unread = any(k not in report.cells for k in drawn)
    involved = any(m.only_involved(k) for k, m in marks.items() if k in drawn)
    yield ('<p class="legend">表中数值照报告原样列出。标色的单元格被下列问题指出：'
           '<span class="key sev-error"></span>错误<span class="key sev-warning"></span>警告'
           '<span class="key sev-info"></span>提示'
           + ('<span class="key involved"></span>参与核对的其他单元格' if involved else "")
           + ('<span class="key unread"></span>未读到该单元格' if unread else "")
           + "；单元格内的小字为规则编号（可点击跳到问题说明），鼠标停留可查看说明。</p>")
    yield from _tables(report, marks, prefix)


def _findings_part(report: Report, items: Sequence[_Item], lines: Lines | None, prefix: str,
                   rules: Mapping[str, Rule], drawn: set[str], level: int,
                   actions: Actions | None = None) -> Iterable[str]:
    h2, h3 = f"h{level + 1}", f"h{level + 2}"
    yield f'<{h2} class="part">二、核查发现的问题</{h2}>'
    if not items:
        yield '<p class="empty">未发现问题。</p>'
    families = sorted(dict.fromkeys(i.finding.family for i in items), key=lambda f: (_family_order(f), f))
    for number, family in enumerate(families, start=1):
        group = [i for i in items if i.finding.family == family]
        ordinal = _NUMERALS[number - 1] if number <= len(_NUMERALS) else str(number)
        yield f'<{h3} class="fam">（{ordinal}）{_e(FAMILY_NAMES.get(family, family))}（{len(group)} 项）</{h3}>'
        shown = [i for i in group if i.finding.status is not Status.NOT_ASSESSABLE]
        unassessed = [i for i in group if i.finding.status is Status.NOT_ASSESSABLE]
        if shown:
            yield '<ol class="findings">'
            for item in shown:
                yield from _finding(item, report, rules, lines, prefix, drawn, actions)
            yield "</ol>"
        if unassessed:
            # many alike (every identity on a blank column): folded, to keep the failures in view
            is_open = " open" if len(unassessed) <= FOLD_UNASSESSED else ""
            yield (f'<details class="unassessed"{is_open}><summary>{len(unassessed)} 项因单元格空白或无法读取而'
                   "无法核查</summary>")
            yield '<ol class="findings">'
            for item in unassessed:
                yield from _finding(item, report, rules, lines, prefix, drawn, actions)
            yield "</ol></details>"


def _section(report: Report, audit: Audit, lines: Lines | None, prefix: str, rules: Mapping[str, Rule],
             level: int, actions: Actions | None = None) -> Iterable[str]:
    items = _items(audit, prefix)
    marks = _marks(items)
    drawn = _drawn(report)
    yield f'<section class="report" id="{_e(prefix)}">'
    yield from _head(report, audit, level)
    yield from _tables_part(report, marks, drawn, prefix, level)
    yield from _findings_part(report, items, lines, prefix, rules, drawn, level, actions)
    yield "</section>"


def _page(title: str, body: Iterable[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _rules() -> dict[str, Rule]:
    return {r.code: r for r in catalog()}


def audit_html(report: Report, audit: Audit, *, lines: Lines | None = None) -> str:
    """The check report of one report as a self-contained HTML page (Chinese, inline CSS, no script).

    `lines`: the source's numbered lines (`source_lines(path)`), to quote the lines findings point at.
    """
    return _page(_title(report, audit), _section(report, audit, lines, "r1", _rules(), 1))


def audits_html(pairs: Sequence[tuple[Report, Audit]], *,
                lines: Sequence[Lines | None] | None = None) -> str:
    """Several check reports on one page, a table of contents first. `lines` runs parallel to `pairs`."""
    if lines is not None and len(lines) != len(pairs):
        raise ValueError("lines must give one entry (or None) per report")
    rules = _rules()
    body: list[str] = ['<section class="toc">', f"<h1>政府信息公开工作年度报告核查结果（共 {len(pairs)} 份）</h1>"]
    totals = {s.label: 0 for s in Severity}
    rows: list[str] = []
    for n, (report, audit) in enumerate(pairs, start=1):
        counts = audit.counts()
        for k, v in counts.items():
            totals[k] += v
        agency = report.agency or audit.agency or "（未识别发布机关）"
        year = report.year or audit.year
        rows.append(f'<tr><td class="n">{n}</td><td><a href="#r{n}">{_e(agency)}</a></td>'
                    f"<td>{_e(f'{year}年' if year else '')}</td><td>{_e(audit.file or report.file)}</td>"
                    + "".join(f'<td class="n">{counts[s.label]}</td>' for s in sorted(Severity, reverse=True))
                    + "</tr>")
    body.append('<div class="counts">' + "".join(
        f'<span class="badge {s.label}">{s.chinese} {totals[s.label]}</span>' for s in sorted(Severity, reverse=True))
        + "</div>")
    body.append('<table class="toc-list"><tr><th>序号</th><th>发布机关</th><th>年度</th><th>文件</th>'
                "<th>错误</th><th>警告</th><th>提示</th></tr>")
    body.extend(rows)
    body.append("</table>")
    body.append("</section>")
    for n, (report, audit) in enumerate(pairs, start=1):
        body.extend(_section(report, audit, lines[n - 1] if lines is not None else None, f"r{n}", rules, 2))
    return _page(f"政府信息公开工作年度报告核查结果（共 {len(pairs)} 份）", body)


# ---------------------------------------------------------------------------------------------
# Fragments for pages with their own layout (the web app)
# ---------------------------------------------------------------------------------------------

#: The stylesheet of the check report page (it styles `body` and `main` too: scope it when embedding).
CSS = _CSS


@dataclass(frozen=True)
class AuditParts:
    """One report's check report in pieces, for a page that lays them out itself."""

    head: str  # the title, the metadata, the counts and the verdict
    tables: str  # 一、统计表: the legend and the official tables, the cells findings name marked
    findings: str  # 二、核查发现的问题: the findings by family, each with its cells and source lines


def audit_parts(report: Report, audit: Audit, *, lines: Lines | None = None, prefix: str = "r1", level: int = 2,
                actions: Actions | None = None) -> AuditParts:
    """The pieces of `audit_section`. Cells are ``{prefix}-c-{key}``, findings ``{prefix}-f{n}``.

    `actions(finding)` returns HTML put at the end of each finding's block (e.g. review buttons); the
    caller escapes whatever it puts in.
    """
    items = _items(audit, prefix)
    marks = _marks(items)
    drawn = _drawn(report)
    return AuditParts(
        head="\n".join(_head(report, audit, level)),
        tables="\n".join(_tables_part(report, marks, drawn, prefix, level)),
        findings="\n".join(_findings_part(report, items, lines, prefix, _rules(), drawn, level, actions)),
    )


def audit_section(report: Report, audit: Audit, lines: Lines | None = None, prefix: str = "r1", level: int = 2,
                  actions: Actions | None = None) -> str:
    """One report's check report as a ``<section>`` (no page around it; style it with `CSS`)."""
    return "\n".join(_section(report, audit, lines, prefix, _rules(), level, actions))


def finding_html(report: Report, audit: Audit, fingerprint: str, *, lines: Lines | None = None, prefix: str = "r1",
                 actions: Actions | None = None) -> str | None:
    """The block (``<li>``) of one finding as `audit_parts` draws it, numbered alike; None if not found."""
    items = _items(audit, prefix)
    item = next((i for i in items if i.finding.fingerprint == fingerprint), None)
    if item is None:
        return None
    return "".join(_finding(item, report, _rules(), lines, prefix, _drawn(report), actions))
