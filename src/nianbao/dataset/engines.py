"""The engines of `nianbao.dataset.build`: the local worker pool and a Dask cluster, each giving every file's
rows in the order of the sources with a bounded number of jobs in flight."""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from itertools import islice
from typing import Any, Protocol

from nianbao.dataset.rows import FileRows, failed_rows, process_file, process_files
from nianbao.dataset.sources import Item, kind_of

__all__ = ["BuildError", "DaskRunner", "LocalRunner", "Runner", "chunks", "default_jobs"]

ROWS_MODULE = "nianbao.dataset.rows"
IN_FLIGHT_PER_WORKER = 4  # jobs in flight per worker (the local pool; twice that on Dask)
CHUNK_FILES = 16  # the local pool: small text and html files per job
CHUNK_BYTES = 512 * 1024  # and their size in all, about
CHUNK_KINDS = frozenset({"txt", "md", "html"})


class BuildError(Exception):
    """A build that cannot start (the output is not a folder, another build writes it, no Dask scheduler…):
    ``str(exc)`` is one Chinese line."""


def default_jobs() -> int:
    """Every CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Runner(Protocol):
    workers: int
    engine: str

    def map(self, items: Iterable[Item]) -> Iterator[tuple[Item, FileRows]]:
        """Each item with its rows, in the order of `items`, with a bounded number of jobs in flight."""
        ...

    def close(self) -> None: ...


class LocalRunner:
    """The local worker pool: `jobs` processes, each job with a time and a memory limit.

    Small text and html files go to a worker in chunks (`chunks`): a txt file is read and checked in about
    15 ms, and a job per file would spend a good part of that on the round trip and on the build process's
    threads taking turns with the writer (on two cores, `--jobs 2` gained 1.3× instead of nearly 2×). A
    chunk that fails as a whole (its time limit, the memory limit, a crashed worker) is read again one file a
    job, so each file gets its own limits and its own reason, as if it had never been in a chunk.
    """

    engine = "local"

    def __init__(self, jobs: int, time_limit: float, memory_mb: int | None) -> None:
        from nianbao.jobs.pool import PRELOAD, WorkerPool

        self.pool = WorkerPool(jobs, time_limit=time_limit, memory_mb=memory_mb, preload=(*PRELOAD, ROWS_MODULE))
        self.workers = jobs
        self.window = jobs * IN_FLIGHT_PER_WORKER

    def map(self, items: Iterable[Item]) -> Iterator[tuple[Item, FileRows]]:
        pending: deque[tuple[list[Item], Future[list[FileRows]]]] = deque()
        source = chunks(items)

        def fill() -> None:
            while len(pending) < self.window:
                chunk = next(source, None)
                if chunk is None:
                    return
                jobs = [(item.path, item.hints) for item in chunk]
                pending.append((chunk, self.pool.submit(process_files, jobs)))

        fill()
        while pending:
            chunk, future = pending.popleft()
            results = self._results(future, chunk)
            fill()
            yield from zip(chunk, results, strict=True)

    def _results(self, future: Future[list[FileRows]], chunk: list[Item]) -> list[FileRows]:
        from nianbao.jobs.pool import JobError

        try:
            return future.result()
        except JobError as exc:  # timeout, memory limit, crashed worker
            if len(chunk) > 1:
                return [self._alone(item) for item in chunk]
            return [failed_rows(chunk[0].path, chunk[0].hints, exc.message)]
        except Exception as exc:
            return [failed_rows(item.path, item.hints, f"读取出错（{type(exc).__name__}）") for item in chunk]

    def _alone(self, item: Item) -> FileRows:
        """One file of a failed chunk, in a job of its own."""
        return self._results(self.pool.submit(process_files, [(item.path, item.hints)]), [item])[0]

    def close(self) -> None:
        self.pool.close()


def chunks(items: Iterable[Item], *, files: int | None = None, size: int | None = None) -> Iterator[list[Item]]:
    """`items` in order, in chunks of consecutive small text and html files (at most `files` of them, about
    `size` bytes in all); every other file (pdf, docx, doc, a large or unreadable one) in a chunk of its own."""
    files = CHUNK_FILES if files is None else files
    size = CHUNK_BYTES if size is None else size
    chunk: list[Item] = []
    total = 0
    for item in items:
        try:
            n = os.stat(item.path).st_size
        except OSError:
            n = size + 1
        if kind_of(item.path) not in CHUNK_KINDS or n > size:
            if chunk:
                yield chunk
                chunk, total = [], 0
            yield [item]
            continue
        chunk.append(item)
        total += n
        if len(chunk) >= files or total >= size:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


class DaskRunner:
    """A Dask cluster: the scheduler at `scheduler`, or a LocalCluster of `workers` processes.

    Tasks are submitted in chunks (one call to the scheduler per chunk) and their results collected in the
    client's event loop as they complete (`distributed.as_completed`), then given back in the order of the
    items: a round trip per file through the client's thread costs tens of milliseconds on a loaded machine.
    The time limit is the client's: a file whose result has not come `time_limit` seconds after it became the
    oldest in flight is recorded as timed out and its task cancelled (a task cannot be killed in a Dask
    worker's thread; the worker's own memory limits apply).
    """

    engine = "dask"
    _POLL_S = 0.002

    def __init__(self, scheduler: str | None, workers: int | None, time_limit: float) -> None:
        from distributed import Client, LocalCluster

        self.time_limit = time_limit
        self.cluster: Any = None
        try:
            if scheduler is None:
                from nianbao.jobs.pool import _main_hidden

                # Workers are spawned: with __main__ hidden they do not re-run the calling program (see the pool).
                # The scheduler's HTTP routes go to a free local port (no dashboard).
                with _main_hidden():
                    self.cluster = LocalCluster(
                        n_workers=workers or default_jobs(),
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                    )  # type: ignore[no-untyped-call]
                self.client: Any = Client(self.cluster)  # type: ignore[no-untyped-call]
            else:
                self.client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            where = f"Dask 调度器 {scheduler}" if scheduler else "本机 Dask 集群"
            raise BuildError(f"无法连接{where}（{exc}）") from None
        self.workers = sum(self.client.nthreads().values()) or 1
        self.window = max(16, self.workers * IN_FLIGHT_PER_WORKER * 2)

    def map(self, items: Iterable[Item]) -> Iterator[tuple[Item, FileRows]]:
        from distributed import as_completed

        source = enumerate(items)
        done: Any = as_completed([], with_results=True, raise_errors=False)  # type: ignore[no-untyped-call]
        order: deque[tuple[int, Item]] = deque()  # submitted and not yet given back, in order
        running: dict[str, tuple[int, Item, Any]] = {}  # task key → index, item, future
        ready: dict[int, FileRows] = {}
        head_since: float | None = None

        def fill() -> None:
            if len(order) > self.window // 2:
                return
            chunk = list(islice(source, self.window - len(order)))
            if not chunk:
                return
            futures = self.client.map(
                process_file, [item.path for _, item in chunk], [item.hints for _, item in chunk], pure=False
            )
            for (i, item), future in zip(chunk, futures, strict=True):
                order.append((i, item))
                running[future.key] = (i, item, future)
            done.update(futures)

        fill()
        while order:
            for future, value in done.next_batch(block=False):
                entry = running.pop(future.key, None)
                if entry is not None:  # else timed out meanwhile
                    ready[entry[0]] = self._rows(value, entry[1])
            i, item = order[0]
            if i in ready:
                order.popleft()
                head_since = None
                rows = ready.pop(i)
                fill()
                yield item, rows
                continue
            now = time.monotonic()
            if head_since is None:
                head_since = now
            elif now - head_since > self.time_limit:
                key = next(k for k, (j, _, _) in running.items() if j == i)
                running.pop(key)[2].cancel()
                ready[i] = failed_rows(item.path, item.hints, f"读取超时（超过 {self.time_limit:g} 秒）")
                continue
            time.sleep(self._POLL_S)

    @staticmethod
    def _rows(value: Any, item: Item) -> FileRows:
        from distributed import KilledWorker

        if isinstance(value, FileRows):
            return value
        exc = value[1] if isinstance(value, tuple) and len(value) == 3 else value
        if isinstance(exc, MemoryError):
            return failed_rows(item.path, item.hints, "内存不足")
        if isinstance(exc, KilledWorker):
            return failed_rows(item.path, item.hints, "读取进程异常退出")
        return failed_rows(item.path, item.hints, f"读取出错（{type(exc).__name__}）")

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
