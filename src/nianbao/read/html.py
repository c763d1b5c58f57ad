"""Web pages: a whole saved page of a government site, navigation and all.

Running text becomes lines (one per block element or <br>); every innermost <table> becomes table
rows, each <td>/<th> once, with its grid column computed through rowspan and colspan. Tables that
only lay out the page (they contain other tables) are containers like any <div>.
"""

from __future__ import annotations

import re

import lxml.etree

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
_MARK = "\ue000"  # a private-use character, removed from the page first


def _cell_text(cell: lxml.etree._Element) -> str:
    """A cell's text, one line per paragraph (Word-made pages put 自/然/人 in three <p>)."""
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paras = [p for p in cell.iter("p", "div", "li") if p is not cell]
    parts = paras or [cell]
    text = "\n".join("".join(map(str, p.itertext())) for p in parts)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n") if line.strip())


def _table_rows(table: lxml.etree._Element, index: int) -> list[Block]:
    """The rows of a data table, each cell once, with its grid column through rowspan/colspan."""
    blocks: list[Block] = []
    taken: set[tuple[int, int]] = set()
    for ri, tr in enumerate(table.iter("tr")):
        cells: list[str] = []
        locs: list[Location] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (ri, col) in taken:
                col += 1
            span_c, span_r = _int(td.get("colspan")), _int(td.get("rowspan"))
            taken.update((ri + dr, col + dc) for dr in range(span_r) for dc in range(span_c))
            cells.append(_cell_text(td))
            locs.append(Location(table=index, row=ri, column=col))
            col += span_c
        if cells:
            blocks.append(Block.row(cells, locs))
    return blocks


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _blocks(body: lxml.etree._Element) -> list[Block]:
    """Lines and table rows in document order, in one walk over the page.

    Each innermost table is read into rows and stands in the text as a marker; block elements and
    <br> break lines; the text is then split back at the markers.
    """
    tables: list[list[Block]] = []
    parts: list[str] = []
    walker = lxml.etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "table" and el.find(".//table") is None:
                parts.append(f"\n{_MARK}{len(tables)}{_MARK}\n")
                tables.append(_table_rows(el, len(tables)))
                walker.skip_subtree()
                continue
            if tag in _BLOCK or tag == "br":
                parts.append("\n")
            if el.text and tag != "table":
                parts.append(el.text)
        else:
            if tag in _BLOCK:
                parts.append("\n")
            if el.tail and el is not body:
                parts.append(el.tail)
    blocks: list[Block] = []
    line = 0
    for i, part in enumerate("".join(parts).split(_MARK)):
        if i % 2:
            blocks.extend(tables[int(part)])
            continue
        for raw in part.split("\n"):
            clean = _SPACES.sub(" ", raw).strip()
            if clean:
                line += 1
                blocks.append(Block.line(clean, Location(line=line)))
    return blocks


def _meta(root: lxml.etree._Element, name: str) -> str | None:
    for el in root.iter("meta"):
        if name in (el.get("name"), el.get("property")):
            content = (el.get("content") or "").strip()
            return content or None
    return None


def read_html(data: bytes, file: str) -> Document:
    text = decode(data, file)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text).replace(_MARK, "")
    parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.etree.fromstring(text, parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError(file, f"无法解析 HTML（{exc}）") from None
    if root is None:
        raise ReadError(file, "HTML 页面没有内容")
    doc = Document(kind="html")
    for name in _META_TITLE:
        content = _meta(root, name)
        if content:
            doc.title = content
            break
    if doc.title is None:
        title = root.findtext(".//title")
        doc.title = title.strip() if title and title.strip() else None
    for name in _META_DATE:
        content = _meta(root, name)
        if content:
            doc.published = content
            break
    lxml.etree.strip_elements(root, *_SKIP, with_tail=False)
    body = root.find("body")
    doc.blocks = _blocks(body if body is not None else root)
    return doc
