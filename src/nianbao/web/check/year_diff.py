"""The year-over-year view of a checked report (issue #17): the stored report beside the same agency's report
of the year before, drawn by `nianbao.render.diff_page` (the page of `nianbao diff --output html`).

The report of the year before is the newest stored one of the same agency (the agency the report is filed
under, not the printed name) for year − 1 that the viewer may see; a report whose agency or year was not
recognised has none.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from nianbao.audit.compare import compare
from nianbao.render.diff_page import diff_html
from nianbao.render.scan_crop import scan_sources
from nianbao.store.models import StoredReport
from nianbao.web.check.corrections import corrected_report
from nianbao.web.core.people import Viewer

__all__ = ["diff_page", "previous_visible"]


def previous_visible(session: Session, viewer: Viewer, stored: StoredReport) -> StoredReport | None:
    """The newest stored report of the same agency for the year before that the viewer may see, or None.
    Its file is not loaded until used."""
    if stored.agency_id is None or stored.year is None:
        return None
    rows = session.scalars(
        select(StoredReport)
        .where(StoredReport.agency_id == stored.agency_id, StoredReport.year == stored.year - 1)
        .order_by(StoredReport.uploaded_at.desc(), StoredReport.id.desc())
        .options(defer(StoredReport.content))
    )
    return next((r for r in rows if viewer.sees(r.owner_id) or viewer.sees(r.agency_id)), None)


def diff_page(session: Session, old: StoredReport, new: StoredReport) -> str:
    """The two stored reports compared (each with its officers' corrections applied), as one self-contained
    HTML page. Raises UploadRefused when either file can no longer be read."""
    before, after = corrected_report(session, old), corrected_report(session, new)
    sources = {
        before.file: (old.filename, old.content),
        after.file: (new.filename, new.content),
    }
    with scan_sources(sources):  # crops of a scan in the cross-year findings (C209)
        return diff_html([compare(before, after)])
