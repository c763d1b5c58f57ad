"""Alembic environment: migrates the connection `store.db.upgrade` hands over (or the configured URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from nianbao.store.db import create
from nianbao.store.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("没有给出数据库地址（sqlalchemy.url）")
    engine = create(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("nianbao 的迁移只支持在线运行（nianbao.store.db.upgrade）")
run_migrations_online()
