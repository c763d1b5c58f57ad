"""Test helpers: a seed report's truth written back out as .docx, .html and .pdf in the official layout.

The tables are built from the format data only (`layout.toml` rows and labels, `cells.csv` group and
column labels), never from labels spelled out here: every header text is taken from the format and
checked to be one of its printed labels. A table is first laid out as a `Grid` of placed cells with
row and column spans, then rendered as a Word table (merged cells) or HTML (rowspan/colspan).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from nianbao.formats import Format, get_format, sections

SOFFICE_TIMEOUT = 120  # seconds for one conversion
_CN_NUMERALS = "一二三四五六七八九十"
_TOP_ORDINAL = re.compile(rf"^[{_CN_NUMERALS}]+、$")  # 一、 二、 四、: the rows outside 本年度办理结果


class Truth(TypedDict):
    """The parts of a seed's `NAME.truth.json` the builders use."""

    format: str
    year: int
    agency: str
    cells: dict[str, int | float | str]
    blank_cells: list[str]


def load_truth(path: Path) -> Truth:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Truth(format=str(raw["format"]), year=int(raw["year"]), agency=str(raw["agency"]),
                 cells=dict(raw["cells"]), blank_cells=list(raw["blank_cells"]))


def title_of(truth: Truth) -> str:
    return f"{truth['agency']}{truth['year']}年政府信息公开工作年度报告"


def printed(truth: Truth, key: str) -> str:
    """A cell's text as printed: empty for a blank cell, else the value as written in the truth."""
    if key in truth["blank_cells"]:
        return ""
    if key not in truth["cells"]:
        raise KeyError(f"truth has neither a value nor a blank for {key}")
    value = truth["cells"][key]
    if isinstance(value, bool):
        raise TypeError(f"{key}: {value!r} is not a number")
    if isinstance(value, int):
        return str(value)
    return format(Decimal(str(value)), "f")  # 0.52 stays 0.52, never 5.2E-1


