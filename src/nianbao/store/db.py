"""Engines, sessions and migrations for the ledger's database.

The database is the one ``NIANBAO_DATABASE_URL`` names (a SQLAlchemy URL):

- unset: an embedded SQLite file ``nianbao.db`` in the current directory (`DEFAULT_URL`);
- ``sqlite:///path/to/file.db``: SQLite, opened with foreign keys ON and the WAL journal; a session that
  will write (`session`, `sessions(write=True)`) starts with ``BEGIN IMMEDIATE``, so it waits up to
  `BUSY_TIMEOUT_MS` for another writer instead of failing at once when its read turns into a write;
- ``postgresql+psycopg://user@host:5432/dbname``: PostgreSQL through psycopg 3 (a schema other than
  ``public`` can be chosen with ``?options=-csearch_path%3Dname``).

Migrations (Alembic, packaged in ``nianbao/store/migrations`` so an installed wheel can migrate) run
automatically the first time a URL is used in a process (`engine`), or explicitly with `upgrade(url)`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_VAR = "NIANBAO_DATABASE_URL"
DEFAULT_URL = "sqlite:///nianbao.db"
#: How long a SQLite writer waits for another writer's transaction to end (``NIANBAO_DB_BUSY_MS``).
BUSY_TIMEOUT_MS = int(os.environ.get("NIANBAO_DB_BUSY_MS", "15000"))
#: The execution option that marks a connection as a writer's (SQLite: BEGIN IMMEDIATE).
WRITE = "nianbao_write"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(url: str | None = None) -> str:
    """The URL given, else ``$NIANBAO_DATABASE_URL``, else the SQLite file ``nianbao.db`` here."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is off: SQLAlchemy's "begin" event below says BEGIN, so that a
    # writer can say BEGIN IMMEDIATE (the documented pysqlite recipe; it also makes SAVEPOINT reliable).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """A writer takes the write lock when its transaction starts: the busy timeout then really applies.

    (A deferred transaction that reads first and writes later gets SQLITE_BUSY at once in WAL mode when
    another writer has committed meanwhile: the busy handler is not even called.)
    """
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create(url: str, **kwargs: Any) -> Engine:
    """A new engine for `url`, SQLite connections set up with foreign keys ON and WAL. Not migrated."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "another transaction holds the lock, try again", not a refusal."""
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig or exc).lower()
    return any(
        word in text
        for word in (
            "database is locked",
            "database is busy",
            "could not obtain lock",
            "lock timeout",
            "deadlock detected",
            "could not serialize",
        )
    )


def upgrade(url: str | None = None, revision: str = "head", engine: Engine | None = None) -> None:
    """Bring the database at `url` to `revision` (default: the latest) with the packaged migrations."""
    _migrate("upgrade", revision, url, engine)


def downgrade(revision: str, url: str | None = None, engine: Engine | None = None) -> None:
    """Take the database at `url` back to `revision` with the packaged migrations (what a revision added is lost)."""
    _migrate("downgrade", revision, url, engine)


def _migrate(direction: str, revision: str, url: str | None, engine: Engine | None) -> None:
    """Runs the packaged migrations in one transaction. On SQLite, foreign keys are off while they run and checked
    before the commit (SQLite's own procedure for changing a table's schema): a table rebuilt by Alembic's batch
    mode is dropped and created again, and with the keys on, dropping it deleted every row referencing it (ON
    DELETE CASCADE: the comments of every report, when 0006 rebuilt `reports`). The pragma has no effect inside
    a transaction, so it is set on the connection before the transaction begins, and set back after."""
    from alembic import command
    from alembic.config import Config

    own = engine is None
    engine = engine or create(database_url(url))
    config = Config()
    config.set_main_option("script_location", str(resources.files("nianbao.store").joinpath("migrations")))
    run = command.upgrade if direction == "upgrade" else command.downgrade
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})  # two processes migrating at once: one waits
            sqlite = engine.dialect.name == "sqlite"
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    run(config, revision)
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise RuntimeError(
                                f"迁移后有 {len(broken)} 行引用了不存在的记录（如 {tuple(broken[0])}），已回滚"
                            )
            finally:
                if sqlite:
                    connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    finally:
        if own:
            engine.dispose()


def engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: `database_url()`), migrated on first use."""
    key = database_url(url)
    with _lock:
        found = _engines.get(key)
        if found is None:
            found = create(key)
            upgrade(key, engine=found)
            _engines[key] = found
        return found


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of one URL's engine (every engine when `url` is None)."""
    with _lock:
        keys = [database_url(url)] if url is not None else list(_engines)
        for key in keys:
            found = _engines.pop(key, None)
            if found is not None:
                found.dispose()


def sessions(url: str | None = None, *, write: bool = False) -> sessionmaker[Session]:
    """A session factory bound to the (migrated) engine of `url`; ``write=True`` for sessions that will write."""
    bound = engine(url)
    return sessionmaker(bound.execution_options(**{WRITE: True}) if write else bound, expire_on_commit=False)


@contextmanager
def session(url: str | None = None, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: committed when the block ends normally, rolled back when it raises."""
    with sessions(url, write=write)() as s, s.begin():
        yield s
