"""Digit runs split by evidence, never guessed (issue #15): the row's and the table's identities, the format's
plausibility, last year's report; what no evidence decides is left unread with a finding (识别不确定).

The inputs are crawler-form texts (cells run together, as a web crawler stores a page): the corpus's real reports
`r001.txt` (2021 format) and `r009.txt` (2019 format) with a few rows printed otherwise, or a whole report rendered
run together by `tests.synth.render_text`.
"""

from __future__ import annotations

import html
import json
from decimal import Decimal
from pathlib import Path

import nianbao
from nianbao.audit import check
from nianbao.formats import get_format
from nianbao.read import read_in_stages
from nianbao.report import Report
from tests.conftest import CORPUS
from tests.synth import render_text

R001 = CORPUS / "real" / "r001.txt"  # 2021 format, crawler text
R009 = CORPUS / "real" / "r009.txt"  # 2019 format, crawler text
NORMATIVE = [
    "active.normative_documents.issued",
    "active.normative_documents.repealed",
    "active.normative_documents.in_force",
]
LICENSING = ["active.licensing.previous", "active.licensing.change", "active.licensing.decisions"]
PROCUREMENT = ["active.procurement.projects", "active.procurement.amount"]


def _variant(tmp_path: Path, source: Path, *edits: tuple[str, str], name: str = "r.txt") -> Path:
    text = source.read_text(encoding="utf-8")
    for printed, instead in edits:
        assert printed in text, printed
        text = text.replace(printed, instead)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _values(report: Report, keys: list[str]) -> list[object]:
    return [report.value(k) for k in keys]


def _uncertain(report: Report) -> list[tuple[str, ...]]:
    return [p.keys for p in report.problems if p.code == "cell.uncertain"]


# ---- (1) the table's own identities


def test_the_row_total_and_the_column_totals_choose_the_split(tmp_path: Path) -> None:
    """`110000011` is 11|0|0|0|0|0|11 or 1|10|0|0|0|0|11 by the row total alone; the 总计 row, printed with its
    cells apart, decides by the column identities."""
    fmt = get_format("2021")
    values: dict[str, int | Decimal | None] = dict.fromkeys(fmt.cells, 0)
    for row in ("new", "granted", "total"):
        values[f"applications.{row}.natural_person"] = values[f"applications.{row}.total"] = 11
    text = render_text("2021", 2023, "某某县人民政府办公室", values, "run_together")
    total = next(r.label for r in fmt.rows if "applications.total.total" in r.cells)
    assert f"{total}110000011" in text
    text = text.replace(f"{total}110000011", f"{total}11 0 0 0 0 0 11")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    report = nianbao.read(path)
    new = [report.value(f"applications.new.{c}") for c in fmt.applicant_columns]
    assert new == [11, 0, 0, 0, 0, 0, 11]
    assert _uncertain(report) == []
    trace = {c.key: c for c in read_in_stages(path).cells}
    assert trace["applications.new.natural_person"].evidence == "跨行勾稽关系"


def test_two_tied_rows_of_one_column_are_decided_together(tmp_path: Path) -> None:
    """`9900020101` (9|90… or 99|0…) and `11100000111` (1|110… or 111|0…): each row alone is a tie, and with either
    row still undecided the column totals fail both ways; tried together, only 99 and 111 keep them."""
    fmt = get_format("2021")
    values: dict[str, int | Decimal | None] = dict.fromkeys(fmt.cells, 0)
    for key, value in {"natural_person": 210, "legal_services": 2, "total": 212}.items():
        values[f"applications.new.{key}"] = values[f"applications.total.{key}"] = value
    for key, value in {"natural_person": 99, "legal_services": 2, "total": 101}.items():
        values[f"applications.partially_granted.{key}"] = value
    values["applications.unavailable.not_held.natural_person"] = 111
    values["applications.unavailable.not_held.total"] = 111
    text = render_text("2021", 2023, "某某县人民政府办公室", values, "run_together")
    assert "9900020101" in text
    assert "11100000111" in text
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    report = nianbao.read(path)
    assert report.value("applications.partially_granted.natural_person") == 99
    assert report.value("applications.unavailable.not_held.natural_person") == 111
    assert report.value("applications.unavailable.not_held.commercial") == 0
    assert _uncertain(report) == []


