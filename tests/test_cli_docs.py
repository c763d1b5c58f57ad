"""docs/cli.md is generated from the command tree and kept in step with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from nianbao.cli import app
from nianbao.cli.docs import cli_markdown, main

ROOT = Path(__file__).resolve().parent.parent


def test_docs_cli_md_is_generated_from_the_commands() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_markdown(), (
        "docs/cli.md is stale: run `.venv/bin/python -m nianbao.cli.docs` in the repository root"
    )


def _paths(command: typer.core.TyperGroup | typer.core.TyperCommand, path: list[str]) -> list[list[str]]:
    found = [path]
    if isinstance(command, typer.core.TyperGroup):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            child = command.get_command(ctx, name)
            assert isinstance(child, typer.core.TyperGroup | typer.core.TyperCommand)
            found += _paths(child, [*path, name])
    return found


def test_every_command_and_option_is_documented() -> None:
    text = cli_markdown()
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    paths = _paths(root, ["nianbao"])
    assert ["nianbao", "ledger", "calendar", "load"] in paths
    for path in paths[1:]:
        assert f"# `{' '.join(path)}`" in text
    for option in ("`--version`", "`--expect-version`", "`--forwarded-allow-ips`", "`--memory-mb`", "`--fail-on`"):
        assert option in text


def test_the_text_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = cli_markdown()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("TERM", "dumb")
    assert cli_markdown() == wide


def test_main_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "cli.md"
    main([str(target)])
    assert target.read_text(encoding="utf-8") == cli_markdown()
