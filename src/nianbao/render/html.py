"""HTML: one self-contained page in the official layout, for the screen and for print.

The title, the preamble, the six sections with their official numbering and headings, each
section's paragraphs, the official tables under 二, 三 and 四 drawn from `formats.grid` with real
`rowspan`/`colspan`, then the agency and the date, right-aligned, as the signature. Every numeric
cell is printed (an empty one as 0). Chinese official-document typography: 仿宋 for the text, 黑体
for the section headings, 宋体 for the title, an A4 page (on screen a sheet of that width; in print
`@page` A4 with the margins of GB/T 9704 and page numbers at the bottom). Inline CSS only: no script,
no fonts or images fetched. Every text from the report is escaped.

What is printed here reads back (`nianbao.read`) to the same cells, sections and preamble. The tables are
drawn by the macro the check page and the web report editor draw theirs with (`official_table.py`).
"""

from __future__ import annotations

import itertools
import re
from html import escape

from nianbao.formats.grid import Grid, Placed
from nianbao.render.content import content_of
from nianbao.render.official_table import CellView, RowGroup, TableView, draw, grid_rows
from nianbao.report import Report

_BODY_FONT = (
    '"仿宋_GB2312","FangSong_GB2312","仿宋","FangSong","STFangsong","华文仿宋",'
    '"Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif'
)
_HEADING_FONT = (
    '"黑体","SimHei","STHeiti","Heiti SC","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif'
)
_TITLE_FONT = (
    '"方正小标宋简体","方正小标宋_GBK","华文中宋","STZhongsong","宋体","SimSun","Songti SC",'
    '"Noto Serif CJK SC","Source Han Serif SC",serif'
)

CSS = f"""
@page{{size:A4;margin:37mm 26mm 35mm 28mm;
@bottom-center{{content:counter(page);font:14pt "Times New Roman",serif}}}}
html{{background:#e8e8e8}}
body{{margin:0;color:#000;font-family:{_BODY_FONT};font-size:16pt;line-height:1.75;
-webkit-print-color-adjust:exact;print-color-adjust:exact}}
.page{{box-sizing:border-box;width:210mm;max-width:100%;min-height:297mm;margin:16px auto;
padding:30mm 26mm 30mm 28mm;background:#fff;box-shadow:0 1px 6px rgba(0,0,0,.3)}}
h1{{font-family:{_TITLE_FONT};font-size:22pt;font-weight:bold;line-height:1.5;text-align:center;margin:0 0 1em;
text-wrap:balance}}
h1 span{{display:inline-block}}
h2{{font-family:{_HEADING_FONT};font-size:16pt;font-weight:normal;margin:.5em 0 .25em;text-indent:2em;
break-after:avoid}}
p{{margin:0;text-indent:2em;text-align:justify;overflow-wrap:anywhere}}
table{{border-collapse:collapse;width:100%;table-layout:fixed;margin:.6em 0 .8em;font-size:10.5pt;line-height:1.4}}
th,td{{border:1px solid #000;padding:4px 3px;vertical-align:middle;text-align:center;font-weight:normal}}
th{{font-family:{_HEADING_FONT};text-wrap:balance}}
td.l{{text-align:left;padding-left:6px}}
td.g{{word-break:keep-all;overflow-wrap:anywhere}}
td.n{{white-space:nowrap;font-family:"Times New Roman",{_BODY_FONT};font-variant-numeric:tabular-nums}}
tr,tbody.k{{break-inside:avoid}}
thead{{display:table-header-group}}
.sign{{margin-top:2.5em;text-align:right;padding-right:2em}}
.sign div{{display:inline-block;text-align:center}}
.sign p{{text-indent:0;text-align:center}}
@media print{{html{{background:none}}
.page{{width:auto;min-height:0;margin:0;padding:0;box-shadow:none}}}}
"""


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
MAX_WORD = 4  # a group label of up to this many characters after its ordinal is not broken
CHAR_CM = 0.42  # one character of the table font, in the grid's centimetres (17 cm wide)
PAD_CM = 0.3  # a cell's padding and borders
_HEADING_MARK = re.compile(r"^#{1,6}\s*(?=\S)")  # a markdown heading's marks, in text read from markdown


