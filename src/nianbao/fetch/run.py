"""A fetch run: every target URL and the attachments its page links to, into a `FetchStore` folder.

Each listed URL is fetched once: a page (HTML) is saved and its attachments (`links.report_links`) are
fetched next, in the same thread pool; a listed URL that turns out to be a file (a PDF…) is saved as one. An
attachment linked by several pages is fetched once, for the first page. A URL the folder's manifest already
holds is skipped (counted in `FetchSummary.skipped` when listed), unless `force`; the attachments that failed in
an earlier run are tried again even when their page is skipped. Failures never stop the run: each is recorded
with its reason and the run goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from nianbao.fetch.client import Fetched, Fetcher, FetchError, FetchSettings
from nianbao.fetch.encoding import decode_page
from nianbao.fetch.links import ATTACHMENT_SUFFIXES, attachment_suffix, report_links
from nianbao.fetch.store import Failure, FetchStore
from nianbao.fetch.targets import Target
from nianbao.read.inputs import KINDS

__all__ = ["FetchProgress", "FetchSummary", "fetch_all", "file_suffix", "is_page"]

_TYPE_SUFFIXES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/kswps": ".wps",
    "application/vnd.ms-works": ".wps",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
    "text/plain": ".txt",
}
_UNTYPED = ("", "application/octet-stream", "binary/octet-stream", "application/force-download", "text/plain")
_DISPOSITION_NAME = re.compile(r"""filename\*?\s*=\s*(?:[\w-]+'[^']*')?["']?([^"';]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FetchProgress:
    """After each URL: URLs done and known so far (attachments are added as pages are read)."""

    done: int
    total: int
    url: str


@dataclass
class FetchSummary:
    """What a run did."""

    out: Path
    pages: int = 0  # pages fetched
    files: int = 0  # attachments, and listed URLs that were files
    skipped: int = 0  # listed URLs already fetched by an earlier run
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)


@dataclass(frozen=True)
class _Outcome:
    url: str
    target: Target
    kind: str  # page, file, failed
    links: tuple[str, ...] = ()


def is_page(fetched: Fetched) -> bool:
    """Whether a response is an HTML page (by its Content-Type; by its first bytes when the type says nothing)."""
    kind = fetched.content_type
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    if kind not in _UNTYPED or attachment_suffix(fetched.final_url) is not None:
        return False
    head = fetched.body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head


def file_suffix(fetched: Fetched) -> str:
    """A fetched file's suffix: an attachment suffix of its URL, else its Content-Disposition file name's, its
    Content-Type's, another suffix of its URL the reader knows, else ``.bin``."""
    urls = (fetched.final_url, fetched.url)
    for url in urls:
        suffix = attachment_suffix(url)
        if suffix is not None:
            return suffix
    named = _DISPOSITION_NAME.search(fetched.headers.get("content-disposition", ""))
    if named:
        suffix = PurePosixPath(unquote(named.group(1).strip())).suffix.lower()
        if suffix in KINDS or suffix in ATTACHMENT_SUFFIXES:
            return suffix
    if fetched.content_type in _TYPE_SUFFIXES:
        return _TYPE_SUFFIXES[fetched.content_type]
    for url in urls:
        suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
        if suffix in KINDS:
            return suffix
    return ".bin"


class _Run:
    def __init__(self, store: FetchStore, fetcher: Fetcher, attachments: bool) -> None:
        self.store = store
        self.fetcher = fetcher
        self.attachments = attachments

    def get(self, url: str, target: Target) -> Fetched | None:
        """The response, or None after recording why there is none (a bug included: the run goes on)."""
        try:
            return self.fetcher.get(url)
        except FetchError as exc:
            self.store.fail(url, exc.reason, target.url)
        except Exception as exc:
            self.store.fail(url, f"抓取时发生内部错误（{type(exc).__name__}: {exc}）", target.url)
        return None

    def page(self, target: Target) -> _Outcome:
        fetched = self.get(target.url, target)
        if fetched is None:
            return _Outcome(target.url, target, "failed")
        if not is_page(fetched):
            self.store.save(fetched, target, page=False, suffix=file_suffix(fetched))
            return _Outcome(target.url, target, "file")
        encoding, text = decode_page(fetched.body, fetched.headers.get("content-type"))
        links = [u for u in report_links(text, fetched.final_url) if u not in (target.url, fetched.final_url)]
        self.store.save(fetched, target, page=True, suffix=".html", encoding=encoding, links=links)
        return _Outcome(target.url, target, "page", tuple(links) if self.attachments else ())

    def file(self, target: Target, url: str) -> _Outcome:
        fetched = self.get(url, target)
        if fetched is None:
            return _Outcome(url, target, "failed")
        self.store.save(fetched, target, page=False, suffix=attachment_suffix(url) or file_suffix(fetched))
        return _Outcome(url, target, "file")


def fetch_all(
    targets: Sequence[Target],
    out: str | Path,
    settings: FetchSettings | None = None,
    *,
    force: bool = False,
    attachments: bool = True,
    progress: Callable[[FetchProgress], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FetchSummary:
    """Fetches `targets` (and, with `attachments`, the files their pages link to) into the folder `out`.

    Returns what was fetched, skipped and failed; the manifest and failures.jsonl are written even when the run
    is interrupted (KeyboardInterrupt is raised again after). Raises `StoreError` for an unusable folder and
    OSError when it cannot be written. `transport`: an httpx transport for tests.
    """
    settings = settings or FetchSettings()
    store = FetchStore(Path(out))
    summary = FetchSummary(Path(out))
    claimed: set[str] = {t.url for t in targets}
    pending: set[Future[_Outcome]] = set()
    done = 0
    try:
        with (
            Fetcher(settings, transport=transport) as fetcher,
            ThreadPoolExecutor(max_workers=max(1, settings.concurrency), thread_name_prefix="fetch") as pool,
        ):
            run = _Run(store, fetcher, attachments)
            try:
                for target in targets:
                    if force or not store.done(target.url):
                        pending.add(pool.submit(run.page, target))
                        continue
                    summary.skipped += 1
                    for url in store.earlier_failures(target.url) if attachments else []:
                        if url not in claimed and not store.done(url):
                            claimed.add(url)
                            pending.add(pool.submit(run.file, target, url))
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        outcome = future.result()
                        done += 1
                        if outcome.kind == "page":
                            summary.pages += 1
                        elif outcome.kind == "file":
                            summary.files += 1
                        for url in outcome.links:
                            if url not in claimed and (force or not store.done(url)):
                                claimed.add(url)
                                pending.add(pool.submit(run.file, outcome.target, url))
                        if progress is not None:
                            progress(FetchProgress(done, done + len(pending), outcome.url))
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    finally:
        store.close()
    summary.failures = list(store.failures)
    return summary
