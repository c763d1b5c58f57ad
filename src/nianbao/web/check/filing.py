"""新建机关 from a report of an agency the system does not know (issue #18): the supervisor creates the agency
under a parent of their jurisdiction, named as the report prints it, and the report is filed under it.

A report whose printed agency matched none of the jurisdiction's is 辖区外/未归属 (`nianbao.web.check.outside`):
held by the uploader's government, counted for nobody. Filing it under the new agency makes it that agency's
(``agency_id`` and ``owner_id``), so that it counts in the matrix and the roll-ups once submitted, and its
cross-year rules find the agency's other years. The other outside reports of the same holder that print the
same name (the other years, earlier uploads) are filed with it. The verdicts on their findings, kept by
subject (`subject_of`), are copied to the new subject; each filed report gets a comment saying who filed it,
when, and under which agency.

The agency is created by the administration's service (`nianbao.web.admin.service.new_agency`, its checks
and messages). Changing a stored report's agency is the one change of a stored row besides its status and
submission: its file is untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from nianbao.formats.names import agency_key
from nianbao.store.models import Agency, Comment, FindingReview, StoredReport
from nianbao.web.admin.service import LEVELS, AdminError, new_agency
from nianbao.web.check.outside import OUTSIDE_LABEL, is_outside
from nianbao.web.check.parsing import UploadRefused
from nianbao.web.check.service import CheckError, get_report, recount, subject_of
from nianbao.web.check.views import report_context
from nianbao.web.core import csrf
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, Viewer, agency_in_scope, forbidden
from nianbao.web.core.templating import page

__all__ = ["Filed", "FilingRefused", "create_and_file", "flash", "pages"]

pages = APIRouter(include_in_schema=False)


class FilingRefused(CheckError):
    """新建机关 refused (a Chinese message); `conflict`: the name is taken (409), else bad input (422)."""

    def __init__(self, message: str, *, conflict: bool = False) -> None:
        super().__init__(message)
        self.conflict = conflict


@dataclass(frozen=True)
class Filed:
    agency: Agency
    reports: list[StoredReport]  # the report asked for first, then the others filed with it


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _same_printed(session: Session, viewer: Viewer, stored: StoredReport) -> list[StoredReport]:
    """The other outside reports of the same holder printing the same agency name (none without a name)."""
    want = agency_key(stored.printed_agency)
    if not want:
        return []
    rows = session.execute(
        select(StoredReport.id, StoredReport.printed_agency).where(
            StoredReport.owner_id == stored.owner_id, StoredReport.agency_id.is_(None), StoredReport.id != stored.id
        )
    ).all()
    ids = [rid for rid, printed in rows if agency_key(printed) == want]
    return [
        r for r in (session.get(StoredReport, rid) for rid in sorted(ids)) if r is not None and is_outside(viewer, r)
    ]


def _copy_reviews(session: Session, old_owner: int, old_subject: str, stored: StoredReport) -> None:
    """The verdicts kept under the report's old subject, copied under its new one (where none is yet)."""
    new_subject = subject_of(stored)
    have = set(
        session.scalars(
            select(FindingReview.fingerprint).where(
                FindingReview.owner_id == stored.owner_id, FindingReview.subject == new_subject
            )
        )
    )
    for review in session.scalars(
        select(FindingReview).where(FindingReview.owner_id == old_owner, FindingReview.subject == old_subject)
    ):
        if review.fingerprint in have:
            continue
        have.add(review.fingerprint)
        session.add(
            FindingReview(
                owner_id=stored.owner_id,
                subject=new_subject,
                fingerprint=review.fingerprint,
                decision=review.decision,
                note=review.note,
                user_id=review.user_id,
                at=review.at,
            )
        )
    session.flush()


