"""报告核查, the JSON API and the service other areas call: uploads with per-file results and their
status codes, the list and its filters, a report's cells and findings, reviews, comments, returns,
matching printed names, the previous year's report and the parse cache."""

from __future__ import annotations

import re

import pytest

from nianbao.read.inputs import KINDS as READER_SUFFIXES
from nianbao.store import db
from nianbao.store.models import StoredReport
from nianbao.web.check import service
from nianbao.web.check.parsing import ACCEPT, CACHE, UploadRefused, clean_filename, refuse_early
from nianbao.web.core.people import Viewer
from tests.web.conftest import World
from tests.web.test_check import corpus, row, sample, stored_id, upload


def test_upload_answers_per_file(world: World) -> None:
    c = world.client("jia_cz")
    r = upload(c, sample("000"), ("a.exe", b"MZ"), ("b.txt", b""))
    assert r.status_code == 201
    body = r.json()
    assert (body["stored"], body["refused"]) == (1, 2)
    ok, exe, empty = body["results"]
    assert ok["ok"]
    assert ok["report"]["agency_id"] == world.agencies["甲县财政局"]
    assert ok["report"]["warnings"] == 2
    assert ok["report"]["url"] == f"/check/{ok['report']['id']}"
    assert (exe["ok"], exe["reason"], exe["report"]) == (False, "type", None)
    assert exe["message"].startswith("文件“a.exe”的类型不受支持")
    assert (empty["reason"], empty["message"]) == ("empty", "文件“b.txt”为空")


def test_upload_status_when_nothing_is_stored(world: World) -> None:
    c = world.client("jia_cz")
    r = upload(c, ("a.exe", b"MZ"), ("b.rar", b"Rar!"))
    assert r.status_code == 415
    assert r.json()["detail"].startswith("文件“a.exe”的类型不受支持")
    r = upload(c, ("notes.txt", "只有一句话。".encode()))
    assert r.status_code == 422
    assert r.json()["results"][0]["reason"] == "unreadable"
    assert "不像一份年度报告" in r.json()["detail"]
    assert c.post("/api/v1/reports", data={"agency_id": "0"}, files=[("files", ("x.txt", b"x"))]).status_code == 422
    assert c.post("/api/v1/reports", data={}).status_code == 422
    assert c.get("/api/v1/reports").json()["total"] == 0


def test_list_filters_and_paging(world: World) -> None:
    sup = world.client("jia_sup")
    a = stored_id(sup, sample("001"), agency_id=world.agencies["甲县财政局"])
    b = stored_id(sup, sample("000"), agency_id=world.agencies["甲县教育局"])
    c = stored_id(sup, sample("002"))
    data = sup.get("/api/v1/reports").json()
    assert data["total"] == 3
    assert [x["id"] for x in data["items"]] == [c, b, a]
    assert [x["id"] for x in sup.get("/api/v1/reports", params={"limit": 1, "offset": 1}).json()["items"]] == [b]
    assert [x["id"] for x in sup.get("/api/v1/reports", params={"year": 2020}).json()["items"]] == [c]
    edu = sup.get("/api/v1/reports", params={"agency_id": world.agencies["甲县教育局"]}).json()
    assert [x["id"] for x in edu["items"]] == [b]
    assert edu["items"][0]["agency_name"] == "甲县教育局"
    assert [x["id"] for x in sup.get("/api/v1/reports", params={"q": "教育"}).json()["items"]] == [b]
    assert [x["id"] for x in sup.get("/api/v1/reports", params={"q": "乡宁"}).json()["items"]] == [c]
    assert sup.get("/api/v1/reports", params={"q": "\x00"}).status_code == 200
    for bad in ({"limit": 500}, {"limit": 0}, {"year": 1900}, {"offset": -1}, {"agency_id": "x"}):
        assert sup.get("/api/v1/reports", params=bad).status_code == 422, bad


