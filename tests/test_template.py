"""Blank reports, the YAML and the workbook a clerk fills, and loading them back (authoring.template, .load)."""

from __future__ import annotations

import copy
import io
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

import nianbao
from nianbao import Severity, Status
from nianbao.authoring.load import load
from nianbao.authoring.template import (
    KEY_SHEET,
    PROMPTS,
    compute,
    formulas,
    input_keys,
    template,
)
from nianbao.authoring.workbook import write_xlsx
from nianbao.authoring.yaml_file import write_yaml, yaml_text
from nianbao.formats import format_for_year, get_format, sections
from nianbao.formats.grid import tables
from nianbao.render.content import default_preamble
from nianbao.report import Report
from tests.conftest import SAMPLES

AGENCY = "某某县审计局"
LAST_YEAR = SAMPLES / "003_2be53e51c8fc0eb8.txt"  # 忻州市审计局, 2023


def errors(report: Report, previous: Report | None = None, ignore: tuple[str, ...] = ()) -> list[str]:
    """The audit's errors; `ignore=("S406",)` where the template's prompts are still the text."""
    audit = nianbao.check(report, previous)
    return [f"{f.rule} {f.message}" for f in audit.findings if f.severity is Severity.ERROR and f.rule not in ignore]


def key_map(wb: openpyxl.Workbook) -> dict[str, tuple[str, str, str]]:
    """key -> (sheet, cell, role), from the workbook's own mapping sheet."""
    rows = list(wb[KEY_SHEET].iter_rows(min_row=3, values_only=True))
    return {str(r[0]): (str(r[1]), str(r[2]), str(r[3])) for r in rows if r[0]}


def fill(path: Path, entries: dict[str, Any], out: Path | None = None) -> Path:
    """Types `entries` (cell key or meta./text. key -> value) into the workbook like a clerk, and saves it."""
    wb = openpyxl.load_workbook(path)
    where = key_map(wb)
    for key, value in entries.items():
        sheet, cell, _ = where[key]
        wb[sheet][cell] = value
    target = out or path
    wb.save(target)
    return target


def sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    ws = wb[name]
    assert isinstance(ws, Worksheet)
    return ws


def last_year() -> Report:
    """The 2023 sample with some applications carried forward and documents in force."""
    prev = copy.deepcopy(nianbao.read(LAST_YEAR))
    for key, value in {
        "applications.carried_forward.natural_person": 2,
        "applications.carried_forward.commercial": 1,
        "applications.carried_forward.total": 3,
        "active.regulations.in_force": 4,
        "active.normative_documents.in_force": 7,
    }.items():
        prev.cells[key].value = value
    return prev


TEXTS = {
    1: "（一）主动公开方面。本局通过门户网站主动公开审计结果公告和工作动态。\n"
    "（二）依申请公开方面。本局依法办理政府信息公开申请。",
    5: "一是信息公开的及时性有待提高；二是政策解读形式较为单一。下一步将完善发布审核流程，丰富解读形式，"
    "上年度提出的问题均已整改。",
    6: "本年度未收取信息处理费。",
}


# ---------------------------------------------------------------------------------------------------
# the blank report


@pytest.mark.parametrize("year", [2020, 2025])
def test_template_is_blank_in_the_year_format_and_only_its_prompts_fail_the_audit(year: int) -> None:
    report = template(year, AGENCY)
    fmt = get_format(format_for_year(year))
    assert (report.format, report.year, report.agency) == (fmt.name, year, AGENCY)
    assert set(report.cells) == set(fmt.cells)
    assert all(c.value == 0 for c in report.cells.values())
    assert [(s.number, s.numbering, s.heading) for s in report.sections] == [
        (s.number, "一二三四五六"[s.number - 1] + "、", s.heading) for s in sections()
    ]
    assert {s.number: s.narrative for s in report.sections} == {
        1: PROMPTS[1],
        2: "",
        3: "",
        4: "",
        5: PROMPTS[5],
        6: PROMPTS[6],
    }
    assert PROMPTS[1] == "（请在此填写总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面）"
    assert report.preamble == default_preamble(fmt.name, year)
    assert [e.split()[0] for e in errors(report)] == ["S406"] * 3  # only the prompts: not yet written