# ---------------------------------------------------------------------------------------------
# Tables as grids of placed cells
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """A table: `rows` x `cols` positions covered exactly once by placed cells."""

    name: str
    cols: int
    widths_cm: tuple[float, ...]
    rows: int = 0
    cells: list[Placed] = field(default_factory=list)

    def put(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        self.cells.append(Placed(row, col, text, rowspan, colspan))
        self.rows = max(self.rows, row + rowspan)

    def starting_in(self, row: int) -> list[Placed]:
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def check(self) -> None:
        seen: set[tuple[int, int]] = set()
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if (r, k) in seen or not (0 <= k < self.cols):
                        raise AssertionError(f"table {self.name}: position {(r, k)} covered twice or outside")
                    seen.add((r, k))
        if len(seen) != self.rows * self.cols:
            raise AssertionError(f"table {self.name}: {self.rows * self.cols - len(seen)} positions uncovered")


def _label(fmt: Format, table: str, text: str) -> str:
    """`text`, after checking the format prints it as a header label of `table`."""
    if text not in fmt.labels.get(table, ()):
        raise AssertionError(f"{text!r} is not a label of table {table} in format {fmt.name}")
    return text


def _one_label(fmt: Format, table: str, role: str, test: Callable[[str], bool]) -> str:
    found = [t for t in fmt.labels[table] if test(t)]
    if not found:
        raise AssertionError(f"format {fmt.name} has no {role} label in table {table}")
    return max(found, key=len)  # the full printed form, not a shortened variant


def _spans(n: int, width: int) -> list[int]:
    """Column spans of n cells across `width` columns: one each, the last one taking the rest."""
    return [1] * (n - 1) + [width - (n - 1)]


def _runs(items: list[str]) -> list[tuple[str, int, int]]:
    """Consecutive equal items as (item, first index, length)."""
    out: list[tuple[str, int, int]] = []
    for i, item in enumerate(items):
        if out and out[-1][0] == item:
            out[-1] = (item, out[-1][1], out[-1][2] + 1)
        else:
            out.append((item, i, 1))
    return out


def table_two(fmt: Format, truth: Truth) -> Grid:
    """二: per 第二十条 item a header row spanning the table, a 信息内容 row, then its printed rows."""
    rows = fmt.rows_of("二")
    width = max(len(r.cells) for r in rows)
    grid = Grid("二", width + 1, (4.6, *([12.0 / width] * width)))
    content = _label(fmt, "二", "信息内容")
    group = None
    r = 0
    for row in rows:
        specs = [fmt.cell(k) for k in row.cells]
        if specs[0].table != group:
            group = specs[0].table
            grid.put(r, 0, _label(fmt, "二", group), colspan=width + 1)
            grid.put(r + 1, 0, content)
            col = 1
            for spec, span in zip(specs, _spans(len(specs), width), strict=True):
                grid.put(r + 1, col, _label(fmt, "二", spec.column_label), colspan=span)
                col += span
            r += 2
        grid.put(r, 0, row.label)
        col = 1
        for key, span in zip(row.cells, _spans(len(row.cells), width), strict=True):
            grid.put(r, col, printed(truth, key), colspan=span)
            col += span
        r += 1
    return grid


def table_three(fmt: Format, truth: Truth) -> Grid:
    """三: the 3-row header block, then every printed row with its 7 applicant values."""
    rows = fmt.rows_of("三")
    applicants = [fmt.cell(k).column_label for k in rows[0].cells]
    for a in applicants:
        _label(fmt, "三", a)
    n = len(applicants)
    grid = Grid("三", 3 + n, (1.3, 1.7, 4.6, *([9.4 / n] * n)))
    grid.put(0, 0, _one_label(fmt, "三", "balance note", lambda t: "勾稽关系" in t), rowspan=3, colspan=3)
    grid.put(0, 3, _label(fmt, "三", "申请人情况"), colspan=n)
    grid.put(1, 3, applicants[0], rowspan=2)
    grid.put(1, 4, _label(fmt, "三", "法人或其他组织"), colspan=n - 2)
    grid.put(1, 3 + n - 1, applicants[-1], rowspan=2)
    for i, a in enumerate(applicants[1:-1]):
        grid.put(2, 4 + i, a)
    base = 3
    results = [i for i, row in enumerate(rows) if not _TOP_ORDINAL.match(row.ordinal)]
    if results != list(range(results[0], results[-1] + 1)):
        raise AssertionError("the result rows of table 三 are not contiguous")
    outcome = _one_label(fmt, "三", "results group", lambda t: bool(re.match(rf"^[{_CN_NUMERALS}]+、", t)))
    grid.put(base + results[0], 0, outcome, rowspan=len(results))
    groups = _runs([row.group for row in rows])
    for group, first, length in groups:
        if group:
            grid.put(base + first, 1, _label(fmt, "三", group), rowspan=length)
    for i, row in enumerate(rows):
        r = base + i
        if i not in results:
            grid.put(r, 0, row.label, colspan=3)
        elif row.group:
            grid.put(r, 2, row.label)
        else:
            grid.put(r, 1, row.label, colspan=2)
        for j, key in enumerate(row.cells):
            grid.put(r, 3 + j, printed(truth, key))
    return grid


def table_four(fmt: Format, truth: Truth) -> Grid:
    """四: header levels from the cells' row and column labels (行政诉讼 › 复议后起诉 › 结果维持), one value row."""
    (row,) = fmt.rows_of("四")
    paths = [[*fmt.cell(k).row_label.split(), fmt.cell(k).column_label] for k in row.cells]
    for path in paths:
        for text in path:
            _label(fmt, "四", text)
    depth = max(len(p) for p in paths)
    grid = Grid("四", len(paths), tuple([17.0 / len(paths)] * len(paths)))
    for level in range(depth):
        keys = ["\x00".join(p[:level + 1]) if len(p) > level else "" for p in paths]
        for key, first, length in _runs(keys):
            if not key:
                continue
            leaf = len(paths[first]) == level + 1
            grid.put(level, first, key.split("\x00")[-1], rowspan=depth - level if leaf else 1, colspan=length)
    for j, key in enumerate(row.cells):
        grid.put(depth, j, printed(truth, key))
    return grid


def tables(truth: Truth) -> dict[str, Grid]:
    fmt = get_format(truth["format"])
    grids = {"二": table_two(fmt, truth), "三": table_three(fmt, truth), "四": table_four(fmt, truth)}
    for g in grids.values():
        g.check()
    return grids


# ---------------------------------------------------------------------------------------------
# The report as a sequence of blocks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "body"  # "title" | "heading" | "body" | "sign"


Block = Para | Grid


def _paragraphs(truth: Truth) -> dict[int, str]:
    year, agency = truth["year"], truth["agency"]
    return {
        1: f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，"
           "加强组织领导，规范公开流程，依法做好政府信息公开工作。",
        2: "本机关依法主动公开政府信息，主动公开情况见下表。",
        3: "本机关依法受理和办理政府信息公开申请，收到和处理申请情况见下表。",
        4: "本机关政府信息公开工作被申请行政复议、提起行政诉讼的情况见下表。",
        5: "公开内容的全面性和及时性仍有不足。下一步将加强学习培训，进一步规范公开内容。",
        6: "本机关本年度未收取信息处理费。",
    }


def blocks(truth: Truth) -> list[Block]:
    """The whole report in reading order: title, the six sections, tables under 二 三 四, signature."""
    grids = tables(truth)
    texts = _paragraphs(truth)
    out: list[Block] = [Para(title_of(truth), "title")]
    for s in sections():
        out.append(Para(f"{_CN_NUMERALS[s.number - 1]}、{s.heading}", "heading"))
        out.append(Para(texts[s.number]))
        table = _CN_NUMERALS[s.number - 1]
        if table in grids:
            out.append(grids[table])
    out.append(Para(truth["agency"], "sign"))
    out.append(Para(f"{truth['year'] + 1}年1月20日", "sign"))
    return out


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------


def _east_asian(element: object, font: str) -> None:
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def build_docx(truth: Truth, path: Path, rows_may_split: bool = False) -> Path:
    """The report as a Word document: A4, 宋体, bordered tables with merged cells.

    Table rows are kept whole on one page (Word's 允许跨页断行 off) unless `rows_may_split`, Word's
    default, which lets LibreOffice print the top of a tall row on one page and the rest on the next.
    """
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian(normal.element, "宋体")
    for block in blocks(truth):
        if isinstance(block, Grid):
            _docx_table(doc, block, rows_may_split)
            continue
        p = doc.add_paragraph()
        run = p.add_run(block.text)
        if block.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(18)
        elif block.kind == "heading":
            run.bold = True
        elif block.kind == "sign":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(str(path))
    return path


def _docx_table(doc: object, grid: Grid, rows_may_split: bool) -> None:
    table = doc.add_table(rows=grid.rows, cols=grid.cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    if not rows_may_split:
        for tr in table._tbl.tr_lst:
            tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    for column, width in zip(table.columns, grid.widths_cm, strict=True):
        column.width = Cm(width)  # the grid LibreOffice lays out by
    # The unmerged cells, taken once: Table.cell() walks the whole table on every call.
    cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for row in cells:
        for cell, width in zip(row, grid.widths_cm, strict=True):
            cell.width = Cm(width)
    size = Pt(9) if grid.cols > 4 else Pt(10.5)
    for placed in grid.cells:
        cell = cells[placed.row][placed.col]
        if placed.rowspan > 1 or placed.colspan > 1:
            cell = cell.merge(cells[placed.row + placed.rowspan - 1][placed.col + placed.colspan - 1])
        cell.text = placed.text
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in p.runs:
                run.font.size = size


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def _html_table(grid: Grid) -> Iterable[str]:
    yield '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="4" width="100%">'
    yield "<tbody>"
    for r in range(grid.rows):
        cells = []
        for c in grid.starting_in(r):
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            cells.append(f'<td{span} align="center"><p>{html.escape(c.text)}</p></td>')
        yield "<tr>" + "".join(cells) + "</tr>"
    yield "</tbody></table>"


def html_page(truth: Truth, charset: str = "utf-8") -> str:
    """A saved page of a government site: header and navigation, the article, a footer."""
    title = title_of(truth)
    site = "政府门户网站"
    body: list[str] = []
    for block in blocks(truth):
        if isinstance(block, Grid):
            body.extend(_html_table(block))
        elif block.kind == "title":
            continue  # printed as the article's <h1>
        elif block.kind == "heading":
            body.append(f'<p style="text-indent:2em"><strong>{html.escape(block.text)}</strong></p>')
        elif block.kind == "sign":
            body.append(f'<p style="text-align:right">{html.escape(block.text)}</p>')
        else:
            body.append(f'<p style="text-indent:2em">{html.escape(block.text)}</p>')
    published = f"{truth['year'] + 1}-01-20"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        f'<meta charset="{charset}">',
        f"<title>{html.escape(title)}_{site}</title>",
        f'<meta name="PubDate" content="{published} 09:30">',
        '<style>table{border-collapse:collapse}</style>',
        '<script>var _hmt = _hmt || [];</script>',
        "</head>",
        "<body>",
        f'<div class="header"><div class="logo">{site}</div>',
        '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>',
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
        '政府信息公开年报</div>',
        '<div class="article">',
        f"<h1>{html.escape(title)}</h1>",
        f'<div class="info">发布时间：{published}　来源：{html.escape(truth["agency"])}　'
        '<a href="javascript:window.print()">打印</a></div>',
        '<div class="content">',
        *body,
        "</div>",
        "</div>",
        '<div class="footer"><p>主办单位：政府办公室　网站标识码：0000000000</p>'
        '<p>ICP备00000000号　版权所有</p></div>',
        "</body>",
        "</html>",
        "",
    ])


def build_html(truth: Truth, path: Path, encoding: str = "utf-8") -> Path:
    """The report as a web page, encoded as `encoding` (utf-8, or gbk as many government sites serve)."""
    path.write_bytes(html_page(truth, encoding).encode(encoding))
    return path


# ---------------------------------------------------------------------------------------------
# PDF through LibreOffice
# ---------------------------------------------------------------------------------------------


def build_pdf(docx_path: Path, out_dir: Path) -> Path:
    """The Word file converted to PDF by LibreOffice, with a private profile so runs never clash."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="nianbao-lo-"))
    try:
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}/profile", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
            capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / f"{docx_path.stem}.pdf"
    if done.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"soffice failed ({done.returncode}): {done.stdout.strip()} {done.stderr.strip()}")
    return pdf

