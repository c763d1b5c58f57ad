"""Input kinds txt and md (plain text and markdown): decoding, then the layout the text was extracted with.

Text reaches us in several layouts, and each is turned into the blocks of a Document:
- text saved from Word, one table cell per line, each cell line starting with a tab and table rows
  separated by empty lines (cells may continue on following lines, e.g. 自/然/人);
- text saved from PDF, one table row per line with tab-separated cells;
- markdown pipe tables (`| 规章 | 0 | 0 | 0 |`);
- everything else (space-aligned `pdftotext -layout` output, crawler text with cells run together):
  plain lines, read later by labels and numbers.
A crawler's header (标题:, 发布时间:, ==== 正文 ====) gives the title and publication date.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from nianbao.read.document import Block, Document, LimitExceeded, row_cells_allowed
from nianbao.read.errors import ReadError
from nianbao.read.options import ReadOptions
from nianbao.report import Location

FOOTER = re.compile(
    r"^\s*(?:[-—－]\s*\d{1,3}\s*[-—－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_HEADER = re.compile(r"^(标题|发布时间|发布日期|文号|发布机构|栏目|原文链接|本地目录|索引号|来源)\s*[:：]\s*(.*)$")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode(data: bytes, file: str) -> str:
    """Bytes to text: BOMs, UTF-8, then GB18030/GBK and others by detection. Rejects binary data."""
    text = _decode(data, file)
    if not text.strip():  # only a BOM, full-width spaces or UTF-16 white space
        raise ReadError(file, "文件为空")
    return text


def _decode(data: bytes, file: str) -> str:
    if not data.strip():
        raise ReadError(file, "文件为空")
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
        (codecs.BOM_UTF32_LE, "utf-32"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                raise ReadError(file, f"文件以 {enc} 标记开头，但内容无法按该编码解码") from None
    sample = data[:65536]
    if sample.count(b"\x00") > len(sample) // 100 + 1:
        encoding = _utf16_without_bom(sample)
        if encoding is not None:
            try:
                return data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                pass
        raise ReadError(file, "不是文本文件（内容为二进制数据）")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    if _control_byte_ratio(sample) > 0.05:
        raise ReadError(file, "不是文本文件（内容为二进制数据）")
    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise ReadError(file, "无法识别文本编码（不是 UTF-8、GB18030/GBK 或 UTF-16 文本）")
    text = data.decode(best.encoding, errors="replace")
    if _control_ratio(text) > 0.05:
        raise ReadError(file, "不是文本文件（内容为二进制数据）")
    return text


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


def _control_byte_ratio(sample: bytes) -> float:
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / max(1, len(sample))


def _plausible(ch: str) -> bool:
    """A character of Chinese or ASCII text (CJK ideographs and punctuation, full-width forms, ASCII, spaces)."""
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\t\n\r\f"
        or 0x4E00 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
        or 0x3400 <= o <= 0x4DBF
        or 0xA0 <= o <= 0x17F
        or 0x2460 <= o <= 0x25FF
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes read as Chinese or ASCII text in it, else None.

    Chinese text in UTF-16 has few zero bytes (only its ASCII characters have one), so the zero-byte pattern
    alone does not tell: each byte order is decoded and the one whose characters are plausible text wins.
    """
    even = sample[: min(len(sample), 8192) // 2 * 2]
    best: tuple[float, str | None] = (0.0, None)
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in text if _plausible(ch)) / max(1, len(text))
        best = max(best, (score, encoding), key=lambda pair: pair[0])
    return best[1] if best[0] >= 0.95 else None


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are text (a BOM; UTF-8, GB18030 or UTF-16 characters), not binary."""
    sample = head[:4096]
    if not sample.strip():
        return False
    if sample.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if sample.count(b"\x00") > len(sample) // 100 + 1:
        return _utf16_without_bom(sample) is not None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # not just a character cut at the end of the sample
                continue
            text = sample[: exc.start].decode(encoding)
        return _control_ratio(text) <= 0.05
    return False


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL_CHARS.findall(sample)) / max(1, len(sample))


def to_document(text: str, kind: str, options: ReadOptions) -> Document:
    """The text's lines and table rows (rows of at most `options.max_row_cells` cells, else `LimitExceeded`)."""
    if _control_ratio(text) > 0.05:
        raise ValueError("binary")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(kind=kind)
    start = _read_crawler_header(lines, doc)
    tab_lines = [ln for ln in lines[start:] if "\t" in ln]
    word_cells = (
        bool(tab_lines)
        and sum(1 for ln in tab_lines if ln.startswith("\t") and ln.count("\t") == 1) > len(tab_lines) * 0.6
    )
    row: list[str] = []
    locs: list[Location] = []
    most = options.max_row_cells

    def flush_row() -> None:
        if row:
            doc.blocks.append(Block.row(list(row), list(locs)))
            row.clear()
            locs.clear()

    for number, line in enumerate(lines[start:], start=start + 1):
        if FOOTER.match(line):
            continue
        if word_cells:
            if line.startswith("\t"):
                row_cells_allowed(len(row) + 1, f"第 {number} 行所在的表格行", most)
                row.append(line[1:].replace("\t", " "))
                locs.append(Location(line=number, start=1, end=len(line)))
                continue
            if row and line.strip():
                row[-1] += "\n" + line  # a cell continued on the next line (自/然/人)
                continue
            flush_row()
        elif "\t" in line.strip("\n") and line.strip():
            row_cells_allowed(line.count("\t") + 1, f"第 {number} 行", most)
            cells, offsets = _split_keep(line, "\t")
            doc.blocks.append(
                Block.row(
                    cells, [Location(line=number, start=a, end=a + len(c)) for c, a in zip(cells, offsets, strict=True)]
                )
            )
            continue
        elif _md_row(line):
            if _MD_RULE.match(line.strip()):
                continue
            row_cells_allowed(line.count("|") - 1, f"第 {number} 行", most)
            inner = line.strip()[1:-1]
            base = line.index("|") + 1
            cells, offsets = _split_keep(inner, "|")
            doc.blocks.append(
                Block.row(
                    cells,
                    [
                        Location(line=number, start=base + a, end=base + a + len(c))
                        for c, a in zip(cells, offsets, strict=True)
                    ],
                )
            )
            continue
        if line.strip():
            doc.blocks.append(Block.line(line, Location(line=number, start=0, end=len(line))))
    flush_row()
    return doc


