"""Word files (.docx): paragraphs and tables in document order.

Each table cell appears once (a horizontally merged cell once, with its grid column; a vertically
merged continuation as an empty cell, as Word stores it). The archive is checked before it is
opened, so a truncated file or a zip bomb is refused with a clear reason instead of exhausting memory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn

from nianbao.read.document import Block, Document
from nianbao.read.errors import ReadError
from nianbao.report import Location

MAX_UNPACKED = 200 * 1024 * 1024  # bytes of XML and media a report may unpack to
MAX_RATIO = 200  # a report's parts compress far less than this


def check_archive(path: Path, file: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise ReadError(file, "文件已损坏或不完整（不是有效的 docx 压缩包）") from None
    if "word/document.xml" not in names:
        raise ReadError(file, "不是 Word 文档（压缩包中没有 word/document.xml）")
    if total > MAX_UNPACKED or total / packed > MAX_RATIO:
        raise ReadError(file, f"压缩包解压后过大（{total / 1048576:.0f} MB，压缩比 {total / packed:.0f}:1），"
                              "疑似压缩炸弹，拒绝读取")


def _paragraph_text(p: object) -> str:
    parts: list[str] = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):  # type: ignore[attr-defined]
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: object) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(qn("w:p")))  # type: ignore[attr-defined]


def read_docx(path: Path, file: str) -> Document:
    check_archive(path, file)
    try:
        word = open_docx(str(path))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise ReadError(file, f"无法打开 Word 文档（{type(exc).__name__}: {exc}）") from None
    doc = Document(kind="docx")
    title = (word.core_properties.title or "").strip()
    doc.title = title or None
    line = 0
    table_index = 0
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = _paragraph_text(child)
            for part in text.split("\n"):
                if part.strip():
                    line += 1
                    doc.blocks.append(Block.line(part, Location(line=line)))
        elif child.tag == qn("w:tbl"):
            for ri, tr in enumerate(child.iter(qn("w:tr"))):
                cells: list[str] = []
                locs: list[Location] = []
                col = 0
                for tc in tr.iterchildren(qn("w:tc")):
                    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                    width = int(span.get(qn("w:val"), "1")) if span is not None else 1
                    cells.append(_cell_text(tc))
                    locs.append(Location(table=table_index, row=ri, column=col))
                    col += width
                if cells:
                    doc.blocks.append(Block.row(cells, locs))
            table_index += 1
    return doc
