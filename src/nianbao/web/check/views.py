"""What the report page shows: the official tables and findings of `nianbao.render` (the check page) with the
review controls of this app in each finding, the header facts, comments and other uploads.

The tables and findings are HTML made by nianbao's own generator, which escapes every text from the
report; the review controls are rendered by Jinja (autoescaped). Nothing from a report is marked safe
otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nianbao.audit import Audit, Finding
from nianbao.audit.model import REVIEW_NAMES
from nianbao.formats.names import agency_key
from nianbao.render import Actions, audit_parts, finding_html
from nianbao.render.scan_crop import scan_sources
from nianbao.report import Report
from nianbao.store.models import Comment, FindingReview, StoredReport, User
from nianbao.web.check.correction_views import corrections_view, mark_corrected
from nianbao.web.check.corrections import Entry, apply, entries_of, in_effect
from nianbao.web.check.listing import Listed, same_subject
from nianbao.web.check.outside import outside_context
from nianbao.web.check.parsing import UploadRefused, parsed_of
from nianbao.web.check.service import audit_with, may_submit, reviews_of
from nianbao.web.check.year_diff import previous_visible
from nianbao.web.core.people import Viewer
from nianbao.web.core.templating import TEMPLATES

PREFIX = "r1"


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def check_time(value: dt.datetime | None) -> str:
    found = _aware(value)
    return "" if found is None else found.astimezone().strftime("%Y-%m-%d %H:%M")


TEMPLATES.env.filters.setdefault("check_time", check_time)


def size_label(size: int) -> str:
    if size < 1048576:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1048576:.1f} MB"


def agency_label(stored: StoredReport) -> str:
    if stored.agency is not None:
        return stored.agency.name
    return stored.printed_agency or "（未识别机关）"


def source_link(stored: StoredReport) -> str | None:
    """The URL a report was read from as a link to follow: only an http(s) one (no ``javascript:``, ``data:``…);
    None when there is none, or it is shown as text only."""
    url = stored.source_url
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def printed_differs(stored: StoredReport) -> bool:
    """The report is filed under an agency whose name the report does not print (a clerk's upload of
    another agency's file, or a reviewer's choice): worth a second look."""
    if stored.agency is None or not stored.printed_agency:
        return False
    a, b = agency_key(stored.agency.name), agency_key(stored.printed_agency)
    return not (a in b or b in a)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(sorted(ids))))
    return {uid: display or username for uid, display, username in rows}


@dataclass
class ReviewView:
    decision: str
    label: str
    note: str
    who: str
    at: dt.datetime | None


@dataclass
class Controls:
    """Renders the review block of each finding (the `actions` hook of the check page, nianbao.render)."""

    stored: StoredReport
    viewer: Viewer
    csrf_token: str
    reviews: dict[str, ReviewView] = field(default_factory=dict)

    def __call__(self, finding: Finding) -> str:
        template = TEMPLATES.env.get_template("check/_review.html")
        return template.render(
            report_id=self.stored.id,
            fingerprint=finding.fingerprint,
            review=self.reviews.get(finding.fingerprint),
            can_review=self.viewer.reviews,
            csrf_token=self.csrf_token,
        )


def _review_views(session: Session, rows: dict[str, FindingReview]) -> dict[str, ReviewView]:
    names = _names(session, {r.user_id for r in rows.values() if r.user_id is not None})
    return {
        fp: ReviewView(
            r.decision,
            REVIEW_NAMES.get(r.decision, r.decision),
            r.note,
            names.get(r.user_id, "") if r.user_id is not None else "",
            _aware(r.at),
        )
        for fp, r in rows.items()
    }


@dataclass
class Checked:
    """A stored report read back and checked, with the verdicts on its findings."""

    report: Report  # with its officers' corrections applied
    lines: dict[int, str]
    audit: Audit
    controls: Controls
    raw: Report | None = None  # as read from the file
    corrections: list[Entry] = field(default_factory=list)


def checked(session: Session, viewer: Viewer, stored: StoredReport, csrf_token: str) -> Checked:
    """Raises UploadRefused when the file can no longer be read."""
    parsed = parsed_of(stored)
    entries = entries_of(session, stored.id)
    report = apply(parsed.report, entries)
    rows = reviews_of(session, stored)
    audit = audit_with(session, stored, rows, report=report)
    controls = Controls(stored, viewer, csrf_token, _review_views(session, rows))
    return Checked(report, parsed.lines, audit, controls, parsed.report, entries)


def report_context(session: Session, viewer: Viewer, stored: StoredReport, csrf_token: str) -> dict[str, Any]:
    """Everything the report page shows."""
    ctx: dict[str, Any] = {
        "r": stored,
        "agency_label": agency_label(stored),
        "printed_differs": printed_differs(stored),
        "size": size_label(len(stored.content)),
        "source_link": source_link(stored),
        "parts": None,
        "unreadable": None,
        "may_submit": may_submit(viewer, stored),
        "submit_error": "",
        "submit_needs_reason": False,
        "correction_error": "",
        "correction_field": "",
    }
    ctx.update(outside_context(session, viewer, stored))  # 辖区外/未归属: the reason, and 新建机关
    try:
        found = checked(session, viewer, stored, csrf_token)
    except UploadRefused as exc:
        ctx["unreadable"] = f"报告文件已无法重新读取：{exc}"
        ctx["corrections"] = corrections_view(session, viewer, stored, None, entries_of(session, stored.id))
    else:
        actions: Actions = found.controls
        with scan_sources({found.report.file: (stored.filename, stored.content)}):  # crops of a scan (C209)
            parts = audit_parts(found.report, found.audit, lines=found.lines, prefix=PREFIX, level=1, actions=actions)
        assert found.raw is not None
        active = in_effect(found.raw, found.corrections)  # the corrected cells marked in the tables
        ctx["parts"] = dataclasses.replace(parts, tables=mark_corrected(parts.tables, found.raw, active, PREFIX))
        ctx["corrections"] = corrections_view(session, viewer, stored, found.raw, found.corrections)
        ctx["report"] = found.report
        ctx["unassessed"] = sum(1 for f in found.audit.findings if f.status.value == "not_assessable")
    comments = list(
        session.scalars(
            select(Comment).where(Comment.report_id == stored.id).options(joinedload(Comment.user)).order_by(Comment.id)
        )
    )
    history: list[Listed] = same_subject(session, viewer, stored)
    uploader = _names(session, {stored.uploaded_by} if stored.uploaded_by is not None else set())
    ctx.update(
        comments=comments,
        history=history,
        newer=[h for h in history if h.report.id > stored.id],
        previous_year=previous_visible(session, viewer, stored),
        uploader=uploader.get(stored.uploaded_by or 0, ""),
    )
    return ctx


def finding_fragment(session: Session, viewer: Viewer, stored: StoredReport, fingerprint: str, csrf_token: str) -> str:
    """The block of one finding after a review, and the report's counts (swapped out of band by htmx)."""
    found = checked(session, viewer, stored, csrf_token)
    with scan_sources({found.report.file: (stored.filename, stored.content)}):
        block = (
            finding_html(
                found.report, found.audit, fingerprint, lines=found.lines, prefix=PREFIX, actions=found.controls
            )
            or ""
        )
    counts = TEMPLATES.env.get_template("check/_counts.html").render(r=stored, oob=True)
    return block + counts


# ---------------------------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------------------------

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "md": "text/plain",
}  # html: served as bytes, never rendered


def download_name(stored: StoredReport, suffix: str) -> str:
    stem = stored.filename.rsplit(".", 1)[0] if "." in stored.filename else stored.filename
    return f"{stem}.核查结果{suffix}"


def audit_json(stored: StoredReport, audit: Audit) -> str:
    """The audit as JSON, with <, > and & escaped so that no viewer can take it for markup."""
    data = {
        "report_id": stored.id,
        "agency_id": stored.agency_id,
        "printed_agency": stored.printed_agency,
        **audit.to_dict(),
    }
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
