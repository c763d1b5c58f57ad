"""The reader never returns a confident wrong cell (issue #15): what it cannot tell it leaves unread and says so.

Each test changes a real crawler page of the corpus (cells run together, as `corpus/real/r002.txt` prints them)
the way pages never seen before print it, and checks every cell against the page's truth.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.audit import check
from nianbao.report import Report
from tests.conftest import CORPUS, SAMPLES

R002 = CORPUS / "real" / "r002.txt"
FEE = "active.fees.amount"
_APPLICANTS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
NEXT_PARAGRAPH = "2023年，我局严格落实有关规定，相关工作有序开展。"


def _truth(name: str) -> dict[str, Any]:
    cells: dict[str, Any] = json.loads((CORPUS / "real" / f"{name}.truth.json").read_text(encoding="utf-8"))["cells"]
    return cells


def _read(tmp_path: Path, text: str, name: str = "page.txt") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return nianbao.read(path)


def _page(old: str, new: str) -> str:
    text = R002.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _wrong(report: Report, truth: dict[str, Any], *, but: tuple[str, ...] = ()) -> dict[str, object]:
    """The cells read otherwise than the truth says, except those in `but`."""
    out: dict[str, object] = {}
    for key, want in truth.items():
        got = report.cells[key].value
        if key in but:
            continue
        if (got is None) != (want is None) or (want is not None and Decimal(str(want)) != got):
            out[key] = got
    return out


# Class 3: the text right after a table does not run into its last cells.


@pytest.mark.parametrize("after", ["", " ", "\n"])
def test_a_year_opening_the_next_paragraph_is_not_read_into_the_fee(tmp_path: Path, after: str) -> None:
    # `…行政事业性收费02023年，我局…`: the fee is 0, not 2023 (nor 2,023 split into cells)
    report = _read(tmp_path, _page("行政事业性收费0三、", f"行政事业性收费0{after}{NEXT_PARAGRAPH}三、"))
    assert report.cells[FEE].value == 0
    assert report.cells[FEE].printed == "0"
    assert _wrong(report, _truth("r002")) == {}
    assert not [p for p in report.problems if p.code.startswith(("row.", "cell."))]


def test_a_fee_amount_is_not_read_as_one_decimal_with_the_year_after_it(tmp_path: Path) -> None:
    report = _read(tmp_path, _page("行政事业性收费0三、", f"行政事业性收费1.5{NEXT_PARAGRAPH}三、"))
    assert report.cells[FEE].value == Decimal("1.5")
    assert _wrong(report, _truth("r002"), but=(FEE,)) == {}


def test_the_last_cells_of_table_four_keep_their_digits_before_a_year(tmp_path: Path) -> None:
    report = _read(tmp_path, _page("100010000000101五、", f"100010000000101{NEXT_PARAGRAPH}五、"))
    assert _wrong(report, _truth("r002")) == {}
    assert report.cells["litigation_after_review.total"].value == 1


def test_a_cut_that_cannot_be_told_leaves_the_cell_unread_and_says_so(tmp_path: Path) -> None:
    # `0202年`: no year of four digits ends the run, so neither 0 nor 202 is the fee
    report = _read(tmp_path, _page("行政事业性收费0三、", "行政事业性收费0202年，我局严格落实有关规定。三、"))
    cell = report.cells[FEE]
    assert cell.value is None
    assert "识别不确定" in cell.note
    assert [p.keys for p in report.problems if p.code == "cell.uncertain"] == [(FEE,)]
    assert _wrong(report, _truth("r002"), but=(FEE,)) == {}
    findings = [f for f in check(report).findings if f.rule == "C206"]
    assert len(findings) == 1
    assert "识别不确定" in findings[0].message
    assert "0202年" in findings[0].message
    assert not [f for f in check(report).findings if f.rule in ("C201", "C202")]


# Class 4: a label printed otherwise than the format prints it.


def test_a_label_variant_keeps_its_row(tmp_path: Path) -> None:
    report = _read(tmp_path, _page("7.属于行政执法案卷", "7.属于行政执法案件"))
    assert _wrong(report, _truth("r002")) == {}
    assert not [p for p in report.problems if p.code.startswith("row.")]


def test_an_unknown_row_label_is_a_finding_and_its_item_number_no_value(tmp_path: Path) -> None:
    # the row is lost (F303), but neither its item number 7 nor its values are read into the row above
    report = _read(tmp_path, _page("7.属于行政执法案卷", "7.属于执法类信息"))
    lost = tuple(f"applications.withheld.enforcement_case_file.{c}" for c in _APPLICANTS)
    assert _wrong(report, _truth("r002"), but=lost) == {}
    assert all(report.cells[k].value is None for k in lost)
    unknown = [p for p in report.problems if p.code == "row.unknown"]
    assert [p.message for p in unknown] == ["第三部分表格中印有未能识别的行“7.属于执法类信息”，该行数值未读取"]
    found = {f.rule: f for f in check(report).findings}
    assert "7.属于执法类信息" in found["C207"].message
    assert set(found["F303"].keys) == set(lost)


def test_an_item_number_in_spaced_text_is_no_value(tmp_path: Path) -> None:
    text = _page("7.属于行政执法案卷0000000", "\n7. 属于执法类信息 0 0 0 0 0 0 0\n")
    report = _read(tmp_path, text)
    row6 = [report.cells[f"applications.withheld.deliberative_process.{c}"].value for c in _APPLICANTS]
    assert row6 == [_truth("r002")[f"applications.withheld.deliberative_process.{c}"] for c in _APPLICANTS]
    assert sorted(p.code for p in report.problems if p.code.startswith("row.")) == ["row.missing", "row.unknown"]


# Class 5: a row printed with its label and no cells is blank (C201), not missing (F303).

COMPULSION = "active.compulsion.decisions"


@pytest.mark.parametrize(
    ("page", "old", "new"),
    [
        (R002, "行政强制0第二十条", "行政强制第二十条"),  # run together: the label, then the next table's heading
        (SAMPLES / "003_2be53e51c8fc0eb8.txt", "行政强制\t0\t\t", "行政强制\t\t\t"),  # empty cells
        (SAMPLES / "003_2be53e51c8fc0eb8.txt", "行政强制\t0\t\t", "行政强制"),  # the label alone
    ],
)
def test_a_row_printed_empty_is_blank_not_missing(tmp_path: Path, page: Path, old: str, new: str) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.count(old) == 1
    report = _read(tmp_path, text.replace(old, new))
    assert report.cells[COMPULSION].is_blank
    assert not [p for p in report.problems if p.code == "row.missing"]
    found = {f.rule: f for f in check(report).findings}
    assert "F303" not in found
    assert found["C201"].keys == (COMPULSION,)


# Class 7: the agency is the one the title, the 发布机构 field or the signature names, never a page heading.

AGENCY = "平潭综合实验区行政审批局"
TITLE_LINE = f"{AGENCY}2023年政府信息公开工作年度报告\n"


def _body(head: str, signature: str = "") -> str:
    """r002's body without its crawler header, `head` printed before its first paragraph, `signature` after it."""
    text = R002.read_text(encoding="utf-8")
    body = text[text.index("==== 正文 ====") :].split("\n", 1)[1]
    return head + body.rstrip("\n") + "\n" + signature


