"""Checking is not submitting (issue #12 item 3): an upload for checking never changes what the jurisdiction
counts; submitting is a separate act that needs no errors and the agency printed in the file to be the
report's agency, or a reason recorded with the submitter's name."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from nianbao.store import db
from nianbao.store.models import Comment
from tests.web.conftest import World
from tests.web.test_check import row, sample, upload
from tests.web.test_jurisdiction import rendered, store


def _cell(client: TestClient, world: World, agency: str, year: int = 2024) -> dict[str, object]:
    status = client.get("/api/v1/jurisdiction/status", params={"years": [str(year)]}).json()
    found = next(a for a in status["agencies"] if a["agency_id"] == world.agencies[agency])
    cell: dict[str, object] = found["cells"][0]
    return cell


def _uploaded(client: TestClient, name: str, content: bytes) -> int:
    r = upload(client, (name, content))
    assert r.status_code == 201, r.text
    report_id: int = r.json()["results"][0]["report"]["id"]
    return report_id


def test_an_upload_for_checking_does_not_replace_a_returned_report(world: World) -> None:
    sup = world.client("jia_sup")
    returned = store(world, "甲县财政局", rendered("甲县财政局", {}), "甲县财政局2024年报.md")
    assert sup.post(f"/api/v1/reports/{returned}/return", json={"note": "请更正表三"}).status_code == 200
    assert _cell(sup, world, "甲县财政局")["status"] == "returned"
    clerk = world.client("jia_cz")
    checked = _uploaded(clerk, "甲县财政局2024年报-修改稿.md", rendered("甲县财政局", {}))
    assert row(world, checked).status == "checked"
    cell = _cell(sup, world, "甲县财政局")
    assert (cell["report_id"], cell["status"], cell["versions"]) == (returned, "returned", 1)
    # submitting it is the act that counts
    r = clerk.post(f"/api/v1/reports/{checked}/submit", json={})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["submitted_by"]) == ("submitted", world.users["jia_cz"])
    cell = _cell(sup, world, "甲县财政局")
    assert (cell["report_id"], cell["status"], cell["versions"]) == (checked, "submitted", 2)
    again = clerk.post(f"/api/v1/reports/{checked}/submit", json={})
    assert again.status_code == 409
    assert "已经提交" in again.json()["detail"]


def test_a_report_with_errors_cannot_be_submitted(world: World) -> None:
    clerk = world.client("jia_cz")
    wrong = rendered("甲县财政局", {"applications.new.total": 5})  # a total whose parts are all 0
    report_id = _uploaded(clerk, "甲县财政局2024年报.md", wrong)
    assert row(world, report_id).errors > 0
    r = clerk.post(f"/api/v1/reports/{report_id}/submit", json={"reason": "急"})
    assert r.status_code == 422
    assert "项错误，报告未提交" in r.json()["detail"]
    assert row(world, report_id).status == "checked"
    page = clerk.post(f"/check/{report_id}/submit", data={"csrf_token": clerk.headers["X-CSRF-Token"]})
    assert page.status_code == 422
    assert "项错误，报告未提交" in page.text


def test_another_agencys_file_needs_a_recorded_reason(world: World) -> None:
    clerk = world.client("jia_cz")
    name, content = sample("000")  # prints 二道江区审计局; the clerk is 甲县财政局's
    report_id = _uploaded(clerk, name, content)
    r = clerk.post(f"/api/v1/reports/{report_id}/submit", json={})
    assert r.status_code == 409
    assert "文件所印机关“二道江区审计局”与报告归属机关“甲县财政局”不一致" in r.json()["detail"]
    assert row(world, report_id).status == "checked"
    page = clerk.post(f"/check/{report_id}/submit", data={"csrf_token": clerk.headers["X-CSRF-Token"]})
    assert page.status_code == 409
    assert 'name="reason"' in page.text
    r = clerk.post(f"/api/v1/reports/{report_id}/submit", json={"reason": "本局更名前的名称"})
    assert r.status_code == 200, r.text
    with db.session(world.url) as s:
        note = s.scalars(select(Comment).where(Comment.report_id == report_id)).one()
        assert note.user_id == world.users["jia_cz"]
        assert "二道江区审计局" in note.text
        assert "理由：本局更名前的名称" in note.text


def test_who_may_submit(world: World) -> None:
    report_id = _uploaded(world.client("jia_cz"), "甲县财政局2024年报.md", rendered("甲县财政局", {}))
    r = world.client("jia_rev").post(f"/api/v1/reports/{report_id}/submit", json={})
    assert r.status_code == 403  # a reviewer reads and checks, does not hand in
    assert world.client("jia_jy").post(f"/api/v1/reports/{report_id}/submit", json={}).status_code == 404
    r = world.client("jia_sup").post(f"/api/v1/reports/{report_id}/submit", json={})
    assert r.status_code == 200  # a supervisor collecting the jurisdiction's reports
