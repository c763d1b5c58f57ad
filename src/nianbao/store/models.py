"""The ledger's tables as SQLAlchemy 2 typed declarative models.

The schema's vocabularies (applicant types, outcome rows, statuses, event kinds, appeal routes and
results, receipt channels) are spelled out here, frozen with the first migration: a stored value must
not change meaning when a format changes. The ledger's tests check that `APPLICANT_TYPES` and
`OUTCOMES` are exactly the applicant columns and outcome rows of the 2021 format (formats/cells.csv).
The words themselves (Chinese labels, aliases, parsing) are `nianbao.ledger.vocabulary`, one enum per
tuple here with the same keys in the same order; the store sits below the ledger and does not import
it, so the tuples stay the schema's own and a test (tests/test_ledger_vocabulary.py) checks both agree.

Integrity lives in the database, not only in the service: CHECK constraints on every vocabulary and
on the open/closed shape of a case, UNIQUE (agency, reference), foreign keys (SQLite: enforced with
``PRAGMA foreign_keys=ON`` on every connection, see `store.db`), and triggers that refuse any UPDATE or
DELETE of an event (migration 0001). `Application.version` is SQLAlchemy's version counter: an UPDATE
carries ``WHERE version = <the version read>`` and a stale one changes no row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: The six applicant columns of table 三 (keys of cells.csv), in printed order.
APPLICANT_TYPES: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
)

#: The outcome rows of table 三 in the 2021 format: the key part between `applications.` and the column.
OUTCOMES: tuple[str, ...] = (
    "granted",
    "partially_granted",
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.endangers_safety_stability",
    "withheld.third_party_rights",
    "withheld.internal_affairs",
    "withheld.deliberative_process",
    "withheld.enforcement_case_file",
    "withheld.administrative_inquiry",
    "unavailable.not_held",
    "unavailable.requires_creation",
    "unavailable.still_unclear",
    "not_processed.complaint_petition",
    "not_processed.repeated",
    "not_processed.publication_requested",
    "not_processed.excessive_requests",
    "not_processed.reconfirmation",
    "other_handling.no_correction",
    "other_handling.fee_unpaid",
    "other_handling.other",
)

STATUSES: tuple[str, ...] = ("open", "closed")

#: How an application arrived (art. 31 fixes the receipt date from it).
CHANNELS: tuple[str, ...] = ("in_person", "post", "letter", "online", "fax", "other")

#: What can happen to a case; every figure of the tables is traceable to these rows.
EVENT_KINDS: tuple[str, ...] = (
    "registered",  # 登记：收到申请（art. 31 receipt date）
    "correction_requested",  # 发出补正通知（art. 30）
    "correction_received",  # 收到补正（答复期限重新起算）
    "extension",  # 延期（art. 33，须经政府信息公开工作机构负责人批准）
    "consultation_opened",  # 征求第三方或其他机关意见（arts. 32, 34；期间不计入）
    "consultation_closed",  # 征求意见结束
    "fee_notice",  # 发出收费通知（国办函〔2020〕109号）
    "fee_paid",  # 缴费（或缴费期满）
    "answered",  # 答复送达
    "closed",  # 办结（记录办理结果）
    "deadline_recomputed",  # 答复期限随工作日历更新重新计算（系统记录：原期限 → 新期限、原因）
)

#: Table 四: the three groups and the results of a 复议/诉讼 case.
APPEAL_ROUTES: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
APPEAL_RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


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


# --------------------------------------------------------------------------------------------
# The web app: people, stored reports, reviews and drafts (migration 0002)
# --------------------------------------------------------------------------------------------

#: clerk: the ledger and report of their own agency; reviewer: read, check and comment in their
#: jurisdiction; supervisor: a reviewer who may also return reports for correction; admin: everything.
ROLES: tuple[str, ...] = ("clerk", "reviewer", "supervisor", "admin")
#: checked: uploaded to be checked only; submitted: formally handed in (no errors, the right agency);
#: returned: sent back for correction by a supervisor.
REPORT_STATUSES: tuple[str, ...] = ("checked", "submitted", "returned")
#: The statuses that count as the agency's report in the status matrix, roll-ups and trends.
SUBMITTED_STATUSES: tuple[str, ...] = ("submitted", "returned")
JOB_STATES: tuple[str, ...] = ("queued", "running", "done")
REPORT_SOURCES: tuple[str, ...] = ("upload", "ledger")
REVIEW_DECISIONS: tuple[str, ...] = ("confirmed", "dismissed")


class User(Base):
    """A person who signs in; `agency` is their own agency (their jurisdiction's root for reviewers)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    agency: Mapped[Agency | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("length(username) > 0", name="username_not_empty"),
        CheckConstraint("role = 'admin' OR agency_id IS NOT NULL", name="agency_unless_admin"),
    )


