"""辖区汇总: the roll-up of a government's departments beside its own report, and the trends over the years."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

from nianbao.read import read
from nianbao.render import render_bytes
from tests.conftest import SAMPLES
from tests.web.conftest import World
from tests.web.test_jurisdiction import AUDIT_OFFICE, UTC, rendered, store

SVG = "{http://www.w3.org/2000/svg}"
EDUCATION = {  # 甲县教育局's figures (the other cells 0); 甲县财政局 is seed 000, every cell 0
    "applications.new.natural_person": 7,
    "applications.new.commercial": 2,
    "applications.new.total": 9,
    "applications.granted.natural_person": 5,
    "applications.granted.total": 5,
    "applications.withheld.state_secret.natural_person": 1,
    "applications.withheld.state_secret.total": 1,
    "applications.withheld.third_party_rights.commercial": 2,
    "applications.withheld.third_party_rights.total": 2,
    "review.upheld": 1,
    "review.total": 1,
    "litigation_direct.pending": 2,
    "litigation_direct.total": 2,
}
GOVERNMENT = {**EDUCATION, "applications.new.total": 10, "review.upheld": 0, "review.total": 0}


def seed(world: World, *, education: bool = True, year_2023: bool = False) -> dict[str, int]:
    ids = {
        "cz": store(world, "甲县财政局", AUDIT_OFFICE.read_bytes(), "cz-2024.txt"),
        "gov": store(world, "甲县人民政府", rendered("甲县人民政府", GOVERNMENT), "gov-2024.md"),
    }
    if education:
        ids["jy"] = store(world, "甲县教育局", rendered("甲县教育局", EDUCATION), "jy-2024.md")
    if year_2023:  # only the departments reported for 2023: the trend takes their sum
        ids["cz23"] = store(
            world,
            "甲县财政局",
            rendered("甲县财政局", {"applications.granted.total": 3, "applications.new.natural_person": 3}, year=2023),
            "cz-2023.md",
            uploaded=dt.datetime(2024, 1, 5, tzinfo=UTC),
        )
        ids["jy23"] = store(
            world,
            "甲县教育局",
            rendered("甲县教育局", {"applications.granted.total": 4, "applications.new.other_org": 1}, year=2023),
            "jy-2023.md",
            uploaded=dt.datetime(2024, 1, 6, tzinfo=UTC),
        )
    return ids


def test_rollup_api_sums_two_departments_and_finds_the_difference(world: World) -> None:
    ids = seed(world)
    jia = world.agencies["甲县人民政府"]
    r = world.client("jia_rev").get(f"/api/v1/agencies/{jia}/rollup/2024")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["agency_name"], body["year"], body["format"]) == ("甲县人民政府", 2024, "2021")
    assert body["own"]["report_id"] == ids["gov"]
    assert [(c["agency_name"], c["report_id"]) for c in body["children"]] == [
        ("甲县财政局", ids["cz"]),
        ("甲县教育局", ids["jy"]),
    ]
    assert (body["missing"], body["skipped"], body["problem"]) == ([], [], "")
    assert len(body["sums"]) == 200
    assert body["sums"]["applications.new.natural_person"] == 0 + 7
    assert body["sums"]["applications.new.total"] == 0 + 9
    assert body["sums"]["review.total"] == 1
    diffs = {d["key"]: (d["sum"], d["parent"], d["difference"]) for d in body["differences"]}
    assert diffs == {"applications.new.total": (9, 10, 1), "review.upheld": (1, 0, -1), "review.total": (1, 0, -1)}
    assert body["consistent"] is False


def test_rollup_page_shows_the_differences_and_names_missing_children(world: World) -> None:
    seed(world, education=False)
    jia = world.agencies["甲县人民政府"]
    c = world.client("jia_sup")
    body = c.get(f"/api/v1/agencies/{jia}/rollup/2024").json()
    assert [m["agency_name"] for m in body["missing"]] == ["甲县教育局"]
    assert body["sums"]["applications.new.total"] == 0
    page = c.get(f"/jurisdiction/{jia}/rollup/2024")
    assert page.status_code == 200
    html = page.text
    assert "以下机关尚无 2024 年度报告：甲县教育局" in html
    assert "个单元格与下级合计不一致" in html
    assert '<tr class="differs">' in html
    only = c.get(f"/jurisdiction/{jia}/rollup/2024?only=diff").text
    assert only.count('<tr class="differs">') == len(body["differences"]) == only.count("<tr class=")
    # a year without any report: every child missing, the sums blank, still a page
    empty = c.get(f"/jurisdiction/{jia}/rollup/2021")
    assert empty.status_code == 200
    assert "以下机关尚无 2021 年度报告：甲县财政局、甲县教育局" in empty.text
    assert "本级和下级机关都还没有可用的 2021 年度报告，无从汇总" in empty.text
    assert "<caption>" not in empty.text


def test_rollup_of_an_agency_without_children(world: World) -> None:
    cz = world.agencies["甲县财政局"]
    body = world.client("jia_sup").get(f"/api/v1/agencies/{cz}/rollup/2024").json()
    assert body["problem"] == "该机关没有下级机关，无从汇总"
    assert body["format"] is None
    assert body["sums"] == {}
    page = world.client("jia_sup").get(f"/jurisdiction/{cz}/rollup/2024")
    assert "该机关没有下级机关" in page.text


def test_trends_take_the_own_report_or_the_sum_of_the_departments(world: World) -> None:
    ids = seed(world, year_2023=True)
    jia = world.agencies["甲县人民政府"]
    c = world.client("jia_sup")
    r = c.get(f"/api/v1/agencies/{jia}/trends")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(y["year"], y["source"], y["report_ids"]) for y in body["years"]] == [
        (2023, "rollup", [ids["cz23"], ids["jy23"]]),
        (2024, "own", [ids["gov"]]),
    ]
    series = {s["key"]: s["values"] for s in body["series"]}
    assert series["outcome.granted"] == [3 + 4, 5]
    assert series["outcome.withheld"] == [0, 1 + 2]  # the sum of the numbered rows' 总计
    assert series["applicant.natural_person"] == [3, 7]
    assert series["applicant.organization"] == [1, 2]
    assert series["appeal.review"] == [0, 0]
    assert series["appeal.litigation"] == [0, 2]
    # a department: its own reports only
    cz = world.agencies["甲县财政局"]
    dept = c.get(f"/api/v1/agencies/{cz}/trends").json()
    assert [(y["year"], y["source"]) for y in dept["years"]] == [(2023, "own"), (2024, "own")]
    assert {s["key"]: s["values"] for s in dept["series"]}["outcome.granted"] == [3, 0]


def test_trends_page_draws_well_formed_charts(world: World) -> None:
    seed(world, year_2023=True)
    jia = world.agencies["甲县人民政府"]
    page = world.client("jia_sup").get(f"/jurisdiction/{jia}/trends")
    assert page.status_code == 200
    html = page.text
    assert "下级合计（2 份报告）" in html
    assert "本级报告" in html
    svgs = [html[m : html.index("</svg>", m) + len("</svg>")] for m in _find_all(html, "<svg")]
    assert len(svgs) == 3
    roots = [ET.fromstring(svg) for svg in svgs]
    assert [r.find(f"{SVG}title").text for r in roots] == [  # type: ignore[union-attr]
        "本年度办理结果（按结果分组）",
        "本年新收申请（按申请人类型）",
        "政府信息公开行政复议、行政诉讼",
    ]
    point_titles = [t.text for t in roots[0].iter(f"{SVG}title")]
    assert "2023年 · 予以公开：7 件" in point_titles
    assert "2024年 · 不予公开：3 件" in point_titles
    assert html.count("<script") == 1  # htmx only: no inline script


def _find_all(text: str, needle: str) -> list[int]:
    out, at = [], text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def test_a_child_in_another_format_is_named_with_the_reason(world: World) -> None:
    ids = seed(world, education=False)
    old = read(SAMPLES / "002_0443c703299bd9d2.txt")  # 乡宁县审计局 2020, 2019 format
    content = render_bytes(dataclasses.replace(old, agency="甲县教育局", year=2024, title=None, file=""), "md")
    jy = store(world, "甲县教育局", content, "jy-2024-old-format.md")
    jia = world.agencies["甲县人民政府"]
    body = world.client("jia_sup").get(f"/api/v1/agencies/{jia}/rollup/2024").json()
    assert [c["report_id"] for c in body["children"]] == [ids["cz"]]
    assert body["skipped"] == [
        {
            "agency_id": world.agencies["甲县教育局"],
            "agency_name": "甲县教育局",
            "reason": "使用 2019 年格式，与本级报告的 2021 年格式不同",
            "report_id": jy,
        }
    ]
    assert body["missing"] == []
    page = world.client("jia_sup").get(f"/jurisdiction/{jia}/rollup/2024").text
    assert "以下机关的报告未计入合计" in page
    assert "甲县教育局</a>：使用 2019 年格式，与本级报告的 2021 年格式不同" in page
