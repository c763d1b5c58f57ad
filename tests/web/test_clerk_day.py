"""A clerk's day in the web app (issue #18): an empty draft is not ready, a draft's downloads say 草稿, appeals
come after a case's closing, and the home page says what needs doing today. TODAY is 2026-11-20."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pdfplumber
import pytest
from sqlalchemy import select

from nianbao.ledger import agencies
from nianbao.store import db
from nianbao.store.models import Agency, StoredReport
from nianbao.web.home import report_deadlines
from tests.web.conftest import TODAY, World
from tests.web.report_seed import WRITTEN, seed_2025, table_two
from tests.web.test_ledger_pages import seed

AGENCY = "甲县财政局"
D = dt.date


@pytest.fixture
def seeded(world: World) -> World:
    seed_2025(world.url)
    return world


def _base(world: World, year: int = 2025) -> str:
    return f"/report/{world.agencies[AGENCY]}/{year}"


def _form(version: int, sections: dict[int, str]) -> dict[str, str]:
    data = {"version": str(version), "title": "", "preamble": "", "date": "2026-01-20"}
    for number in range(1, 7):
        data[f"section-{number}"] = sections.get(number, "")
    for key, value in table_two().items():
        data[f"cell.{key}"] = str(value)
    return data


# --- an empty draft is not ready ---------------------------------------------------------------------------


def test_an_empty_draft_has_errors_and_cannot_be_submitted(seeded: World) -> None:
    c = seeded.client("jia_cz")
    page = c.get(_base(seeded)).text
    assert "错误 3" in page
    assert "有错误须更正后才能提交" in page
    for part in ("第一部分“总体情况”", "第五部分“存在的主要问题及改进情况”", "第六部分“其他需要报告的事项”"):
        assert f"{part}正文为空，尚未撰写" in page
    r = c.post(f"{_base(seeded)}/submit", data=_form(0, {1: "略", 5: "暂无", 6: "无"}))
    assert r.status_code == 422
    assert "核查发现 2 项错误，报告未提交" in r.text
    assert "S406：第一部分“总体情况”正文只写“略”" in r.text
    assert "S406：第五部分“存在的主要问题及改进情况”正文只写“暂无”" in r.text
    with db.session(seeded.url) as s:
        assert s.scalar(select(StoredReport.id)) is None
    api = c.post(f"/api/v1/agencies/{seeded.agencies[AGENCY]}/reports/2025/submit")
    assert api.status_code == 422
    assert "正文只写“略”" in api.json()["detail"]


def test_the_live_audit_drops_the_error_once_the_part_is_written(seeded: World) -> None:
    c = seeded.client("jia_cz")
    empty = c.post(f"{_base(seeded)}/audit", data=_form(0, {1: WRITTEN[1], 5: WRITTEN[5]}))
    assert "第六部分“其他需要报告的事项”正文为空" in empty.text
    assert "第一部分“总体情况”正文为空" not in empty.text
    written = c.post(f"{_base(seeded)}/audit", data=_form(0, dict(WRITTEN)))
    assert "正文为空" not in written.text
    assert "S406" not in written.text


# --- the 草稿 watermark ------------------------------------------------------------------------------------


def _pdf_marked(content: bytes) -> list[bool]:
    """For each page: whether the 草稿 watermark (light-grey filled outlines) is drawn on it."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [
            any(c["fill"] and c["non_stroking_color"] in (0.85, (0.85,), [0.85]) for c in p.curves) for p in pdf.pages
        ]


def _docx_marked(content: bytes) -> list[bool]:
    return ["草稿" in s.header._element.xml for s in docx.Document(io.BytesIO(content)).sections]


