"""The jurisdiction's status matrix and an agency's trends as CSV and XLSX (issue #17): the rows the pages show,
in a spreadsheet."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.web.conftest import World
from tests.web.test_jurisdiction import seed_statuses
from tests.web.test_jurisdiction_rollup import seed


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_status_matrix_exports_a_row_per_agency_and_year(world: World) -> None:
    ids = seed_statuses(world)
    sup = world.client("jia_sup")
    assert 'href="/jurisdiction/export.xlsx?years=2024,2025"' in sup.get("/jurisdiction").text
    r = sup.get("/jurisdiction/export.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv(r.content)
    assert rows[0][:6] == ["机关", "层级", "层次", "年度", "提交情况", "是否按时"]
    # the page's order: the tree depth-first, then the years (2024, the first with reports, to 2025)
    assert [(row[0], row[3]) for row in rows[1:3]] == [("甲县人民政府", str(y)) for y in range(2024, 2026)]
    assert {row[0] for row in rows[1:]} == {"甲县人民政府", "甲县财政局", "甲县教育局"}  # never 乙县
    by_cell = {(row[0], row[3]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    cz = by_cell[("甲县财政局", "2024")]
    assert (cz["提交情况"], cz["是否按时"], cz["报告编号"], cz["份数"]) == ("已提交", "日期未识别", str(ids["cz"]), "2")
    assert (cz["判定日期"], cz["报送期限"], cz["判定依据"]) == ("", "2025-01-31", "日期未识别")  # undated: not late
    jy = by_cell[("甲县教育局", "2024")]
    assert (jy["提交情况"], jy["判定依据"]) == ("已退回", "落款日期")
    assert int(jy["错误"]) > 0
    missing = by_cell[("甲县财政局", "2025")]
    assert (missing["提交情况"], missing["是否按时"], missing["报告编号"], missing["错误"]) == (
        "未提交",
        "期限已过",
        "",
        "",
    )
    # the page's year choice, as XLSX (labels and keys as the two header rows)
    x = sup.get("/jurisdiction/export.xlsx", params={"years": "2020,2024"})
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "机关"
    assert values[1][0] == "agency"
    assert {row[3] for row in values[2:]} == {2020, 2024}
    # another county's supervisor sees its own agencies only; a clerk may not export
    other = _csv(world.client("yi_sup").get("/jurisdiction/export.csv").content)
    assert other[1:]
    assert not any(row[0].startswith("甲县") for row in other[1:])
    assert world.client("jia_cz").get("/jurisdiction/export.csv").status_code == 403
    assert sup.get("/jurisdiction/export.pdf").status_code == 404


def test_an_agencys_trends_export_a_row_per_year(world: World) -> None:
    ids = seed(world, year_2023=True)
    jia = world.agencies["甲县人民政府"]
    sup = world.client("jia_sup")
    assert f'href="/jurisdiction/{jia}/trends/export.csv"' in sup.get(f"/jurisdiction/{jia}/trends").text
    rows = _csv(sup.get(f"/jurisdiction/{jia}/trends/export.csv").content)
    assert rows[0][:4] == ["年度", "来源", "报告编号", "予以公开"]
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(t["年度"], t["报告编号"]) for t in table] == [
        ("2023", f"{ids['cz23']} {ids['jy23']}"),
        ("2024", str(ids["gov"])),
    ]
    assert [t["来源"] for t in table] == ["下级合计（2 份报告）", "本级报告"]
    assert [t["予以公开"] for t in table] == ["7", "5"]
    assert [t["行政诉讼"] for t in table] == ["0", "2"]
    x = sup.get(f"/jurisdiction/{jia}/trends/export.xlsx")
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:4] == ("year", "source", "report_ids", "outcome.granted")
    assert [row[3] for row in values[2:]] == [7, 5]  # numbers as numbers
    assert world.client("yi_sup").get(f"/jurisdiction/{jia}/trends/export.csv").status_code == 404
    assert world.client("yi_sup").get(f"/jurisdiction/{jia}/trends/export.pdf").status_code == 404
    assert sup.get(f"/jurisdiction/{jia}/trends/export.pdf").status_code == 404
