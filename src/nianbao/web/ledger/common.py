"""What the ledger's pages and API share: today, the calendar, the agencies in scope, who may write where,
the list filters."""

from __future__ import annotations

import datetime as dt

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.calendar_store import load_calendar
from nianbao.ledger.queries import Filters
from nianbao.ledger.vocabulary import ApplicantType, ApplicationStatus, Outcome
from nianbao.store.models import Agency, Application
from nianbao.web.core.people import Viewer, agency_in_scope, forbidden, not_found

WRITE_REFUSED = "只有本机关的经办人员或系统管理员可以修改台账"
PAGE_SIZE = 50


def today(request: Request) -> dt.date:
    """The ledger's today (tests pin it through Settings.today)."""
    value: dt.date = request.app.state.settings.today()
    return value


def calendar(session: Session) -> WorkingCalendar:
    return load_calendar(session)


def agencies_in_scope(session: Session, viewer: Viewer) -> dict[int, str]:
    """Id → name of every agency the viewer may see, by name."""
    stmt = select(Agency.id, Agency.name).order_by(Agency.name)
    if viewer.scope is not None:
        if not viewer.scope:
            return {}
        stmt = stmt.where(Agency.id.in_(viewer.scope))
    return {int(aid): str(name) for aid, name in session.execute(stmt)}


def pick(agencies: dict[int, str], agency_id: int | None) -> list[int]:
    """The agencies to show: the one chosen (404 when outside the scope) or all of the scope."""
    if agency_id is None:
        return list(agencies)
    if agency_id not in agencies:
        raise not_found("机关")
    return [agency_id]


def load_case(session: Session, viewer: Viewer, case_id: int) -> Application:
    """The case, if the viewer may see its agency; 404 otherwise (its existence is not revealed)."""
    case = session.get(Application, case_id)
    if case is None or not viewer.sees(case.agency_id):
        raise not_found("案件")
    return case


def require_writer(viewer: Viewer, agency_id: int) -> None:
    """403 unless the viewer keeps this agency's ledger (its clerk, or an administrator)."""
    if not viewer.keeps_ledger_of(agency_id):
        raise forbidden(WRITE_REFUSED)


def writer_agency(session: Session, viewer: Viewer, agency_id: int | None) -> Agency:
    """The agency a new case or an import goes to: the clerk's own, or the one an administrator chose."""
    if viewer.role == "clerk" and viewer.agency_id is not None:
        if agency_id is not None and agency_id != viewer.agency_id:
            raise not_found("机关")
        return agency_in_scope(session, viewer, viewer.agency_id)
    if not viewer.is_admin:
        raise forbidden(WRITE_REFUSED)
    if agency_id is None:
        raise HTTPException(400, "请选择机关（agency_id）")
    return agency_in_scope(session, viewer, agency_id)


def int_or_none(value: str | None) -> int | None:
    """A positive id from a query string or form, None for empty or junk."""
    value = (value or "").strip()
    if value.isdigit() and len(value) <= 9 and int(value) > 0:
        return int(value)
    return None


def parse_filters(
    status: str | None,
    applicant_type: str | None,
    received_from: str | None,
    received_to: str | None,
    outcome: str | None,
    q: str | None,
) -> tuple[Filters, list[str]]:
    """The list filters from a page's query string: what is understood, and a note for what is not."""
    notes: list[str] = []

    def date(value: str | None, what: str) -> dt.date | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            notes.append(f"{what}“{value[:20]}”无效（应为 YYYY-MM-DD），已忽略")
            return None

    filters = Filters(
        status=status if status in ApplicationStatus.stored_keys() else None,
        applicant_type=applicant_type if applicant_type in ApplicantType.stored_keys() else None,
        received_from=date(received_from, "收到日期起"),
        received_to=date(received_to, "收到日期止"),
        outcome=outcome if outcome in Outcome.stored_keys() else None,
        q=(q or "").replace("\x00", "").strip()[:200],
    )
    return filters, notes


def reading_agency(session: Session, viewer: Viewer, agency_id: int | None) -> Agency:
    """The one agency whose ledger is read whole (export): the one chosen, the clerk's own, or the
    only one in scope; 400 when a person with several agencies in scope did not choose."""
    if agency_id is not None:
        return agency_in_scope(session, viewer, agency_id)
    if viewer.role == "clerk" and viewer.agency_id is not None:
        return agency_in_scope(session, viewer, viewer.agency_id)
    ids = viewer.agency_ids(session)
    if len(ids) == 1:
        return agency_in_scope(session, viewer, ids[0])
    raise HTTPException(400, "请选择要导出的机关（agency_id）")
