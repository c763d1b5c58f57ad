"""Scope on every ledger route: another agency's cases do not exist for a clerk (404, empty lists), and a
person who is not signed in is sent to sign in (pages: 303) or told to (API: 401)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import func, select

from nianbao.store import db
from nianbao.store.models import Appeal, Application, Event
from tests.web.conftest import World
from tests.web.test_ledger_pages import seed

D = dt.date
SECRET = "甲县的申请人"
UPLOAD = {"file": ("a.csv", b"reference,received,applicant_type\nz,2026-11-02,1\n")}


def _jia_case(world: World) -> tuple[int, int]:
    """A case of 甲县财政局 with an appeal; returns (case id, appeal id)."""
    case_id = seed(world, "甲县财政局", "2026-0001", D(2026, 10, 20), applicant=SECRET, request="甲县的申请内容")
    c = world.client("jia_cz")
    r = c.post(
        f"/api/v1/cases/{case_id}/appeals", json={"reference": "复议-1", "route": "review", "filed": "2026-11-10"}
    )
    assert r.status_code == 201
    return case_id, r.json()["appeals"][0]["id"]


def _counts(world: World) -> tuple[int, int, int]:
    with db.session(world.url) as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
            for m in (Application, Event, Appeal)
        )


def test_a_clerk_of_another_county_gets_nothing_of_jia(world: World) -> None:
    case_id, appeal_id = _jia_case(world)
    seed(world, "乙县财政局", "2026-0001", D(2026, 11, 2), applicant="乙县的申请人")
    jia = world.agencies["甲县财政局"]
    before = _counts(world)
    c = world.client("yi_cz")

    # lists, the due board, exports: only 乙县财政局's rows
    for path in (
        "/ledger",
        "/ledger?q=甲县",
        "/ledger/due",
        "/ledger/export.csv",
        "/api/v1/cases",
        "/api/v1/cases?q=甲县",
        "/api/v1/due",
        "/api/v1/cases/export",
    ):
        r = c.get(path)
        assert r.status_code == 200, path
        assert SECRET not in r.text, path
        assert "甲县财政局" not in r.text, path
    assert "乙县的申请人" in c.get("/ledger").text
    assert [i["reference"] for i in c.get("/api/v1/cases").json()["items"]] == ["2026-0001"]
    assert c.get("/api/v1/cases").json()["total"] == 1
    rows = list(csv.reader(io.StringIO(c.get("/ledger/export.csv").text.lstrip("\ufeff"))))
    assert [r[3] for r in rows[1:]] == ["乙县的申请人"]

    # every route naming jia's case, appeal or agency: 404
    gets = [
        f"/ledger/{case_id}",
        f"/ledger/{case_id}/deadline",
        f"/ledger?agency_id={jia}",
        f"/ledger/due?agency_id={jia}",
        f"/ledger/export.csv?agency_id={jia}",
        f"/ledger/export.xlsx?agency_id={jia}",
        f"/ledger/new?agency_id={jia}",
        f"/ledger/import?agency_id={jia}",
        f"/api/v1/cases/{case_id}",
        f"/api/v1/cases?agency_id={jia}",
        f"/api/v1/due?agency_id={jia}",
        f"/api/v1/cases/export?agency_id={jia}",
        f"/api/v1/cases/export?agency_id={jia}&format=xlsx",
    ]
    for path in gets:
        r = c.get(path)
        assert r.status_code == 404, path
        assert SECRET not in r.text, path
        assert "甲县财政局" not in r.text, path
    posts: list[tuple[str, dict[str, object]]] = [
        (f"/ledger/{case_id}/events", {"data": {"kind": "answered", "on": "2026-11-10", "version": "1"}}),
        (f"/ledger/{case_id}/close", {"data": {"outcome": "granted", "on": "2026-11-10"}}),
        (f"/ledger/{case_id}/appeals", {"data": {"reference": "x", "route": "review"}}),
        (f"/ledger/{case_id}/appeals/{appeal_id}/decision", {"data": {"result": "upheld", "decided": "2026-11-11"}}),
        (
            "/ledger/new",
            {
                "data": {
                    "agency_id": str(jia),
                    "reference": "x",
                    "received": "2026-11-10",
                    "applicant_type": "natural_person",
                }
            },
        ),
        ("/ledger/import", {"data": {"agency_id": str(jia)}, "files": UPLOAD}),
        (f"/api/v1/cases/{case_id}/events", {"json": {"kind": "answered", "on": "2026-11-10"}}),
        (f"/api/v1/cases/{case_id}/close", {"json": {"outcome": "granted", "on": "2026-11-10"}}),
        (f"/api/v1/cases/{case_id}/appeals", {"json": {"reference": "x", "route": "review"}}),
        (f"/api/v1/cases/{case_id}/appeals/{appeal_id}/decision", {"json": {"result": "upheld"}}),
        ("/api/v1/cases", {"json": {"agency_id": jia, "reference": "x", "applicant_type": "natural_person"}}),
        ("/api/v1/cases/import", {"data": {"agency_id": str(jia)}, "files": UPLOAD}),
    ]
    for path, kwargs in posts:
        r = c.post(path, **kwargs)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        assert SECRET not in r.text, path
    assert _counts(world) == before


def test_a_clerk_cannot_reach_the_other_department_of_the_same_county(world: World) -> None:
    case_id, _ = _jia_case(world)
    c = world.client("jia_jy")
    assert c.get(f"/ledger/{case_id}").status_code == 404
    assert c.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert SECRET not in c.get("/ledger").text
    assert SECRET not in c.get("/ledger/due").text
    assert c.post(f"/api/v1/cases/{case_id}/events", json={"kind": "answered"}).status_code == 404


def test_an_appeal_of_another_case_is_not_reachable_through_ones_own(world: World) -> None:
    _, appeal_id = _jia_case(world)
    own = seed(world, "乙县财政局", "2026-0001", D(2026, 11, 2))
    c = world.client("yi_cz")
    assert c.post(f"/api/v1/cases/{own}/appeals/{appeal_id}/decision", json={"result": "upheld"}).status_code == 404
    assert (
        c.post(
            f"/ledger/{own}/appeals/{appeal_id}/decision", data={"result": "upheld", "decided": "2026-11-11"}
        ).status_code
        == 404
    )


def test_not_signed_in_is_sent_to_sign_in(world: World) -> None:
    case_id, appeal_id = _jia_case(world)
    before = _counts(world)
    c = world.anonymous()
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
    assert token
    c.headers["X-CSRF-Token"] = token.group(1)  # past the CSRF check, to reach the sign-in check
    for path in (
        "/ledger",
        "/ledger/due",
        "/ledger/new",
        "/ledger/import",
        "/ledger/export.csv",
        "/ledger/export.xlsx",
        f"/ledger/{case_id}",
        f"/ledger/{case_id}/deadline",
    ):
        r = c.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")
    assert c.get(f"/ledger/{case_id}/deadline", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/login"
    for path in (
        f"/ledger/{case_id}/events",
        f"/ledger/{case_id}/close",
        f"/ledger/{case_id}/appeals",
        f"/ledger/{case_id}/appeals/{appeal_id}/decision",
        "/ledger/new",
    ):
        assert c.post(path, data={"kind": "answered"}).status_code == 303, path
    for path in ("/api/v1/cases", "/api/v1/due", "/api/v1/cases/export", f"/api/v1/cases/{case_id}"):
        r = c.get(path)
        assert r.status_code == 401, path
        assert r.json() == {"detail": "请先登录"}
    for path in (
        "/api/v1/cases",
        f"/api/v1/cases/{case_id}/events",
        f"/api/v1/cases/{case_id}/close",
        f"/api/v1/cases/{case_id}/appeals",
        f"/api/v1/cases/{case_id}/appeals/{appeal_id}/decision",
    ):
        assert c.post(path, json={}).status_code in (401, 422), path
    r = c.post("/api/v1/cases", json={"reference": "x", "applicant_type": "natural_person"})
    assert r.status_code == 401
    r = c.post("/api/v1/cases/import", files={"file": ("a.csv", b"reference\n")})
    assert r.status_code == 401
    assert _counts(world) == before
    # and without the token nothing gets through either
    bare = world.anonymous()
    assert bare.post("/api/v1/cases", json={"reference": "x", "applicant_type": "natural_person"}).status_code == 403
