"""The check area's service, also called by other areas: storing a report file, its audit with the
reviews that apply, reviewing findings, comments, returning a report for correction, the reports a
person may see.

A stored row is the file as received (immutable but for its status and its finding counts, which
follow the reviews so that lists show what is still wrong). A reviewer's verdict on a finding is kept
by the finding's fingerprint under a *subject*, "agency id|year" (or the printed agency name when no
agency matched): a re-upload of the same agency's report for the same year keeps the verdicts.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nianbao.audit import Audit, Severity, check
from nianbao.formats.names import agency_key
from nianbao.report import Report
from nianbao.store.models import REPORT_SOURCES, Agency, Comment, FindingReview, StoredReport
from nianbao.web.check.corrections import corrected_report
from nianbao.web.check.listing import count_visible, visible_reports
from nianbao.web.check.outside import is_outside, submit_refusal
from nianbao.web.check.parsing import (
    Parsed,
    UploadRefused,
    clean_filename,
    parse_bytes,
    parsed_of,
    refuse_early,
    remember,
)
from nianbao.web.core.people import Viewer, agency_in_scope, forbidden, not_found

__all__ = [
    "DECISIONS",
    "CheckError",
    "SubmitRefused",
    "UploadRefused",
    "add_comment",
    "audit_of",
    "audit_with",
    "count_visible",
    "get_report",
    "lines_of",
    "lock_row",
    "match_agency",
    "may_submit",
    "previous_row",
    "printed_agency_matches",
    "recount",
    "report_of",
    "return_report",
    "review_finding",
    "reviews_of",
    "store_report",
    "subject_of",
    "submit_stored",
    "visible_reports",
]

DECISIONS: tuple[str, ...] = ("confirmed", "dismissed", "clear")
MAX_NOTE = 2000
MAX_COMMENT = 5000
MIN_CONTAINED = 3  # a shorter name inside another is too weak a match (e.g. "财政局")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The longest source URL kept (the column's size); a longer one is not cut (it would lead elsewhere) but dropped.
MAX_SOURCE_URL = 2000


class CheckError(ValueError):
    """Input refused by the service (a Chinese one-line message): empty comment, unknown decision…"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _source_url(url: str | None) -> str | None:
    """The URL a report was read from, as stored: an http(s) URL with a host, no control characters or spaces,
    at most `MAX_SOURCE_URL` characters; else None (nothing that is not a link to follow is kept)."""
    if not url or len(url) > MAX_SOURCE_URL or _CONTROL.search(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def match_agency(session: Session, viewer: Viewer, printed: str | None) -> Agency | None:
    """The agency of the viewer's scope the printed name designates: the same name (compared by `agency_key`:
    width, whitespace, punctuation and brackets aside), else the one whose name contains or is contained in it
    (the longest, when that is unambiguous)."""
    want = agency_key(printed or "")
    if not want:
        return None
    stmt = select(Agency.id, Agency.name)
    if viewer.scope is not None:
        stmt = stmt.where(Agency.id.in_(sorted(viewer.scope)))
    names = [(aid, agency_key(name)) for aid, name in session.execute(stmt)]
    exact = [aid for aid, name in names if name == want]
    if exact:
        return session.get(Agency, exact[0]) if len(exact) == 1 else None
    inside = sorted(
        (
            (len(name), aid)
            for aid, name in names
            if (len(name) >= MIN_CONTAINED and name in want) or (len(want) >= MIN_CONTAINED and want in name)
        ),
        reverse=True,
    )
    if not inside or (len(inside) > 1 and inside[0][0] == inside[1][0]):
        return None
    return session.get(Agency, inside[0][1])


def subject_of(stored: StoredReport) -> str:
    """What reviews of this report's findings are kept under: the agency (or printed name) and the year."""
    year = "" if stored.year is None else str(stored.year)
    who = str(stored.agency_id) if stored.agency_id is not None else (stored.printed_agency or f"?{stored.filename}")
    return f"{who}|{year}"[-250:]


def report_of(stored: StoredReport) -> Report:
    """The parsed report of a stored row as read, before officers' corrections (cached per process; do not
    change it); UploadRefused if the reader can no longer read it. Pages and answers use
    `corrections.corrected_report`."""
    return parsed_of(stored).report


def lines_of(stored: StoredReport) -> dict[int, str]:
    """The numbered source lines of a stored report (for quoting them beside its findings)."""
    return parsed_of(stored).lines


def get_report(session: Session, viewer: Viewer, report_id: int) -> StoredReport:
    """The stored report if the viewer may see it (its owner or its agency in scope), else 404."""
    stored = session.get(StoredReport, report_id)
    if stored is None or not (viewer.sees(stored.owner_id) or viewer.sees(stored.agency_id)):
        raise not_found("报告")
    return stored


def previous_row(session: Session, stored: StoredReport) -> StoredReport | None:
    """The latest stored report of the same agency for the year before, if any."""
    if stored.agency_id is None or stored.year is None:
        return None
    return session.scalars(
        select(StoredReport)
        .where(StoredReport.agency_id == stored.agency_id, StoredReport.year == stored.year - 1)
        .order_by(StoredReport.uploaded_at.desc(), StoredReport.id.desc())
        .limit(1)
    ).first()


def reviews_of(session: Session, stored: StoredReport) -> dict[str, FindingReview]:
    """The verdicts that apply to this report's findings, by fingerprint."""
    rows = session.scalars(
        select(FindingReview).where(
            FindingReview.owner_id == stored.owner_id, FindingReview.subject == subject_of(stored)
        )
    )
    return {r.fingerprint: r for r in rows}


def audit_of(session: Session, stored: StoredReport, previous: Report | None = None) -> Audit:
    """The report checked with the verdicts that apply, and the previous year's report of the same agency
    (the latest stored one, unless `previous` is given) for the cross-year rules."""
    return audit_with(session, stored, reviews_of(session, stored), previous)


def audit_with(
    session: Session,
    stored: StoredReport,
    reviews: dict[str, FindingReview],
    previous: Report | None = None,
    *,
    report: Report | None = None,
) -> Audit:
    """`audit_of` with the verdicts already fetched (`reviews_of`). Both reports are checked with their
    officers' corrections applied (`corrected_report`; `report`, when given, is the stored one so corrected)."""
    if report is None:
        report = corrected_report(session, stored)
    if previous is None:
        row = previous_row(session, stored)
        if row is not None:
            try:
                previous = corrected_report(session, row)
            except UploadRefused:
                previous = None
    return check(report, previous, reviews={fp: r.decision for fp, r in reviews.items()})


def lock_row(session: Session, stored: StoredReport) -> None:
    """Locks the report's row until the transaction ends (PostgreSQL ``FOR UPDATE``; on SQLite a writer holds
    the database lock already): the writes that recount its findings (a review, a correction) go one by one."""
    session.execute(select(StoredReport.id).where(StoredReport.id == stored.id).with_for_update())


def recount(session: Session, stored: StoredReport) -> Audit:
    """Checks the report again (after a correction of its values) and stores its finding counts."""
    audit = audit_of(session, stored)
    _set_counts(stored, audit)
    session.flush()
    return audit


def _set_counts(stored: StoredReport, audit: Audit) -> None:
    counted = [f for f in audit.findings if f.review != "dismissed"]
    stored.errors = sum(1 for f in counted if f.severity is Severity.ERROR)
    stored.warnings = sum(1 for f in counted if f.severity is Severity.WARNING)
    stored.infos = sum(1 for f in counted if f.severity is Severity.INFO)


def store_report(
    session: Session,
    viewer: Viewer,
    filename: str,
    content: bytes,
    *,
    agency_id: int | None = None,
    source: str = "upload",
    source_url: str | None = None,
    max_bytes: int | None = None,
    submit: bool = False,
    parsed: Parsed | None = None,
) -> StoredReport:
    """Reads, matches, checks and stores one report file; UploadRefused (Chinese message) if it is not taken.

    It is stored ``checked``: a check, not a submission (see `submit_stored`), unless `submit` is given by a
    caller that has already made the submission's checks (the report generated from the ledger). `parsed`
    is the file already read (in a worker process, `nianbao.jobs`); else it is read here. `source_url` is the
    URL a report of source ``url`` was read from (kept when it is an http(s) URL of at most `MAX_SOURCE_URL`
    characters, else None).

    The report's agency is `agency_id` when given (in the viewer's scope, else 404; a clerk's reports are
    always their own agency's), else the agency of the viewer's scope whose name is printed, else none
    (`printed_agency` keeps the name). The owner, whose people see the row, is that agency, else the
    uploader's own.
    """
    if source not in REPORT_SOURCES:
        raise CheckError(f"来源“{source}”无效")
    source_url = _source_url(source_url) if source == "url" else None
    name = clean_filename(filename)
    refuse_early(name, len(content), max_bytes)
    if viewer.role == "clerk":
        if agency_id is not None and agency_id != viewer.agency_id:
            raise not_found("机关")
        agency_id = viewer.agency_id
    chosen = agency_in_scope(session, viewer, agency_id) if agency_id is not None else None
    if parsed is None:
        parsed = parse_bytes(name, content)
    report = parsed.report
    matched = chosen or match_agency(session, viewer, report.agency)
    owner_id = matched.id if matched is not None else viewer.agency_id
    if owner_id is None:
        raise UploadRefused(
            f"文件“{name}”：报告所印机关“{report.agency or '未识别'}”与系统中的机关对不上，请选择归属机关后重新上传",
            reason="agency",
        )
    stored = StoredReport(
        owner_id=owner_id,
        agency_id=matched.id if matched is not None else None,
        printed_agency=_CONTROL.sub("", report.agency or "")[:200],
        year=report.year,
        format=report.format,
        filename=name,
        kind=report.kind,
        source=source,
        source_url=source_url,
        content=content,
        status="submitted" if submit else "checked",
        status_note="",
        published=report.date,
        uploaded_by=viewer.id,
        uploaded_at=_now(),
        submitted_by=viewer.id if submit else None,
        submitted_at=_now() if submit else None,
    )
    session.add(stored)
    session.flush()
    remember(stored, parsed)
    _set_counts(stored, audit_of(session, stored))
    session.flush()
    return stored


def _text(value: str, what: str, limit: int, *, required: bool) -> str:
    value = value.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
    if required and not value:
        raise CheckError(f"{what}不能为空")
    if len(value) > limit:
        raise CheckError(f"{what}不能超过 {limit} 个字")
    return value


def review_finding(
    session: Session, viewer: Viewer, stored: StoredReport, fingerprint: str, decision: str, note: str = ""
) -> Audit:
    """Records (or with "clear" removes) a reviewer's verdict on a finding; returns the audit as it now is.

    403 for people who do not review, 404 for a fingerprint that is not a finding of this report.
    """
    if not viewer.reviews:
        raise forbidden("只有审核人员、政务公开监管人员和管理员可以确认或排除核查意见")
    if decision not in DECISIONS:
        raise CheckError("复核结论应为 confirmed（确认）、dismissed（排除）或 clear（撤销复核）")
    note = _text(note, "复核说明", MAX_NOTE, required=False)
    lock_row(session, stored)  # the counts are written from this audit: no correction of the values in between
    audit = audit_of(session, stored)
    finding = next((f for f in audit.findings if f.fingerprint == fingerprint), None)
    if finding is None:
        raise not_found("核查意见")
    key = (
        FindingReview.owner_id == stored.owner_id,
        FindingReview.subject == subject_of(stored),
        FindingReview.fingerprint == fingerprint,
    )
    existing = session.scalars(select(FindingReview).where(*key)).first()
    if decision == "clear":
        if existing is not None:
            session.delete(existing)
    else:
        if existing is None:
            try:
                with session.begin_nested():
                    session.add(
                        FindingReview(
                            owner_id=stored.owner_id,
                            subject=subject_of(stored),
                            fingerprint=fingerprint,
                            decision=decision,
                            note=note,
                            user_id=viewer.id,
                            at=_now(),
                        )
                    )
            except IntegrityError:  # another reviewer recorded one at the same moment: ours replaces it
                existing = session.scalars(select(FindingReview).where(*key)).one()
        if existing is not None:
            existing.decision, existing.note, existing.user_id, existing.at = decision, note, viewer.id, _now()
    finding.review = None if decision == "clear" else decision
    _set_counts(stored, audit)
    session.flush()
    return audit


def add_comment(session: Session, viewer: Viewer, stored: StoredReport, text: str) -> Comment:
    """A remark on the report by anyone who may see it (a reviewer's question, a clerk's answer)."""
    comment = Comment(
        report_id=stored.id, user_id=viewer.id, text=_text(text, "评论内容", MAX_COMMENT, required=True), at=_now()
    )
    session.add(comment)
    session.flush()
    return comment


class SubmitRefused(ValueError):
    """A submission not taken: the Chinese message says why; `status` is the HTTP status to answer with, and
    `needs_reason` says that a reason for a mismatching agency would let it through."""

    def __init__(self, message: str, *, status: int = 422, needs_reason: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.needs_reason = needs_reason


def may_submit(viewer: Viewer, stored: StoredReport) -> bool:
    """The agency's own clerk, a supervisor of its jurisdiction (collecting its reports) or an administrator."""
    if stored.agency_id is None or not viewer.sees(stored.agency_id):
        return False
    return viewer.keeps_ledger_of(stored.agency_id) or viewer.returns


def printed_agency_matches(session: Session, viewer: Viewer, stored: StoredReport) -> bool:
    """Does the agency printed in the file designate the agency the report is stored for?"""
    found = match_agency(session, viewer, stored.printed_agency)
    return found is not None and found.id == stored.agency_id


def submit_stored(session: Session, viewer: Viewer, stored: StoredReport, reason: str = "") -> StoredReport:
    """Submits a checked upload as the agency's report: no errors left (findings a reviewer dismissed aside),
    and the agency printed in the file is the agency it is stored for, or `reason` says why it may differ
    (kept as a comment with the submitter's name). SubmitRefused otherwise; 403 for people who may not."""
    if not may_submit(viewer, stored):
        if is_outside(viewer, stored):  # 辖区外/未归属: counts for nobody until filed under an agency
            raise SubmitRefused(submit_refusal(stored))
        raise forbidden("只有本机关经办人员、政务公开监管人员和管理员可以提交报告")
    if stored.status != "checked":
        done = "该报告已经提交" if stored.status == "submitted" else "该报告已被退回；请上传更正后的报告再提交"
        raise SubmitRefused(done, status=409)
    if stored.errors:
        raise SubmitRefused(f"核查发现 {stored.errors} 项错误，报告未提交；请更正后重新上传（审核人员排除的意见不计）")
    reason = _text(reason, "机关不一致的理由", MAX_NOTE, required=False)
    if not printed_agency_matches(session, viewer, stored):
        agency = session.get(Agency, stored.agency_id)
        printed = stored.printed_agency or "（未识别）"
        if not reason:
            raise SubmitRefused(
                f"文件所印机关“{printed}”与报告归属机关“{agency.name if agency else ''}”不一致，"
                "报告未提交；如确为该机关的报告，请填写理由后再提交",
                status=409,
                needs_reason=True,
            )
        session.add(
            Comment(
                report_id=stored.id,
                user_id=viewer.id,
                at=_now(),
                text=f"提交时确认：文件所印机关“{printed}”与归属机关“{agency.name if agency else ''}”"
                f"不一致。理由：{reason}",
            )
        )
    stored.status, stored.status_note = "submitted", ""
    stored.submitted_by, stored.submitted_at = viewer.id, _now()
    session.flush()
    return stored


def return_report(
    session: Session, viewer: Viewer, stored: StoredReport, note: str, resubmit_by: dt.date | None = None
) -> StoredReport:
    """Returns the report for correction (supervisors and administrators): the agency's clerk sees it
    marked 已退回 with the note, and the date to hand in the corrected one by. The return is also kept as a
    comment, so who returned it, when and why stays on record after a later return.

    Pages and the API return through `nianbao.web.check.returns.return_reports`, which checks first that
    each report may be returned and gives the default date."""
    if not viewer.returns:
        raise forbidden("只有政务公开监管人员和管理员可以退回报告")
    note = _text(note, "退回意见", MAX_NOTE, required=True)
    stored.status = "returned"
    stored.status_note = note
    stored.resubmit_by = resubmit_by
    due = f"（请于 {resubmit_by.isoformat()} 前重新报送）" if resubmit_by is not None else ""
    session.add(Comment(report_id=stored.id, user_id=viewer.id, text=f"退回修改：{note}{due}", at=_now()))
    session.flush()
    return stored
