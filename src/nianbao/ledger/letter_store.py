"""The letters kept with a case (`CaseDocument`) and each agency's own templates of them (`DocumentTemplate`).

`generate` drafts a letter (`letters.draft`), fills the template the agency uses for it and keeps the .docx
with the case: what is downloaded afterwards is that file, never a new one. The template of a letter is the
agency's own for its kind and variant (a reply's outcome group), else the agency's own for its kind (variant
""), else the built-in one (`render.letters.builtin_template`).

`save_template` stores an agency's edited template once it passes `render.letters.check` (it opens as a .docx,
it is small, every placeholder in it is known), or raises `TemplateRefused` listing what is wrong;
`reset_template` goes back to the built-in one. Lists never load the files' bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.letters import Draft, draft, filename_of
from nianbao.render import letters as templates
from nianbao.render.letters import KINDS, REPLY_VARIANTS
from nianbao.store.models import Agency, Application, CaseDocument, DocumentTemplate


class TemplateRefused(LedgerError):
    """An uploaded template that cannot be used: every problem, one Chinese line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("模板未保存：" + "；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Slot:
    """One template an agency may replace: a kind and a variant, with its name for people."""

    kind: str
    variant: str

    @property
    def label(self) -> str:
        name = KINDS[self.kind]
        return f"{name}（{REPLY_VARIANTS[self.variant]}）" if self.kind == "reply" else name


#: Every template an agency may replace, in the order they are listed.
SLOTS: tuple[Slot, ...] = (
    *(Slot(kind, "") for kind in KINDS if kind != "reply"),
    *(Slot("reply", variant) for variant in REPLY_VARIANTS),
)


def slot(kind: str, variant: str = "") -> Slot:
    """The slot of `kind` and `variant`, or a `LedgerError` for one that does not exist."""
    found = Slot(kind, variant)
    if found not in SLOTS:
        raise LedgerError(f"没有这种文书模板：{kind}/{variant}")
    return found


def template_for(
    session: Session, agency_id: int, kind: str, variant: str = ""
) -> tuple[bytes, DocumentTemplate | None]:
    """The template an agency's letter is filled from, and its stored row (None: the built-in one)."""
    wanted = [variant, ""] if variant else [""]
    rows = {
        row.variant: row
        for row in session.scalars(
            select(DocumentTemplate).where(
                DocumentTemplate.agency_id == agency_id,
                DocumentTemplate.kind == kind,
                DocumentTemplate.variant.in_(wanted),
            )
        )
    }
    for v in wanted:
        if v in rows:
            return rows[v].content, rows[v]
    return templates.builtin_template(kind), None


def generate(
    session: Session,
    case: Application,
    kind: str,
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    now: dt.datetime,
    on: dt.date | None = None,
    outcome: str | None = None,
    user_id: int | None = None,
) -> tuple[CaseDocument, Draft]:
    """Write the letter `kind` of `case` from the agency's template and keep it with the case."""
    found = draft(session, case, kind, today=today, calendar=calendar, on=on, outcome=outcome)
    template, _ = template_for(session, case.agency_id, kind, found.variant)
    content = templates.fill(template, found.values)
    document = CaseDocument(
        application_id=case.id,
        kind=kind,
        outcome=found.outcome,
        filename=filename_of(case.reference, kind, found.outcome),
        content=content,
        created_by=user_id,
        created_at=now,
    )
    session.add(document)
    session.flush()
    return document, found


def documents(session: Session, case_id: int) -> list[CaseDocument]:
    """The letters kept with a case, oldest first, without their bytes."""
    return list(
        session.scalars(
            select(CaseDocument)
            .options(defer(CaseDocument.content))
            .where(CaseDocument.application_id == case_id)
            .order_by(CaseDocument.id)
        )
    )


def document(session: Session, case_id: int, document_id: int) -> CaseDocument | None:
    """One letter of a case (None when it is not one of this case's)."""
    found = session.get(CaseDocument, document_id)
    return found if found is not None and found.application_id == case_id else None


def agency_templates(session: Session, agency_id: int) -> dict[Slot, DocumentTemplate]:
    """The agency's own templates by slot, without their bytes."""
    rows = session.scalars(
        select(DocumentTemplate).options(defer(DocumentTemplate.content)).where(DocumentTemplate.agency_id == agency_id)
    )
    return {Slot(row.kind, row.variant): row for row in rows}


def save_template(
    session: Session,
    agency: Agency,
    where: Slot,
    filename: str,
    content: bytes,
    *,
    now: dt.datetime,
    user_id: int | None = None,
) -> DocumentTemplate:
    """Store (or replace) the agency's own template of a slot, once it passes the check."""
    problems = templates.check(content)
    if problems:
        raise TemplateRefused(problems)
    row = session.scalar(
        select(DocumentTemplate).where(
            DocumentTemplate.agency_id == agency.id,
            DocumentTemplate.kind == where.kind,
            DocumentTemplate.variant == where.variant,
        )
    )
    if row is None:
        row = DocumentTemplate(agency_id=agency.id, kind=where.kind, variant=where.variant)
        session.add(row)
    row.filename = filename[:255] or f"{where.label}.docx"
    row.content = content
    row.updated_by = user_id
    row.updated_at = now
    session.flush()
    return row


def reset_template(session: Session, agency: Agency, where: Slot) -> bool:
    """Go back to the built-in template of a slot; False when the agency had none of its own."""
    row = session.scalar(
        select(DocumentTemplate).where(
            DocumentTemplate.agency_id == agency.id,
            DocumentTemplate.kind == where.kind,
            DocumentTemplate.variant == where.variant,
        )
    )
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
