"""Uploaded bytes → a parsed report, and a process-wide cache of the parsed stored reports.

The readers take a path (a PDF, a docx or a .doc needs a real file), so the bytes are written to a
temporary file carrying the original suffix. The reader's limits are those of `ReadOptions.from_env`,
read when a file is taken (``NIANBAO_MAX_BYTES`` bounds an upload too). A stored row never changes its
content, so its parse is cached by row: every page of a report and every roll-up of a jurisdiction would
otherwise read the file again (a PDF takes a fraction of a second, a .doc a LibreOffice conversion).
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nianbao.read import NotAReport, ReadError, ReadOptions, read_document, report_from_document
from nianbao.read.inputs import SUFFIXES
from nianbao.read.lines import document_lines
from nianbao.report import Report
from nianbao.store.models import StoredReport

log = logging.getLogger("nianbao.web.check")

#: What the upload form's file chooser offers: the file suffixes the reader knows (`nianbao.read.inputs.SUFFIXES`;
#: it sniffs by content first, then by these).
ACCEPT = ",".join(SUFFIXES)
SUFFIX_NAMES = "txt、md、html、docx、pdf、doc、wps"
CACHE_SIZE = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UploadRefused(ValueError):
    """A file that is not taken: the message (Chinese, one line) names the file and the problem."""

    def __init__(self, message: str, *, reason: str = "unreadable") -> None:
        super().__init__(message)
        self.reason = reason  # "empty", "too_large", "type", "unreadable", "agency": for status codes


@dataclass(frozen=True)
class Parsed:
    """A report as read, with the numbered source lines its findings' locations count."""

    report: Report
    lines: dict[int, str]


def clean_filename(name: str | None) -> str:
    """The file's own name, without any folder a browser sent, control characters or excess length."""
    base = _CONTROL.sub("", (name or "").replace("\\", "/"))
    base = PurePosixPath(base).name.strip() if base.strip() else ""
    if not base:
        return "未命名文件"
    if len(base) > 200:
        suffix = PurePosixPath(base).suffix[:20]
        base = base[: 200 - len(suffix)] + suffix
    return base


def megabytes(size: int) -> str:
    mb = size / 1048576
    return f"{mb:.0f}" if mb >= 1 or mb == 0 else f"{mb:.2g}"


def refuse_early(filename: str, size: int, max_bytes: int | None) -> None:
    """Refuses what can be judged without reading: an empty file, one over the limit, an unknown type."""
    reader_limit = ReadOptions.from_env().max_bytes
    limit = min(max_bytes, reader_limit) if max_bytes is not None else reader_limit
    if size == 0:
        raise UploadRefused(f"文件“{filename}”为空", reason="empty")
    if size > limit:
        raise UploadRefused(f"文件“{filename}”超过 {megabytes(limit)} MB 上限", reason="too_large")
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"“{suffix}”" if suffix else "（无扩展名）"
        raise UploadRefused(f"文件“{filename}”的类型不受支持：扩展名{shown}，只接受 {SUFFIX_NAMES} 文件", reason="type")


def parse_bytes(filename: str, content: bytes) -> Parsed:
    """Reads `content` as the report file `filename`; UploadRefused with the reader's reason otherwise."""
    suffix = PurePosixPath(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="nianbao-upload-") as tmp:
        path = Path(tmp) / f"report{suffix}"
        path.write_bytes(content)
        options = ReadOptions.from_env()
        try:
            doc = read_document(path, filename, options=options)
            report = report_from_document(doc, filename, options)
        except NotAReport as exc:
            raise UploadRefused(f"文件“{filename}”不像一份年度报告：{exc.reason}") from None
        except ReadError as exc:
            raise UploadRefused(f"文件“{filename}”无法读取：{exc.reason}") from None
        except Exception as exc:  # a reader's bug on a strange file must not fail the whole batch
            log.exception("reading %s failed", filename)
            raise UploadRefused(f"文件“{filename}”无法读取（{type(exc).__name__}）") from None
    return Parsed(report, document_lines(doc))


class _Cache:
    """A small thread-safe LRU of parsed stored reports."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, int, int], Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, int, int]) -> Parsed | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[int, int, int], value: Parsed) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = _Cache(CACHE_SIZE)


def _key(stored: StoredReport) -> tuple[int, int, int]:
    return stored.id, len(stored.content), zlib.crc32(stored.content)


def remember(stored: StoredReport, parsed: Parsed) -> None:
    """Primes the cache with the parse made when the row was stored."""
    CACHE.put(_key(stored), parsed)


def parsed_of(stored: StoredReport) -> Parsed:
    """The stored report, parsed (cached). Rows are immutable; the key is (id, length, CRC-32) so that
    another database's row with the same id (tests, a second instance) is not mistaken for it.

    The Report returned is shared: callers must not change it.
    """
    key = _key(stored)
    found = CACHE.get(key)
    if found is None:
        found = _read_again(stored.filename, stored.content)
        CACHE.put(key, found)
    return found


def _read_again(filename: str, content: bytes) -> Parsed:
    """A stored report read again (the cache forgot it, or the process restarted): in a worker of the job pool,
    as at its upload, since a scan means OCR (seconds of CPU and most of a gigabyte) that the web process must
    not do; UploadRefused when it cannot be."""
    from nianbao.jobs import JobError
    from nianbao.jobs.shared import shared_pool
    from nianbao.jobs.tasks import ReadRefused, read_upload

    try:
        outcome = shared_pool().run(read_upload, filename, content)
    except JobError as exc:
        raise UploadRefused(f"文件“{filename}”无法读取：{exc}") from None
    if isinstance(outcome, ReadRefused):
        raise UploadRefused(outcome.message)
    return Parsed(outcome.report, outcome.lines)
