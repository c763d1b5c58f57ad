"""A report checked by its URL (issue #17): the job function that fetches a page and reads the report it is or
links to, in a worker process like an uploaded file's reading.

`fetch_report` runs in the pool (`shared_pool().run(fetch_report, ...)`, with the read time limit): it fetches
the URL with the polite client of `nianbao fetch` (timeouts, robots.txt, the upload's size limit), reads an
HTML page as a report, and when the page is not one, fetches and reads the first of its linked attachments
(pdf, doc, docx…) that is. A failure comes back as data (`UrlRefused`, one Chinese line naming the URL), as
`read_upload`'s do, so that it pickles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypeAlias
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from nianbao.fetch.client import Fetched, Fetcher, FetchError, FetchSettings
from nianbao.fetch.encoding import decode_page
from nianbao.fetch.links import report_links
from nianbao.jobs.tasks import ReadOk, ReadRefused, read_upload
from nianbao.read.inputs import SUFFIXES
from nianbao.report import Report

__all__ = ["MAX_ATTACHMENTS", "UrlOutcome", "UrlRead", "UrlRefused", "fetch_report", "file_name"]

#: At most this many of a page's attachments are tried (a page listing every year's report links many).
MAX_ATTACHMENTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TYPE_SUFFIXES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
}


@dataclass(frozen=True)
class UrlRead:
    """The report found: the bytes to store under `filename`, read, and the URL they came from."""

    filename: str
    content: bytes
    url: str
    report: Report
    lines: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UrlRefused:
    """No report at the URL: `message` names it (Chinese, one line); `reason` as `FileResult.reason`
    (``too_large``, ``unreachable``, ``not_a_report``, ``unreadable``, ``error``); `detail` a reader's traceback
    for the log."""

    message: str
    reason: str
    detail: str = ""


UrlOutcome: TypeAlias = UrlRead | UrlRefused


def _title(text: str) -> str:
    try:
        node = LexborHTMLParser(text).css_first("title")
    except Exception:  # lexbor refuses only pathological input: such a page has no title we can use
        return ""
    return " ".join(node.text().split())[:100] if node is not None else ""


def file_name(fetched: Fetched, *, html_text: str | None = None) -> str:
    """The name the report is stored under: the URL's last path part when it carries a suffix the reader
    knows, else the page's title (an HTML page) or ``报告`` with the suffix of the response's media type."""
    last = PurePosixPath(unquote(urlsplit(fetched.final_url).path).replace("\\", "/")).name.strip()
    suffix = PurePosixPath(last).suffix.lower()
    if html_text is not None:
        if suffix in (".html", ".htm"):
            return last
        return f"{(_title(html_text) or last or '网页').replace('/', '／')}.html"
    if suffix in SUFFIXES:
        return last
    return f"{last or '报告'}{_TYPE_SUFFIXES.get(fetched.content_type, suffix or '.bin')}"


def _refused_fetch(url: str, exc: FetchError) -> UrlRefused:
    reason = "too_large" if "大小上限" in exc.reason else "unreachable"
    return UrlRefused(f"网址“{url}”无法获取：{exc.reason}", reason)


def _read(fetched: Fetched, name: str) -> UrlRead | ReadRefused:
    outcome = read_upload(name, fetched.body)
    if isinstance(outcome, ReadOk):
        return UrlRead(name, fetched.body, fetched.final_url, outcome.report, outcome.lines)
    return outcome


def _refused_read(outcome: ReadRefused) -> UrlRefused:
    reason = "not_a_report" if outcome.cause == "not_a_report" else outcome.cause
    return UrlRefused(outcome.message, reason, outcome.detail)


def fetch_report(url: str, max_bytes: int, timeout: float, public_only: bool = True) -> UrlOutcome:
    """The report at `url` (a report page, a report file, or a page linking the report), fetched within
    `max_bytes` and `timeout` (seconds per connection and read), or why there is none. `public_only`: no host
    that resolves to a private, loopback or link-local address (the web app's users must not reach its network)."""
    settings = FetchSettings(
        timeout=timeout,
        retries=1,
        backoff=0.5,
        max_wait=5.0,
        interval=0.2,
        concurrency=1,
        max_bytes=max_bytes,
        public_only=public_only,
    )
    with Fetcher(settings) as fetcher:
        try:
            page = fetcher.get(url)
        except FetchError as exc:
            return _refused_fetch(url, exc)
        if not page.body:
            return UrlRefused(f"网址“{url}”返回的内容为空", "empty")
        if page.content_type not in _HTML_TYPES and not page.body.lstrip()[:15].lower().startswith(b"<!doctype html"):
            found = _read(page, file_name(page))
            return found if isinstance(found, UrlRead) else _refused_read(found)
        _, text = decode_page(page.body, page.headers.get("content-type"))
        found = _read(page, file_name(page, html_text=text))
        if isinstance(found, UrlRead):
            return found
        if found.cause != "not_a_report":
            return _refused_read(found)
        links = [
            u
            for u in report_links(text, page.final_url)
            if PurePosixPath(unquote(urlsplit(u).path)).suffix.lower() in SUFFIXES
        ]
        if not links:
            return UrlRefused(f"网页“{url}”不像一份年度报告，也没有链接可读取的报告附件", "not_a_report")
        why: list[str] = []
        for link in links[:MAX_ATTACHMENTS]:
            try:
                attached = fetcher.get(link)
            except FetchError as exc:
                why.append(f"{link}：{exc.reason}")
                continue
            got = _read(attached, file_name(attached))
            if isinstance(got, UrlRead):
                return got
            why.append(got.message)
        tried = min(len(links), MAX_ATTACHMENTS)
        return UrlRefused(
            f"网页“{url}”不像一份年度报告，它链接的 {tried} 个附件也不是（{'；'.join(why)[:500]}）",
            "too_large" if all("大小上限" in w for w in why) else "not_a_report",
        )
