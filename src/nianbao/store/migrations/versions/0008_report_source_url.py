"""A report checked by its URL (按网址核查) keeps where it came from: ``reports.source`` may be ``url``, and
``reports.source_url`` holds the URL the stored bytes were read from (after redirects; a linked attachment's own
URL).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08

Frozen: the sources are spelled out here. SQLite cannot alter a CHECK constraint, so the reports table is
rebuilt by Alembic's batch mode (every row copied; foreign keys are off while migrations run, `store.db`, so the
rows referencing a report stay). Rows stored before this revision keep their source. The downgrade takes a URL's
report back to an upload (its URL is lost).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_SOURCES = ("upload", "ledger")
NEW_SOURCES = ("upload", "ledger", "url")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("reports", recreate="auto") as batch:
        batch.add_column(sa.Column("source_url", sa.String(2000), nullable=True))
        batch.drop_constraint("ck_reports_source", type_="check")
        batch.create_check_constraint("ck_reports_source", sa.text(_in("source", NEW_SOURCES)))


def downgrade() -> None:
    op.execute("UPDATE reports SET source = 'upload' WHERE source = 'url'")
    with op.batch_alter_table("reports", recreate="auto") as batch:
        batch.drop_constraint("ck_reports_source", type_="check")
        batch.create_check_constraint("ck_reports_source", sa.text(_in("source", OLD_SOURCES)))
        batch.drop_column("source_url")
