"""How fast `nianbao.read` reads the repository's corpus, and how much memory it takes.

    python bench/read.py [CORPUS] [--repeat N] [--json]

Every report file of the corpus (`seeds/`, `real/`; `*.json` and README.md skipped) is read once to warm
up (imports, caches), then `--repeat` times under `time.perf_counter`. A .docx is built from each seed's
truth in the official layout by tests/builders.py (tables with merged cells), so that the Word reader
is measured too; building it is not timed.

Figures per input kind (by file extension): the number of reports, the median and the max over reports of
each report's time (a report's time is the median of its repeats), for PDFs the same per page, and for the
whole run the peak resident set (`ru_maxrss`) and the peak of the Python heap (`tracemalloc`). The heap is
traced in a separate pass over the same files, one read each, because tracing slows every allocation and
would inflate the timings. A kind passes when its median report (per page for pdf) is within the target;
the max is shown beside it.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests/builders.py

from nianbao.read import read
from tests.builders import build_docx as builders_build_docx
from tests.builders import load_truth

KINDS = ("txt", "md", "html", "docx", "pdf")
EXTENSIONS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
# target in milliseconds, and what it is per
TARGETS: dict[str, tuple[float, str]] = {
    "txt": (20.0, "report"),
    "md": (20.0, "report"),
    "html": (20.0, "report"),
    "docx": (50.0, "report"),
    "pdf": (150.0, "page"),
}
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "corpus"


@dataclass
class Sample:
    """One report file and its measured reads."""

    path: Path
    name: str  # as shown: relative to the corpus, or "seeds/NAME.docx (built)"
    kind: str
    pages: int | None = None
    error: str | None = None  # the warm-up read failed: excluded from the figures
    times: list[float] = field(default_factory=list)  # seconds, one per repeat

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def per_page(self) -> float | None:
        return self.median / self.pages if self.pages else None


def find_reports(corpus: Path) -> list[Sample]:
    samples: list[Sample] = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if path.suffix.lower() == ".json" or path.name.lower() == "readme.md":
            continue
        kind = EXTENSIONS.get(path.suffix.lower())
        if kind is None:
            print(f"skipped (not a measured kind): {path.relative_to(corpus)}", file=sys.stderr)
            continue
        samples.append(Sample(path, str(path.relative_to(corpus)), kind))
    return samples


def build_docx(seed: Path, out_dir: Path, corpus: Path) -> Sample:
    """The seed report as a Word file in the official layout (real tables with merged cells)."""
    truth = load_truth(seed.with_name(seed.name.split(".")[0] + ".truth.json"))
    out = builders_build_docx(truth, out_dir / f"{seed.stem}.docx")
    name = str(seed.relative_to(corpus).with_suffix(".docx")) + " (built)"
    return Sample(out, name, "docx")


def as_markdown(sample: Sample, out_dir: Path, corpus: Path) -> Sample:
    """A copy named .md of a text report written in markdown (pipe tables), to time the md kind."""
    out = out_dir / (sample.path.stem + ".md")
    out.write_bytes(sample.path.read_bytes())
    return Sample(out, str(sample.path.relative_to(corpus).with_suffix(".md")) + " (copy)", "md")


def count_pages(path: Path) -> int:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def warm_up(samples: list[Sample]) -> None:
    for s in samples:
        try:
            read(s.path, s.name)
        except Exception as exc:  # a reader bug is reported, not raised: the run must finish
            s.error = f"{type(exc).__name__}: {exc}"


def time_reads(samples: list[Sample], repeat: int) -> None:
    for s in samples:
        if s.error:
            continue
        for _ in range(repeat):
            start = time.perf_counter()
            read(s.path, s.name)
            s.times.append(time.perf_counter() - start)


def trace_heap(samples: list[Sample]) -> tuple[float, str | None]:
    """Peak of the Python heap over one read of each file (MB), and the file that reached it."""
    peak = 0
    at: str | None = None
    tracemalloc.start()
    try:
        for s in samples:
            if s.error:
                continue
            gc.collect()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            read(s.path, s.name)
            file_peak = tracemalloc.get_traced_memory()[1] - base
            if file_peak > peak:
                peak, at = file_peak, s.name
    finally:
        tracemalloc.stop()
    return peak / 1048576, at


def max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1048576 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def summarize(samples: list[Sample]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        of_kind = [s for s in samples if s.kind == kind]
        ok = [s for s in of_kind if not s.error]
        target, unit = TARGETS[kind]
        row: dict[str, Any] = {
            "reports": len(ok),
            "errors": len(of_kind) - len(ok),
            "median_ms": None,
            "max_ms": None,
            "slowest": None,
            "target_ms": target,
            "target_per": unit,
            "pass": None,
        }
        if ok:
            slowest = max(ok, key=lambda s: s.median)
            row.update(
                median_ms=statistics.median(s.median for s in ok) * 1000,
                max_ms=slowest.median * 1000,
                slowest=slowest.name,
            )
        if kind == "pdf":
            per_page = [(s.per_page, s) for s in ok if s.per_page is not None]
            row.update(pages=sum(s.pages or 0 for s in ok), median_ms_per_page=None, max_ms_per_page=None)
            if per_page:
                row.update(
                    median_ms_per_page=statistics.median(p for p, _ in per_page) * 1000,
                    max_ms_per_page=max(p for p, _ in per_page) * 1000,
                )
        judged = row.get("median_ms_per_page") if unit == "page" else row["median_ms"]
        if judged is not None:
            row["pass"] = judged <= target
        rows[kind] = row
    return rows


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def print_table(rows: dict[str, dict[str, Any]], figures: dict[str, Any]) -> None:
    header = ("kind", "reports", "median ms", "max ms", "pages", "median ms/page", "max ms/page", "target", "")
    table: list[tuple[str, ...]] = [header]
    for kind, row in rows.items():
        mark = "n/a" if row["pass"] is None else ("PASS" if row["pass"] else "FAIL")
        reports = str(row["reports"]) + (f" (+{row['errors']} failed)" if row["errors"] else "")
        table.append(
            (
                kind,
                reports,
                _ms(row["median_ms"]),
                _ms(row["max_ms"]),
                str(row["pages"]) if "pages" in row else "",
                _ms(row["median_ms_per_page"]) if "pages" in row else "",
                _ms(row["max_ms_per_page"]) if "pages" in row else "",
                f"≤ {row['target_ms']:.0f} ms/{row['target_per']}",
                mark,
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    numeric = {1, 2, 3, 4, 5, 6}
    for i, line in enumerate(table):
        cells = [
            c.rjust(w) if j in numeric and i else c.ljust(w) for j, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print(f"corpus: {figures['corpus']}   repeats per file: {figures['repeat']} (after one warm-up read of all)")
    print(
        "a report's time is the median of its repeats; median/max are over reports; a kind passes when its "
        "median report (per page for pdf) is within the target"
    )
    for kind, row in rows.items():
        if row["slowest"]:
            print(f"slowest {kind}: {row['slowest']}")
    print(f"peak RSS (ru_maxrss, whole run): {figures['peak_rss_mb']:.1f} MB")
    print(
        f"peak Python heap (tracemalloc, one traced read per file): {figures['peak_heap_mb']:.1f} MB"
        f" ({figures['peak_heap_file']})"
    )
    for s in figures["failed"]:
        print(f"failed to read: {s['name']}: {s['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time nianbao.read over the repository's corpus, per input kind.")
    parser.add_argument(
        "corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help=f"corpus directory (default {DEFAULT_CORPUS})"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed reads of each file (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.resolve()
    repeat = max(1, args.repeat)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 0

    samples = find_reports(corpus)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        seeds = [s.path for s in samples if s.kind == "txt" and s.path.parent.name == "seeds"]
        samples += [build_docx(seed, Path(tmp), corpus) for seed in seeds]
        samples += [
            as_markdown(s, Path(tmp), corpus)
            for s in list(samples)
            if s.kind == "txt" and "\n| " in s.path.read_text(encoding="utf-8", errors="replace")
        ]
        for s in samples:
            if s.kind == "pdf":
                s.pages = count_pages(s.path)

        warm_up(samples)
        time_reads(samples, repeat)
        heap_mb, heap_file = trace_heap(samples)

    rows = summarize(samples)
    figures: dict[str, Any] = {
        "corpus": str(corpus),
        "repeat": repeat,
        "kinds": rows,
        "peak_rss_mb": max_rss_mb(),
        "peak_heap_mb": heap_mb,
        "peak_heap_file": heap_file,
        "failed": [{"name": s.name, "error": s.error} for s in samples if s.error],
        "files": [
            {
                "name": s.name,
                "kind": s.kind,
                "pages": s.pages,
                "error": s.error,
                "median_ms": s.median * 1000 if s.times else None,
                "times_ms": [t * 1000 for t in s.times],
            }
            for s in samples
        ],
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print_table(rows, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
