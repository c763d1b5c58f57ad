"""Test helpers: a seed report's truth written back out as .docx, .html and .pdf in the official layout.

The tables are built from the format data only (`layout.toml` rows and labels, `cells.csv` group and
column labels), never from labels spelled out here: every header text is taken from the format and
checked to be one of its printed labels. A table is first laid out as a `Grid` of placed cells with
row and column spans (`nianbao.formats.grid`), then rendered as a Word table (merged cells) or HTML
(rowspan/colspan).
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
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

from nianbao.formats import get_format, sections
from nianbao.formats.grid import Grid
from nianbao.formats.grid import tables as grid_tables

SOFFICE_TIMEOUT = 120  # seconds for one conversion
_CN_NUMERALS = "一二三四五六七八九十"


class Truth(TypedDict):
    """The parts of a seed's `NAME.truth.json` the builders use."""

    format: str
    year: int
    agency: str
    cells: dict[str, int | float | str]
    blank_cells: list[str]


def load_truth(path: Path) -> Truth:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Truth(
        format=str(raw["format"]),
        year=int(raw["year"]),
        agency=str(raw["agency"]),
        cells=dict(raw["cells"]),
        blank_cells=list(raw["blank_cells"]),
    )


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
# Tables as grids of placed cells (the layout lives in nianbao.formats.grid)
# ---------------------------------------------------------------------------------------------


def tables(truth: Truth) -> dict[str, Grid]:
    """Tables 二, 三, 四 of the truth's format, with the truth's values as printed."""
    grids = grid_tables(get_format(truth["format"]), lambda key: printed(truth, key))
    return {g.name: g for g in grids}


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
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
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
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            f'<meta charset="{charset}">',
            f"<title>{html.escape(title)}_{site}</title>",
            f'<meta name="PubDate" content="{published} 09:30">',
            "<style>table{border-collapse:collapse}</style>",
            "<script>var _hmt = _hmt || [];</script>",
            "</head>",
            "<body>",
            f'<div class="header"><div class="logo">{site}</div>',
            '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
            '<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>',
            '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            "政府信息公开年报</div>",
            '<div class="article">',
            f"<h1>{html.escape(title)}</h1>",
            f'<div class="info">发布时间：{published}　来源：{html.escape(truth["agency"])}　'
            '<a href="javascript:window.print()">打印</a></div>',
            '<div class="content">',
            *body,
            "</div>",
            "</div>",
            '<div class="footer"><p>主办单位：政府办公室　网站标识码：0000000000</p>'
            "<p>ICP备00000000号　版权所有</p></div>",
            "</body>",
            "</html>",
            "",
        ]
    )


def build_html(truth: Truth, path: Path, encoding: str = "utf-8") -> Path:
    """The report as a web page, encoded as `encoding` (utf-8, or gbk as many government sites serve)."""
    path.write_bytes(html_page(truth, encoding).encode(encoding))
    return path


# ---------------------------------------------------------------------------------------------
# PDF through LibreOffice
# ---------------------------------------------------------------------------------------------


def build_pdf(docx_path: Path, out_dir: Path) -> Path:
    """The Word file converted to PDF by LibreOffice, with a private profile so runs never clash."""
    return convert(docx_path, out_dir, "pdf")


def convert(docx_path: Path, out_dir: Path, to: str) -> Path:
    """The Word file converted by LibreOffice to `to` ("pdf", "doc"), with a private profile."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="nianbao-lo-"))
    try:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}/profile",
                "--headless",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(out_dir),
                str(docx_path),
            ],
            capture_output=True,
            text=True,
            timeout=SOFFICE_TIMEOUT,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = out_dir / f"{docx_path.stem}.{to}"
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"soffice failed ({done.returncode}): {done.stdout.strip()} {done.stderr.strip()}")
    return out
