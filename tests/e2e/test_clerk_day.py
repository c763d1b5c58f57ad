"""A department clerk's day (issue #18, the clerk's bullets), in a real browser (see conftest.py).

One journey per bullet: an empty draft is not ready to submit; a draft's downloads carry a 草稿 watermark
and the submitted report's do not; the ledger import takes the printed Chinese outcome labels; a 复议 and
its decision are recorded on a closed case; the home page says what needs the clerk today.

Each journey works on its own data (its own case references, its own agency and year) so that the other
journeys of the session, which share the server's database, neither disturb it nor are disturbed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pdfplumber
import pypdfium2 as pdfium
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from nianbao.ledger import agencies
from nianbao.store import db
from nianbao.store.models import StoredReport
from tests.e2e.conftest import SCREENSHOTS, TODAY, VIEWPORT, Server, Shots, sign_in

AUDIT_AGENCY = (
    "通化市二道江区审计局"  # the clerk `shenji`'s agency: its report of this year is used by no other journey
)
FINANCE = "二道江区财政局"  # the clerk `caizheng`'s agency


def _agency_id(server: Server, name: str) -> int:
    with db.session(server.database_url) as s:
        return agencies.find_agency(s, name).id


def _open_report(page: Page, year: int) -> None:
    page.get_by_role("navigation").get_by_role("link", name="年度报告").click()
    page.get_by_label("年度").select_option(value=str(year))
    page.get_by_role("button", name="打开报告").click()
    expect(page.get_by_role("heading", name=re.compile(f"{year}年"))).to_be_visible()


def test_empty_draft_is_not_ready(page: Page, context: BrowserContext, shots: Shots) -> None:
    sign_in(page, "shenji")
    _open_report(page, TODAY.year)
    for name in ("总体情况", "存在的主要问题", "其他需要报告的事项"):
        page.get_by_role("textbox", name=re.compile(name)).fill("")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已保存")

    summary = page.locator("#audit-summary")  # the counts bar has no accessible name
    audit = page.locator("#audit")  # nor has the live audit panel (aside)
    expect(summary).not_to_contain_text("错误 0")
    expect(summary).to_contain_text("有错误须更正后才能提交")
    for heading in ("第一部分“总体情况”", "第五部分“存在的主要问题及改进情况”", "第六部分“其他需要报告的事项”"):
        expect(audit).to_contain_text(f"{heading}正文为空")
    shots.take(page, "empty-draft")

    # a refused submission answers 422, which the browser logs as an error: seen in a page of its own
    refused = context.new_page()
    refused.goto(page.url)
    refused.get_by_role("button", name="保存并提交").click()
    expect(refused.get_by_role("alert").first).to_contain_text("报告未提交")
    expect(refused.get_by_role("alert").first).to_contain_text("正文为空")
    shots.take(refused, "submit-refused")
    refused.close()

    # placeholder text is no better than none
    page.get_by_role("textbox", name=re.compile("总体情况")).fill("略")
    page.get_by_role("textbox", name=re.compile("存在的主要问题")).fill("暂无")
    page.get_by_role("textbox", name=re.compile("其他需要报告的事项")).fill("XXX")
    expect(audit).to_contain_text("第一部分“总体情况”正文只写“略”")
    expect(audit).to_contain_text("第五部分“存在的主要问题及改进情况”正文只写“暂无”")
    expect(summary).to_contain_text("有错误须更正后才能提交")

    # written out, the parts are ready (section 六 may say 无: nothing else to report)
    page.get_by_role("textbox", name=re.compile("总体情况")).fill(
        f"{TODAY.year}年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，及时主动公开审计结果公告和部门预算决算。"
    )
    page.get_by_role("textbox", name=re.compile("存在的主要问题")).fill(
        "存在的主要问题是政策解读形式还不够丰富。下一步将增加图解等解读形式，加强业务培训。"
    )
    page.get_by_role("textbox", name=re.compile("其他需要报告的事项")).fill("无。")
    expect(summary).to_contain_text("错误 0")
    expect(audit).not_to_contain_text("正文为空")
    shots.take(page, "written")


def _download(page: Page, link: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(link)).click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def _pdf_pages_marked(path: Path) -> tuple[int, int]:
    """(pages with the 草稿 watermark, pages). The watermark is drawn as the outlines of 草稿 (not text, which
    would be read as part of the report): as many light-grey filled shapes as the font's glyphs have contours,
    centred on the page; and the text layer never holds 草稿."""
    from nianbao.render.pdf_font import find_font
    from nianbao.render.pdf_watermark import outline

    font = find_font()
    ops, _ = outline(font.path, font.index, "草稿")
    contours = sum(1 for op in ops if op[0] == "M")
    marked = 0
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        for p in pdf.pages:
            assert "草稿" not in (p.extract_text() or "")
            grey = [c for c in p.curves if c["fill"] and c["non_stroking_color"] in ((0.85,), [0.85], 0.85)]
            if len(grey) == contours:
                middle = (
                    (min(c["x0"] for c in grey) + max(c["x1"] for c in grey)) / 2,
                    (min(c["top"] for c in grey) + max(c["bottom"] for c in grey)) / 2,
                )
                marked += abs(middle[0] - p.width / 2) < 30 and abs(middle[1] - p.height / 2) < 30
        return marked, len(pdf.pages)


def _page_image(pdf: Path, number: int, name: str) -> None:
    """Page `number` of the PDF as a PNG beside the journeys' screenshots (the browser shows no PDF)."""
    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        document[min(number, len(document)) - 1].render(scale=1.5).to_pil().save(SCREENSHOTS / name)
    finally:
        document.close()


