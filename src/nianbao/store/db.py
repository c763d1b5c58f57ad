"""Engines, sessions and migrations for the ledger's database.

The database is the one ``NIANBAO_DATABASE_URL`` names (a SQLAlchemy URL):

- unset: an embedded SQLite file ``nianbao.db`` in the current directory (`DEFAULT_URL`);
- ``sqlite:///path/to/file.db``: SQLite, opened with foreign keys ON and the WAL journal;
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

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(url: str | None = None) -> str:
    """The URL given, else ``$NIANBAO_DATABASE_URL``, else the SQLite file ``nianbao.db`` here."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create(url: str, **kwargs: Any) -> Engine:
    """A new engine for `url`, SQLite connections set up with foreign keys ON and WAL. Not migrated."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upgrade(url: str | None = None, revision: str = "head", engine: Engine | None = None) -> None:
    """Bring the database at `url` to `revision` (default: the latest) with the packaged migrations."""
    from alembic import command
    from alembic.config import Config

    own = engine is None
    engine = engine or create(database_url(url))
    config = Config()
    config.set_main_option("script_location", str(resources.files("nianbao.store").joinpath("migrations")))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
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


def sessions(url: str | None = None) -> sessionmaker[Session]:
    """A session factory bound to the (migrated) engine of `url`."""
    return sessionmaker(engine(url), expire_on_commit=False)


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """One unit of work: committed when the block ends normally, rolled back when it raises."""
    with sessions(url)() as s, s.begin():
        yield s