class WebSession(Base):
    """A signed-in browser or API client (migration 0005). The cookie carries only a random token; this row,
    found by the token's SHA-256, holds the session's data. Revoked at logout, password change, or by an
    administrator ("sign out everywhere"); expired after an idle and an absolute lifetime."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """One sign-in attempt, kept for rate limiting (failures per name and per address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(60), default="", server_default="")
    ok: Mapped[bool] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_login_attempts_username", "username", "at"),
        Index("ix_login_attempts_address", "address", "at"),
    )


class Setting(Base):
    """A value the app keeps for itself (the session signing key when none is configured)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class StoredReport(Base):
    """A report file as received (uploaded, or generated from the ledger and submitted).

    `owner` is the agency whose people may see it (the uploader's jurisdiction or agency); `agency`
    is the agency the report is of, when the printed name matched one (None: not matched).
    Rows are never changed except `status`/`status_note` and the submission (`submitted_by`/`_at`): a corrected
    report is a new row. An upload is stored ``checked``; submitting it is a separate act (migration 0006).
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    printed_agency: Mapped[str] = mapped_column(String(200), default="", server_default="")
    year: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10), default="upload", server_default="upload")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    errors: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warnings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    infos: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(20), default="checked", server_default="submitted")
    status_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published: Mapped[dt.date | None] = mapped_column(Date)  # the date printed on the report, if any
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    owner: Mapped[Agency] = relationship(foreign_keys=[owner_id])
    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_id])
    comments: Mapped[list[Comment]] = relationship(back_populates="report", order_by="Comment.id")

    __table_args__ = (
        CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
        CheckConstraint(_in("source", REPORT_SOURCES), name="source"),
        Index("ix_reports_agency_year", "agency_id", "year", "uploaded_at"),
        Index("ix_reports_owner_year", "owner_id", "year"),
    )


class UploadJob(Base):
    """Uploaded files being read and checked off the request path (migration 0006): the page or API client
    polls it. `results` is a JSON list, one entry per file: ``{"filename", "report_id"}`` or
    ``{"filename", "message", "reason"}``."""

    __tablename__ = "upload_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default="queued", server_default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    finished: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    results: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint(_in("state", JOB_STATES), name="state"),)


class Comment(Base):
    """A reviewer's or clerk's remark on a stored report."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    report: Mapped[StoredReport] = relationship(back_populates="comments")
    user: Mapped[User | None] = relationship()


class FindingReview(Base):
    """A reviewer's verdict on a finding, kept across re-runs and re-uploads by the finding's fingerprint.

    `subject` names the report the finding is about independently of the upload: "agency|year"
    (the matched agency's id, or the printed name when none matched).
    """

    __tablename__ = "finding_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    subject: Mapped[str] = mapped_column(String(250))
    fingerprint: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("owner_id", "subject", "fingerprint", name="uq_finding_reviews_key"),
        CheckConstraint(_in("decision", REVIEW_DECISIONS), name="decision"),
    )


class Draft(Base):
    """A clerk's report for a year in the making: the narrative sections (the tables come from the ledger)."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    preamble: Mapped[str] = mapped_column(Text, default="", server_default="")
    sections: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # JSON {"1": text, …}
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (UniqueConstraint("agency_id", "year", name="uq_drafts_agency_year"),)