def test_report_detail_has_cells_findings_reviews_and_comments(world: World) -> None:
    c = world.client("jia_sup")
    report_id = stored_id(c, sample("003"), agency_id=world.agencies["甲县财政局"])
    d = c.get(f"/api/v1/reports/{report_id}").json()
    assert (d["printed_agency"], d["year"], d["format"], d["kind"]) == ("忻州市审计局", 2023, "2021", "txt")
    assert d["published"] == "2024-01-10"
    assert d["cells"]["applications.new.total"] == 0
    assert [f["rule"] for f in d["findings"]] == ["F304"]
    fp = d["findings"][0]["fingerprint"]
    assert d["findings"][0]["review"] is None
    r = c.put(f"/api/v1/reports/{report_id}/findings/{fp}", json={"decision": "confirmed", "note": "请更正"})
    assert r.status_code == 200
    assert r.json()["review"]["decision"] == "confirmed"
    assert r.json()["review"]["user_id"] == world.users["jia_sup"]
    assert c.post(f"/api/v1/reports/{report_id}/comments", json={"text": "见 F304"}).status_code == 201
    d = c.get(f"/api/v1/reports/{report_id}").json()
    assert d["findings"][0]["review"]["note"] == "请更正"
    assert [(x["user_name"], x["text"]) for x in d["comments"]] == [("jia_sup", "见 F304")]
    audit = c.get(f"/api/v1/reports/{report_id}/audit").json()
    assert audit["counts"] == {"info": 1, "warning": 0, "error": 0}
    r = c.put(f"/api/v1/reports/{report_id}/findings/{fp}", json={"decision": "clear"})
    assert r.status_code == 200
    assert r.json()["review"] is None
    assert c.put(f"/api/v1/reports/{report_id}/findings/{fp}", json={"decision": "maybe"}).status_code == 422
    assert c.put(f"/api/v1/reports/{report_id}/findings/ffff", json={"decision": "confirmed"}).status_code == 404
    assert c.post(f"/api/v1/reports/{report_id}/comments", json={"text": "  "}).status_code == 422
    assert c.get("/api/v1/reports/999999").status_code == 404
    assert c.get("/api/v1/reports/0").status_code == 422