def _md_row(line: str) -> bool:
    """A markdown pipe row, also of one cell (`| 2629 |`, `| 第二十 |`: a converter's torn table row)."""
    text = line.strip()
    return len(text) > 2 and text.startswith("|") and text.endswith("|") and text.count("|") >= 2


def _split_keep(line: str, sep: str) -> tuple[list[str], list[int]]:
    cells = line.split(sep)
    offsets: list[int] = []
    at = 0
    for c in cells:
        offsets.append(at)
        at += len(c) + len(sep)
    return cells, offsets


def _read_crawler_header(lines: list[str], doc: Document) -> int:
    """Reads `标题: …` style header lines; returns the index of the first body line."""
    for i, line in enumerate(lines[:40]):
        if _BODY_MARK.match(line.strip()):
            for head in lines[:i]:
                m = _HEADER.match(head.strip())
                if m and m.group(1) == "标题":
                    doc.title = m.group(2).strip() or None
                elif m and m.group(1) in ("发布时间", "发布日期"):
                    doc.published = m.group(2).strip() or None
                elif m and m.group(1) == "发布机构":
                    doc.publisher = m.group(2).strip() or None
            return i + 1
    return 0


def read_text(data: bytes, file: str, kind: str, options: ReadOptions) -> Document:
    """The file's bytes as a Document of input kind `kind` (txt or md), or a ReadError naming `file`."""
    text = decode(data, file)
    try:
        return to_document(text, kind, options)
    except LimitExceeded as exc:
        raise ReadError(file, str(exc)) from None
    except ValueError:
        raise ReadError(file, "不是文本文件（内容为二进制数据）") from None
