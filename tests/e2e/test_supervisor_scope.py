"""The supervisor's scope and wording (issue #18), in a real browser (see conftest.py):

- a report whose printed agency is not in the jurisdiction is said to be so (辖区外/未归属), is not counted
  under the supervisor's government, cannot be submitted, and can be filed under a new agency created
  under a chosen parent of the jurisdiction;
- the status matrix opens on the years that have data (and the current report year), not on a fixed span;
- findings name their rule and cells in Chinese, the codes and keys folded under "技术信息".

The e2e database is shared by every journey of the session: these upload their own files (named ``h1-…``,
printed agencies no other journey uses) and look for those, never at global counts.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.conftest import CORPUS, SAMPLES
from tests.e2e.conftest import TODAY, Shots, sign_in

GOVERNMENT = "通化市二道江区人民政府"
NEW_AGENCY = "二道江区医疗保障局"  # not in the demo: a department the system does not know yet
OUTSIDE = "平潭综合实验区"  # printed by corpus/real/r001.html: not of this district at all
CURRENT_YEAR = TODAY.year - 1  # the latest report year that can be due
SLUG = re.compile(r"\b[a-z]+(?:-[a-z]+){1,6}\b")
KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)+\b")


def _sample(seed: str) -> str:
    (path,) = SAMPLES.glob(f"{seed}_*.txt")
    return path.read_text(encoding="utf-8")


def _upload(page: Page, path: Path) -> None:
    """Uploads one file, its agency matched by the printed name; one file: the browser lands on its page."""
    page.goto("/check")
    form = page.locator("form", has=page.get_by_label("报告文件"))
    form.get_by_label("报告文件").set_input_files(str(path))
    form.get_by_role("button", name="上传并核查").click()
    expect(page).to_have_url(re.compile(r"/check/\d+$"), timeout=120_000)


def _years(page: Page) -> list[int]:
    heads = page.get_by_role("table").first.locator("thead th").all_inner_texts()
    return [int(m.group(1)) for h in heads if (m := re.match(r"\s*(\d{4}) 年度", h))]


def test_supervisor_files_or_keeps_out_reports_outside_the_jurisdiction(
    page: Page, shots: Shots, tmp_path: Path
) -> None:
    newcomer = tmp_path / "h1-医疗保障局-2024.txt"
    newcomer.write_text(_sample("000").replace("审计局", "医疗保障局"), encoding="utf-8")
    outsider = tmp_path / "h1-平潭-2023.html"
    outsider.write_bytes((CORPUS / "real" / "r001.html").read_bytes())
    sign_in(page, "zhengwu")

    # a department the system does not know: said plainly, not filed under the district's government
    _upload(page, newcomer)
    head = page.locator("section.report-head")  # the report's header card has no accessible name
    notice = page.get_by_role("region", name="辖区外/未归属")
    expect(notice).to_contain_text(f"报告所印机关“{NEW_AGENCY}”不是本辖区的机关")
    expect(notice).to_contain_text("不计入")
    expect(notice).to_contain_text("不能提交")
    expect(head).not_to_contain_text(f"归属{GOVERNMENT}")
    expect(head.get_by_text(GOVERNMENT)).to_have_count(0)
    shots.take(page, "outside-notice")

    # 新建机关: the printed name prefilled, the parent chosen in the jurisdiction; the report is filed under it
    create = notice.locator("form", has=page.get_by_role("button", name="新建机关并归入"))
    expect(create.get_by_label("机关名称")).to_have_value(NEW_AGENCY)
    create.get_by_label("上级机关").select_option(label=GOVERNMENT)
    create.get_by_role("button", name="新建机关并归入").click()
    expect(page.get_by_role("status")).to_contain_text(f"已新建机关“{NEW_AGENCY}”")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{NEW_AGENCY} 2024 年度")
    expect(page.get_by_role("region", name="辖区外/未归属")).to_have_count(0)
    expect(page.locator("#comments")).to_contain_text(f"新建机关“{NEW_AGENCY}”")
    shots.take(page, "filed-under-new-agency")

    # an agency of elsewhere: kept out, with the reason; the submission is refused
    _upload(page, outsider)
    notice = page.get_by_role("region", name="辖区外/未归属")
    expect(notice).to_contain_text(f"报告所印机关“{OUTSIDE}”不是本辖区的机关")
    expect(notice).to_contain_text("不能提交")
    outside_id = int(page.url.rsplit("/", 1)[1])
    refused = page.request.post(
        f"/api/v1/reports/{outside_id}/submit",
        headers={"X-CSRF-Token": page.locator("input[name=csrf_token]").first.input_value()},
        data={},
    )
    assert refused.status == 422, refused.text()
    assert "辖区外" in refused.json()["detail"]
    shots.take(page, "outside-kept")

    # the check list marks it; filtered by the government, it is not among its reports
    page.goto("/check")
    listed = page.get_by_role("table").filter(has_text="核查结果").last
    row = listed.get_by_role("row").filter(has_text=outsider.name)
    expect(row).to_contain_text("辖区外/未归属")
    filters = page.locator("form.filters")  # the filter bar has no accessible name
    filters.get_by_label("机关").select_option(label=GOVERNMENT)
    filters.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("table").filter(has_text="核查结果").last.get_by_text(outsider.name)).to_have_count(0)
    shots.take(page, "check-list-government")

    # the matrix has the new agency's row under the government, and no row for the outsider
    page.goto("/jurisdiction")
    matrix = page.get_by_role("table").first
    expect(matrix.get_by_role("rowheader").filter(has_text=NEW_AGENCY)).to_have_count(1)
    expect(matrix.get_by_role("rowheader").filter(has_text=OUTSIDE)).to_have_count(0)
    shots.take(page, "matrix-with-new-agency")


def test_matrix_years_come_from_the_data(page: Page, shots: Shots) -> None:
    sign_in(page, "zhengwu")
    page.get_by_role("navigation").get_by_role("link", name="辖区汇总").click()
    expect(page.get_by_role("heading", name="辖区汇总")).to_be_visible()
    years = _years(page)
    assert years, "the matrix shows no year"
    assert years[-1] == CURRENT_YEAR, years
    assert years == list(range(years[0], years[-1] + 1)), years
    # the first year shown has data: no column of years before the jurisdiction had any report
    matrix = page.get_by_role("table").first
    first_column = matrix.locator("tbody tr").locator("td:nth-of-type(1)")
    assert first_column.count() > 0
    assert first_column.locator("a[href^='/check/']").count() > 0, (
        f"{years[0]}: no report at all in the first column of {years}"
    )
    shots.take(page, "matrix-years")

    # the exports carry the same years as the page
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    exported = sorted({int(r["年度"]) for r in csv.DictReader(io.StringIO(text))})
    assert exported == years, (exported, years)

    # years asked for are still shown, even without data
    page.goto("/jurisdiction?years=2019,2020")
    assert _years(page) == [2019, 2020]
    shots.take(page, "matrix-years-asked")

    # the roll-up's year links and the trends are the years with data too
    page.goto("/jurisdiction")
    page.get_by_role("link", name="下级合计对照").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("年度下级合计")
    links = page.locator("p.toolbar").first.get_by_role("link", name=re.compile(r"^\d{4}$")).all_inner_texts()
    assert links, "the roll-up shows no year"
    assert min(int(y) for y in links) >= years[0], (links, years)
    shots.take(page, "rollup-years")


def test_findings_speak_chinese_with_codes_behind_a_toggle(page: Page, shots: Shots, tmp_path: Path) -> None:
    blanks = tmp_path / "h1-机关事务管理局-空白.txt"
    blanks.write_text(_sample("001"), encoding="utf-8")  # 200 blank cells: C201 and many cells named
    sign_in(page, "zhengwu")
    _upload(page, blanks)
    findings = page.get_by_role("region", name="核查发现的问题")
    expect(findings).to_contain_text("统计表单元格空白")  # C201's title
    shown = findings.inner_text()  # what a person reads: folded details are not rendered
    assert not SLUG.findall(shown), SLUG.findall(shown)[:5]
    assert not KEY.findall(shown), KEY.findall(shown)[:5]
    shots.take(page, "findings-chinese")

    first = findings.locator(".finding").filter(has_text="统计表单元格空白").first
    tech = first.locator("details", has=page.get_by_text("技术信息"))
    expect(tech).to_have_count(1)
    tech.get_by_text("技术信息").click()
    expect(tech).to_contain_text("blank-cell")
    expect(tech).to_contain_text("active.regulations.issued")
    shots.take(page, "findings-tech-open")

    # the findings workbook: Chinese columns first (rule title, family, status), the codes after them
    with page.expect_download() as info:
        page.get_by_role("link", name="核查发现（Excel）").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    labels, keys, body = list(rows[0]), list(rows[1]), rows[2:]
    row = dict(zip(labels, next(r for r in body if r[0] == "C201"), strict=True))
    assert row["问题"] == "统计表单元格空白"
    assert row["类别"] == "单元格取值"
    assert row["状态"] == "不符合"
    assert row["规则名"] == "blank-cell"
    assert labels.index("规则名") > labels.index("说明")
    assert labels.index("单元格编号") > labels.index("单元格")
    assert "name" in keys
