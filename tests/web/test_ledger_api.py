"""The ledger's JSON API (/api/v1/cases, /api/v1/due): the same walk as the pages, and its refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from nianbao.store import db
from nianbao.store.models import Application
from tests.web.conftest import World
from tests.web.test_ledger_pages import seed, stored

D = dt.date


def _pin_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """chinesecalendar 1.11.0's range, whatever version is installed: 2027 is uncovered."""
    from nianbao.ledger import calendar as cal

    monkeypatch.setattr(cal, "LIBRARY_YEARS", (2004, 2026))
    cal._library_is_workday.cache_clear()


def test_clerk_registers_and_walks_a_case_through_the_api(world: World) -> None:
    c = world.client("jia_cz")
    r = c.post(
        "/api/v1/cases",
        json={
            "reference": "2025-0107",
            "received": "2025-09-26",
            "applicant_type": "自然人",
            "channel": "网络",
            "applicant": "张三",
            "request": "某项目环评批复",
        },
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["agency_id"] == world.agencies["甲县财政局"]
    assert (case["applicant_type"], case["channel"], case["version"]) == ("natural_person", "online", 1)
    assert case["deadline"]["due"] == "2025-10-30"
    assert case["deadline"]["explanation"][-1] == (
        "答复期限：2025年10月30日（星期四），20个工作日，自2025年9月26日次日起算"
    )
    assert case["next_step"] == "answered"
    assert [e["kind_label"] for e in case["events"]] == ["登记收到申请"]
    case_id = case["id"]

    r = c.post(
        f"/api/v1/cases/{case_id}/events",
        json={"kind": "补正通知", "on": "2025-09-29", "until": "2025-10-10", "expected_version": 1},
    )
    assert r.status_code == 201, r.text
    assert r.json()["deadline"]["due"] is None
    assert r.json()["deadline"]["suspended"] is True
    assert r.json()["next_step"] == "correction_received"
    r = c.post(
        f"/api/v1/cases/{case_id}/events",
        json={"kind": "correction_received", "on": "2025-10-09", "expected_version": 2},
    )
    assert r.status_code == 201
    assert r.json()["deadline"]["due"] == "2025-11-05"
    assert r.json()["version"] == 3

    r = c.post(f"/api/v1/cases/{case_id}/close", json={"outcome": "granted", "on": "2025-10-30", "expected_version": 1})
    assert r.status_code == 409
    assert r.json()["detail"].startswith("该案件已被他人修改，请刷新后重试")
    r = c.post(
        f"/api/v1/cases/{case_id}/close",
        json={"outcome": "applications.granted", "on": "2025-10-30", "expected_version": 3},
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["status_label"], done["outcome"], done["outcome_label"]) == (
        "closed",
        "已办结",
        "granted",
        "予以公开",
    )
    assert done["next_step"] is None
    r = c.post(f"/api/v1/cases/{case_id}/events", json={"kind": "answered", "on": "2025-10-31"})
    assert r.status_code == 400
    assert "已于 2025-10-30 办结，不能再登记事件" in r.json()["detail"]

    r = c.post(
        f"/api/v1/cases/{case_id}/appeals", json={"reference": "诉2025-1", "route": "直接起诉", "filed": "2025-12-01"}
    )
    assert r.status_code == 201, r.text
    appeal = r.json()["appeals"][0]
    assert (appeal["route"], appeal["result"]) == ("litigation_direct", "pending")
    r = c.post(
        f"/api/v1/cases/{case_id}/appeals/{appeal['id']}/decision", json={"result": "纠正", "decided": "2026-03-01"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["appeals"][0]["result_label"] == "结果纠正"
    got = c.get(f"/api/v1/cases/{case_id}").json()
    assert [e["kind"] for e in got["events"]] == ["registered", "correction_requested", "correction_received", "closed"]


def test_received_defaults_to_today_and_refusals_are_chinese(world: World) -> None:
    c = world.client("jia_cz")
    r = c.post("/api/v1/cases", json={"reference": "2026-0001", "applicant_type": "commercial"})
    assert r.status_code == 201
    assert r.json()["received"] == "2026-11-20"
    assert r.json()["deadline"]["due"] == "2026-12-18"
    assert r.json()["deadline"]["days_left"] == 20
    assert r.json()["fee"] is None  # no applicant named: no count basis
    again = c.post("/api/v1/cases", json={"reference": "2026-0001", "applicant_type": "commercial"})
    assert again.status_code == 400
    assert "已在“甲县财政局”的台账中" in again.json()["detail"]
    r = c.post("/api/v1/cases", json={"reference": "2026-0002", "applicant_type": "外星人"})
    assert r.status_code == 400
    assert "申请人类型“外星人”无法识别" in r.json()["detail"]
    r = c.post("/api/v1/cases", json={"reference": "2026-0002", "applicant_type": "自然人", "received": "1926-12-21"})
    assert r.status_code == 400
    assert "收到日期 1926-12-21 不合理" in r.json()["detail"]
    r = c.post("/api/v1/cases", json={"reference": "2026-0002", "applicant_type": "自然人", "applicant": "a\x00b"})
    assert r.status_code == 400
    assert "空字符" in r.json()["detail"]
    r = c.post("/api/v1/cases", json={"reference": "x" * 101, "applicant_type": "自然人"})
    assert r.status_code == 422
    r = c.post(
        "/api/v1/cases",
        json={"reference": "2026-0002", "applicant_type": "自然人", "arrived": "2026-11-21", "received": "2026-11-20"},
    )
    assert r.status_code == 400
    assert "条例第三十一条" in r.json()["detail"]
    r = c.post("/api/v1/cases", json={"reference": "2026-0002", "applicant_type": "自然人", "agency_id": 2**31})
    assert r.status_code == 422
    case_id = c.get("/api/v1/cases").json()["items"][0]["id"]
    r = c.post(f"/api/v1/cases/{case_id}/events", json={"kind": "registered", "on": "2026-11-20"})
    assert r.status_code == 400
    assert "不能直接登记" in r.json()["detail"]
    r = c.post(
        f"/api/v1/cases/{case_id}/events", json={"kind": "extension", "on": "2026-11-20", "approver": "王", "days": 21}
    )
    assert r.status_code == 400
    assert "应为1至20个工作日" in r.json()["detail"]
    r = c.post(f"/api/v1/cases/{case_id}/close", json={"outcome": "nonsense"})
    assert r.status_code == 400
    assert "不是表三的办理结果行" in r.json()["detail"]
    assert stored(world, case_id).version == 1


def test_list_filters_and_paging(world: World) -> None:
    seed(world, "甲县财政局", "2026-0001", D(2026, 10, 20), applicant="张三", request="环评批复")
    seed(world, "甲县财政局", "2026-0002", D(2026, 11, 10), kind="commercial", applicant="某公司")
    seed(world, "甲县财政局", "2025-0107", D(2025, 9, 26), close=("granted", D(2025, 10, 20)))
    c = world.client("jia_cz")
    body = c.get("/api/v1/cases").json()
    assert body["total"] == 3
    assert [(i["reference"], i["deadline"], i["days_left"]) for i in body["items"]] == [
        ("2026-0002", "2026-12-08", 12),
        ("2026-0001", "2026-11-17", -3),
        ("2025-0107", "2025-10-30", None),
    ]
    assert body["items"][0]["agency_id"] == world.agencies["甲县财政局"]
    assert body["items"][2]["outcome_label"] == "予以公开"

    def refs(query: str) -> list[str]:
        r = c.get(f"/api/v1/cases?{query}")
        assert r.status_code == 200, r.text
        return [i["reference"] for i in r.json()["items"]]

    assert refs("status=closed") == ["2025-0107"]
    assert refs("applicant_type=commercial") == ["2026-0002"]
    assert refs("received_from=2026-01-01&received_to=2026-10-31") == ["2026-0001"]
    assert refs("outcome=granted") == ["2025-0107"]
    assert refs("q=环评") == ["2026-0001"]
    assert refs("limit=1&offset=1") == ["2026-0001"]
    assert refs("offset=10") == []
    assert c.get("/api/v1/cases?limit=501").status_code == 422
    assert c.get("/api/v1/cases?applicant_type=x").status_code == 422
    assert c.get("/api/v1/cases?outcome=x").status_code == 422
    assert c.get("/api/v1/cases?received_from=2026-13-01").status_code == 422


def test_due_api_orders_overdue_first(world: World) -> None:
    ok = seed(world, "甲县财政局", "2026-0002", D(2026, 11, 10))
    late = seed(world, "甲县财政局", "2026-0001", D(2026, 10, 20))
    today_due = seed(world, "甲县财政局", "2026-0003", D(2026, 10, 23))
    waiting = seed(
        world,
        "甲县财政局",
        "2026-0004",
        D(2026, 10, 28),
        events=(("consultation_opened", D(2026, 11, 5), {"party": "某公司"}),),
    )
    c = world.client("jia_cz")
    body = c.get("/api/v1/due").json()
    assert body["today"] == "2026-11-20"
    assert [(i["id"], i["days_left"], i["suspended"]) for i in body["items"]] == [
        (late, -3, False),
        (today_due, 0, False),
        (ok, 12, False),
        (waiting, None, True),
    ]
    assert body["items"][3]["why"] == "征求意见中（2026-11-05 起，期间不计入答复期限）"
    assert c.get("/api/v1/due?limit=2").json()["more"] is True


def test_a_stored_deadline_in_an_uncovered_year_is_counted_not_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case due in a year the calendar does not cover (stored before the admin removed it) still shows."""
    _pin_library(monkeypatch)
    case_id = seed(world, "甲县财政局", "2026-0001", D(2026, 11, 2))
    with db.session(world.url) as s:  # a deadline in 2027, as an administrator's 2027 calendar once allowed
        case = s.get(Application, case_id)
        assert case is not None
        case.due = D(2027, 1, 5)
    c = world.client("jia_cz")
    body = c.get("/api/v1/cases").json()
    assert body["items"][0]["days_left"] == 31  # 2026-11-20 → 2027-01-05, 2027-01-01 (元旦) off
    assert not body["warning"]
    due = c.get("/api/v1/due").json()
    assert due["items"][0]["days_left"] == 31
    assert "工作日历尚未收录2027年" in due["calendar_notice"]
    page = c.get("/ledger/due")
    assert page.status_code == 200
    assert "工作日历尚未收录2027年" in page.text


def test_a_today_beyond_the_calendar_works_on_every_page(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _pin_library(monkeypatch)
    case_id = seed(world, "甲县财政局", "2026-0001", D(2026, 11, 2), applicant="张三")
    world.app.state.settings.today = lambda: D(2027, 3, 1)  # no 2027 schedule is known
    c = world.client("jia_cz")
    for path in ("/ledger", "/ledger/due", f"/ledger/{case_id}", f"/ledger/{case_id}/deadline"):
        r = c.get(path)
        assert r.status_code == 200, path
        assert "工作日历未覆盖" not in r.text, path
    assert "工作日历尚未收录2027年、2028年" in c.get("/ledger/due").text
    deadline = c.get(f"/api/v1/cases/{case_id}").json()["deadline"]
    assert deadline["problem"] is None
    # due 2026-11-30; 2026-12: 23, 2027-01: 20 (元旦 off), 2027-02: 18 (除夕, 初三 off), 03-01: 1
    assert deadline["days_left"] == -62
    r = c.post("/ledger/new", data={"reference": "2027-0001", "applicant_type": "natural_person"})
    assert r.status_code == 303, r.text
    r = c.post(f"/api/v1/cases/{case_id}/events", json={"kind": "correction_requested"})
    assert r.status_code == 201, r.text