def _docx_headers_with(path: Path, word: str) -> tuple[int, int]:
    """(sections whose header holds `word`, sections)."""
    document = docx.Document(str(path))
    found = sum(1 for s in document.sections if word in s.header._element.xml)
    return found, len(document.sections)


def test_draft_downloads_carry_a_watermark(page: Page, shots: Shots, tmp_path: Path) -> None:
    sign_in(page, "shenji")
    _open_report(page, TODAY.year)  # this year's report: never submitted
    expect(page.get_by_text("带“草稿”水印")).to_be_visible()
    shots.take(page, "draft-downloads")
    pdf = _download(page, "PDF", tmp_path)
    marked, pages = _pdf_pages_marked(pdf)
    assert pages >= 2
    assert marked == pages
    _page_image(pdf, 3, "draft_downloads_carry_a_watermark-pdf-page3.png")  # for a person to look at
    word = _download(page, "Word", tmp_path)
    marked, sections = _docx_headers_with(word, "草稿")
    assert sections >= 1
    assert marked == sections

    # last year's report was submitted (by the demo's seed) and not changed since: clean downloads
    _open_report(page, TODAY.year - 1)
    expect(page.get_by_text("本年度报告已于")).to_be_visible()
    expect(page.get_by_text("带“草稿”水印")).to_have_count(0)
    shots.take(page, "submitted-downloads")
    (tmp_path / "submitted").mkdir()
    pdf = _download(page, "PDF", tmp_path / "submitted")
    assert _pdf_pages_marked(pdf)[0] == 0
    word = _download(page, "Word", tmp_path / "submitted")
    assert _docx_headers_with(word, "草稿")[0] == 0


IMPORT_HEADER = "reference,received,applicant_type,applicant,request,closed,outcome\n"


