"""A batch of uploaded files → one result per file: a bad file never stops the others.

The shapes shared by the upload page, the API and the job that reads the files (`nianbao.web.check.jobs`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from nianbao.store.models import StoredReport
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


def refusal_status(results: list[FileResult]) -> int:
    """The status of a batch in which no file was stored: 413 when every file was too large, 415 when
    every file was of an unknown type, else 422."""
    reasons = {r.reason for r in results}
    if reasons == {"too_large"}:
        return 413
    if reasons == {"type"}:
        return 415
    return 422
