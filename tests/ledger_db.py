"""Database fixtures for the ledger tests: every database test runs on SQLite and, when
``NIANBAO_TEST_POSTGRES_URL`` is set (``make test`` sets it when PostgreSQL answers on 127.0.0.1:5432),
on PostgreSQL too.

- SQLite: a fresh temporary database file for each test.
- PostgreSQL: a fresh schema for each test module (chosen with ``search_path`` in the URL, so the
  migrations, the service and the CLI all land there), its tables emptied before each test, the schema
  dropped at the end of the module.

Use in a test module (or list the module in ``pytest_plugins`` of a conftest)::

    from tests.ledger_db import ledger_db, ledger_url, pg_schema  # noqa: F401  (fixtures)

`ledger_url` also sets ``NIANBAO_DATABASE_URL`` for the test, so the CLI uses the same database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from nianbao.store import db

PG_ENV = "NIANBAO_TEST_POSTGRES_URL"
TABLES = (
    "drafts",
    "finding_reviews",
    "comments",
    "reports",
    "settings",
    "login_attempts",
    "web_sessions",
    "upload_jobs",
    "users",
    "calendar_years",
    "calendar_days",
    "appeals",
    "events",
    "applications",
    "agencies",
)


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@dataclass
class LedgerDB:
    """The database of one test: its URL, its (migrated) engine and fresh sessions."""

    url: str
    backend: str

    @property
    def engine(self) -> Engine:
        return db.engine(self.url)

    def session(self) -> Session:
        return db.sessions(self.url)()


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for the module; yields a URL whose search_path is that schema."""
    with fresh_pg_schema() as url:
        yield url


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A new, empty PostgreSQL schema (dropped afterwards); yields a URL whose search_path is that schema."""
    base = os.environ[PG_ENV]
    name = f"nianbao_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        db.dispose(url)
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=backends())
def ledger_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty, migrated ledger database; ``NIANBAO_DATABASE_URL`` points at it during the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.db'}"
        db.engine(url)
    else:
        url = request.getfixturevalue("pg_schema")
        with db.engine(url).begin() as c:
            c.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    monkeypatch.setenv(db.ENV_VAR, url)
    yield url
    if request.param == "sqlite":
        db.dispose(url)


@pytest.fixture
def ledger_db(ledger_url: str) -> LedgerDB:
    backend = make_url(ledger_url).get_backend_name()
    return LedgerDB(ledger_url, "postgresql" if backend == "postgresql" else "sqlite")
