"""The official formats as data: complete, consistent with the repository's spec, identities well-formed."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from nianbao.formats import FORMAT_NAMES, format_for_year, formats, get_format, sections
from tests.conftest import ROOT, SPEC


def test_packaged_cells_csv_is_the_repository_spec() -> None:
    spec = SPEC / "cells.csv"
    packaged = ROOT / "src" / "nianbao" / "formats" / "cells.csv"
    assert packaged.read_text(encoding="utf-8") == spec.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_cell_is_printed_exactly_once(name: str) -> None:
    fmt = get_format(name)
    printed = [k for row in fmt.rows for k in row.cells]
    assert len(printed) == len(set(printed))
    assert set(printed) == set(fmt.cells)
    assert len(fmt.cells) == {"2019": 198, "2021": 200}[name]


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_row_labels_agree_with_cells_csv(name: str) -> None:
    fmt = get_format(name)
    for row in fmt.rows:
        for key in row.cells:
            label = fmt.cells[key].row_label
            if row.table != "四":
                assert row.text in label.replace(" ", ""), (key, row.text, label)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_identities_name_only_cells_of_their_format(name: str) -> None:
    fmt = get_format(name)
    assert fmt.identities
    for identity in fmt.identities:
        assert set(identity.keys) <= set(fmt.cells), identity.name


def test_identities_hold_on_a_consistent_table_and_fail_when_one_cell_moves() -> None:
    fmt = get_format("2021")
    values: dict[str, Decimal | None] = dict.fromkeys(fmt.cells, Decimal(0))
    for c in fmt.applicant_columns[:-1]:
        values[f"applications.new.{c}"] = Decimal(2)
        values[f"applications.granted.{c}"] = Decimal(1)
        values[f"applications.carried_forward.{c}"] = Decimal(1)
        values[f"applications.total.{c}"] = Decimal(1)
    values["applications.new.total"] = Decimal(12)
    for row in ("granted", "carried_forward", "total"):
        values[f"applications.{row}.total"] = Decimal(6)
    assert all(i.holds(values) for i in fmt.identities)
    values["applications.granted.research"] = Decimal(2)
    failing = {i.name for i in fmt.identities if i.holds(values) is False}
    assert failing == {"applications.outcomes.research", "applications.row_total.applications.granted"}
    values["applications.granted.research"] = None
    assert {i.name for i in fmt.identities if i.holds(values) is None} == failing


def test_format_for_year() -> None:
    assert [format_for_year(y) for y in (2019, 2020, 2021, 2025)] == ["2019", "2019", "2021", "2021"]


def test_six_sections() -> None:
    assert [s.number for s in sections()] == [1, 2, 3, 4, 5, 6]
    assert sections()[2].heading == "收到和处理政府信息公开申请情况"


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="未知的表格格式"):
        get_format("2018")


def test_formats_read_once() -> None:
    assert formats() is formats()


def test_applicant_columns_match_cells_csv() -> None:
    with (ROOT / "src" / "nianbao" / "formats" / "cells.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["key"].startswith("applications.new.") and r["format"] == "2021"]
    assert [r["key"].rsplit(".", 1)[1] for r in rows] == list(get_format("2021").applicant_columns)
