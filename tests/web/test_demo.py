"""The demo `make run` starts with: seeded once, every role can sign in, and the pages have something to show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nianbao.store import db
from nianbao.store.models import Agency, Application, StoredReport, User
from nianbao.web import Settings, create_app, demo

TODAY = dt.date(2026, 11, 22)


def test_demo_seeds_once_and_every_login_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    steps: list[str] = []
    with db.session(url) as s:
        assert demo.seed(s, today=TODAY, fast_hashes=True, progress=steps.append)
    assert steps[0] == "创建演示机关和用户"
    with db.session(url) as s:
        assert not demo.seed(s, today=TODAY, fast_hashes=True)  # a second start leaves the data alone
        assert s.scalar(select(func.count()).select_from(Agency)) == 6
        assert s.scalar(select(func.count()).select_from(User)) == len(demo.PEOPLE)
        applications = s.scalar(select(func.count()).select_from(Application))
        assert applications is not None
        assert applications > 1000
        education = s.scalar(select(Agency.id).where(Agency.name == demo.MISSING))
        assert (
            s.scalar(
                select(StoredReport.id).where(StoredReport.agency_id == education, StoredReport.year == TODAY.year - 1)
            )
            is None
        )
        open_cases = s.scalar(select(func.count()).select_from(Application).where(Application.status == "open"))
        assert (open_cases or 0) > 0
    app = create_app(Settings(database_url=url, today=lambda: TODAY))
    with TestClient(app) as client:
        for login in demo.logins():
            r = client.post("/api/v1/session", json={"username": login.username, "password": demo.DEMO_PASSWORD})
            assert r.status_code == 200, (login.username, r.text)
        supervisor = client.post("/api/v1/session", json={"username": "zhengwu", "password": demo.DEMO_PASSWORD})
        client.headers["X-CSRF-Token"] = supervisor.json()["csrf_token"]
        page = client.get("/jurisdiction")
        assert page.status_code == 200
        assert "二道江区教育局" in page.text
        with db.session(url) as s:
            government = s.scalar(select(Agency.id).where(Agency.name == demo.GOVERNMENT))
        rollup = client.get(f"/api/v1/agencies/{government}/rollup/{TODAY.year - 1}").json()
        assert [m["agency_name"] for m in rollup["missing"]] == [demo.MISSING]
        assert rollup["differences"], "the government's own report differs from its departments' sum"
    db.dispose(url)
