"""报告核查, scope and roles: every route of the area, pages and API, keeps other agencies' reports out
of sight (404, empty lists), refuses role-forbidden actions (403) and sends strangers to sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from nianbao.store import db
from nianbao.store.models import Comment, FindingReview
from tests.web.conftest import World
from tests.web.test_check import sample, stored_id, upload


@dataclass
class Jia:
    report: int  # 甲县财政局's report (uploaded by its clerk)
    unmatched: int  # a report jia_rev checked that matched no agency (owned by 甲县人民政府)
    fingerprint: str  # a finding of `report`


@pytest.fixture
def jia(world: World) -> Jia:
    report = stored_id(world.client("jia_cz"), sample("000"))
    unmatched = stored_id(world.client("jia_rev"), sample("002"))
    findings = world.client("jia_sup").get(f"/api/v1/reports/{report}/audit").json()["findings"]
    return Jia(report, unmatched, next(f["fingerprint"] for f in findings if f["rule"] == "S403"))


def _page_routes(j: Jia) -> list[tuple[str, str, dict[str, str]]]:
    r, fp = j.report, j.fingerprint
    return [
        ("GET", f"/check/{r}", {}),
        ("GET", f"/check/{r}/audit.html", {}),
        ("GET", f"/check/{r}/audit.json", {}),
        ("GET", f"/check/{r}/file", {}),
        ("POST", f"/check/{r}/findings/{fp}", {"decision": "dismissed"}),
        ("POST", f"/check/{r}/comments", {"text": "看看"}),
        ("POST", f"/check/{r}/return", {"note": "退回"}),
    ]


def _api_routes(j: Jia) -> list[tuple[str, str, dict[str, str]]]:
    r, fp = j.report, j.fingerprint
    return [
        ("GET", f"/api/v1/reports/{r}", {}),
        ("GET", f"/api/v1/reports/{r}/audit", {}),
        ("PUT", f"/api/v1/reports/{r}/findings/{fp}", {"decision": "dismissed"}),
        ("POST", f"/api/v1/reports/{r}/comments", {"text": "看看"}),
        ("POST", f"/api/v1/reports/{r}/return", {"note": "退回"}),
    ]


def _call(c: TestClient, method: str, url: str, payload: dict[str, str], *, api: bool) -> int:
    if method == "GET":
        return int(c.get(url).status_code)
    if api:
        return int(c.request(method, url, json=payload).status_code)
    return int(c.request(method, url, data=payload).status_code)


@pytest.mark.parametrize("who", ["yi_cz", "yi_sup", "jia_jy"])
def test_other_agencies_get_404_on_every_route(world: World, jia: Jia, who: str) -> None:
    c = world.client(who)
    for method, url, payload in _page_routes(jia):
        assert _call(c, method, url, payload, api=False) == 404, (who, method, url)
    for method, url, payload in _api_routes(jia):
        r = c.request(method, url, json=payload) if method != "GET" else c.get(url)
        assert r.status_code == 404, (who, method, url)
        assert r.json()["detail"] == "未找到该报告，或您无权查看"
        assert "甲县" not in r.text
        assert "二道江" not in r.text
    # nothing was changed by the refused requests
    with db.session(world.url) as s:
        assert s.query(Comment).count() == 0
        assert s.query(FindingReview).count() == 0


def test_unmatched_report_is_seen_by_the_jurisdiction_not_by_its_departments(world: World, jia: Jia) -> None:
    assert world.client("jia_cz").get(f"/check/{jia.unmatched}").status_code == 404
    assert world.client("jia_sup").get(f"/check/{jia.unmatched}").status_code == 200
    assert world.client("admin").get(f"/check/{jia.unmatched}").status_code == 200
    listed = {x["id"] for x in world.client("jia_cz").get("/api/v1/reports").json()["items"]}
    assert listed == {jia.report}
    listed = {x["id"] for x in world.client("jia_sup").get("/api/v1/reports").json()["items"]}
    assert listed == {jia.report, jia.unmatched}


@pytest.mark.parametrize("who", ["yi_cz", "yi_sup"])
def test_lists_never_show_other_agencies_reports(world: World, jia: Jia, who: str) -> None:
    own = stored_id(world.client(who), sample("001"))
    c = world.client(who)
    page = c.get("/check").text
    assert set(map(int, re.findall(r'href="/check/(\d+)"', page))) == {own}
    assert "甲县" not in page
    assert "乡宁县" not in page
    assert "共 1 份" in page
    data = c.get("/api/v1/reports").json()
    assert data["total"] == 1
    assert [x["id"] for x in data["items"]] == [own]
    jia_agency = world.agencies["甲县财政局"]
    assert c.get("/api/v1/reports", params={"agency_id": jia_agency}).json() == {"total": 0, "items": []}
    assert "共 0 份" in c.get("/check", params={"agency": str(jia_agency)}).text
    found = c.get("/api/v1/reports", params={"q": "二道江"}).json()  # both seeds are of 二道江区
    assert [x["id"] for x in found["items"]] == [own]


def test_upload_to_an_agency_out_of_scope_is_404(world: World) -> None:
    jia_agency, jy = world.agencies["甲县财政局"], world.agencies["甲县教育局"]
    assert upload(world.client("yi_sup"), sample("000"), agency_id=jia_agency).status_code == 404
    assert upload(world.client("yi_sup"), sample("000"), agency_id=jia_agency, page=True).status_code == 404
    assert upload(world.client("jia_cz"), sample("000"), agency_id=jy).status_code == 404
    assert upload(world.client("jia_cz"), sample("000"), agency_id=999999).status_code == 404
    assert upload(world.client("jia_cz"), sample("000"), agency_id=world.agencies["甲县财政局"]).status_code == 201
    assert world.client("jia_sup").get("/api/v1/reports").json()["total"] == 1


def test_role_forbidden_actions_are_403_on_an_own_report(world: World, jia: Jia) -> None:
    clerk = world.client("jia_cz")
    r = clerk.post(f"/check/{jia.report}/findings/{jia.fingerprint}", data={"decision": "dismissed"})
    assert r.status_code == 403
    assert "确认或排除" in r.text
    r = clerk.put(f"/api/v1/reports/{jia.report}/findings/{jia.fingerprint}", json={"decision": "dismissed"})
    assert r.status_code == 403
    for who in ("jia_cz", "jia_rev"):
        r = world.client(who).post(f"/api/v1/reports/{jia.report}/return", json={"note": "退回"})
        assert r.status_code == 403, who
        assert r.json()["detail"] == "只有政务公开监管人员和管理员可以退回报告"
    # the reviewer may review, the clerk may comment
    r = world.client("jia_rev").put(
        f"/api/v1/reports/{jia.report}/findings/{jia.fingerprint}", json={"decision": "dismissed"}
    )
    assert r.status_code == 200
    assert clerk.post(f"/api/v1/reports/{jia.report}/comments", json={"text": "收到"}).status_code == 201


def test_anonymous_is_sent_to_sign_in(world: World, jia: Jia) -> None:
    c = world.anonymous()
    for url in ("/check", "/check?year=2024", *(u for m, u, _ in _page_routes(jia) if m == "GET")):
        r = c.get(url)
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/login?next=")
    assert c.get("/api/v1/reports").status_code == 401
    for method, url, payload in _api_routes(jia):
        r = c.request(method, url, json=payload) if method != "GET" else c.get(url)
        assert r.status_code in (401, 403), (method, url)  # unsafe methods: no CSRF token either
    # with the session's CSRF token (from the sign-in page), unsafe requests meet the sign-in check
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
    assert token
    c.headers["X-CSRF-Token"] = token.group(1)
    for method, url, payload in _api_routes(jia):
        if method != "GET":
            assert c.request(method, url, json=payload).status_code == 401, url
    for method, url, payload in _page_routes(jia):
        if method == "POST":
            r = c.post(url, data=payload)
            assert r.status_code == 303, url
            assert r.headers["location"].startswith("/login"), url
    assert upload(c, sample("000")).status_code == 401
    assert upload(c, sample("000"), page=True).status_code == 303