def test_import_takes_chinese_outcome_labels(page: Page, context: BrowserContext, shots: Shots, tmp_path: Path) -> None:
    sign_in(page, "caizheng")
    page.get_by_role("navigation").get_by_role("link", name="申请台账").click()
    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.get_by_role("heading", name="导入台账")).to_be_visible()

    bad = tmp_path / "台账-有误.csv"
    bad.write_text(
        IMPORT_HEADER
        + "E2E-IMP-101,2026-09-01,自然人,王某,申请公开预算,2026-09-10,予以公开\n"
        + "E2E-IMP-102,2026-09-02,自然人,李某,申请公开合同,2026-09-11,不予公开\n"
        + "E2E-IMP-103,2026-09-03,自然人,赵某,申请公开文件,2026-09-12,同意了\n",
        encoding="utf-8",
    )
    # the refusal answers 400, which the browser logs as an error: seen in a page of its own
    refused = context.new_page()
    refused.goto(page.url)
    refused.get_by_label("台账文件").set_input_files(str(bad))
    refused.get_by_role("button", name="导入", exact=True).click()
    alert = refused.get_by_role("alert")
    expect(alert).to_contain_text("整个文件未导入")
    expect(alert).to_contain_text("第3行")
    expect(alert).to_contain_text("“不予公开”不明确")
    expect(alert).to_contain_text("不予公开：属于国家秘密")
    expect(alert).to_contain_text("第4行")
    expect(alert).to_contain_text("“同意了”不是表三的办理结果行")
    shots.take(refused, "import-refused")
    refused.close()

    good = tmp_path / "台账.csv"
    good.write_text(
        IMPORT_HEADER
        + "E2E-IMP-001,2026-09-01,自然人,王某,申请公开预算,2026-09-10,予以公开\n"
        + "E2E-IMP-002,2026-09-02,商业企业,某公司,申请公开合同,2026-09-11,部分公开（区分处理）\n"
        + "E2E-IMP-003,2026-09-03,自然人,赵某,申请公开文件,2026-09-12,不予公开-国家秘密\n"
        + "E2E-IMP-004,2026-09-04,自然人,钱某,申请公开图纸,2026-09-14,本机关不掌握相关政府信息\n"
        + "E2E-IMP-005,2026-09-07,法人或其他组织 法律服务机构,某律所,申请公开卷宗,2026-09-15,"
        + "不予处理： 重复申请\n"
        + "E2E-IMP-006,2026-09-08,自然人,孙某,申请公开报告,2026-09-16,全部公开\n",
        encoding="utf-8",
    )
    page.get_by_label("台账文件").set_input_files(str(good))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已导入 6 件申请")
    page.get_by_label("搜索").fill("E2E-IMP-")
    page.get_by_role("button", name="筛选").click()
    expected = {
        "E2E-IMP-001": "予以公开",
        "E2E-IMP-002": "部分公开",
        "E2E-IMP-003": "属于国家秘密",
        "E2E-IMP-004": "本机关不掌握相关政府信息",
        "E2E-IMP-005": "重复申请",
        "E2E-IMP-006": "予以公开",
    }
    for reference, outcome in expected.items():
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
        expect(row).to_contain_text(outcome)
    shots.take(page, "imported")


APPEAL_CASE = "E2E-APL-001"


def test_appeal_after_closing(page: Page, shots: Shots, server: Server) -> None:
    sign_in(page, "caizheng")
    report = f"/report/{_agency_id(server, FINANCE)}/{TODAY.year}"
    page.goto(report)
    before = int(re.search(r"表四由台账 (\d+) 件", page.content()).group(1))  # type: ignore[union-attr]

    page.goto("/ledger/new")
    page.get_by_label("编号").fill(APPEAL_CASE)
    page.get_by_label("收到日期").fill("2026-10-09")
    page.get_by_label("申请人类型").select_option(label="自然人")
    page.get_by_label("申请人", exact=True).fill("周某某")
    page.get_by_label("申请内容").fill("申请公开某项目资金拨付文件")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("heading", name=f"案件 {APPEAL_CASE}")).to_be_visible()

    answered = page.locator("form", has=page.get_by_label("答复送达日期")).first
    answered.get_by_label("答复送达日期").fill("2026-10-20")
    answered.get_by_role("button").click()
    expect(page.get_by_role("status")).to_contain_text("答复送达")
    closing = page.locator("form", has=page.get_by_label("办结日期")).first
    if not closing.is_visible():
        page.get_by_text("办结（记录办理结果）", exact=True).click()
    outcome = closing.get_by_label("办理结果")
    outcome.select_option(label=outcome.get_by_role("option", name="属于四类过程性信息").first.inner_text())
    closing.get_by_label("办结日期").fill("2026-10-21")
    closing.get_by_role("button", name="办结").click()
    expect(page.get_by_text("已办结").first).to_be_visible()

    # closed: the handling steps are over, and the page says where a later 复议 or 诉讼 goes
    appeals = page.locator("section", has=page.get_by_role("heading", name="行政复议、行政诉讼"))
    expect(page.get_by_text("本案已办结，不能再登记办理事项").first).to_be_visible()
    expect(appeals).to_contain_text("办结后申请人提起的行政复议、行政诉讼在此登记")
    shots.take(page, "closed-case")

    form = appeals.locator("form", has=page.get_by_label("立案（收到）日期"))
    form.get_by_label("案号").fill("复E2E-001")
    form.get_by_label("类别").select_option(label="行政复议")
    form.get_by_label("立案（收到）日期").fill("2026-11-05")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_role("status")).to_contain_text("复议诉讼已登记")
    row = appeals.get_by_role("row").filter(has_text="复E2E-001")
    expect(row).to_contain_text("尚未审结")

    row.get_by_label("审结结果").select_option(label="结果纠正")
    row.get_by_label("审结日期").fill("2026-11-18")
    row.get_by_role("button", name="记录结果").click()
    expect(page.get_by_role("status")).to_contain_text("复议诉讼结果已记录")
    row = appeals.get_by_role("row").filter(has_text="复E2E-001")
    expect(row).to_contain_text("结果纠正（2026-11-18）")
    timeline = page.locator("section", has=page.get_by_role("heading", name="办理过程"))
    expect(timeline).to_contain_text("行政复议")
    shots.take(page, "appeal-decided")

    page.goto(report)  # table 四 counts it
    expect(page.get_by_text(f"表四由台账 {before + 1} 件复议、诉讼计算").first).to_be_visible()


