"""Writes under concurrency: each either lands or says truthfully why not (SQLite and PostgreSQL).

On SQLite a writing request takes the write lock when its transaction starts (BEGIN IMMEDIATE), so the busy
timeout really applies; when another writer holds the lock for longer, the answer is 503 数据库繁忙，请稍后重试,
never a made-up reason. The measured version (40 writers for 40 s, a 20,000-row import) is bench/writes.py.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from nianbao.store import db
from nianbao.store.models import Application
from tests.web.conftest import World, build_world


def _register(world: World, username: str, prefix: str, count: int, outcomes: Counter[str]) -> None:
    client = world.client(username)
    for n in range(count):
        for _attempt in range(50):
            r = client.post("/api/v1/cases", json={"reference": f"{prefix}-{n:03d}", "applicant_type": "自然人"})
            if r.status_code != 503:
                break
            outcomes["busy"] += 1
            time.sleep(0.05)
        outcomes[str(r.status_code) if r.status_code == 201 else f"{r.status_code} {r.json()['detail']}"] += 1


def test_many_clerks_registering_at_once_are_all_stored(world: World) -> None:
    outcomes: Counter[str] = Counter()
    clerks = ["jia_cz", "jia_jy", "yi_cz"] * 3
    threads = [
        threading.Thread(target=_register, args=(world, name, f"T{i}", 12, outcomes)) for i, name in enumerate(clerks)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes["201"] == 9 * 12, outcomes  # before: most refused, "数据库拒绝保存：内容超出长度限制…"
    with db.session(world.url) as s:
        assert s.scalar(select(func.count()).select_from(Application)) == 9 * 12


def test_a_writer_blocked_past_the_busy_timeout_is_told_the_truth(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    url = f"sqlite:///{tmp_path}/busy.db"
    world = build_world(url)
    clerk = world.client("jia_cz")
    holder = db.create(url)
    try:
        with holder.connect() as c, c.execution_options(**{db.WRITE: True}).begin():
            c.execute(text("UPDATE agencies SET level = level"))  # another process's long write transaction
            r = clerk.post("/api/v1/cases", json={"reference": "B-1", "applicant_type": "自然人"})
        assert r.status_code == 503
        assert r.json()["detail"].startswith("数据库繁忙，请稍后重试")
        assert r.headers["Retry-After"] == "1"
        page = clerk.post("/api/v1/cases", json={"reference": "B-1", "applicant_type": "自然人"})
        assert page.status_code == 201  # the retry lands
    finally:
        holder.dispose()
        world.close()
        db.dispose(url)
