"""Provisional deadlines: a case remembers that its deadline counts days of a year without an official
放假安排, and the event log gains ``deadline_recomputed`` for the correction when the schedule arrives.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

Frozen like 0001: the event kinds are spelled out here. SQLite cannot alter a CHECK constraint, so the
events table is rebuilt (Alembic batch mode copies every row); its append-only triggers go with the old
table and are created again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
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
NEW_KINDS = (*OLD_KINDS, "deadline_recomputed")
APPEND_ONLY = "事件记录只能追加，不能修改或删除"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _set_kinds(kinds: tuple[str, ...]) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    with op.batch_alter_table("events", recreate="auto") as batch:
        batch.drop_constraint("ck_events_kind", type_="check")
        batch.create_check_constraint("ck_events_kind", sa.text(_in("kind", kinds)))
    if sqlite:
        op.execute(
            f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
        op.execute(
            f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def upgrade() -> None:
    op.add_column("applications", sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()))
    # the due board groups by (due, due_provisional): keep it an index-only read
    op.drop_index("ix_applications_due", "applications")
    op.create_index(
        "ix_applications_due", "applications", ["agency_id", "status", "due", "due_provisional", "reference"]
    )
    _set_kinds(NEW_KINDS)


def downgrade() -> None:
    _set_kinds(OLD_KINDS)
    op.drop_index("ix_applications_due", "applications")
    op.create_index("ix_applications_due", "applications", ["agency_id", "status", "due", "reference"])
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("due_provisional")
