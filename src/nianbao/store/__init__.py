"""The database: schema (`models`), engines and sessions (`db`), migrations (``migrations/``)."""

from nianbao.store.db import DEFAULT_URL, ENV_VAR, database_url, dispose, engine, session, sessions, upgrade

__all__ = ["DEFAULT_URL", "ENV_VAR", "database_url", "dispose", "engine", "session", "sessions", "upgrade"]