def _p(text: str) -> str:
    return f"<p>{_e(_HEADING_MARK.sub('', text))}</p>"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _label_class(c: Placed, first_value_col: int) -> str | None:
    """Row labels flush left; a group label spanning rows centred, broken after its ordinal."""
    if c.rowspan > 1:
        return "g"
    return "l" if c.col < first_value_col else None


def _widths(grid: Grid, first_value_col: int) -> list[float]:
    """The grid's column widths (cm), a column of group labels widened to hold a one-word label
    (（三）/不予公开) on a line; the value columns give the width."""
    widths = list(grid.widths_cm)
    for c in grid.cells:
        if c.key is None and c.rowspan > 1 and c.colspan == 1 and c.col < first_value_col:
            word = _ORDINAL.sub("", c.text)
            if len(word) <= MAX_WORD:
                widths[c.col] = max(widths[c.col], len(word) * CHAR_CM + PAD_CM)
    extra = sum(widths) - sum(grid.widths_cm)
    values = sum(grid.widths_cm[first_value_col:])
    for i in range(first_value_col, len(widths)):
        widths[i] -= extra * grid.widths_cm[i] / values
    return widths


def _row_groups(grid: Grid) -> list[tuple[str, str | None, range]]:
    """The table's row groups: header rows (repeated on each printed page) and the values under
    them; a table of several blocks (二: one per 第二十条 item) has one group per block, kept on
    one page."""
    value_rows = {c.row for c in grid.cells if c.key is not None}
    starts = [r for r in range(grid.rows) if r not in value_rows and (r == 0 or r - 1 in value_rows)]
    if len(starts) == 1:
        first = min(value_rows)
        return [("thead", None, range(first)), ("tbody", None, range(first, grid.rows))]
    bounds = [*starts, grid.rows]
    groups = [range(a, b) for a, b in itertools.pairwise(bounds)]
    if any(c.row + c.rowspan > g.stop for g in groups for c in grid.cells if c.row in g):
        return [("tbody", None, range(grid.rows))]
    return [("tbody", "k", g) for g in groups]


def _table(grid: Grid) -> str:
    """The grid with its merged cells, every cell where the grid places it (`official_table.html`)."""
    first_value_col = min(c.col for c in grid.cells if c.key is not None)
    widths = _widths(grid, first_value_col)
    total = sum(widths)

    def cell(c: Placed, in_value_row: bool) -> CellView:
        css: str | None
        if c.key is not None:
            css = "n"
        elif in_value_row:
            css = _label_class(c, first_value_col)
        else:
            return CellView(c.text, header=True, rowspan=c.rowspan, colspan=c.colspan)
        return CellView(c.text, rowspan=c.rowspan, colspan=c.colspan, css=css)

    rows = grid_rows(grid, cell)
    view = TableView(
        f"t{grid.name}",
        [f"{w / total * 100:.2f}" for w in widths],
        [RowGroup([rows[r] for r in group], tag, css) for tag, css, group in _row_groups(grid)],
    )
    return draw(view, cols_apart=True, class_first=True)


def _title(title: str, agency: str, year: int) -> str:
    """The title, broken (when it has to be) after the year, not inside a word: 某某局2024年 / 政府…报告."""
    head = f"{agency}{year}年"
    if not title.startswith(head) or title == head:
        return _e(title)
    return f"<span>{_e(head)}</span><span>{_e(title[len(head) :])}</span>"


def render_html(report: Report) -> str:
    """The report as one HTML page (its format, year and agency must be known)."""
    content = content_of(report)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(content.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<main class="page">',
        f"<h1>{_title(content.title, content.agency, content.year)}</h1>",
    ]
    out += [_p(p) for p in content.preamble]
    for section in content.sections:
        out += [f'<section id="s{section.number}">', f"<h2>{_e(section.title)}</h2>"]
        out += [_p(p) for p in section.paragraphs]
        if section.table is not None:
            out.append(_table(section.table))
        out.append("</section>")
    out += ['<div class="sign"><div>', f"<p>{_e(content.agency)}</p>"]
    if content.date_text:
        out.append(f"<p>{_e(content.date_text)}</p>")
    out += ["</div></div>", "</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
