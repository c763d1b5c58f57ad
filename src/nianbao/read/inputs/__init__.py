"""The input kinds: a report file turned into the reader's `Document` (the stage `extract`, see `nianbao.read.stages`).

One module per kind (`txt` for txt and md, `html`, `docx`, `pdf`, `doc` for doc and wps, `image` for scans: png,
jpg, tif and a zip of them, read by OCR), each turning the
file's bytes or path into a Document. `KINDS` is the table of the suffixes the reader knows; `sniff` tells a
file's kind by its first bytes, then by that table; `read_input` checks the file (it exists, is not empty or
larger than `ReadOptions.max_bytes`) and hands it to its kind's module. The kinds' modules, and the libraries
they read with, are imported on first use (`import nianbao.read` stays light).
"""

from __future__ import annotations

import os
from pathlib import Path

from nianbao.read.document import Document
from nianbao.read.errors import ReadError
from nianbao.read.options import ReadOptions

__all__ = ["KINDS", "SIGNED", "SUFFIXES", "read_input", "sniff"]

#: The file suffixes the reader knows, and the input kind of each (a file's first bytes are looked at first).
KINDS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "doc",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".zip": "pages",
}
#: The suffixes of `KINDS`, in its order.
SUFFIXES: tuple[str, ...] = tuple(KINDS)

#: Kinds whose files begin with a signature; a file named so without it is something else.
SIGNED = {
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "doc": "Word（.doc/.wps）",
    "image": "图像（.png/.jpg/.tif）",
    "pages": "压缩包（.zip）",
}
#: The first bytes of the image formats read by OCR (`inputs.image`).
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def sniff(path: Path, head: bytes) -> str:
    """The input kind: by the file's first bytes when they say, else by its extension.

    A file named .pdf/.docx/.doc whose first bytes are not that format's signature is read by its content
    (text or html, e.g. a saved page renamed) or, when it is neither, is ``mismatch`` (see `read_input`).
    """
    if b"%PDF" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "pages" if path.suffix.lower() == ".zip" else "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    kind = KINDS.get(path.suffix.lower())
    lowered = head[:2048].lower()
    markup = b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered
    if kind in SIGNED:
        if markup:
            return "html"
        from nianbao.read.inputs.txt import looks_like_text

        return "txt" if looks_like_text(head) else "mismatch"
    if kind:
        return kind
    return "html" if markup else "txt"


def read_input(path: str | os.PathLike[str], file: str, options: ReadOptions) -> Document:
    """The file at `path` as a Document, read by its input kind; a ReadError naming `file` otherwise.

    A file larger than `options.max_bytes` is refused from its size alone, before a byte of it is read.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ReadError(file, "文件不存在") from None
    except OSError as exc:
        raise ReadError(file, f"无法访问文件（{exc.strerror}）") from None
    if p.is_dir():
        from nianbao.read.inputs.image import page_files, read_images

        if page_files(p):  # a folder of page images: one scanned report
            return read_images(p, file, options)
        raise ReadError(file, "这是一个目录，不是文件")
    if size == 0:
        raise ReadError(file, "文件为空")
    max_bytes = options.max_bytes
    if size > max_bytes:
        raise ReadError(file, f"文件过大（{size / 1048576:.0f} MB），超过上限 {max_bytes / 1048576:.0f} MB")
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ReadError(file, f"无法读取文件（{exc.strerror}）") from None
    kind = sniff(p, head)
    if kind == "mismatch":
        named = SIGNED[KINDS[p.suffix.lower()]]
        raise ReadError(
            file, f"扩展名为 {p.suffix}，但文件内容不是 {named} 格式，也不是文本（文件已损坏，或扩展名与内容不符）"
        )
    if kind == "pdf":
        from nianbao.read.inputs.pdf import read_pdf

        return read_pdf(p, file, options)
    if kind in ("image", "pages"):
        from nianbao.read.inputs.image import read_images

        return read_images(p, file, options, zipped=kind == "pages")
    if kind == "docx":
        from nianbao.read.inputs.docx import read_docx

        return read_docx(p, file, options)
    if kind == "doc":
        from nianbao.read.inputs.doc import read_doc

        return read_doc(p, file, options)
    data = p.read_bytes()
    if kind == "html":
        from nianbao.read.inputs.html import read_html

        return read_html(data, file, options)
    from nianbao.read.inputs.txt import read_text

    return read_text(data, file, kind, options)
