"""Journeys through the demo as a person makes them, in a real browser (see conftest.py).

Selectors are the visible labels and roles of the pages (what a person reads), not CSS, except where a
page offers nothing else (noted where used). Each journey saves full-page screenshots at its key steps.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from playwright.sync_api import Page, expect

from tests.conftest import CORPUS, SAMPLES
from tests.e2e.conftest import TODAY, Shots, sign_in

REFERENCE = "E2E-2026-001"
UPLOADS = [
    *sorted(SAMPLES.glob("*.txt")),
    *(CORPUS / "real" / name for name in ("r001.html", "r002.html", "r009.html", "r012.pdf", "r013.pdf")),
]


def test_sign_in(page: Page, shots: Shots) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    shots.take(page, "login")
    sign_in(page, "caizheng")
    expect(page.get_by_role("heading", name="您好，财政局 张经办")).to_be_visible()
    shots.take(page, "home")


def test_clerk_logs_and_closes_a_case(page: Page, shots: Shots) -> None:
    sign_in(page, "caizheng")
    page.get_by_role("navigation").get_by_role("link", name="申请台账").click()
    expect(page.get_by_role("heading", name="申请台账")).to_be_visible()
    shots.take(page, "ledger-list")

    page.get_by_role("link", name="登记申请").first.click()
    expect(page.get_by_role("heading", name="登记申请")).to_be_visible()
    page.get_by_label("编号").fill(REFERENCE)
    page.get_by_label("收到日期").fill("2026-11-02")
    page.get_by_label("申请人类型").select_option(label="自然人")
    page.get_by_label("申请人", exact=True).fill("王某某")
    page.get_by_label("申请内容").fill("申请公开2026年度部门预算执行情况")
    shots.take(page, "case-new-filled")
    page.get_by_role("button", name="登记", exact=True).click()

    expect(page.get_by_role("heading", name=f"案件 {REFERENCE}")).to_be_visible()
    expect(page.get_by_text("办理中").first).to_be_visible()
    shots.take(page, "case-registered")

    # a step: the answer was delivered (the form under "其他办理事项", or the next step's own card)
    answered = page.locator("form", has=page.get_by_label("答复送达日期")).first
    if not answered.is_visible():  # not the next step: it is folded under 其他办理事项
        page.get_by_text("答复送达", exact=True).click()
    answered.get_by_label("答复送达日期").fill("2026-11-10")
    answered.get_by_role("button").click()
    timeline = page.locator("section", has=page.get_by_role("heading", name="办理过程"))
    expect(timeline.get_by_role("listitem").filter(has_text="答复送达")).to_contain_text("2026-11-10")
    shots.take(page, "case-step-recorded")

    closing = page.locator("form", has=page.get_by_label("办结日期")).first
    if not closing.is_visible():
        page.get_by_text("办结（记录办理结果）", exact=True).click()
    outcome = closing.get_by_label("办理结果")
    outcome.select_option(label=outcome.get_by_role("option", name="予以公开").first.inner_text())
    closing.get_by_label("办结日期").fill("2026-11-12")
    closing.get_by_role("button", name="办结").click()
    expect(page.get_by_text("已办结").first).to_be_visible()
    shots.take(page, "case-closed")

    page.get_by_role("link", name="申请台账").first.click()
    page.get_by_label("搜索").fill(REFERENCE)
    page.get_by_role("button", name="筛选").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=REFERENCE))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已办结")
    shots.take(page, "ledger-list-closed")


def test_supervisor_checks_ten_reports(page: Page, shots: Shots) -> None:
    assert len(UPLOADS) == 10
    assert all(p.exists() for p in UPLOADS), UPLOADS
    sign_in(page, "zhengwu")
    page.get_by_role("navigation").get_by_role("link", name="报告核查").click()
    expect(page.get_by_role("heading", name="报告核查", exact=True)).to_be_visible()
    shots.take(page, "check-list")

    page.get_by_label("报告文件").set_input_files([str(p) for p in UPLOADS])
    page.get_by_role("button", name="上传并核查").click()
    results = page.locator("section", has=page.get_by_role("heading", name=re.compile("本次上传")))
    expect(results.get_by_role("heading")).to_contain_text("10 份已核查", timeout=120_000)
    shots.take(page, "check-uploaded")

    page.goto("/check")
    listed = page.get_by_role("table").filter(has_text="核查结果").last
    for path in UPLOADS:
        expect(listed.get_by_text(path.name).first).to_be_visible()
    shots.take(page, "check-list-after")

    # the report with 200 blank cells: it has findings
    row = listed.get_by_role("row").filter(has_text="001_3976189c068de9c9.txt")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("region", name="核查发现的问题")).to_be_visible()
    shots.take(page, "check-report")

    findings = page.get_by_role("region", name="核查发现的问题")
    # the findings of the check page (nianbao.render) are <li class="finding"> with no role or name; the first shown one
    first = findings.locator(".finding").filter(visible=True).first
    first.locator(".fhead").click()
    expect(first).to_have_class(re.compile(r"\bpicked\b"))
    expect(first.get_by_role("table")).to_be_visible()  # the finding's cells: printed, expected, where
    expect(page.get_by_role("region", name="统计表").locator("td.picked").first).to_be_visible()
    shots.take(page, "check-finding")


def test_clerk_edits_and_downloads_last_years_report(page: Page, shots: Shots, tmp_path: Path) -> None:
    year = TODAY.year - 1
    sign_in(page, "caizheng")
    page.get_by_role("navigation").get_by_role("link", name="年度报告").click()
    expect(page.get_by_label("年度")).to_have_value(str(year))
    shots.take(page, "report-choose")
    page.get_by_role("button", name="打开报告").click()
    expect(page.get_by_role("heading", name=re.compile(f"{year}年"))).to_be_visible()
    shots.take(page, "report-edit")

    # table 二's first row left blank is a warning; filling it in, the live audit (htmx) drops that warning
    summary = page.locator("#audit-summary")  # the counts bar has no accessible name
    audit = page.locator("#audit")  # nor has the live audit panel (aside)
    expect(audit).to_contain_text("“规章”一行")
    warnings = int(re.search(r"警告 (\d+)", summary.inner_text()).group(1))  # type: ignore[union-attr]
    for label, value in (("本年制发件数", "1"), ("本年废止件数", "0"), ("现行有效件数", "5")):
        page.get_by_role("spinbutton", name=re.compile(f"规章.*{label}")).fill(value)
    expect(summary).to_contain_text(f"警告 {warnings - 1}")
    expect(audit).not_to_contain_text("“规章”一行")
    shots.take(page, "report-live-audit")

    section = page.get_by_role("textbox", name=re.compile("存在的主要问题"))
    section.fill("存在的主要问题：政策解读不够深入。改进措施：加强解读。")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已保存")
    shots.take(page, "report-saved")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Word")).click()
    download = info.value
    assert download.suggested_filename == f"二道江区财政局{year}年政府信息公开工作年度报告.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "政策解读不够深入" in text
