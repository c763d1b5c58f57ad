"""`nianbao.__version__` is the installed package's version, read once from its metadata."""

from __future__ import annotations

import importlib.metadata

import pytest
from typer.testing import CliRunner

import nianbao
from nianbao.cli import app


def test_the_version_is_the_package_metadata() -> None:
    assert nianbao.__version__ == importlib.metadata.version("nianbao")
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"nianbao {nianbao.__version__}\n"


def test_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_found(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_found)
    monkeypatch.delitem(vars(nianbao), "__version__", raising=False)  # read again on the next use
    assert nianbao.__version__ == "0+unknown"


def test_other_names_are_still_missing() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = nianbao.no_such_name
