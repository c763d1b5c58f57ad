"""`nianbao dataset build --cross-year`: a report read unsure is read again with its agency's report of the year
before as evidence (issue #15, tier 4 of `nianbao.read.fit`), and the dataset keeps the better reading.

The two reports are the corpus's r009 (2019 format, crawler text) printed with one row run together: this year's
`行政许可4120305`, which alone is read 412|0|305 by plausibility (C208), and last year's, printing 30 11 41: last
year's 处理决定数量 41 is this year's 上一年项目数量, so 41|20|305.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.dataset.build import build
from nianbao.dataset.query import connect
from nianbao.formats import get_format
from tests.conftest import CORPUS

R009 = CORPUS / "real" / "r009.txt"
LICENSING = ["active.licensing.previous", "active.licensing.change", "active.licensing.decisions"]


def _sources(folder: Path) -> Path:
    folder.mkdir()
    text = R009.read_text(encoding="utf-8")
    assert "行政许可000" in text
    last = text.replace("行政许可000", "行政许可30 11 41").replace("2019", "2018")
    (folder / "last.txt").write_text(last, encoding="utf-8")
    (folder / "this.txt").write_text(text.replace("行政许可000", "行政许可4120305"), encoding="utf-8")
    return folder


def _licensing(con: duckdb.DuckDBPyConnection) -> list[float | None]:
    rows = dict(
        con.execute(
            "SELECT c.key, c.value FROM cells c JOIN reports r USING (report_id) WHERE r.year = 2019 AND c.key IN "
            "(SELECT unnest(?))",
            [LICENSING],
        ).fetchall()
    )
    return [rows.get(k) for k in LICENSING]


def _flagged(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT unnest(f.keys) FROM findings f JOIN reports r USING (report_id) "
            "WHERE r.year = 2019 AND f.rule IN ('C206', 'C208')"
        ).fetchall()
    ]


def test_without_cross_year_the_split_is_read_by_plausibility_and_said(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    build([_sources(tmp_path / "src")], out, jobs=1)
    con = connect(out)
    assert _licensing(con) == [412, 0, 305]
    assert set(LICENSING) <= set(_flagged(con))


def test_cross_year_reads_the_unsure_report_again_with_last_years(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = build([_sources(tmp_path / "src")], out, jobs=1, cross_year=True)
    assert result.reread is not None
    # both reports are unsure (r009's own procurement run `978407` too); only this year's has a year before
    assert (result.reread.unsure, result.reread.paired, result.reread.improved) == (2, 1, 1)
    assert (result.reread.cells_before, result.reread.cells_after) == (5, 2)  # the procurement cells stay
    assert result.cross_year is not None
    assert result.cross_year.checked == 1
    con = connect(out)
    assert _licensing(con) == [41, 20, 305]
    assert not set(LICENSING) & set(_flagged(con))
    # the report's rows were replaced, not added to: one row per cell, one report row with its rendition
    (cells, reports, renditions) = con.execute(
        "SELECT (SELECT count(*) FROM cells c JOIN reports r USING (report_id) WHERE r.year = 2019), "
        "(SELECT count(*) FROM reports WHERE year = 2019), "
        "(SELECT len(renditions) FROM reports WHERE year = 2019)"
    ).fetchone() or (0, 0, 0)
    assert (cells, reports, renditions) == (len(get_format("2019").cells), 1, 1)


def test_the_cli_says_what_the_cross_year_pass_did(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = CliRunner().invoke(
        app, ["dataset", "build", str(_sources(tmp_path / "src")), "--out", str(out), "-j", "1", "--cross-year"]
    )
    assert result.exit_code == 0, result.output
    assert "跨年度重读：识别不确定的报告 2 份，其中找到上一年度报告 1 份，重读后改善 1 份（不确定单元格 5 → 2）" in (
        result.output
    )
    assert "跨年度核查：1 对报告" in result.output
    # a second run reads nothing new and finds nothing left to read again
    again = CliRunner().invoke(
        app, ["dataset", "build", str(tmp_path / "src"), "--out", str(out), "-j", "1", "--cross-year"]
    )
    assert again.exit_code == 0, again.output
    assert "重读后改善 0 份" in again.output


def test_a_crawled_text_is_merged_into_its_pages_clean_rendition(tmp_path: Path) -> None:
    """seeds/002 as crawler text (procurement `1150000元` undecided, penalties read by plausibility) and as its clean
    markdown: two reports of one agency and year until `--cross-year` sees that they agree on every cell both
    read for sure; the clean reading is kept, the crawled file listed among its renditions."""
    from tests.forms.generate import CLASSES
    from tests.forms.source import corpus_sources, expected_cells, load_source

    (path,) = [p for p in corpus_sources() if p.name.startswith("002_")]
    source = load_source(path)
    src = tmp_path / "src"
    src.mkdir()
    for name in ("clean", "crawler_2019"):
        made = CLASSES[name].make(source, 0)
        (src / f"{name}{made.suffix}").write_text(made.text, encoding="utf-8")
    alone = tmp_path / "alone"
    build([src], alone, jobs=1)
    assert connect(alone).execute("SELECT count(*) FROM reports").fetchone() == (2,)

    out = tmp_path / "ds"
    result = build([src], out, jobs=1, cross_year=True)
    assert result.renditions is not None
    assert result.renditions.merged == 1
    assert result.renditions.unsure_before >= 4
    assert result.renditions.unsure_after == 0
    con = connect(out)
    ((renditions,),) = con.execute("SELECT list(r.path) FROM reports, unnest(renditions) AS t(r)").fetchall()
    assert sorted(Path(p).name for p in renditions) == ["clean.md", "crawler_2019.txt"]
    values = dict(con.execute("SELECT key, value FROM cells").fetchall())
    want = expected_cells(source.truth)
    assert {k: values[k] for k in want} == {k: None if v is None else float(v) for k, v in want.items()}
    # the next build knows both files: nothing read again, nothing merged again
    again = build([src], out, jobs=1, cross_year=True)
    assert (again.read, again.renditions.merged if again.renditions else -1) == (0, 0)


def test_two_agencies_alike_in_name_with_other_figures_are_not_merged(tmp_path: Path) -> None:
    src = _sources(tmp_path / "src")
    other = (src / "this.txt").read_text(encoding="utf-8").replace("规范性文件999", "规范性文件111")
    assert other != (src / "this.txt").read_text(encoding="utf-8")
    (src / "other.txt").write_text(other, encoding="utf-8")
    result = build([src], tmp_path / "ds", jobs=1, cross_year=True)
    assert result.renditions is not None
    assert result.renditions.merged == 0
