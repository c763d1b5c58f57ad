"""A report page's attachments: the links whose path ends in a document or image suffix.

Government sites publish a report as a page, as a file the page links to (PDF, Word, WPS, a spreadsheet, scans
of the printed pages, a zip), or both. Every ``<a href>`` whose path ends in one of `ATTACHMENT_SUFFIXES` is
taken, resolved against the page's final URL (or its ``<base href>``), on the same site or not; fragments are
dropped and each URL is kept once, in the page's order. Backslashes, which some site builders write, are read
as slashes (as browsers do).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

__all__ = ["ATTACHMENT_SUFFIXES", "attachment_suffix", "report_links"]

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".zip")
_NOT_LINKS = ("#", "javascript:", "mailto:", "tel:", "data:")


def attachment_suffix(url: str) -> str | None:
    """The URL path's suffix (lower-case) when it is an attachment's, else None."""
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    return suffix if suffix in ATTACHMENT_SUFFIXES else None


def report_links(html: str, page_url: str) -> list[str]:
    """The attachments' absolute URLs, each once, in the order the page links to them."""
    try:
        page = LexborHTMLParser(html)
    except Exception:  # lexbor refuses only pathological input: such a page links to nothing we can follow
        return []
    base = page_url
    base_node = page.css_first("base[href]")
    if base_node is not None:
        try:
            base = urljoin(page_url, (base_node.attributes.get("href") or "").strip())
        except ValueError:
            base = page_url
    found: dict[str, None] = {}
    for anchor in page.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip().replace("\\", "/")
        if not href or href.lower().startswith(_NOT_LINKS):
            continue
        try:
            url = urldefrag(urljoin(base, href)).url
            wanted = urlsplit(url).scheme.lower() in ("http", "https") and attachment_suffix(url) is not None
        except ValueError:  # e.g. a broken IPv6 host: not a link anyone can follow
            continue
        if wanted:
            found.setdefault(url, None)
    return list(found)
