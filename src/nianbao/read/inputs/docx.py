"""Input kind docx, Word files: paragraphs and tables in document order.

Each table cell appears once (a horizontally merged cell once, with its grid column; a vertically
merged continuation as an empty cell, as Word stores it). The archive is checked before it is
opened, so a truncated file or a zip bomb is refused with a clear reason instead of exhausting memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn

from nianbao.read.document import Block, Document, LimitExceeded, Tally, row_cells_allowed, span
from nianbao.read.errors import ReadError
from nianbao.read.options import ReadOptions
from nianbao.report import Location

_BODY = "word/document.xml"


def check_archive(path: Path, file: str, options: ReadOptions) -> None:
    """Refuse a package that is damaged, not Word, or unpacks to more than a report can (read from the zip
    directory, before anything is unpacked). word/document.xml is checked on its own too, so that
    incompressible padding elsewhere cannot buy room for it. The bounds are `options.max_docx_unpacked`,
    `max_docx_ratio` and `max_docx_document_xml`."""
    max_unpacked, max_ratio, max_body = options.max_docx_unpacked, options.max_docx_ratio, options.max_docx_document_xml
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            body = next((i for i in infos if i.filename == _BODY), None)
    except (zipfile.BadZipFile, NotImplementedError, ValueError):  # NotImplementedError: a damaged version field
        raise ReadError(file, "文件已损坏或不完整（不是有效的 docx 压缩包）") from None
    if body is None:
        raise ReadError(file, "不是 Word 文档（压缩包中没有 word/document.xml）")
    if total > max_unpacked or total / packed > max_ratio:
        raise ReadError(
            file, f"压缩包解压后过大（{total / 1048576:.0f} MB，压缩比 {total / packed:.0f}:1），疑似压缩炸弹，拒绝读取"
        )
    ratio = body.file_size / (body.compress_size or 1)
    if body.file_size > max_body or ratio > max_ratio:
        raise ReadError(
            file,
            f"Word 正文（word/document.xml）解压后 {body.file_size / 1048576:.0f} MB，"
            f"压缩比 {ratio:.0f}:1，超过上限（{max_body / 1048576:.0f} MB，"
            f"{max_ratio}:1），不是年度报告，拒绝读取",
        )


_P, _T, _TAB, _BR = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br")
_TBL, _TR, _TC = qn("w:tbl"), qn("w:tr"), qn("w:tc")
_GRID_SPAN, _VAL = f"{qn('w:tcPr')}/{qn('w:gridSpan')}", qn("w:val")


def _paragraph_text(p: object) -> str:
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR):  # type: ignore[attr-defined]
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: object) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(_P))  # type: ignore[attr-defined]


def _clipped(exc: Exception, limit: int = 120) -> str:
    """The first line of a library's message, at most `limit` characters (some quote whole damaged headers)."""
    lines = str(exc).strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[:limit] + "…"


def read_docx(path: Path, file: str, options: ReadOptions) -> Document:
    """The Word file as a Document, or a ReadError naming `file`."""
    check_archive(path, file, options)
    try:
        word = open_docx(str(path))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise ReadError(file, f"无法打开 Word 文档（{type(exc).__name__}: {_clipped(exc)}）") from None
    doc = Document(kind="docx")
    title = (word.core_properties.title or "").strip()
    doc.title = title or None
    try:
        doc.blocks = _blocks(word.element.body, options)
    except LimitExceeded as exc:
        raise ReadError(file, str(exc)) from None
    return doc


def _blocks(body: object, options: ReadOptions) -> list[Block]:
    """Paragraph lines and table rows in document order, counted as they are read (`Tally`)."""
    tally = Tally(options)
    most_cells, most_span = options.max_row_cells, options.max_span
    blocks: list[Block] = []
    line = 0
    table_index = 0
    for child in body.iterchildren():  # type: ignore[attr-defined]
        if child.tag == _P:
            text = _paragraph_text(child)
            for part in text.split("\n"):
                if part.strip():
                    line += 1
                    tally.block()
                    blocks.append(Block.line(part, Location(line=line)))
        elif child.tag == _TBL:
            for ri, tr in enumerate(child.iter(_TR)):
                cells: list[str] = []
                locs: list[Location] = []
                col = 0
                for tc in tr.iterchildren(_TC):
                    if len(cells) >= most_cells:
                        row_cells_allowed(len(cells) + 1, f"第 {table_index + 1} 个表格第 {ri + 1} 行", most_cells)
                    tally.add_cells(1)
                    grid = tc.find(_GRID_SPAN)
                    cells.append(_cell_text(tc))
                    locs.append(Location(table=table_index, row=ri, column=col))
                    col += span(grid.get(_VAL), most_span) if grid is not None else 1
                if cells:
                    tally.block()
                    blocks.append(Block.row(cells, locs))
            table_index += 1
    return blocks
