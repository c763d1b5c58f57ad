"""The check report page: one self-contained HTML page a supervisor can send back to an agency.

`audit_html(report, audit)` draws the report's three tables in the official layout (the grid of
`nianbao.formats.grid`, with the labels printed by the format and the values printed by the report,
drawn by the macro every HTML page draws the official tables with: `official_table.py`), marks every
cell a finding names (by the worst severity, with the rule codes as a superscript and the messages as a
tooltip), and lists the findings by family with their cells and source locations (`check_findings.py`).
`audits_html(pairs)` puts several reports on one page behind a table of contents.

The page is plain HTML with inline CSS (`check_style.py`): no JavaScript, no network, prints as it shows.
Every text that comes from a report is escaped.

`Location.line` counts the lines of the *source* document (a text file's lines, an html or docx
file's paragraphs), not the lines of `Report.text`, so source lines are quoted only when the caller
passes them: `lines=source_lines(path)` reads them back from the file (`document_lines(doc)` from a
Document already read; both in `nianbao.read.lines`).

Pages that embed the check report in their own layout (the web app) use `audit_parts` (the tables and
the findings as separate fragments, with an `actions` hook adding controls to each finding),
`audit_section`, `finding_html` (one finding, to redraw it after a review) and the stylesheet `CSS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nianbao.audit.model import FAMILY_NAMES, Audit, Severity, Status
from nianbao.audit.registry import Rule, catalog
from nianbao.formats import get_format, sections
from nianbao.formats.grid import Grid, Placed, tables
from nianbao.render.check_findings import (
    Actions,
    Item,
    Lines,
    Mark,
    e,
    family_order,
    finding_block,
    items_of,
    marks_of,
)
from nianbao.render.check_style import CSS
from nianbao.render.official_table import CellView, RowGroup, TableView, draw, grid_rows
from nianbao.report import Report

_NUMERALS = "一二三四五六七八九十"
FOLD_UNASSESSED = 3  # more not-assessable findings than this in a family are folded (a <details> element)


# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------


def _table(grid: Grid, report: Report, marks: Mapping[str, Mark], prefix: str) -> str:
    """The grid drawn by `official_table.html`, each cell a finding names marked."""
    total = sum(grid.widths_cm)

    def cell(c: Placed, in_value_row: bool) -> CellView:
        return _cell(c, in_value_row, report, marks, prefix)

    view = TableView("official", [f"{w / total * 100:.2f}" for w in grid.widths_cm], [RowGroup(grid_rows(grid, cell))])
    return draw(view)


def _cell(c: Placed, in_value_row: bool, report: Report, marks: Mapping[str, Mark], prefix: str) -> CellView:
    if c.key is None:
        return CellView(
            c.text,
            header=True,
            rowspan=c.rowspan,
            colspan=c.colspan,
            css="rl" if in_value_row and c.rowspan == 1 else None,
        )
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
            extra += f'<span class="expect">应为 {e(expected)}</span>'
        links = " ".join(f'<a href="#{e(i.anchor)}">{e(i.finding.rule)}</a>' for i in mark.codes())
        extra += f"<sup>{links}</sup>"
    return CellView(
        c.text,
        rowspan=c.rowspan,
        colspan=c.colspan,
        id=f"{prefix}-c-{c.key}",
        css=" ".join(classes) if classes else None,
        title="\n".join(tips) if tips else None,
        extra=extra,
    )


def _tables(report: Report, marks: Mapping[str, Mark], prefix: str) -> Iterable[str]:
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
        yield f'<p class="cap">{grid.name}、{e(headings.get(number, ""))}</p>'
        yield _table(grid, report, marks, prefix)


# ---------------------------------------------------------------------------------------------
# One report's section, the pages
# ---------------------------------------------------------------------------------------------


def _title(report: Report, audit: Audit) -> str:
    agency = report.agency or audit.agency or "（未识别发布机关）"
    year = report.year or audit.year
    return f"{agency}{f'{year}年' if year else ''}政府信息公开工作年度报告核查结果"


def _counts(audit: Audit) -> str:
    counts = audit.counts()
    return "".join(
        f'<span class="badge {s.label}">{s.chinese} {counts[s.label]}</span>' for s in sorted(Severity, reverse=True)
    )


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
    return f'<p class="verdict">{e(text)}</p>'


def _drawn(report: Report) -> set[str]:
    return set(get_format(report.format).cells) if report.format is not None else set()


def _head(report: Report, audit: Audit, level: int) -> Iterable[str]:
    h = f"h{level}"
    yield f'<{h} class="rtitle">{e(_title(report, audit))}</{h}>'
    meta = [
        ("发布机关", report.agency or audit.agency or "未识别"),
        ("报告年度", f"{report.year or audit.year}年" if (report.year or audit.year) else "未识别"),
        ("表格格式", f"{report.format}年版" if report.format else "未识别"),
        ("原标题", report.title or ""),
        ("落款或发布日期", report.date.isoformat() if report.date else ""),
        ("文件", audit.file or report.file),
    ]
    yield '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{e(v)}</dd>" for k, v in meta if v) + "</dl>"
    yield f'<div class="counts">{_counts(audit)}</div>'
    yield _verdict(audit)


def _tables_part(report: Report, marks: Mapping[str, Mark], drawn: set[str], prefix: str, level: int) -> Iterable[str]:
    h2 = f"h{level + 1}"
    yield f'<{h2} class="part">一、统计表</{h2}>'
    unread = any(k not in report.cells for k in drawn)
    involved = any(m.only_involved(k) for k, m in marks.items() if k in drawn)
    yield (
        '<p class="legend">表中数值照报告原样列出。标色的单元格被下列问题指出：'
        '<span class="key sev-error"></span>错误<span class="key sev-warning"></span>警告'
        '<span class="key sev-info"></span>提示'
        + ('<span class="key involved"></span>参与核对的其他单元格' if involved else "")
        + ('<span class="key unread"></span>未读到该单元格' if unread else "")
        + "；单元格内的小字为规则编号（可点击跳到问题说明），鼠标停留可查看说明。</p>"
    )
    yield from _tables(report, marks, prefix)


def _findings_part(
    report: Report,
    items: Sequence[Item],
    lines: Lines | None,
    prefix: str,
    rules: Mapping[str, Rule],
    drawn: set[str],
    level: int,
    actions: Actions | None = None,
) -> Iterable[str]:
    h2, h3 = f"h{level + 1}", f"h{level + 2}"
    yield f'<{h2} class="part">二、核查发现的问题</{h2}>'
    if not items:
        yield '<p class="empty">未发现问题。</p>'
    families = sorted(dict.fromkeys(i.finding.family for i in items), key=lambda f: (family_order(f), f))
    for number, family in enumerate(families, start=1):
        group = [i for i in items if i.finding.family == family]
        ordinal = _NUMERALS[number - 1] if number <= len(_NUMERALS) else str(number)
        yield f'<{h3} class="fam">（{ordinal}）{e(FAMILY_NAMES.get(family, family))}（{len(group)} 项）</{h3}>'
        shown = [i for i in group if i.finding.status is not Status.NOT_ASSESSABLE]
        unassessed = [i for i in group if i.finding.status is Status.NOT_ASSESSABLE]
        if shown:
            yield '<ol class="findings">'
            for item in shown:
                yield from finding_block(item, report, rules, lines, prefix, drawn, actions)
            yield "</ol>"
        if unassessed:
            # many alike (every identity on a blank column): folded, to keep the failures in view
            is_open = " open" if len(unassessed) <= FOLD_UNASSESSED else ""
            yield (
                f'<details class="unassessed"{is_open}><summary>{len(unassessed)} 项因单元格空白或无法读取而'
                "无法核查</summary>"
            )
            yield '<ol class="findings">'
            for item in unassessed:
                yield from finding_block(item, report, rules, lines, prefix, drawn, actions)
            yield "</ol></details>"


def _section(
    report: Report,
    audit: Audit,
    lines: Lines | None,
    prefix: str,
    rules: Mapping[str, Rule],
    level: int,
    actions: Actions | None = None,
) -> Iterable[str]:
    items = items_of(audit, prefix)
    marks = marks_of(items)
    drawn = _drawn(report)
    yield f'<section class="report" id="{e(prefix)}">'
    yield from _head(report, audit, level)
    yield from _tables_part(report, marks, drawn, prefix, level)
    yield from _findings_part(report, items, lines, prefix, rules, drawn, level, actions)
    yield "</section>"


def page_html(title: str, body: Iterable[str], css: str = "") -> str:
    """A self-contained HTML page in the check page's style (and `css` after it) around `body`."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title)}</title>",
            f"<style>{CSS}{css}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _rules() -> dict[str, Rule]:
    return {r.code: r for r in catalog()}


