"""How long rendering takes per report, for each output kind.

    python bench/render.py [--repeat N]

The packaged sample reports (both formats) are read once, then each is rendered `--repeat` times
(default 5) in every kind, after one warm-up render. Prints the median and max per report beside
the targets (docx ≤ 100 ms, html ≤ 20 ms, pdf ≤ 1.5 s; md has none). Rendering alone is timed: the
audit that `render()` runs first is measured by bench/check.py. Always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nianbao
from nianbao.render import KINDS, render_bytes

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
TARGETS_MS = {"docx": 100.0, "html": 20.0, "pdf": 1500.0, "md": None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    reports = [nianbao.read(p) for p in sorted(SAMPLES.iterdir())]
    print(f"{'kind':5} {'reports':>7} {'median ms':>10} {'max ms':>8}  target")
    for kind in KINDS:
        per_report = []
        for report in reports:
            render_bytes(report, kind)  # warm-up: imports, fonts
            times = []
            for _ in range(max(1, args.repeat)):
                start = time.perf_counter()
                render_bytes(report, kind)
                times.append(time.perf_counter() - start)
            per_report.append(statistics.median(times) * 1000)
        median, worst = statistics.median(per_report), max(per_report)
        target = TARGETS_MS[kind]
        verdict = "—" if target is None else f"≤ {target:.0f} ms  {'PASS' if median <= target else 'FAIL'}"
        print(f"{kind:5} {len(per_report):>7} {median:>10.1f} {worst:>8.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
