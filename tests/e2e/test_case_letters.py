"""Journeys of a case's letters (issue #18): a clerk writes the 补正通知书 and the 答复书 of a case from its page,
downloads them and finds the agency's name and the right dates in them; another clerk edits the agency's own
template of a letter, is told which placeholders are unknown, and gets letters from the edited template.

Each journey registers its own case (its own reference), so other journeys' writes do not matter. Dates: received
2026-11-02; 补正 asked on 2026-11-04, to be given by 2026-11-18, given on 2026-11-09 (the count restarts: due
2026-12-07); answered and closed on 2026-11-16.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import Shots, sign_in


def _register(page: Page, reference: str, applicant: str, request: str) -> None:
    page.goto("/ledger/new")
    expect(page.get_by_role("heading", name="登记申请")).to_be_visible()
    page.get_by_label("编号").fill(reference)
    page.get_by_label("收到日期").fill("2026-11-02")
    page.get_by_label("申请人类型").select_option(label="自然人")
    page.get_by_label("申请人", exact=True).fill(applicant)
    page.get_by_label("申请内容").fill(request)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("heading", name=f"案件 {reference}")).to_be_visible()


def _step(page: Page, summary: str, date_label: str) -> Locator:
    """The form of one step, unfolded when it is not the suggested next step."""
    form = page.locator("form", has=page.get_by_label(date_label)).first
    if not form.is_visible():
        page.get_by_text(summary, exact=True).click()
    return form


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def _letters(page: Page) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name="文书", exact=True))


def _download(page: Page, row: Locator, folder: Path) -> Path:
    with page.expect_download() as info:
        row.get_by_role("link", name="下载").click()
    download = info.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return saved


def test_clerk_writes_the_correction_notice_and_the_reply(page: Page, shots: Shots, tmp_path: Path) -> None:
    reference = "E2E-LETTERS-001"
    sign_in(page, "caizheng")
    _register(page, reference, "李某某", "申请公开2026年度政府采购合同")

    form = _step(page, "发出补正通知", "补正通知发出日期")
    form.get_by_label("补正通知发出日期").fill("2026-11-04")
    form.get_by_label("申请人补正期限").fill("2026-11-18")
    form.get_by_label("备注").fill("请写明所需合同的名称或编号")
    form.get_by_role("button").click()
    expect(page.get_by_text("已记录：发出补正通知。")).to_be_visible()

    letters = _letters(page)
    expect(letters).to_be_visible()
    letters.get_by_role("button", name="生成补正通知书").click()
    letters = _letters(page)
    row = letters.get_by_role("row").filter(has_text="补正通知书")
    expect(row).to_have_count(1)
    shots.take(page, "correction-notice-generated")

    saved = _download(page, row, tmp_path)
    assert saved.suffix == ".docx"
    text = _text(saved)
    assert "二道江区财政局" in text
    assert "李某某" in text
    assert "第三十条" in text
    assert "2026年11月2日" in text  # received
    assert "2026年11月18日" in text  # the applicant's 补正 deadline
    assert "2026年11月4日" in text  # the notice's date
    assert "请写明所需合同的名称或编号" in text

    # downloading again gives the stored file, not a new one
    again = _download(page, _letters(page).get_by_role("row").filter(has_text="补正通知书"), tmp_path / "again")
    assert again.read_bytes() == saved.read_bytes()

    form = _step(page, "收到补正", "收到补正日期")
    form.get_by_label("收到补正日期").fill("2026-11-09")
    form.get_by_role("button").click()
    expect(page.get_by_text("已记录：收到补正。")).to_be_visible()
    form = _step(page, "答复送达", "答复送达日期")
    form.get_by_label("答复送达日期").fill("2026-11-16")
    form.get_by_role("button").click()
    closing = _step(page, "办结（记录办理结果）", "办结日期")
    outcome = closing.get_by_label("办理结果")
    outcome.select_option(label=outcome.get_by_role("option", name="予以公开").first.inner_text())
    closing.get_by_label("办结日期").fill("2026-11-16")
    closing.get_by_role("button", name="办结").click()
    expect(page.get_by_text("已办结").first).to_be_visible()

    letters = _letters(page)
    letters.get_by_role("button", name="生成答复书").click()
    letters = _letters(page)
    row = letters.get_by_role("row").filter(has_text="答复书")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("予以公开")
    shots.take(page, "reply-generated")

    text = _text(_download(page, row, tmp_path))
    assert "二道江区财政局" in text
    assert "第三十六条第（二）项" in text
    assert "2026年11月2日" in text  # received
    assert "2026年11月9日" in text  # the corrected application received
    assert "2026年11月16日" in text  # the reply's date
    assert "行政复议" in text
    assert "行政诉讼" in text
    assert "{{" not in text


def test_clerk_edits_the_agency_template(page: Page, context: BrowserContext, shots: Shots, tmp_path: Path) -> None:
    sign_in(page, "jiaoyu")
    page.goto("/ledger/templates")
    expect(page.get_by_role("heading", name="文书模板")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="补正通知书")
    expect(row).not_to_contain_text("本机关模板")  # the built-in one is in use
    with page.expect_download() as info:
        row.get_by_role("link", name="下载内置模板").click()
    builtin = tmp_path / "builtin.docx"
    info.value.save_as(builtin)
    document = docx.Document(str(builtin))
    assert any("{{机关名称}}" in p.text for p in document.paragraphs)

    # an unknown placeholder is refused (400), and named. The refusal is shown in a second tab of the same
    # session: the `page` fixture counts the browser's "Failed to load resource: 400" of a refused form as an error.
    document.add_paragraph("联系人：{{联系人姓名}}")
    bad = tmp_path / "bad.docx"
    document.save(str(bad))
    refused = context.new_page()
    refused.goto("/ledger/templates")
    row = refused.get_by_role("row").filter(has_text="补正通知书")
    row.get_by_label(re.compile("上传")).set_input_files(str(bad))
    row.get_by_role("button", name="上传", exact=True).click()
    expect(refused.get_by_role("alert")).to_contain_text("{{联系人姓名}}")
    expect(refused.get_by_role("row").filter(has_text="补正通知书")).not_to_contain_text("本机关模板")
    shots.take(refused, "template-refused")
    refused.close()

    document = docx.Document(str(builtin))
    document.add_paragraph("本机关联系电话：0435-1234567（{{机关名称}}）")
    good = tmp_path / "good.docx"
    document.save(str(good))
    row = page.get_by_role("row").filter(has_text="补正通知书")
    row.get_by_label(re.compile("上传")).set_input_files(str(good))
    row.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已保存")
    row = page.get_by_role("row").filter(has_text="补正通知书")
    expect(row).to_contain_text("本机关模板")
    shots.take(page, "template-saved")

    reference = "E2E-LETTERS-002"
    _register(page, reference, "赵某某", "申请公开学校招生划片方案")
    form = _step(page, "发出补正通知", "补正通知发出日期")
    form.get_by_label("补正通知发出日期").fill("2026-11-05")
    form.get_by_label("申请人补正期限").fill("2026-11-19")
    form.get_by_role("button").click()
    _letters(page).get_by_role("button", name="生成补正通知书").click()
    row = _letters(page).get_by_role("row").filter(has_text="补正通知书")
    text = _text(_download(page, row, tmp_path))
    assert "本机关联系电话：0435-1234567（二道江区教育局）" in text
    assert "2026年11月19日" in text

    page.goto("/ledger/templates")
    row = page.get_by_role("row").filter(has_text="补正通知书")
    row.get_by_role("button", name="恢复内置模板").click()
    expect(page.get_by_role("status")).to_contain_text("已恢复内置模板")
    expect(page.get_by_role("row").filter(has_text="补正通知书")).not_to_contain_text("本机关模板")