def audit_html(report: Report, audit: Audit, *, lines: Lines | None = None) -> str:
    """The check report of one report as a self-contained HTML page (Chinese, inline CSS, no script).

    `lines`: the source's numbered lines (`source_lines(path)`), to quote the lines findings point at.
    """
    return page_html(_title(report, audit), _section(report, audit, lines, "r1", _rules(), 1))


def audits_html(pairs: Sequence[tuple[Report, Audit]], *, lines: Sequence[Lines | None] | None = None) -> str:
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
        rows.append(
            f'<tr><td class="n">{n}</td><td><a href="#r{n}">{e(agency)}</a></td>'
            f"<td>{e(f'{year}年' if year else '')}</td><td>{e(audit.file or report.file)}</td>"
            + "".join(f'<td class="n">{counts[s.label]}</td>' for s in sorted(Severity, reverse=True))
            + "</tr>"
        )
    body.append(
        '<div class="counts">'
        + "".join(
            f'<span class="badge {s.label}">{s.chinese} {totals[s.label]}</span>'
            for s in sorted(Severity, reverse=True)
        )
        + "</div>"
    )
    body.append(
        '<table class="toc-list"><tr><th>序号</th><th>发布机关</th><th>年度</th><th>文件</th>'
        "<th>错误</th><th>警告</th><th>提示</th></tr>"
    )
    body.extend(rows)
    body.append("</table>")
    body.append("</section>")
    for n, (report, audit) in enumerate(pairs, start=1):
        body.extend(_section(report, audit, lines[n - 1] if lines is not None else None, f"r{n}", rules, 2))
    return page_html(f"政府信息公开工作年度报告核查结果（共 {len(pairs)} 份）", body)


