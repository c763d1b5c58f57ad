"""Details of reading on real files: provenance, metadata, sections, text in cells, units, splits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import nianbao
from nianbao.formats import get_format
from tests.conftest import CORPUS, SAMPLES
from tests.synth import render_text

SEED_003 = SAMPLES / "003_2be53e51c8fc0eb8.txt"
SEED_000 = SAMPLES / "000_92378848010c3553.txt"
SEED_002 = SAMPLES / "002_0443c703299bd9d2.txt"


def test_text_provenance_points_at_the_printed_characters() -> None:
    report = nianbao.read(SEED_003)
    lines = SEED_003.read_text(encoding="utf-8").split("\n")
    checked = 0
    for cell in report.cells.values():
        loc = cell.location
        assert loc is not None
        assert loc.line is not None
        assert loc.start is not None
        assert loc.end is not None
        assert lines[loc.line - 1][loc.start : loc.end].strip() == cell.printed
        checked += 1
    assert checked == 200


def test_html_provenance_names_table_row_and_grid_column() -> None:
    report = nianbao.read(CORPUS / "real" / "r001.html")
    cell = report.cells["applications.new.natural_person"]
    assert cell.value == 80
    assert cell.location is not None
    assert cell.location.table is not None
    assert cell.location.row is not None
    assert cell.location.column is not None
    total = report.cells["applications.new.total"].location
    assert total is not None
    assert total.row == cell.location.row
    assert total.column is not None
    assert total.column > cell.location.column


def test_pdf_provenance_is_page_and_box() -> None:
    report = nianbao.read(CORPUS / "real" / "r012.pdf")
    cell = report.cells["active.penalties.decisions"]
    assert cell.value == 4119
    assert cell.location is not None
    assert cell.location.page == 3
    x0, top, x1, bottom = cell.location.bbox or (0, 0, 0, 0)
    assert 0 < x0 < x1 < 600
    assert 0 < top < bottom < 850


def test_metadata_and_sections_as_printed() -> None:
    report = nianbao.read(SEED_003)
    assert (report.agency, report.year, report.format) == ("忻州市审计局", 2023, "2021")
    assert report.date == dt.date(2024, 1, 10)
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.sections[0].heading == "总体情况"
    assert "行政复议" in report.sections[3].text


def test_mixed_section_numbering_is_kept_as_printed() -> None:
    report = nianbao.read(SEED_000)
    assert [s.numbering for s in report.sections] == ["1、", "二、", "3、", "4、", "5、", "6、"]


def test_amount_printed_in_wan_yuan_is_normalised_to_yuan() -> None:
    report = nianbao.read(SEED_002)
    cell = report.cells["active.procurement.amount"]
    assert (cell.value, cell.printed) == (150000, "15万元")
    assert "单位换算" in cell.note
    assert any(p.code == "cell.unit" for p in report.problems)


def test_blank_cell_is_null_not_zero() -> None:
    report = nianbao.read(SEED_002)
    assert report.blank_keys == ["applications.total.nonprofit"]
    assert report.to_exchange()["cells"]["applications.total.nonprofit"] is None
    assert report.to_exchange()["cells"]["applications.total.natural_person"] == 0


def _write(tmp_path: Path, values: dict[str, int | Decimal | None], fmt: str = "2021", layout: str = "tabs") -> Path:
    path = tmp_path / "r.txt"
    path.write_text(render_text(fmt, 2024 if fmt == "2021" else 2020, "某某县财政局", values, layout), encoding="utf-8")
    return path


def test_text_in_a_numeric_cell_is_kept_and_reported(tmp_path: Path) -> None:
    values: dict[str, int | Decimal | None] = dict.fromkeys(get_format("2021").cells, 0)
    text = _write(tmp_path, values).read_text(encoding="utf-8").replace("行政许可\t0", "行政许可\t/")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    report = nianbao.read(tmp_path / "r.txt")
    cell = report.cells["active.licensing.decisions"]
    assert (cell.value, cell.printed, cell.is_text) == (None, "/", True)
    assert [p.keys for p in report.problems if p.code == "cell.text"] == [("active.licensing.decisions",)]


def test_fee_amount_keeps_its_decimals(tmp_path: Path) -> None:
    values: dict[str, int | Decimal | None] = dict.fromkeys(get_format("2021").cells, 0)
    values["active.fees.amount"] = Decimal("0.52")
    report = nianbao.read(_write(tmp_path, values))
    assert report.value("active.fees.amount") == Decimal("0.52")
    assert report.to_exchange()["cells"]["active.fees.amount"] == 0.52


def test_run_together_digits_are_split_by_the_rows_arithmetic() -> None:
    report = nianbao.read(CORPUS / "real" / "r001.txt")
    row = [report.value(f"applications.new.{c}") for c in get_format("2021").applicant_columns]
    assert row == [80, 1, 0, 0, 0, 0, 81]  # printed as 801000081
    assert report.cells["applications.new.natural_person"].printed == "80"


def test_an_ambiguous_split_is_said() -> None:
    report = nianbao.read(CORPUS / "real" / "r009.txt")
    assert (report.value("active.procurement.projects"), report.value("active.procurement.amount")) == (9, 78407)
    said = [p for p in report.problems if p.code == "row.fit" and "active.procurement.amount" in p.keys]
    assert len(said) == 1
    assert "978407" in said[0].message


def test_a_2021_report_keeping_the_old_other_handling_row_is_noticed() -> None:
    report = nianbao.read(CORPUS / "real" / "r012.txt")
    assert report.format == "2021"
    assert [(r.label, r.printed) for r in report.extra_rows] == [("（六）其他处理", ("0",) * 7)]
    assert report.value("applications.other_handling.other.total") is None


def test_gbk_and_utf16_text_read_the_same(tmp_path: Path) -> None:
    text = SEED_003.read_text(encoding="utf-8")
    expected = nianbao.read(SEED_003).to_exchange()["cells"]
    for enc in ("gb18030", "gbk", "utf-16", "utf-8-sig"):
        path = tmp_path / f"r-{enc}.txt"
        path.write_bytes(text.encode(enc, errors="replace"))
        assert nianbao.read(path).to_exchange()["cells"] == expected, enc


@pytest.mark.parametrize("sample", sorted(SAMPLES.iterdir()), ids=lambda p: p.name[:3])
def test_every_sample_reads_with_its_format(sample: Path) -> None:
    report = nianbao.read(sample)
    assert report.format in ("2019", "2021")
    assert len(report.cells) == len(get_format(report.format).cells)
