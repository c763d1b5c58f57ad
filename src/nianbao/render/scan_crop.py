"""The piece of a scanned page a cell read by OCR was read from, for the check page (rule C209).

A cell read by OCR keeps its page and its box in points at the scan's resolution (`Location.ocr`, `page`,
`bbox`). The crop is cut from the scan the report was read from: a PDF's page rendered by PDFium, or the page of
an image file (a TIFF's frame, a zip's image in page order). The box was found on the deskewed page, so the crop
takes a margin around it.

Which scan is the caller's to say, never guessed from a report's file name (a web upload's name is no path of
the server's): `scan_sources({report.file: path or (name, bytes)})` around the rendering of a check page, and
`crop_for(report.file, where)` in it. None when no scan was given, or the location is not in it.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from nianbao.report import Location

__all__ = ["Scan", "crop_data_uri", "crop_for", "scan_sources"]

#: A scan: a file's path, or an upload's name (for its suffix) and bytes.
Scan = Path | tuple[str, bytes]
_SOURCES: ContextVar[Mapping[str, Scan] | None] = ContextVar("nianbao_scan_sources", default=None)


@contextmanager
def scan_sources(sources: Mapping[str, Scan]) -> Iterator[None]:
    """Within the block, `crop_for(file, …)` cuts crops from `sources[file]`."""
    token = _SOURCES.set(sources)
    try:
        yield
    finally:
        _SOURCES.reset(token)


def crop_for(file: str, where: Location) -> str | None:
    """The crop of `where` from the scan given for `file` by the enclosing `scan_sources`, or None."""
    sources = _SOURCES.get()
    source = sources.get(file) if sources is not None else None
    return crop_data_uri(source, where) if source is not None else None


#: Points around the cell's box kept in the crop (the box was found on the deskewed page).
MARGIN = 14.0
#: Resolution of the crop (dpi).
CROP_DPI = 150.0


def _page_image(source: Scan, page: int) -> object | None:
    from PIL import Image

    name, data = (source.name, None) if isinstance(source, Path) else source
    raw: Path | io.BytesIO = source if isinstance(source, Path) else io.BytesIO(data or b"")
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(raw) if isinstance(raw, Path) else raw)
        try:
            if not 1 <= page <= len(pdf):
                return None
            rendered: object = pdf[page - 1].render(scale=CROP_DPI / 72).to_pil()
            return rendered
        finally:
            pdf.close()
    if suffix == ".zip":
        from nianbao.read.inputs.image import IMAGE_SUFFIXES, page_order

        with zipfile.ZipFile(raw) as archive:
            names = sorted((n for n in archive.namelist() if Path(n).suffix.lower() in IMAGE_SUFFIXES), key=page_order)
            if not 1 <= page <= len(names):
                return None
            image = Image.open(io.BytesIO(archive.read(names[page - 1])))
            image.load()
            return image
    image = Image.open(raw)
    image.seek(page - 1)
    image.load()
    return image


def crop_data_uri(source: Scan, where: Location) -> str | None:
    """A PNG `data:` URI of the part of the scan `source` that `where` points at, or None (see the module
    docstring)."""
    if where.ocr is None or where.page is None or where.bbox is None:
        return None
    if isinstance(source, Path) and not source.is_file():
        return None
    name = source.name if isinstance(source, Path) else source[0]
    try:
        image = _page_image(source, where.page)
    except Exception:
        return None
    if image is None:
        return None
    from PIL import Image

    assert isinstance(image, Image.Image)
    if Path(name).suffix.lower() == ".pdf":
        scale = CROP_DPI / 72
    else:
        from nianbao.read.inputs.image import page_dpi

        scale = page_dpi(image) / 72
    x0, top, x1, bottom = where.bbox
    box = (
        max(0, round((x0 - MARGIN) * scale)),
        max(0, round((top - MARGIN) * scale)),
        min(image.width, round((x1 + MARGIN) * scale)),
        min(image.height, round((bottom + MARGIN) * scale)),
    )
    if box[2] <= box[0] or box[3] <= box[1]:
        return None
    out = io.BytesIO()
    image.crop(box).convert("RGB").save(out, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