@pytest.mark.parametrize("heading", ["正文", "平潭综合实验区党工委管委会门户网站", "当前位置：首页 > 政务公开"])
def test_a_page_heading_is_not_the_agency(tmp_path: Path, heading: str) -> None:
    text = _body(f"{heading}\n2023年政府信息公开工作年度报告\n", f"{AGENCY}\n2024年1月20日\n")
    report = _read(tmp_path, text)
    assert (report.agency, report.year) == (AGENCY, 2023)
    assert _wrong(report, _truth("r002")) == {}
    assert not [p for p in report.problems if p.code.startswith("meta.")]


def test_the_publisher_field_comes_before_the_signature(tmp_path: Path) -> None:
    text = (
        "标题: 2023年政府信息公开工作年度报告\n发布机构: "
        + AGENCY
        + "\n==================== 正文 ====================\n"
    )
    report = _read(tmp_path, text + _body("正文\n", "平潭综合实验区行政审批局办公室\n2024年1月20日\n"))
    assert report.agency == AGENCY
    assert not [p for p in report.problems if p.code.startswith("meta.")]


def test_a_signature_naming_another_body_is_a_problem(tmp_path: Path) -> None:
    report = _read(tmp_path, _body(TITLE_LINE, "平潭综合实验区财政金融局\n2024年1月20日\n"))
    assert report.agency == AGENCY
    said = [p.message for p in report.problems if p.code == "meta.agencies"]
    assert said == [f"发布机关不一致：标题为“{AGENCY}”，落款为“平潭综合实验区财政金融局”（取“{AGENCY}”）"]
    findings = [f for f in check(report).findings if f.rule == "S407"]
    assert [f.message for f in findings] == said


