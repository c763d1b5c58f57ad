"""The package's public functions stay functions when their namesake subpackages are imported."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SAMPLES


def test_read_and_render_stay_callable_after_their_subpackages_are_imported() -> None:
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    code = (
        "import nianbao, nianbao.render.md, nianbao.render.check_page, nianbao.read.values\n"
        f"report = nianbao.read({str(sample)!r})\n"
        "out = nianbao.render(report, to='md', force=True)\n"
        "print(callable(nianbao.read), callable(nianbao.render), out.data.decode('utf-8').splitlines()[0])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    read_ok, render_ok, title = proc.stdout.split(" ", 2)
    assert (read_ok, render_ok) == ("True", "True")
    assert "政府信息公开工作年度报告" in title
