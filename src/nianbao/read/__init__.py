"""Reading a published report: file → Document → tables, cells, metadata and sections → Report.

`read(path)` is the whole pipeline. Each input kind has its own module producing the common
Document; everything after that is shared and knows nothing about the input kind.
"""

from __future__ import annotations

import os
from pathlib import Path

from nianbao.read.document import Document, LimitExceeded
from nianbao.read.errors import NotAReport, ReadError
from nianbao.read.linear import Linear
from nianbao.read.meta import read_meta
from nianbao.read.sections import find_sections
from nianbao.read.tables import read_tables
from nianbao.read.text import looks_like_text
from nianbao.report import Problem, Report

__all__ = ["MAX_BYTES", "NotAReport", "ReadError", "read", "read_document", "sniff"]

MAX_BYTES = int(os.environ.get("NIANBAO_MAX_BYTES", str(50 * 1024 * 1024)))

_KINDS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
          ".shtml": "html", ".xhtml": "html", ".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".wps": "doc"}


#: Kinds whose files begin with a signature; a file named so without it is something else.
_SIGNED = {"pdf": "PDF", "docx": "Word（.docx）", "doc": "Word（.doc/.wps）"}


def sniff(path: Path, head: bytes) -> str:
    """The input kind: by the file's first bytes when they say, else by its extension.

    A file named .pdf/.docx/.doc whose first bytes are not that format's signature is read by its content
    (text or html, e.g. a saved page renamed) or, when it is neither, is ``mismatch`` (see `read_document`).
    """
    if b"%PDF" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    kind = _KINDS.get(path.suffix.lower())
    lowered = head[:2048].lower()
    markup = b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered
    if kind in _SIGNED:
        if markup:
            return "html"
        return "txt" if looks_like_text(head) else "mismatch"
    if kind:
        return kind
    return "html" if markup else "txt"


def read_document(path: str | os.PathLike[str], name: str | None = None) -> Document:
    """The file as a Document (lines and table rows), or a ReadError naming it.

    The document is checked against the limits of `document` (rows of at most `MAX_ROW_CELLS` cells, at most
    `MAX_BLOCKS` lines and rows) before any later stage sees it, so that no stage meets an input larger than a
    report can be.
    """
    doc = _read_kind(path, name)
    try:
        doc.check_limits()
    except LimitExceeded as exc:
        raise ReadError(name or str(path), str(exc)) from None
    return doc


def _read_kind(path: str | os.PathLike[str], name: str | None) -> Document:
    p = Path(path)
    file = name or str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ReadError(file, "文件不存在") from None
    except OSError as exc:
        raise ReadError(file, f"无法访问文件（{exc.strerror}）") from None
    if p.is_dir():
        raise ReadError(file, "这是一个目录，不是文件")
    if size == 0:
        raise ReadError(file, "文件为空")
    if size > MAX_BYTES:
        raise ReadError(file, f"文件过大（{size / 1048576:.0f} MB），超过上限 {MAX_BYTES / 1048576:.0f} MB")
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ReadError(file, f"无法读取文件（{exc.strerror}）") from None
    kind = sniff(p, head)
    if kind == "mismatch":
        named = _SIGNED[_KINDS[p.suffix.lower()]]
        raise ReadError(file, f"扩展名为 {p.suffix}，但文件内容不是 {named} 格式，也不是文本"
                              "（文件已损坏，或扩展名与内容不符）")
    if kind == "pdf":
        from nianbao.read.pdf import read_pdf
        return read_pdf(p, file)
    if kind == "docx":
        from nianbao.read.docx import read_docx
        return read_docx(p, file)
    if kind == "doc":
        from nianbao.read.doc import read_doc
        return read_doc(p, file)
    data = p.read_bytes()
    if kind == "html":
        from nianbao.read.html import read_html
        return read_html(data, file)
    from nianbao.read.text import read_text
    return read_text(data, file, kind)


def read(path: str | os.PathLike[str], name: str | None = None) -> Report:
    """Reads one published report. Raises ReadError (or NotAReport) with a Chinese reason."""
    file = name or str(path)
    doc = read_document(path, file)
    return report_from_document(doc, file)


def report_from_document(doc: Document, file: str) -> Report:
    text = doc.plain_text()
    lines = text.split("\n")
    meta = read_meta(lines, doc.title, doc.published)
    lin = Linear(doc)
    tables = read_tables(lin, meta.year)
    if tables is None or tables.found_tables == 0:
        raise NotAReport(file, "未找到年度报告的统计表（不像一份政府信息公开工作年度报告）")
    report = Report(file=file, kind=doc.kind, format=tables.format, year=meta.year, agency=meta.agency,
                    title=meta.title, date=meta.date, cells=tables.cells, extra_rows=tables.extra_rows,
                    problems=list(tables.problems), text=text)
    report.sections, report.preamble = find_sections(lin, meta.title, meta.agency)
    if meta.year is None:
        report.problems.append(Problem("meta.year", "未能识别报告年度"))
    if meta.agency is None:
        report.problems.append(Problem("meta.agency", "未能从标题识别发布机关"))
    return report
