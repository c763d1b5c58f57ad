"""Jurisdiction roll-ups: the library on real reports, the `nianbao rollup` command, and properties."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nianbao.audit import check
from nianbao.cli import app
from nianbao.corpus import Rollup, cell_keys, cell_label, rollup, same_agency
from nianbao.formats import get_format
from nianbao.read import read
from nianbao.render import render_bytes
from nianbao.report import Cell, Number, Report
from tests.conftest import CORPUS, SAMPLES, load_truth
from tests.synth import consistent_cells

REAL = CORPUS / "real"
PINGTAN = REAL / "r001.txt"  # 平潭综合实验区 2023: the government
PINGTAN_APPROVALS = REAL / "r002.txt"  # 平潭综合实验区行政审批局 2023: one of its departments
JUNSHAN_2019 = REAL / "r009.txt"  # 平潭综合实验区君山片区管理局 2019 (2019 format)
HONGZE_2023, HONGZE_2024 = REAL / "r012.txt", REAL / "r013.txt"  # 21 cells not printed in each
AUDIT_OFFICE = SAMPLES / "000_92378848010c3553.txt"  # 二道江区审计局 2024: every cell 0
OFFICE_AFFAIRS = SAMPLES / "001_3976189c068de9c9.txt"  # 二道江区机关事务管理局 2024: every cell empty
OTHER_HANDLING = [k for k in cell_keys(get_format("2021")) if k.startswith("applications.other_handling.")]

runner = CliRunner()
ENV = {"COLUMNS": "250"}


@cache
def parsed(path: Path) -> Report:
    return read(path)


def printed(path: Path, key: str) -> Decimal:
    """The value the report prints, from its truth file (0 for a cell printed empty)."""
    return Decimal(str(load_truth(path)["cells"].get(key) or 0))


# --- sums --------------------------------------------------------------------------------------------


def test_two_departments_of_one_year_add_up_cell_by_cell() -> None:
    result = rollup([parsed(PINGTAN), parsed(PINGTAN_APPROVALS)])
    assert (result.format, result.year, result.parent, result.skipped, result.blanks) == ("2021", 2023, None, [], {})
    assert len(result.sums) == 200
    assert result.sums["applications.new.total"] == 81 + 7
    assert result.sums["applications.unavailable.not_held.natural_person"] == 31 + 4
    assert result.sums["applications.withheld.administrative_inquiry.total"] == 2 + 2
    assert result.sums["active.normative_documents.in_force"] == 470 + 16
    assert result.sums["review.total"] == 2 + 1
    assert result.sums["litigation_after_review.other"] == 1 + 1
    assert result.sums["active.fees.amount"] == Decimal("5949.088667")
    assert isinstance(result.sums["applications.new.total"], int)
    for key, total in result.sums.items():
        assert total == printed(PINGTAN, key) + printed(PINGTAN_APPROVALS, key), key
    assert result.consistent is None
    assert result.differences == []


def test_a_department_against_its_government_names_every_differing_cell() -> None:
    result = rollup([parsed(PINGTAN_APPROVALS)], parsed(PINGTAN))
    assert result.consistent is False
    assert len(result.differences) == 39
    by_key = {d.key: d for d in result.differences}
    new = by_key["applications.new.total"]
    assert (new.sum, new.parent, new.difference) == (7, 81, 74)
    assert new.label == "一、本年新收政府信息公开申请数量 · 总计"
    assert by_key["active.fees.amount"].difference == Decimal("5949.088667")
    assert by_key["active.penalties.decisions"].sum == 0
    assert by_key["active.penalties.decisions"].parent == 1330
    assert by_key["litigation_direct.total"].difference == 5
    assert "applications.withheld.administrative_inquiry.natural_person" not in by_key  # 2 printed in both
    assert "litigation_after_review.other" not in by_key  # 1 in both
    for d in result.differences:
        assert d.difference == printed(PINGTAN, d.key) - printed(PINGTAN_APPROVALS, d.key)
    everything = result.comparisons()
    assert len(everything) == 200
    assert sum(c.differs for c in everything) == 39


def test_a_report_rolled_up_against_itself_is_consistent() -> None:
    result = rollup([parsed(PINGTAN)], parsed(PINGTAN))
    assert result.consistent is True
    assert result.differences == []


def test_children_of_another_year_or_format_are_skipped_with_a_reason() -> None:
    as_2019_format = dataclasses.replace(parsed(PINGTAN_APPROVALS), file="", agency="某局", format="2019")
    result = rollup([parsed(PINGTAN_APPROVALS), parsed(JUNSHAN_2019), as_2019_format], parsed(PINGTAN))
    assert result.children == [parsed(PINGTAN_APPROVALS)]
    assert result.skipped == [
        (str(JUNSHAN_2019), "是 2019 年度的报告，不是 2023 年度"),
        ("某局", "使用 2019 年格式，与本级报告的 2021 年格式不同"),
    ]
    assert result.sums["applications.new.total"] == 7


def test_without_a_parent_the_year_is_given_or_the_most_common() -> None:
    hongze = [parsed(HONGZE_2023), parsed(HONGZE_2024)]
    assert rollup(hongze, year=2023).skipped == [(str(HONGZE_2024), "是 2024 年度的报告，不是 2023 年度")]
    latest = rollup(hongze)  # one of each: the later year wins the tie
    assert latest.year == 2024
    assert latest.children == [parsed(HONGZE_2024)]
    assert latest.sums["applications.new.total"] == 95
    unknown_year = dataclasses.replace(parsed(HONGZE_2023), year=None)
    assert rollup([unknown_year], year=2023).skipped[0].reason == "未能识别报告年度，无法确认是 2023 年度的报告"


def test_expected_agencies_without_a_report_are_missing() -> None:
    result = rollup(
        [parsed(PINGTAN_APPROVALS), parsed(JUNSHAN_2019)],
        parsed(PINGTAN),
        expected=[
            "平潭综合实验区 行政审批局",  # whitespace ignored
            "行政审批局",  # contained in the agency's name
            "平潭综合实验区行政审批局（区数据管理局）",  # contains it
            "平潭综合实验区君山片区管理局",  # reported, but for 2019: skipped, so missing
            "平潭综合实验区教育局",
            "平潭综合实验区教育局",
            " ",
        ],
    )
    assert result.missing == ["平潭综合实验区君山片区管理局", "平潭综合实验区教育局"]
    assert same_agency(" 二道江区 审计局", "通化市二道江区审计局")
    assert not same_agency("", "二道江区审计局")
    assert not same_agency(None, None)


def test_same_agency_compares_names_by_agency_key() -> None:
    # a fix: only whitespace used to be folded, so brackets of another width or a middle dot made two names
    assert same_agency("某市财政局(本级)", "某市财政局（本级）")
    assert same_agency("某市·财政局", "通化市某市财政局")
    assert same_agency("第１中学", "某县第1中学")
    assert not same_agency("某市人民政府", "某市政府")  # no synonyms
    result = rollup([parsed(PINGTAN_APPROVALS)], parsed(PINGTAN), expected=["平潭综合实验区·行政审批局"])
    assert result.missing == []


def test_blank_cells_count_as_zero_and_are_counted() -> None:
    result = rollup([parsed(AUDIT_OFFICE), parsed(OFFICE_AFFAIRS)])
    assert (result.year, result.format) == (2024, "2021")
    assert result.blanks == dict.fromkeys(result.sums, 1)  # 机关事务管理局 printed every cell empty
    assert set(result.sums.values()) == {0}
    empty = rollup([parsed(OFFICE_AFFAIRS)], parsed(AUDIT_OFFICE))
    assert set(empty.sums.values()) == {None}
    assert empty.blanks == dict.fromkeys(empty.sums, 1)
    assert empty.consistent is True  # blank against 0: no difference


def test_a_cell_blank_in_some_children_sums_the_others() -> None:
    result = rollup([parsed(HONGZE_2024), parsed(AUDIT_OFFICE)])
    assert result.blanks == dict.fromkeys(OTHER_HANDLING, 1)  # 洪泽区 does not print the three 2021 rows
    assert all(result.sums[k] == 0 for k in OTHER_HANDLING)
    assert result.sums["applications.new.total"] == 95
    assert result.sums["active.licensing.decisions"] == 9487
    same_2023 = dataclasses.replace(parsed(HONGZE_2024), year=2023)
    both = rollup([parsed(HONGZE_2023), same_2023])
    assert both.blanks == dict.fromkeys(OTHER_HANDLING, 2)
    assert all(both.sums[k] is None for k in OTHER_HANDLING)
    assert both.sums["active.fees.amount"] == Decimal("7730.28") + 7545
    assert both.sums["review.upheld"] == 10 + 1


def test_no_report_and_no_year_cannot_be_rolled_up() -> None:
    with pytest.raises(ValueError, match="无法确定表格格式"):
        rollup([])
    empty = rollup([], year=2020)
    assert empty.format == "2019"
    assert set(empty.sums.values()) == {None}
    assert empty.blanks == {}


# --- outputs -----------------------------------------------------------------------------------------


def test_to_dict_is_json_ready() -> None:
    result = rollup([parsed(PINGTAN_APPROVALS), parsed(JUNSHAN_2019)], parsed(PINGTAN), expected=["教育局"])
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data) == {
        "format",
        "year",
        "parent",
        "children",
        "skipped",
        "missing",
        "sums",
        "blanks",
        "differences",
        "consistent",
    }
    assert data["parent"] == {"file": str(PINGTAN), "agency": "平潭综合实验区", "year": 2023, "format": "2021"}
    assert [c["agency"] for c in data["children"]] == ["平潭综合实验区行政审批局"]
    assert data["skipped"] == [{"name": str(JUNSHAN_2019), "reason": "是 2019 年度的报告，不是 2023 年度"}]
    assert data["missing"] == ["教育局"]
    assert data["sums"]["applications.new.total"] == 7
    assert data["sums"]["active.fees.amount"] == 0  # integral Decimal -> int
    assert data["consistent"] is False
    assert len(data["differences"]) == 39
    fees = next(d for d in data["differences"] if d["key"] == "active.fees.amount")
    assert fees == {
        "key": "active.fees.amount",
        "label": "行政事业性收费 · 本年收费金额（单位：万元）",
        "sum": 0,
        "parent": "5949.088667",
        "difference": "5949.088667",
    }


def test_the_sums_as_a_report_can_be_checked_and_rendered() -> None:
    report = rollup([parsed(PINGTAN_APPROVALS)], parsed(PINGTAN)).as_report()
    assert (report.agency, report.year, report.format, len(report.cells)) == ("平潭综合实验区", 2023, "2021", 200)
    assert report.value("applications.new.total") == 7
    assert report.cells["applications.new.total"].printed == "7"
    assert not [f for f in check(report).findings if f.family == "arithmetic"]
    assert render_bytes(report, "md").decode().startswith("# 平潭综合实验区2023年政府信息公开工作年度报告")
    alone = rollup([parsed(AUDIT_OFFICE), parsed(OFFICE_AFFAIRS)]).as_report()
    assert alone.agency == "合计"
    assert alone.cells["review.total"].note == "1 份下级报告此处空白，按 0 计"
    assert render_bytes(alone, "md").decode().startswith("# 合计2024年政府信息公开工作年度报告")


# --- the command -------------------------------------------------------------------------------------


def test_cli_text_lists_skipped_children_and_differing_cells() -> None:
    result = runner.invoke(app, ["rollup", str(PINGTAN), str(PINGTAN_APPROVALS), str(JUNSHAN_2019)], env=ENV)
    assert result.exit_code == 1
    out = result.stdout
    assert "平潭综合实验区" in out
    assert "2023 年度 · 2021 年格式 · 下级报告 1 份" in out
    assert "下级：平潭综合实验区行政审批局" in out
    assert f"未计入：{JUNSHAN_2019}：是 2019 年度的报告，不是 2023 年度" in out
    for header in ("单元格", "下级合计", "本级数字", "差额"):
        assert header in out
    line = next(x for x in out.splitlines() if "一、本年新收政府信息公开申请数量 · 总计" in x)
    assert [c.strip() for c in line.split("│")[2:5]] == ["7", "81", "74"]
    assert "属于行政查询事项 · 自然人" not in out  # equal in both: only differing rows
    assert "39 个单元格不一致" in out


def test_cli_all_shows_every_cell_and_json_is_the_library_shape() -> None:
    shown = runner.invoke(app, ["rollup", "--all", str(PINGTAN), str(PINGTAN_APPROVALS)], env=ENV)
    line = next(x for x in shown.stdout.splitlines() if "（三）不予公开 8.属于行政查询事项 · 自然人" in x)
    assert [c.strip() for c in line.split("│")[2:5]] == ["2", "2", "0"]
    result = runner.invoke(app, ["rollup", "--output", "json", str(PINGTAN), str(PINGTAN_APPROVALS)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["sums"]["applications.new.total"] == 7
    assert len(data["differences"]) == 39
    assert data["unreadable"] == []


def test_cli_a_parent_in_the_children_folder_is_left_out_and_exit_0_when_consistent() -> None:
    result = runner.invoke(app, ["rollup", str(AUDIT_OFFICE), str(SAMPLES)], env=ENV)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "下级：二道江区机关事务管理局" in out
    assert "下级：二道江区审计局" not in out
    assert out.count("未计入") == 3
    assert "是 2020 年度的报告，不是 2024 年度" in out
    assert "200 个单元格在下级报告中有空白，按 0 计" in out
    assert out.rstrip().endswith("下级合计与本级报告一致")


def test_cli_dash_means_no_parent() -> None:
    result = runner.invoke(app, ["rollup", "-", str(AUDIT_OFFICE), str(OFFICE_AFFAIRS)], env=ENV)
    assert result.exit_code == 0
    assert "下级合计（无本级报告）  2024 年度 · 2021 年格式 · 下级报告 2 份" in result.stdout
    assert "没有本级报告，未比对" in result.stdout
    data = json.loads(runner.invoke(app, ["rollup", "-", str(AUDIT_OFFICE), "--output", "json"]).stdout)
    assert data["parent"] is None
    assert data["consistent"] is None
    assert data["differences"] == []


def test_cli_unreadable_files_are_named_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(app, ["rollup", str(missing), str(AUDIT_OFFICE)])
    assert result.exit_code == 2
    assert f"nianbao: {missing}: 文件不存在（本级报告）" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    child = runner.invoke(app, ["rollup", str(AUDIT_OFFICE), str(missing), str(OFFICE_AFFAIRS)], env=ENV)
    assert child.exit_code == 2  # the readable ones are still rolled up
    assert f"nianbao: {missing}: 文件不存在" in child.stderr
    assert "下级：二道江区机关事务管理局" in child.stdout
    nothing = runner.invoke(app, ["rollup", str(AUDIT_OFFICE), str(tmp_path)])
    assert nothing.exit_code == 2
    assert "没有找到下级报告文件" in nothing.stderr


# --- properties --------------------------------------------------------------------------------------


def synthetic(name: str, year: int, agency: str, values: dict[str, Number | None]) -> Report:
    cells = {k: Cell(k, v, "" if v is None else str(v)) for k, v in values.items()}
    return Report(file=f"{agency}.txt", kind="txt", format=name, year=year, agency=agency, cells=cells)


@st.composite
def children_of_one_format(draw: st.DrawFn) -> tuple[str, list[Report]]:
    name = draw(st.sampled_from(["2019", "2021"]))
    keys = cell_keys(get_format(name))
    out = []
    for i in range(draw(st.integers(1, 4))):
        values: dict[str, Number | None] = dict(draw(consistent_cells(name, small=True)))
        for key in draw(st.sets(st.sampled_from(keys), max_size=8)):
            values[key] = None
        out.append(synthetic(name, 2022, f"第{i + 1}局", values))
    return name, out


@settings(max_examples=30, deadline=None)
@given(drawn=children_of_one_format())
def test_the_sum_is_the_per_key_sum_and_a_single_child_matches_itself(drawn: tuple[str, list[Report]]) -> None:
    name, children = drawn
    result: Rollup = rollup(children)
    fmt = get_format(name)
    assert list(result.sums) == cell_keys(fmt)
    assert result.skipped == []
    labels = {c.key: c.label for c in result.comparisons()}
    for key, total in result.sums.items():
        known = [v for v in (c.value(key) for c in children) if v is not None]
        assert total == (sum(known, Decimal(0)) if known else None), key
        assert result.blanks.get(key, 0) == len(children) - len(known)
        assert labels[key] == cell_label(fmt, key)
    for child in children:
        assert rollup([child], child).differences == []
    if not result.blanks:  # identities are linear: consistent children sum to a consistent report
        values = {k: None if v is None else Decimal(v) for k, v in result.sums.items()}
        assert all(identity.holds(values) for identity in fmt.identities)
