"""A bounded pool of long-lived worker processes: each job runs with a time limit and a memory limit.

`WorkerPool.run(fn, *args)` runs ``fn(*args)`` in a worker process and returns its result; the calling thread
waits for an idle worker, sends it the job over a Pipe and waits at most the time limit for the answer.

- A job that outlives its time limit: the worker's process group is killed (SIGKILL, so a LibreOffice it
  started goes too), `JobTimeout` is raised and the next job gets a fresh worker.
- A job that needs more memory than the limit: the worker runs with a soft ``RLIMIT_AS`` (address space) of
  `memory_mb` MiB, so the allocation fails with MemoryError inside the job; the worker answers
  `JobMemoryExceeded` and is replaced.
- A worker that dies (``os._exit``, a segfault in a C library, the kernel's OOM killer): `JobCrashed`, and
  the worker is replaced.
- An exception raised by ``fn`` comes back as itself when it survives pickling (with the worker's traceback
  as its ``__cause__``), else as `JobFailed`.

Workers are started lazily from the ``forkserver`` context (forking a threaded web server is unsafe), which
preloads `PRELOAD` so that a new worker starts with the readers imported: the first job of a process waits
about 0.5 s (the fork server starts and imports them once), a replacement worker about 15 ms, and a trivial
job costs about 0.1-0.3 ms (bench/jobs.py). Workers never re-run the calling program's ``__main__`` (see
`_main_hidden`). Job functions and their arguments are pickled: a function must be importable by its module
name (no lambdas, no closures, nothing defined in ``__main__``).

The fork server is multiprocessing's, one per process, shared with any other forkserver user of the process;
it stays (idle) after `WorkerPool.close` and ends with the process. A worker leads its own process group and
is killed by Linux if the fork server (hence the pool's process) dies; its temporary files go in a folder of
its own (``$TMPDIR/nianbao-job-*``), removed when it ends or is killed by the pool.

Close the pool when done (`close`, or ``with``); the process-wide pool (`shared.py`) is closed at interpreter exit.
Uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown, so no atexit handler runs there: an app should
call `close_shared_pool` on lifespan shutdown. Should it not, the workers still end (an idle one sees its pipe
close, a busy one is killed with the fork server) and remove their folders, except one killed mid-job.

Default memory limit, `DEFAULT_MEMORY_MB` = 2048 MiB of address space (VmPeak, what RLIMIT_AS bounds),
measured in a worker on CPython 3.11 / x86-64 (bench/jobs.py): an idle worker, readers imported, maps 74 MiB;
reading a normal report (a packaged .txt sample, a 5-page PDF, a 370 kB web page, a .doc) peaks at 75-80 MiB;
the largest inputs the readers accept peak at about 300 MiB (a 290-page, 17 MB PDF; the reader stops at 300
pages) and 520 MiB (a 44 MB web page; uploads stop at 50 MB); a scanned page read by OCR (`read.inputs.ocr`: ONNX
Runtime with its models and buffers) peaks at 1.25 GiB at 300 dpi (0.8 GB resident). 2048 MiB leaves over half
again the worst measured case and twenty times a normal report. LibreOffice, which the .doc reader starts,
needs 400-600 MB of address space by itself: `nianbao.read.inputs.doc.lift_address_limit` gives it the hard
limit back, so that it is bounded by its own timeout instead (and killed with the worker's process group on a
`JobTimeout`).

The default time limit, 30 s, is twice the slowest read measured (the 290-page PDF: 10-14 s on a loaded
2-CPU machine); a normal PDF report reads in about 0.25 s, a .doc in about 3 s (LibreOffice's start).
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, ForkServerProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from nianbao.jobs.errors import (
    JobCrashed,
    JobError,
    JobFailed,
    JobMemoryExceeded,
    JobTimeout,
    PoolClosed,
    RemoteTraceback,
)
from nianbao.jobs.worker import worker_main

__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIME_LIMIT",
    "PRELOAD",
    "JobCrashed",
    "JobError",
    "JobFailed",
    "JobMemoryExceeded",
    "JobTimeout",
    "PoolClosed",
    "RemoteTraceback",
    "WorkerPool",
    "default_workers",
]

T = TypeVar("T")

log = logging.getLogger("nianbao.jobs")

DEFAULT_TIME_LIMIT = 30.0  # seconds per job
DEFAULT_MEMORY_MB = 2048  # MiB of address space per worker (see the module docstring for the measurements)
MIN_MEMORY_MB = 128
MAX_DEFAULT_WORKERS = 4
#: Modules the fork server imports once, so that every worker starts with them (the readers, the audit).
PRELOAD: tuple[str, ...] = ("nianbao.jobs.tasks",)
_STOP_GRACE_S = 2.0  # how long an idle worker asked to stop may take before it is killed


# ---------------------------------------------------------------------------------------------
# The pool
# ---------------------------------------------------------------------------------------------


_main_lock = threading.Lock()
_NO_MAIN = types.ModuleType("__main__")  # no __file__, no __spec__: nothing for a worker to re-run


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """While a worker is started, ``__main__`` is a module without a file.

    multiprocessing tells every child it starts (spawn or forkserver) to re-run the calling program's main
    module as ``__mp_main__``: an unguarded script would start over in each worker, and a console script
    (``nianbao serve``, ``uvicorn``) would import its whole program (for ``nianbao`` 1.3 s and the web stack)
    into every worker, defeating the preload. Job functions are never taken from ``__main__``, so the workers
    need none. The swap lasts the few milliseconds of `Process.start`, under a lock.
    """
    with _main_lock:
        saved = sys.modules.get("__main__")
        sys.modules["__main__"] = _NO_MAIN
        try:
            yield
        finally:
            if saved is not None:
                sys.modules["__main__"] = saved


class _Worker:
    """One slot of the pool: a worker process (started lazily, replaced after a failure) and its pipe."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.process: ForkServerProcess | None = None
        self.conn: Connection | None = None
        self.tmp: str | None = None

    @property
    def pid(self) -> int | None:
        process = self.process
        try:
            return process.pid if process is not None else None
        except ValueError:  # closed meanwhile by the thread running the job
            return None

    def alive(self) -> bool:
        return self.process is not None and self.conn is not None and self.process.exitcode is None

    def start(self, ctx: ForkServerContext, memory_mb: int | None) -> None:
        self.tmp = tempfile.mkdtemp(prefix="nianbao-job-")
        parent_end, child_end = ctx.Pipe(duplex=True)
        process = ctx.Process(
            target=worker_main, args=(child_end, memory_mb, self.tmp), name=f"nianbao-job-{self.index}", daemon=True
        )
        try:
            with _main_hidden():
                process.start()
        except BaseException:
            parent_end.close()
            raise
        finally:
            child_end.close()
        self.process, self.conn = process, parent_end

    def kill(self) -> None:
        """SIGKILL to the worker's process group (the worker and what it started), else to the worker."""
        process = self.process
        try:
            pid = process.pid if process is not None and process.exitcode is None else None
        except ValueError:  # closed meanwhile by the thread running the job
            return
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)  # the group exists once the worker has called setsid
        except OSError:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def stop(self, *, graceful: bool = False) -> int | None:
        """Ends the worker (asks it first when `graceful`), waits for its exit and frees the slot.
        Returns the exit code."""
        process, conn = self.process, self.conn
        exitcode = None
        if process is not None:
            if graceful and conn is not None and process.exitcode is None:
                with contextlib.suppress(OSError, ValueError):
                    conn.send(None)
                process.join(_STOP_GRACE_S)
            self.kill()
            process.join(5.0)
            exitcode = process.exitcode
            with contextlib.suppress(ValueError):
                process.close()  # the fork server has reaped it; this frees the sentinel
        if conn is not None:
            conn.close()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.process = self.conn = self.tmp = None
        return exitcode


