"""PDF with a text layer, through pdfplumber.

On each page, tables are found from their ruling lines; their cells become table rows (each merged
cell once, with its box). Text outside the tables becomes lines, with spaces where characters are
apart, so numbers printed in columns without rules stay separate and are read by position. Page
numbers (-3-, 第3页) are dropped. A PDF without a text layer (a scan) is refused, never guessed at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nianbao.read.document import Block, Document
from nianbao.read.errors import ReadError
from nianbao.read.text import FOOTER
from nianbao.report import Location

MAX_PAGES = 300


def _title(meta: dict[str, Any]) -> str | None:
    raw = meta.get("Title")
    if isinstance(raw, bytes):
        for enc in ("utf-16", "utf-8", "gb18030"):
            try:
                raw = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if not isinstance(raw, str):
        return None
    if raw.startswith(("\xff\xfe", "\xfe\xff")):
        try:
            raw = raw.encode("latin-1").decode("utf-16")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
    raw = raw.strip("\x00 \ufeff")
    return raw or None


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_blocks(page: Any, number: int) -> list[tuple[float, Block]]:
    items: list[tuple[float, Block]] = []
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]
    boxes = [t.bbox for t in tables]
    rest = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else page
    for line in rest.extract_text_lines(strip=True, return_chars=False):
        text = line["text"]
        if not text.strip() or FOOTER.match(text):
            continue
        box = (round(line["x0"], 1), round(line["top"], 1), round(line["x1"], 1), round(line["bottom"], 1))
        items.append((line["top"], Block.line(text, Location(page=number, bbox=box))))
    for t in tables:
        texts = t.extract()
        for ri, (row, row_text) in enumerate(zip(t.rows, texts, strict=False)):
            cells: list[str] = []
            locs: list[Location] = []
            for ci, (box, text) in enumerate(zip(row.cells, row_text, strict=False)):
                if box is None:
                    continue  # covered by a merged cell
                cells.append(text or "")
                locs.append(Location(page=number, bbox=tuple(round(v, 1) for v in box), row=ri, column=ci))  # type: ignore[arg-type]
            if cells:
                items.append((row.bbox[1] if row.bbox else t.bbox[1], Block.row(cells, locs)))
    items.sort(key=lambda it: it[0])
    return items


def read_pdf(path: Path, file: str) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    doc = Document(kind="pdf")
    chars = 0
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ReadError(file, f"PDF 共 {len(pdf.pages)} 页，超过上限 {MAX_PAGES} 页")
            doc.title = _title(pdf.metadata or {})
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                doc.blocks.extend(block for _, block in _page_blocks(page, number))
                page.close()
    except ReadError:
        raise
    except PDFPasswordIncorrect:
        raise ReadError(file, "PDF 已加密，无法读取") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise ReadError(file, f"PDF 文件已损坏或不完整（{type(exc).__name__}）") from None
    if chars == 0:
        raise ReadError(file, "PDF 没有文字层（可能是扫描件），无法读取数值；请提供带文字层的 PDF，或先做文字识别")
    return doc
