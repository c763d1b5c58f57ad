"""The year-over-year page: one agency's report beside its report of the year before (`nianbao diff --output html`).

`diff_html(comparisons)` draws each `nianbao.audit.compare.Comparison` as the check page draws a report:
the head (the two reports' agency, year, format and file side by side), the three tables in the official
layout (`formats.grid`, drawn by the one macro every HTML page draws the official tables with:
`official_table.py`), each value cell showing this year's printed value with last year's on a second line
and, when it changed, the change Δ and a marked cell (the percentage in the tooltip); the cross-year
findings (drawn as the check page draws findings, `check_findings.finding_block`); then the narrative
section by section in two columns, last year's left and this year's right: changed paragraphs with the
characters removed (``<del>``) and inserted (``<ins>``), added and dropped ones on their side, and the
sentences the copied-text rule Y703 counts as copied marked (``<mark>``).

Plain HTML with the check page's inline CSS plus this page's own (`DIFF_CSS`): no script, no network,
prints as it shows. Every text from a report is escaped. Several comparisons share one page behind a table
of contents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest

from nianbao.audit.compare import CellDiff, CellState, Comparison, ParagraphKind, SectionDiff, percent_text, signed
from nianbao.audit.compare_text import ParagraphDiff, Span
from nianbao.audit.model import Status
from nianbao.audit.registry import catalog
from nianbao.formats import get_format, sections
from nianbao.formats.grid import Grid, Placed, tables
from nianbao.render.check_findings import e, finding_block, items_of
from nianbao.render.check_page import page_html
from nianbao.render.official_table import CellView, RowGroup, TableView, draw, grid_rows
from nianbao.report import Report

_NUMERALS = "一二三四五六七八九十"

#: This page's styles, after the check page's (`check_style.CSS`).
DIFF_CSS = """
table.pair{border-collapse:collapse;width:100%;font-size:14px;margin:0 0 12px;table-layout:fixed}
table.pair th,table.pair td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;word-break:break-all}
table.pair th{background:#f6f8fa;font-weight:normal;color:#57606a;width:8em}
table.pair thead th{color:#1f2328;font-weight:bold;width:auto}
.note{background:#fff8e1;border-left:4px solid #e0a000;padding:6px 10px;margin:8px 0;font-size:14px}
table.official td.changed{background:#fff3d6;box-shadow:inset 0 0 0 2px #e0a000;font-weight:bold}
table.official td.nocmp{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eef0f2 4px,#eef0f2 8px)}
table.official .was{display:block;font-size:11px;color:#57606a;font-weight:normal;line-height:1.2}
table.official .delta{display:block;font-size:11px;font-weight:bold;line-height:1.2}
table.official .delta.up{color:#1a7f37}table.official .delta.down{color:#b42318}
.legend .changed{background:#fff3d6;box-shadow:inset 0 0 0 2px #e0a000}
.legend .nocmp{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#d0d7de 3px,#d0d7de 5px);
border:1px solid #d0d7de}
.tally{font-size:14px;color:#57606a;margin:4px 0 8px}
table.narr{border-collapse:collapse;width:100%;table-layout:fixed;font-size:14px;margin:6px 0 12px}
table.narr th,table.narr td{border:1px solid #d0d7de;padding:6px 10px;vertical-align:top;text-align:left;
word-break:break-all}
table.narr th{background:#f6f8fa;font-weight:normal;color:#57606a}
table.narr td.none{background:#f6f8fa}
table.narr tr.kept td{color:#57606a}
table.narr td.gone{background:#fdf0ef}table.narr td.fresh{background:#eef8f0}
table.narr .kind{display:block;font-size:12px;color:#57606a;margin-bottom:2px}
del{background:#f9c0bb;color:#8f1d14}
ins{background:#c7ecd0;text-decoration:none}
mark ins{background:#c7ecd0}
"""


# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------


def _side(printed: str | None, state: CellState) -> str:
    if state is CellState.UNREAD:
        return "未读到"
    if state is CellState.BLANK:
        return "空白"
    return printed or ""


def _tooltip(diff: CellDiff) -> str:
    parts = [f"上年：{_side(diff.old_printed, diff.old_state)}", f"本年：{_side(diff.new_printed, diff.new_state)}"]
    if diff.delta is not None:
        parts.append(f"增减：{signed(diff.delta)}（{percent_text(diff.percent)}）")
    elif diff.changed:
        parts.append(f"无法计算增减（{diff.blank_side}）")
    return "\n".join(parts)


def _value_cell(c: Placed, comparison: Comparison, prefix: str) -> CellView:
    assert c.key is not None
    diff = comparison.by_key.get(c.key)
    if diff is None:  # a cell of this year's format only (the formats differ)
        return CellView(
            c.text,
            rowspan=c.rowspan,
            colspan=c.colspan,
            id=f"{prefix}-c-{c.key}",
            data_key=c.key,
            css="nocmp",
            title="上年报告的表格格式没有此单元格，未作比较",
        )
    extra = f'<span class="was">上年 {e(_side(diff.old_printed, diff.old_state))}</span>'
    css = None
    if diff.changed:
        css = "changed"
        if diff.delta is not None:
            direction = "up" if diff.delta > 0 else "down"
            extra += f'<span class="delta {direction}">{e(signed(diff.delta))}</span>'
        else:
            extra += f'<span class="delta">{e(diff.blank_side or "有变化")}</span>'
    return CellView(
        c.text,
        rowspan=c.rowspan,
        colspan=c.colspan,
        id=f"{prefix}-c-{c.key}",
        data_key=c.key,
        css=css,
        title=_tooltip(diff),
        extra=extra,
    )


def _table(grid: Grid, comparison: Comparison, prefix: str) -> str:
    total = sum(grid.widths_cm)

    def cell(c: Placed, in_value_row: bool) -> CellView:
        if c.key is None:
            css = "rl" if in_value_row and c.rowspan == 1 else None
            return CellView(c.text, header=True, rowspan=c.rowspan, colspan=c.colspan, css=css)
        return _value_cell(c, comparison, prefix)

    view = TableView("official", [f"{w / total * 100:.2f}" for w in grid.widths_cm], [RowGroup(grid_rows(grid, cell))])
    return draw(view)


def _tables_part(comparison: Comparison, prefix: str, level: int) -> Iterable[str]:
    h = f"h{level + 1}"
    yield f'<{h} class="part">一、统计表</{h}>'
    if comparison.format is None:
        yield '<p class="empty">两份报告都未能识别表格格式，统计表未作比较。</p>'
        return
    nocmp = bool(comparison.only_new)
    yield (
        '<p class="legend">单元格内第一行是本年度报告印的数值，第二行是上一年度报告的数值；'
        '<span class="key changed"></span>有变化的单元格，其下注明增减（鼠标停留可看变化率）'
        + ('<span class="key nocmp"></span>上年格式没有的单元格' if nocmp else "")
        + "。</p>"
    )
    new = comparison.new

    def text_of(key: str) -> str:
        cell = new.cells.get(key)
        return "" if cell is None else cell.printed

    headings = {s.number: s.heading for s in sections()}
    for grid in tables(get_format(comparison.format), text_of):
        number = _NUMERALS.index(grid.name) + 1
        yield f'<p class="cap">{grid.name}、{e(headings.get(number, ""))}</p>'
        yield _table(grid, comparison, prefix)


# ---------------------------------------------------------------------------------------------
# The findings
# ---------------------------------------------------------------------------------------------


def _findings_part(comparison: Comparison, prefix: str, level: int) -> Iterable[str]:
    h = f"h{level + 1}"
    yield f'<{h} class="part">二、跨年度核查发现的问题</{h}>'
    items = items_of(comparison.audit, prefix)
    if not items:
        yield '<p class="empty">跨年度核查（Y701–Y704）未发现问题。</p>'
        return
    rules = {r.code: r for r in catalog()}
    drawn = set(get_format(comparison.format).cells) if comparison.format is not None else set()
    yield '<ol class="findings">'
    for item in items:
        yield from finding_block(item, comparison.new, rules, None, prefix, drawn)
    yield "</ol>"


# ---------------------------------------------------------------------------------------------
# The narrative
# ---------------------------------------------------------------------------------------------


def annotated(text: str, layers: Sequence[tuple[str, Sequence[Span]]]) -> str:
    """`text` escaped, each layer's spans wrapped in its tag (``("mark", spans)``), the tags nested in the order
    of `layers` (the first outermost) so that overlapping spans still give well-formed HTML."""
    flags = [tuple(tag for tag, spans in layers if any(a <= i < b for a, b in spans)) for i in range(len(text))]
    out: list[str] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or flags[i] != flags[start]:
            tags = flags[start]
            out.append("".join(f"<{t}>" for t in tags) + e(text[start:i]) + "".join(f"</{t}>" for t in reversed(tags)))
            start = i
    return "".join(out)


def _old_cell(p: ParagraphDiff) -> str:
    if p.old is None:
        return '<td class="none"></td>'
    if p.kind is ParagraphKind.DROPPED:
        return f'<td class="gone"><span class="kind">删除</span>{e(p.old)}</td>'
    return f"<td>{annotated(p.old, [('del', p.removed)])}</td>"


def _new_cell(p: ParagraphDiff) -> str:
    if p.new is None:
        return '<td class="none"></td>'
    text = annotated(p.new, [("mark", p.copied), ("ins", p.inserted)])
    if p.kind is ParagraphKind.ADDED:
        return f'<td class="fresh"><span class="kind">新增</span>{text}</td>'
    if p.kind is ParagraphKind.CHANGED:
        return f'<td><span class="kind">修改（相似度 {p.ratio or 0:.0%}）</span>{text}</td>'
    return f"<td>{text}</td>"


def _rows(paragraphs: Sequence[ParagraphDiff], changed_only: bool) -> Iterable[str]:
    """Each paragraph a row; a run of dropped and added paragraphs side by side, in their order."""
    run: list[ParagraphDiff] = []

    def flush() -> Iterable[str]:
        gone = [p for p in run if p.kind is ParagraphKind.DROPPED]
        fresh = [p for p in run if p.kind is ParagraphKind.ADDED]
        for left, right in zip_longest(gone, fresh):
            yield (
                "<tr>"
                + (_old_cell(left) if left else '<td class="none"></td>')
                + (_new_cell(right) if right else '<td class="none"></td>')
                + "</tr>"
            )
        run.clear()

    kept = 0
    for p in paragraphs:
        if p.kind in (ParagraphKind.ADDED, ParagraphKind.DROPPED):
            run.append(p)
            continue
        yield from flush()
        if p.kind is ParagraphKind.KEPT and changed_only:
            kept += 1
            continue
        yield f'<tr class="{p.kind.value}">{_old_cell(p)}{_new_cell(p)}</tr>'
    yield from flush()
    if kept:
        yield f'<tr class="kept"><td colspan="2">另有 {kept} 段与上年相同，未列出。</td></tr>'


def _tally(section: SectionDiff) -> str:
    parts = [f"{k.chinese} {section.count(k)} 段" for k in ParagraphKind]
    if section.copied_share is not None:
        parts.append(f"与上年相同的文字片段占 {section.copied_share:.0%}")
    return " · ".join(parts)


def _narrative_part(comparison: Comparison, prefix: str, level: int, changed_only: bool) -> Iterable[str]:
    h, h3 = f"h{level + 1}", f"h{level + 2}"
    yield f'<{h} class="part">三、文字对比</{h}>'
    copied = comparison.copied
    if copied is None:
        share = "本年度或上一年度报告的叙述部分（一、五、六）文字过少，未计算文字雷同比例。"
    else:
        share = (
            f"叙述部分（一、五、六）本年度 {copied.shingles} 个连续 8 字的文字片段中，{copied.share:.0%} 在上一年度"
            "报告中出现（与规则 Y703 的算法相同：年份和数字视为相同，套话不计）。"
        )
    yield (
        f'<p class="legend">{e(share)}左栏为上一年度，右栏为本年度；<del>删去的文字</del>、<ins>新写的文字</ins>，'
        "<mark>与上年雷同的句子</mark>（一半以上的文字片段上年已有）。段落去掉空格后相同为“未改”，"
        "相似度 60% 以上为“修改”。</p>"
    )
    old_year, new_year = comparison.old.year, comparison.new.year
    for section in comparison.sections:
        ordinal = _NUMERALS[section.number - 1]
        yield f'<{h3} class="fam" id="{e(prefix)}-s{section.number}">{ordinal}、{e(section.heading)}</{h3}>'
        if not section.paragraphs:
            yield '<p class="empty">两年都没有可比较的文字。</p>'
            continue
        yield f'<p class="tally">{e(_tally(section))}</p>'
        yield '<table class="narr"><colgroup><col style="width:50%"><col style="width:50%"></colgroup>'
        yield (
            f"<tr><th>上一年度{e(f'（{old_year}年）' if old_year else '')}</th>"
            f"<th>本年度{e(f'（{new_year}年）' if new_year else '')}</th></tr>"
        )
        yield from _rows(section.paragraphs, changed_only)
        yield "</table>"


# ---------------------------------------------------------------------------------------------
# The head, the section of one comparison, the page
# ---------------------------------------------------------------------------------------------


def _agency(comparison: Comparison) -> str:
    return comparison.new.agency or comparison.old.agency or "（未识别发布机关）"


def _years(comparison: Comparison) -> str:
    a, b = comparison.old.year, comparison.new.year
    return f"{a or '?'}年—{b or '?'}年"


def title(comparison: Comparison) -> str:
    """The page title of one comparison: the agency and the two years."""
    return f"{_agency(comparison)}{_years(comparison)}政府信息公开工作年度报告对比"


def _meta_rows(old: Report, new: Report) -> Iterable[str]:
    rows = [
        ("发布机关", old.agency or "未识别", new.agency or "未识别"),
        ("报告年度", f"{old.year}年" if old.year else "未识别", f"{new.year}年" if new.year else "未识别"),
        ("表格格式", f"{old.format}年版" if old.format else "未识别", f"{new.format}年版" if new.format else "未识别"),
        ("文件", old.file, new.file),
    ]
    yield '<table class="pair"><thead><tr><th></th><th>上一年度报告</th><th>本年度报告</th></tr></thead>'
    for label, a, b in rows:
        yield f"<tr><th>{e(label)}</th><td>{e(a)}</td><td>{e(b)}</td></tr>"
    yield "</table>"


def _verdict(comparison: Comparison) -> str:
    changed = len(comparison.changed_cells)
    findings = [f for f in comparison.audit.findings if f.status is not Status.NOT_ASSESSABLE]
    text = f"统计表比较了 {len(comparison.cells)} 个单元格，{changed} 个有变化；跨年度核查发现 {len(findings)} 项问题"
    if comparison.copied is not None:
        text += f"；叙述文字与上年相同的片段占 {comparison.copied.share:.0%}"
    return f'<p class="verdict">{e(text + "。")}</p>'


def diff_section(comparison: Comparison, *, prefix: str = "d1", level: int = 1, changed_only: bool = False) -> str:
    """One comparison as a ``<section>`` (style it with `CSS` + `DIFF_CSS`). Cells are ``{prefix}-c-{key}``.

    `changed_only`: the paragraphs kept unchanged are counted, not listed (the tables are always whole).
    """
    h = f"h{level}"
    body = [f'<section class="report" id="{e(prefix)}">', f'<{h} class="rtitle">{e(title(comparison))}</{h}>']
    body.extend(_meta_rows(comparison.old, comparison.new))
    if comparison.note:
        body.append(f'<p class="note">{e(comparison.note)}</p>')
    body.append(_verdict(comparison))
    body.extend(_tables_part(comparison, prefix, level))
    body.extend(_findings_part(comparison, prefix, level))
    body.extend(_narrative_part(comparison, prefix, level, changed_only))
    body.append("</section>")
    return "\n".join(body)


def diff_html(comparisons: Sequence[Comparison], *, changed_only: bool = False) -> str:
    """The comparisons as one self-contained HTML page (Chinese, inline CSS, no script); with more than one, a
    table of contents first."""
    if len(comparisons) == 1:
        (only,) = comparisons
        return page_html(title(only), [diff_section(only, changed_only=changed_only)], DIFF_CSS)
    heading = f"政府信息公开工作年度报告年度对比（共 {len(comparisons)} 对）"
    body = ['<section class="toc">', f"<h1>{e(heading)}</h1>", '<table class="toc-list">']
    body.append("<tr><th>序号</th><th>发布机关</th><th>年度</th><th>有变化的单元格</th><th>文字雷同</th></tr>")
    for n, c in enumerate(comparisons, start=1):
        share = f"{c.copied.share:.0%}" if c.copied is not None else "—"
        body.append(
            f'<tr><td class="n">{n}</td><td><a href="#d{n}">{e(_agency(c))}</a></td><td>{e(_years(c))}</td>'
            f'<td class="n">{len(c.changed_cells)}</td><td class="n">{e(share)}</td></tr>'
        )
    body.extend(["</table>", "</section>"])
    body.extend(
        diff_section(c, prefix=f"d{n}", level=2, changed_only=changed_only) for n, c in enumerate(comparisons, 1)
    )
    return page_html(heading, body, DIFF_CSS)
