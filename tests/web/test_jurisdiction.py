"""辖区汇总: the status matrix (submitted, on time by level, errors, returned, missing) and who may see it.

Reports are stored through the check area's service (`store_report`) as the sample files or as reports
rendered from them with cells set; their upload and printed dates are then set on the row, as a report
uploaded on that day would have them. Helpers here are shared with test_jurisdiction_rollup.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import cache
from typing import cast

from nianbao.read import read
from nianbao.render import render_bytes
from nianbao.report import Cell, Report
from nianbao.store import db
from nianbao.store.models import StoredReport, User
from nianbao.web.check.service import store_report
from nianbao.web.core.people import viewer_of
from tests.conftest import SAMPLES
from tests.web.conftest import World

AUDIT_OFFICE = SAMPLES / "000_92378848010c3553.txt"  # 二道江区审计局 2024: every cell 0
UTC = dt.UTC


@cache
def sample() -> Report:
    return read(AUDIT_OFFICE)


def rendered(agency: str, values: dict[str, int], *, year: int = 2024) -> bytes:
    """Seed 000 as `agency`'s report of `year` with `values` set (other cells 0), rendered as markdown."""
    base = sample()
    cells = dict(base.cells)
    for key, value in values.items():
        cells[key] = Cell(key, value, str(value))
    report = dataclasses.replace(base, agency=agency, year=year, cells=cells, title=None, file="")
    return render_bytes(report, "md")


def store(
    world: World,
    agency: str,
    content: bytes,
    filename: str,
    *,
    uploaded: dt.datetime | None = None,
    published: dt.date | None = None,
    status: str | None = None,
    username: str = "admin",
) -> int:
    """Stores a report of `agency` through the check service, as submitted; returns its id."""
    with db.session(world.url) as s:
        user = s.get(User, world.users[username])
        assert user is not None
        row = store_report(s, viewer_of(s, user), filename, content, agency_id=world.agencies[agency], submit=True)
        if uploaded is not None:
            row.uploaded_at = row.submitted_at = uploaded
        if published is not None:
            row.published = published
        if status is not None:
            row.status = status
        s.flush()
        return row.id


def errors_of(world: World, report_id: int) -> tuple[int, int]:
    with db.session(world.url) as s:
        row = s.get(StoredReport, report_id)
        assert row is not None
        return row.errors, row.warnings


def seed_statuses(world: World) -> dict[str, int]:
    """2024 reports: 财政局 twice (undated: 日期未识别, whenever uploaded), 教育局 uploaded late but dated in time,
    returned and inconsistent, the government dated 10 February (on time for a government), 乙县财政局."""
    zero = AUDIT_OFFICE.read_bytes()
    ids = {
        "cz_old": store(world, "甲县财政局", zero, "cz-2024.txt", uploaded=dt.datetime(2025, 1, 10, 2, tzinfo=UTC)),
        "cz": store(world, "甲县财政局", zero, "cz-2024-v2.txt", uploaded=dt.datetime(2025, 1, 30, 2, tzinfo=UTC)),
        "jy": store(
            world,
            "甲县教育局",
            rendered("甲县教育局", {"applications.new.natural_person": 7}),
            "jy-2024.md",
            uploaded=dt.datetime(2025, 3, 1, 2, tzinfo=UTC),
            published=dt.date(2025, 1, 25),
            status="returned",
        ),
        "gov": store(
            world,
            "甲县人民政府",
            rendered("甲县人民政府", {}),
            "gov-2024.md",
            uploaded=dt.datetime(2025, 2, 10, 2, tzinfo=UTC),
            published=dt.date(2025, 2, 10),
        ),
        "yi": store(
            world, "乙县财政局", zero, "yi-2024.txt", uploaded=dt.datetime(2025, 2, 10, 2, tzinfo=UTC), username="yi_cz"
        ),
    }
    return ids


def cells_by_agency(payload: dict[str, object]) -> dict[str, dict[int, dict[str, object]]]:
    rows = payload["agencies"]
    assert isinstance(rows, list)
    return {row["name"]: {c["year"]: c for c in row["cells"]} for row in rows}


def test_status_matrix_values(world: World) -> None:
    ids = seed_statuses(world)
    r = world.client("jia_sup").get("/api/v1/jurisdiction/status")
    assert r.status_code == 200, r.text
    payload = r.json()
    assert payload["years"] == [2024, 2025]  # the first year with reports to the current one (today 2026-11-20)
    names = [(a["name"], a["depth"]) for a in payload["agencies"]]
    assert names == [("甲县人民政府", 0), ("甲县财政局", 1), ("甲县教育局", 1)]  # never 乙县
    cells = cells_by_agency(payload)

    cz = cells["甲县财政局"][2024]
    # seed 000 prints no date: 日期未识别, neither on time nor late (not judged by the day it was uploaded)
    assert (cz["report_id"], cz["versions"], cz["on_time"], cz["judged_by"]) == (ids["cz"], 2, None, "unknown")
    assert (cz["judged_on"], cz["deadline"], cz["status"]) == (None, "2025-01-31", "submitted")
    assert (cz["errors"], cz["warnings"]) == errors_of(world, ids["cz"])

    jy = cells["甲县教育局"][2024]  # uploaded 1 March but dated 25 January: the printed date decides
    assert (jy["on_time"], jy["judged_by"], jy["judged_on"], jy["status"]) == (
        True,
        "published",
        "2025-01-25",
        "returned",
    )
    assert (jy["errors"], jy["warnings"]) == errors_of(world, ids["jy"])
    assert cast(int, jy["errors"]) > 0  # 本年新收 自然人 7 but 总计 0

    gov = cells["甲县人民政府"][2024]  # 10 February: late for a department, on time for a government
    assert (gov["on_time"], gov["deadline"], gov["report_id"]) == (True, "2025-03-31", ids["gov"])

    missing = cells["甲县财政局"][2025]
    assert (missing["submitted"], missing["report_id"], missing["overdue"], missing["on_time"]) == (
        False,
        None,
        True,
        None,
    )
    assert 2023 not in cells["甲县人民政府"]  # no report of 2023 or before: not shown unless asked
    earlier = cells_by_agency(world.client("jia_sup").get("/api/v1/jurisdiction/status?years=2023").json())
    assert earlier["甲县人民政府"][2023]["deadline"] == "2024-03-31"


