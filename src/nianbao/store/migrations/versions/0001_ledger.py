"""The application ledger: agencies, applications, append-only events, appeals, calendar overrides.

Revision ID: 0001
Revises:
Create Date: 2025-11-20

Frozen: the vocabularies below are spelled out, not imported, so that this migration means the same
thing forever. A test compares the migrated schema with `nianbao.store.models`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPLICANT_TYPES = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org")
OUTCOMES = (
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
STATUSES = ("open", "closed")
CHANNELS = ("in_person", "post", "letter", "online", "fax", "other")
EVENT_KINDS = (
    "registered",
    "correction_requested",
    "correction_received",
    "extension",
    "consultation_opened",
    "consultation_closed",
    "fee_notice",
    "fee_paid",
    "answered",
    "closed",
)
APPEAL_ROUTES = ("review", "litigation_direct", "litigation_after_review")
APPEAL_RESULTS = ("upheld", "corrected", "other", "pending")

APPEND_ONLY = "事件记录只能追加，不能修改或删除"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(40), nullable=False, server_default=""),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agencies.id"], name="fk_agencies_parent_id_agencies", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("name", name="uq_agencies_name"),
        sa.CheckConstraint("length(name) > 0", name="ck_agencies_name_not_empty"),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
    )
    op.create_index("ix_agencies_parent_id", "agencies", ["parent_id"])

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("arrived", sa.Date, nullable=True),
        sa.Column("channel", sa.String(20), nullable=False, server_default="other"),
        sa.Column("received", sa.Date, nullable=False),
        sa.Column("applicant_type", sa.String(20), nullable=False),
        sa.Column("applicant", sa.String(200), nullable=False, server_default=""),
        sa.Column("contact", sa.String(200), nullable=False, server_default=""),
        sa.Column("request", sa.Text, nullable=False, server_default=""),
        sa.Column("remarks", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=False, server_default="open"),
        sa.Column("outcome", sa.String(60), nullable=True),
        sa.Column("closed", sa.Date, nullable=True),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_applications_agency_id_agencies", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("agency_id", "reference", name="uq_applications_agency_reference"),
        sa.CheckConstraint("length(reference) > 0", name="ck_applications_reference_not_empty"),
        sa.CheckConstraint(_in("applicant_type", APPLICANT_TYPES), name="ck_applications_applicant_type"),
        sa.CheckConstraint(_in("status", STATUSES), name="ck_applications_status"),
        sa.CheckConstraint(_in("channel", CHANNELS), name="ck_applications_channel"),
        sa.CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="ck_applications_outcome"),
        sa.CheckConstraint(
            "(status = 'open' AND closed IS NULL AND outcome IS NULL) OR "
            "(status = 'closed' AND closed IS NOT NULL AND outcome IS NOT NULL)",
            name="ck_applications_closed_shape",
        ),
        sa.CheckConstraint("closed IS NULL OR closed >= received", name="ck_applications_closed_after_received"),
        sa.CheckConstraint("arrived IS NULL OR arrived <= received", name="ck_applications_arrived_before_received"),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
    )
    op.create_index("ix_applications_due", "applications", ["agency_id", "status", "due", "reference"])
    op.create_index(
        "ix_applications_tables", "applications", ["agency_id", "applicant_type", "outcome", "received", "closed"]
    )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("until", sa.Date, nullable=True),
        sa.Column("approver", sa.String(100), nullable=False, server_default=""),
        sa.Column("days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("party", sa.String(200), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(60), nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_events_application_id_applications", ondelete="RESTRICT"
        ),
        sa.CheckConstraint(_in("kind", EVENT_KINDS), name="ck_events_kind"),
        sa.CheckConstraint("days >= 0", name="ck_events_days_not_negative"),
        sa.CheckConstraint('until IS NULL OR until >= "on"', name="ck_events_until_after_on"),
        sa.CheckConstraint("kind <> 'extension' OR length(approver) > 0", name="ck_events_extension_approver"),
        sa.CheckConstraint(
            f"(kind = 'closed' AND outcome IS NOT NULL AND {_in('outcome', OUTCOMES)}) OR "
            "(kind <> 'closed' AND outcome IS NULL)",
            name="ck_events_closed_outcome",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_application_id", "events", ["application_id"])

    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, nullable=False),
        sa.Column("application_id", sa.Integer, nullable=True),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("route", sa.String(30), nullable=False),
        sa.Column("filed", sa.Date, nullable=False),
        sa.Column("result", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("decided", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_appeals_agency_id_agencies", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_appeals_application_id_applications", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("agency_id", "reference", name="uq_appeals_agency_reference"),
        sa.CheckConstraint(_in("route", APPEAL_ROUTES), name="ck_appeals_route"),
        sa.CheckConstraint(_in("result", APPEAL_RESULTS), name="ck_appeals_result"),
        sa.CheckConstraint(
            "(result = 'pending' AND decided IS NULL) OR (result <> 'pending' AND decided IS NOT NULL)",
            name="ck_appeals_decided_shape",
        ),
        sa.CheckConstraint("decided IS NULL OR decided >= filed", name="ck_appeals_decided_after_filed"),
        sa.PrimaryKeyConstraint("id", name="pk_appeals"),
    )
    op.create_index("ix_appeals_agency_id", "appeals", ["agency_id"])
    op.create_index("ix_appeals_application_id", "appeals", ["application_id"])

    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("workday", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("day", name="pk_calendar_days"),
    )
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.PrimaryKeyConstraint("year", name="pk_calendar_years"),
    )

    # The event log is append-only: the database itself refuses to change or remove an event.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION nianbao_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}（%）', TG_OP; END $$"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION nianbao_events_append_only()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
        op.execute(
            f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS nianbao_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    for table in ("calendar_years", "calendar_days", "appeals", "events", "applications", "agencies"):
        op.drop_table(table)
