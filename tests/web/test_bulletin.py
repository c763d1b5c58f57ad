"""The district 通报 of a year (Word and PDF) and the whole jurisdiction's findings of the year (XLSX, CSV).

The golden file `tests/golden/bulletin_2025.txt` is the text of the Word 通报 of a hand-made `Bulletin` (figures
fixed here, no database), in document order, a table row per line. After an intended change of the document,
rewrite it with `NIANBAO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/web/test_bulletin.py` and review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from nianbao.render.plain_doc import plain_text, render_plain_docx
from nianbao.render.plain_doc_pdf import render_plain_pdf
from nianbao.web.jurisdiction.bulletin import AgencyProblems, Bulletin, RuleHits, bulletin_doc, district_of
from tests.web.conftest import World
from tests.web.test_jurisdiction import seed_statuses

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "bulletin_2025.txt"
TITLE = "甲县政府信息公开工作年度报告核查情况通报"


def docx_text(content: bytes) -> list[str]:
    """A .docx's body in order: a line per paragraph, a line per table row (cells joined by " | ")."""
    document = docx.Document(io.BytesIO(content))
    out: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            out.extend(" | ".join(cell.text for cell in r.cells) for r in table.rows)
    return out


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def sample_bulletin() -> Bulletin:
    return Bulletin(
        year=2025,
        today=dt.date(2026, 3, 20),
        district="通化市二道江区",
        issuer="通化市二道江区人民政府办公室",
        agencies=4,
        submitted=3,
        on_time=2,
        late=1,
        undated=0,
        not_submitted=1,
        returned=1,
        by_agency=[
            AgencyProblems("通化市二道江区人民政府", "已提交", "按时", 0, 2, (("报告文字与上一年度报告高度雷同", 2),)),
            AgencyProblems(
                "二道江区财政局",
                "已退回",
                "逾期",
                2,
                1,
                (("合计行不等于各分项之和", 2), ("统计表有空白单元格", 1)),
                resubmit_by=dt.date(2026, 4, 3),
            ),
            AgencyProblems("二道江区审计局", "已提交", "按时"),
            AgencyProblems("二道江区教育局", "未提交", "期限已过"),
        ],
        by_rule=[
            RuleHits("C101", "合计行不等于各分项之和", "错误", 1, 2),
            RuleHits("T401", "报告文字与上一年度报告高度雷同", "警告", 1, 2),
            RuleHits("C201", "统计表有空白单元格", "警告", 1, 1),
        ],
    )


def test_golden_text_of_the_word_bulletin() -> None:
    text = "\n".join(docx_text(render_plain_docx(bulletin_doc(sample_bulletin())))) + "\n"
    if os.environ.get("NIANBAO_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing: write it with NIANBAO_UPDATE_GOLDEN=1 and review it")
    assert text == GOLDEN.read_text(encoding="utf-8"), "the 通报 changed: review, then NIANBAO_UPDATE_GOLDEN=1"


def test_the_bulletins_words_and_figures() -> None:
    doc = bulletin_doc(sample_bulletin())
    lines = list(plain_text(doc))
    assert lines[:2] == ["通化市二道江区政府信息公开工作年度报告核查情况通报", "（2025年度）"]
    assert "机关总数 | 已提交 | 按期提交 | 逾期提交 | 未提交 | 退回修改" in lines
    assert "4 | 3 | 2 | 1 | 1 | 1" in lines
    assert "逾期提交的机关：二道江区财政局。" in lines
    assert "未提交的机关：二道江区教育局。" in lines
    assert any("共发现错误2项、警告3项" in line for line in lines)
    main = "合计行不等于各分项之和（2处）；统计表有空白单元格（1处）"
    assert f"2 | 二道江区财政局 | 已退回（逾期） | 2 | 1 | {main}" in lines
    assert "3 | 二道江区审计局 | 已提交（按时） | 0 | 0 | 未发现问题" in lines
    assert "4 | 二道江区教育局 | 未提交（期限已过） | — | — | —" in lines
    assert "1 | 合计行不等于各分项之和 | 错误 | 1 | 2" in lines
    assert any("二道江区财政局（2026年4月3日前）" in line for line in lines)
    assert lines[-2:] == ["通化市二道江区人民政府办公室", "2026年3月20日"]
    assert not any(re.search(r"\b[a-z]+(-[a-z]+)+\b", line) for line in lines)  # no rule slug anywhere


def test_the_pdf_opens_and_holds_the_title() -> None:
    content = render_plain_pdf(bulletin_doc(sample_bulletin()))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    squeezed = re.sub(r"\s", "", text)
    assert "通化市二道江区政府信息公开工作年度报告核查情况通报" in squeezed
    assert "二道江区财政局" in squeezed
    assert "合计行不等于各分项之和" in squeezed
    assert "—1—" in squeezed  # the page number


def test_the_district_is_named_by_its_top_agency() -> None:
    assert district_of(["甲县人民政府"]) == "甲县"
    assert district_of(["通化市二道江区人民政府"]) == "通化市二道江区"
    assert district_of(["甲县财政局"]) == "甲县财政局"
    assert district_of(["甲县人民政府", "乙县人民政府"]) == "辖区"


def _matrix_2024(world: World, who: str = "jia_sup") -> dict[str, dict[str, object]]:
    payload = world.client(who).get("/api/v1/jurisdiction/status", params={"years": "2024"}).json()
    return {a["name"]: a["cells"][0] for a in payload["agencies"]}


