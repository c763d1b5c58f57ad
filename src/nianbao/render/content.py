"""What a rendered report contains, in order, whatever the output kind.

The title, the preamble, the six sections with their official numbering and headings, each
section's own paragraphs and, under sections 二, 三 and 四, the official table laid out by
`formats.grid` (merged header cells as the format prints them). Every numeric cell is written
explicitly: an empty one as 0. The agency and the date sign the report at the end.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from nianbao.formats import get_format, sections
from nianbao.formats.grid import Grid, tables
from nianbao.report import Number, Report

NUMERALS = "一二三四五六"
ISSUED_BY = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}
TABLE_OF_SECTION = {2: 0, 3: 1, 4: 2}  # section number -> index in formats.grid.tables()


@dataclass(frozen=True)
class SectionContent:
    number: int
    numbering: str  # "一、"
    heading: str  # the official heading
    paragraphs: tuple[str, ...]
    table: Grid | None

    @property
    def title(self) -> str:
        return f"{self.numbering}{self.heading}"


@dataclass(frozen=True)
class Content:
    format: str
    year: int
    agency: str
    title: str
    preamble: tuple[str, ...]
    sections: tuple[SectionContent, ...]
    date: dt.date | None

    @property
    def date_text(self) -> str:
        d = self.date
        return f"{d.year}年{d.month}月{d.day}日" if d else ""


def printed_value(value: Number | None) -> str:
    """A cell as written in a rendered report: always a number, an empty cell as 0."""
    if value is None:
        return "0"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    return str(value)


def default_preamble(fmt: str, year: int) -> str:
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
        f"《中华人民共和国政府信息公开工作年度报告格式》"
        f"（{ISSUED_BY[fmt]}）要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        f"政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )


def default_title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


_ENDS_PARAGRAPH = re.compile(r"[。！？!?；;：:”」』）)]$")
_STARTS_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]+[、是]|\d{1,2}[.、．])")


def _paragraphs(text: str) -> tuple[str, ...]:
    """The text's paragraphs: its lines, a line that stops mid-sentence joined to the next (text taken
    from a PDF breaks lines where the page did, not where the writer did)."""
    out: list[str] = []
    for line in (x.strip() for x in text.split("\n")):
        if not line:
            continue
        if out and not _ENDS_PARAGRAPH.search(out[-1]) and not _STARTS_ITEM.match(line) and len(out[-1]) >= 20:
            out[-1] += line
        else:
            out.append(line)
    return tuple(out)


# What the reader leaves in a report's text that is not the agency's: left out of the content.
_MARKUP_ONLY = re.compile(r"^[#*>=_|~`\-\s]*$")  # `##` of a markdown heading, a rule
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_ORDINAL = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]{1,2}\)|\d{1,2}[.、]")
_DATE_LINE = re.compile(r"^[(（]?(\d{4})年(\d{1,2})月(\d{1,2})日[)）]?$")
_SENTENCE = re.compile(r"[。，；：,;:]")


def _bare(text: str) -> str:
    return "".join(text.split())


def _kept(paragraph: str) -> bool:
    return not (_MARKUP_ONLY.match(paragraph) or _PAGE_NUMBER.match(paragraph))


def _table_remnant(paragraph: str, grid: Grid) -> bool:
    """A line made of the table's own labels only (`### 申请人情况 (自然人)`, `三、`): a caption read
    outside the table, which the table printed below says again."""
    labels = {_bare(unicodedata.normalize("NFKC", c.text)) for c in grid.cells if c.key is None}
    labels |= {_ORDINAL.sub("", t) for t in labels}
    rest = _bare(unicodedata.normalize("NFKC", paragraph))
    for label in sorted(filter(None, labels), key=len, reverse=True):
        rest = rest.replace(label, "")
    return not _ORDINAL.sub("", rest).strip("()[]:;,.、·-—#* ")


def _signature(line: str, agency: str, date: dt.date | None) -> bool:
    """A line that only signs the report: the agency (or a longer name of it) or the report's date."""
    bare = _bare(line)
    m = _DATE_LINE.match(bare)
    if m:
        return date is not None and (date.year, date.month, date.day) == tuple(int(x) for x in m.groups())
    return bool(bare) and len(bare) <= 30 and not _SENTENCE.search(bare) and (agency in bare or bare in agency)


def content_of(report: Report) -> Content:
    """The content of `report` as it is to be rendered (its format, year and agency must be known)."""
    if report.format is None or report.year is None or not report.agency:
        raise ValueError("生成报告需要已知的表格格式、报告年度和发布机关")
    fmt = get_format(report.format)
    grids = tables(fmt, lambda key: printed_value(report.value(key)))
    own = {s.number: s for s in report.sections}
    agency = _bare(report.agency)
    out = []
    for spec in sections():
        section = own.get(spec.number)
        table = grids[TABLE_OF_SECTION[spec.number]] if spec.number in TABLE_OF_SECTION else None
        paragraphs = [
            p
            for p in _paragraphs(section.narrative if section else "")
            if _kept(p) and not (table is not None and _table_remnant(p, table))
        ]
        if spec.number == 6:  # the renderer signs the report itself
            while paragraphs and _signature(paragraphs[-1], agency, report.date):
                paragraphs.pop()
        out.append(
            SectionContent(spec.number, f"{NUMERALS[spec.number - 1]}、", spec.heading, tuple(paragraphs), table)
        )
    title = default_title(report.agency, report.year)
    preamble = tuple(p for p in _paragraphs(report.preamble) if _kept(p) and _bare(p) not in _bare(title))
    return Content(
        report.format,
        report.year,
        report.agency,
        title,
        preamble or (default_preamble(report.format, report.year),),
        tuple(out),
        report.date,
    )
