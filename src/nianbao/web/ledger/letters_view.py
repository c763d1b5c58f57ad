"""What the pages show of a case's letters and of an agency's letter templates.

`panel` is the 文书 section of the case page: the letters kept with the case, the ones its events call for
(each with the day it will be dated by and what to check before generating it), and every other kind, which
may still be generated with the warning of what is assumed. `templates_page` is the context of the agency's
template page: each template with whose it is, and the placeholders a template may use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.ledger import letter_store, letters
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.render.letters import KINDS, PLACEHOLDERS
from nianbao.store.models import Agency, Application, DocumentTemplate, User


@dataclass(frozen=True)
class KeptLetter:
    id: int
    label: str
    filename: str
    created_at: dt.datetime
    by: str


@dataclass
class Offer:
    """A letter that can be generated: its kind, name, default date, and what to check first."""

    kind: str
    label: str
    on: str
    warnings: list[str] = field(default_factory=list)
    outcome: str = ""  # a reply's preselected outcome


@dataclass
class Panel:
    documents: list[KeptLetter]
    suggested: list[Offer]
    others: list[Offer]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))
    return {int(uid): str(display or username) for uid, display, username in rows}


def panel(session: Session, case: Application, today: dt.date, calendar: WorkingCalendar) -> Panel:
    """The 文书 section of the case page."""
    kept = letter_store.documents(session, case.id)
    names = _names(session, {d.created_by for d in kept if d.created_by is not None})
    documents = [
        KeptLetter(
            d.id,
            letters.label_of(d.kind, d.outcome),
            d.filename,
            d.created_at,
            names.get(d.created_by, "") if d.created_by is not None else "",
        )
        for d in kept
    ]
    due = letters.applicable(case)
    suggested = []
    for kind in due:
        offer = Offer(kind, KINDS[kind], letters.default_day(case, kind, today).isoformat(), outcome=case.outcome or "")
        try:
            offer.warnings = letters.draft(session, case, kind, today=today, calendar=calendar).warnings
        except LedgerError as exc:
            offer.warnings = [str(exc)]
        suggested.append(offer)
    others = [
        Offer(kind, KINDS[kind], letters.default_day(case, kind, today).isoformat(), [letters.MANUAL_WARNINGS[kind]])
        for kind in KINDS
        if kind not in due
    ]
    return Panel(documents, suggested, others)


@dataclass(frozen=True)
class TemplateRow:
    kind: str
    variant: str
    label: str
    own: DocumentTemplate | None
    by: str


def templates_page(session: Session, agency: Agency) -> dict[str, object]:
    """The context of the agency's template page (besides the messages)."""
    own = letter_store.agency_templates(session, agency.id)
    names = _names(session, {t.updated_by for t in own.values() if t.updated_by is not None})
    rows = [
        TemplateRow(
            s.kind,
            s.variant,
            s.label,
            own.get(s),
            names.get(own[s].updated_by or 0, "") if s in own else "",
        )
        for s in letter_store.SLOTS
    ]
    return {"agency": agency, "rows": rows, "placeholders": PLACEHOLDERS}