def test_return_through_the_api(world: World) -> None:
    report_id = stored_id(world.client("jia_cz"), sample("000"))
    sup = world.client("jia_sup")
    assert sup.post(f"/api/v1/reports/{report_id}/return", json={"note": ""}).status_code == 422
    r = sup.post(f"/api/v1/reports/{report_id}/return", json={"note": "请统一编号"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["status_note"]) == ("returned", "请统一编号")
    mine = world.client("jia_cz").get("/api/v1/reports").json()["items"][0]
    assert mine["status"] == "returned"


def test_previous_years_report_is_used_for_cross_year_rules(world: World) -> None:
    c = world.client("jia_cz")
    earlier = stored_id(c, corpus("r012.txt"))  # 2023
    later = stored_id(c, sample("000"))  # 2024, another agency's text filed under the same agency
    with db.session(world.url) as s:
        stored = s.get(StoredReport, later)
        assert stored is not None
        previous = service.previous_row(s, stored)
        assert previous is not None
        assert previous.id == earlier
        audit = service.audit_of(s, stored)
    pairing = [f for f in audit.findings if f.rule == "Y701"]
    assert len(pairing) == 1
    assert pairing[0].status.value == "not_assessable"


def _viewer(world: World, username: str, role: str, agency: str | None, scope: set[str] | None) -> Viewer:
    ids = frozenset(world.agencies[n] for n in scope) if scope is not None else None
    return Viewer(
        world.users.get(username, 1),
        username,
        username,
        role,
        world.agencies[agency] if agency else None,
        agency or "",
        ids,
    )


def test_match_agency(world: World) -> None:
    from nianbao.ledger import agencies

    with db.session(world.url) as s:
        bureau = agencies.set_agency(s, "二道江区审计局", level="department", parent="甲县人民政府").id
    sup = _viewer(world, "jia_sup", "supervisor", "甲县人民政府", {"甲县人民政府", "甲县财政局", "甲县教育局"})
    sup = Viewer(
        sup.id,
        sup.username,
        sup.display_name,
        sup.role,
        sup.agency_id,
        sup.agency_name,
        (sup.scope or frozenset()) | {bureau},
    )
    with db.session(world.url) as s:

        def match(printed: str | None) -> int | None:
            found = service.match_agency(s, sup, printed)
            return found.id if found else None

        assert match("二道江区审计局") == bureau
        assert match("通化市二道江区审计局") == bureau  # the printed name adds the city
        assert match("二道江区 审计局") == bureau  # whitespace aside
        assert match("二道江区·审计局") == bureau  # punctuation aside too (`agency_key`: a fix)
        assert match("甲县财政局（本级）") == world.agencies["甲县财政局"]
        assert match("甲县 财政局") == world.agencies["甲县财政局"]
        assert match("县教育") == world.agencies["甲县教育局"]  # contained in a stored name
        assert match("局") is None  # too short to mean anything
        assert match("乙县财政局") is None  # not in scope
        assert match(None) is None
        assert match("") is None


def test_printed_differs_compares_names_by_agency_key() -> None:
    from nianbao.store.models import Agency
    from nianbao.web.check.views import printed_differs

    def stored(filed_under: str, printed: str) -> StoredReport:
        return StoredReport(agency=Agency(name=filed_under), printed_agency=printed)

    assert not printed_differs(stored("二道江区审计局", "通化市 二道江区审计局"))
    assert not printed_differs(stored("某市财政局(本级)", "某市财政局（本级）"))  # a fix: brackets of either width
    assert printed_differs(stored("甲县财政局", "乙县财政局"))


def test_admin_upload_needs_an_agency_when_nothing_matches(world: World) -> None:
    admin = _viewer(world, "admin", "admin", None, None)
    with db.session(world.url) as s, pytest.raises(UploadRefused, match="请选择归属机关"):
        service.store_report(s, admin, "002.txt", sample("002")[1])


def test_service_store_report_refusals(world: World) -> None:
    clerk = _viewer(world, "jia_cz", "clerk", "甲县财政局", {"甲县财政局"})
    with db.session(world.url) as s:
        with pytest.raises(UploadRefused, match=re.escape("超过 0.001 MB 上限")):
            service.store_report(s, clerk, "000.txt", sample("000")[1], max_bytes=1048)
        with pytest.raises(UploadRefused, match="扩展名（无扩展名）"):
            service.store_report(s, clerk, "README", b"hello")
        with pytest.raises(service.CheckError):
            service.store_report(s, clerk, "000.txt", sample("000")[1], source="fax")
        stored = service.store_report(s, clerk, "../../etc/000.txt", sample("000")[1], source="ledger")
        assert stored.filename == "000.txt"
        assert stored.source == "ledger"


def test_report_of_reads_back_through_the_cache(world: World) -> None:
    report_id = stored_id(world.client("jia_cz"), sample("001"))
    CACHE.clear()
    with db.session(world.url) as s:
        stored = s.get(StoredReport, report_id)
        assert stored is not None
        first = service.report_of(stored)
        assert first.agency == "二道江区机关事务管理局"
        assert len(first.blank_keys) > 100
        assert service.report_of(stored) is first  # cached
    assert row(world, report_id).year == 2024


def test_uploads_take_every_suffix_the_reader_knows_and_no_other() -> None:
    for suffix in READER_SUFFIXES:
        refuse_early(f"报告{suffix.upper()}", 10, None)  # not refused, whatever the case of the suffix
    assert set(ACCEPT.split(",")) == set(READER_SUFFIXES)  # what the upload form's file chooser offers
    for name in ("报告.xls", "报告.rar", "报告"):
        with pytest.raises(UploadRefused) as refused:
            refuse_early(name, 10, None)
        assert refused.value.reason == "type"


def test_clean_filename() -> None:
    assert clean_filename("C:\\Users\\x\\报告.docx") == "报告.docx"
    assert clean_filename("a\x00b\n.txt") == "ab.txt"
    assert clean_filename("") == "未命名文件"
    long = clean_filename("长" * 300 + ".pdf")
    assert len(long) == 200
    assert long.endswith(".pdf")