def test_the_word_bulletin_of_a_jurisdiction(world: World) -> None:
    ids = seed_statuses(world)
    sup = world.client("jia_sup")
    page = sup.get("/jurisdiction", params={"until": 2024}).text
    assert 'href="/jurisdiction/bulletin.docx?year=2024"' in page
    assert 'href="/jurisdiction/bulletin.pdf?year=2024"' in page
    assert 'href="/jurisdiction/findings.xlsx?year=2024"' in page
    r = sup.get("/jurisdiction/bulletin.docx", params={"year": 2024})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in r.headers["content-disposition"]
    lines = docx_text(r.content)
    assert lines[:2] == [TITLE, "（2024年度）"]
    cells = _matrix_2024(world)
    on_time = sum(1 for c in cells.values() if c["on_time"] is True)
    late = sum(1 for c in cells.values() if c["on_time"] is False)
    assert f"3 | 3 | {on_time} | {late} | 0 | 1" in lines  # 3 agencies, all submitted, 教育局's returned
    by_agency = {line.split(" | ")[1]: line.split(" | ") for line in lines if re.match(r"\d+ \| 甲县", line)}
    assert list(by_agency) == ["甲县人民政府", "甲县财政局", "甲县教育局"]  # never 乙县
    jy = by_agency["甲县教育局"]
    assert jy[2].startswith("已退回")
    with_errors = sup.get(f"/api/v1/reports/{ids['jy']}/audit").json()["findings"]
    errors = [f for f in with_errors if f["severity"] == "error" and not f.get("review")]  # none reviewed here
    assert int(jy[3]) == len(errors) > 0
    assert re.search(r"（\d+处）", jy[5])  # the rules most hit, with their counts
    assert sup.get("/jurisdiction/bulletin.docx", params={"year": 2024}).content  # the same request again
    other = docx_text(world.client("yi_sup").get("/jurisdiction/bulletin.docx", params={"year": 2024}).content)
    assert other[0] == "乙县政府信息公开工作年度报告核查情况通报"
    assert not any("甲县" in line for line in other)


def test_the_pdf_bulletin_and_who_may_have_it(world: World) -> None:
    seed_statuses(world)
    sup = world.client("jia_sup")
    r = sup.get("/jurisdiction/bulletin.pdf", params={"year": 2024})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    squeezed = re.sub(r"\s", "", pdf_text(r.content))
    assert TITLE in squeezed
    assert "甲县教育局" in squeezed
    assert world.client("jia_cz").get("/jurisdiction/bulletin.pdf").status_code == 403
    assert world.client("jia_rev").get("/jurisdiction/bulletin.docx").status_code == 200  # reviewers read it too
    assert sup.get("/jurisdiction/bulletin.html").status_code == 404
    assert sup.get("/jurisdiction/bulletin.docx", params={"year": 1999}).status_code == 422


def test_the_findings_of_the_whole_jurisdiction_in_one_sheet(world: World) -> None:
    ids = seed_statuses(world)
    sup = world.client("jia_sup")
    r = sup.get("/jurisdiction/findings.xlsx", params={"year": 2024})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    assert header[:5] == ["机关", "年度", "报告编号", "文件", "提交情况"]
    assert header[-1] == "复核"
    assert values[1][:3] == ("agency", "year", "report_id")
    rows = values[2:]
    # one row per finding of each agency's latest report: as many as each report's own export has
    for name, key in (("甲县人民政府", "gov"), ("甲县财政局", "cz"), ("甲县教育局", "jy")):
        own = list(csv.reader(io.StringIO(sup.get(f"/check/{ids[key]}/findings.csv").content.decode("utf-8-sig"))))
        mine = [row for row in rows if row[0] == name]
        assert len(mine) == len(own) - 1, name
        assert all(row[2] == ids[key] and row[1] == 2024 for row in mine)
    assert ids["cz_old"] not in {row[2] for row in rows}  # the older upload is not the agency's report
    assert not any(str(row[0]).startswith("乙县") for row in rows)
    title = header.index("问题")
    assert rows
    assert all(not re.fullmatch(r"[a-z0-9-]+", str(row[title])) for row in rows)  # Chinese titles, never slugs
    states = {row[0]: row[4] for row in rows}
    assert states.get("甲县教育局") == "已退回"
    text = sup.get("/jurisdiction/findings.csv", params={"year": 2024}).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("机关,年度,报告编号,文件,提交情况")
    assert world.client("jia_cz").get("/jurisdiction/findings.xlsx").status_code == 403
    empty = load_workbook(io.BytesIO(sup.get("/jurisdiction/findings.xlsx", params={"year": 2019}).content)).active
    assert empty is not None
    assert len(list(empty.iter_rows())) == 2  # the two header rows: no report that year


def test_the_signature_is_the_supervisors_agency(world: World) -> None:
    """The issuer is the supervisor's agency; an administrator (no agency, two counties) signs as the 辖区."""
    seed_statuses(world)
    lines = docx_text(world.client("admin").get("/jurisdiction/bulletin.docx", params={"year": 2024}).content)
    assert lines[0] == "辖区政府信息公开工作年度报告核查情况通报"  # two counties: no one place to name
    assert lines[-2] == "辖区"
    lines = docx_text(world.client("jia_sup").get("/jurisdiction/bulletin.docx", params={"year": 2024}).content)
    assert lines[-2:] == ["甲县人民政府", "2026年11月20日"]
