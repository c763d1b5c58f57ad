"""The web app's settings: one object, built from arguments (CLI) or the environment."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from nianbao.store import db

MiB = 1024 * 1024


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.isdigit() else default


@dataclass
class Settings:
    """How one instance of the app runs.

    - `database_url`: SQLAlchemy URL (default: ``$NIANBAO_DATABASE_URL`` or ``sqlite:///nianbao.db``).
    - `secret_key`: signs the session cookie; ``$NIANBAO_SECRET_KEY``, else one generated at first start
      and kept in the database (so that every worker and every restart shares it).
    - `max_upload_bytes` / `max_upload_files`: per file and per request.
    - `login_max_failures` within `login_window`: failed sign-ins allowed per account and per address.
    - `fast_password_hashes`: weaker Argon2 parameters, for tests and the benchmark only.
    - `today`: the date the ledger counts from (tests pin it).
    """

    database_url: str = field(default_factory=lambda: db.database_url())
    secret_key: str | None = field(default_factory=lambda: os.environ.get("NIANBAO_SECRET_KEY") or None)
    max_upload_bytes: int = field(default_factory=lambda: _int_env("NIANBAO_MAX_UPLOAD_MB", 20) * MiB)
    max_upload_files: int = 200
    login_max_failures: int = 5
    login_window: dt.timedelta = dt.timedelta(minutes=15)
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("NIANBAO_SECURE_COOKIES") == "1")
    session_days: int = 7
    fast_password_hashes: bool = False
    today: Callable[[], dt.date] = dt.date.today