def test_an_unknown_row_label_without_item_number_stops_the_row_above(tmp_path: Path) -> None:
    report = _read(tmp_path, _page("7.属于行政执法案卷", "属于执法类信息"))
    lost = tuple(f"applications.withheld.enforcement_case_file.{c}" for c in _APPLICANTS)
    assert _wrong(report, _truth("r002"), but=lost) == {}
    assert [p.message for p in report.problems if p.code == "row.unknown"] == [
        "第三部分表格中印有未能识别的行“属于执法类信息”，该行数值未读取"
    ]


@pytest.mark.parametrize(
    ("fee", "could"),
    [("02", "可能为 0，"), ("0.0012", "可能为 0.001、0.0012，")],  # a stray page digit after the amount
)
def test_a_fee_with_a_stray_digit_is_not_read_as_one_number(tmp_path: Path, fee: str, could: str) -> None:
    report = _read(tmp_path, _page("行政事业性收费0三、", f"行政事业性收费{fee}{NEXT_PARAGRAPH}三、"))
    cell = report.cells[FEE]
    assert cell.value is None
    assert could in cell.note
    assert [p.keys for p in report.problems if p.code == "cell.uncertain"] == [(FEE,)]
    assert _wrong(report, _truth("r002"), but=(FEE,)) == {}


def test_a_numbered_row_printed_empty_is_not_read_from_a_header_word(tmp_path: Path) -> None:
    # pdftotext layout (r012) at a narrow width: `3.其他` printed with no cells, and the label of 一、本年新收… wrapped
    # around its numbers, so that the header's 其他 (a column) is the last label before them: they are not 3.其他's
    page = CORPUS / "real" / "r012.txt"
    new_row = "一、本年新收政府信息公开申请数量                             21    0      0     0   0   0     21\n"
    handled = "     （六）其他处理                           0    0   0   0    0    0   0\n"
    text = page.read_text(encoding="utf-8")
    assert text.count(new_row) == 1
    assert text.count(handled) == 1
    rows = (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    )
    text = text.replace(handled, "     （六）其他处理\n" + "\n".join(rows) + "\n")
    text = text.replace(new_row, new_row.replace("申请数量", "      ").rstrip() + "\n公开申请数量\n")
    report = _read(tmp_path, text)
    other = [f"applications.other_handling.other.{c}" for c in _APPLICANTS]
    assert all(report.cells[k].is_blank for k in other)
    lost = tuple(f"applications.new.{c}" for c in _APPLICANTS)
    assert _wrong(report, _truth("r012"), but=lost) == {}


def test_a_header_word_does_not_make_a_row_printed_empty() -> None:
    """r012.pdf prints the old single "（六）其他处理" row and no "3.其他": the word 其他 of the column headers and
    of 其他处理 must not make that row "printed empty" (blank); it is missing (F303)."""
    report = nianbao.read(CORPUS / "real" / "r012.pdf")
    missing = [f for f in check(report).findings if f.rule == "F303"]
    assert any("3.其他" in f.message for f in missing)
    assert all(report.value(k) is None for k in report.cells if k.startswith("applications.other_handling.other."))
