"""How the reader does on scans of every corpus report (issue #16): right, caught, silent; seconds and memory.

    python bench/ocr.py [--report NAME ...] [--dpi 150 300] [--degrade clean skew skew+jpeg+seal ...]
                        [--seed N] [--limit N] [--show K]

For every report of the corpus (`--report` keeps those whose name contains one of the strings, `--limit` the
first N), every dpi and every degradation (`tests/scans/degrade.py`; one name or several joined by "+" or ","),
the report's scan (`tests/scans/generate.py`) is written as an image-only PDF in a temporary folder and read by
`nianbao.read` in a reading process of its own (one for the whole run, so the models load once; the
generator's images are not in its memory), one read at a time. Every cell of the scan's truth (what the report's PDF
prints) is scored (`tests/scans/score.py`): RIGHT, CAUGHT (wrong, but the reader's problems or a failed /
uncertain `cells` or `arithmetic` finding of the audit name it) or SILENT (wrong and nothing says so). A scan
the reader refuses (`ReadError`, e.g. "PDF 没有文字层" before the OCR reader lands) is counted as refused and
its cells are not scored; any other exception is counted as crashed.

One line per (dpi, degradation): reports, pages, cells scored, right %, caught, silent, reports whose format /
year were read right, refused / crashed, seconds per page of the reads (median and max of the reports' wall
time; then CPU seconds a page over all the line's pages: with one OCR thread, one core's time), the reading
process's peak RSS so far (MB; `ru_maxrss`: the reader's memory, the model load included), and the seconds the
generator took per report. Then the first `--show` silent cells of each line (report, key, got, want), and the
first refusals. The OCR's threads are the reader's own: `os.cpu_count()` and `NIANBAO_OCR_THREADS` (when set)
are printed. Always exits 0: this is a measurement.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests/scans

import nianbao
from nianbao.read import ReadError
from nianbao.report import Report
from tests.forms.source import Source, corpus_sources, load_source, source_name
from tests.scans.degrade import Degradation, label, parse
from tests.scans.generate import make_scan
from tests.scans.score import ScanScore, score_scan
from tests.scans.truth import report_pdf

SINGLES = [d.value for d in Degradation]


@dataclass
class Line:
    dpi: int
    scan: str
    scores: list[ScanScore] = field(default_factory=list)
    generated: list[float] = field(default_factory=list)  # seconds to make and write each report's scan
    cpu: list[float] = field(default_factory=list)  # CPU seconds a page of each report's read (this process's)
    rss_mb: float = 0.0  # the reading process's peak RSS after the line's reads


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


@dataclass
class Read:
    """What the reading process sends back for one scan."""

    report: Report | None
    error: str | None
    seconds: float
    cpu: float  # CPU seconds of the read (the reading process's; with one OCR thread, one core's time)
    rss_mb: float  # the reading process's peak RSS so far


def read_scan(path: Path) -> Read:
    """Runs in the reading process: `nianbao.read` of one scan, timed."""
    started, cpu = time.perf_counter(), time.process_time()
    report, error = None, None
    try:
        report = nianbao.read(path)
    except ReadError as exc:
        error = f"refused: {exc.reason}"
    except Exception as exc:  # a crash is measured, not fatal
        error = f"crashed: {type(exc).__name__}: {exc}"
    return Read(report, error, time.perf_counter() - started, time.process_time() - cpu, peak_rss_mb())


def measure(
    reader: ProcessPoolExecutor, source: Source, dpi: int, degradations: tuple[Degradation, ...], seed: int, tmp: Path
) -> tuple[ScanScore, float, Read]:
    """The reader's score on one scan, the seconds the scan took to make and write, and the read's figures."""
    started = time.perf_counter()
    scan = make_scan(source, dpi, degradations, seed)
    path = scan.to_pdf(tmp / f"{source.name.replace('/', '-')}-{dpi}-{scan.name}.pdf")
    generated = time.perf_counter() - started
    try:
        read = reader.submit(read_scan, path).result()
    finally:
        path.unlink(missing_ok=True)
    return score_scan(scan, read.report, read.seconds, read.error), generated, read


HEADS = (
    ("dpi", 4),
    ("scan", 16),
    ("reports", 7),
    ("pages", 5),
    ("cells", 6),
    ("right%", 7),
    ("caught", 6),
    ("silent", 6),
    ("fmt/yr", 7),
    ("ref/crash", 9),
    ("s/pg med", 8),
    ("s/pg max", 8),
    ("cpu/pg", 6),
    ("RSS MB", 7),
    ("gen s", 6),
)


def _row(line: Line) -> str:
    scores = line.scores
    read = [s for s in scores if not s.refused]
    cells = sum(s.cells for s in read)
    right = sum(s.right for s in read)
    pct = f"{100 * right / cells:.2f}" if cells else "-"
    fmt_year = f"{sum(s.format_right for s in read)}/{sum(s.year_right for s in read)}"
    refused = sum(1 for s in scores if s.error and s.error.startswith("refused"))
    crashed = sum(1 for s in scores if s.error and s.error.startswith("crashed"))
    per_page = [s.seconds / s.pages for s in scores if s.pages]
    med = f"{statistics.median(per_page):.3f}" if per_page else "-"
    worst = f"{max(per_page):.3f}" if per_page else "-"
    gen = f"{statistics.mean(line.generated):.2f}" if line.generated else "-"
    pages = sum(s.pages for s in scores)
    cpu = f"{sum(c * s.pages for c, s in zip(line.cpu, scores, strict=True)) / pages:.2f}" if pages else "-"
    values = (
        line.dpi,
        line.scan,
        len(scores),
        sum(s.pages for s in scores),
        cells,
        pct,
        sum(s.caught for s in read),
        sum(len(s.silent) for s in read),
        fmt_year,
        f"{refused}/{crashed}",
        med,
        worst,
        cpu,
        f"{line.rss_mb:.0f}",
        gen,
    )
    return " ".join(
        f"{v!s:<{w}}" if i == 1 else f"{v!s:>{w}}" for i, (v, (_, w)) in enumerate(zip(values, HEADS, strict=True))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", dest="reports", action="append", help="only reports whose name contains this")
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300], help="resolutions (default 150 300)")
    parser.add_argument(
        "--degrade", nargs="+", default=SINGLES, help=f"scans: each one of {', '.join(SINGLES)}, or several joined by +"
    )
    parser.add_argument("--seed", type=int, default=0, help="the generator's seed (0: the canonical scans)")
    parser.add_argument("--limit", type=int, help="only the first N reports")
    parser.add_argument("--show", type=int, default=5, help="silent cells listed per line")
    args = parser.parse_args(argv)
    try:
        combos = [parse(d) for d in args.degrade]
    except ValueError as exc:
        parser.error(str(exc))

    started = time.perf_counter()
    paths = [p for p in corpus_sources() if not args.reports or any(r in source_name(p) for r in args.reports)]
    sources = [load_source(p) for p in paths][: args.limit]
    for source in sources:
        report_pdf(source)  # render each report's PDF once, outside the measured lines
    threads = os.environ.get("NIANBAO_OCR_THREADS")
    print(f"reader on scans of {len(sources)} corpus reports (seed {args.seed})")
    print(
        f"os.cpu_count() = {os.cpu_count()}"
        + (f", NIANBAO_OCR_THREADS = {threads}" if threads else ", NIANBAO_OCR_THREADS not set")
        + f"; the bench's own peak RSS before the reads {peak_rss_mb():.0f} MB"
    )
    print(" ".join(f"{h:<{w}}" if i == 1 else f"{h:>{w}}" for i, (h, w) in enumerate(HEADS)))
    lines: list[Line] = []
    reader = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    with reader, tempfile.TemporaryDirectory(prefix="nianbao-bench-ocr-") as tmp:
        for dpi in args.dpi:
            for combo in combos:
                line = Line(dpi, label(combo))
                for source in sources:
                    score, generated, read = measure(reader, source, dpi, combo, args.seed, Path(tmp))
                    line.scores.append(score)
                    line.generated.append(generated)
                    line.cpu.append(read.cpu / score.pages if score.pages else 0.0)
                    line.rss_mb = max(line.rss_mb, read.rss_mb)
                lines.append(line)
                print(_row(line), flush=True)

    for line in lines:
        silent = [(s.source, w) for s in line.scores for w in s.silent]
        errors = [s for s in line.scores if s.error]
        if not silent and not errors:
            continue
        print(f"\n{line.dpi} dpi {line.scan}: {len(silent)} silent" + (f", {len(errors)} not read" if errors else ""))
        for src, w in silent[: args.show]:
            print(f"  {src:<30} {w.key:<55} got {w.got!s:<10} want {w.want!s}")
        for s in errors[: args.show]:
            print(f"  {s.source:<30} {s.error}")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
