"""What `nianbao dataset build` costs at scale: parallel speed-up, Dask equality, memory at 2,000 vs 20,000.

    python bench/batch.py [--n 2000] [--skip-20k] [--pdf-share 0.05] [--corpus DIR] [--keep]

Builds a synthetic corpus of `--n` reports (and 20,000 unless `--skip-20k`): copies of real reports with a
distinct agency name written into each (the packaged samples, and the pages and texts of the repository's
`corpus/real/`; the html files are those pages), and a share of PDFs rendered from them
(`nianbao.render.render_bytes`, the agency replaced). Then, each build in a fresh process
(``python bench/batch.py --child …``, so that its memory is its own):

- ``--jobs 1`` and ``--jobs 2`` on the N reports: files per second and the ratio (target ≥ 1.7 on 2 cores);
- the per-file worker time by kind (the `seconds` of the ``--jobs 1`` run's `reports` rows) and, from it and the
  measured ratio, the wall time of 100,000 reports on 16 cores for three mixes of PDFs (stated on each line);
- a Dask LocalCluster (2 processes) on the N reports: whether its ``cells`` rows equal the local pool's;
- peak RSS of the build at N and at 20,000 reports (``--jobs 2``): the build process's own peak (VmHWM), the
  peak of the sum over its process tree (sampled with psutil every 0.1 s), and their ratios (target ≤ 1.3).
  (Not ``wait4``'s maxrss: a child forked from this process counts this process's pages until it execs.)

One line per figure. Always exits 0: this is a measurement, not a test. Other work on the machine skews it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "nianbao" / "samples"
CORPUS = ROOT / "corpus"
_DIGITS = "安平永和兴宁昌盛泰康"  # agency prefixes: the index in these ten characters


# ---------------------------------------------------------------------------------------------
# The synthetic corpus
# ---------------------------------------------------------------------------------------------


def _code(i: int) -> str:
    text = "".join(_DIGITS[int(d)] for d in str(i))
    return text + "新区"


@dataclasses.dataclass
class _Base:
    kind: str
    text: str
    agency: str
    report: Any


def _bases() -> list[_Base]:
    import nianbao

    files = sorted(SAMPLES.glob("*.txt"))
    files += sorted((CORPUS / "real").glob("*.html")) + sorted((CORPUS / "real").glob("*.txt"))
    out: list[_Base] = []
    for f in files:
        report = nianbao.read(f)
        if not report.agency:
            continue
        text = f.read_text(encoding="utf-8")
        if report.agency not in text:
            continue
        out.append(_Base(report.kind, text, report.agency, report))
    return out


def _render_pdf(args: tuple[Any, str, str]) -> None:
    from nianbao.render import render_bytes

    report, agency, path = args
    Path(path).write_bytes(render_bytes(dataclasses.replace(report, agency=agency), "pdf"))


def make_corpus(dest: Path, n: int, pdf_share: float) -> Path:
    """`n` reports in `dest` (kept between runs: a complete corpus is reused)."""
    done = dest / ".complete"
    if done.exists() and done.read_text() == f"{n} {pdf_share}":
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    bases = _bases()
    pdf_every = round(1 / pdf_share) if pdf_share > 0 else 0
    pdfs: list[tuple[Any, str, str]] = []
    for i in range(n):
        base = bases[i % len(bases)]
        agency = _code(i) + base.agency
        folder = dest / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        if pdf_every and i % pdf_every == pdf_every - 1:
            pdfs.append((base.report, agency, str(folder / f"r{i:06d}.pdf")))
            continue
        suffix = ".html" if base.kind == "html" else ".txt"
        (folder / f"r{i:06d}{suffix}").write_text(base.text.replace(base.agency, agency), encoding="utf-8")
    if pdfs:
        import multiprocessing

        with multiprocessing.get_context("forkserver").Pool(os.cpu_count() or 1) as pool:
            pool.map(_render_pdf, pdfs, chunksize=8)
    done.write_text(f"{n} {pdf_share}")
    return dest


# ---------------------------------------------------------------------------------------------
# One build in a child process
# ---------------------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    import resource

    from nianbao.dataset.build import build

    result = build([args.corpus], args.out, jobs=args.jobs, dask_local=args.dask)
    own = resource.getrusage(resource.RUSAGE_SELF)
    hwm = next(
        (
            int(line.split()[1])
            for line in Path("/proc/self/status").read_text().splitlines()
            if line.startswith("VmHWM:")
        ),
        0,
    )
    print(
        json.dumps(
            {
                "read": result.read,
                "ok": result.ok,
                "failed": result.failed,
                "merged": result.merged,
                "written": result.written,
                "seconds": result.seconds,
                "rate": result.rate,
                "parent_cpu": own.ru_utime + own.ru_stime,
                "hwm_mb": hwm / 1024,
            }
        )
    )
    return 0


def run_build(corpus: Path, out: Path, jobs: int, *, dask: bool = False) -> dict[str, Any]:
    """A build in a fresh process: its result, wall time and peak memory."""
    import psutil

    shutil.rmtree(out, ignore_errors=True)
    load = os.getloadavg()[0]
    cmd = [sys.executable, __file__, "--child", "--corpus", str(corpus), "--out", str(out), "--jobs", str(jobs)]
    if dask:
        cmd.append("--dask")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak_tree = 0
    cpu: dict[int, float] = {}  # pid → CPU seconds last seen (the build process, the fork server, the workers)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            total = 0
            try:
                members = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            except psutil.Error:
                members = [root]
            for p in members:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
            peak_tree = max(peak_tree, total)
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status = os.waitpid(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    wall = time.perf_counter() - started
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"build failed (exit {proc.returncode}): {output[-2000:]}")
    data: dict[str, Any] = json.loads(lines[-1])
    data.update(
        wall=wall,
        tree_mb=peak_tree / 1024 / 1024,
        load=load,
        others_cpu=sum(v for pid, v in cpu.items() if pid != proc.pid),
    )
    return data


def _memory(run: dict[str, Any]) -> str:
    return (
        f"build process {run['hwm_mb']:.0f} MB (its VmHWM), process tree {run['tree_mb']:.0f} MB (sum over the "
        f"build and its workers, sampled every 0.1 s)"
    )


def cells_rows(out: Path) -> list[tuple[Any, ...]]:
    import pyarrow.dataset as ds

    table = ds.dataset(out / "cells", format="parquet").to_table()
    columns = [table[c].to_pylist() for c in ("report_id", "year", "key", "value", "blank", "printed", "provenance")]
    return sorted(zip(*columns, strict=True), key=repr)


def per_file_costs(out: Path) -> dict[str, float]:
    """From a build's `reports` rows (its `seconds`: reading and checking one file in a worker): the mean
    seconds per text or html file, per PDF, per PDF page, and the mean pages of a PDF."""
    import pyarrow.dataset as ds

    table = ds.dataset(out / "reports", format="parquet").to_table(columns=["kind", "pages", "seconds"])
    rows = table.to_pylist()
    text = [r["seconds"] for r in rows if r["kind"] in ("txt", "html")]
    pdfs = [r for r in rows if r["kind"] == "pdf" and r["pages"]]
    pages = sum(r["pages"] for r in pdfs)
    return {
        "text": sum(text) / len(text) if text else 0.0,
        "pdf": sum(r["seconds"] for r in pdfs) / len(pdfs) if pdfs else 0.0,
        "pdf_page": sum(r["seconds"] for r in pdfs) / pages if pages else 0.0,
        "pages": pages / len(pdfs) if pdfs else 0.0,
    }


def projection(
    costs: dict[str, float],
    parent_s: float,
    ratio: float,
    *,
    n: int = 100_000,
    cores: int = 16,
    pdf_share: float = 0.5,
    pages: float = 8.0,
) -> str:
    """The wall time of `n` reports on `cores` cores, from the measured per-file costs and the measured scaling
    (the 2-core efficiency ratio/2 assumed to hold at `cores`; the build process, one core, as a ceiling)."""
    per_file = (1 - pdf_share) * costs["text"] + pdf_share * pages * costs["pdf_page"]
    efficiency = min(1.0, ratio / 2)
    workers_s = n * per_file / (cores * efficiency)
    parent_total = n * parent_s  # the build process takes every result on one core
    wall = max(workers_s, parent_total)
    return (
        f"projection: {n:,} reports on {cores} cores, {pdf_share:.0%} PDFs of {pages:g} pages: "
        f"{wall / 60:.0f} min (workers {workers_s / 60:.0f} min at {efficiency:.0%} parallel efficiency; "
        f"the build process alone {parent_total / 60:.1f} min)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--skip-20k", action="store_true")
    parser.add_argument("--big", type=int, default=20_000, help=argparse.SUPPRESS)
    parser.add_argument("--pdf-share", type=float, default=0.05)
    parser.add_argument("--corpus", type=Path, default=None, help="where the synthetic corpora are kept")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and datasets")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dask", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    work = args.corpus or Path(tempfile.mkdtemp(prefix="nianbao-bench-batch-"))
    try:
        print(f"cpus: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()[0]:.2f}", flush=True)
        started = time.perf_counter()
        small = make_corpus(work / f"corpus-{args.n}", args.n, args.pdf_share)
        pdfs = len(list(small.rglob("*.pdf")))
        print(f"corpus of {args.n} reports ({pdfs} pdf) made in {time.perf_counter() - started:.1f} s", flush=True)

        one = run_build(small, work / "out-j1", 1)
        print(
            f"--jobs 1: {one['read']} files ({one['ok']} ok, {one['failed']} failed, {one['merged']} merged) "
            f"in {one['seconds']:.1f} s: {one['rate']:.1f} files/s (load average before: {one['load']:.2f}; "
            f"build process CPU {one['parent_cpu'] * 1000 / one['read']:.1f} ms/file)",
            flush=True,
        )
        two = run_build(small, work / "out-j2", 2)
        print(
            f"--jobs 2: {two['read']} files in {two['seconds']:.1f} s: {two['rate']:.1f} files/s "
            f"(load average before: {two['load']:.2f})",
            flush=True,
        )
        print(f"throughput ratio --jobs 2 / --jobs 1: {two['rate'] / one['rate']:.2f} (target >= 1.7)", flush=True)
        parent = one["parent_cpu"] / one["read"]
        worker = one["others_cpu"] / one["read"]
        print(
            f"CPU per file (--jobs 1, sampled): workers {worker * 1000:.1f} ms, build process "
            f"{parent * 1000:.1f} ms; a CPU-bound 2-core ratio would be 2W/(W+P) = "
            f"{2 * worker / (worker + parent):.2f} "
            f"(an estimate from CPU times, not a measurement)",
            flush=True,
        )
        costs = per_file_costs(work / "out-j1")
        print(
            f"per-file worker time (--jobs 1): text/html {costs['text'] * 1000:.1f} ms, PDF "
            f"{costs['pdf'] * 1000:.0f} ms ({costs['pages']:.1f} pages, {costs['pdf_page'] * 1000:.0f} ms a page)",
            flush=True,
        )
        for share, pages in ((args.pdf_share, costs["pages"] or 1.0), (0.5, 8.0), (0.9, 12.0)):
            print(projection(costs, parent, two["rate"] / one["rate"], pdf_share=share, pages=pages), flush=True)
        same_local = cells_rows(work / "out-j1") == cells_rows(work / "out-j2")
        print(f"cells rows --jobs 1 == --jobs 2: {same_local}", flush=True)
        dask = run_build(small, work / "out-dask", 2, dask=True)
        same = cells_rows(work / "out-dask") == cells_rows(work / "out-j2")
        print(
            f"dask LocalCluster (2 processes): {dask['rate']:.1f} files/s; cells rows equal to the local pool's: "
            f"{same}",
            flush=True,
        )
        print(f"peak RSS at {args.n}: {_memory(two)}", flush=True)
        if not args.skip_20k:
            started = time.perf_counter()
            big = make_corpus(work / f"corpus-{args.big}", args.big, args.pdf_share)
            print(f"corpus of {args.big} reports made in {time.perf_counter() - started:.1f} s", flush=True)
            large = run_build(big, work / "out-big", 2)
            print(
                f"--jobs 2 at {args.big}: {large['read']} files in {large['seconds']:.1f} s: "
                f"{large['rate']:.1f} files/s",
                flush=True,
            )
            print(f"peak RSS at {args.big}: {_memory(large)}", flush=True)
            print(
                f"peak RSS ratio {args.big} / {args.n}: build process {large['hwm_mb'] / two['hwm_mb']:.2f}, "
                f"process tree {large['tree_mb'] / two['tree_mb']:.2f} (target <= 1.3)",
                flush=True,
            )
    finally:
        if not args.keep and args.corpus is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