def test_the_row_total_alone_leaves_an_honest_tie_unread(tmp_path: Path) -> None:
    """With every row of the same shape nothing tells 11|0 from 1|10: those two cells are not guessed."""
    path = _variant(
        tmp_path, R001, ("一、本年新收政府信息公开申请数量801000081", "一、本年新收政府信息公开申请数量110000011")
    )
    report = nianbao.read(path)
    keys = ("applications.new.natural_person", "applications.new.commercial")
    assert [report.value(k) for k in keys] == [None, None]
    assert report.value("applications.new.total") == 11  # the same in every candidate split
    assert _uncertain(report) == [keys]
    message = next(p.message for p in report.problems if p.code == "cell.uncertain")
    assert "识别不确定" in message
    assert "1|10|0|0|0|0|11" in message
    assert "11|0|0|0|0|0|11" in message


def _section_four_page(cells: list[str]) -> str:
    """r001 as a web page whose table 四 prints its values in the cells given (the rest as paragraphs)."""
    text = R001.read_text(encoding="utf-8")
    a, b = text.index("四、政府信息公开行政复议"), text.index("五、存在的主要问题")
    heads = "".join(f"<td>{h}</td>" for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    return (
        "<html><body>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in text[:a].split("\n"))
        + "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
        + '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
        + f'<tr>{heads}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
        + f"<tr>{heads}{heads}</tr>"
        + "<tr>"
        + "".join(f"<td>{c}</td>" for c in cells)
        + "</tr></table>"
        + f"<p>{html.escape(text[b:])}</p></body></html>"
    )


def test_a_section_four_run_in_the_first_cells_of_a_table_is_split(tmp_path: Path) -> None:
    """17 digits for 15 cells run into the first cell(s) of a table row, the other cells empty: read by the
    row's identities, not left unread."""
    want = [1, 0, 0, 0, 1, 10, 0, 0, 0, 10, 0, 0, 0, 0, 0]
    fmt = get_format("2021")
    keys = [k for r in fmt.rows_of("四") for k in r.cells]
    for cells in (["10001100001000000"] + [""] * 14, ["10001", "1000010", "00000"] + [""] * 12):
        path = tmp_path / "r.html"
        path.write_text(_section_four_page(cells), encoding="utf-8")
        report = nianbao.read(path)
        assert _values(report, keys) == want, cells


# ---- what no evidence decides: None and a finding


def test_an_undecided_split_is_null_with_a_cells_finding(tmp_path: Path) -> None:
    """`12345` for 制发/废止/现行有效: 1|23|45 and 12|3|45 are both plausible, nothing in the report ties them."""
    path = _variant(tmp_path, R001, ("行政规范性文件77132470", "行政规范性文件12345"))
    report = nianbao.read(path)
    assert _values(report, NORMATIVE) == [None, None, 45]
    unsure = ("active.normative_documents.issued", "active.normative_documents.repealed")
    assert _uncertain(report) == [unsure]
    assert report.to_exchange()["cells"]["active.normative_documents.issued"] is None
    audit = check(report)
    found = [f for f in audit.findings if f.rule == "C206"]
    assert len(found) == 1
    assert "1|23|45" in found[0].message
    assert "12|3|45" in found[0].message
    assert {r.key for r in found[0].cells} == set(unsure)
    for rule in ("C201", "C202"):  # neither blank nor text: unread
        assert not [f for f in audit.findings if f.rule == rule and {r.key for r in f.cells} & set(unsure)]
    trace = {c.key: c for c in read_in_stages(path).cells}
    assert trace["active.normative_documents.issued"].evidence == ""


def test_the_formats_plausibility_decides_when_it_can(tmp_path: Path) -> None:
    """`3550`: 35|5|0 and 3|55|0 have 现行有效 below 制发 or 废止; 3|5|50 is read, without a problem."""
    path = _variant(tmp_path, R001, ("行政规范性文件77132470", "行政规范性文件3550"))
    report = nianbao.read(path)
    assert _values(report, NORMATIVE) == [3, 5, 50]
    assert not [p for p in report.problems if set(p.keys) & set(NORMATIVE)]
    trace = {c.key: c for c in read_in_stages(path).cells}
    assert trace["active.normative_documents.issued"].evidence == "常理（格式）"


# ---- (2) the 2019 format's plausibility, and the procurement amount's decimals


def test_a_2019_change_column_is_read_small(tmp_path: Path) -> None:
    """`4120305` under 上一年项目数量 / 本年增减 / 处理决定数量: 412|0|305, not 41|20|305."""
    report = nianbao.read(_variant(tmp_path, R009, ("行政许可000", "行政许可4120305")))
    assert _values(report, LICENSING) == [412, 0, 305]


def test_a_procurement_count_run_into_its_amount_is_split_or_left_unread(tmp_path: Path) -> None:
    """`1263854.12`: the decimals are the amount's; 1|263854.12 and 12|63854.12 stay (126 projects of 3854.12 元
    is under 1,000 元 a project): not guessed, and never the whole run as a project count."""
    report = nianbao.read(_variant(tmp_path, R009, ("政府集中采购978407", "政府集中采购1263854.12")))
    assert _values(report, PROCUREMENT) == [None, None]
    assert _uncertain(report) == [tuple(PROCUREMENT)]
    message = next(p.message for p in report.problems if p.code == "cell.uncertain")
    assert "1|263854.12" in message
    assert "12|63854.12" in message


def test_a_procurement_run_that_fits_one_way_is_read_with_its_decimals(tmp_path: Path) -> None:
    """`350000.5`: every other cut has a piece with a leading zero (35|0000.5) or an amount below its project
    count (35000|0.5): 3 projects, 50000.5 元."""
    report = nianbao.read(_variant(tmp_path, R009, ("政府集中采购978407", "政府集中采购350000.5")))
    assert _values(report, PROCUREMENT) == [3, Decimal("50000.5")]
    assert _uncertain(report) == []


def test_a_procurement_run_printed_with_its_unit_is_split_and_converted(tmp_path: Path) -> None:
    """`293571元` (the unit on the amount, as pages print it): 2|93571 元, not 29|3571 (123 元 a project), and never
    293571 projects with no amount; `115万元` is 1|15万元 or 11|5万元, left unread, and the candidates say 万元."""
    report = nianbao.read(_variant(tmp_path, R009, ("政府集中采购978407", "政府集中采购293571元")))
    assert _values(report, PROCUREMENT) == [2, 93571]
    assert _uncertain(report) == []
    assert any(p.code == "row.fit" and "2|93571元" in p.message for p in report.problems)  # weak: said
    report = nianbao.read(_variant(tmp_path, R009, ("政府集中采购978407", "政府集中采购115万元")))
    assert _values(report, PROCUREMENT) == [None, None]
    message = next(p.message for p in report.problems if p.code == "cell.uncertain")
    assert "1|15万元" in message
    assert "11|5万元" in message
    report = nianbao.read(_variant(tmp_path, R009, ("政府集中采购978407", "政府集中采购3 15万元")))
    assert _values(report, PROCUREMENT) == [3, 150000]


def test_zeros_run_together_short_of_the_row_are_zeros_said_uncertain(tmp_path: Path) -> None:
    """`（七）总计000000`: six zeros for seven cells, one printed blank. No number starts with 0, so each cell is 0
    or blank; which one is blank cannot be told: every cell 0, the row said uncertain (not one unread run)."""
    report = nianbao.read(_variant(tmp_path, R009, ("（七）总计00 0 0 00 0", "（七）总计000000")))
    fmt = get_format("2019")
    keys = [f"applications.total.{c}" for c in fmt.applicant_columns]
    assert _values(report, keys) == [0] * 7
    assert tuple(keys) in _uncertain(report)
    assert any(f.rule == "C206" and set(keys) <= set(f.keys) for f in check(report).findings)


# ---- (3) the figures the narrative states


def test_a_figure_the_narrative_states_decides(tmp_path: Path) -> None:
    """`12345` with the narrative saying 本年制发行政规范性文件12件: 12|3|45; `4120305` with 行政许可41项 stated:
    41|20|305, above the weak preference for a small 本年增/减."""
    r001 = _variant(
        tmp_path,
        R001,
        ("行政规范性文件77132470", "行政规范性文件12345"),
        ("动态更新本年度制发的规范性文件77件", "本年制发行政规范性文件12件"),
    )
    assert _values(nianbao.read(r001), NORMATIVE) == [12, 3, 45]
    trace = {c.key: c for c in read_in_stages(r001).cells}
    assert trace["active.normative_documents.issued"].evidence == "报告正文所述数字"
    opening = "一、总体情况2019年，"
    r009 = _variant(
        tmp_path,
        R009,
        ("行政许可000", "行政许可4120305"),
        (opening, opening + "我局上一年度行政许可事项共41项，"),
        name="r2.txt",
    )
    assert _values(nianbao.read(r009), LICENSING) == [41, 20, 305]


# ---- (4) the previous year's report


def test_last_years_decisions_are_this_years_previous_count(tmp_path: Path) -> None:
    """With last year's report (处理决定数量 41), `4120305` is 41|20|305."""
    last = nianbao.read(_variant(tmp_path, R009, ("行政许可000", "行政许可30 11 41"), name="last.txt"))
    assert last.value("active.licensing.decisions") == 41
    path = _variant(tmp_path, R009, ("行政许可000", "行政许可4120305"))
    report = nianbao.read(path, previous=last)
    assert _values(report, LICENSING) == [41, 20, 305]
    trace = {c.key: c for c in read_in_stages(path, previous=last).cells}
    assert trace["active.licensing.previous"].evidence == "上一年度报告"


def test_the_in_force_count_continues_last_years(tmp_path: Path) -> None:
    """`12345` is 1|23|45 when last year's 现行有效 was 67 (67 + 1 − 23 = 45); unread without last year."""
    last = nianbao.read(_variant(tmp_path, R001, ("行政规范性文件77132470", "行政规范性文件5 9 67"), name="last.txt"))
    path = _variant(tmp_path, R001, ("行政规范性文件77132470", "行政规范性文件12345"))
    assert _values(nianbao.read(path, previous=last), NORMATIVE) == [1, 23, 45]
    assert _values(nianbao.read(path), NORMATIVE) == [None, None, 45]


def test_check_with_previous_reads_the_split_with_last_years_report(tmp_path: Path) -> None:
    """`nianbao check --previous`: a report whose split no evidence of its own decides is read again with the
    report of the year before it is paired with."""
    from typer.testing import CliRunner

    from nianbao.cli import app

    last = _variant(tmp_path, R009, ("行政许可000", "行政许可30 11 41"), name="last.txt")
    last.write_text(last.read_text(encoding="utf-8").replace("2019", "2018"), encoding="utf-8")
    this = _variant(tmp_path, R009, ("行政许可000", "行政许可4120305"), ("行政处罚 0 0 0", "行政处罚123456"))
    alone = nianbao.read(this)
    assert _values(alone, ["active.penalties.previous", "active.penalties.change"]) == [None, None]
    result = CliRunner().invoke(app, ["check", str(this), "--previous", str(last), "--output", "json"])
    audit = json.loads(result.stdout.splitlines()[0])
    c206 = [f for f in audit["findings"] if f["rule"] == "C206"]
    assert len(c206) == 1  # 行政处罚 stays undecided; 行政许可 is decided by last year's 41
    assert "123456" in c206[0]["message"]
    assert "4120305" not in c206[0]["message"]
