"""`nianbao diff`: a report against the same agency's report of the year before (issue #17, part 3).

The corpus pair is 淮安市洪泽区人民政府 2023 (r012) and 2024 (r013), each as published (PDF) and as text:
every cell's Δ is checked against the two truth files, and the copied share against the copied-text rule
Y703's own measure. The command is run in process on its own Typer app (as `nianbao diff` registers it).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import nianbao
from nianbao.audit.compare import CellState, Comparison, ParagraphKind, compare
from nianbao.audit.compare_text import match_paragraphs, paragraphs
from nianbao.audit.rules.cross_year import similarity
from nianbao.cli import app as nianbao_app
from nianbao.cli.diff import diff_cmd
from nianbao.formats import get_format
from nianbao.render.diff_page import diff_html
from tests.conftest import CORPUS, SAMPLES, expected_cells, load_truth

REAL = CORPUS / "real"
ERDAOJIANG = SAMPLES / "000_92378848010c3553.txt"  # 二道江区审计局 2024, 2021 format
XIANGNING = SAMPLES / "002_0443c703299bd9d2.txt"  # 乡宁县审计局 2020, 2019 format

runner = CliRunner()
diff_app = typer.Typer()


@diff_app.callback()
def _root() -> None:
    """The command tree with `diff` alone."""


diff_app.command(name="diff")(diff_cmd)


def _files(kind: str) -> tuple[Path, Path]:
    return REAL / f"r012.{kind}", REAL / f"r013.{kind}"


@pytest.fixture(scope="module", params=["txt", "pdf"])
def corpus_pair(request: pytest.FixtureRequest) -> tuple[Path, Path, Comparison]:
    old, new = _files(str(request.param))
    return old, new, compare(nianbao.read(old), nianbao.read(new))


# ---------------------------------------------------------------------------------------------------
# the corpus pair against the truths


def test_every_cells_delta_is_the_truths_difference(corpus_pair: tuple[Path, Path, Comparison]) -> None:
    old, new, comparison = corpus_pair
    before, after = expected_cells(load_truth(old)), expected_cells(load_truth(new))
    assert [c.key for c in comparison.cells] == [k for r in get_format("2021").rows for k in r.cells]
    assert {c.key for c in comparison.cells} == set(before) == set(after)
    wrong = []
    for c in comparison.cells:
        a, b = before[c.key], after[c.key]
        expected = None if a is None or b is None else Decimal(str(b)) - Decimal(str(a))
        got = None if c.delta is None else Decimal(str(c.delta))
        if got != expected:
            wrong.append(f"{c.key}: Δ {got}, truths say {expected}")
    assert not wrong
    assert comparison.note is None


def test_percent_blanks_and_changed_cells(corpus_pair: tuple[Path, Path, Comparison]) -> None:
    _, _, comparison = corpus_pair
    cells = comparison.by_key
    in_force = cells["active.normative_documents.in_force"]  # 5 → 8
    assert (in_force.old, in_force.new, in_force.delta, in_force.percent) == (5, 8, 3, 60.0)
    assert in_force.changed
    issued = cells["active.normative_documents.issued"]  # 0 → 3: no percent of 0
    assert (issued.delta, issued.percent) == (3, None)
    fees = cells["active.fees.amount"]  # 7730.28 → 7545 (万元)
    assert fees.delta == Decimal("-185.28")
    assert fees.percent is not None
    assert round(fees.percent, 2) == -2.40
    blank = cells["applications.other_handling.fee_unpaid.total"]  # the 2019-style row: not printed in either year
    assert (blank.old_state, blank.new_state, blank.delta, blank.changed) == (
        CellState.BLANK,
        CellState.BLANK,
        None,
        False,
    )
    assert blank.blank_side == "上年空白，本年空白"
    unchanged = cells["applications.carried_over.total"]
    assert (unchanged.delta, unchanged.changed) == (0, False)
    assert len(comparison.changed_cells) == 30


def test_the_copied_share_is_y703s_measure(corpus_pair: tuple[Path, Path, Comparison]) -> None:
    _, _, comparison = corpus_pair
    measured = similarity(comparison.new, comparison.old)
    assert measured is not None
    assert comparison.copied is not None
    assert (comparison.copied.share, comparison.copied.shingles, comparison.copied.by_section) == measured
    shares = {s.number: s.copied_share for s in comparison.sections}
    assert shares == {1: measured[2][1], 2: None, 3: None, 4: None, 5: measured[2][5], 6: None}
    assert not [f for f in comparison.audit.findings if f.family != "cross_year"]
    assert not [f for f in comparison.audit.findings if f.rule == "Y703"]  # 35 %: below the rule's 50 %


def test_the_narrative_paragraph_by_paragraph(corpus_pair: tuple[Path, Path, Comparison]) -> None:
    _, _, comparison = corpus_pair
    first = comparison.sections[0]
    counts = {k: first.count(k) for k in ParagraphKind}
    assert counts == {ParagraphKind.KEPT: 0, ParagraphKind.CHANGED: 3, ParagraphKind.ADDED: 3, ParagraphKind.DROPPED: 4}
    changed = [p for p in first.paragraphs if p.kind is ParagraphKind.CHANGED]
    assert changed[0].new is not None
    assert changed[0].new.startswith("（一）主动公开情况。")
    assert changed[0].copied, "the sentence kept from 2023 is marked copied"
    fee = comparison.sections[5].paragraphs  # 六: the fee sentence, only the year changed
    assert [p.kind for p in fee] == [ParagraphKind.CHANGED]
    assert fee[0].ratio is not None
    assert fee[0].ratio > 0.9
    assert fee[0].old is not None
    assert [fee[0].old[a:b] for a, b in fee[0].removed] == ["3"]


def test_a_report_against_a_copy_of_itself_is_all_kept_and_copied() -> None:
    new = nianbao.read(REAL / "r013.txt")
    old = copy.deepcopy(new)
    old.year = 2023
    comparison = compare(old, new)
    assert comparison.changed_cells == []
    assert comparison.copied is not None
    assert comparison.copied.share == 1.0
    assert {f.rule for f in comparison.audit.findings} >= {"Y703", "Y704"}
    for section in comparison.sections:
        assert all(p.kind is ParagraphKind.KEPT for p in section.paragraphs)


def test_reports_of_two_formats_are_compared_on_their_common_cells() -> None:
    old, new = nianbao.read(XIANGNING), nianbao.read(ERDAOJIANG)
    comparison = compare(old, new)
    assert comparison.format == "2021"
    assert len(comparison.cells) == 172
    assert len(comparison.only_old) == 26
    assert len(comparison.only_new) == 28
    assert comparison.note is not None
    assert "2019 年版" in comparison.note
    assert "172" in comparison.note
    assert "active.procurement.amount" not in comparison.by_key


# ---------------------------------------------------------------------------------------------------
# paragraphs


def test_paragraphs_join_wrapped_lines_and_split_at_ends_items_headings_and_indents() -> None:
    text = (
        "   2024 年，本机关坚持以人民为中心，全面推进政务公开\n工作，取得成效。\n"
        "（一）主动公开情况\n主动公开信息 12 条，\n\f比上年增加 2 条。\n"
        "   加强平台建设，完善制度\n规范运行。\n"
        "1.按照 GB T 9704 完善文件的排版，方便\n群众查阅。"
    )
    assert paragraphs(text) == [
        "2024年，本机关坚持以人民为中心，全面推进政务公开工作，取得成效。",
        "（一）主动公开情况",
        "主动公开信息12条，比上年增加2条。",
        "加强平台建设，完善制度规范运行。",
        "1.按照GB T 9704完善文件的排版，方便群众查阅。",
    ]


def test_match_paragraphs_kept_changed_added_dropped_in_this_years_order() -> None:
    old = ["甲段落的文字内容保持不变。", "乙段落写了今年的政务公开工作情况和数字十二件。", "丙段落将被删除的内容。"]
    new = ["甲段落的文字内容 保持不变。", "丁段落是全新写的一段话。", "乙段落写了今年的政务公开工作情况和数字十五件。"]
    got = [(p.kind, p.old, p.new) for p in match_paragraphs(old, new)]
    assert got == [
        (ParagraphKind.KEPT, old[0], new[0]),
        (ParagraphKind.ADDED, None, new[1]),
        (ParagraphKind.CHANGED, old[1], new[2]),
        (ParagraphKind.DROPPED, old[2], None),
    ]


# ---------------------------------------------------------------------------------------------------
# the page


class _Cells(HTMLParser):
    """The value cells of a page: data-key → class."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, str] = {}
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        key = found.get("data-key")
        if tag == "td" and key:
            self.cells[key] = found.get("class") or ""


