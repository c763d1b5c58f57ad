"""Checking is not submitting: an upload is stored ``checked`` and submitted by a separate act (who, when);
uploads are read off the request path as jobs the page polls.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Frozen: the statuses are spelled out here. SQLite cannot alter a CHECK constraint, so the reports table
is rebuilt by Alembic's batch mode (every row copied). Rows stored before this revision were all taken as
submissions and stay ``submitted``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("submitted", "returned")
NEW_STATUSES = ("checked", "submitted", "returned")
JOB_STATES = ("queued", "running", "done")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("reports", recreate="auto") as batch:
        batch.add_column(sa.Column("submitted_by", sa.Integer, nullable=True))
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_reports_submitted_by_users", "users", ["submitted_by"], ["id"], ondelete="SET NULL"
        )
        batch.drop_constraint("ck_reports_status", type_="check")
        batch.create_check_constraint("ck_reports_status", sa.text(_in("status", NEW_STATUSES)))
    op.execute(
        "UPDATE reports SET submitted_by = uploaded_by, submitted_at = uploaded_at "
        "WHERE status IN ('submitted', 'returned')"
    )
    op.create_table(
        "upload_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("agency_id", sa.Integer, nullable=True),
        sa.Column("state", sa.String(10), nullable=False, server_default="queued"),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("finished", sa.Integer, nullable=False, server_default="0"),
        sa.Column("results", sa.Text, nullable=False, server_default="[]"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_upload_jobs_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_upload_jobs_agency_id_agencies", ondelete="SET NULL"
        ),
        sa.CheckConstraint(_in("state", JOB_STATES), name="ck_upload_jobs_state"),
        sa.PrimaryKeyConstraint("id", name="pk_upload_jobs"),
    )
    op.create_index("ix_upload_jobs_user_id", "upload_jobs", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_upload_jobs_user_id", "upload_jobs")
    op.drop_table("upload_jobs")
    op.execute("UPDATE reports SET status = 'submitted' WHERE status = 'checked'")
    with op.batch_alter_table("reports", recreate="auto") as batch:
        batch.drop_constraint("ck_reports_status", type_="check")
        batch.create_check_constraint("ck_reports_status", sa.text(_in("status", OLD_STATUSES)))
        batch.drop_constraint("fk_reports_submitted_by_users", type_="foreignkey")
        batch.drop_column("submitted_at")
        batch.drop_column("submitted_by")
