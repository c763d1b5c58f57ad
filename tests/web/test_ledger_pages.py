"""The ledger's pages: a clerk registers a case, walks it through 补正 to its closing, and finds it again.

Dates are real: received 2025-09-26, the 20th working day after it is 2025-10-30 (国庆 and its 调休
counted by the working calendar); a 补正 received 2025-10-09 restarts the count to 2025-11-05. The
pinned today is 2026-11-20.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from nianbao.ledger import agencies, calendar_store, cases
from nianbao.store import db
from nianbao.store.models import Application
from tests.web.conftest import World

D = dt.date


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def seed(
    world: World,
    agency: str,
    reference: str,
    received: dt.date,
    *,
    kind: str = "natural_person",
    applicant: str = "",
    request: str = "",
    events: tuple[tuple[str, dt.date, dict[str, object]], ...] = (),
    close: tuple[str, dt.date] | None = None,
) -> int:
    """A case put straight into the ledger through the library (what the pages then show)."""
    with db.session(world.url) as s:
        owner = agencies.find_agency(s, agency)
        calendar = calendar_store.load_calendar(s)
        case = cases.add_case(
            s, owner, reference, received, kind, calendar=calendar, applicant=applicant, request=request
        )
        for what, on, extra in events:
            cases.add_event(s, case, what, on, calendar=calendar, **extra)  # type: ignore[arg-type]
        if close:
            cases.close_case(s, case, close[0], close[1])
        return case.id


def stored(world: World, case_id: int) -> Application:
    with db.session(world.url) as s:
        case = s.get(Application, case_id)
        assert case is not None
        s.expunge(case)
        return case


def case_id_of(location: str) -> int:
    m = re.match(r"/ledger/(\d+)", location)
    assert m, location
    return int(m.group(1))


def test_clerk_registers_walks_and_closes_a_case(world: World) -> None:
    seed(world, "甲县财政局", "2026-0041", D(2026, 11, 2))
    c = world.client("jia_cz")
    form = c.get("/ledger/new")
    assert form.status_code == 200
    assert 'name="reference" value="2026-0042"' in form.text  # the next of the year's series
    assert 'name="received" value="2026-11-20"' in form.text  # today by default
    assert "自然人" in form.text
    assert "法律服务机构" in form.text

    r = c.post(
        "/ledger/new",
        data={
            "csrf_token": csrf(form.text),
            "reference": "2025-0107",
            "received": "2025-09-26",
            "applicant_type": "natural_person",
            "applicant": "张三",
            "contact": "139",
            "channel": "post",
            "request": "某项目环评批复",
        },
    )
    assert r.status_code == 303, r.text
    case_id = case_id_of(r.headers["location"])
    page = c.get(r.headers["location"])
    assert page.status_code == 200
    assert "案件已登记" in page.text
    assert "2025年10月30日（星期四）" in page.text  # 20 working days across 国庆
    assert "下一步：答复送达" in page.text
    assert "登记收到申请" in page.text

    r = c.post(
        f"/ledger/{case_id}/events",
        data={
            "csrf_token": csrf(page.text),
            "kind": "correction_requested",
            "on": "2025-09-29",
            "until": "2025-10-10",
            "version": "1",
        },
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/ledger/{case_id}?ok=correction_requested#steps"
    page = c.get(r.headers["location"])
    assert "已记录：发出补正通知" in page.text
    assert "暂停计算" in page.text
    assert "等待申请人补正" in page.text
    assert "下一步：收到补正" in page.text
    assert "补正期限至 2025-10-10" in page.text
    assert stored(world, case_id).due is None

    r = c.post(f"/ledger/{case_id}/events", data={"kind": "correction_received", "on": "2025-10-09", "version": "2"})
    assert r.status_code == 303, r.text
    page = c.get(f"/ledger/{case_id}")
    assert "2025年11月5日（星期三）" in page.text  # counted again from the correction
    assert "答复期限自该日起重新计算" in page.text
    assert stored(world, case_id).due == D(2025, 11, 5)

    assert (
        c.post(f"/ledger/{case_id}/events", data={"kind": "answered", "on": "2025-10-30", "version": "3"}).status_code
        == 303
    )
    page = c.get(f"/ledger/{case_id}")
    assert "下一步：办结" in page.text
    assert "（二）部分公开" in page.text  # the outcome select shows the printed rows of table 三
    assert "1.属于国家秘密" in page.text
    r = c.post(f"/ledger/{case_id}/close", data={"outcome": "partially_granted", "on": "2025-10-30", "version": "4"})
    assert r.status_code == 303, r.text
    page = c.get(f"/ledger/{case_id}")
    assert "已办结" in page.text
    assert "部分公开" in page.text
    assert "按期答复" in page.text
    assert "下一步" not in page.text
    case = stored(world, case_id)
    assert (case.status, case.outcome, case.closed, case.version) == ("closed", "partially_granted", D(2025, 10, 30), 5)
    with db.session(world.url) as s:
        kinds = [e.kind for e in cases.find_case(s, agencies.find_agency(s, "甲县财政局"), "2025-0107").events]
    assert kinds == ["registered", "correction_requested", "correction_received", "answered", "closed"]


def test_extension_consultation_and_fee_steps_move_the_deadline(world: World) -> None:
    case_id = seed(world, "甲县财政局", "2025-0200", D(2025, 9, 26), applicant="李四")
    c = world.client("jia_cz")
    assert (
        c.post(
            f"/ledger/{case_id}/events",
            data={"kind": "extension", "on": "2025-10-28", "approver": "王主任", "days": "10", "version": "1"},
        ).status_code
        == 303
    )
    assert stored(world, case_id).due == D(2025, 11, 13)  # 20 + 10 working days
    page = c.get(f"/ledger/{case_id}")
    assert "经王主任批准延长10个工作日" in page.text
    assert "延期" not in re.findall(r"<summary>(.*?)</summary>", page.text)  # only one extension
    r = c.post(
        f"/ledger/{case_id}/events",
        data={"kind": "consultation_opened", "on": "2025-10-29", "party": "某公司", "version": "2"},
    )
    assert r.status_code == 303
    page = c.get(f"/ledger/{case_id}")
    assert "下一步：征求意见结束" in page.text
    assert stored(world, case_id).due is None
    assert (
        c.post(
            f"/ledger/{case_id}/events",
            data={"kind": "consultation_closed", "on": "2025-10-31", "party": "某公司", "version": "3"},
        ).status_code
        == 303
    )
    assert stored(world, case_id).due == D(2025, 11, 18)  # 3 working days not counted
    r = c.post(
        f"/ledger/{case_id}/events", data={"kind": "fee_notice", "on": "2025-11-03", "pages": "50", "version": "4"}
    )
    assert r.status_code == 303
    page = c.get(f"/ledger/{case_id}")
    assert "信息处理费 200 元（按量计收，50 页）" in page.text  # 31–50: 20 pages × 10 元
    assert "下一步：缴费" in page.text


def test_registration_errors_show_the_form_again_with_what_was_typed(world: World) -> None:
    seed(world, "甲县财政局", "2026-0001", D(2026, 11, 2))
    c = world.client("jia_cz")
    base = {
        "reference": "2026-0002",
        "received": "2026-11-18",
        "applicant_type": "",
        "applicant": "李四",
        "request": "某文件",
    }
    r = c.post("/ledger/new", data=base)
    assert r.status_code == 400
    assert "请选择申请人类型" in r.text
    assert 'value="李四"' in r.text
    assert "某文件" in r.text
    assert 'value="2026-0002"' in r.text
    r = c.post("/ledger/new", data={**base, "applicant_type": "natural_person", "reference": "2026-0001"})
    assert r.status_code == 400
    assert "已在“甲县财政局”的台账中" in r.text
    r = c.post("/ledger/new", data={**base, "applicant_type": "natural_person", "received": "2025-02-30"})
    assert r.status_code == 400
    assert "收到日期“2025-02-30”无效" in r.text
    r = c.post("/ledger/new", data={**base, "applicant_type": "natural_person", "received": "1926-12-20"})
    assert r.status_code == 400  # a typing error, not a date the calendar cannot count
    assert "收到日期 1926-12-20 不合理" in r.text
    r = c.post("/ledger/new", data={**base, "applicant_type": "natural_person", "reference": "x" * 101})
    assert r.status_code == 400
    assert "编号过长" in r.text
    with db.session(world.url) as s:
        assert s.scalars(select(Application.reference)).all() == ["2026-0001"]


def test_a_refused_step_keeps_the_case_and_says_why(world: World) -> None:
    case_id = seed(world, "甲县财政局", "2025-0300", D(2025, 9, 26))
    c = world.client("jia_cz")
    r = c.post(
        f"/ledger/{case_id}/events",
        data={"kind": "extension", "on": "2025-10-28", "approver": "", "days": "30", "version": "1"},
    )
    assert r.status_code == 400
    assert "请登记批准人" in r.text
    r = c.post(
        f"/ledger/{case_id}/events",
        data={"kind": "extension", "on": "2025-10-28", "approver": "王主任", "days": "30", "version": "1"},
    )
    assert r.status_code == 400
    assert "应为1至20个工作日" in r.text
    assert 'value="王主任"' in r.text  # what was typed is kept in the open step
    r = c.post(f"/ledger/{case_id}/events", data={"kind": "fee_paid", "on": "2025-10-28", "version": "1"})
    assert r.status_code == 400
    assert "没有尚未结束的发出收费通知" in r.text
    r = c.post(f"/ledger/{case_id}/close", data={"outcome": "", "on": "2025-10-28", "version": "1"})
    assert r.status_code == 400
    assert "请选择办理结果" in r.text
    assert stored(world, case_id).version == 1


def test_a_stale_version_answers_409_and_saves_nothing(world: World) -> None:
    case_id = seed(world, "甲县财政局", "2025-0107", D(2025, 9, 26))
    c = world.client("jia_cz")
    page = c.get(f"/ledger/{case_id}")
    assert 'name="version" value="1"' in page.text
    with db.session(world.url) as s:  # someone else records the answer meanwhile
        case = s.get(Application, case_id)
        assert case is not None
        cases.add_event(s, case, "answered", D(2025, 10, 20), calendar=calendar_store.load_calendar(s))
    r = c.post(f"/ledger/{case_id}/close", data={"outcome": "granted", "on": "2025-10-20", "version": "1"})
    assert r.status_code == 409
    assert "该案件已被他人修改，请刷新后重试" in r.text
    assert 'name="version" value="2"' in r.text  # the page shows the case as it now is
    assert stored(world, case_id).status == "open"


def test_appeals_are_added_and_decided(world: World) -> None:
    case_id = seed(
        world, "甲县财政局", "2025-0107", D(2025, 9, 26), close=("withheld.third_party_rights", D(2025, 10, 20))
    )
    c = world.client("jia_cz")
    r = c.post(f"/ledger/{case_id}/appeals", data={"reference": "复议2025-3", "route": "review", "filed": "2025-11-10"})
    assert r.status_code == 303, r.text
    page = c.get(f"/ledger/{case_id}")
    assert "复议2025-3" in page.text
    assert "行政复议" in page.text
    assert "尚未审结" in page.text
    appeal_id = int(re.search(r"/appeals/(\d+)/decision", page.text).group(1))  # type: ignore[union-attr]
    r = c.post(f"/ledger/{case_id}/appeals/{appeal_id}/decision", data={"result": "upheld", "decided": "2026-01-05"})
    assert r.status_code == 303
    page = c.get(f"/ledger/{case_id}")
    assert "结果维持（2026-01-05）" in page.text
    r = c.post(f"/ledger/{case_id}/appeals", data={"reference": "复议2025-3", "route": "review", "filed": "2025-11-10"})
    assert r.status_code == 400
    assert "已在“甲县财政局”的台账中" in r.text


def test_list_filters_search_and_pages(world: World) -> None:
    seed(world, "甲县财政局", "2026-0001", D(2026, 10, 20), applicant="张三", request="环评批复")  # overdue by 3
    seed(world, "甲县财政局", "2026-0002", D(2026, 11, 10), kind="commercial", applicant="某公司", request="招标文件")
    seed(
        world,
        "甲县财政局",
        "2025-0107",
        D(2025, 9, 26),
        kind="legal_services",
        applicant="某律所",
        request="执法案卷",
        close=("withheld.enforcement_case_file", D(2025, 10, 20)),
    )
    seed(world, "甲县教育局", "2026-0001", D(2026, 11, 2), applicant="教育局的申请人")
    c = world.client("jia_cz")

    def refs(query: str) -> list[str]:
        r = c.get(f"/ledger{query}")
        assert r.status_code == 200, r.text
        return re.findall(r'<a href="/ledger/\d+">([^<]+)</a>', r.text)

    assert refs("") == ["2026-0002", "2026-0001", "2025-0107"]  # newest first, own agency only
    page = c.get("/ledger").text
    assert "超期 3 个工作日" in page
    assert "剩 12 个工作日" in page
    assert "不予公开：属于行政执法案卷" in page
    assert "法律服务机构" in page
    assert "教育局的申请人" not in page
    assert refs("?status=open") == ["2026-0002", "2026-0001"]
    assert refs("?status=closed") == ["2025-0107"]
    assert refs("?applicant_type=commercial") == ["2026-0002"]
    assert refs("?received_from=2026-01-01&received_to=2026-10-31") == ["2026-0001"]
    assert refs("?outcome=withheld.enforcement_case_file") == ["2025-0107"]
    assert refs("?q=招标") == ["2026-0002"]
    assert refs("?q=律所") == ["2025-0107"]
    assert refs("?q=2026-000") == ["2026-0002", "2026-0001"]
    assert refs("?q=%25") == []  # LIKE wildcards are searched for literally
    r = c.get("/ledger?received_from=not-a-date&status=bogus")
    assert r.status_code == 200
    assert "已忽略" in r.text


def test_list_pages_by_fifty(world: World) -> None:
    with db.session(world.url) as s:
        owner = agencies.find_agency(s, "甲县财政局")
        calendar = calendar_store.load_calendar(s)
        for n in range(55):
            cases.add_case(
                s, owner, f"2026-{n + 1:04d}", D(2026, 1, 5) + dt.timedelta(days=n), "natural_person", calendar=calendar
            )
    c = world.client("jia_cz")
    first = c.get("/ledger")
    assert "共 <strong>55</strong> 件" in first.text
    assert len(re.findall(r'<a href="/ledger/\d+">', first.text)) == 50
    assert "第 1 / 2 页" in first.text
    second = c.get("/ledger?page=2")
    found = re.findall(r'<a href="/ledger/\d+">([^<]+)</a>', second.text)
    assert found == ["2026-0005", "2026-0004", "2026-0003", "2026-0002", "2026-0001"]
    assert c.get("/ledger?page=9").status_code == 200


def test_due_board_puts_overdue_first_with_working_days_left(world: World) -> None:
    ok = seed(world, "甲县财政局", "2026-0002", D(2026, 11, 10), applicant="某公司")  # due 12-08: 12 left
    late = seed(world, "甲县财政局", "2026-0001", D(2026, 10, 20), applicant="张三")  # due 11-17: 3 overdue
    today_due = seed(world, "甲县财政局", "2026-0003", D(2026, 10, 23))  # due 11-20, today
    waiting = seed(
        world,
        "甲县财政局",
        "2026-0004",
        D(2026, 11, 2),
        events=(("correction_requested", D(2026, 11, 4), {"until": D(2026, 11, 25)}),),
    )
    seed(world, "甲县财政局", "2026-0005", D(2026, 10, 20), close=("granted", D(2026, 11, 1)))
    c = world.client("jia_cz")
    page = c.get("/ledger/due")
    assert page.status_code == 200
    order = [int(x) for x in re.findall(r'<a class="ref" href="/ledger/(\d+)">', page.text)]
    assert order == [late, today_due, ok, waiting]
    text = page.text
    assert text.index("已超期") < text.index("超期 3 个工作日") < text.index("今日到期") < text.index("剩 12 个工作日")
    assert "等待申请人补正（2026-11-04 发出补正通知，补正期限至 2026-11-25）" in text
    assert "2026-0005" not in text  # closed
    assert f'hx-get="/ledger/{late}/deadline"' in text
    fragment = c.get(f"/ledger/{late}/deadline")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "答复期限：2026年11月17日（星期二），20个工作日，自2026年10月20日次日起算" in fragment.text


def test_reviewer_sees_both_departments_but_cannot_write(world: World) -> None:
    cz = seed(world, "甲县财政局", "2026-0001", D(2026, 11, 2), applicant="财政局的申请人")
    seed(world, "甲县教育局", "2026-0001", D(2026, 11, 3), applicant="教育局的申请人")
    seed(world, "乙县财政局", "2026-0001", D(2026, 11, 4), applicant="乙县的申请人")
    for who in ("jia_rev", "jia_sup"):
        c = world.client(who)
        page = c.get("/ledger").text
        assert "财政局的申请人" in page
        assert "教育局的申请人" in page
        assert "乙县的申请人" not in page
        assert "甲县教育局" in page  # the agency column and filter
        only = c.get(f"/ledger?agency_id={world.agencies['甲县教育局']}").text
        assert "教育局的申请人" in only
        assert "财政局的申请人" not in only
        due = c.get("/ledger/due").text
        assert "财政局的申请人" in due
        assert "教育局的申请人" in due
        assert "乙县的申请人" not in due
        case_page = c.get(f"/ledger/{cz}")
        assert case_page.status_code == 200
        assert "办理事项由甲县财政局的经办人员登记" in case_page.text
        assert 'action="/ledger/' not in case_page.text  # no forms
        assert c.get("/ledger/new").status_code == 403
        assert c.post("/ledger/new", data={"reference": "x", "applicant_type": "natural_person"}).status_code == 403
        r = c.post(f"/ledger/{cz}/events", data={"kind": "answered", "on": "2026-11-10", "version": "1"})
        assert r.status_code == 403
        assert "只有本机关的经办人员或系统管理员可以修改台账" in r.text
        assert c.post(f"/ledger/{cz}/close", data={"outcome": "granted", "on": "2026-11-10"}).status_code == 403
        assert c.post(f"/ledger/{cz}/appeals", data={"reference": "a", "route": "review"}).status_code == 403
        assert c.get("/ledger/import").status_code == 403
        assert c.post("/ledger/import", files={"file": ("a.csv", b"reference\n")}).status_code == 403
        assert c.get("/ledger/export.csv").status_code == 400  # several agencies: choose one
        got = c.get(f"/ledger/export.csv?agency_id={world.agencies['甲县教育局']}")
        assert got.status_code == 200
        assert "教育局的申请人" in got.text
    assert stored(world, cz).version == 1


def test_admin_chooses_the_agency_to_register_in(world: World) -> None:
    c = world.client("admin")
    chooser = c.get("/ledger/new")
    assert chooser.status_code == 200
    assert "登记到哪个机关的台账" in chooser.text
    assert "乙县财政局" in chooser.text
    yi = world.agencies["乙县财政局"]
    form = c.get(f"/ledger/new?agency_id={yi}")
    assert f'name="agency_id" value="{yi}"' in form.text
    r = c.post(
        "/ledger/new",
        data={"agency_id": str(yi), "reference": "2026-0001", "received": "2026-11-02", "applicant_type": "research"},
    )
    assert r.status_code == 303
    assert stored(world, case_id_of(r.headers["location"])).agency_id == yi
