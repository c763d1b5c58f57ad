"""The folder a fetch writes, and what a rerun learns from it.

::

    OUT/pages/<sha256[:2]>/<sha256>.html   a page's bytes as served
    OUT/pages/<sha256[:2]>/<sha256>.json   its fetch: url, final_url, page_url, status, headers, fetched_at,
                                           sha256, encoding, bytes, content_type, links (the attachments found)
    OUT/files/<sha256[:2]>/<sha256>/<sha256><suffix>  an attachment (or a listed URL that is a file), original
                                                      suffix, in a folder of its own (one image is no scan's pages)
    OUT/files/<sha256[:2]>/<sha256>/<sha256>.json     its fetch, likewise
    OUT/manifest.jsonl                     one line per file fetched, the dataset build's input
    OUT/failures.jsonl                     one line per URL that failed: url, page_url, reason (Chinese), at

Files are named by their content, so the same bytes served at two URLs are stored once (the metadata
describes the latest fetch). A manifest line: ``path`` (relative to OUT, as `nianbao.dataset.sources` reads
it), ``url`` (where the file was fetched from), ``final_url`` (after redirects), ``page_url`` (the listed URL
it belongs to: the page itself, or the page that links to the attachment), ``fetched_at``, ``sha256``,
``kind`` (the reader's input kind, None when the reader does not read such files, e.g. ``.xls``) and the list
file's ``agency``, ``year``, ``region``. `nianbao dataset build OUT/manifest.jsonl` reads it directly.

Resuming: a URL with a manifest line was fetched and is skipped unless forced; failures are tried again. Lines
are appended as files arrive (an interrupted run loses nothing) and the manifest is rewritten at the end with
one line per URL (the latest); failures.jsonl is rewritten with this run's failures and the earlier ones this
run did not try again. Every file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from nianbao.fetch.client import Fetched
from nianbao.fetch.targets import Target
from nianbao.read.inputs import KINDS

__all__ = ["FAILURES", "FILES", "MANIFEST", "PAGES", "Failure", "FetchStore", "StoreError"]

PAGES = "pages"
FILES = "files"
MANIFEST = "manifest.jsonl"
FAILURES = "failures.jsonl"


class StoreError(ValueError):
    """The output folder cannot be used (not a folder, a manifest that is not ours): one Chinese line."""


@dataclass(frozen=True)
class Failure:
    """A URL that could not be fetched, and why (Chinese); `page_url` is the listed URL it belongs to."""

    url: str
    reason: str
    page_url: str | None = None
    at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "page_url": self.page_url, "reason": self.reason, "at": self.at}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


class FetchStore:
    """The folder `out` (created when missing): what earlier runs fetched, and this run's files and failures.
    Thread-safe. `close` writes the manifest and failures.jsonl in their final form."""

    def __init__(self, out: Path) -> None:
        if out.exists() and not out.is_dir():
            raise StoreError(f"{out} 不是目录")
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, Any]] = {r["url"]: r for r in self._read(out / MANIFEST)}
        self._earlier_failures = [
            Failure(str(r["url"]), str(r.get("reason") or ""), r.get("page_url"), str(r.get("at") or ""))
            for r in self._read(out / FAILURES)
        ]
        self._tried: set[str] = set()
        self.failures: list[Failure] = []

    def _read(self, path: Path) -> list[dict[str, Any]]:
        if not path.is_file():
            return []
        out: list[dict[str, Any]] = []
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                if number == len(lines):  # the last line, cut short by an interrupted run
                    continue
                raise StoreError(f"{path}：第 {number} 行不是有效的 JSON") from None
            if not isinstance(record, dict) or not isinstance(record.get("url"), str):
                raise StoreError(f"{path}：第 {number} 行缺少 url")
            out.append(record)
        return out

    def done(self, url: str) -> bool:
        """Whether an earlier fetch of `url` (or one of this run) is in the manifest."""
        with self._lock:
            return url in self._records

    def earlier_failures(self, page_url: str) -> list[str]:
        """The attachments of the listed URL `page_url` that failed in an earlier run."""
        return [f.url for f in self._earlier_failures if f.page_url == page_url and f.url != page_url]

    def tried(self, url: str) -> None:
        """Marks `url` as fetched again in this run (its earlier failure is not carried over)."""
        with self._lock:
            self._tried.add(url)

    def save(
        self,
        fetched: Fetched,
        target: Target,
        *,
        page: bool,
        suffix: str,
        encoding: str | None = None,
        links: list[str] | None = None,
    ) -> dict[str, Any]:
        """Stores a page (`page`) or a file with `suffix`, its metadata and its manifest line; returns the line."""
        sha = hashlib.sha256(fetched.body).hexdigest()
        folder = PAGES if page else FILES
        suffix = ".html" if page else suffix
        # a file in a folder of its own: `nianbao parse OUT` takes a folder of page images for one scan
        relative = (
            PurePosixPath(folder, sha[:2], sha + suffix) if page else PurePosixPath(folder, sha[:2], sha, sha + suffix)
        )
        path = self.out / relative
        if not (path.is_file() and path.stat().st_size == len(fetched.body)):
            _write_atomic(path, fetched.body)
        meta: dict[str, Any] = {
            "url": fetched.url,
            "final_url": fetched.final_url,
            "page_url": target.url,
            "status": fetched.status,
            "headers": fetched.headers,
            "fetched_at": fetched.fetched_at,
            "sha256": sha,
            "encoding": encoding,
            "bytes": len(fetched.body),
            "content_type": fetched.content_type or None,
        }
        if page:
            meta["links"] = links or []
        _write_atomic(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        record = {
            "path": relative.as_posix(),
            "url": fetched.url,
            "final_url": fetched.final_url,
            "page_url": target.url,
            "fetched_at": fetched.fetched_at,
            "sha256": sha,
            "kind": KINDS.get(suffix),
            "agency": target.agency,
            "year": target.year,
            "region": target.region,
        }
        with self._lock:
            self._tried.add(fetched.url)
            self._records.pop(fetched.url, None)  # a refetch goes last, as it is appended
            self._records[fetched.url] = record
            with open(self.out / MANIFEST, "ab") as fh:
                fh.write(_jsonl([record]))
        return record

    def fail(self, url: str, reason: str, page_url: str | None) -> Failure:
        """Records that `url` failed in this run."""
        failure = Failure(url, reason, page_url, _now())
        with self._lock:
            self._tried.add(url)
            self.failures.append(failure)
        return failure

    def close(self) -> None:
        """Rewrites the manifest (one line per URL) and failures.jsonl (this run's, and the earlier ones neither
        tried again nor fetched since)."""
        with self._lock:
            _write_atomic(self.out / MANIFEST, _jsonl(list(self._records.values())))
            kept = [f for f in self._earlier_failures if f.url not in self._tried and f.url not in self._records]
            _write_atomic(self.out / FAILURES, _jsonl([f.to_json() for f in [*kept, *self.failures]]))

    def path_of(self, record: dict[str, Any]) -> Path:
        """The stored file of a manifest line."""
        return self.out / str(record["path"])

    def records(self) -> list[dict[str, Any]]:
        """The manifest's lines, one per URL."""
        with self._lock:
            return list(self._records.values())