def test_totals_come_from_the_identities() -> None:
    fmt = get_format("2021")
    computed = set(formulas(fmt))
    expected = (
        {k for k in fmt.cells if k.startswith("applications.") and k.endswith(".total")}
        | {k for k in fmt.cells if k.startswith(("applications.total.", "applications.carried_forward."))}
        | {"review.total", "litigation_direct.total", "litigation_after_review.total"}
    )
    assert computed == expected
    assert formulas(fmt)["applications.carried_forward.commercial"].minus == ("applications.total.commercial",)
    assert len(input_keys(fmt)) == len(fmt.cells) - len(computed)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), name=st.sampled_from(["2019", "2021"]))
def test_computed_values_satisfy_every_identity(data: st.DataObject, name: str) -> None:
    fmt = get_format(name)
    values: dict[str, Any] = {k: data.draw(st.integers(0, 500)) for k in input_keys(fmt)}
    out = compute(fmt, values)
    for ident in fmt.identities:
        assert ident.holds({k: Decimal(out[k] or 0) for k in ident.keys}), ident.name


def test_template_with_last_year_carries_the_applications_over() -> None:
    prev = last_year()
    report = template(2024, "忻州市审计局", prev)
    assert report.value("applications.carried_over.natural_person") == 2
    assert report.value("applications.carried_over.commercial") == 1
    assert report.value("applications.carried_over.total") == 3
    for column in get_format("2021").applicant_columns:
        assert report.value(f"applications.carried_forward.{column}") == report.value(
            f"applications.carried_over.{column}"
        )
        assert report.value(f"applications.new.{column}") == 0
    audit = nianbao.check(report, prev)
    assert not [f for f in audit.findings if f.rule == "Y701" and f.status is not Status.NOT_ASSESSABLE]
    assert errors(report, prev, ignore=("S406",)) == []


def test_template_from_the_sample_as_read() -> None:
    prev = nianbao.read(LAST_YEAR)
    report = template(2024, "忻州市审计局", prev)
    for column in get_format("2021").applicant_columns:
        assert report.value(f"applications.carried_over.{column}") == prev.value(
            f"applications.carried_forward.{column}"
        )


# ---------------------------------------------------------------------------------------------------
# the workbook


@pytest.fixture
def blank_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "2025.xlsx"
    write_xlsx(template(2025, AGENCY), path)
    return path


def test_clerk_fills_the_workbook_and_it_passes_the_audit(blank_xlsx: Path) -> None:
    filled = fill(
        blank_xlsx,
        {
            "applications.new.natural_person": 5,
            "applications.new.commercial": 2,
            "applications.new.legal_services": 1,
            "applications.granted.natural_person": 3,
            "applications.partially_granted.natural_person": 1,
            "applications.unavailable.not_held.commercial": 1,
            "applications.not_processed.repeated.legal_services": 1,
            "applications.granted.commercial": 1,
            "review.corrected": 1,
            "litigation_direct.pending": 2,
            "active.fees.amount": 0.5,
            "active.regulations.in_force": 3,
            "active.licensing.decisions": 12,
            "meta.date": "2026-01-20",
            "text.section.1": TEXTS[1],
            "text.section.5": TEXTS[5],
            "text.section.6": TEXTS[6],
        },
    )
    report = load(filled)
    assert (report.kind, report.format, report.year, report.agency) == ("xlsx", "2021", 2025, AGENCY)
    assert report.file == str(filled)
    assert str(report.date) == "2026-01-20"
    assert report.value("applications.new.total") == 8
    assert report.value("applications.total.natural_person") == 4
    assert report.value("applications.total.total") == 7
    assert report.value("applications.carried_forward.natural_person") == 1
    assert report.value("applications.carried_forward.total") == 1
    assert report.value("review.total") == 1
    assert report.value("litigation_direct.total") == 2
    assert report.value("active.fees.amount") == Decimal("0.5")
    assert report.cells["applications.total.total"].note.startswith("自动计算")
    assert [s.narrative for s in report.sections if s.number == 1] == [TEXTS[1]]
    assert not [p for p in report.problems if p.code == "template.prompt"]
    assert errors(report) == []


