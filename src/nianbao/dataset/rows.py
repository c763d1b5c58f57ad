"""One file → its rows for the four tables: the job a worker process (or a Dask worker) runs.

`process_file(path, hints)` never raises for a bad file: whatever goes wrong (the reader refuses it, it is no
report, a reader or rule crashes) comes back as a `FileRows` whose report row has status ``failed`` and the
Chinese reason. Only MemoryError is let through, so that the worker pool reports its memory limit.

This module imports the readers, the audit and nothing heavier (no pyarrow, no web): the worker pool's fork
server preloads it. Rows are plain Python values, columns as lists, cheap to pickle back to the parent.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nianbao.audit import check
from nianbao.dataset.sources import Hints, kind_of
from nianbao.dataset.version import reader_version
from nianbao.formats.names import agency_key
from nianbao.read import ReadError, ReadOptions, read_document, report_from_document
from nianbao.read.document import Document
from nianbao.report import Cell, Report

__all__ = [
    "CELL_COLUMNS",
    "FINDING_COLUMNS",
    "SECTION_COLUMNS",
    "FileRows",
    "failed_rows",
    "file_sha256",
    "process_file",
]

#: The columns of each child table a `FileRows` holds (``report_id`` and ``year`` are the report's, added when
#: written).
CELL_COLUMNS = ("key", "value", "blank", "printed", "provenance")
FINDING_COLUMNS = ("rule", "family", "severity", "status", "keys", "message", "fingerprint")
SECTION_COLUMNS = ("number", "title", "text")
_CHUNK = 1 << 20


@dataclass
class FileRows:
    """The rows of one file: its `reports` row and the columns of its `cells`, `findings` and `sections` rows.

    `rendition_key` identifies the report's content across renditions (the same agency, year and cell values;
    None when the file failed, names no agency or has no value): two files with the same key are one report.
    """

    report: dict[str, Any]
    cells: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in CELL_COLUMNS})
    findings: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in FINDING_COLUMNS})
    sections: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in SECTION_COLUMNS})
    rendition_key: str | None = None

    @property
    def report_id(self) -> str:
        rid: str = self.report["report_id"]
        return rid

    @property
    def ok(self) -> bool:
        return bool(self.report["status"] == "ok")


def file_sha256(path: str) -> str:
    """The sha256 (hex) of the file's bytes; for a file that cannot be opened, a hash of its path (so that a
    failed row still has an id, distinct per path)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return hashlib.sha256(b"unreadable\0" + os.fsencode(path)).hexdigest()
    return digest.hexdigest()


def _report_row(
    path: str,
    sha: str,
    kind: str,
    hints: Hints,
    *,
    status: str = "ok",
    error: str | None = None,
    agency: str | None = None,
    year: int | None = None,
    format_: str | None = None,
    published: Any = None,
    pages: int | None = None,
    counts: dict[str, int] | None = None,
    seconds: float = 0.0,
) -> dict[str, Any]:
    agency = hints.agency or agency
    year = year if year is not None else hints.year
    counts = counts or {}
    return {
        "report_id": sha,
        "path": path,
        "kind": kind,
        "renditions": [{"path": path, "sha256": sha, "kind": kind}],
        "agency": agency,
        "agency_key": agency_key(agency) if agency else None,
        "region": hints.region,
        "year": year,
        "format": format_,
        "published": published,
        "pages": pages,
        "status": status,
        "error": error,
        "reader_version": reader_version(),
        "errors": counts.get("error", 0),
        "warnings": counts.get("warning", 0),
        "infos": counts.get("info", 0),
        "seconds": seconds,
        "source_url": hints.url or hints.page_url,
        "fetched_at": hints.fetched_at.replace(microsecond=0) if hints.fetched_at is not None else None,
    }


def failed_rows(
    path: str, hints: Hints | None, reason: str, *, sha: str | None = None, seconds: float = 0.0
) -> FileRows:
    """The rows of a file that could not be read: a `reports` row with status ``failed`` and `reason`."""
    hints = hints or Hints()
    sha = sha if sha is not None else file_sha256(path)
    return FileRows(_report_row(path, sha, kind_of(path), hints, status="failed", error=reason, seconds=seconds))


def process_file(path: str, hints: Hints | None = None, previous: Report | None = None) -> FileRows:
    """Reads and checks one file: its rows, or a failed report row with the reason. Raises only MemoryError.
    `previous`: the same agency's report of the year before, when known, as evidence for splitting run-together
    digits (`nianbao.read.fit`)."""
    hints = hints or Hints()
    start = time.perf_counter()
    sha = file_sha256(path)
    try:
        options = ReadOptions.from_env()
        doc = read_document(path, path, options=options)
        report = report_from_document(doc, path, options, previous=previous)
        audit = check(report)  # the cross-year rules run over the whole dataset (`pairing.cross_year`)
    except MemoryError:
        raise
    except ReadError as exc:  # NotAReport (no report table found) included
        reason = exc.reason or str(exc)
        return failed_rows(path, hints, reason, sha=sha, seconds=time.perf_counter() - start)
    except Exception as exc:  # a reader's bug on a strange file must not stop the build
        return failed_rows(
            path, hints, f"读取出错（{type(exc).__name__}: {exc}）", sha=sha, seconds=time.perf_counter() - start
        )
    seconds = time.perf_counter() - start
    row = _report_row(
        path,
        sha,
        report.kind,
        hints,
        agency=report.agency,
        year=report.year,
        format_=report.format,
        published=report.date,
        pages=_pages(doc),
        counts=audit.counts(),
        seconds=seconds,
    )
    out = FileRows(row)
    cells = out.cells
    for key, cell in report.cells.items():
        cells["key"].append(key)
        cells["value"].append(None if cell.value is None else float(cell.value))
        cells["blank"].append(cell.is_blank)
        cells["printed"].append(cell.printed)
        cells["provenance"].append(_provenance(cell))
    findings = out.findings
    for f in audit.findings:
        findings["rule"].append(f.rule)
        findings["family"].append(f.family)
        findings["severity"].append(f.severity.label)
        findings["status"].append(f.status.value)
        findings["keys"].append(list(f.keys))
        findings["message"].append(f.message)
        findings["fingerprint"].append(f.fingerprint)
    sections = out.sections
    for s in report.sections:
        sections["number"].append(s.number)
        sections["title"].append(s.heading)
        sections["text"].append(s.narrative)
    out.rendition_key = _rendition_key(row["agency_key"], row["year"], report)
    return out


def process_files(items: Sequence[tuple[str, Hints | None]]) -> list[FileRows]:
    """`process_file` for each of several files, in one job: small files go to a worker in chunks, so that the
    round trip to the worker and back (and the build process's share of it) is paid once per chunk."""
    return [process_file(path, hints) for path, hints in items]


def _pages(doc: Document) -> int | None:
    """The last page with text (PDFs; other kinds have no pages)."""
    pages = [loc.page for block in doc.blocks for loc in block.locations if loc.page is not None]
    return max(pages) if pages else None


def _provenance(cell: Cell) -> str | None:
    data: dict[str, Any] = cell.location.to_dict() if cell.location is not None else {}
    if cell.note:
        data["note"] = cell.note
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) if data else None


def _rendition_key(key: str | None, year: int | None, report: Report) -> str | None:
    if not key or report.cells_read == 0:
        return None
    values = sorted((k, None if v is None else repr(float(v))) for k, v in report.values().items())
    basis = json.dumps([key, year, report.format, values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()
