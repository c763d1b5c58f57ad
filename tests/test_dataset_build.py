"""`nianbao dataset build`: real reports into the Parquet dataset, in the local pool and on Dask."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import nianbao
from nianbao.cli import app
from nianbao.dataset import build as build_module
from nianbao.dataset import engines
from nianbao.dataset.build import BuildProgress, build
from nianbao.dataset.schema import SCHEMAS
from nianbao.dataset.sources import Hints, SourceError, expand_sources
from nianbao.formats.names import agency_key
from nianbao.render import render_bytes
from tests.conftest import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five samples, sample 003 again as a web page (a rendition), a PDF of sample 004 under another agency,
    a text that is no report and an empty file."""
    folder = tmp_path_factory.mktemp("corpus")
    for f in SAMPLE_FILES:
        shutil.copy(f, folder / f.name)
    r003 = nianbao.read(SAMPLE_FILES[3])
    (folder / "web").mkdir()
    (folder / "web" / "003.html").write_bytes(render_bytes(r003, "html"))
    r004 = nianbao.read(SAMPLE_FILES[4])
    (folder / "pdf").mkdir()
    (folder / "pdf" / "zz.pdf").write_bytes(render_bytes(dataclasses.replace(r004, agency="河西区审计局"), "pdf"))
    (folder / "zz_notes.txt").write_text("会议纪要\n今天讨论了办公用品的采购。\n", encoding="utf-8")
    (folder / "zz_empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("built") / "ds"
    return out, build([corpus], out, jobs=2)


def table(out: Path, name: str) -> list[dict[str, Any]]:
    files = sorted((out / name).rglob("*.parquet"))
    rows: list[dict[str, Any]] = []
    for f in files:
        rows.extend(pq.read_table(f, schema=SCHEMAS[name]).to_pylist())
    return rows


def sorted_cells(out: Path) -> list[tuple[Any, ...]]:
    return sorted((tuple(r.values()) for r in table(out, "cells")), key=repr)


def test_reports_cells_findings_sections(corpus: Path, built: tuple[Path, Any]) -> None:
    out, result = built
    assert (result.read, result.ok, result.failed, result.merged, result.written) == (9, 7, 2, 1, 8)
    reports = {Path(r["path"]).name: r for r in table(out, "reports")}
    assert len(reports) == 8
    for name in ("000_92378848010c3553.txt", "003_2be53e51c8fc0eb8.txt", "zz.pdf"):
        path = reports[name]["path"]
        report = nianbao.read(path)
        audit = nianbao.check(report)
        row = reports[name]
        assert (row["agency"], row["year"], row["format"], row["status"]) == (
            report.agency,
            report.year,
            report.format,
            "ok",
        )
        assert row["agency_key"] == agency_key(report.agency or "")
        counts = audit.counts()
        assert (row["errors"], row["warnings"], row["infos"]) == (counts["error"], counts["warning"], counts["info"])
        cells = {c["key"]: c for c in table(out, "cells") if c["report_id"] == row["report_id"]}
        assert set(cells) == set(report.cells)
        for key in ("applications.new.total", "results.total.total", "active.regulations.issued"):
            if key in report.cells:
                cell = report.cells[key]
                want = None if cell.value is None else float(cell.value)
                assert (cells[key]["value"], cells[key]["printed"], cells[key]["blank"]) == (
                    want,
                    cell.printed,
                    cell.is_blank,
                )
        findings = [f for f in table(out, "findings") if f["report_id"] == row["report_id"]]
        assert sorted(f["fingerprint"] for f in findings) == sorted(f.fingerprint for f in audit.findings)
        sections = [s for s in table(out, "sections") if s["report_id"] == row["report_id"]]
        assert [s["number"] for s in sections] == [s.number for s in report.sections]
    assert reports["zz.pdf"]["pages"] >= 2
    assert reports["zz.pdf"]["kind"] == "pdf"
    assert reports["zz.pdf"]["agency"] == "河西区审计局"
    assert reports["003_2be53e51c8fc0eb8.txt"]["published"].isoformat() == "2024-01-10"
    provenance = next(
        c["provenance"]
        for c in table(out, "cells")
        if c["report_id"] == reports["zz.pdf"]["report_id"] and c["provenance"]
    )
    assert "page" in json.loads(provenance)
    # year partitions, hive style; the year is in the files too
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "year=2019",
        "year=2020",
        "year=2023",
        "year=2024",
        "year=unknown",
    ]
    assert {c["year"] for c in table(out, "cells") if c["report_id"] == reports["zz.pdf"]["report_id"]} == {2019}
    years = ds.dataset(out / "cells", format="parquet", partitioning="hive").to_table(columns=["year"])
    assert years.num_rows == len(table(out, "cells"))


