"""Issue #18, supervisor: a misread value is corrected in place on the check page, and a report whose date was
not recognised is not taken for late (its date can be entered).

Each journey uploads its own copy of seed 000 (二道江区审计局 2024, every cell 0, no 落款 date), under a file name
of its own, so that the other journeys' uploads do not matter to it.
"""

from __future__ import annotations

import csv
import io
import json
import re

from playwright.sync_api import FilePayload, Page, expect

from tests.conftest import SAMPLES
from tests.e2e.conftest import Shots, sign_in

AUDIT_OFFICE = "通化市二道江区审计局"
KEY = "applications.new.natural_person"  # 三、一、本年新收 · 自然人


def _seed_000(*, new_natural_person: str = "0") -> bytes:
    (path,) = SAMPLES.glob("000_*.txt")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[82] == "\t0"  # 本年新收 · 自然人
    lines[82] = f"\t{new_natural_person}"
    return "\n".join(lines).encode("utf-8")


def _upload(page: Page, name: str, content: bytes) -> int:
    """Uploads one file for 审计局 through the form; lands on its report page; returns its id."""
    page.goto("/check")
    form = page.locator("form", has=page.get_by_label("报告文件"))
    payload: FilePayload = {"name": name, "mimeType": "text/plain", "buffer": content}
    form.get_by_label("报告文件").set_input_files([payload])
    form.get_by_label("归属机关").select_option(label=AUDIT_OFFICE)
    form.get_by_role("button", name="上传并核查").click()
    page.wait_for_url(re.compile(r"/check/\d+$"), timeout=120_000)
    return int(page.url.rsplit("/", 1)[1])


def test_a_misread_cell_is_corrected_in_place_and_undone(page: Page, shots: Shots) -> None:
    sign_in(page, "zhengwu")
    report_id = _upload(page, "e2e-更正-审计局2024.txt", _seed_000(new_natural_person="8"))
    counts = page.locator("#counts")
    expect(counts).to_contain_text("错误 2")  # 本年新收 自然人 8, but 总计 0: two arithmetic errors
    cell = page.locator(f"#r1-c-{KEY}".replace(".", r"\."))
    expect(cell).to_contain_text("8")
    shots.take(page, "misread")

    # clicking the cell chooses it in the correction form (the cell's printed value is shown)
    cell.click()
    form = page.locator("form#correct-cell")
    expect(form.get_by_label("单元格")).to_have_value(KEY)
    form.get_by_label("更正为").fill("0")
    form.get_by_label("更正原因").fill("原件此格为0，系读取错误")
    form.get_by_role("button", name="保存更正").click()

    expect(counts).not_to_contain_text("错误")  # the checks ran again on the corrected value
    expect(cell).to_have_class(re.compile(r"\bcorrected\b"))
    expect(cell).to_have_attribute("title", re.compile("人工更正.*原印为“8”.*区政务公开办 王主任.*原件此格为0"))
    record = page.get_by_role("region", name="更正记录")
    row = record.get_by_role("row").filter(has_text="原件此格为0，系读取错误")
    expect(row).to_contain_text("本年新收")
    expect(row).to_contain_text("区政务公开办 王主任")
    expect(row.get_by_role("cell", name="8", exact=True)).to_be_visible()  # the printed value, kept
    shots.take(page, "corrected")

    # the JSON API: the corrected value, its provenance, the list of corrections
    detail = json.loads(page.request.get(f"/api/v1/reports/{report_id}").text())
    assert detail["cells"][KEY] == 0
    assert detail["errors"] == 0
    provenance = detail["provenance"][KEY]
    assert (provenance["source"], provenance["printed"], provenance["value"]) == ("人工更正", 8, 0)
    assert provenance["user_name"] == "区政务公开办 王主任"

    # undone by another correction back to the printed value: the errors are back
    row.get_by_label("撤销原因").fill("复核原件，确为8")
    row.get_by_role("button", name="恢复原印值").click()
    expect(counts).to_contain_text("错误 2")
    expect(cell).not_to_have_class(re.compile(r"\bcorrected\b"))
    expect(cell).to_contain_text("8")
    expect(record.get_by_role("row").filter(has_text="复核原件，确为8")).to_be_visible()
    listed = json.loads(page.request.get(f"/api/v1/reports/{report_id}/corrections").text())
    assert [(c["value"], c["reason"]) for c in listed["items"]] == [
        (0, "原件此格为0，系读取错误"),
        (8, "复核原件，确为8"),
    ]
    shots.take(page, "undone")


def test_an_undated_report_is_not_late_and_its_date_can_be_entered(page: Page, shots: Shots) -> None:
    sign_in(page, "zhengwu")
    report_id = _upload(page, "e2e-无落款日期-审计局2024.txt", _seed_000())
    page.locator("#submit").get_by_role("button", name="提交").click()
    expect(page.locator(".report-head .badges")).to_contain_text("已提交")

    # the matrix: the newest submitted report of 审计局 2024 is this one, and its date is unknown, not late
    page.goto("/jurisdiction")
    cell = page.locator(f'a.report[href="/check/{report_id}"]')
    expect(cell).to_contain_text("日期未识别")
    expect(cell).not_to_contain_text("逾期")
    expect(cell).not_to_contain_text("按时")
    shots.take(page, "matrix-unknown-date")

    # the check page says so too, and the officer enters the date seen on the agency's website, with the reason
    cell.click()
    published = page.locator("dd#published")
    expect(published).to_contain_text("日期未识别")
    expect(published).not_to_contain_text("逾期")
    form = page.locator("form#enter-date")
    form.get_by_label("发布日期").fill("2025-01-20")
    form.get_by_label("录入原因").fill("政府网站发布页显示 2025 年 1 月 20 日发布")
    form.get_by_role("button", name="录入日期").click()
    expect(published).to_contain_text(
        "2025-01-20（人工录入，区政务公开办 王主任，原因：政府网站发布页显示 2025 年 1 月 20 日发布）"
    )
    expect(published).to_contain_text("按时")
    shots.take(page, "date-entered")

    page.goto("/jurisdiction")
    cell = page.locator(f'a.report[href="/check/{report_id}"]')
    expect(cell).to_contain_text("按时")
    expect(cell).to_contain_text("人工录入 2025-01-20")
    shots.take(page, "matrix-on-time")

    exported = page.request.get("/jurisdiction/export.csv?until=2025").body().decode("utf-8-sig")
    rows = {r["报告编号"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert (rows[str(report_id)]["是否按时"], rows[str(report_id)]["判定依据"]) == ("按时", "人工录入日期")
