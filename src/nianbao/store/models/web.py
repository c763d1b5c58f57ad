"""The web app's tables: people and sessions, stored reports, comments, finding reviews and drafts (migration 0002…)."""

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
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import JOB_STATES, REPORT_SOURCES, REPORT_STATUSES, REVIEW_DECISIONS, ROLES, Base, _in
from .ledger import Agency


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
    """A report file as received (uploaded, fetched from a URL, or generated from the ledger and submitted).

    `owner` is the agency whose people may see it (the uploader's jurisdiction or agency); `agency`
    is the agency the report is of, when the printed name matched one (None: not matched).
    Rows are never changed except `status`/`status_note`/`resubmit_by` and the submission (`submitted_by`/`_at`),
    and the agency (`agency_id`, `owner_id`) of a report of no agency filed under one created for it
    (`nianbao.web.check.filing`, 新建机关): a corrected report is a new row, a corrected value read from it a
    `Correction` (migration 0007).
    An upload is stored ``checked``; submitting it is a separate act (migration 0006).
    A report checked by its URL (`source` ``url``) keeps in `source_url` (set once, when stored) the URL its bytes
    were read from, after redirects (a page's linked attachment: the attachment's URL); None for the other
    sources (migration 0008).
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
    source_url: Mapped[str | None] = mapped_column(String(2000))
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
    # the date a returned report is to be handed in again by (migration 0007)
    resubmit_by: Mapped[dt.date | None] = mapped_column(Date)

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
