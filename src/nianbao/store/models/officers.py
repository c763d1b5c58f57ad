"""What officers add to stored reports and cases (migration 0007): corrections of read values, and the
letters written for a case with the agency's own templates for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import DOCUMENT_KINDS, Base, _in
from .ledger import Agency, Application
from .web import StoredReport, User


class Correction(Base):
    """An officer's correction of a value read from a stored report: a cell (`field` is its cells.csv key)
    or the publication date (`field` = ``meta.published``). Append-only: the newest row for a field wins; the
    value as read (`printed`, JSON: a number, a date's ISO text, or null) stays, with who, when and why.
    `value` is JSON too (null: the cell is blank)."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(200))
    printed: Mapped[str] = mapped_column(Text, default="null", server_default="null")
    value: Mapped[str] = mapped_column(Text, default="null", server_default="null")
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    report: Mapped[StoredReport] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(field) > 0", name="field_not_empty"),
        CheckConstraint("length(reason) > 0", name="reason_not_empty"),
        Index("ix_corrections_report", "report_id", "field", "id"),
    )


class CaseDocument(Base):
    """A letter generated for a case (a .docx), kept with it: what was sent to the applicant or a third party."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(60))  # the outcome row a reply answers with
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship()

    __table_args__ = (CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),)


class DocumentTemplate(Base):
    """An agency's own .docx template for one kind of letter (`variant`: a reply's outcome group, else "");
    without one the built-in template is used."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    variant: Mapped[str] = mapped_column(String(40), default="", server_default="")
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    agency: Mapped[Agency] = relationship()

    __table_args__ = (
        UniqueConstraint("agency_id", "kind", "variant", name="uq_document_templates_key"),
        CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),
    )
