"""系统管理: users, agencies, the working-day calendar and the report deadlines — administrators only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from nianbao.ledger import agencies, calendar_store, cases
from nianbao.store import db
from nianbao.store.models import Application
from tests.web.conftest import PASSWORD, World

NEW_PASSWORD = "fresh-pass-99"


def csrf(client: TestClient) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin").text)
    assert m, "no CSRF field"
    return m.group(1)


def form(client: TestClient, path: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
    """Posts a form as a browser does: the CSRF token as a field, not a header."""
    token = csrf(client)
    header = client.headers.pop("X-CSRF-Token", None)
    try:
        r: httpx.Response = client.post(path, data={**data, "csrf_token": token}, **kwargs)
        return r
    finally:
        if header is not None:
            client.headers["X-CSRF-Token"] = header


def sign_in(world: World, username: str, password: str) -> int:
    r: httpx.Response = world.anonymous().post("/api/v1/session", json={"username": username, "password": password})
    return r.status_code


def test_create_user_with_the_form_then_sign_in_as_them(world: World) -> None:
    admin = world.client("admin")
    r = form(
        admin,
        "/admin/users",
        {
            "username": "jia_new",
            "display_name": "新同事",
            "role": "clerk",
            "agency_id": str(world.agencies["甲县教育局"]),
            "password": NEW_PASSWORD,
        },
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/admin#users"
    page = admin.get("/admin").text
    assert "已创建用户“jia_new”" in page
    assert "新同事" in page
    assert "$argon2" not in page
    me = world.anonymous()
    assert me.post("/api/v1/session", json={"username": "jia_new", "password": NEW_PASSWORD}).status_code == 200
    mine = me.get("/api/v1/me").json()
    assert (mine["role"], mine["agency_name"], mine["display_name"]) == ("clerk", "甲县教育局", "新同事")
    # refusals are shown on the page, in Chinese
    r = form(
        admin,
        "/admin/users",
        {
            "username": "jia_new",
            "role": "clerk",
            "password": NEW_PASSWORD,
            "agency_id": str(world.agencies["甲县教育局"]),
        },
    )
    assert r.status_code == 409
    assert "用户名“jia_new”已存在" in r.text
    r = form(admin, "/admin/users", {"username": "x2", "role": "clerk", "password": "short", "agency_id": ""})
    assert r.status_code == 400
    assert "除系统管理员外，用户必须属于一个机关" in r.text
    r = form(
        admin,
        "/admin/users",
        {"username": "x3", "role": "clerk", "password": "short", "agency_id": str(world.agencies["甲县教育局"])},
    )
    assert r.status_code == 400
    assert "密码至少 8 个字符" in r.text


def test_user_api_create_patch_deactivate_and_reset(world: World) -> None:
    admin = world.client("admin")
    r = admin.post(
        "/api/v1/admin/users",
        json={
            "username": "yi_rev",
            "role": "reviewer",
            "password": NEW_PASSWORD,
            "agency_id": world.agencies["乙县人民政府"],
        },
    )
    assert r.status_code == 201, r.text
    user = r.json()
    assert (user["role_label"], user["agency_name"], user["active"]) == ("审核人员", "乙县人民政府", True)
    assert "password" not in r.text
    assert "hash" not in r.text
    listed = admin.get("/api/v1/admin/users")
    assert "$argon2" not in listed.text
    assert [u["username"] for u in listed.json()][-1] == "yi_rev"
    assert (
        admin.post(
            "/api/v1/admin/users",
            json={
                "username": "yi_rev",
                "role": "clerk",
                "password": NEW_PASSWORD,
                "agency_id": world.agencies["乙县财政局"],
            },
        ).status_code
        == 409
    )
    uid = user["id"]
    assert admin.patch(f"/api/v1/admin/users/{uid}", json={"active": False}).json()["active"] is False
    assert sign_in(world, "yi_rev", NEW_PASSWORD) == 400
    assert (
        admin.patch(f"/api/v1/admin/users/{uid}", json={"active": True, "password": "another-pass-1"}).status_code
        == 200
    )
    assert sign_in(world, "yi_rev", NEW_PASSWORD) == 400
    assert sign_in(world, "yi_rev", "another-pass-1") == 200
    r = admin.patch(
        f"/api/v1/admin/users/{uid}", json={"role": "supervisor", "agency_id": world.agencies["乙县财政局"]}
    )
    assert (r.json()["role"], r.json()["agency_name"]) == ("supervisor", "乙县财政局")
    r = admin.patch(f"/api/v1/admin/users/{uid}", json={"agency_id": None})
    assert r.status_code == 400
    assert r.json()["detail"] == "除系统管理员外，用户必须属于一个机关"
    assert admin.patch(f"/api/v1/admin/users/{uid}", json={"password": "12345678"}).status_code == 400
    assert admin.patch("/api/v1/admin/users/99999", json={"active": False}).status_code == 404


def test_admin_cannot_lock_themself_out(world: World) -> None:
    admin = world.client("admin")
    me = world.users["admin"]
    r = admin.patch(f"/api/v1/admin/users/{me}", json={"active": False})
    assert (r.status_code, r.json()["detail"]) == (400, "不能停用自己的账户")
    r = admin.patch(f"/api/v1/admin/users/{me}", json={"role": "clerk", "agency_id": world.agencies["甲县财政局"]})
    assert (r.status_code, r.json()["detail"]) == (400, "不能取消自己的管理员角色")
    r = form(admin, f"/admin/users/{me}/active", {"active": "0"})
    assert r.status_code == 400
    assert "不能停用自己的账户" in r.text


def test_page_deactivate_and_reset_password(world: World) -> None:
    admin = world.client("admin")
    target = world.users["jia_jy"]
    jy = world.client("jia_jy")
    assert form(admin, f"/admin/users/{target}/active", {"active": "0"}).status_code == 303
    assert jy.get("/api/v1/me").status_code == 401  # signed out at once
    assert form(admin, f"/admin/users/{target}/active", {"active": "1"}).status_code == 303
    assert form(admin, f"/admin/users/{target}/password", {"password": NEW_PASSWORD}).status_code == 303
    assert sign_in(world, "jia_jy", PASSWORD) == 400
    assert sign_in(world, "jia_jy", NEW_PASSWORD) == 200
    assert form(admin, "/admin/users/99999/password", {"password": NEW_PASSWORD}).status_code == 404


def test_agencies_tree_create_and_cycles_refused(world: World) -> None:
    admin = world.client("admin")
    jia, cz = world.agencies["甲县人民政府"], world.agencies["甲县财政局"]
    r = admin.post("/api/v1/admin/agencies", json={"name": "甲县财政局国库科", "level": "department", "parent_id": cz})
    assert r.status_code == 201, r.text
    kid = r.json()
    assert (kid["parent_id"], kid["depth"]) == (cz, 2)
    tree = [(a["name"], a["depth"]) for a in admin.get("/api/v1/admin/agencies").json()]
    assert tree == [
        ("甲县人民政府", 0),
        ("甲县财政局", 1),
        ("甲县财政局国库科", 2),
        ("甲县教育局", 1),
        ("乙县人民政府", 0),
        ("乙县财政局", 1),
    ]
    assert admin.post("/api/v1/admin/agencies", json={"name": "甲县财政局", "level": "department"}).status_code == 409
    # 甲县人民政府 under its own grandchild: refused, nothing changed
    r = admin.patch(f"/api/v1/admin/agencies/{jia}", json={"parent_id": kid["id"], "name": "改名"})
    assert r.status_code == 409
    assert "循环" in r.json()["detail"]
    r = admin.patch(f"/api/v1/admin/agencies/{jia}", json={"parent_id": jia})
    assert r.status_code == 409
    r = form(admin, f"/admin/agencies/{cz}", {"name": "甲县财政局", "level": "department", "parent_id": str(kid["id"])})
    assert r.status_code == 409
    assert "会形成循环" in r.text
    assert next(a["name"] for a in admin.get("/api/v1/admin/agencies").json()) == "甲县人民政府"
    # rename and move to the top level
    r = admin.patch(
        f"/api/v1/admin/agencies/{kid['id']}", json={"name": "甲县国库中心", "parent_id": None, "level": "government"}
    )
    assert (r.json()["name"], r.json()["parent_id"], r.json()["level"]) == ("甲县国库中心", None, "government")
    r = form(admin, "/admin/agencies", {"name": "丙县人民政府", "level": "government", "parent_id": ""})
    assert r.status_code == 303
    assert "已创建机关“丙县人民政府”" in admin.get("/admin").text
    assert admin.post("/api/v1/admin/agencies", json={"name": "x\u0000y", "level": "department"}).status_code == 400


def test_agency_list_is_scoped_for_every_role(world: World) -> None:
    expected = {
        "jia_cz": ["甲县财政局"],
        "yi_cz": ["乙县财政局"],
        "jia_rev": ["甲县人民政府", "甲县财政局", "甲县教育局"],
        "yi_sup": ["乙县人民政府", "乙县财政局"],
        "admin": ["甲县人民政府", "甲县财政局", "甲县教育局", "乙县人民政府", "乙县财政局"],
    }
    for username, names in expected.items():
        r = world.client(username).get("/api/v1/agencies")
        assert r.status_code == 200
        assert [a["name"] for a in r.json()] == names, username
    assert world.anonymous().get("/api/v1/agencies").status_code == 401


ADMIN_ROUTES = [
    ("GET", "/admin", None),
    ("POST", "/admin/users", {}),
    ("POST", "/admin/agencies", {}),
    ("POST", "/admin/calendar", {}),
    ("POST", "/admin/deadlines", {}),
    ("POST", "/admin/users/1/active", {}),
    ("POST", "/admin/users/1/password", {}),
    ("POST", "/admin/users/1", {}),
    ("POST", "/admin/agencies/1", {}),
    ("GET", "/api/v1/admin/users", None),
    ("POST", "/api/v1/admin/users", {}),
    ("PATCH", "/api/v1/admin/users/1", {}),
    ("GET", "/api/v1/admin/agencies", None),
    ("POST", "/api/v1/admin/agencies", {}),
    ("PATCH", "/api/v1/admin/agencies/1", {}),
    ("GET", "/api/v1/admin/calendar", None),
    ("PUT", "/api/v1/admin/calendar", {"text": "2027-01-01 休"}),
]


@pytest.mark.parametrize("username", ["jia_cz", "yi_cz", "jia_rev", "yi_sup"])
def test_everyone_but_admins_gets_403(world: World, username: str) -> None:
    c = world.client(username)
    for method, path, body in ADMIN_ROUTES:
        r = c.request(method, path, json=body)
        assert r.status_code == 403, (method, path, r.status_code)
        assert "仅供系统管理员使用" in r.text


def test_calendar_override_moves_a_ledger_deadline(world: World) -> None:
    with db.session(world.url) as s:
        agency = agencies.find_agency(s, "甲县财政局")
        case = cases.add_case(
            s, agency, "2026-001", dt.date(2026, 11, 2), "natural_person", calendar=calendar_store.load_calendar(s)
        )
        before = case.due
    assert before == dt.date(2026, 11, 30)  # 20 working days after Monday 2 November 2026
    admin = world.client("admin")
    r = admin.put("/api/v1/admin/calendar", json={"text": "# 假设的临时调整\n2026-11-10 休 临时休息\nyear: 2027\n"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["stored_days"], body["new_years"], body["refreshed_cases"], body["years"]) == (1, 1, 1, [2027])
    assert body["days"] == [{"day": "2026-11-10", "workday": False, "note": ""}]
    with db.session(world.url) as s:
        moved = s.get(Application, case.id)
        assert moved is not None
        assert moved.due == dt.date(2026, 12, 1)  # one working day fewer: a day later
        assert cases.deadline(moved, calendar_store.load_calendar(s)).due == dt.date(2026, 12, 1)
    assert "2026-11-10 休" in admin.get("/api/v1/admin/calendar").json()["text"]
    r = admin.put("/api/v1/admin/calendar", json={"text": "2026-11-10 休\n2026-11-10 班\n"})
    assert r.status_code == 422
    assert r.json()["detail"] == "第 2 行：2026-11-10 前面已登记为“休”，此处又登记为“班”"


def test_calendar_page_shows_errors_in_chinese_and_takes_a_file(world: World) -> None:
    admin = world.client("admin")
    r = form(admin, "/admin/calendar", {"text": "year: 2027\n2027-02-30 休\n"})
    assert r.status_code == 400
    assert "第 2 行：日期“2027-02-30”不存在或格式错误（应为 YYYY-MM-DD）" in r.text
    assert "2027-02-30 休" in r.text  # the text is kept for correction
    r = form(
        admin,
        "/admin/calendar",
        {"replace": "1"},
        files={"file": ("2027.txt", "year: 2027\n2027-01-01 休 元旦\n2027-02-06 班\n".encode(), "text/plain")},
    )
    assert r.status_code == 303, r.text
    page = admin.get("/admin").text
    assert "已导入工作日历：2 个日期，新声明 1 个完整年份" in page
    assert "2027-02-06" in page
    r = form(admin, "/admin/calendar", {}, files={"file": ("bad.txt", b"\xff\xfe\x00bad", "text/plain")})
    assert r.status_code == 400
    assert "不是 UTF-8 文本" in r.text


def test_report_deadlines_are_configurable(world: World) -> None:
    admin = world.client("admin")
    r = form(admin, "/admin/deadlines", {"department": "1月20日", "government": "03-15"})
    assert r.status_code == 303
    cells = admin.get("/api/v1/jurisdiction/status?years=2024").json()["agencies"]
    due = {a["name"]: a["cells"][0]["deadline"] for a in cells}
    assert due["甲县财政局"] == "2025-01-20"
    assert due["甲县人民政府"] == "2025-03-15"
    r = form(admin, "/admin/deadlines", {"department": "02-29", "government": "03-15"})
    assert r.status_code == 400
    assert "不存在" in r.text
