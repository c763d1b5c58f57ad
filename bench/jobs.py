"""What the job pool costs: worker start, per-job overhead, the memory a worker needs, the time to kill a runaway.

    python bench/jobs.py [--jobs N] [--workers N] [FILE ...]

Prints, for a pool of `--workers` workers:

- the first job (starts this process's fork server, which imports the readers once, then forks a worker);
- a trivial job (``os.getpid``) run `--jobs` times in a row, and the same spread over the workers by `submit`:
  milliseconds per job, i.e. the pool's overhead (pickling, the pipe, a thread hand-off);
- a job that never returns with a 1 s limit: how long after the limit `JobTimeout` is raised, and how long
  the next job (on a freshly forked worker) takes;
- for each FILE (default: a packaged sample, and the PDFs and a web page of the repository's `corpus/`):
  the read in the pool and in this process, and the worker's address space after reading it (peak VmPeak,
  what RLIMIT_AS bounds) and resident peak (VmHWM), each file in a fresh worker.

Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: workers import tests.jobs_helpers

from nianbao.jobs import DEFAULT_MEMORY_MB, JobTimeout, WorkerPool, read_upload
from tests import jobs_helpers

ROOT = Path(__file__).resolve().parents[1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def default_files() -> list[Path]:
    files = sorted((ROOT / "src" / "nianbao" / "samples").glob("*.txt"))[:1]
    real = ROOT / "corpus" / "real"
    return files + sorted(real.glob("*.pdf")) + sorted(real.glob("*.html"))[:1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with WorkerPool(args.workers, time_limit=30) as pool:
        started = time.perf_counter()
        pool.run(os.getpid)
        print(f"first job (fork server + preload + worker)   {_ms(time.perf_counter() - started)}")
        started = time.perf_counter()
        pool.run(os.getpid)
        print(f"second job                                   {_ms(time.perf_counter() - started)}")

        times = []
        for _ in range(args.jobs):
            started = time.perf_counter()
            pool.run(os.getpid)
            times.append(time.perf_counter() - started)
        print(
            f"trivial job, in a row: median                {_ms(statistics.median(times))}"
            f"   (max {statistics.fmean(sorted(times)[-5:]) * 1000:.1f} ms over the slowest 5)"
        )
        started = time.perf_counter()
        futures = [pool.submit(os.getpid) for _ in range(args.jobs)]
        pids = {f.result() for f in futures}
        elapsed = time.perf_counter() - started
        print(
            f"trivial job, {args.jobs} submitted at once: per job      {_ms(elapsed / args.jobs)}"
            f"   ({len(pids)} worker processes)"
        )

        started = time.perf_counter()
        with contextlib.suppress(JobTimeout):
            pool.run(jobs_helpers.loop_forever, time_limit=1.0)
        print(f"runaway job, 1 s limit: raised after         {_ms(time.perf_counter() - started)}")
        started = time.perf_counter()
        pool.run(os.getpid)
        print(f"next job (a fresh worker is forked)          {_ms(time.perf_counter() - started)}")

    files = args.files or default_files()
    if files:
        print(f"\nreads (memory limit {DEFAULT_MEMORY_MB} MiB; VmPeak is what it bounds)")
    for path in files:
        content = path.read_bytes()
        with WorkerPool(1, time_limit=60) as pool:
            idle = pool.run(jobs_helpers.worker_memory)
            started = time.perf_counter()
            kind, memory = pool.run(jobs_helpers.read_and_measure, path.name, content)
            first = time.perf_counter() - started
            started = time.perf_counter()
            pool.run(read_upload, path.name, content)
            again = time.perf_counter() - started
        started = time.perf_counter()
        read_upload(path.name, content)
        here = time.perf_counter() - started
        print(
            f"{path.name:28} {len(content) / 1024:7.0f} kB  {kind:11}  pool {again * 1000:7.1f} ms "
            f"(first {first * 1000:.1f})  in process {here * 1000:7.1f} ms   worker VmPeak {idle['VmPeak']} → "
            f"{memory['VmPeak']} MiB, VmHWM {memory['VmHWM']} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
