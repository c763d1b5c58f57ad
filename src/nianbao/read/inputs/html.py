"""Input kind html, web pages: a whole saved page of a government site, navigation and all.

Parsed with selectolax (lexbor), which is fast enough that a 400 KB site page costs a few
milliseconds. Running text becomes lines (one per block element or <br>); every innermost <table>
becomes table rows, each <td>/<th> once, with its grid column computed through rowspan and colspan.
Tables that only lay out the page (they contain other tables) are containers like any <div>.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from nianbao.read.document import Block, Document, LimitExceeded, Tally, row_cells_allowed, span
from nianbao.read.errors import ReadError
from nianbao.read.inputs.txt import decode
from nianbao.read.options import ReadOptions
from nianbao.report import Location

_SKIP = ["script", "style", "noscript", "template", "iframe", "select", "button", "svg", "object", "embed"]
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "blockquote",
    "pre",
    "form",
    "center",
    "address",
    "figure",
    "figcaption",
    "hr",
    "body",
    "td",
    "th",
    "caption",
    "tbody",
    "thead",
}
_META_TITLE = ("ArticleTitle", "title", "og:title")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MARK = "\ue000"  # a private-use character, removed from the page first
# The page's nesting and its count of tags are bounded (`ReadOptions.max_html_depth`, `max_html_tags`).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>")
#: Elements without an end tag, or whose end tag may be left out: they do not nest in practice.
_FLAT = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
        "basefont",
        "frame",
        "keygen",
        "command",
    }
)


def nesting_depth(text: str) -> int:
    """The deepest nesting of elements the markup asks for, in one linear scan (no parse)."""
    return _scan(text, len(text) + 1)[0]


def _scan(text: str, max_tags: int) -> tuple[int, int]:
    """The deepest nesting of elements and the count of tags, in one linear scan (no parse) that stops once
    the count passes `max_tags` (the nesting is then that of the part scanned)."""
    depth = deepest = tags = 0
    for m in _TAG.finditer(text):
        tags += 1
        if tags > max_tags:
            break
        if m.group(2).lower() in _FLAT or m.group(0).endswith("/>"):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest, tags


def _clean_lines(text: str) -> list[str]:
    return [line for line in (_SPACES.sub(" ", raw).strip() for raw in text.split("\n")) if line]


def _cell_text(cell: LexborNode) -> str:
    """A cell's text with its white space folded (labels are matched without it anyway)."""
    return _SPACES.sub(" ", cell.text(deep=True)).strip()


def _table_rows(table: LexborNode, index: int, tally: Tally, options: ReadOptions) -> list[Block]:
    """The rows of a data table, each cell once, with its grid column through rowspan/colspan.

    Cells, and the grid positions kept for the rows below a rowspan, are counted in `tally` as they are read.
    """
    most_cells, most_span = options.max_row_cells, options.max_span
    blocks: list[Block] = []
    taken: set[tuple[int, int]] = set()  # grid positions covered by a rowspan from a row above
    for ri, tr in enumerate(table.css("tr")):
        cells: list[str] = []
        locs: list[Location] = []
        col = 0
        for td in tr.iter():
            if td.tag not in ("td", "th"):
                continue
            if len(cells) >= most_cells:
                row_cells_allowed(len(cells) + 1, f"第 {index + 1} 个表格第 {ri + 1} 行", most_cells)
            tally.add_cells(1)
            while (ri, col) in taken:
                col += 1
            attributes = td.attributes
            span_c, span_r = span(attributes.get("colspan"), most_span), span(attributes.get("rowspan"), most_span)
            if span_r > 1:  # the positions of this row itself are passed by `col` and need no keeping
                tally.add_cells((span_r - 1) * span_c)
                taken.update((ri + dr, col + dc) for dr in range(1, span_r) for dc in range(span_c))
            cells.append(_cell_text(td))
            locs.append(Location(table=index, row=ri, column=col))
            col += span_c
        if cells:
            tally.block()
            blocks.append(Block.row(cells, locs))
    return blocks


def _walk(root: LexborNode, parts: list[str], tables: list[list[Block]], tally: Tally, options: ReadOptions) -> None:
    """The text under `root` in document order, block elements on lines of their own, tables set aside.

    Iterative (an explicit stack), so nesting depth costs no Python recursion.
    """
    stack = [(root.iter(include_text=True), False)]
    while stack:
        children, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                parts.append("\n")
            continue
        tag = child.tag
        if tag == "-text":
            parts.append(child.text(deep=False))
            continue
        if tag is None or tag.startswith("-"):
            continue
        if tag == "table" and len(child.css("table")) == 1:  # css() includes the node itself
            parts.append(f"\n{_MARK}{len(tables)}{_MARK}\n")
            tables.append(_table_rows(child, len(tables), tally, options))
            continue
        opens = tag in _BLOCK
        if opens:
            parts.append("\n")
        stack.append((child.iter(include_text=True), opens))


def _blocks(body: LexborNode, options: ReadOptions) -> list[Block]:
    """Lines and table rows in document order."""
    tables: list[list[Block]] = []
    parts: list[str] = []
    tally = Tally(options)
    _walk(body, parts, tables, tally, options)
    blocks: list[Block] = []
    line = 0
    for i, part in enumerate("".join(parts).split(_MARK)):
        if i % 2:
            blocks.extend(tables[int(part)])
            continue
        for clean in _clean_lines(part):
            line += 1
            tally.block()
            blocks.append(Block.line(clean, Location(line=line)))
    return blocks


def _meta(page: LexborHTMLParser, names: tuple[str, ...]) -> str | None:
    for name in names:
        for attr in ("name", "property"):
            node = page.css_first(f'meta[{attr}="{name}"]')
            if node is not None:
                content = (node.attributes.get("content") or "").strip()
                if content:
                    return content
    return None


def read_html(data: bytes, file: str, options: ReadOptions) -> Document:
    """The page's bytes as a Document, or a ReadError naming `file`."""
    text = decode(data, file).replace(_MARK, "")
    text = _BR.sub("\n", re.sub(r"^\s*<\?xml[^>]*>", "", text))
    max_depth, max_tags = options.max_html_depth, options.max_html_tags
    depth, tags = _scan(text, max_tags)
    if depth > max_depth:
        raise ReadError(file, f"HTML 元素嵌套 {depth} 层，超过 {max_depth} 层的上限（不是正常的网页），已停止读取")
    if tags > max_tags:
        raise ReadError(file, f"HTML 有超过 {max_tags:,} 个标签（年度报告的网页只有几千个），不是年度报告，已停止读取")
    try:
        page = LexborHTMLParser(text)
    except Exception as exc:  # lexbor refuses only pathological input
        raise ReadError(file, f"无法解析 HTML（{exc}）") from None
    doc = Document(kind="html")
    doc.title = _meta(page, _META_TITLE)
    if doc.title is None:
        title = page.css_first("title")
        doc.title = title.text(deep=True).strip() or None if title is not None else None
    doc.published = _meta(page, _META_DATE)
    page.strip_tags(_SKIP)
    root = page.body or page.root
    if root is None:
        raise ReadError(file, "HTML 页面没有内容")
    try:
        doc.blocks = _blocks(root, options)
    except LimitExceeded as exc:
        raise ReadError(file, str(exc)) from None
    return doc
