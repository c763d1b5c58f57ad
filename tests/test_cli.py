"""The `nianbao` command line, in process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nianbao.cli import app
from tests.conftest import SAMPLES

runner = CliRunner()
SEED = str(SAMPLES / "003_2be53e51c8fc0eb8.txt")


def test_parse_jsonl_prints_the_exchange_shape_with_the_file_as_given() -> None:
    result = runner.invoke(app, ["parse", "--output", "jsonl", SEED])
    assert result.exit_code == 0
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == {"file", "format", "year", "agency", "cells"}
    assert (obj["file"], obj["format"], obj["year"], obj["agency"]) == (SEED, "2021", 2023, "忻州市审计局")
    assert len(obj["cells"]) == 200
    assert obj["cells"]["applications.new.total"] == 0


def test_parse_json_is_one_array_and_full_adds_provenance() -> None:
    seed_002 = str(SAMPLES / "002_0443c703299bd9d2.txt")
    result = runner.invoke(app, ["parse", "--output", "json", "--full", SEED, seed_002])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["year"] for d in data] == [2023, 2020]
    printed = data[1]["printed"]["active.procurement.amount"]
    assert printed["printed"] == "15万元"
    assert printed["location"]["line"] > 0
    assert data[1]["sections"][2]["heading"] == "收到和处理政府信息公开申请情况"


def test_parse_a_folder_and_table_output() -> None:
    result = runner.invoke(app, ["parse", "--output", "table", str(SAMPLES)])
    assert result.exit_code == 0
    assert "忻州市审计局" in result.stdout
    assert "乡宁县审计局" in result.stdout


def test_a_failed_file_does_not_stop_the_run_and_sets_the_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(bad), SEED])
    assert result.exit_code == 1
    assert f"{bad}: 文件为空" in result.stderr
    assert json.loads(result.stdout.strip())["agency"] == "忻州市审计局"


def test_summary_defaults_to_the_packaged_samples() -> None:
    result = runner.invoke(app, ["summary"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for agency in ("二道江区审计局", "二道江区机关事务管理局", "乡宁县审计局", "忻州市审计局", "南开区审计局"):
        assert agency in result.stdout
    assert "0/200" in result.stdout  # 001 prints every cell empty


def test_no_files_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path)])
    assert result.exit_code == 2
    assert "没有找到" in result.stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("nianbao ")
