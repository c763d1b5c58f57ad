"""What `nianbao parse one.txt` costs from a cold command line, beside the bare import of the reader.

    python bench/startup.py [--runs 15] [FILE]

Runs, interleaved, `--runs` times each: ``nianbao parse FILE`` (the console script, output discarded) and
``python -c "import nianbao.read"``, each a fresh process. Prints the minimum and the median wall time of
each, the ratio of the medians (target: parse ≤ 0.6 s and ≤ 3× the import), and the heavy libraries that
``parse`` imports (from ``-X importtime``; there should be none: FastAPI, SQLAlchemy, pyarrow, DuckDB, Dask,
ReportLab, python-docx, openpyxl are imported by the commands that use them).

Always exits 0: a measurement, not a test. Other work on the machine skews it; the minimum is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = sorted((ROOT / "src" / "nianbao" / "samples").glob("*.txt"))[0]
HEAVY = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "pyarrow",
    "duckdb",
    "dask",
    "distributed",
    "reportlab",
    "docx",
    "openpyxl",
    "jinja2",
    "pdfplumber",
    "pypdfium2",
)


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def heavy_imports(cmd: list[str]) -> list[str]:
    """The top-level packages of HEAVY that `cmd` (a python command line) imports."""
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, check=True)
    seen = set()
    for line in proc.stderr.splitlines():
        if "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            seen.add(name.split(".")[0])
    return sorted(seen & set(HEAVY))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    python = sys.executable
    parse_cmd = [python, "-m", "nianbao", "parse", str(args.file)]
    script = Path(python).with_name("nianbao")
    if script.exists():
        parse_cmd = [str(script), "parse", str(args.file)]
    import_cmd = [python, "-c", "import nianbao.read"]
    _time(parse_cmd), _time(import_cmd)  # warm the page cache
    parses, imports = [], []
    for _ in range(args.runs):
        parses.append(_time(parse_cmd))
        imports.append(_time(import_cmd))
    p, i = statistics.median(parses), statistics.median(imports)
    print(f"cpus: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()[0]:.2f}, runs: {args.runs}")
    print(f"nianbao parse {args.file.name}: min {min(parses):.3f} s, median {p:.3f} s (target <= 0.6 s)")
    print(f'python -c "import nianbao.read": min {min(imports):.3f} s, median {i:.3f} s')
    print(f"ratio of the medians: {p / i:.2f}, of the minima: {min(parses) / min(imports):.2f} (target <= 3)")
    heavy = heavy_imports([python, "-m", "nianbao", "parse", str(args.file)])
    print(f"heavy libraries imported by parse: {', '.join(heavy) if heavy else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