def test_the_page_marks_every_changed_cell_and_only_those(corpus_pair: tuple[Path, Path, Comparison]) -> None:
    _, _, comparison = corpus_pair
    page = diff_html([comparison])
    parsed = _Cells()
    parsed.feed(page)
    assert set(parsed.cells) == {c.key for c in comparison.cells}
    marked = {k for k, css in parsed.cells.items() if "changed" in css.split()}
    assert marked == {c.key for c in comparison.changed_cells}
    assert "script" not in parsed.tags
    assert "link" not in parsed.tags
    assert {"mark", "del", "ins"} <= parsed.tags
    assert "淮安市洪泽区人民政府2023年—2024年政府信息公开工作年度报告对比" in page
    assert "上年 5" in page
    assert "+3" in page


# ---------------------------------------------------------------------------------------------------
# the command


def test_diff_two_files_as_text() -> None:
    old, new = _files("txt")
    result = runner.invoke(diff_app, ["diff", str(old), str(new), "--changed-only"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "有变化的单元格 30/200" in result.stdout
    assert "行政规范性文件 · 现行有效件数" in result.stdout
    assert "+60.0%" in result.stdout
    assert "一、本年新收政府信息公开申请数量 · 总计" in result.stdout
    assert "规章 · 本年制发件数" not in result.stdout  # unchanged: left out with --changed-only
    assert "在上一年度报告中出现（Y703 的算法）" in result.stdout


def test_diff_json_shape(tmp_path: Path) -> None:
    old, new = _files("txt")
    out = tmp_path / "diff.json"
    result = runner.invoke(diff_app, ["diff", str(old), str(new), "--output", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = out.read_text(encoding="utf-8").splitlines()
    data = json.loads(line)
    assert set(data) == {
        "old",
        "new",
        "format",
        "note",
        "only_old",
        "only_new",
        "cells_compared",
        "cells_changed",
        "cells",
        "findings",
        "copied",
        "sections",
    }
    assert data["old"] == {"file": str(old), "agency": "洪泽区人民政府", "year": 2023, "format": "2021"}
    assert (data["cells_compared"], data["cells_changed"], len(data["cells"])) == (200, 30, 200)
    cell = next(c for c in data["cells"] if c["key"] == "active.fees.amount")
    assert cell == {
        "key": "active.fees.amount",
        "table": "二",
        "label": "行政事业性收费 · 本年收费金额（单位：万元）",
        "old": 7730.28,
        "new": 7545,
        "old_printed": "7730.28",
        "new_printed": "7545",
        "old_state": "number",
        "new_state": "number",
        "delta": -185.28,
        "percent": cell["percent"],
        "changed": True,
    }
    assert set(data["copied"]) == {"share", "shingles", "by_section"}
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5, 6]
    assert set(data["sections"][0]) == {
        "number",
        "heading",
        "kept",
        "changed",
        "added",
        "dropped",
        "copied_share",
        "paragraphs",
    }
    assert set(data["sections"][0]["paragraphs"][0]) == {"kind", "old", "new", "ratio", "removed", "inserted", "copied"}


def _copy(src: Path, dest: Path, agency: str, year: int) -> Path:
    """A sample renamed to another agency and moved to another year, as its text says."""
    text = src.read_text(encoding="utf-8").replace("二道江区审计局", agency).replace("2024", str(year))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest


def test_diff_two_folders_pairs_by_agency_and_lists_the_rest(tmp_path: Path) -> None:
    _copy(ERDAOJIANG, tmp_path / "2023" / "east.txt", "东区审计局", 2023)
    _copy(ERDAOJIANG, tmp_path / "2023" / "north.txt", "北区审计局", 2023)
    _copy(ERDAOJIANG, tmp_path / "2024" / "east.txt", "东区审计局", 2024)
    _copy(ERDAOJIANG, tmp_path / "2024" / "west.txt", "西区审计局", 2024)
    result = runner.invoke(diff_app, ["diff", str(tmp_path / "2023"), str(tmp_path / "2024"), "--output", "html"])
    assert result.exit_code == 0, result.output
    assert "东区审计局2023年—2024年政府信息公开工作年度报告对比" in result.stdout
    assert "西区审计局" not in result.stdout
    lines = result.stderr.splitlines()
    assert any("west.txt" in line and "未找到同一机关上一年度的报告" in line for line in lines)
    assert any("north.txt" in line and "未找到同一机关下一年度的报告" in line for line in lines)
    as_json = runner.invoke(diff_app, ["diff", str(tmp_path / "2023"), str(tmp_path / "2024"), "--output", "json"])
    (line,) = as_json.stdout.splitlines()
    data = json.loads(line)
    assert (data["old"]["agency"], data["new"]["agency"], data["cells_changed"]) == ("东区审计局", "东区审计局", 0)
    assert any(f["rule"] == "Y703" for f in data["findings"])  # the same text a year apart


@pytest.mark.parametrize("bad", ["missing.txt", "empty.txt", "empty_folder"])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, bad: str) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "empty_folder").mkdir()
    result = runner.invoke(diff_app, ["diff", str(tmp_path / bad), str(REAL / "r013.txt")])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(tmp_path / bad) in lines[0]
    assert "Traceback" not in result.stderr


def test_nothing_to_pair_is_said_and_exit_2(tmp_path: Path) -> None:
    _copy(ERDAOJIANG, tmp_path / "2023" / "east.txt", "东区审计局", 2023)
    _copy(ERDAOJIANG, tmp_path / "2024" / "west.txt", "西区审计局", 2024)
    _copy(ERDAOJIANG, tmp_path / "2024" / "south.txt", "南区审计局", 2024)
    result = runner.invoke(diff_app, ["diff", str(tmp_path / "2023"), str(tmp_path / "2024")])
    assert result.exit_code == 2
    assert "没有可以比较的报告" in result.stderr


# ---------------------------------------------------------------------------------------------------
# check --previous says what it paired


def test_check_previous_prints_each_pairing(tmp_path: Path) -> None:
    now = [_copy(ERDAOJIANG, tmp_path / "2024" / f"{n}.txt", n, 2024) for n in ("东区审计局", "西区审计局")]
    last = _copy(ERDAOJIANG, tmp_path / "2023" / "东区审计局.txt", "东区审计局", 2023)
    result = runner.invoke(
        nianbao_app, ["check", *map(str, now), "-p", str(tmp_path / "2023"), "--select", "cross_year"]
    )
    lines = result.stderr.splitlines()
    assert f"nianbao: 配对：{now[0]} ↔ 上年 {last}" in lines
    assert f"nianbao: {now[1]}：未找到上一年度报告" in lines


def test_check_one_report_against_one_previous_says_so() -> None:
    old, new = _files("txt")
    result = runner.invoke(nianbao_app, ["check", str(new), "-p", str(old), "--select", "cross_year"])
    assert f"nianbao: 配对：{new} ↔ 上年 {old}" in result.stderr.splitlines()