def test_prompts_left_in_place_are_noted(blank_xlsx: Path) -> None:
    report = load(blank_xlsx)
    assert [p.code for p in report.problems] == ["template.prompt"] * 3
    assert all(c.value == 0 for c in report.cells.values())


def test_workbook_has_formulas_validations_protection_and_the_official_merges(blank_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(blank_xlsx)
    assert wb.sheetnames == ["封面", "正文", "表二", "表三", "表四", KEY_SHEET]
    assert wb[KEY_SHEET].sheet_state == "hidden"
    where = key_map(wb)
    fmt = get_format("2021")
    computed = formulas(fmt)
    assert set(fmt.cells) <= set(where)
    for key in fmt.cells:
        name, coordinate, role = where[key]
        cell = wb[name][coordinate]
        assert role == ("formula" if key in computed else "input")
        if key in computed:
            assert str(cell.value).startswith("="), key
            assert cell.protection.locked
            assert cell.fill.fgColor.rgb.endswith("FFF2CC")
        else:
            assert not cell.protection.locked, key
            assert cell.value == 0
        assert cell.font.name == "宋体"
    three, four = sheet(wb, "表三"), sheet(wb, "表四")
    row_new = int(where["applications.new.natural_person"][1][1:])
    row_over = int(where["applications.carried_over.natural_person"][1][1:])
    row_total = int(where["applications.total.natural_person"][1][1:])
    row_granted = int(where["applications.granted.natural_person"][1][1:])
    assert three[where["applications.new.total"][1]].value == f"=SUM(D{row_new}:I{row_new})"
    assert three[where["applications.total.commercial"][1]].value == f"=SUM(E{row_granted}:E{row_total - 1})"
    assert three[where["applications.carried_forward.research"][1]].value == f"=F{row_new}+F{row_over}-F{row_total}"
    review = [where[f"review.{c}"][1] for c in ("upheld", "pending", "total")]
    assert four[review[2]].value == f"=SUM({review[0]}:{review[1]})"
    for ws in (sheet(wb, n) for n in wb.sheetnames):
        assert ws.protection.sheet
        assert not ws.protection.password
    # data validations: counts whole ≥ 0, the fee a decimal ≥ 0
    kinds = {(dv.type, dv.operator, dv.formula1): dv for dv in three.data_validations.dataValidation}
    assert set(kinds) == {("whole", "greaterThanOrEqual", "0")}
    assert where["applications.new.commercial"][1] in kinds["whole", "greaterThanOrEqual", "0"].sqref
    assert where["applications.new.total"][1] not in kinds["whole", "greaterThanOrEqual", "0"].sqref
    two = sheet(wb, "表二")
    fee = next(dv for dv in two.data_validations.dataValidation if dv.type == "decimal")
    assert (fee.operator, fee.formula1, str(fee.sqref)) == ("greaterThanOrEqual", "0", where["active.fees.amount"][1])
    # merged header cells exactly as the grid places them (grid row r is sheet row r + 2)
    for grid in tables(fmt, lambda key: ""):
        ws = sheet(wb, f"表{grid.name}")
        merged = {str(r) for r in ws.merged_cells.ranges}
        for placed in grid.cells:
            top = ws.cell(placed.row + 2, placed.col + 1)
            if placed.key is None:
                assert top.value == placed.text
            if placed.rowspan > 1 or placed.colspan > 1:
                bottom = ws.cell(placed.row + 1 + placed.rowspan, placed.col + placed.colspan)
                assert f"{top.coordinate}:{bottom.coordinate}" in merged, (grid.name, placed.text)
    assert "A2:C4" in {str(r) for r in three.merged_cells.ranges}  # the 勾稽关系 note over three header rows
    assert three["A2"].value.startswith("（本列数据的勾稽关系为")
    assert three["A2"].fill.fgColor.rgb.endswith("DDEBF7")


def test_2019_workbook_lets_the_change_column_be_negative(tmp_path: Path) -> None:
    path = tmp_path / "2020.xlsx"
    write_xlsx(template(2020, AGENCY), path)
    wb = openpyxl.load_workbook(path)
    where = key_map(wb)
    two = sheet(wb, "表二")
    signed = next(dv for dv in two.data_validations.dataValidation if dv.operator == "between")
    assert signed.type == "whole"
    assert where["active.penalties.change"][1] in signed.sqref
    assert where["active.penalties.previous"][1] not in signed.sqref
    money = next(dv for dv in two.data_validations.dataValidation if dv.type == "decimal")
    assert where["active.procurement.amount"][1] in money.sqref
    report = load(
        fill(
            path,
            {
                "active.penalties.previous": 55,
                "active.penalties.change": -5,
                "active.procurement.amount": 150000.5,
                "applications.new.other_org": 1,
                "applications.other_handling.other_org": 1,
            },
        )
    )
    assert report.value("active.penalties.change") == -5
    assert report.value("applications.total.other_org") == 1
    assert report.value("applications.carried_forward.total") == 0
    assert errors(report, ignore=("S406",)) == []


def test_workbook_with_last_year(tmp_path: Path) -> None:
    prev = last_year()
    report = template(2024, "忻州市审计局", prev)
    path = tmp_path / "2024.xlsx"
    write_xlsx(report, path, previous=prev)
    wb = openpyxl.load_workbook(path)
    where = key_map(wb)
    three, two = sheet(wb, "表三"), sheet(wb, "表二")
    assert three[where["applications.carried_over.natural_person"][1]].value == 2
    assert three[where["applications.carried_over.commercial"][1]].value == 1
    grid_cols = tables(get_format("2021"), lambda key: "")[0].cols
    ref_name, ref_cell, ref_role = where["reference.active.normative_documents.in_force"]
    assert (ref_name, ref_role) == ("表二", "reference")
    ref = two[ref_cell]
    assert ref.value == 7
    assert ref.column > grid_cols + 1  # an empty column apart from the official table
    assert ref.row == two[where["active.normative_documents.in_force"][1]].row
    assert two.cell(where_row(two, "信息内容"), ref.column).value == "上年现行有效件数（参考）"
    loaded = load(fill(path, {"applications.new.natural_person": 1, "applications.granted.natural_person": 3}))
    assert loaded.value("applications.carried_over.total") == 3
    assert loaded.value("applications.carried_forward.natural_person") == 0
    assert loaded.value("applications.carried_forward.total") == 1
    assert not any(k.startswith("reference.") for k in loaded.cells)
    assert errors(loaded, prev, ignore=("S406",)) == []


def where_row(ws: Worksheet, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def test_a_formula_typed_over_is_recomputed_and_noted(blank_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(blank_xlsx)
    where = key_map(wb)
    name, cell, _ = where["applications.new.total"]
    wb[name][cell] = 99
    wb[where["applications.new.research"][0]][where["applications.new.research"][1]] = 4
    wb.save(blank_xlsx)
    report = load(blank_xlsx)
    assert report.value("applications.new.total") == 4
    assert any(p.code == "workbook.formula" and "applications.new.total" in p.keys for p in report.problems)


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), year=st.sampled_from([2020, 2025]))
def test_any_filled_workbook_passes_every_arithmetic_rule(data: st.DataObject, year: int) -> None:
    blank = _blank_workbook(year)
    fmt = get_format(format_for_year(year))
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    where = key_map(wb)
    for key in input_keys(fmt):
        if key.startswith(("applications.", "review.", "litigation")) and data.draw(st.booleans()):
            name, cell, _ = where[key]
            wb[name][cell] = data.draw(st.integers(0, 300))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "filled.xlsx"
        wb.save(path)
        report = load(path)
    audit = nianbao.check(report, select_rules=["arithmetic"])
    assert [f.message for f in audit.findings] == []


_BLANKS: dict[int, bytes] = {}


def _blank_workbook(year: int) -> bytes:
    if year not in _BLANKS:
        buffer = io.BytesIO()
        from nianbao.authoring.workbook import workbook

        workbook(template(year, AGENCY)).save(buffer)
        _BLANKS[year] = buffer.getvalue()
    return _BLANKS[year]


# ---------------------------------------------------------------------------------------------------
# YAML and JSON


def test_yaml_is_commented_and_edited_like_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "2025.yaml"
    write_yaml(template(2025, AGENCY), path)
    text = path.read_text(encoding="utf-8")
    assert "  applications.new.natural_person: 0  # 一、本年新收政府信息公开申请数量 · 自然人\n" in text
    assert "  # applications.new.total: 0  # 一、本年新收政府信息公开申请数量 · 总计（自动计算" in text
    assert "format: '2021'" in text
    assert load(path).values() == template(2025, AGENCY).values()
    # the clerk edits: numbers, the date, and the three texts
    text = text.replace("applications.new.natural_person: 0", "applications.new.natural_person: 3")
    text = text.replace("applications.granted.natural_person: 0", "applications.granted.natural_person: 2")
    text = text.replace(
        "applications.not_processed.repeated.natural_person: 0", "applications.not_processed.repeated.natural_person: 1"
    )
    text = text.replace("review.upheld: 0", "review.upheld: 1")
    text = text.replace("active.fees.amount: 0", "active.fees.amount: 0.5")
    text = text.replace("date: ''", "date: 2026-01-15")
    for number, prompt in PROMPTS.items():
        body = TEXTS[number].replace("\n", "\n    ")
        text = text.replace(f"    {prompt}", f"    {body}")
    path.write_text(text, encoding="utf-8")
    report = load(path)
    assert report.kind == "yaml"
    assert report.value("applications.new.total") == 3
    assert report.value("applications.total.total") == 3
    assert report.value("applications.carried_forward.total") == 0
    assert report.value("review.total") == 1
    assert report.value("active.fees.amount") == Decimal("0.5")
    assert str(report.date) == "2026-01-15"
    assert [s.narrative for s in report.sections if s.number in TEXTS] == list(TEXTS.values())
    assert report.problems == []
    assert errors(report) == []


def test_yaml_total_typed_by_hand_is_kept_for_the_audit(tmp_path: Path) -> None:
    path = tmp_path / "2025.yaml"
    text = yaml_text(template(2025, AGENCY)).replace("  # applications.new.total: 0", "  applications.new.total: 5")
    path.write_text(text, encoding="utf-8")
    report = load(path)
    assert report.value("applications.new.total") == 5
    assert any(e.startswith("A103") for e in errors(report))
    rewritten = yaml_text(report)
    assert "  applications.new.total: 5  # 一、本年新收政府信息公开申请数量 · 总计（与各项之和 0 不符" in rewritten


def test_yaml_with_last_year_shows_its_figures(tmp_path: Path) -> None:
    prev = last_year()
    text = yaml_text(template(2024, "忻州市审计局", prev), prev)
    assert re.search(r"active\.normative_documents\.in_force: 0  # .*（上年 2023 年度：7）", text)
    assert re.search(r"applications\.carried_over\.natural_person: 2  # .*结转下年度继续办理", text)
    path = tmp_path / "2024.yml"
    path.write_text(text, encoding="utf-8")
    assert load(path).value("applications.carried_over.total") == 3


def test_exchange_json_with_text_and_date(tmp_path: Path) -> None:
    sample = nianbao.read(LAST_YEAR)
    data = sample.to_exchange()
    data["cells"]["applications.total.total"] = None  # null totals are computed
    data.update(preamble="导语。", sections={"1": TEXTS[1], "5": TEXTS[5], "6": "无。"}, date="2024-01-10")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = load(path)
    assert (report.kind, report.format, report.year, report.agency) == ("json", "2021", 2023, "忻州市审计局")
    assert report.values() == sample.values()
    assert report.preamble == "导语。"
    assert report.section(6).narrative == "无。"  # type: ignore[union-attr]
    assert str(report.date) == "2024-01-10"
    full = tmp_path / "full.json"  # the to_dict() shape: sections as a list
    full.write_text(json.dumps(sample.to_dict(), ensure_ascii=False, default=str), encoding="utf-8")
    again = load(full)
    assert again.section(1).narrative == sample.section(1).narrative  # type: ignore[union-attr]
    assert again.values() == sample.values()


# ---------------------------------------------------------------------------------------------------
# bad data


def test_a_word_in_a_number_cell_names_the_sheet_cell_and_key(blank_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(blank_xlsx)
    name, cell, _ = key_map(wb)["applications.new.commercial"]
    fill(blank_xlsx, {"applications.new.commercial": "三"})
    expected = f"{blank_xlsx}：{name} {cell}（applications.new.commercial）不是整数：'三'"
    with pytest.raises(ValueError, match=re.escape(expected)):
        load(blank_xlsx)
    assert (name, cell) == ("表三", "E5")


def test_a_fraction_where_a_whole_number_belongs(blank_xlsx: Path) -> None:
    fill(blank_xlsx, {"review.upheld": 1.5})
    with pytest.raises(ValueError, match=r"表四 A5（review\.upheld）不是整数：1\.5"):
        load(blank_xlsx)


def test_numbers_typed_as_text_are_read(blank_xlsx: Path) -> None:
    fill(blank_xlsx, {"applications.new.commercial": " ３ ", "active.fees.amount": "0.25"})
    report = load(blank_xlsx)
    assert report.value("applications.new.commercial") == 3
    assert report.value("active.fees.amount") == Decimal("0.25")


def test_bad_workbooks(tmp_path: Path, blank_xlsx: Path) -> None:
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(corrupt))}：无法打开工作簿"):
        load(corrupt)
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(ValueError, match="不是 nianbao 生成的工作簿"):
        load(plain)
    fill(blank_xlsx, {"meta.agency": None})
    with pytest.raises(ValueError, match=r"封面 B3（发布机关）"):
        load(blank_xlsx)
    fill(blank_xlsx, {"meta.agency": AGENCY})
    wb = openpyxl.load_workbook(blank_xlsx)
    wb["表三"].title = "申请情况"
    wb.save(blank_xlsx)
    with pytest.raises(ValueError, match="缺少工作表“表三”"):
        load(blank_xlsx)