def _file(session: Session, viewer: Viewer, stored: StoredReport, agency: Agency, text: str) -> None:
    old_owner, old_subject = stored.owner_id, subject_of(stored)
    stored.agency, stored.owner = agency, agency
    session.flush()
    _copy_reviews(session, old_owner, old_subject, stored)
    session.add(Comment(report_id=stored.id, user_id=viewer.id, text=text, at=_now()))
    with contextlib.suppress(UploadRefused):  # unreadable now: its counts stay as they were
        recount(session, stored)  # the agency's other years now take part in the cross-year rules
    session.flush()


def create_and_file(
    session: Session, viewer: Viewer, stored: StoredReport, *, name: str, level: str, parent_id: int | None
) -> Filed:
    """Creates the agency `name` under `parent_id` (an agency of the viewer's jurisdiction) and files the outside
    report there, with the others of the same holder printing the same name. Supervisors and administrators
    only (403); 404 for a parent outside the jurisdiction; FilingRefused otherwise (nothing changed then)."""
    if not viewer.returns:
        raise forbidden("只有政务公开监管人员和管理员可以新建机关")
    if not is_outside(viewer, stored):
        who = stored.agency.name if stored.agency is not None else ""
        raise FilingRefused(f"该报告已归属本辖区的机关“{who}”，无需新建机关", conflict=True)
    if parent_id is None:
        raise FilingRefused("请选择上级机关：新建的机关须在本辖区内")
    parent = agency_in_scope(session, viewer, parent_id)
    if level not in LEVELS:
        raise FilingRefused("机关层级应为“政府部门”或“人民政府”")
    try:
        with session.begin_nested():
            agency = new_agency(session, name, level, parent.id)
    except AdminError as exc:
        raise FilingRefused(str(exc), conflict=exc.conflict) from None
    others = _same_printed(session, viewer, stored)
    filed = f"新建机关“{agency.name}”（上级机关：{parent.name}），本报告归入该机关（原为{OUTSIDE_LABEL}）"
    _file(session, viewer, stored, agency, filed)
    for other in others:
        text = f"与报告 #{stored.id} 所印机关相同，随新建机关“{agency.name}”一并归入该机关（原为{OUTSIDE_LABEL}）"
        _file(session, viewer, other, agency, text)
    return Filed(agency, [stored, *others])


def flash(stored: StoredReport, filed: str) -> str:
    """The report page's message after `create_and_file` (its redirect says ``?filed=`` how many reports were
    filed; a message in the session could arrive after the page it is for)."""
    if stored.agency is None or not filed.isdigit() or len(filed) > 6:
        return ""
    more = int(filed) - 1
    also = f"；所印机关相同的另外 {more} 份报告一并归入" if more > 0 else ""
    return f"已新建机关“{stored.agency.name}”，本报告已归入该机关{also}"


Text = Annotated[str, Form(max_length=400)]


@pages.post("/check/{report_id}/agency")
def file_under_new_agency(
    request: Request,
    session: DB,
    viewer: CurrentViewer,
    report_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    name: Text = "",
    level: Text = "department",
    parent_id: Text = "",
) -> Response:
    """新建机关并归入: creates the agency under the chosen parent and files the report there; a refusal is shown
    on the report's page (422, or 409 when the name is taken)."""
    stored = get_report(session, viewer, report_id)
    parent = parent_id.strip()
    try:
        filed = create_and_file(
            session,
            viewer,
            stored,
            name=name,
            level=level.strip(),
            parent_id=int(parent) if parent.isascii() and parent.isdigit() and len(parent) <= 9 else None,
        )
    except FilingRefused as exc:
        status = 409 if exc.conflict else 422
        ctx = report_context(session, viewer, stored, csrf.token(request))
        if not ctx.get("outside"):  # filed already: no form to show the refusal in
            raise HTTPException(status, str(exc)) from None
        ctx["outside"] = {**ctx["outside"], "error": str(exc), "name": name[:200]}
        return page(request, "check/report.html", ctx, status_code=status)
    return RedirectResponse(f"/check/{stored.id}?filed={len(filed.reports)}", status_code=303)
