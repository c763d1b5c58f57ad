"""Placeholders in a letter template (.docx): finding them, checking a template, filling it.

A placeholder is a known name between double braces, ``{{机关名称}}`` (spaces inside the braces are allowed).
Word splits the text of a paragraph into runs wherever the formatting, the spell checker or an edit says so,
so a placeholder typed in Word may lie across several runs; both the check and the fill read each paragraph's
text as a whole (every ``w:t`` in order) and map a match back onto the runs: the value takes the place and the
formatting of the run where the placeholder begins. Paragraphs are those of the body (tables and text boxes
included), the headers and the footers. A line break in a value becomes a ``w:br``.

A template is checked before it is stored: its size, that it is a .docx python-docx opens (and whose ZIP
does not unpack to more than `MAX_UNPACKED`), and that every placeholder in it is known; every problem is one
Chinese line.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from docx import Document as open_document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from nianbao.render.letters.names import PLACEHOLDERS

#: A placeholder: a name of letters (no braces, no white space) between ``{{`` and ``}}``.
PATTERN = re.compile(r"\{\{\s*([^{}\s]{1,40})\s*\}\}")
#: Templates are small documents: a larger upload is refused before it is opened.
MAX_BYTES = 2 * 1024 * 1024
#: What the ZIP of a template may unpack to at most (a ZIP bomb is refused unopened).
MAX_UNPACKED = 40 * 1024 * 1024
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Found:
    """The placeholders of a template: known names, unknown ones, and fragments of braces left unclosed."""

    known: tuple[str, ...]
    unknown: tuple[str, ...]
    broken: tuple[str, ...]


def _paragraphs(document: object) -> Iterator[object]:
    """Every ``w:p`` of the body (tables, text boxes), then of each header and footer part."""
    part = document.part  # type: ignore[attr-defined]
    yield from part.element.body.iter(qn("w:p"))
    for rel in part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield from rel.target_part.element.iter(qn("w:p"))


def _texts(paragraph: object) -> list[object]:
    return list(paragraph.iter(qn("w:t")))  # type: ignore[attr-defined]


def _open(content: bytes) -> object:
    return open_document(io.BytesIO(content))


def find(content: bytes) -> Found:
    """The placeholders of the .docx `content`, each name once, in the order first met."""
    known: dict[str, None] = {}
    unknown: dict[str, None] = {}
    broken: dict[str, None] = {}
    for paragraph in _paragraphs(_open(content)):
        text = "".join(t.text or "" for t in _texts(paragraph))  # type: ignore[attr-defined]
        for match in PATTERN.finditer(text):
            (known if match.group(1) in PLACEHOLDERS else unknown)[match.group(1)] = None
        rest = PATTERN.sub("", text)
        for m in re.finditer(r"\{\{|\}\}", rest):
            broken[rest[max(0, m.start() - 6) : m.end() + 6].strip()] = None
    return Found(tuple(known), tuple(unknown), tuple(broken))


def check(content: bytes, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """What is wrong with `content` as a letter template, one Chinese line each (empty: it can be used)."""
    if not content:
        return ["上传的文件是空的"]
    if len(content) > max_bytes:
        return [f"文件过大：模板不能超过 {max_bytes // (1024 * 1024)} MB（现为 {len(content) / 1048576:.1f} MB）"]
    not_docx = "无法作为 Word 文档（.docx）打开：请在 Word 或 WPS 中另存为 .docx 后再上传"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        return [not_docx + "（.doc、.wps 等旧格式不能直接使用）"]
    if unpacked > MAX_UNPACKED:
        return [f"文件解压后过大（{unpacked // 1048576} MB），不像是一份文书模板"]
    try:
        found = find(content)
    except Exception:  # python-docx raises many kinds (KeyError, ValueError, lxml errors) for a broken package
        return [not_docx]
    problems = []
    if found.unknown:
        names = "、".join(f"{{{{{name}}}}}" for name in found.unknown)
        problems.append(f"模板中有无法识别的占位符：{names}。请改用页面下方列出的占位符，或删除它们")
    if found.broken:
        pieces = "、".join(f"“{piece}”" for piece in found.broken)
        problems.append(f"模板中有不完整的占位符（缺少成对的 {{{{ 或 }}}}）：{pieces}")
    return problems


def fill(content: bytes, values: Mapping[str, str]) -> bytes:
    """The template `content` with every known placeholder replaced by its value ("" for a name not given).

    An unknown placeholder is left as it is (templates are checked when stored; the built-in ones by tests).
    """
    document = _open(content)
    for paragraph in _paragraphs(document):
        _fill_paragraph(paragraph, values)
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def _fill_paragraph(paragraph: object, values: Mapping[str, str]) -> None:
    texts = _texts(paragraph)
    if not texts:
        return
    joined = "".join(t.text or "" for t in texts)  # type: ignore[attr-defined]
    matches = [m for m in PATTERN.finditer(joined) if m.group(1) in PLACEHOLDERS]
    if not matches:
        return
    starts = []  # the offset in `joined` where each w:t begins
    offset = 0
    for t in texts:
        starts.append(offset)
        offset += len(t.text or "")  # type: ignore[attr-defined]
    for match in reversed(matches):  # from the end: earlier offsets stay valid
        value = _INVALID_XML.sub("", values.get(match.group(1), ""))
        first = _index_of(starts, match.start())
        last = _index_of(starts, match.end() - 1)
        for i in range(last, first, -1):  # the placeholder's tail out of the later w:t
            t = texts[i]
            cut = match.end() - starts[i]
            t.text = (t.text or "")[cut:]  # type: ignore[attr-defined]
        t = texts[first]
        head = (t.text or "")[: match.start() - starts[first]]  # type: ignore[attr-defined]
        tail = (t.text or "")[match.end() - starts[first] :] if first == last else ""  # type: ignore[attr-defined]
        _set_text(t, head + value + tail)
    for t in texts:
        t.set(_XML_SPACE, "preserve")  # type: ignore[attr-defined]


def _index_of(starts: list[int], offset: int) -> int:
    """The w:t holding character `offset` of the joined text."""
    index = 0
    for i, start in enumerate(starts):
        if start <= offset:
            index = i
    return index


def _set_text(t: object, text: str) -> None:
    """`text` in the w:t `t`; each line break a ``w:br`` with the following lines in new w:t of the same run."""
    lines = text.split("\n")
    t.text = lines[0]  # type: ignore[attr-defined]
    after = t
    for line in lines[1:]:
        br = OxmlElement("w:br")
        after.addnext(br)  # type: ignore[attr-defined]
        new = OxmlElement("w:t")
        new.text = line
        new.set(_XML_SPACE, "preserve")
        br.addnext(new)
        after = new
