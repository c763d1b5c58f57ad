"""The layers import one way only (pyproject.toml [tool.importlinter]): checked on the code, and shown to catch
an arrow the wrong way on a small package laid out like nianbao."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT), "--config", str(config), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_imports_follow_the_layers() -> None:
    proc = _lint(ROOT / "pyproject.toml", ROOT, ROOT / "src")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_an_import_against_the_layers_is_caught(tmp_path: Path) -> None:
    """The same contract on a package with nianbao's layers, where `read` imports `audit` (upwards)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers: list[str] = config["contracts"][0]["layers"]
    src = tmp_path / "src" / "nianbao"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    for line in layers:
        for name in (part.strip() for part in line.split("|")):
            (src / name.removeprefix("nianbao.")).mkdir()
            (src / name.removeprefix("nianbao.") / "__init__.py").write_text("")
    (src / "audit" / "__init__.py").write_text("from nianbao import read\n")  # downwards: allowed
    (src / "read" / "__init__.py").write_text("def f():\n    from nianbao import audit\n")  # upwards, even lazily
    pyproject = tmp_path / "pyproject.toml"
    contract = "\n".join(f'  "{line}",' for line in layers)
    pyproject.write_text(
        f'[tool.importlinter]\nroot_package = "nianbao"\n\n[[tool.importlinter.contracts]]\n'
        f'name = "layers"\ntype = "layers"\nlayers = [\n{contract}\n]\n',
        encoding="utf-8",
    )
    proc = _lint(pyproject, tmp_path, tmp_path / "src")
    assert proc.returncode == 1, proc.stdout
    assert "nianbao.read -> nianbao.audit" in proc.stdout
    assert "0 kept, 1 broken" in proc.stdout
