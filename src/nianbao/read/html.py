"""Web pages: a whole saved page of a government site, navigation and all.

Running text becomes lines (one per block element or <br>); every innermost <table> becomes table
rows, each <td>/<th> once, with its grid column computed through rowspan and colspan. Tables that
only lay out the page (they contain other tables) are walked like any other container.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from nianbao.read.document import Block, Document
from nianbao.read.errors import ReadError
from nianbao.read.text import decode
from nianbao.report import Location

_SKIP = {"script", "style", "noscript", "head", "template", "iframe", "select", "button", "svg", "object", "embed"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2", "h3", "h4",
          "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "blockquote", "pre", "form", "center",
          "address", "figure", "figcaption", "hr", "body", "html", "td", "th", "caption", "tbody", "thead"}
_META_TITLE = ("ArticleTitle", "title", "og:title")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def _tag(el: lxml.etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


class _Lines:
    def __init__(self) -> None:
        self.doc_blocks: list[Block] = []
        self.buf: list[str] = []
        self.tables = 0

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.buf)).strip()
        self.buf.clear()
        for part in text.split("\n"):
            part = part.strip()
            if part:
                n = len(self.doc_blocks) + 1
                self.doc_blocks.append(Block.line(part, Location(line=n)))


def _cell_text(cell: lxml.etree._Element) -> str:
    out = _Lines()
    _walk(cell, out, inside_cell=True)
    out.flush()
    return "\n".join(b.cells[0] for b in out.doc_blocks)


def _table(table: lxml.etree._Element, out: _Lines) -> None:
    index = out.tables
    out.tables += 1
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in table.iter("tr")]
    for ri, tr in enumerate(rows):
        cells: list[str] = []
        locs: list[Location] = []
        col = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (ri, col) in taken:
                col += 1
            span_c = _int(td.get("colspan"))
            span_r = _int(td.get("rowspan"))
            for dr in range(span_r):
                for dc in range(span_c):
                    taken.add((ri + dr, col + dc))
            cells.append(_cell_text(td))
            locs.append(Location(table=index, row=ri, column=col))
            col += span_c
        if cells:
            out.doc_blocks.append(Block.row(cells, locs))


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _walk(el: lxml.etree._Element, out: _Lines, inside_cell: bool = False) -> None:
    tag = _tag(el)
    if not tag or tag in _SKIP:  # comments, processing instructions, scripts…
        return
    if tag == "table" and not inside_cell and el.find(".//table") is None:
        out.flush()
        _table(el, out)
        return
    if tag == "br":
        out.add("\n")
        return
    block = tag in _BLOCK
    if block:
        out.add("\n")
    out.add(el.text)
    for child in el:
        _walk(child, out, inside_cell)
        out.add(child.tail)
    if block:
        out.add("\n")
    if block and not inside_cell:
        out.flush()


def read_html(data: bytes, file: str) -> Document:
    text = decode(data, file)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError(file, f"无法解析 HTML（{exc}）") from None
    doc = Document(kind="html")
    for name in _META_TITLE:
        found = root.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content')
        if found and str(found[0]).strip():
            doc.title = str(found[0]).strip()
            break
    if doc.title is None:
        title = root.findtext(".//title")
        doc.title = title.strip() if title and title.strip() else None
    for name in _META_DATE:
        found = root.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content')
        if found:
            doc.published = str(found[0]).strip()
            break
    body = root.find("body")
    out = _Lines()
    _walk(body if body is not None else root, out)
    out.flush()
    doc.blocks = out.doc_blocks
    return doc
