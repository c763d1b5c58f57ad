"""The ledger's tables: agencies, cases (applications) and their append-only events, appeals, the calendar."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import APPEAL_RESULTS, APPEAL_ROUTES, APPLICANT_TYPES, CHANNELS, EVENT_KINDS, OUTCOMES, STATUSES, Base, _in


class Agency(Base):
    """An agency (行政机关) keeping a ledger; `parent` lets a government roll up its departments."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(40), default="", server_default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")

    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)


class Application(Base):
    """One disclosure application (a case of the 台账)."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    reference: Mapped[str] = mapped_column(String(100))
    arrived: Mapped[dt.date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    received: Mapped[dt.date] = mapped_column(Date)
    applicant_type: Mapped[str] = mapped_column(String(20))
    applicant: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    request: Mapped[str] = mapped_column(Text, default="", server_default="")
    remarks: Mapped[str] = mapped_column(Text, default="", server_default="")  # JSON object of unknown CSV columns
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    outcome: Mapped[str | None] = mapped_column(String(60))
    closed: Mapped[dt.date | None] = mapped_column(Date)
    due: Mapped[dt.date | None] = mapped_column(Date)  # the computed deadline, stored for `due`
    # the deadline counts days of a year without an official 放假安排 (migration 0004)
    due_provisional: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    agency: Mapped[Agency] = relationship()
    events: Mapped[list[Event]] = relationship(back_populates="application", order_by="Event.id", passive_deletes="all")
    appeals: Mapped[list[Appeal]] = relationship(back_populates="application")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("agency_id", "reference", name="uq_applications_agency_reference"),
        CheckConstraint("length(reference) > 0", name="reference_not_empty"),
        CheckConstraint(_in("applicant_type", APPLICANT_TYPES), name="applicant_type"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint(
            "(status = 'open' AND closed IS NULL AND outcome IS NULL) OR "
            "(status = 'closed' AND closed IS NOT NULL AND outcome IS NOT NULL)",
            name="closed_shape",
        ),
        CheckConstraint("closed IS NULL OR closed >= received", name="closed_after_received"),
        CheckConstraint("arrived IS NULL OR arrived <= received", name="arrived_before_received"),
        # `due`: open cases in deadline order, read from the index alone (provisional mark: migration 0004).
        Index("ix_applications_due", "agency_id", "status", "due", "due_provisional", "reference"),
        # Year-end tables: one pass over an agency's cases, already in GROUP BY order, from the index alone.
        Index("ix_applications_tables", "agency_id", "applicant_type", "outcome", "received", "closed"),
        # The web list: an agency's cases newest first, a page at a time (migration 0003).
        Index("ix_applications_received", "agency_id", "received", "id"),
    )


class Event(Base):
    """One thing that happened to a case. Append-only: never updated, never deleted."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)  # the applicant's 补正 deadline, on `correction_requested`
    approver: Mapped[str] = mapped_column(String(100), default="", server_default="")
    days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    party: Mapped[str] = mapped_column(String(200), default="", server_default="")  # consulted third party / agency
    outcome: Mapped[str | None] = mapped_column(String(60))  # the outcome row, on `closed` events
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    application: Mapped[Application] = relationship(back_populates="events")

    __table_args__ = (
        CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
        CheckConstraint("days >= 0", name="days_not_negative"),
        CheckConstraint('until IS NULL OR until >= "on"', name="until_after_on"),
        CheckConstraint("kind <> 'extension' OR length(approver) > 0", name="extension_approver"),
        CheckConstraint(
            f"(kind = 'closed' AND outcome IS NOT NULL AND {_in('outcome', OUTCOMES)}) OR "
            "(kind <> 'closed' AND outcome IS NULL)",
            name="closed_outcome",
        ),
    )


class Appeal(Base):
    """A 行政复议 or 行政诉讼 case about the agency's disclosure work (table 四)."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(30))
    filed: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    decided: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    agency: Mapped[Agency] = relationship()
    application: Mapped[Application | None] = relationship(back_populates="appeals")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("agency_id", "reference", name="uq_appeals_agency_reference"),
        CheckConstraint(_in("route", APPEAL_ROUTES), name="route"),
        CheckConstraint(_in("result", APPEAL_RESULTS), name="result"),
        CheckConstraint(
            "(result = 'pending' AND decided IS NULL) OR (result <> 'pending' AND decided IS NOT NULL)",
            name="decided_shape",
        ),
        CheckConstraint("decided IS NULL OR decided >= filed", name="decided_after_filed"),
    )


class CalendarDay(Base):
    """An administrator's override of the working-day calendar (from the official 放假安排)."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class CalendarYear(Base):
    """A year whose official schedule the administrator declared complete."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
