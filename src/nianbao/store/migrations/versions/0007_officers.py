"""What officers add: corrections of read values (a cell, or the publication date) with who, when, why and
the value as read; a returned report's date to hand it in again by; the letters written for a case and each
agency's own templates for them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Frozen: the letter kinds are spelled out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT_KINDS = ("correction_notice", "extension_notice", "consultation_letter", "fee_notice", "reply")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("resubmit_by", sa.Date, nullable=True))
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, nullable=False),
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("printed", sa.Text, nullable=False, server_default="null"),
        sa.Column("value", sa.Text, nullable=False, server_default="null"),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_corrections_report_id_reports", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_corrections_user_id_users", ondelete="SET NULL"),
        sa.CheckConstraint("length(field) > 0", name="ck_corrections_field_not_empty"),
        sa.CheckConstraint("length(reason) > 0", name="ck_corrections_reason_not_empty"),
        sa.PrimaryKeyConstraint("id", name="pk_corrections"),
    )
    op.create_index("ix_corrections_report", "corrections", ["report_id", "field", "id"])
    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("outcome", sa.String(60), nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_case_documents_application_id_applications",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name="fk_case_documents_created_by_users", ondelete="SET NULL"
        ),
        sa.CheckConstraint(_in("kind", DOCUMENT_KINDS), name="ck_case_documents_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_case_documents"),
    )
    op.create_index("ix_case_documents_application_id", "case_documents", ["application_id"])
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("variant", sa.String(40), nullable=False, server_default=""),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_document_templates_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name="fk_document_templates_updated_by_users", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("agency_id", "kind", "variant", name="uq_document_templates_key"),
        sa.CheckConstraint(_in("kind", DOCUMENT_KINDS), name="ck_document_templates_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_document_templates"),
    )


def downgrade() -> None:
    op.drop_table("document_templates")
    op.drop_index("ix_case_documents_application_id", "case_documents")
    op.drop_table("case_documents")
    op.drop_index("ix_corrections_report", "corrections")
    op.drop_table("corrections")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("resubmit_by")
