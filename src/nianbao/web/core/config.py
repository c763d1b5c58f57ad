"""The web app's settings: one object, built from arguments (CLI) or the environment."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from nianbao.store import db
from nianbao.web.core.sessions import Lifetimes

MiB = 1024 * 1024


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.isdigit() else default


@dataclass
class Settings:
    """How one instance of the app runs.

    - `database_url`: SQLAlchemy URL (default: ``$NIANBAO_DATABASE_URL`` or ``sqlite:///nianbao.db``).
    - `session_idle_hours` / `session_days`: a session ends after this long unused / this long in all
      (``$NIANBAO_SESSION_IDLE_HOURS``, ``$NIANBAO_SESSION_DAYS``); sessions live in the database.
    - `secure_cookies`: always mark the session cookie ``Secure`` (``$NIANBAO_SECURE_COOKIES=1``); it is marked
      so anyway whenever the request came over HTTPS.
    - `max_upload_bytes` / `max_upload_files`: per file and per request.
    - `login_max_failures` within `login_window`: failed sign-ins allowed per account and per address.
    - `read_seconds`: how long reading one uploaded file may take in its worker process
      (``$NIANBAO_READ_SECONDS``); past it, or past the workers' memory limit (``$NIANBAO_JOB_MEMORY_MB``,
      see `nianbao.jobs`), the file is refused, named.
    - `upload_wait_seconds`: how long the upload page waits for a small upload to be read before it shows the
      job's progress page instead (the API waits only when asked: ``?wait=``).
    - `fast_password_hashes`: weaker Argon2 parameters, for tests and the benchmark only.
    - `today`: the date the ledger counts from (tests pin it).
    """

    database_url: str = field(default_factory=lambda: db.database_url())
    max_upload_bytes: int = field(default_factory=lambda: _int_env("NIANBAO_MAX_UPLOAD_MB", 20) * MiB)
    max_upload_files: int = 200
    login_max_failures: int = 5
    login_window: dt.timedelta = dt.timedelta(minutes=15)
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("NIANBAO_SECURE_COOKIES") == "1")
    session_days: int = field(default_factory=lambda: _int_env("NIANBAO_SESSION_DAYS", 7))
    session_idle_hours: int = field(default_factory=lambda: _int_env("NIANBAO_SESSION_IDLE_HOURS", 12))
    read_seconds: int = field(default_factory=lambda: _int_env("NIANBAO_READ_SECONDS", 30))
    upload_wait_seconds: float = 2.0
    fast_password_hashes: bool = False
    today: Callable[[], dt.date] = dt.date.today

    def session_lifetimes(self) -> Lifetimes:
        return Lifetimes(
            idle=dt.timedelta(hours=max(1, self.session_idle_hours)),
            absolute=dt.timedelta(days=max(1, self.session_days)),
        )