def _abandon(slots: list[_Worker]) -> None:
    """A pool dropped (or left open at exit) without `close`: its workers are killed and their folders removed."""
    for worker in slots:
        worker.kill()
    for worker in slots:
        worker.stop()


def _check_limit(seconds: float) -> float:
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"time_limit must be a positive number of seconds, not {seconds}")
    return float(seconds)


def default_workers() -> int:
    """Workers when not told: the CPUs this process may use, at most `MAX_DEFAULT_WORKERS`."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_WORKERS, cpus))


class WorkerPool:
    """At most `workers` worker processes; `run` and `submit` are safe to call from any number of threads.

    `time_limit` is the default per job (seconds); `memory_mb` the address-space limit of each worker in MiB
    (None: no limit). `preload` names the modules the fork server imports before forking workers; it takes
    effect only if this process's fork server is not running yet (it is shared by all pools of the process).
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        time_limit: float = DEFAULT_TIME_LIMIT,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        preload: Sequence[str] = PRELOAD,
    ) -> None:
        count = default_workers() if workers is None else workers
        if count < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        _check_limit(time_limit)
        if memory_mb is not None and memory_mb < MIN_MEMORY_MB:
            raise ValueError(
                f"memory_mb must be at least {MIN_MEMORY_MB} (a worker maps about 75 MB before its first "
                f"job), not {memory_mb}"
            )
        self.workers = count
        self.time_limit = float(time_limit)
        self.memory_mb = memory_mb
        self._preload = list(preload)
        self._ctx = multiprocessing.get_context("forkserver")
        self._cond = threading.Condition()
        self._slots = [_Worker(i) for i in range(count)]
        self._idle = list(reversed(self._slots))
        self._closed = False
        self._busy = 0  # slots taken by running jobs
        self._finalizer = weakref.finalize(self, _abandon, self._slots)
        self._executor: ThreadPoolExecutor | None = None

    # -- public API ------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def pids(self) -> list[int]:
        """The process ids of the workers running now (for tests and diagnostics)."""
        with self._cond:
            return [pid for pid in (s.pid for s in self._slots) if pid is not None]

    def run(self, fn: Callable[..., T], *args: Any, time_limit: float | None = None) -> T:
        """``fn(*args)`` in a worker: its result, or the exception it raised, or a `JobError`.

        Blocks until a worker is idle, then at most `time_limit` seconds (the pool's default when None).
        `fn` and `args` must pickle (a module-level function; a TypeError or PicklingError here otherwise).
        """
        limit = self.time_limit if time_limit is None else _check_limit(time_limit)
        payload = ForkingPickler.dumps((fn, args))  # a pickling error is raised here, before any worker is taken
        worker = self._acquire()
        try:
            result: T = self._run_on(worker, fn, payload, limit)
            return result
        finally:
            self._release(worker)

    def submit(self, fn: Callable[..., T], *args: Any, time_limit: float | None = None) -> Future[T]:
        """`run` on one of the pool's threads (one per worker): a Future of the result."""
        with self._cond:
            if self._closed:
                raise PoolClosed()
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="nianbao-job")
            executor = self._executor
        return executor.submit(self.run, fn, *args, time_limit=time_limit)

    def close(self, timeout: float = 10.0) -> None:
        """Ends every worker (a job running now ends with `PoolClosed`), the threads and the temporary files,
        waiting at most about `timeout` seconds for running jobs to notice. Idempotent; the pool refuses jobs
        afterwards."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            executor, self._executor = self._executor, None
            self._cond.notify_all()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)  # queued jobs are cancelled
        for worker in idle:
            worker.stop(graceful=True)
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy:  # running jobs: kill their workers; their threads stop them and return the slot
                for worker in self._slots:
                    if worker not in idle:
                        worker.kill()
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("job pool closed with %d job(s) still running", self._busy)
                    break
                self._cond.wait(min(left, 0.1))
            if not self._busy:
                self._finalizer.detach()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self.pids())} running"
        return (
            f"WorkerPool(workers={self.workers}, time_limit={self.time_limit:g}, memory_mb={self.memory_mb}, {state})"
        )

    # -- internals -------------------------------------------------------------------------------

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise PoolClosed()
                if self._idle:
                    self._busy += 1
                    return self._idle.pop()
                self._cond.wait()

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            worker.stop()
        with self._cond:
            if self._closed:
                worker.stop()  # closed meanwhile; stopping a stopped worker does nothing
            else:
                self._idle.append(worker)
            self._busy -= 1
            self._cond.notify_all()

    def _start(self, worker: _Worker) -> None:
        if self._closed:
            raise PoolClosed()
        self._ctx.set_forkserver_preload(self._preload)  # only read when the fork server starts
        worker.start(self._ctx, self.memory_mb)

    def _lost(self, worker: _Worker) -> JobError:
        """The worker's pipe failed: the error to raise (the worker is stopped and will be replaced)."""
        exitcode = worker.stop()
        if self._closed:
            return PoolClosed()
        log.warning("job worker %s exited unexpectedly (exit code %s)", worker.index, exitcode)
        return JobCrashed(exitcode)

    def _run_on(self, worker: _Worker, fn: Callable[..., T], payload: memoryview, limit: float) -> T:
        if not worker.alive():
            worker.stop()  # never started, or died while idle
            self._start(worker)
        conn = worker.conn
        assert conn is not None
        try:
            conn.send_bytes(payload)
        except (OSError, EOFError):
            raise self._lost(worker) from None
        except BaseException:  # interrupted halfway: the worker would wait for the rest
            worker.stop()
            raise
        try:
            ready = conn.poll(limit)
            if not ready:
                worker.stop()
                if self._closed:
                    raise PoolClosed()
                log.warning("job %s killed after %g s", getattr(fn, "__qualname__", fn), limit)
                raise JobTimeout(limit)
            reply = conn.recv()
        except (OSError, EOFError):
            raise self._lost(worker) from None
        except JobError:
            raise
        except Exception as exc:  # the answer arrived whole but does not unpickle here
            raise JobFailed(
                f"读取出错（{type(exc).__name__}）",
                error_type=type(exc).__name__,
                detail=f"the job's answer cannot be unpickled: {exc}",
            ) from None
        except BaseException:  # KeyboardInterrupt while waiting: the worker is mid-job
            worker.stop()
            raise
        result: T = self._unpack(worker, reply)
        return result

    def _unpack(self, worker: _Worker, reply: tuple[Any, ...]) -> Any:
        status = reply[0]
        if status == "ok":
            return reply[1]
        if status == "raised":
            exc: BaseException = reply[1]
            raise exc from RemoteTraceback(reply[2])
        if status == "memory":
            worker.stop()  # its heap may be fragmented or half-used: a fresh worker for the next job
            raise JobMemoryExceeded(self.memory_mb)
        _, error_type, detail, remote = reply
        raise JobFailed(f"读取出错（{error_type}）", error_type=error_type, detail=detail, remote_traceback=remote)