def test_downloads_of_a_draft_are_watermarked_until_submitted(seeded: World) -> None:
    c = seeded.client("jia_cz")
    assert c.post(_base(seeded), data=_form(0, dict(WRITTEN))).status_code == 303
    assert "尚未提交：Word、PDF 带“草稿”水印" in c.get(_base(seeded)).text
    pdf = c.get(f"{_base(seeded)}/download.pdf")
    assert pdf.headers["x-report-draft"] == "1"
    marked = _pdf_marked(pdf.content)
    assert len(marked) >= 2
    assert all(marked)
    word = c.get(f"{_base(seeded)}/download.docx")
    assert word.headers["x-report-draft"] == "1"
    assert _docx_marked(word.content) == [True]
    api = c.get(f"/api/v1/agencies/{seeded.agencies[AGENCY]}/reports/2025/download", params={"kind": "pdf"})
    assert api.headers["x-report-draft"] == "1"

    submitted = c.post(f"{_base(seeded)}/submit", data=_form(1, dict(WRITTEN)))
    assert submitted.status_code == 303, submitted.text
    assert "带“草稿”水印" not in c.get(_base(seeded)).text
    pdf = c.get(f"{_base(seeded)}/download.pdf")
    assert pdf.headers["x-report-draft"] == "0"
    assert not any(_pdf_marked(pdf.content))
    word = c.get(f"{_base(seeded)}/download.docx")
    assert _docx_marked(word.content) == [False]
    with db.session(seeded.url) as s:  # what was submitted carries no watermark either
        stored = s.scalar(select(StoredReport))
        assert stored is not None
        assert _docx_marked(stored.content) == [False]

    # changed after submitting (a returned report being corrected, say): a draft again
    form = _form(2, dict(WRITTEN))
    form["section-6"] = "本年度未收取信息处理费。"
    assert c.post(_base(seeded), data=form).status_code == 303
    assert c.get(f"{_base(seeded)}/download.docx").headers["x-report-draft"] == "1"


def test_a_returned_report_not_yet_changed_downloads_clean(seeded: World) -> None:
    c = seeded.client("jia_cz")
    assert c.post(f"{_base(seeded)}/submit", data=_form(0, dict(WRITTEN))).status_code == 303
    with db.session(seeded.url) as s:
        stored = s.scalar(select(StoredReport))
        assert stored is not None
        stored.status, stored.status_note = "returned", "请补充"
    assert c.get(f"{_base(seeded)}/download.docx").headers["x-report-draft"] == "0"


# --- appeals after closing ---------------------------------------------------------------------------------


def test_a_closed_case_takes_a_later_appeal_and_its_decision(seeded: World) -> None:
    case_id = seed(
        seeded, AGENCY, "2025-0300", D(2025, 10, 9), close=("withheld.deliberative_process", D(2025, 10, 21))
    )
    c = seeded.client("jia_cz")
    page = c.get(f"/ledger/{case_id}").text
    assert "本案已办结，不能再登记办理事项" in page
    assert "办结后申请人提起的行政复议、行政诉讼在此登记" in page
    assert re.search(r'<details class="step" open>\s*<summary>登记复议或诉讼', page)  # the one thing left to do

    # a later step is refused, and the refusal says where an appeal goes
    r = c.post(f"/ledger/{case_id}/events", data={"kind": "answered", "on": "2025-11-03"})
    assert r.status_code == 400
    assert "已于 2025-10-21 办结，不能再登记事件（答复送达）" in r.text
    assert "请在本案的“行政复议、行政诉讼”中登记" in r.text

    r = c.post(f"/ledger/{case_id}/appeals", data={"reference": "复2025-9", "route": "review", "filed": "2025-11-10"})
    assert r.status_code == 303, r.text
    page = c.get(f"/ledger/{case_id}").text
    appeal_id = int(re.search(r"/appeals/(\d+)/decision", page).group(1))  # type: ignore[union-attr]
    r = c.post(f"/ledger/{case_id}/appeals/{appeal_id}/decision", data={"result": "corrected", "decided": "2025-12-20"})
    assert r.status_code == 303
    page = c.get(f"/ledger/{case_id}").text
    timeline = page[page.index("办理过程") : page.index('id="appeals"')]
    order = [m.group(1) for m in re.finditer(r'<span class="what">([^<]+)</span>', timeline)]
    assert order == ["登记收到申请", "办结", "行政复议立案", "行政复议审结"]
    assert "案号 复2025-9；结果纠正" in timeline

    # table 四 of 2025 counts it: the seed's 复议 (upheld) and 诉讼 (pending), and this one (corrected)
    cells = c.get(f"/api/v1/agencies/{seeded.agencies[AGENCY]}/reports/2025").json()["cells"]
    assert cells["review.corrected"] == 1
    assert cells["review.upheld"] == 1
    assert cells["review.total"] == 2


