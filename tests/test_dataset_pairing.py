"""Pairing reports with the same agency's previous year (exact keys, hash join) and the cross-year rules over a
dataset; `nianbao check --previous` on the same pairing.

The dataset here is written directly with pyarrow in the dataset's schema from real sample reports (the
build command is not needed): 二道江区审计局 2024 and the same report relabelled as 2023 with three requests
carried over and forward (so Y701 and the copy rules fire), 忻州市审计局 2023 with an arithmetic error put in,
乡宁县审计局 2020, 南开区审计局 2019, and one unreadable file.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nianbao.audit import check
from nianbao.cli import app
from nianbao.dataset.pairing import Item, cross_year, pair_previous, pair_reports
from nianbao.formats.names import agency_key
from nianbao.read import read
from nianbao.report import Cell, Report

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
ERDAOJIANG = SAMPLES / "000_92378848010c3553.txt"  # 二道江区审计局 2024, 2021 format
XIANGNING = SAMPLES / "002_0443c703299bd9d2.txt"  # 乡宁县审计局 2020, 2019 format
XINZHOU = SAMPLES / "003_2be53e51c8fc0eb8.txt"  # 忻州市审计局 2023
NANKAI = SAMPLES / "004_b01a0116811292e6.txt"  # 南开区审计局 2019


# ---------------------------------------------------------------------------------------------------
# a dataset written by hand in the dataset's schema


@dataclass
class Entry:
    id: str
    report: Report | None  # None: a failed file
    region: str | None
    path: str


REPORTS = pa.schema(
    [
        ("report_id", pa.string()),
        ("path", pa.string()),
        ("kind", pa.string()),
        ("renditions", pa.list_(pa.struct([("path", pa.string()), ("sha256", pa.string()), ("kind", pa.string())]))),
        ("agency", pa.string()),
        ("agency_key", pa.string()),
        ("region", pa.string()),
        ("year", pa.int32()),
        ("format", pa.string()),
        ("published", pa.date32()),
        ("pages", pa.int32()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("reader_version", pa.string()),
        ("errors", pa.int32()),
        ("warnings", pa.int32()),
        ("infos", pa.int32()),
        ("seconds", pa.float64()),
    ]
)
CELLS = pa.schema(
    [
        ("report_id", pa.string()),
        ("year", pa.int32()),
        ("key", pa.string()),
        ("value", pa.float64()),
        ("blank", pa.bool_()),
        ("printed", pa.string()),
        ("provenance", pa.string()),
    ]
)
FINDINGS = pa.schema(
    [
        ("report_id", pa.string()),
        ("year", pa.int32()),
        ("rule", pa.string()),
        ("family", pa.string()),
        ("severity", pa.string()),
        ("status", pa.string()),
        ("keys", pa.list_(pa.string())),
        ("message", pa.string()),
        ("fingerprint", pa.string()),
    ]
)
SECTIONS = pa.schema(
    [
        ("report_id", pa.string()),
        ("year", pa.int32()),
        ("number", pa.int8()),
        ("title", pa.string()),
        ("text", pa.string()),
    ]
)


def _write(out: Path, table: str, schema: pa.Schema, rows: list[dict[str, object]]) -> None:
    by_year: dict[object, list[dict[str, object]]] = {}
    for row in rows:
        by_year.setdefault(row["year"], []).append(row)
    for year, part in by_year.items():
        folder = out / table / f"year={'unknown' if year is None else year}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(part, schema=schema), folder / "part-0.parquet")


def write_dataset(out: Path, entries: list[Entry]) -> None:
    """`entries` as the build writes them: reports, cells, single-year findings, sections."""
    reports: list[dict[str, object]] = []
    cells: list[dict[str, object]] = []
    findings: list[dict[str, object]] = []
    sections: list[dict[str, object]] = []
    for e in entries:
        r = e.report
        if r is None:
            reports.append(
                {
                    "report_id": e.id,
                    "path": e.path,
                    "kind": Path(e.path).suffix[1:],
                    "renditions": [],
                    "status": "failed",
                    "error": "无法读取",
                    "reader_version": "test",
                    "year": None,
                    "errors": 0,
                    "warnings": 0,
                    "infos": 0,
                    "seconds": 0.0,
                }
            )
            continue
        audit = check(r)
        counts = audit.counts()
        reports.append(
            {
                "report_id": e.id,
                "path": e.path,
                "kind": r.kind,
                "renditions": [{"path": e.path, "sha256": e.id, "kind": r.kind}],
                "agency": r.agency,
                "agency_key": agency_key(r.agency or ""),
                "region": e.region,
                "year": r.year,
                "format": r.format,
                "published": r.date,
                "pages": None,
                "status": "ok",
                "error": None,
                "reader_version": "test",
                "errors": counts["error"],
                "warnings": counts["warning"],
                "infos": counts["info"],
                "seconds": 0.01,
            }
        )
        for c in r.cells.values():
            cells.append(
                {
                    "report_id": e.id,
                    "year": r.year,
                    "key": c.key,
                    "value": None if c.value is None else float(c.value),
                    "blank": c.is_blank,
                    "printed": c.printed,
                    "provenance": json.dumps(c.location.to_dict()) if c.location else None,
                }
            )
        for f in audit.findings:
            findings.append(
                {
                    "report_id": e.id,
                    "year": r.year,
                    "rule": f.rule,
                    "family": f.family,
                    "severity": f.severity.label,
                    "status": f.status.value,
                    "keys": list(f.keys),
                    "message": f.message,
                    "fingerprint": f.fingerprint,
                }
            )
        for s in r.sections:
            sections.append(
                {"report_id": e.id, "year": r.year, "number": s.number, "title": s.heading, "text": s.narrative}
            )
    _write(out, "reports", REPORTS, reports)
    _write(out, "cells", CELLS, cells)
    _write(out, "findings", FINDINGS, findings)
    _write(out, "sections", SECTIONS, sections)


def _set(report: Report, key: str, value: int) -> None:
    old = report.cells[key]
    report.cells[key] = Cell(key, value, str(value), old.location)


def sample_entries() -> list[Entry]:
    now = read(ERDAOJIANG)
    before = copy.deepcopy(now)  # the same report as last year's, three requests carried forward
    before.year = 2023
    before.file = "2023/erdaojiang.txt"
    for column in ("natural_person", "total"):  # 3 carried over from 2022 and still open at the end of 2023
        _set(before, f"applications.carried_over.{column}", 3)
        _set(before, f"applications.carried_forward.{column}", 3)
    xinzhou = read(XINZHOU)
    _set(xinzhou, "applications.new.natural_person", 5)  # a row total that does not add up
    _set(xinzhou, "applications.new.total", 4)
    return [
        Entry("erdaojiang-2024", now, "吉林省", str(ERDAOJIANG)),
        Entry("erdaojiang-2023", before, "吉林省", before.file),
        Entry("xinzhou-2023", xinzhou, "山西省", str(XINZHOU)),
        Entry("xiangning-2020", read(XIANGNING), "山西省", str(XIANGNING)),
        Entry("nankai-2019", read(NANKAI), "天津市", str(NANKAI)),
        Entry("broken", None, None, "broken.docx"),
    ]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return sample_entries()


@pytest.fixture
def dataset(tmp_path: Path, entries: list[Entry]) -> Path:
    out = tmp_path / "out"
    write_dataset(out, entries)
    return out


# ---------------------------------------------------------------------------------------------------
# agency_key and pair_previous


def test_agency_key_drops_width_spaces_and_punctuation_only() -> None:
    assert agency_key(" 某市 （财政）局 ") == agency_key("某市财政局") == "某市财政局"
    assert agency_key("【ＡＢＣ】财政局") == "ABC财政局"
    assert agency_key("某市人民政府") != agency_key("某市政府")  # no synonyms, no guesses


def test_exact_pairs() -> None:
    items = [
        Item("a24", "某市财政局", None, 2024),
        Item("a23", "某市 财政局", None, 2023),
        Item("b24", "某市审计局", None, 2024),
        Item("b23", "某市审计局", None, 2023),
        Item("b22", "某市审计局", None, 2022),
        Item("c24", "某市教育局", None, 2024),
        Item("c22", "某市教育局", None, 2022),
        Item("x", None, None, 2024),
        Item("y", "某市审计局", None, None),
    ]
    result = pair_previous(items)
    assert result.pairs == {"a24": "a23", "b24": "b23", "b23": "b22"}  # c24 has no 2023 report: unpaired
    assert result.ambiguous == []


def test_a_short_name_never_pairs_with_a_longer_one() -> None:
    items = [
        Item("now", "财政局", None, 2024),
        Item("other", "某市财政局", None, 2023),
        Item("now2", "某市财政局办公室", None, 2024),
    ]
    result = pair_previous(items)
    assert result.pairs == {}
    assert result.ambiguous == []


def test_two_reports_of_one_key_in_a_year_are_reported_not_chosen() -> None:
    items = [
        Item("now", "财政局", None, 2024),
        Item("p1", "财政局", None, 2023),
        Item("p2", "财政局", None, 2023),
        Item("q24a", "审计局", None, 2024),
        Item("q24b", "审计局", None, 2024),
        Item("q23", "审计局", None, 2023),
    ]
    result = pair_previous(items)
    assert result.pairs == {}
    groups = {(a.year, a.agency_key): (set(a.reports), set(a.previous)) for a in result.ambiguous}
    assert groups == {(2024, "财政局"): ({"now"}, {"p1", "p2"}), (2024, "审计局"): ({"q24a", "q24b"}, {"q23"})}
    assert result.ambiguous_ids == {"now", "q24a", "q24b"}
    assert "财政局" in result.ambiguous[0].describe()
    assert "未作跨年度核查" in result.ambiguous[0].describe()


def test_the_region_tells_namesakes_apart() -> None:
    items = [
        Item("jl24", "财政局", "吉林省", 2024),
        Item("sx24", "财政局", "山西省", 2024),
        Item("jl23", "财政局", "吉林省", 2023),
        Item("sx23", "财政局", " 山西省", 2023),
        Item("tj24", "财政局", "天津市", 2024),
    ]
    result = pair_previous(items)
    assert result.pairs == {"jl24": "jl23", "sx24": "sx23"}  # tj24: no 2023 report in 天津市
    assert result.ambiguous == []
    # without its region, a report matches both namesakes of the year before: ambiguous
    unknown = pair_previous([*items, Item("who", "财政局", None, 2024)])
    assert "who" not in unknown.pairs
    assert "who" in unknown.ambiguous_ids
    # a report without a region matches any region, on either side, as long as it is the only match
    mixed = [
        Item("jl24", "财政局", "吉林省", 2024),
        Item("any23", "财政局", None, 2023),
        Item("sx23", "财政局", "山西省", 2023),
        Item("hb24", "审计局", None, 2024),
        Item("hb23", "审计局", "河北省", 2023),
    ]
    assert pair_previous(mixed).pairs == {"jl24": "any23", "hb24": "hb23"}


def test_candidates_limit_the_previous_years() -> None:
    now = [Item("a24", "某市财政局", None, 2024), Item("a23", "某市财政局", None, 2023)]
    given = [Item("p23", "某市财政局", None, 2023), Item("p22", "某市财政局", None, 2022)]
    assert pair_previous(now, given).pairs == {"a24": "p23", "a23": "p22"}


def test_pairing_many_colliding_names_stays_linear_in_what_it_lists() -> None:
    items = [Item(f"n{i}", "办公室", None, 2024) for i in range(3000)]
    items += [Item(f"p{i}", "办公室", None, 2023) for i in range(3000)]
    result = pair_previous(items)
    assert result.pairs == {}
    (group,) = result.ambiguous
    assert len(group.reports) == 3000
    assert len(group.previous) == 3000


# ---------------------------------------------------------------------------------------------------
# the cross-year rules over a dataset


def test_cross_year_over_a_dataset_matches_check_on_the_files(dataset: Path, entries: list[Entry]) -> None:
    result = cross_year(dataset)
    assert result.pairing.pairs == {"erdaojiang-2024": "erdaojiang-2023"}
    assert result.checked == 1
    written = pq.read_table(dataset / "findings" / "year=2024" / "cross_year.parquet").to_pylist()
    assert result.findings == len(written) > 0
    assert result.files == [dataset / "findings" / "year=2024" / "cross_year.parquet"]
    now, before = entries[0].report, entries[1].report
    assert now is not None
    assert before is not None
    expected = check(now, before, select_rules=["cross_year"])
    assert sorted((f["rule"], f["status"], f["fingerprint"], f["message"]) for f in written) == sorted(
        (f.rule, f.status.value, f.fingerprint, f.message) for f in expected.findings
    )
    rules = {f["rule"] for f in written}
    assert {"Y701", "Y703"} <= rules  # carried over 0 vs carried forward 3; the narrative is a copy
    assert {f["family"] for f in written} == {"cross_year"}
    assert {(f["report_id"], f["year"]) for f in written} == {("erdaojiang-2024", 2024)}


def test_cross_year_is_replaced_not_duplicated_and_the_same_in_worker_processes(
    tmp_path: Path, entries: list[Entry]
) -> None:
    out = tmp_path / "out"
    nankai = entries[4].report
    assert nankai is not None
    before = copy.deepcopy(nankai)
    before.year = 2018
    write_dataset(out, [*entries, Entry("nankai-2018", before, "天津市", "2018/nankai.txt")])
    first = cross_year(out)
    assert first.pairing.pairs == {"erdaojiang-2024": "erdaojiang-2023", "nankai-2019": "nankai-2018"}
    tables = [pq.read_table(f) for f in first.files]
    second = cross_year(out, chunk=1, jobs=2)  # two chunks, two worker processes
    assert (second.checked, second.findings) == (first.checked, first.findings) == (2, first.findings)
    files = sorted((out / "findings").rglob("*cross_year*"))
    assert (
        files
        == first.files
        == second.files
        == [
            out / "findings" / "year=2019" / "cross_year.parquet",
            out / "findings" / "year=2024" / "cross_year.parquet",
        ]
    )
    assert [pq.read_table(f) for f in files] == tables
    assert not list(out.glob(".cross_year*"))  # the scratch folder is gone


def test_cross_year_with_an_ambiguous_pair_writes_nothing_for_it(tmp_path: Path, entries: list[Entry]) -> None:
    out = tmp_path / "out"
    twin = copy.deepcopy(entries[1])
    twin.id = "erdaojiang-2023-other"
    write_dataset(out, [*entries, twin])
    result = cross_year(out)
    assert result.pairing.pairs == {}
    assert result.pairing.ambiguous_ids == {"erdaojiang-2024"}
    assert result.findings == 0
    assert not list((out / "findings").rglob("cross_year.parquet"))


def test_cross_year_on_a_dataset_without_pairs(tmp_path: Path, entries: list[Entry]) -> None:
    out = tmp_path / "out"
    write_dataset(out, [e for e in entries if e.id != "erdaojiang-2023"])
    result = cross_year(out)
    assert (result.checked, result.findings, result.files) == (0, 0, [])


# ---------------------------------------------------------------------------------------------------
# nianbao check --previous


def _copy(src: Path, dest: Path, agency: str, year: int) -> Path:
    """A sample renamed to another agency and moved to another year, as its text says."""
    text = src.read_text(encoding="utf-8").replace("二道江区审计局", agency).replace("2024", str(year))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest


def _cross_year_findings(output: str) -> dict[str, list[dict[str, object]]]:
    audits = [json.loads(line) for line in output.splitlines() if line.strip()]
    return {Path(a["file"]).name: [f for f in a["findings"] if f["family"] == "cross_year"] for a in audits}


def test_check_previous_pairs_by_exact_agency(tmp_path: Path) -> None:
    now = [_copy(ERDAOJIANG, tmp_path / "2024" / f"{n}.txt", n, 2024) for n in ("东区审计局", "西区审计局")]
    _copy(ERDAOJIANG, tmp_path / "2023" / "东区审计局.txt", "东区审计局", 2023)
    _copy(ERDAOJIANG, tmp_path / "2023" / "审计局.txt", "审计局", 2023)  # the short-name trap
    result = CliRunner().invoke(
        app, ["check", *map(str, now), "-p", str(tmp_path / "2023"), "--output", "json", "--select", "cross_year"]
    )
    found = _cross_year_findings(result.stdout)
    assert {f["rule"] for f in found["东区审计局.txt"]} >= {"Y703"}  # paired: the narrative is the same text
    assert found["西区审计局.txt"] == []  # 审计局 is not 西区审计局: not paired, not compared
    assert "不能唯一确定" not in result.stderr


def test_check_previous_reports_ambiguous_pairs(tmp_path: Path) -> None:
    now = _copy(ERDAOJIANG, tmp_path / "2024" / "a.txt", "东区审计局", 2024)
    _copy(ERDAOJIANG, tmp_path / "2023" / "a.txt", "东区审计局", 2023)
    _copy(ERDAOJIANG, tmp_path / "2023" / "b.txt", "东区审计局", 2023)
    other = _copy(ERDAOJIANG, tmp_path / "2024" / "c.txt", "西区审计局", 2024)
    result = CliRunner().invoke(
        app, ["check", str(now), str(other), "-p", str(tmp_path / "2023"), "--output", "json", "--select", "cross_year"]
    )
    assert _cross_year_findings(result.stdout) == {"a.txt": [], "c.txt": []}
    notes = [line for line in result.stderr.splitlines() if "不能唯一确定" in line]
    assert len(notes) == 1
    assert "东区审计局" in notes[0]
    assert "a.txt" in notes[0]
    assert "b.txt" in notes[0]


def test_check_one_report_against_one_previous_pairs_them_as_given(tmp_path: Path) -> None:
    now = read(ERDAOJIANG)
    before = copy.deepcopy(now)
    before.agency, before.year = "通化市二道江区审计局", 2023
    paired = pair_reports([now], [before])
    assert paired.previous == [before]
    assert pair_reports([now, read(NANKAI)], [before]).previous == [None, None]  # by exact name otherwise


def test_values_in_the_dataset_are_the_reports_values(dataset: Path) -> None:
    rows = pq.read_table(dataset / "cells" / "year=2020").to_pylist()
    values = {r["key"]: r["value"] for r in rows if r["report_id"] == "xiangning-2020"}
    assert values["active.penalties.previous"] == 55
    assert Decimal(str(values["active.procurement.amount"])) == Decimal("150000")


def test_an_ambiguous_group_is_one_short_line() -> None:
    items = [Item(f"n{i}", "办公室", None, 2024) for i in range(40)] + [Item("p", "办公室", None, 2023)]
    (group,) = pair_previous(items).ambiguous
    line = group.describe({"n0": "a.txt"})
    assert line.startswith("2024 年度“办公室”的上一年度报告不能唯一确定（2023 年度：p；2024 年度：a.txt、n1、")
    assert "等 40 份" in line
    assert "\n" not in line
