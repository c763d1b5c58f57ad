"""Torn markdown from PDF converters (issue #15, class 6): table rows read by the official row order.

Labels on lines of their own before or after their value rows, some label lines missing, header words in
fragments and page numbers between rows: the rows are placed by the labels present and the official order,
confirmed by the identities, said to be (按官方行序推定), and never shifted; what cannot be confirmed is unread.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.formats import get_format
from nianbao.read.inputs.txt import to_document
from nianbao.read.options import DEFAULT_OPTIONS
from nianbao.read.row_order import ORDER_NOTE
from nianbao.read.stages import reading_of
from nianbao.report import Report

HEADER = """# 某某局2023年政府信息公开工作年度报告

## 二、主动公开政府信息情况

| 第二十 |
| 条第（一）项 |
| 信息内 | 本年制 | 本年废 | 现行有 |
| 容 | 发件数 | 止件数 | 效件数 |

## 三、收到和处理政府信息公开申请情况

| （本列 | 申请人 |
| 数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 情况 |
| 自然人 | 法人或 | 总计 |
| 商业企 | 科研机 | 社会公 | 法律服 | 其他 |
| 业 | 构 | 益组织 | 务机构 |  |
"""


def _rows() -> list[tuple[str, list[int]]]:
    """Table 三 of the 2021 format with consistent values: 10 new + 2 carried = 9 handled + 3 carried forward."""
    rows = get_format("2021").rows_of("三")
    values = {r.label: [0] * 7 for r in rows}
    values[rows[0].label] = [10, 0, 0, 0, 0, 0, 10]
    values[rows[1].label] = [2, 0, 0, 0, 0, 0, 2]
    values[rows[2].label] = [5, 0, 0, 0, 0, 0, 5]
    values[rows[4].label] = [1, 0, 0, 0, 0, 0, 1]  # 1.属于国家秘密
    values[rows[12].label] = [3, 0, 0, 0, 0, 0, 3]  # 1.本机关不掌握相关政府信息
    values[rows[23].label] = [9, 0, 0, 0, 0, 0, 9]  # （七）总计
    values[rows[24].label] = [3, 0, 0, 0, 0, 0, 3]
    return [(r.label, values[r.label]) for r in rows]


def _torn(after: bool, missing: set[int], extra_page: bool = True) -> str:
    out = [HEADER, "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for i, (label, vals) in enumerate(_rows()):
        line = "| " + " | ".join(str(v) for v in vals) + " |"
        lines = [line] if i in missing else ([line, label] if after else [label, line])
        out += lines
        if extra_page and i % 7 == 6:
            out.append(f"- {i // 7 + 2} -")
    out += ["", "## 四、政府信息公开行政复议、行政诉讼情况", "", "| 行政复议 | 行政诉讼 |", ""]
    return "\n".join(out) + "\n"


def _read(text: str) -> Report:
    return reading_of(to_document(text, "md", DEFAULT_OPTIONS), "torn.md").report


def _value(report: Report, key: str) -> object:
    return report.cells[key].value


def test_labels_after_their_values_are_not_read_one_row_off() -> None:
    report = _read(_torn(after=True, missing={4, 23}))
    assert _value(report, "applications.new.total") == 10
    assert _value(report, "applications.carried_over.total") == 2
    assert _value(report, "applications.withheld.state_secret.total") == 1
    assert _value(report, "applications.unavailable.not_held.total") == 3
    assert _value(report, "applications.total.total") == 9
    assert _value(report, "applications.carried_forward.total") == 3


def test_labels_before_their_values_with_missing_label_lines() -> None:
    report = _read(_torn(after=False, missing={5, 11, 23}))
    assert _value(report, "applications.withheld.state_secret.natural_person") == 1
    assert _value(report, "applications.total.natural_person") == 9
    assert not [p for p in report.problems if p.code == "cell.uncertain"]


def test_rows_placed_by_order_are_said_to_be() -> None:
    report = _read(_torn(after=True, missing={4, 23}))
    assert report.cells["applications.total.total"].note == ORDER_NOTE
    assert report.cells["applications.withheld.state_secret.total"].note == ORDER_NOTE
    assert report.cells["applications.new.total"].note == ""  # its label printed: placed by it
    (said,) = [p for p in report.problems if p.code == "row.order"]
    assert ORDER_NOTE in said.message
    assert "（七）总计" in said.message
    assert said.keys == ()  # it flags no cell: the values are confirmed


def test_page_numbers_and_header_fragments_are_no_values() -> None:
    report = _read(_torn(after=True, missing={23}))
    assert _value(report, "applications.new.natural_person") == 10
    assert _value(report, "applications.total.natural_person") == 9
    doubts = [p for p in report.problems if p.code in ("cell.uncertain", "row.missing", "row.fit")]
    assert not [p for p in doubts if any(k.startswith("applications.") for k in p.keys)]


def test_a_lost_value_row_leaves_the_unlabelled_rows_unread_never_shifted() -> None:
    text = _torn(after=True, missing={22, 23})
    lines = text.split("\n")
    lost = lines.index("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请") + 1
    del lines[lost]  # the value row of 3.其他 (unlabelled) lost: the rows between two labels no longer match
    report = _read("\n".join(lines))
    for key in ("applications.other_handling.other.total", "applications.total.total"):
        assert report.cells[key].value is None
        assert any(p.code == "cell.uncertain" and key in p.keys for p in report.problems)
    assert _value(report, "applications.carried_forward.total") == 3


def test_an_identity_broken_by_an_unlabelled_row_leaves_it_unread() -> None:
    text = _torn(after=True, missing={23}).replace("| 9 | 0 | 0 | 0 | 0 | 0 | 9 |", "| 8 | 0 | 0 | 0 | 0 | 0 | 8 |")
    report = _read(text)
    assert report.cells["applications.total.total"].value is None
    assert any(p.code == "cell.uncertain" and "applications.total.total" in p.keys for p in report.problems)


def test_one_cell_pipe_rows_are_rows(tmp_path: Path) -> None:
    doc = to_document("| 第二十 |\n| 2629 |\n|\n", "md", DEFAULT_OPTIONS)
    assert [b.is_row for b in doc.blocks] == [True, True, False]
    assert doc.blocks[1].cells == (" 2629 ",)