def test_late_department_report_and_year_selection(world: World) -> None:
    late = dt.datetime(2025, 2, 1, 1, tzinfo=UTC)
    store(world, "甲县财政局", AUDIT_OFFICE.read_bytes(), "late.txt", uploaded=late, published=dt.date(2025, 2, 1))
    # dated 1 February: one day after the deadline
    c = world.client("jia_rev")
    r = c.get("/api/v1/jurisdiction/status?years=2024,2019&years=2018")
    assert r.status_code == 200
    payload = r.json()
    assert payload["years"] == [2018, 2019, 2024]
    cell = cells_by_agency(payload)["甲县财政局"]
    assert (cell[2024]["on_time"], cell[2024]["judged_on"]) == (False, "2025-02-01")
    assert cell[2019]["deadline"] == "2020-01-31"  # the revised regulation: 31 January for departments
    assert cell[2018]["deadline"] == "2019-03-31"  # before it: 31 March for every agency
    for bad in ("1999", "abc", "2024,x", ",".join(str(y) for y in range(2000, 2030))):
        assert c.get(f"/api/v1/jurisdiction/status?years={bad}").status_code == 422


def test_status_page(world: World) -> None:
    ids = seed_statuses(world)
    page = world.client("jia_sup").get("/jurisdiction")
    assert page.status_code == 200
    html = page.text
    assert "甲县教育局" in html
    assert "乙县" not in html
    assert f'href="/check/{ids["cz"]}"' in html
    assert f'href="/check/{ids["yi"]}"' not in html
    assert "已退回" in html
    assert '<span class="badge error">未提交</span>' in html  # 2025 is overdue everywhere
    assert html.count("未提交</span>") == 3 * 2 - 3  # three agencies, two years (2024, 2025), three reports
    assert f'href="/jurisdiction/{world.agencies["甲县人民政府"]}/rollup/2024"' in html
    older = world.client("jia_sup").get("/jurisdiction?until=2020")
    headers = re.findall(r'<th scope="col">(\d{4}) 年度', older.text)
    assert headers == ["2016", "2017", "2018", "2019", "2020"]


def test_admin_sees_every_county_and_links(world: World) -> None:
    seed_statuses(world)
    payload = world.client("admin").get("/api/v1/jurisdiction/status?years=2024").json()
    names = [a["name"] for a in payload["agencies"]]
    assert names == ["甲县人民政府", "甲县财政局", "甲县教育局", "乙县人民政府", "乙县财政局"]
    yi = cells_by_agency(payload)["乙县财政局"][2024]
    assert yi["submitted"]
    assert (yi["on_time"], yi["judged_by"]) == (None, "unknown")  # undated, uploaded 10 February: not late


def test_scope_and_roles(world: World) -> None:
    seed_statuses(world)
    jia = world.agencies["甲县人民政府"]
    yi_payload = world.client("yi_sup").get("/api/v1/jurisdiction/status").json()
    assert [a["name"] for a in yi_payload["agencies"]] == ["乙县人民政府", "乙县财政局"]
    yi = world.client("yi_sup")
    for path in (
        f"/api/v1/agencies/{jia}/rollup/2024",
        f"/api/v1/agencies/{jia}/trends",
        f"/jurisdiction/{jia}/rollup/2024",
        f"/jurisdiction/{jia}/trends",
    ):
        r = yi.get(path)
        assert r.status_code == 404, path
        assert "甲县" not in r.text
    for clerk in ("jia_cz", "yi_cz"):
        c = world.client(clerk)
        for path in (
            "/jurisdiction",
            "/api/v1/jurisdiction/status",
            f"/api/v1/agencies/{jia}/rollup/2024",
            f"/api/v1/agencies/{jia}/trends",
            f"/jurisdiction/{jia}/rollup/2024",
            f"/jurisdiction/{jia}/trends",
        ):
            r = c.get(path)
            assert r.status_code == 403, (clerk, path)
            assert "甲县人民政府" not in r.text
    assert world.anonymous().get("/api/v1/jurisdiction/status").status_code == 401
    assert world.anonymous().get("/jurisdiction").status_code == 303
    # a department's reviewer-less jurisdiction: jia_sup asking about an id that does not exist
    assert world.client("jia_sup").get("/api/v1/agencies/999999/trends").status_code == 404


def test_agency_names_are_escaped(world: World) -> None:
    evil = '<script>alert("x")</script>局'
    r = world.client("admin").post(
        "/api/v1/admin/agencies",
        json={"name": evil, "level": "department", "parent_id": world.agencies["甲县人民政府"]},
    )
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    c = world.client("jia_sup")
    for path in ("/jurisdiction", f"/jurisdiction/{aid}/trends", f"/jurisdiction/{aid}/rollup/2024"):
        html = c.get(path).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert" in html, path
    assert re.search(r"<svg|暂无数据|尚无可用的年度报告", c.get(f"/jurisdiction/{aid}/trends").text)
