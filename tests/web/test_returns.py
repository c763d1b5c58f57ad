"""Returning reports for correction — several at once from the check list, all or none — and the agency's inbox
of returned reports (退回修改) with the resubmission date and the corrected upload that supersedes a return.

The default resubmission date is 10 working days from the pinned today (2026-11-20, a Friday): 2026-12-04 on
the library's calendar; a day off the administrator adds moves it.
"""

from __future__ import annotations

import datetime as dt
import re

import httpx
from fastapi.testclient import TestClient

from nianbao.ledger.calendar_store import load_calendar, store_calendar
from nianbao.store import db
from nianbao.store.models import Comment, StoredReport, User
from nianbao.web.check.returns import default_resubmit_by, returned_reports
from nianbao.web.core.people import viewer_of
from tests.web.conftest import TODAY, World
from tests.web.test_check import row, sample, stored_id

DUE = dt.date(2026, 12, 4)
NOTE = "编号样式混用，请统一为“一、”式"


def _two(world: World) -> tuple[int, int]:
    """Seed 000 uploaded by the supervisor for 甲县财政局 and for 甲县教育局 (both only checked)."""
    sup = world.client("jia_sup")
    cz = stored_id(sup, sample("000"), agency_id=world.agencies["甲县财政局"])
    jy = stored_id(sup, sample("000"), agency_id=world.agencies["甲县教育局"])
    return cz, jy


def _return(client: TestClient, ids: list[int], note: str = NOTE, date: str = "") -> httpx.Response:
    r: httpx.Response = client.post(
        "/check/return", data={"ids": [str(i) for i in ids], "note": note, "resubmit_by": date}
    )
    return r


def _set(world: World, report_id: int, **values: object) -> None:
    with db.session(world.url) as s:
        found = s.get(StoredReport, report_id)
        assert found is not None
        for name, value in values.items():
            setattr(found, name, value)


def test_the_check_list_offers_the_bulk_return_to_supervisors_only(world: World) -> None:
    cz, _ = _two(world)
    page = world.client("jia_sup").get("/check").text
    assert f'name="ids" value="{cz}"' in page
    assert "<legend>退回所选报告</legend>" in page
    assert f'name="resubmit_by" value="{DUE.isoformat()}"' in page  # 10 working days from today
    for who in ("jia_rev", "jia_cz"):
        other = world.client(who).get("/check").text
        assert 'name="ids"' not in other, who
        assert "退回所选报告" not in other, who
    assert '<a href="/returns"' in world.client("jia_cz").get("/check").text  # the inbox is in everyone's menu


def test_several_reports_are_returned_at_once_with_one_note_and_date(world: World) -> None:
    cz, jy = _two(world)
    r = _return(world.client("jia_sup"), [cz, jy])
    assert r.status_code == 303
    assert r.headers["location"] == "/returns?returned=2"
    for report_id in (cz, jy):
        stored = row(world, report_id)
        assert (stored.status, stored.status_note, stored.resubmit_by) == ("returned", NOTE, DUE)
    with db.session(world.url) as s:
        kept = s.query(Comment).filter(Comment.report_id == cz).one()
        assert kept.text == f"退回修改：{NOTE}（请于 2026-12-04 前重新报送）"
        assert kept.user_id == world.users["jia_sup"]
    page = world.client("jia_sup").get("/returns?returned=2").text
    assert "已退回 2 份报告" in page
    # a date chosen in the form is kept as given
    cz2, jy2 = _two(world)
    assert _return(world.client("jia_sup"), [cz2, jy2], date="2027-01-15").status_code == 303
    assert row(world, jy2).resubmit_by == dt.date(2027, 1, 15)


def test_the_default_date_follows_the_ledgers_working_calendar(world: World) -> None:
    with db.session(world.url) as s:
        assert default_resubmit_by(s, TODAY) == DUE
        store_calendar(s, {dt.date(2026, 11, 23): False, dt.date(2026, 11, 24): False}, [])  # two days off
    with db.session(world.url) as s:
        assert load_calendar(s).is_workday(dt.date(2026, 11, 23)) is False
        assert default_resubmit_by(s, TODAY) == dt.date(2026, 12, 8)
    cz, jy = _two(world)
    page = world.client("jia_sup").get("/check").text
    assert 'name="resubmit_by" value="2026-12-08"' in page
    assert _return(world.client("jia_sup"), [cz, jy]).status_code == 303
    assert row(world, cz).resubmit_by == dt.date(2026, 12, 8)