def test_failed_files_are_rows_with_their_reason(built: tuple[Path, Any]) -> None:
    out, _ = built
    failed = {Path(r["path"]).name: r for r in table(out, "reports") if r["status"] == "failed"}
    assert set(failed) == {"zz_notes.txt", "zz_empty.txt"}
    assert failed["zz_empty.txt"]["error"] == "文件为空"
    assert "未找到年度报告的统计表" in failed["zz_notes.txt"]["error"]
    assert failed["zz_notes.txt"]["year"] is None
    assert failed["zz_notes.txt"]["kind"] == "txt"
    assert (out / "reports" / "year=unknown").is_dir()


def test_a_file_past_the_time_limit_is_a_failed_row(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = build([SAMPLE_FILES[0]], out, jobs=1, time_limit=0.001)
    assert (result.read, result.failed) == (1, 1)
    [row] = table(out, "reports")
    assert (row["status"], row["error"]) == ("failed", "读取超时（超过 0.001 秒）")


def test_renditions_are_kept_once(built: tuple[Path, Any]) -> None:
    out, _ = built
    rows = [r for r in table(out, "reports") if r["agency"] == "忻州市审计局"]
    assert len(rows) == 1
    kinds = [(Path(r["path"]).name, r["kind"]) for r in rows[0]["renditions"]]
    assert kinds == [("003_2be53e51c8fc0eb8.txt", "txt"), ("003.html", "html")]
    assert rows[0]["renditions"][0]["sha256"] == rows[0]["report_id"]
    counted = [c for c in table(out, "cells") if c["report_id"] == rows[0]["report_id"]]
    assert len(counted) == len(nianbao.read(SAMPLE_FILES[3]).cells)


def test_rerun_skips_everything_and_force_rereads(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    first = build([corpus], out, jobs=1)
    cells = sorted_cells(out)
    again = build([corpus], out, jobs=1)
    assert (again.read, again.skipped, again.written) == (0, first.read, 0)
    assert sorted_cells(out) == cells
    forced = build([corpus], out, jobs=1, force=True)
    assert (forced.read, forced.skipped, forced.written) == (first.read, 0, first.written)
    assert forced.replaced == first.written
    assert sorted_cells(out) == cells  # replaced, not duplicated
    assert len(table(out, "reports")) == first.written


def test_changed_reader_version_rereads(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ds"
    build([SAMPLE_FILES[0], SAMPLE_FILES[1]], out, jobs=1)
    monkeypatch.setattr(build_module, "reader_version", lambda: "0.0.0+changed")
    result = build([SAMPLE_FILES[0], SAMPLE_FILES[1], SAMPLE_FILES[2]], out, jobs=1)
    assert (result.read, result.skipped, result.replaced) == (3, 0, 2)
    assert len(table(out, "reports")) == 3


def test_a_changed_file_replaces_its_report(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    shutil.copy(SAMPLE_FILES[2], src)
    out = tmp_path / "ds"
    build([src], out, jobs=1)
    text = src.read_text(encoding="utf-8")
    src.write_text(text.replace("乡宁县审计局", "吉县审计局"), encoding="utf-8")
    result = build([src], out, jobs=1)
    assert (result.read, result.replaced) == (1, 1)
    assert [r["agency"] for r in table(out, "reports")] == ["吉县审计局"]


def test_ctrl_c_leaves_a_valid_dataset_and_the_rerun_continues(
    corpus: Path, built: tuple[Path, Any], tmp_path: Path
) -> None:
    out = tmp_path / "ds"

    def interrupt(state: BuildProgress) -> None:
        if state.done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([corpus], out, jobs=2, batch_reports=2, progress=interrupt)
    files = list(out.rglob("*.parquet"))
    assert files
    assert not list(out.rglob("*.tmp"))
    assert not (out / ".build.lock").exists()
    for f in files:
        pq.read_table(f)  # every file complete
    assert len(table(out, "reports")) == 4  # the four files taken were written, buffered ones included
    rest = build([corpus], out, jobs=2)
    assert (rest.skipped, rest.read) == (4, 5)
    assert sorted_cells(out) == sorted_cells(built[0])
    assert len(table(out, "reports")) == len(table(built[0], "reports"))


def test_a_killed_build_is_repaired_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    files = [SAMPLE_FILES[2], SAMPLE_FILES[3]]
    build(files, out, jobs=1)
    cells = sorted_cells(out)
    # killed after renaming the 2023 cells into place, before the reports: orphan cells, an unfinished file
    for f in (out / "reports" / "year=2023").glob("*.parquet"):
        f.unlink()
    (out / "reports" / "year=2023" / ".part-x-0.parquet.tmp").write_bytes(b"PAR1")
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / ".build.lock").write_text(str(dead.pid))
    result = build(files, out, jobs=1)
    assert (result.read, result.skipped) == (1, 1)
    assert sorted_cells(out) == cells
    assert not list(out.rglob("*.tmp"))


def test_jobs_1_and_2_give_identical_cells(corpus: Path, built: tuple[Path, Any], tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = build([corpus], out, jobs=1)
    assert result.workers == 1
    assert sorted_cells(out) == sorted_cells(built[0])
    assert table(out, "cells") == table(built[0], "cells")  # same order too: results are taken in source order


def test_dask_local_cluster_gives_the_local_pools_cells(tmp_path: Path) -> None:
    files = SAMPLE_FILES[:4]
    local, dask = tmp_path / "local", tmp_path / "dask"
    build(files, local, jobs=2)
    result = build(files, dask, jobs=2, dask_local=True)
    assert (result.engine, result.read, result.ok) == ("dask", 4, 4)
    assert table(dask, "cells") == table(local, "cells")
    assert table(dask, "findings") == table(local, "findings")
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in table(local, "reports")]
    assert [{k: v for k, v in r.items() if k != "seconds"} for r in table(dask, "reports")] == strip


def test_cli_build_with_a_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(SAMPLE_FILES[0], folder / "a.txt")
    shutil.copy(SAMPLE_FILES[2], folder / "b.txt")
    manifest = tmp_path / "list.csv"
    manifest.write_text(
        "path,agency,year,region\nfiles/a.txt,白山市二道江区审计局,,吉林省\nfiles/b.txt,,,\n", encoding="utf-8-sig"
    )
    out = tmp_path / "ds"
    got = runner.invoke(app, ["dataset", "build", str(manifest), "-o", str(out), "--jobs", "1"])
    assert got.exit_code == 0, got.output
    assert "读取 2 个文件（成功 2，失败 0）" in got.stdout
    rows = {Path(r["path"]).name: r for r in table(out, "reports")}
    assert (rows["a.txt"]["agency"], rows["a.txt"]["region"], rows["a.txt"]["year"]) == (
        "白山市二道江区审计局",
        "吉林省",
        2024,
    )
    assert rows["a.txt"]["agency_key"] == "白山市二道江区审计局"
    assert (rows["b.txt"]["agency"], rows["b.txt"]["region"]) == ("乡宁县审计局", None)
    again = runner.invoke(app, ["dataset", "build", str(manifest), "-o", str(out), "--jobs", "1"])
    assert again.exit_code == 0
    assert "跳过已在数据集中的 2 个文件" in again.stdout


def test_cli_refuses_a_bad_manifest_and_an_empty_source(tmp_path: Path) -> None:
    manifest = tmp_path / "list.jsonl"
    manifest.write_text('{"path": "a.txt", "year": "去年"}\n', encoding="utf-8")
    got = runner.invoke(app, ["dataset", "build", str(manifest), "-o", str(tmp_path / "ds")])
    assert got.exit_code == 2
    assert "第 1 行的 year“去年”不是年份" in got.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    got = runner.invoke(app, ["dataset", "build", str(empty), "-o", str(tmp_path / "ds")])
    assert got.exit_code == 2
    assert "没有找到可读取的报告文件" in got.stderr


def test_sources_expand_folders_and_manifests(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("sub/b.pdf", "a.txt", "a.truth.json", "notes.csv", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "m.jsonl").write_text(
        '{"path": "a.txt", "agency": "某局", "year": 2023, "region": "某省"}\n\n', encoding="utf-8"
    )
    items = expand_sources([tmp_path / "m.jsonl", tmp_path])
    assert [(Path(i.path).relative_to(tmp_path).as_posix(), i.hints) for i in items] == [
        ("a.txt", Hints("某局", 2023, "某省")),
        ("sub/b.pdf", Hints()),
    ]
    (tmp_path / "bad.csv").write_text("file,agency\na.txt,x\n", encoding="utf-8")
    with pytest.raises(SourceError, match="path 列"):
        expand_sources([tmp_path / "bad.csv"])


def test_agency_key() -> None:
    assert agency_key(" 某市 财政局（本级）") == agency_key("某市财政局(本级)") == "某市财政局本级"
    assert agency_key("财政局") != agency_key("某市财政局")


def test_small_files_go_to_workers_in_chunks_and_others_alone(tmp_path: Path) -> None:
    from nianbao.dataset.engines import chunks
    from nianbao.dataset.sources import Item

    names = ["a.txt", "b.html", "c.txt", "d.pdf", "e.txt", "f.txt", "g.txt", "big.txt", "h.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"x" * (5000 if name == "big.txt" else 10))
    items = [Item(str(tmp_path / name)) for name in names]
    got = [[Path(i.path).name for i in chunk] for chunk in chunks(items, files=2, size=1000)]
    assert got == [["a.txt", "b.html"], ["c.txt"], ["d.pdf"], ["e.txt", "f.txt"], ["g.txt"], ["big.txt"], ["h.txt"]]
    assert [len(c) for c in chunks(items)] == [3, 1, 5]  # the defaults: 16 files, 512 KB


def test_a_chunk_that_fails_is_read_again_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import jobs_helpers

    monkeypatch.setattr(engines, "process_files", jobs_helpers.crash_on_chunks)
    out = tmp_path / "ds"
    result = build(SAMPLE_FILES[:3], out, jobs=1)
    assert (result.read, result.ok, result.failed) == (3, 3, 0)
    expected = build(SAMPLE_FILES[:3], tmp_path / "plain", jobs=1)
    assert expected.ok == 3
    assert sorted_cells(out) == sorted_cells(tmp_path / "plain")
