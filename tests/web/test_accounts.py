"""Signing in and out, sessions, CSRF and the sign-in rate limit."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nianbao.store import db
from nianbao.store.models import Agency
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
    r = c.post(
        "/login", data={"username": "jia_cz", "password": PASSWORD, "next": "/ledger", "csrf_token": _csrf(page.text)}
    )
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
    r = c.post(
        "/login",
        data={"username": "jia_cz", "password": PASSWORD, "next": "//evil.example/x", "csrf_token": _csrf(page.text)},
    )
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


def _at(world: World, address: str) -> TestClient:
    client = TestClient(world.app, raise_server_exceptions=False, follow_redirects=False, client=(address, 40000))
    world._clients.append(client)
    return client


def test_guessing_at_a_name_cannot_lock_its_owner_out(world: World) -> None:
    """Five wrong passwords for a name from elsewhere lock the name only for addresses it has not signed in
    from: the owner at their usual desk still gets in; a new address is refused for the window."""
    desk = _at(world, "10.1.1.1")
    assert desk.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD}).status_code == 200
    for n in range(5):
        r = _at(world, f"10.9.9.{n}").post("/api/v1/session", json={"username": "jia_cz", "password": f"bad-{n}"})
        assert r.status_code == 400
    assert desk.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD}).status_code == 200
    for n in range(5):
        _at(world, f"10.9.8.{n}").post("/api/v1/session", json={"username": "jia_cz", "password": f"bad-{n}"})
    r = _at(world, "10.2.2.2").post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD})
    assert r.status_code == 429  # a new address: the account's lock holds
    assert "登录失败次数过多" in r.json()["detail"]
    r = _at(world, "10.1.1.1").post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD})
    assert r.status_code == 200  # the known address passes it
    # a wrong password from the known address still counts, and its address is limited as any other
    for n in range(5):
        _at(world, "10.1.1.1").post("/api/v1/session", json={"username": "jia_cz", "password": f"bad-{n}"})
    assert (
        _at(world, "10.1.1.1").post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD}).status_code
        == 429
    )


def test_unknown_and_stopped_names_cost_one_verification(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing must not tell which names exist: every refusal verifies one hash, a dummy one for unknown names."""
    from nianbao.web.accounts import service
    from nianbao.web.core.passwords import verify_password as real  # what service calls, patched below

    verified: list[str] = []

    def counting(stored: str, password: str) -> bool:
        verified.append(stored)
        return real(stored, password)

    monkeypatch.setattr(service, "verify_password", counting)
    for name in ("nobody", "jia_cz"):
        r = _at(world, "10.3.3.3").post("/api/v1/session", json={"username": name, "password": "wrong-pass-1"})
        assert r.status_code == 400
    assert len(verified) == 2
    assert verified[0].startswith("$argon2id$")  # the dummy, with the same parameters as the real hash
    assert verified[0].split("$")[3] == verified[1].split("$")[3]
    admin = world.client("admin")
    admin.patch(f"/api/v1/admin/users/{world.users['jia_jy']}", json={"active": False})
    verified.clear()
    r = _at(world, "10.3.3.4").post("/api/v1/session", json={"username": "jia_jy", "password": PASSWORD})
    assert r.status_code == 400
    assert len(verified) == 1


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
    r = c.post(
        "/api/v1/session",
        content='{"username": "\\ud800", "password": 1}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["detail"]


def test_many_sign_ins_at_once_all_succeed(world: World) -> None:
    """Fifty people signing in at the same moment (Monday morning): none is refused by a locked database."""
    from concurrent.futures import ThreadPoolExecutor

    clients = [world.anonymous() for _ in range(50)]

    def sign_in(n: int) -> int:
        name = ("jia_cz", "jia_jy", "jia_sup", "jia_rev", "yi_cz")[n % 5]
        r: httpx.Response = clients[n].post("/api/v1/session", json={"username": name, "password": PASSWORD})
        return r.status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        codes = list(pool.map(sign_in, range(50)))
    assert codes == [200] * 50


def test_a_session_is_good_at_every_worker(tmp_path: Path) -> None:
    """Sessions live in the database: one made by one worker (or before a restart) is good at another."""
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    first = create_app(Settings(database_url=url, fast_password_hashes=True))
    second = create_app(Settings(database_url=url, fast_password_hashes=True))
    with db.session(url) as s:
        s.add(Agency(name="某县财政局"))
        s.flush()
        create_user(s, "clerk", PASSWORD, "clerk", s.scalar(select(Agency)), fast_hash=True)
    with TestClient(first) as a, TestClient(second) as b:
        assert a.post("/api/v1/session", json={"username": "clerk", "password": PASSWORD}).status_code == 200
        b.cookies.update(a.cookies)
        assert b.get("/api/v1/me").json()["username"] == "clerk"
    db.dispose(url)
