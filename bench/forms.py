"""How the reader does on real-world forms of every corpus report (issue #15): right, uncertain, confidently wrong.

    python bench/forms.py [--class X ...] [--report NAME ...] [--seed N] [--show K]

For every report of the corpus (renditions sharing a truth file counted once) and every class of
`tests/forms/generate.py` (`clean` is the control: the official markdown), the report's generated form is
read by `nianbao.read` and every cell of its truth is scored (`tests/forms/score.py`): RIGHT (the truth's
value; blank = None), UNCERTAIN (not right, but the reader returned None or its problems / the audit's
`cells` findings name the cell), CONFIDENTLY WRONG (a value that is not the truth's and nothing flags it).

One line per class: reports, cells, right %, uncertain, confidently wrong, the reports whose format / year
/ agency were read right, files refused; then the first `--show` confidently-wrong cells of each class
(report, key, got, want). `--report` matches a report's name (`real/r001`, `r001`, a substring).
Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests/forms

from tests.forms.generate import CLASSES
from tests.forms.score import Score, score
from tests.forms.source import corpus_sources, load_source, source_name


def _row(name: str, scores: list[Score]) -> str:
    cells = sum(s.cells for s in scores)
    right = sum(s.right for s in scores)
    uncertain = sum(s.uncertain for s in scores)
    wrong = sum(len(s.wrong) for s in scores)
    pct = f"{100 * right / cells:6.2f}" if cells else "     -"
    meta = "/".join(str(sum(getattr(s, f) for s in scores)) for f in ("format_right", "year_right", "agency_right"))
    refused = sum(1 for s in scores if s.error)
    return f"{name:<15} {len(scores):>7} {cells:>6} {pct:>7} {uncertain:>9} {wrong:>6}  {meta:>8} {refused:>7}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="classes", action="append", choices=list(CLASSES), help="only this class")
    parser.add_argument("--report", dest="reports", action="append", help="only reports whose name contains this")
    parser.add_argument("--seed", type=int, default=0, help="the generators' seed (0: the canonical forms)")
    parser.add_argument("--show", type=int, default=5, help="confidently-wrong cells listed per class")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    paths = [p for p in corpus_sources() if not args.reports or any(r in source_name(p) for r in args.reports)]
    sources = [load_source(p) for p in paths]
    names = args.classes or list(CLASSES)
    results: dict[str, list[Score]] = {}
    for name in names:
        scores = [s for s in (score(src, CLASSES[name], args.seed) for src in sources) if s is not None]
        results[name] = scores

    print(f"reader on generated forms of {len(sources)} corpus reports (seed {args.seed})")
    heads = ("reports", "cells", "right%", "uncertain", "WRONG", "fmt/yr/ag", "refused")
    print(f"{'class':<15} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, (7, 6, 7, 9, 6, 9, 7), strict=True)))
    for name, scores in results.items():
        print(_row(name, scores))
    for name, scores in results.items():
        wrong = [(s.source, w) for s in scores for w in s.wrong]
        refused = [s for s in scores if s.error]
        if not wrong and not refused:
            continue
        print(f"\n{name}: {len(wrong)} confidently wrong" + (f", {len(refused)} refused" if refused else ""))
        by_report: dict[str, int] = {}
        for src, _ in wrong:
            by_report[src] = by_report.get(src, 0) + 1
        if by_report:
            print("  per report: " + ", ".join(f"{r} {n}" for r, n in by_report.items()))
        for src, w in wrong[: args.show]:
            print(f"  {src:<30} {w.key:<55} got {w.got!s:<10} want {w.want!s}")
        for s in refused[: args.show]:
            print(f"  {s.source:<30} refused: {s.error}")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