def test_a_bulk_return_is_all_or_none_and_says_why(world: World) -> None:
    sup = world.client("jia_sup")
    old = stored_id(sup, sample("000"), agency_id=world.agencies["甲县财政局"])
    cz, jy = _two(world)  # cz: a newer upload of 甲县财政局 2024, so `old` is superseded
    unmatched = stored_id(sup, sample("001"), agency_id=world.agencies["甲县教育局"])
    _set(world, unmatched, agency_id=None)  # as a report whose printed agency matched none
    other = stored_id(world.client("yi_sup"), sample("000"), agency_id=world.agencies["乙县财政局"])
    r = _return(sup, [jy, old, unmatched, other])
    assert r.status_code == 409
    assert "未退回任何报告：3 份不能退回" in r.text
    assert f"同一机关同一年度已有更新的报告 #{cz}" in r.text
    assert "报告未对应到系统中的机关" in r.text
    assert "未找到该报告，或您无权查看" in r.text
    assert f"#{other}" in r.text
    assert "乙县财政局" not in r.text  # another county's report is not described
    assert f'name="ids" value="{jy}" checked' in r.text  # the one that could be returned stays ticked
    assert f'name="ids" value="{old}"' not in r.text
    assert NOTE in r.text  # the note is kept for a second try
    for report_id in (jy, old, unmatched):
        assert row(world, report_id).status == "checked"  # none returned
    assert row(world, other).status == "checked"
    # the second try, with the ones left ticked
    assert _return(sup, [jy]).status_code == 303
    assert row(world, jy).status == "returned"


def test_bad_input_is_refused_with_the_reason(world: World) -> None:
    cz, jy = _two(world)
    sup = world.client("jia_sup")
    cases = (
        ({"ids": [str(cz)], "note": "  ", "resubmit_by": ""}, "退回意见不能为空"),
        ({"note": NOTE}, "请先勾选要退回的报告"),
        ({"ids": [str(cz)], "note": NOTE, "resubmit_by": "2026-11-19"}, "早于今天"),
        ({"ids": [str(cz)], "note": NOTE, "resubmit_by": "12/04"}, "不是有效日期"),
        ({"ids": [str(cz)], "note": NOTE, "resubmit_by": "2028-01-01"}, "距今超过一年"),
    )
    for data, message in cases:
        r = sup.post("/check/return", data=data)
        assert r.status_code == 422, data
        assert message in r.text, data
    for who in ("jia_rev", "jia_cz"):
        r = _return(world.client(who), [cz])
        assert r.status_code == 403, who
        assert "只有政务公开监管人员和管理员可以退回报告" in r.text
    assert row(world, cz).status == row(world, jy).status == "checked"


def test_the_report_page_returns_one_the_same_way(world: World) -> None:
    sup = world.client("jia_sup")
    old = stored_id(sup, sample("000"), agency_id=world.agencies["甲县财政局"])
    cz, _ = _two(world)
    page = sup.get(f"/check/{cz}").text
    assert 'name="resubmit_by"' in page
    r = sup.post(f"/check/{cz}/return", data={"note": NOTE, "resubmit_by": "2026-12-01"})
    assert r.status_code == 303
    assert row(world, cz).resubmit_by == dt.date(2026, 12, 1)
    assert "重新报送期限 2026-12-01" in sup.get(f"/check/{cz}").text
    r = sup.post(f"/check/{cz}/return", data={"note": NOTE})  # returned again, blank date: the default
    assert r.status_code == 303
    assert row(world, cz).resubmit_by == DUE
    r = sup.post(f"/check/{old}/return", data={"note": NOTE})
    assert r.status_code == 409
    assert f"同一机关同一年度已有更新的报告 #{cz}" in r.text


