"""Server-side sessions (issue #12 item 5): a session ends for good at sign-out, password change, "sign out
everywhere" or after its idle and absolute lifetimes; the cookie is an opaque token; ``Secure`` over HTTPS."""

from __future__ import annotations

import base64
import datetime as dt

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from nianbao.store import db
from nianbao.store.models import WebSession
from nianbao.web.core.sessions import COOKIE, token_hash
from tests.web.conftest import PASSWORD, World


def _copy(world: World, original: TestClient) -> TestClient:
    """Another client holding a copy of `original`'s cookie and CSRF header (a stolen cookie)."""
    thief = world.anonymous()
    thief.cookies.set(COOKIE, original.cookies[COOKIE])
    thief.headers["X-CSRF-Token"] = original.headers["X-CSRF-Token"]
    return thief


def _new_case(client: TestClient, reference: str) -> int:
    r: httpx.Response = client.post("/api/v1/cases", json={"reference": reference, "applicant_type": "自然人"})
    return r.status_code


def test_a_copied_cookie_is_worthless_after_sign_out(world: World) -> None:
    clerk = world.client("jia_cz")
    thief = _copy(world, clerk)
    assert thief.get("/api/v1/me").status_code == 200  # a copy works while the session lives ...
    assert clerk.delete("/api/v1/session").status_code == 204
    assert thief.get("/api/v1/me").status_code == 401  # ... and not after sign-out: neither reading
    assert _new_case(thief, "偷-1") in (401, 403)  # nor writing
    assert thief.get("/ledger").status_code == 303
    with db.session(world.url) as s:
        assert (
            s.scalar(select(WebSession.revoked_at).where(WebSession.token_hash == token_hash(thief.cookies[COOKIE])))
            is not None
        )


def test_page_sign_out_ends_the_session_too(world: World) -> None:
    clerk = world.client("jia_cz")
    thief = _copy(world, clerk)
    r = clerk.post("/logout", data={"csrf_token": clerk.headers["X-CSRF-Token"]})
    assert r.status_code == 303
    assert thief.get("/api/v1/me").status_code == 401


def test_the_cookie_is_an_opaque_token(world: World) -> None:
    clerk = world.client("jia_cz")
    value = clerk.cookies[COOKIE]
    assert 40 <= len(value) <= 60
    decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    assert b"user_id" not in decoded
    assert b"csrf" not in decoded
    assert b"argon" not in decoded
    assert clerk.headers["X-CSRF-Token"] not in value
    with db.session(world.url) as s:  # the database keeps only the token's hash
        assert s.scalar(select(WebSession.id).where(WebSession.token_hash == value)) is None
        assert s.scalar(select(WebSession.id).where(WebSession.token_hash == token_hash(value))) is not None


def test_signing_in_replaces_a_session_fixed_beforehand(world: World) -> None:
    c = world.anonymous()
    c.get("/login")
    before = c.cookies[COOKIE]
    assert c.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD}).status_code == 200
    assert c.cookies[COOKIE] != before


def test_password_change_signs_out_everywhere(world: World) -> None:
    clerk = world.client("jia_cz")
    admin = world.client("admin")
    r = admin.patch(f"/api/v1/admin/users/{world.users['jia_cz']}", json={"password": "brand-new-42"})
    assert r.status_code == 200, r.text
    assert clerk.get("/api/v1/me").status_code == 401
    again = world.anonymous()
    assert again.post("/api/v1/session", json={"username": "jia_cz", "password": "brand-new-42"}).status_code == 200
    assert again.get("/api/v1/me").status_code == 200


def test_admin_signs_a_user_out_everywhere(world: World) -> None:
    laptop, phone, other = world.client("jia_cz"), world.client("jia_cz"), world.client("jia_jy")
    admin = world.client("admin")
    r = admin.delete(f"/api/v1/admin/users/{world.users['jia_cz']}/sessions")
    assert r.status_code == 200
    assert r.json() == {"revoked": 2}
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").status_code == 200  # nobody else
    # the same from the admin page
    again = world.client("jia_cz")
    r = admin.post(f"/admin/users/{world.users['jia_cz']}/sessions", data={"csrf_token": admin.headers["X-CSRF-Token"]})
    assert r.status_code == 303
    assert "在所有设备上退出登录（结束 1 个会话）" in admin.get("/admin").text
    assert again.get("/api/v1/me").status_code == 401


def test_a_stopped_account_is_signed_out(world: World) -> None:
    clerk = world.client("jia_cz")
    admin = world.client("admin")
    assert admin.patch(f"/api/v1/admin/users/{world.users['jia_cz']}", json={"active": False}).status_code == 200
    assert admin.patch(f"/api/v1/admin/users/{world.users['jia_cz']}", json={"active": True}).status_code == 200
    assert clerk.get("/api/v1/me").status_code == 401  # re-enabling does not bring old sessions back


def test_idle_and_absolute_lifetimes(world: World) -> None:
    idle, old = world.client("jia_cz"), world.client("jia_jy")
    now = dt.datetime.now(dt.UTC)
    hours = world.app.state.settings.session_idle_hours
    days = world.app.state.settings.session_days
    with db.session(world.url) as s:
        s.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash(idle.cookies[COOKIE]))
            .values(last_seen=now - dt.timedelta(hours=hours, minutes=1))
        )
        s.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash(old.cookies[COOKIE]))
            .values(created_at=now - dt.timedelta(days=days, minutes=1))
        )
    assert idle.get("/api/v1/me").status_code == 401
    assert old.get("/api/v1/me").status_code == 401
    fresh = world.client("yi_cz")
    with db.session(world.url) as s:  # used within the idle time: still good, and its last-seen moves on
        s.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash(fresh.cookies[COOKIE]))
            .values(last_seen=now - dt.timedelta(hours=hours - 1))
        )
    assert fresh.get("/api/v1/me").status_code == 200
    with db.session(world.url) as s:
        seen = s.scalar(select(WebSession.last_seen).where(WebSession.token_hash == token_hash(fresh.cookies[COOKIE])))
    assert seen is not None
    assert (seen if seen.tzinfo else seen.replace(tzinfo=dt.UTC)) > now - dt.timedelta(minutes=1)


def test_secure_flag_over_https(world: World) -> None:
    plain = world.anonymous()
    r = plain.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD})
    assert "Secure" not in r.headers["set-cookie"]
    assert "HttpOnly" in r.headers["set-cookie"]
    tls = TestClient(world.app, base_url="https://testserver")
    r = tls.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD})
    assert r.status_code == 200
    assert "; Secure" in r.headers["set-cookie"]
    tls.close()
