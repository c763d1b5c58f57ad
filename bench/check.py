"""How long `nianbao.check` takes per report, beyond reading it.

    python bench/check.py [CORPUS] [--repeat N]

Every report of the corpus (by default the repository's `corpus/`) and the packaged samples is read once;
then each is checked `--repeat` times (default 20) with every rule, the cross-year rules included by pairing
each report with the previous year's report of the same agency when the corpus has one (else with itself,
relabelled as the year before, so the similarity measure runs on a full text). Prints the median and max per
report and the target (≤ 10 ms). Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import nianbao
from nianbao.report import Report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "corpus"
TARGET_MS = 10.0
SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}


def reports(corpus: Path) -> list[Report]:
    files = sorted(p for p in corpus.rglob("*") if p.suffix in SUFFIXES and p.name != "README.md")
    files += sorted((ROOT / "src" / "nianbao" / "samples").iterdir())
    return [nianbao.read(p) for p in files]


def previous_of(report: Report, pool: list[Report]) -> Report:
    for other in pool:
        if (
            other.year == (report.year or 0) - 1
            and other.agency
            and report.agency
            and (other.agency in report.agency or report.agency in other.agency)
        ):
            return other
    twin = copy.copy(report)
    twin.year = (report.year or 2000) - 1
    return twin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 0
    pool = reports(args.corpus)
    per_report: list[tuple[float, str]] = []
    for report in pool:
        previous = previous_of(report, pool)
        nianbao.check(report, previous)  # warm-up
        times = []
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            nianbao.check(report, previous)
            times.append(time.perf_counter() - start)
        per_report.append((statistics.median(times) * 1000, report.file))
    median = statistics.median(t for t, _ in per_report)
    worst, worst_file = max(per_report)
    mark = "PASS" if median <= TARGET_MS else "FAIL"
    print(
        f"reports {len(per_report)}  check median {median:.2f} ms  max {worst:.2f} ms ({Path(worst_file).name})"
        f"  target ≤ {TARGET_MS:.0f} ms/report  {mark}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
