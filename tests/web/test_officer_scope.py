"""The supervisor's scope and wording (issue #18): reports of agencies outside the jurisdiction (辖区外/未归属,
新建机关), the years of the status matrix from the data, and findings in Chinese with the codes behind a toggle.

The world (tests/web/conftest.py): 甲县人民政府 with 甲县财政局 and 甲县教育局; 乙县人民政府 with 乙县财政局.
Seed 002 prints 乡宁县审计局 (2020), an agency of neither county.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import select

from nianbao.store import db
from nianbao.store.models import Agency, Comment, FindingReview, StoredReport, User
from nianbao.web.check.outside import is_outside, outside_reason, submit_refusal
from nianbao.web.check.service import subject_of
from nianbao.web.core.people import viewer_of
from nianbao.web.jurisdiction.status import data_years, years_shown
from tests.web.conftest import TODAY, World
from tests.web.test_check import fingerprint_of, row, sample, stored_id
from tests.web.test_jurisdiction import AUDIT_OFFICE, rendered, store

XIANGNING = "乡宁县审计局"
UTC = dt.UTC


def _outside_section(html: str) -> str:
    m = re.search(r'<section class="card outside".*?</section>', html, re.S)
    assert m, "no 辖区外/未归属 section"
    return m.group(0)


def _agency_id(world: World, name: str) -> int | None:
    with db.session(world.url) as s:
        return s.scalar(select(Agency.id).where(Agency.name == name))


# ---------------------------------------------------------------------------------------------
# 辖区外/未归属 and 新建机关
# ---------------------------------------------------------------------------------------------


def test_an_unmatched_report_is_said_outside_and_counts_for_nobody(world: World) -> None:
    sup = world.client("jia_sup")
    report_id = stored_id(sup, sample("002"))
    stored = row(world, report_id)
    assert (stored.agency_id, stored.owner_id) == (None, world.agencies["甲县人民政府"])

    page = sup.get(f"/check/{report_id}").text
    section = _outside_section(page)
    assert f"报告所印机关“{XIANGNING}”不是本辖区的机关" in section
    assert "不计入本辖区的报送情况" in section
    assert "也不能提交" in section
    assert "未匹配" not in page
    assert "<dt>归属</dt>" not in page  # no longer "归属 甲县人民政府"
    assert "<dt>所属机关</dt><dd>无（辖区外/未归属）</dd>" in page
    # the 新建机关 form: the printed name prefilled, the parents of the jurisdiction only
    assert f'<input name="name" value="{XIANGNING}"' in section
    parents = re.findall(r'<option value="(\d+)">[\u3000]*([^<]+)</option>', section)
    assert [name for _, name in parents] == ["甲县人民政府", "甲县财政局", "甲县教育局"]
    assert f'action="/check/{report_id}/agency"' in section
    assert f'action="/check/{report_id}/submit"' not in page

    # a reviewer reads the reason but may not create agencies
    rev = world.client("jia_rev")
    reviewer_page = rev.get(f"/check/{report_id}").text
    assert "不是本辖区的机关" in _outside_section(reviewer_page)
    assert "新建机关并归入" not in reviewer_page
    refused = rev.post(
        f"/check/{report_id}/agency", data={"name": XIANGNING, "parent_id": str(world.agencies["甲县人民政府"])}
    )
    assert refused.status_code == 403
    # the submission is refused with the reason
    r = sup.post(f"/api/v1/reports/{report_id}/submit", json={})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("辖区外/未归属：报告所印机关“乡宁县审计局”不是本辖区的机关")
    assert "新建该机关" in r.json()["detail"]

    # the check list marks it; filtered by the government it holds it under, it is not among its reports
    listed = sup.get("/check").text
    assert "辖区外/未归属</span>" in listed
    by_government = sup.get("/check", params={"agency": str(world.agencies["甲县人民政府"])}).text
    assert f'href="/check/{report_id}"' not in by_government
    assert f'href="/check/{report_id}"' in sup.get("/check", params={"q": "乡宁"}).text
    # the matrix has no row for it and no year of it (2020)
    status = sup.get("/api/v1/jurisdiction/status").json()
    assert [a["name"] for a in status["agencies"]] == ["甲县人民政府", "甲县财政局", "甲县教育局"]
    assert status["years"] == [2025]  # no report at all in the jurisdiction: the current report year alone
    # the other county sees nothing of it
    assert world.client("yi_sup").get(f"/check/{report_id}").status_code == 404


def test_new_agency_files_the_report_and_its_namesakes(world: World) -> None:
    sup = world.client("jia_sup")
    first = stored_id(sup, sample("002"))
    second = stored_id(sup, sample("002"))  # the same agency's report uploaded again: filed with it
    other_county = stored_id(world.client("yi_sup"), sample("002"))  # held by 乙县: never touched
    # a verdict on a finding of the outside report, kept under its subject (the printed name)
    fingerprint = fingerprint_of(sup, first, "C201", "applications.total.nonprofit")  # a warning
    r = sup.post(f"/check/{first}/findings/{fingerprint}", data={"decision": "dismissed", "note": "编号无误"})
    assert r.status_code == 303

    jia = world.agencies["甲县人民政府"]
    r = sup.post(f"/check/{first}/agency", data={"name": f" {XIANGNING} ", "level": "department", "parent_id": jia})
    assert r.status_code == 303
    assert r.headers["location"] == f"/check/{first}?filed=2"
    new_id = _agency_id(world, XIANGNING)
    assert new_id is not None
    with db.session(world.url) as s:
        agency = s.get(Agency, new_id)
        assert agency is not None
        assert (agency.level, agency.parent_id) == ("department", jia)
        for rid in (first, second):
            stored = s.get(StoredReport, rid)
            assert stored is not None
            assert (stored.agency_id, stored.owner_id) == (new_id, new_id)
            comments = [c.text for c in s.scalars(select(Comment).where(Comment.report_id == rid))]
            assert any(f"新建机关“{XIANGNING}”" in t or f"随新建机关“{XIANGNING}”" in t for t in comments), comments
            # the verdict now applies under the agency's subject
            moved = s.scalars(
                select(FindingReview).where(
                    FindingReview.owner_id == new_id, FindingReview.subject == subject_of(stored)
                )
            ).all()
            assert [(m.fingerprint, m.decision, m.note) for m in moved] == [(fingerprint, "dismissed", "编号无误")]
        untouched = s.get(StoredReport, other_county)
        assert untouched is not None
        assert (untouched.agency_id, untouched.owner_id) == (None, world.agencies["乙县人民政府"])

    page = sup.get(f"/check/{first}?filed=2").text
    assert f"已新建机关“{XIANGNING}”，本报告已归入该机关；所印机关相同的另外 1 份报告一并归入" in page
    assert 'class="card outside"' not in page
    assert "辖区外/未归属</span>" not in page  # no badge (the comment still says what it was)
    assert f'action="/check/{first}/submit"' in page
    # now it may be submitted, and counts for the new agency under the government
    assert sup.post(f"/api/v1/reports/{second}/submit", json={}).status_code == 200
    status = sup.get("/api/v1/jurisdiction/status?years=2020").json()
    rows = {a["name"]: a for a in status["agencies"]}
    assert rows[XIANGNING]["depth"] == 1
    assert rows[XIANGNING]["cells"][0]["report_id"] == second
    assert rows["甲县人民政府"]["cells"][0]["report_id"] is None
    # filed once: asking again is refused
    again = sup.post(f"/check/{first}/agency", data={"name": "别的局", "parent_id": jia})
    assert again.status_code == 409
    assert "已归属本辖区的机关" in again.text


def test_new_agency_refusals_change_nothing(world: World) -> None:
    sup = world.client("jia_sup")
    report_id = stored_id(sup, sample("002"))
    jia = str(world.agencies["甲县人民政府"])
    cases = [
        ({"name": XIANGNING, "parent_id": str(world.agencies["乙县人民政府"])}, 404, "未找到该机关"),
        ({"name": XIANGNING, "parent_id": ""}, 422, "请选择上级机关"),
        ({"name": XIANGNING, "parent_id": "abc"}, 422, "请选择上级机关"),
        ({"name": XIANGNING, "parent_id": jia, "level": "bureau"}, 422, "机关层级"),
        ({"name": "  ", "parent_id": jia}, 422, "机关名称不能为空"),
        ({"name": "甲县财政局", "parent_id": jia}, 409, "机关“甲县财政局”已存在"),
        ({"name": "乙县财政局", "parent_id": jia}, 409, "已存在"),
    ]
    for data, status, message in cases:
        r = sup.post(f"/check/{report_id}/agency", data=data)
        assert r.status_code == status, (data, r.text)
        assert message in r.text, (data, message)
        if status != 404:  # shown on the report's page, the form kept as typed
            assert 'role="alert"' in _outside_section(r.text)
    assert _agency_id(world, XIANGNING) is None
    assert row(world, report_id).agency_id is None
    assert world.client("jia_cz").post(f"/check/{report_id}/agency", data={"parent_id": jia}).status_code == 404


def test_outside_rules_for_a_viewer(world: World) -> None:
    sup = world.client("jia_sup")
    unmatched = stored_id(sup, sample("002"))
    filed = stored_id(sup, sample("002"), agency_id=world.agencies["甲县财政局"])
    with db.session(world.url) as s:
        jia_sup = s.scalars(select(User).where(User.username == "jia_sup")).one()
        yi_sup = s.scalars(select(User).where(User.username == "yi_sup")).one()
        jia, yi = viewer_of(s, jia_sup), viewer_of(s, yi_sup)
        out, inside = s.get(StoredReport, unmatched), s.get(StoredReport, filed)
        assert out is not None
        assert inside is not None
        assert is_outside(jia, out)
        assert not is_outside(jia, inside)
        assert is_outside(yi, inside)  # of an agency outside 乙县
        assert outside_reason(out).startswith("报告所印机关“乡宁县审计局”不是本辖区的机关")
        out.printed_agency = ""
        assert outside_reason(out).startswith("报告所印机关名称未能识别")
        assert submit_refusal(out).startswith("辖区外/未归属：")
        s.rollback()


# ---------------------------------------------------------------------------------------------
# The years of the matrix
# ---------------------------------------------------------------------------------------------


def test_years_come_from_the_data_and_the_current_report_year(world: World) -> None:
    jia = world.agencies
    with db.session(world.url) as s:
        user = s.scalars(select(User).where(User.username == "jia_sup")).one()
        viewer = viewer_of(s, user)
        assert years_shown(s, viewer, TODAY) == [2025]  # nothing yet: the current report year
        assert data_years(s, viewer, [jia["甲县财政局"]]) == []
    zero = AUDIT_OFFICE.read_bytes()
    store(world, "甲县财政局", zero, "cz-2024.txt")
    checked_only = store(world, "甲县教育局", rendered("甲县教育局", {}, year=2019), "jy-2019.md")
    with db.session(world.url) as s:
        found = s.get(StoredReport, checked_only)
        assert found is not None
        found.status = "checked"  # an upload only checked does not count
    store(world, "乙县财政局", rendered("乙县财政局", {}, year=2018), "yi-2018.md", username="yi_cz")
    with db.session(world.url) as s:
        user = s.scalars(select(User).where(User.username == "jia_sup")).one()
        viewer = viewer_of(s, user)
        assert years_shown(s, viewer, TODAY) == [2024, 2025]
        assert years_shown(s, viewer, TODAY, asked=["2019,2020", "2019"]) == [2019, 2020]
        assert years_shown(s, viewer, TODAY, until=2024) == [2024]
        assert years_shown(s, viewer, TODAY, until=2020) == [2016, 2017, 2018, 2019, 2020]  # asked: before data
        assert years_shown(s, viewer, dt.date(2031, 5, 1)) == [2026, 2027, 2028, 2029, 2030]  # at most five
        assert years_shown(s, viewer, dt.date(2031, 5, 1), count=8) == list(range(2024, 2031))
        admin = viewer_of(s, s.scalars(select(User).where(User.username == "admin")).one())
        assert years_shown(s, admin, TODAY) == [2021, 2022, 2023, 2024, 2025]  # 乙县's 2018, five at most
    # a returned report counts; a report of this year (2026) too, once stored
    returned = store(world, "甲县教育局", rendered("甲县教育局", {}, year=2023), "jy-2023.md", status="returned")
    store(world, "甲县人民政府", rendered("甲县人民政府", {}, year=2026), "gov-2026.md")
    with db.session(world.url) as s:
        viewer = viewer_of(s, s.scalars(select(User).where(User.username == "jia_sup")).one())
        assert years_shown(s, viewer, TODAY) == [2023, 2024, 2025, 2026]
    assert row(world, returned).status == "returned"


def test_matrix_page_exports_and_rollup_use_the_same_years(world: World) -> None:
    store(world, "甲县财政局", AUDIT_OFFICE.read_bytes(), "cz-2024.txt")
    store(world, "甲县人民政府", rendered("甲县人民政府", {}, year=2023), "gov-2023.md")
    sup = world.client("jia_sup")
    page = sup.get("/jurisdiction").text
    assert re.findall(r'<th scope="col">(\d{4}) 年度', page) == ["2023", "2024", "2025"]
    assert 'href="/jurisdiction/export.csv?years=2023,2024,2025"' in page
    choices = re.findall(r'<option value="(\d{4})"', page)
    assert choices == ["2026", "2025", "2024", "2023"]  # never before the first year with data
    rows = list(csv.reader(io.StringIO(sup.get("/jurisdiction/export.csv").content.decode("utf-8-sig"))))
    assert sorted({r[3] for r in rows[1:]}) == ["2023", "2024", "2025"]
    asked = sup.get("/jurisdiction", params={"years": "2019,2020"}).text
    assert re.findall(r'<th scope="col">(\d{4}) 年度', asked) == ["2019", "2020"]
    assert sup.get("/jurisdiction", params={"years": "abc"}).status_code == 422
    assert sup.get("/jurisdiction/export.csv", params={"years": "1999"}).status_code == 422
    assert sup.get("/api/v1/jurisdiction/status").json()["years"] == [2023, 2024, 2025]
    # the roll-up's year links: the years with reports of the government or its departments, and the one shown
    jia = world.agencies["甲县人民政府"]
    rollup = sup.get(f"/jurisdiction/{jia}/rollup/2024").text
    links = re.findall(rf'href="/jurisdiction/{jia}/rollup/(\d{{4}})"', rollup)
    assert sorted(set(links)) == ["2023", "2024", "2025"]
    old = sup.get(f"/jurisdiction/{jia}/rollup/2019").text
    assert sorted(set(re.findall(rf'href="/jurisdiction/{jia}/rollup/(\d{{4}})"', old))) == [
        "2019",
        "2023",
        "2024",
        "2025",
    ]
    # trends: the years with reports
    trends = sup.get(f"/api/v1/agencies/{jia}/trends").json()
    assert [y["year"] for y in trends["years"]] == [2023, 2024]


# ---------------------------------------------------------------------------------------------
# Chinese labels, codes behind 技术信息
# ---------------------------------------------------------------------------------------------

SLUG = re.compile(r"\b[a-z]+(?:-[a-z]+){1,6}\b")
KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)+\b")


def _readable(html: str) -> str:
    """The text a person reads in the findings: tags, folded 技术信息, attributes and scripts left out."""
    html = re.sub(r"(?s)<details class=\"tech\">.*?</details>", " ", html)
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def test_findings_name_rules_and_cells_in_chinese(world: World) -> None:
    sup = world.client("jia_sup")
    report_id = stored_id(sup, sample("001"), agency_id=world.agencies["甲县财政局"])  # 200 blank cells
    page = sup.get(f"/check/{report_id}").text
    findings = page[page.index(">", page.index('aria-label="核查发现的问题"')) + 1 :]
    readable = _readable(findings)
    assert not SLUG.findall(readable), SLUG.findall(readable)[:5]
    assert not KEY.findall(readable), KEY.findall(readable)[:5]
    assert "统计表单元格空白" in readable
    assert "规章 · 本年制发件数" in readable
    tech = re.findall(r'<details class="tech"><summary>技术信息</summary>(.*?)</details>', findings, re.S)
    audit = sup.get(f"/api/v1/reports/{report_id}/audit").json()["findings"]
    assert len(tech) == len(audit)
    assert "<dt>规则名</dt><dd><code>blank-cell</code></dd>" in tech[0] or any(
        "<code>blank-cell</code>" in t for t in tech
    )
    assert any("<code>active.regulations.issued</code>" in t for t in tech)
    # the JSON keeps the codes and keys as they were
    blank = next(f for f in audit if f["rule"] == "C201")
    assert blank["name"] == "blank-cell"
    assert all("." in k for k in blank["keys"])
    # the findings CSV: Chinese first, codes after
    rows = list(csv.reader(io.StringIO(sup.get(f"/check/{report_id}/findings.csv").content.decode("utf-8-sig"))))
    head = rows[0]
    chinese_first = ["规则", "问题", "类别", "严重程度", "状态", "说明", "单元格", "印为", "位置"]
    assert head == [*chinese_first, "规则名", "单元格编号", "指纹"]
    first = dict(zip(head, next(r for r in rows[1:] if r[0] == "C201"), strict=True))
    assert (first["问题"], first["类别"], first["状态"], first["规则名"]) == (
        "统计表单元格空白",
        "单元格取值",
        "不符合",
        "blank-cell",
    )
    assert first["单元格"].startswith("规章·本年制发件数")
    assert first["单元格编号"].startswith("active.regulations.issued")
    # the same on the downloaded check page (sent to the agency)
    download = sup.get(f"/check/{report_id}/audit.html").text
    assert not SLUG.findall(_readable(download[download.index("核查发现的问题") :]))
