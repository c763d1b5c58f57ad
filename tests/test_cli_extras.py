"""A command whose optional dependencies are not installed says which extra to install: one line, exit 1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.cli.common import EXTRAS, missing_extra, requires

runner = CliRunner()


def test_dataset_query_without_duckdb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # as if `pip install nianbao` without [dataset]
    result = runner.invoke(app, ["dataset", "query", str(tmp_path), "SELECT 1"])
    assert result.exit_code == 1
    assert result.stderr == "需要安装可选依赖：pip install 'nianbao[dataset]'\n"
    assert "Traceback" not in result.output


def test_serve_without_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert result.stderr == "需要安装可选依赖：pip install 'nianbao[web]'\n"


def test_which_extra_brings_a_module() -> None:
    def missing(name: str) -> ModuleNotFoundError:
        return ModuleNotFoundError(f"No module named '{name}'", name=name)

    assert missing_extra(missing("sqlalchemy.orm"), ("ledger", "pg")) == "ledger"
    assert missing_extra(missing("psycopg"), ("ledger", "pg")) == "pg"
    assert missing_extra(missing("sqlalchemy"), ("web", "pg")) == "web"  # the web app runs on the ledger
    assert missing_extra(missing("distributed"), ("dataset", "dask")) == "dask"
    assert missing_extra(missing("yaml"), ("dataset",)) is None
    assert set(EXTRAS) == {"ledger", "pg", "web", "dataset", "dask", "fetch"}
    assert missing_extra(missing("httpx"), ("fetch",)) == "fetch"


def test_another_missing_module_is_not_hidden() -> None:
    @requires("dataset")
    def command() -> None:
        import nianbao_no_such_module  # type: ignore[import-not-found]  # noqa: F401

    with pytest.raises(ModuleNotFoundError):
        command()


def test_help_needs_no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("sqlalchemy", "fastapi", "uvicorn", "pyarrow", "duckdb", "dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)
    for command in (["ledger", "add", "--help"], ["dataset", "build", "--help"], ["serve", "--help"]):
        assert runner.invoke(app, command).exit_code == 0