def test_the_api_returns_several_or_none(world: World) -> None:
    cz, jy = _two(world)
    sup = world.client("jia_sup")
    r = sup.post("/api/v1/reports/return", json={"ids": [cz, jy], "note": NOTE, "resubmit_by": "2026-12-10"})
    assert r.status_code == 200, r.text
    assert [(x["id"], x["status"], x["resubmit_by"]) for x in r.json()] == [
        (cz, "returned", "2026-12-10"),
        (jy, "returned", "2026-12-10"),
    ]
    newer = stored_id(sup, sample("000"), agency_id=world.agencies["甲县财政局"])
    r = sup.post("/api/v1/reports/return", json={"ids": [newer, cz], "note": NOTE})
    assert r.status_code == 409
    assert r.json()["problems"] == [
        {
            "id": cz,
            "label": f"甲县财政局 2024 年度（{sample('000')[0]}，#{cz}）",
            "reason": f"同一机关同一年度已有更新的报告 #{newer}（{sample('000')[0]}），请退回最新的一份",
        }
    ]
    assert row(world, newer).status == "checked"
    r = sup.post(f"/api/v1/reports/{newer}/return", json={"note": NOTE})
    assert r.status_code == 200
    assert r.json()["resubmit_by"] == DUE.isoformat()
    assert world.client("jia_cz").post("/api/v1/reports/return", json={"ids": [cz], "note": NOTE}).status_code == 403


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr.*?</tr>", body, re.S)


def test_the_inbox_shows_each_agency_its_returned_reports_with_the_date(world: World) -> None:
    cz, jy = _two(world)
    assert _return(world.client("jia_sup"), [cz, jy]).status_code == 303
    clerk = world.client("jia_cz")
    page = clerk.get("/returns").text
    rows = _rows(page)
    assert len(rows) == 1
    for shown in (f"#{cz}", NOTE, "2026-12-04", "还剩 10 个工作日"):
        assert shown in rows[0], shown
    warnings = row(world, cz).warnings
    assert f"警告 {warnings}" in rows[0]
    assert "jia_sup" in rows[0]  # who returned it (no display name here: the username)
    assert f'name="agency_id" value="{world.agencies["甲县财政局"]}"' in rows[0]  # the corrected upload's form
    assert f"#{jy}" not in page  # another agency's
    sup_page = world.client("jia_sup").get("/returns").text
    assert len(_rows(sup_page)) == 2
    filtered = world.client("jia_sup").get("/returns", params={"agency": world.agencies["甲县教育局"]}).text
    assert [f"#{jy}" in r for r in _rows(filtered)] == [True]
    assert "没有待更正的退回报告" in world.client("yi_cz").get("/returns").text
    assert "没有待更正的退回报告" in world.client("yi_sup").get("/returns").text  # 乙县 sees nothing of 甲县


def test_the_inbox_counts_working_days_and_overdue_days(world: World) -> None:
    cz, jy = _two(world)
    assert _return(world.client("jia_sup"), [cz, jy]).status_code == 303
    _set(world, cz, resubmit_by=dt.date(2026, 11, 16))  # a Monday, four days ago
    _set(world, jy, resubmit_by=TODAY)
    with db.session(world.url) as s:
        user = s.get(User, world.users["jia_sup"])
        assert user is not None
        found = returned_reports(s, viewer_of(s, user), today=TODAY)
    assert [(r.report_id, r.due_text, r.overdue) for r in found] == [(cz, "已逾期 4 天", True), (jy, "今天到期", False)]
    assert found[0].returned_by == "jia_sup"
    assert found[0].returned_at is not None
    assert "已逾期 4 天" in world.client("jia_cz").get("/returns").text


def test_a_corrected_upload_is_shown_then_supersedes_the_return(world: World) -> None:
    cz, _ = _two(world)
    assert _return(world.client("jia_sup"), [cz]).status_code == 303
    clerk = world.client("jia_cz")
    newer = stored_id(clerk, sample("000"))
    rows = _rows(clerk.get("/returns").text)
    assert len(rows) == 1
    assert "已上传更正稿，尚未提交" in rows[0]
    assert f'href="/check/{newer}"' in rows[0]
    # the sample names another agency: submitting it for 甲县财政局 needs a reason
    assert clerk.post(f"/check/{newer}/submit", data={"reason": "测试用样本"}).status_code == 303
    assert row(world, newer).status == "submitted"
    assert "没有待更正的退回报告" in clerk.get("/returns").text
    assert row(world, cz).status == "returned"  # the returned row itself is never changed
