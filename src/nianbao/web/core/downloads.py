"""The Content-Disposition of every download: one header, built one way."""

from __future__ import annotations

import re
from urllib.parse import quote

_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(filename: str, fallback: str | None = None) -> str:
    """An attachment header for a download named `filename` (RFC 6266): the name in UTF-8 as ``filename*``
    (RFC 5987, every byte outside the unreserved set percent-encoded, "/" included), and an ASCII
    ``filename`` for older clients: `fallback` when given, else `filename` with every run of other
    characters replaced by "_" ("download" when nothing is left)."""
    plain = _NOT_ASCII_SAFE.sub("_", filename if fallback is None else fallback).strip("_") or "download"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
