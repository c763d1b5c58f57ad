"""Input kind image: a report scanned or photographed as images, read by OCR (`ocr`).

A `.png`, `.jpg` or `.tif` file is one page (a TIFF may hold several frames: one page each); a `.zip` of such
images, or a folder of them, is the report's pages in the order of their names (`page-01.png`, `page-02.png`, …
sorted as numbers where the names differ only by them). The resolution is the image's own (its `dpi` metadata)
when it says one between 72 and 1200, else worked out from an A4 page's width (8.27 in).

Images are opened by Pillow with a bound on their pixels (`MAX_PIXELS`, checked from the header before any
decoding), so a small file that decodes to a huge image is refused, never decoded.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.read.document import Document, LimitExceeded, Tally
from nianbao.read.errors import ReadError
from nianbao.read.inputs.ocr import OCR_MISSING, available, page_blocks_from_image

if TYPE_CHECKING:
    from PIL.Image import Image

    from nianbao.read.options import ReadOptions

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "page_dpi", "page_files", "page_order", "read_images"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
#: Most pixels of one page (an A4 page at 600 dpi has 35 million).
MAX_PIXELS = 60_000_000
#: An A4 page's width in inches, for the resolution of an image that does not say its own.
A4_WIDTH_IN = 8.27


def page_dpi(image: Image) -> float:
    """The resolution of a page image: its own when it says one between 72 and 1200 dpi, else an A4 page's."""
    said = image.info.get("dpi")
    if isinstance(said, tuple) and said and 72 <= float(said[0]) <= 1200:
        return float(said[0])
    width = min(image.size)  # portrait or landscape, the short side is the page's width
    return min(max(width / A4_WIDTH_IN, 72.0), 1200.0)


def _frames(data: bytes, name: str, file: str) -> Iterator[Image]:
    """The pages of one image file (a TIFF's frames), checked against `MAX_PIXELS` before decoding."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReadError(file, f"{name} 不是可读取的图像文件（{exc}）") from None
    frames = getattr(image, "n_frames", 1)
    for index in range(frames):
        try:
            image.seek(index)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ReadError(file, f"{name} 的图像有 {width}×{height} 像素，超过上限（{MAX_PIXELS:,} 像素）")
            image.load()
            page = image.convert("RGB")
            page.info["dpi"] = image.info.get("dpi")
        except ReadError:
            raise
        except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
            raise ReadError(file, f"{name} 图像已损坏或不完整（{exc}）") from None
        yield page


def page_order(name: str) -> tuple[tuple[int, int, str], ...]:
    """The sort key of a page's file name: its runs of digits as numbers (`page-2` before `page-10`)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name.lower()))


def _zipped(path: Path, file: str, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ReadError(file, f"压缩包已损坏（{exc}）") from None
    with archive:
        names = sorted(
            (i for i in archive.infolist() if not i.is_dir() and Path(i.filename).suffix.lower() in IMAGE_SUFFIXES),
            key=lambda i: page_order(i.filename),
        )
        if not names:
            raise ReadError(file, "压缩包中没有图像文件（.png、.jpg、.tif）")
        if len(names) > options.max_pdf_pages:
            raise ReadError(file, f"压缩包中有 {len(names)} 页图像，超过上限 {options.max_pdf_pages} 页")
        total = 0
        for info in names:
            total += info.file_size
            if info.file_size > options.max_bytes or total > 4 * options.max_bytes:
                raise ReadError(file, f"压缩包中的图像解压后过大（{info.filename}）")
            with archive.open(info) as fh:
                yield info.filename, fh.read(options.max_bytes + 1)


def page_files(folder: Path) -> list[Path]:
    """The image files of `folder` (not below it), in page order: a scanned report's pages."""
    return sorted(
        (f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES),
        key=lambda f: page_order(f.name),
    )


def _in_folder(folder: Path, file: str, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
    pages = page_files(folder)
    if len(pages) > options.max_pdf_pages:
        raise ReadError(file, f"目录中有 {len(pages)} 页图像，超过上限 {options.max_pdf_pages} 页")
    for page in pages:
        if page.stat().st_size > options.max_bytes:
            raise ReadError(file, f"{page.name} 过大，超过上限 {options.max_bytes / 1048576:.0f} MB")
        yield page.name, page.read_bytes()


def read_images(path: Path, file: str, options: ReadOptions, zipped: bool = False) -> Document:
    """The pages of an image file, of a zip of images or of a folder of them (`path` a directory), read by OCR,
    as a Document; a ReadError naming `file`."""
    if not available():
        raise ReadError(file, f"这是图像文件（扫描件），需要文字识别：{OCR_MISSING}")
    doc = Document(kind="image")
    tally = Tally(options)
    if path.is_dir():
        sources = _in_folder(path, file, options)
    else:
        sources = _zipped(path, file, options) if zipped else iter([(path.name, path.read_bytes())])
    number = 0
    try:
        for name, data in sources:
            for page in _frames(data, name, file):
                number += 1
                if number > options.max_pdf_pages:
                    raise ReadError(file, f"图像超过 {options.max_pdf_pages} 页的上限")
                blocks, _ = page_blocks_from_image(page, number, page_dpi(page), options, file)
                for block in blocks:
                    tally.block()
                    if block.is_row:
                        tally.add_cells(len(block.cells))
                doc.blocks.extend(blocks)
    except LimitExceeded as exc:
        raise ReadError(file, str(exc)) from None
    doc.scanned_pages = number
    if not doc.blocks:
        raise ReadError(file, "图像中没有识别出文字")
    return doc
