"""The check list and a report's findings as CSV and XLSX (issue #17): the rows the page shows, in a spreadsheet."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.web.conftest import World
from tests.web.test_check import sample, stored_id


def test_the_check_list_exports_every_row_with_the_pages_filters(world: World) -> None:
    sup = world.client("jia_sup")
    a = stored_id(sup, sample("001"), agency_id=world.agencies["甲县财政局"])
    b = stored_id(sup, sample("000"), agency_id=world.agencies["甲县教育局"])
    page = sup.get("/check").text
    assert 'href="/check/export.xlsx"' in page
    r = sup.get("/check/export.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "机关", "报告所印机关", "年度"]
    assert [int(row[0]) for row in rows[1:]] == [b, a]  # newest first, as the page
    assert {row[1] for row in rows[1:]} == {"甲县财政局", "甲县教育局"}
    filtered = sup.get("/check/export.xlsx", params={"agency": world.agencies["甲县教育局"]})
    book = load_workbook(io.BytesIO(filtered.content))
    sheet = book.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "编号"
    assert values[1][0] == "id"  # the keys' row
    assert [row[0] for row in values[2:]] == [b]
    # another agency's people see none of them
    other = world.client("yi_sup").get("/check/export.csv")
    assert list(csv.reader(io.StringIO(other.content.decode("utf-8-sig"))))[1:] == []


def test_a_reports_findings_export_names_cells_by_their_labels(world: World) -> None:
    c = world.client("jia_sup")
    report_id = stored_id(c, sample("003"), agency_id=world.agencies["甲县财政局"])
    findings = c.get(f"/api/v1/reports/{report_id}").json()["findings"]
    r = c.get(f"/check/{report_id}/findings.csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["规则", "问题", "类别"]
    assert [row[0] for row in rows[1:]] == [f["rule"] for f in findings]
    x = c.get(f"/check/{report_id}/findings.xlsx")
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None
    assert [row[0] for row in list(sheet.iter_rows(values_only=True))[2:]] == [f["rule"] for f in findings]
    assert world.client("yi_sup").get(f"/check/{report_id}/findings.csv").status_code == 404
    assert c.get(f"/check/{report_id}/findings.pdf").status_code in (404, 422)