def _return_report(browser: Browser, server: Server, agency: str, year: int, note: str) -> None:
    """The supervisor returns the agency's report of `year` for correction, on the check page."""
    with db.session(server.database_url) as s:
        owner = agencies.find_agency(s, agency)
        report_id = s.scalar(
            select(StoredReport.id).where(
                StoredReport.agency_id == owner.id, StoredReport.year == year, StoredReport.status == "submitted"
            )
        )
    assert report_id is not None
    context = browser.new_context(base_url=server.base_url, viewport=VIEWPORT, locale="zh-CN")
    try:
        supervisor = context.new_page()
        sign_in(supervisor, "zhengwu")
        supervisor.goto(f"/check/{report_id}")
        returning = supervisor.locator("form", has=supervisor.get_by_role("button", name="退回修改"))
        returning.get_by_label("退回意见").fill(note)
        returning.get_by_role("button", name="退回修改").click()
        expect(supervisor.get_by_text("已退回修改").first).to_be_visible()
    finally:
        context.close()


def test_clerk_home_says_what_needs_doing_today(page: Page, shots: Shots, browser: Browser, server: Server) -> None:
    _return_report(browser, server, FINANCE, 2023, "表三第二列合计有误，请核对后重新提交")
    sign_in(page, "caizheng")
    for reference, received in (
        ("E2E-HOME-1", "2026-09-01"),
        ("E2E-HOME-2", "2026-10-27"),
        ("E2E-HOME-3", "2026-11-02"),
    ):
        page.goto("/ledger/new")
        page.get_by_label("编号").fill(reference)
        page.get_by_label("收到日期").fill(received)
        page.get_by_label("申请人类型").select_option(label="自然人")
        page.get_by_role("button", name="登记", exact=True).click()
        expect(page.get_by_role("heading", name=f"案件 {reference}")).to_be_visible()

    page.get_by_role("link", name="nianbao").click()  # the brand: home
    expect(page.get_by_role("heading", name="您好，财政局 张经办")).to_be_visible()
    today = page.get_by_role("region", name="今日待办")
    overdue = today.get_by_role("region", name=re.compile("已超期"))
    soon = today.get_by_role("region", name=re.compile("5 个工作日内到期"))
    expect(overdue.get_by_role("link", name="E2E-HOME-1")).to_be_visible()
    expect(overdue).to_contain_text("超期 34 个工作日")
    expect(soon.get_by_role("link", name="E2E-HOME-2")).to_be_visible()
    expect(soon).to_contain_text("剩 2 个工作日")
    expect(today.get_by_role("link", name="E2E-HOME-3")).to_have_count(0)  # 6 working days left: not yet

    deadline = today.get_by_role("region", name="年度报告")
    expect(deadline).to_contain_text(f"{TODAY.year}年度报告应于2027年1月31日前公布，还有 72 天")
    expect(deadline).to_contain_text("草稿")
    returned = today.get_by_role("region", name="退回修改的报告")
    expect(returned).to_contain_text("2023年度")
    expect(returned).to_contain_text("表三第二列合计有误")
    shots.take(page, "home")

    overdue.get_by_role("link", name="E2E-HOME-1").click()
    expect(page.get_by_role("heading", name="案件 E2E-HOME-1")).to_be_visible()
