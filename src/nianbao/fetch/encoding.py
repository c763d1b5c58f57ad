"""A fetched page's text encoding: a BOM; UTF-8 when the bytes are non-ASCII UTF-8 (other encodings almost
never are, while GB18030 decodes almost anything); the ``Content-Type`` header's charset; the page's
``<meta charset>`` (or ``http-equiv``); then detection (GB18030, charset-normalizer).

A declared encoding that does not decode the bytes is passed over (government sites often declare UTF-8 and
serve GBK, or the reverse). GBK and GB2312 are decoded as GB18030, their superset. The page is saved as served;
the encoding goes into its metadata, and the text is used to find its attachments.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["decode_page", "header_charset", "meta_charset"]

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_PRESCAN = 16_384  # bytes of the page searched for <meta charset> (long <head>s are common)
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "ascii": "utf-8", "latin-1": "cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, as given."""
    found = _HEADER_CHARSET.search(content_type or "")
    return found.group(1) if found else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``<meta http-equiv=Content-Type content=…>``."""
    found = _META_CHARSET.search(body[:_PRESCAN])
    return found.group(1).decode("ascii") if found else None


def _codec(label: str | None) -> str | None:
    """The Python codec's name for an encoding label, None when Python does not know it."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def _decoded(body: bytes, name: str) -> str | None:
    try:
        return body.decode(_SUPERSETS.get(name, name))
    except (UnicodeDecodeError, LookupError):
        return None


def decode_page(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page's encoding (a Python codec name: ``utf-8``, ``gbk``…) and its text."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, body.decode(name + "-sig" if name == "utf-8" else name, errors="replace")
    if not body.isascii() and _decoded(body, "utf-8") is not None:
        return "utf-8", body.decode("utf-8")
    declared = (_codec(header_charset(content_type)), _codec(meta_charset(body)))
    for name in (*(n for n in declared if n is not None), "utf-8", "gb18030"):
        text = _decoded(body, name)
        if text is not None:
            return name, text
    best = from_bytes(body[:65_536]).best()
    guessed = _codec(best.encoding if best is not None else None) or "utf-8"
    return guessed, body.decode(_SUPERSETS.get(guessed, guessed), errors="replace")
