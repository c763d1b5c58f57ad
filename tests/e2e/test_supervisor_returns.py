"""The supervisor's returns and district documents (issue #18), in a real browser (see conftest.py).

- several reports returned at once from the check list, with one note and a resubmission date (10 working days
  by default); the agency's inbox (退回修改) lists them with the date and the working days left, and takes the
  corrected report, which then supersedes the returned one;
- the district 通报 of a year as Word and PDF from the jurisdiction page;
- the matrix, the check list and the whole jurisdiction's findings as XLSX that open in openpyxl.

The e2e database is shared by every journey of the session: these upload their own files (named ``h3-…``)
and look for those, never at global counts.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pdfplumber
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from nianbao.ledger.calendar import WorkingCalendar
from tests.conftest import SAMPLES
from tests.e2e.conftest import TODAY, Shots, sign_in

AUDIT_OFFICE = "通化市二道江区审计局"
OFFICES = "二道江区机关事务管理局"
NOTE = "第二部分表格空白较多，各部分编号样式混用，请更正后重新报送"
DUE = WorkingCalendar().add_workdays(TODAY, 10)  # the default resubmission date: 2026-12-04


def _sample(seed: str) -> bytes:
    (path,) = SAMPLES.glob(f"{seed}_*.txt")
    return path.read_bytes()


def _upload(page: Page, path: Path, agency: str) -> None:
    """Uploads one file for `agency` from the check list (one file: the browser lands on its report page)."""
    page.goto("/check")
    form = page.locator("form", has=page.get_by_label("报告文件"))
    form.get_by_label("报告文件").set_input_files(str(path))
    form.get_by_label("归属机关").select_option(label=agency)
    form.get_by_role("button", name="上传并核查").click()
    expect(page).to_have_url(re.compile(r"/check/\d+$"), timeout=120_000)


def _row(table: Locator, text: str) -> Locator:
    return table.get_by_role("row").filter(has_text=text)


def test_supervisor_returns_two_reports_at_once(page: Page, shots: Shots, tmp_path: Path) -> None:
    audit_file = tmp_path / "h3-审计局-2024.txt"
    audit_file.write_bytes(_sample("000"))
    offices_file = tmp_path / "h3-机关事务管理局-2024.txt"
    offices_file.write_bytes(_sample("001"))
    sign_in(page, "zhengwu")
    _upload(page, audit_file, AUDIT_OFFICE)
    _upload(page, offices_file, OFFICES)

    page.goto("/check")
    listed = page.get_by_role("table").filter(has_text="核查结果").last
    for name in (audit_file.name, offices_file.name):
        _row(listed, name).get_by_role("checkbox").check()
    bulk = page.get_by_role("group", name="退回所选报告")
    expect(bulk.get_by_label("重新报送期限")).to_have_value(DUE.isoformat())  # 10 working days from today
    bulk.get_by_label("退回意见").fill(NOTE)
    shots.take(page, "check-list-selected")
    bulk.get_by_role("button", name="退回所选报告").click()

    expect(page.get_by_role("heading", name="退回修改的报告")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("已退回 2 份报告")
    inbox = page.get_by_role("table").filter(has_text="重新报送期限")
    for name in (audit_file.name, offices_file.name):
        row = _row(inbox, name)
        expect(row).to_contain_text(NOTE)
        expect(row).to_contain_text(DUE.isoformat())
        expect(row).to_contain_text("还剩 10 个工作日")
    shots.take(page, "inbox-supervisor")

    # the audit office's clerk: the inbox from the navigation, its own report only, and the corrected upload
    page.context.clear_cookies()
    sign_in(page, "shenji")
    page.get_by_role("navigation").get_by_role("link", name="退回修改").click()
    expect(page.get_by_role("heading", name="退回修改的报告")).to_be_visible()
    inbox = page.get_by_role("table").filter(has_text="重新报送期限")
    row = _row(inbox, audit_file.name)
    expect(row).to_contain_text(NOTE)
    expect(row).to_contain_text(f"{DUE.isoformat()}")
    expect(row).to_contain_text("还剩 10 个工作日")
    expect(row).to_contain_text(re.compile(r"警告 \d+"))
    expect(_row(inbox, offices_file.name)).to_have_count(0)  # another agency's
    shots.take(page, "inbox-clerk")

    corrected = tmp_path / "h3-审计局-2024-更正.txt"
    corrected.write_bytes(_sample("000"))
    row.get_by_label("更正后的报告").set_input_files(str(corrected))
    row.get_by_role("button", name="上传更正后的报告").click()
    expect(page).to_have_url(re.compile(r"/check/\d+$"), timeout=120_000)
    new_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("navigation").get_by_role("link", name="退回修改").click()
    row = _row(page.get_by_role("table").filter(has_text="重新报送期限"), audit_file.name)
    expect(row).to_contain_text("已上传更正稿，尚未提交")
    expect(row.get_by_role("link", name=f"#{new_id}")).to_be_visible()
    shots.take(page, "inbox-corrected-uploaded")

    # submitted, the corrected report supersedes the returned one: it leaves the inbox
    row.get_by_role("link", name=f"#{new_id}").click()
    page.locator("#submit").get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交").first).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="退回修改").click()
    expect(page.get_by_role("heading", name="退回修改的报告")).to_be_visible()
    expect(page.get_by_text(audit_file.name)).to_have_count(0)
    shots.take(page, "inbox-after-resubmission")


def test_supervisor_downloads_the_district_bulletin(page: Page, shots: Shots, tmp_path: Path) -> None:
    sign_in(page, "zhengwu")
    page.get_by_role("navigation").get_by_role("link", name="辖区汇总").click()
    expect(page.get_by_role("heading", name="辖区汇总")).to_be_visible()
    link = page.get_by_role("link", name=re.compile("核查情况通报（Word）"))
    expect(link).to_be_visible()
    year = int(re.search(r"(\d{4}) 年度", link.inner_text()).group(1))  # type: ignore[union-attr]
    shots.take(page, "status-with-bulletin-links")
    title = "通化市二道江区政府信息公开工作年度报告核查情况通报"

    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".docx"
    assert str(year) in saved.name
    document = docx.Document(str(saved))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].replace("\n", "") == title  # broken after the district's name
    assert paragraphs[1] == f"（{year}年度）"
    tables = ["\n".join(cell.text for row in t.rows for cell in row.cells) for t in document.tables]
    assert any("二道江区财政局" in t for t in tables)  # problems by agency
    assert any("涉及机关数" in t for t in tables)  # problems by rule

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("核查情况通报（PDF）")).click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.suffix == ".pdf"
    with pdfplumber.open(str(pdf)) as opened:
        text = "".join((p.extract_text() or "") for p in opened.pages)
    assert title in re.sub(r"\s", "", text)


def test_supervisor_exports_the_matrix_and_findings_as_xlsx(page: Page, shots: Shots, tmp_path: Path) -> None:
    sign_in(page, "zhengwu")
    page.get_by_role("navigation").get_by_role("link", name="辖区汇总").click()
    shots.take(page, "status-exports")

    def workbook(link_name: str | re.Pattern[str]) -> list[tuple[object, ...]]:
        with page.expect_download() as info:
            page.get_by_role("link", name=link_name).first.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.suffix == ".xlsx"
        sheet = load_workbook(io.BytesIO(path.read_bytes())).active
        assert sheet is not None
        return list(sheet.iter_rows(values_only=True))

    matrix = workbook("导出 Excel")
    assert matrix[0][0] == "机关"
    assert any(row[0] == "二道江区财政局" for row in matrix[2:])

    findings = workbook(re.compile("全辖区核查发现（Excel）"))
    header = list(findings[0])
    assert header[:3] == ["机关", "年度", "报告编号"]
    assert "问题" in header
    agencies = {row[0] for row in findings[2:]}
    assert agencies
    assert all(isinstance(a, str) and "二道江区" in a for a in agencies)
    problem = header.index("问题")
    assert all(not re.fullmatch(r"[a-z0-9-]+", str(row[problem])) for row in findings[2:])  # never a rule's slug

    page.get_by_role("navigation").get_by_role("link", name="报告核查").click()
    listing = workbook("Excel")
    assert listing[0][:2] == ("编号", "机关")
