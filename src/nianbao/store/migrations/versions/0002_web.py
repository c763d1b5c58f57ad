"""The web app: users, sign-in attempts, settings, stored reports, comments, finding reviews, drafts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Frozen like 0001: the vocabularies are spelled out here. A test compares the migrated schema with
`nianbao.store.models`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("clerk", "reviewer", "supervisor", "admin")
REPORT_STATUSES = ("submitted", "returned")
REPORT_SOURCES = ("upload", "ledger")
REVIEW_DECISIONS = ("confirmed", "dismissed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("agency_id", sa.Integer, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        _fk("users", "agency_id", "agencies", "RESTRICT"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint(_in("role", ROLES), name="ck_users_role"),
        sa.CheckConstraint("length(username) > 0", name="ck_users_username_not_empty"),
        sa.CheckConstraint("role = 'admin' OR agency_id IS NOT NULL", name="ck_users_agency_unless_admin"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_index("ix_users_agency_id", "users", ["agency_id"])

    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("address", sa.String(60), nullable=False, server_default=""),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_username", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_address", "login_attempts", ["address", "at"])

    op.create_table(
        "settings",
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_settings"),
    )

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("agency_id", sa.Integer, nullable=True),
        sa.Column("printed_agency", sa.String(200), nullable=False, server_default=""),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("format", sa.String(10), nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("source", sa.String(10), nullable=False, server_default="upload"),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("warnings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("infos", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.String(20), nullable=False, server_default="submitted"),
        sa.Column("status_note", sa.Text, nullable=False, server_default=""),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("uploaded_by", sa.Integer, nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        _fk("reports", "owner_id", "agencies", "RESTRICT"),
        _fk("reports", "agency_id", "agencies", "RESTRICT"),
        _fk("reports", "uploaded_by", "users", "SET NULL"),
        sa.CheckConstraint(_in("status", REPORT_STATUSES), name="ck_reports_status"),
        sa.CheckConstraint(_in("source", REPORT_SOURCES), name="ck_reports_source"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
    )
    op.create_index("ix_reports_owner_id", "reports", ["owner_id"])
    op.create_index("ix_reports_agency_year", "reports", ["agency_id", "year", "uploaded_at"])
    op.create_index("ix_reports_owner_year", "reports", ["owner_id", "year"])

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("comments", "report_id", "reports", "CASCADE"),
        _fk("comments", "user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_report_id", "comments", ["report_id"])

    op.create_table(
        "finding_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(250), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("finding_reviews", "owner_id", "agencies", "RESTRICT"),
        _fk("finding_reviews", "user_id", "users", "SET NULL"),
        sa.UniqueConstraint("owner_id", "subject", "fingerprint", name="uq_finding_reviews_key"),
        sa.CheckConstraint(_in("decision", REVIEW_DECISIONS), name="ck_finding_reviews_decision"),
        sa.PrimaryKeyConstraint("id", name="pk_finding_reviews"),
    )

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("preamble", sa.Text, nullable=False, server_default=""),
        sa.Column("sections", sa.Text, nullable=False, server_default="{}"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("drafts", "agency_id", "agencies", "RESTRICT"),
        sa.UniqueConstraint("agency_id", "year", name="uq_drafts_agency_year"),
        sa.PrimaryKeyConstraint("id", name="pk_drafts"),
    )


def downgrade() -> None:
    for table in ("drafts", "finding_reviews", "comments", "reports", "settings", "login_attempts", "users"):
        op.drop_table(table)