def test_bad_date_in_the_workbook(blank_xlsx: Path) -> None:
    fill(blank_xlsx, {"meta.date": "下个月"})
    with pytest.raises(ValueError, match=r"封面 B6（落款日期） 不是日期：'下个月'"):
        load(blank_xlsx)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("agency: 某某县审计局\n", ""), r"缺少必填项 agency（发布机关）"),
        (
            lambda t: t.replace("format: '2021'", "format: '2020'"),
            r"第\d+行 format（表格格式） 不是已知的表格格式：'2020'",
        ),
        (lambda t: t.replace("year: 2025", "year: 二〇二五"), r"year（报告年度） 不是有效的年度"),
        (
            lambda t: t.replace("applications.new.commercial: 0", "applications.new.commercial: 三"),
            r"第\d+行 cells 中“一、本年新收政府信息公开申请数量 · 商业企业”"
            r"（applications.new.commercial）不是整数：'三'",
        ),
        (lambda t: t.replace("review.upheld: 0", "review.upheld: [1]"), r"（review\.upheld）不是整数：\[1\]"),
        (lambda t: t.replace("review.upheld: 0", "review.kept: 0"), r"cells\.review\.kept 不是 2021 年格式的单元格"),
        (lambda t: t.replace("sections:", "sections:\n  7: 多余"), r"“7”不是报告的部分"),
        (lambda t: t.replace("date: ''", "date: 明年"), r"date（落款日期） 不是日期"),
        (lambda t: t.replace("cells:", "cells: [", 1), r"不是有效的 YAML（第\d+行"),
        (lambda t: "- 1\n- 2\n", r"内容应是一个对象"),
    ],
)
def test_bad_yaml(tmp_path: Path, edit: Any, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(edit(yaml_text(template(2025, AGENCY))), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}：")


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="不支持的数据文件类型"):
        load(tmp_path / "report.txt")
    with pytest.raises(ValueError, match="文件不存在"):
        load(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "2021",', encoding="utf-8")
    with pytest.raises(ValueError, match=r"不是有效的 JSON（第1行"):
        load(broken)
    no_cells = tmp_path / "no_cells.json"
    no_cells.write_text('{"format": "2021", "year": 2024, "agency": "某局"}', encoding="utf-8")
    with pytest.raises(ValueError, match="缺少必填项 cells（表格数字）"):
        load(no_cells)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ValueError, match="不是 UTF-8 编码"):
        load(binary)
