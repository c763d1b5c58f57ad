"""A batch of uploaded files → one result per file: a bad file never stops the others.

Each file is stored in a savepoint of its own, so that a failure half-way (after the row was added)
leaves nothing behind while the files before and after it are kept. A file is read only up to one byte
over the limit: an oversized upload is refused without holding all of it in memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from nianbao.store.models import StoredReport
from nianbao.web.check.parsing import UploadRefused, clean_filename, megabytes
from nianbao.web.check.service import CheckError, store_report
from nianbao.web.core.people import Viewer, agency_in_scope, not_found

log = logging.getLogger("nianbao.web.check")


@dataclass
class FileResult:
    """What became of one file: the stored report, or why it was refused (Chinese)."""

    filename: str
    report: StoredReport | None = None
    message: str = ""
    reason: str = ""  # "empty", "too_large", "type", "unreadable", "agency", "too_many", "error"

    @property
    def ok(self) -> bool:
        return self.report is not None


@dataclass(frozen=True)
class Incoming:
    filename: str
    stream: BinaryIO


def check_agency(session: Session, viewer: Viewer, agency_id: int | None) -> None:
    """404 for an agency outside the viewer's scope (a clerk: any agency but their own)."""
    if agency_id is None:
        return
    if viewer.role == "clerk" and agency_id != viewer.agency_id:
        raise not_found("机关")
    agency_in_scope(session, viewer, agency_id)


def store_files(session: Session, viewer: Viewer, files: list[Incoming], *, agency_id: int | None,
                max_bytes: int, max_files: int) -> list[FileResult]:
    """Stores every file it can; `agency_id` was checked with `check_agency`."""
    results: list[FileResult] = []
    for number, incoming in enumerate(files, start=1):
        name = clean_filename(incoming.filename)
        if number > max_files:
            results.append(FileResult(name, message=f"文件“{name}”未处理：一次最多上传 {max_files} 个文件",
                                      reason="too_many"))
            continue
        content = incoming.stream.read(max_bytes + 1)
        if len(content) > max_bytes:
            results.append(FileResult(name, message=f"文件“{name}”超过 {megabytes(max_bytes)} MB 上限",
                                      reason="too_large"))
            continue
        try:
            with session.begin_nested():
                stored = store_report(session, viewer, name, content, agency_id=agency_id, max_bytes=max_bytes)
        except UploadRefused as exc:
            results.append(FileResult(name, message=str(exc), reason=exc.reason))
        except CheckError as exc:
            results.append(FileResult(name, message=f"文件“{name}”：{exc}", reason="unreadable"))
        except Exception:
            log.exception("storing %s failed", name)
            results.append(FileResult(name, message=f"文件“{name}”保存失败，请稍后重试", reason="error"))
        else:
            results.append(FileResult(name, report=stored))
    return results


def refusal_status(results: list[FileResult]) -> int:
    """The status of a batch in which no file was stored: 413 when every file was too large, 415 when
    every file was of an unknown type, else 422."""
    reasons = {r.reason for r in results}
    if reasons == {"too_large"}:
        return 413
    if reasons == {"type"}:
        return 415
    return 422
