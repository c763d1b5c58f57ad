"""How long `nianbao check` takes on hostile files: each must end in at most 5 s with one line.

    python bench/hostile.py [--cells 200000] [--depth 200000] [--digits 200000]

Builds in a temporary folder: an HTML page of one table row of `--cells` cells (2 MB at 200,000), the same
row as tab-separated text and as a markdown pipe row, `--depth` nested <div> elements, a digit run of
`--digits` digits after a row label, a text file named .pdf, random bytes named .pdf and UTF-16 text without
a byte-order mark. Runs `nianbao check` on each in a fresh process (wall time includes start-up) and prints
seconds, peak memory of the child, the exit code and the line it printed. PASS when every file ends in ≤ 5 s
with exit 1 or 2 and no traceback.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_S = 5.0
TITLE = "某局2025年政府信息公开工作年度报告"
LABEL = "本年新收政府信息公开申请数量"


def build(folder: Path, cells: int, depth: int, digits: int) -> list[Path]:
    files = {
        "wide-row.html": f"<html><body><p>{TITLE}</p><table><tr><td>{LABEL}</td>"
        + "<td>1</td>" * cells
        + "</tr></table></body></html>",
        "wide-row.txt": f"{TITLE}\n{LABEL}\t" + "\t".join(["1"] * cells),
        "wide-row.md": f"# {TITLE}\n| {LABEL} |" + " 1 |" * cells + "\n",
        "deep.html": "<html><body>" + "<div>" * depth + LABEL + "</div>" * depth + "</body></html>",
        "digit-run.txt": f"{TITLE}\n三、收到和处理政府信息公开申请情况\n一、{LABEL}" + "1" * digits + "\n",
        "text-named.pdf": f"{TITLE}\n这不是 PDF。\n",
    }
    out = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    noise = folder / "random.pdf"
    noise.write_bytes(random.Random(0).randbytes(1 << 20))
    utf16 = folder / "utf16-no-bom.txt"
    utf16.write_bytes(f"{TITLE}\n一、总体情况\n".encode("utf-16-le"))
    return [*out, noise, utf16]


def run(command: list[str]) -> tuple[int, float, str, str]:
    """Exit code, peak resident memory (MB) of that one child, its stdout and stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return child.returncode, usage.ru_maxrss / 1024, out.read().decode(), err.read().decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=200_000)
    parser.add_argument("--depth", type=int, default=200_000)
    parser.add_argument("--digits", type=int, default=200_000)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp), args.cells, args.depth, args.digits)
        print(f"{'file':22} {'MB':>5} {'s':>6} {'peak MB':>8} exit  message (wall time includes start-up)")
        for path in files:
            started = time.perf_counter()
            code, peak, stdout, stderr = run([sys.executable, "-m", "nianbao", "check", str(path)])
            took = time.perf_counter() - started
            lines = (stderr.strip() or stdout.strip()).splitlines()
            good = took <= LIMIT_S and code in (1, 2) and "Traceback" not in stderr
            ok &= good
            size = path.stat().st_size / 1e6
            first = lines[0] if lines else ""
            message = first.split(": ", 2)[-1] if first.startswith("nianbao: ") else first
            verdict = "" if good else "FAIL "
            print(f"{path.name:22} {size:5.1f} {took:6.2f} {peak:8.0f} {code:4}  {verdict}{message[:90]}")
    print("PASS: every hostile file ends in ≤ 5 s with one line" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
