"""Signing in and out, sessions, CSRF and the sign-in rate limit."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from nianbao.store import db
from nianbao.store.models import Agency, Setting
from nianbao.web import Settings, create_app
from nianbao.web.accounts.service import create_user
from tests.web.conftest import PASSWORD, World


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def test_pages_redirect_to_sign_in_and_back(world: World) -> None:
    c = world.anonymous()
    r = c.get("/?tab=open")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/%3Ftab%3Dopen"
    page = c.get("/login?next=/ledger")
    assert page.status_code == 200
    assert "登录" in page.text
    r = c.post("/login", data={"username": "jia_cz", "password": PASSWORD, "next": "/ledger",
                               "csrf_token": _csrf(page.text)})
    assert r.status_code == 303
    assert r.headers["location"] == "/ledger"
    home = c.get("/")
    assert home.status_code == 200
    assert "甲县财政局" in home.text
    assert "经办人员" in home.text


def test_sign_in_form_without_csrf_token_is_refused(world: World) -> None:
    c = world.anonymous()
    c.get("/login")
    r = c.post("/login", data={"username": "jia_cz", "password": PASSWORD})
    assert r.status_code == 403
    assert "CSRF" in r.text


def test_open_redirect_is_not_followed(world: World) -> None:
    c = world.anonymous()
    page = c.get("/login")
    r = c.post("/login", data={"username": "jia_cz", "password": PASSWORD, "next": "//evil.example/x",
                               "csrf_token": _csrf(page.text)})
    assert r.headers["location"] == "/"


def test_wrong_password_then_rate_limited(world: World) -> None:
    c = world.anonymous()
    for n in range(5):
        r = c.post("/api/v1/session", json={"username": "jia_cz", "password": f"wrong-{n}"})
        assert r.status_code == 400, r.text
        assert "用户名或密码不正确" in r.json()["detail"]
    r = c.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD})
    assert r.status_code == 429
    assert "登录失败次数过多" in r.json()["detail"]
    # the limit is per account and per address: another account from this address is refused too
    r = c.post("/api/v1/session", json={"username": "jia_jy", "password": PASSWORD})
    assert r.status_code == 429


def test_unknown_user_gets_the_same_message(world: World) -> None:
    r = world.anonymous().post("/api/v1/session", json={"username": "nobody", "password": "x"})
    assert r.status_code == 400
    assert r.json()["detail"].startswith("用户名或密码不正确")


def test_api_me_and_sign_out(world: World) -> None:
    c = world.client("jia_sup")
    me = c.get("/api/v1/me").json()
    assert me["role"] == "supervisor"
    assert me["agency_name"] == "甲县人民政府"
    assert sorted(me["agency_ids"]) == sorted(world.agencies[n] for n in ("甲县人民政府", "甲县财政局", "甲县教育局"))
    assert c.get("/api/v1/me").status_code == 200
    assert c.delete("/api/v1/session").status_code == 204
    assert c.get("/api/v1/me").status_code == 401


def test_unsafe_api_request_needs_the_csrf_header(world: World) -> None:
    c = world.client("jia_cz")
    del c.headers["X-CSRF-Token"]
    r = c.delete("/api/v1/session")
    assert r.status_code == 403
    assert c.get("/api/v1/me").status_code == 200


def test_admin_scope_is_every_agency(world: World) -> None:
    me = world.client("admin").get("/api/v1/me").json()
    assert me["agency_ids"] is None
    clerk = world.client("yi_cz").get("/api/v1/me").json()
    assert clerk["agency_ids"] == [world.agencies["乙县财政局"]]


def test_security_headers(world: World) -> None:
    r = world.anonymous().get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


def test_hostile_sign_in_input_is_refused_cleanly(world: World) -> None:
    c = world.anonymous()
    r = c.post("/api/v1/session", json={"username": "jia\x00cz", "password": "x\x00"})
    assert r.status_code == 400
    r = c.post("/api/v1/session", content='{"username": "\\ud800", "password": 1}',
               headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"]


def test_many_sign_ins_at_once_all_succeed(world: World) -> None:
    """Fifty people signing in at the same moment (Monday morning): none is refused by a locked database."""
    from concurrent.futures import ThreadPoolExecutor

    clients = [world.anonymous() for _ in range(50)]

    def sign_in(n: int) -> int:
        name = ("jia_cz", "jia_jy", "jia_sup", "jia_rev", "yi_cz")[n % 5]
        return clients[n].post("/api/v1/session", json={"username": name, "password": PASSWORD}).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        codes = list(pool.map(sign_in, range(50)))
    assert codes == [200] * 50


def test_session_key_is_made_once_and_shared(tmp_path: Path) -> None:
    """Without NIANBAO_SECRET_KEY the first start makes a key and keeps it: every worker and restart signs alike."""
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    first = create_app(Settings(database_url=url, secret_key=None, fast_password_hashes=True))
    second = create_app(Settings(database_url=url, secret_key=None, fast_password_hashes=True))
    with db.session(url) as s:
        keys = s.scalars(select(Setting.value).where(Setting.name == "session_key")).all()
        s.add(Agency(name="某县财政局"))
        s.flush()
        create_user(s, "clerk", PASSWORD, "clerk", s.scalar(select(Agency)), fast_hash=True)
    assert len(keys) == 1
    assert len(keys[0]) > 40
    with TestClient(first) as a, TestClient(second) as b:
        assert a.post("/api/v1/session", json={"username": "clerk", "password": PASSWORD}).status_code == 200
        b.cookies.update(a.cookies)  # a session signed by one worker is good at the other
        assert b.get("/api/v1/me").json()["username"] == "clerk"
    db.dispose(url)