# --- the home page -----------------------------------------------------------------------------------------


def test_the_clerks_home_page_says_what_needs_doing_today(world: World) -> None:
    seed(world, AGENCY, "2026-0001", D(2026, 9, 1), applicant="张三")  # due 2026-09-29: 34 working days late
    seed(world, AGENCY, "2026-0002", D(2026, 10, 27), applicant="李四")  # due 2026-11-24: 2 working days left
    seed(world, AGENCY, "2026-0003", D(2026, 11, 2))  # due 2026-11-30: 6 working days left, not yet
    seed(world, AGENCY, "2026-0004", D(2026, 9, 1), close=("granted", D(2026, 9, 20)))  # closed: nothing to do
    seed(world, "甲县教育局", "2026-0001", D(2026, 9, 1))  # another agency's
    page = world.client("jia_cz").get("/").text
    today = page[page.index("今日待办") :]
    overdue = today[today.index('id="today-overdue"') : today.index('id="today-soon"')]
    soon = today[today.index('id="today-soon"') : today.index('id="today-report"')]
    assert "2026-0001" in overdue
    assert "超期 34 个工作日" in overdue
    assert "1 件" in overdue
    assert "2026-0002" in soon
    assert "剩 2 个工作日" in soon
    assert "2026-0003" not in today
    assert "2026-0004" not in today
    assert today.count("/ledger/") == 2  # the education bureau's case is not the finance bureau's clerk's
    # last year's report is not submitted and was due on 31 January: late; this year's is due 2027-01-31
    assert "2025年度报告</a>应于2026年1月31日前公布" in today
    assert "已逾期 293 天" in today
    assert "2026年度报告</a>应于2027年1月31日前公布" in today
    assert "还有 72 天" in today
    assert "尚未开始编写" in today


def test_a_returned_report_is_on_the_home_page(seeded: World) -> None:
    c = seeded.client("jia_cz")
    assert c.post(f"{_base(seeded)}/submit", data=_form(0, dict(WRITTEN))).status_code == 303
    with db.session(seeded.url) as s:
        report_id = s.scalar(select(StoredReport.id))
    r = seeded.client("jia_sup").post(f"/check/{report_id}/return", data={"note": "表二数字有误，请核对"})
    assert r.status_code == 303, r.text
    today = c.get("/").text
    today = today[today.index("今日待办") :]
    assert "退回修改的报告" in today
    assert f'href="/check/{report_id}">2025年度</a>' in today
    assert "表二数字有误，请核对" in today
    assert "2025年度报告</a>应于" not in today  # submitted (then returned): its place is the returned list


def test_only_a_clerk_has_a_todo_list(world: World) -> None:
    for username in ("jia_sup", "jia_rev", "admin"):
        page = world.client(username).get("/")
        assert page.status_code == 200
        assert "今日待办" not in page.text
    assert "今日待办" in world.client("jia_jy").get("/").text


def test_a_government_reports_by_31_march_and_last_years_report_first_in_january(world: World) -> None:
    with db.session(world.url) as s:
        government = agencies.find_agency(s, "甲县人民政府")
        dues = report_deadlines(s, government, TODAY)
        assert [(d.year, d.due, d.days_left) for d in dues] == [
            (2025, D(2026, 3, 31), -234),
            (2026, D(2027, 3, 31), 131),
        ]
        finance = s.get(Agency, world.agencies[AGENCY])
        assert finance is not None
        january = report_deadlines(s, finance, D(2027, 1, 10))
        assert [(d.year, d.left_text) for d in january] == [(2026, "还有 21 天")]  # the report to finish now
        assert january[0].urgent