# ---------------------------------------------------------------------------------------------
# Fragments for pages with their own layout (the web app)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditParts:
    """One report's check report in pieces, for a page that lays them out itself."""

    head: str  # the title, the metadata, the counts and the verdict
    tables: str  # 一、统计表: the legend and the official tables, the cells findings name marked
    findings: str  # 二、核查发现的问题: the findings by family, each with its cells and source lines


def audit_parts(
    report: Report,
    audit: Audit,
    *,
    lines: Lines | None = None,
    prefix: str = "r1",
    level: int = 2,
    actions: Actions | None = None,
) -> AuditParts:
    """The pieces of `audit_section`. Cells are ``{prefix}-c-{key}``, findings ``{prefix}-f{n}``.

    `actions(finding)` returns HTML put at the end of each finding's block (e.g. review buttons); the
    caller escapes whatever it puts in.
    """
    items = items_of(audit, prefix)
    marks = marks_of(items)
    drawn = _drawn(report)
    return AuditParts(
        head="\n".join(_head(report, audit, level)),
        tables="\n".join(_tables_part(report, marks, drawn, prefix, level)),
        findings="\n".join(_findings_part(report, items, lines, prefix, _rules(), drawn, level, actions)),
    )


def audit_section(
    report: Report,
    audit: Audit,
    lines: Lines | None = None,
    prefix: str = "r1",
    level: int = 2,
    actions: Actions | None = None,
) -> str:
    """One report's check report as a ``<section>`` (no page around it; style it with `CSS`)."""
    return "\n".join(_section(report, audit, lines, prefix, _rules(), level, actions))


def finding_html(
    report: Report,
    audit: Audit,
    fingerprint: str,
    *,
    lines: Lines | None = None,
    prefix: str = "r1",
    actions: Actions | None = None,
) -> str | None:
    """The block (``<li>``) of one finding as `audit_parts` draws it, numbered alike; None if not found."""
    items = items_of(audit, prefix)
    item = next((i for i in items if i.finding.fingerprint == fingerprint), None)
    if item is None:
        return None
    return "".join(finding_block(item, report, _rules(), lines, prefix, _drawn(report), actions))
