"""The piece of a scanned page a cell read by OCR was read from, for the check page (rule C209).

A cell read by OCR keeps its page and its box in points at the scan's resolution (`Location.ocr`, `page`,
`bbox`). The crop is cut from the file the report was read from, when it is still there: a PDF's page rendered
by PDFium, or the page of an image file (a TIFF's frame, a zip's image in page order). The box was found on the
deskewed page, so the crop takes a margin around it. None when the file is gone or is no scan.
"""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

from nianbao.report import Location

__all__ = ["crop_data_uri"]

#: Points around the cell's box kept in the crop (the box was found on the deskewed page).
MARGIN = 14.0
#: Resolution of the crop (dpi).
CROP_DPI = 150.0


def _page_image(path: Path, page: int) -> object | None:
    from PIL import Image

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page <= len(pdf):
                return None
            rendered: object = pdf[page - 1].render(scale=CROP_DPI / 72).to_pil()
            return rendered
        finally:
            pdf.close()
    if suffix == ".zip":
        from nianbao.read.inputs.image import IMAGE_SUFFIXES, page_order

        with zipfile.ZipFile(path) as archive:
            names = sorted((n for n in archive.namelist() if Path(n).suffix.lower() in IMAGE_SUFFIXES), key=page_order)
            if not 1 <= page <= len(names):
                return None
            image = Image.open(io.BytesIO(archive.read(names[page - 1])))
            image.load()
            return image
    image = Image.open(path)
    image.seek(page - 1)
    image.load()
    return image


def crop_data_uri(file: str, where: Location) -> str | None:
    """A PNG `data:` URI of the part of the scan `where` points at, or None (see the module docstring)."""
    if where.ocr is None or where.page is None or where.bbox is None:
        return None
    path = Path(file)
    if not path.is_file():
        return None
    try:
        image = _page_image(path, where.page)
    except Exception:
        return None
    if image is None:
        return None
    from PIL import Image

    assert isinstance(image, Image.Image)
    if path.suffix.lower() == ".pdf":
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
