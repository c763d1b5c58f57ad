"""The web app's test world: two counties, each a government with departments, and people of every role.

    甲县人民政府 (government)          乙县人民政府 (government)
      ├─ 甲县财政局                       └─ 乙县财政局
      └─ 甲县教育局

People (password `PASSWORD`): ``admin`` (admin); ``jia_sup`` (supervisor) and ``jia_rev`` (reviewer) of
甲县人民政府; ``jia_cz`` (clerk, 甲县财政局), ``jia_jy`` (clerk, 甲县教育局); ``yi_sup`` (supervisor,
乙县人民政府), ``yi_cz`` (clerk, 乙县财政局).

`world.client("jia_cz")` is a TestClient signed in through the API, its CSRF header set. Every test
runs on SQLite and, when ``NIANBAO_TEST_POSTGRES_URL`` is set, on PostgreSQL (tests.ledger_db).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nianbao.ledger import agencies
from nianbao.store import db
from nianbao.web import Settings, create_app
from nianbao.web.accounts.service import create_user
from tests.ledger_db import ledger_url, pg_schema  # noqa: F401  (fixtures)

PASSWORD = "pass-1234"
TODAY = dt.date(2026, 11, 20)

AGENCIES: dict[str, tuple[str, str | None]] = {
    "甲县人民政府": ("government", None),
    "甲县财政局": ("department", "甲县人民政府"),
    "甲县教育局": ("department", "甲县人民政府"),
    "乙县人民政府": ("government", None),
    "乙县财政局": ("department", "乙县人民政府"),
}
USERS: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None),
    "jia_sup": ("supervisor", "甲县人民政府"),
    "jia_rev": ("reviewer", "甲县人民政府"),
    "jia_cz": ("clerk", "甲县财政局"),
    "jia_jy": ("clerk", "甲县教育局"),
    "yi_sup": ("supervisor", "乙县人民政府"),
    "yi_cz": ("clerk", "乙县财政局"),
}


@dataclass
class World:
    app: FastAPI
    url: str
    agencies: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    _clients: list[TestClient] = field(default_factory=list)

    def anonymous(self) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=False, follow_redirects=False)
        self._clients.append(client)
        return client

    def client(self, username: str) -> TestClient:
        """A client signed in as `username`, its X-CSRF-Token header set."""
        client = self.anonymous()
        r = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    def close(self) -> None:
        for c in self._clients:
            c.close()


def build_world(url: str, today: dt.date = TODAY) -> World:
    settings = Settings(database_url=url, fast_password_hashes=True, upload_wait_seconds=60, today=lambda: today)
    app = create_app(settings)
    world = World(app, url)
    with db.session(url) as s:
        for name, (level, parent) in AGENCIES.items():
            world.agencies[name] = agencies.set_agency(s, name, level=level, parent=parent).id
        for username, (role, agency) in USERS.items():
            found = agencies.find_agency(s, agency) if agency else None
            world.users[username] = create_user(s, username, PASSWORD, role, found, fast_hash=True).id
    return world


@pytest.fixture
def world(ledger_url: str) -> Iterator[World]:  # noqa: F811
    w = build_world(ledger_url)
    yield w
    w.close()
