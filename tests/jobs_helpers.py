"""Job functions for tests/test_jobs_pool.py: module-level, so that a pool's worker can import them by name
(the fork server has the test run's sys.path, on which the repository root stands)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import time
from pathlib import Path


class TwoArgumentError(Exception):
    """An exception whose pickle does not load back (its __init__ takes two arguments, args holds one)."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.reason = reason


def square_and_pid(x: int, pause: float = 0.0) -> tuple[int, int]:
    time.sleep(pause)
    return x * x, os.getpid()


def pid() -> int:
    return os.getpid()


def raise_value_error(message: str) -> None:
    raise ValueError(message)


def raise_two_argument_error() -> None:
    raise TwoArgumentError("a.pdf", "坏了")


def raise_system_exit() -> None:
    raise SystemExit(5)


def return_unpicklable() -> object:
    return lambda: None


def loop_forever() -> None:
    while True:
        pass


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def exit_now(code: int) -> None:
    os._exit(code)


def kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def start_child_and_hang(pid_file: str) -> None:
    """Starts a long `sleep` (as the .doc reader starts LibreOffice), notes its pid, then never returns."""
    child = subprocess.Popen(["sleep", "300"])
    Path(pid_file).write_text(str(child.pid))
    while True:
        time.sleep(0.05)


def worker_limits() -> tuple[int, int, str]:
    """The worker's soft and hard RLIMIT_AS and its temporary folder."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return soft, hard, tempfile.gettempdir()


def child_address_limit() -> str:
    """The soft RLIMIT_AS a process started by the .doc reader's rule sees (as LibreOffice would)."""
    from nianbao.read.inputs.doc import lift_address_limit

    done = subprocess.run(
        ["sh", "-c", "ulimit -v"], capture_output=True, text=True, check=True, preexec_fn=lift_address_limit()
    )
    return done.stdout.strip()


def worker_memory() -> dict[str, int]:
    """The worker's address space now and at its peak, and its resident peak, in MiB (from /proc/self/status)."""
    out: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmPeak", "VmSize", "VmHWM"):
            out[key] = int(value.split()[0]) // 1024
    return out


def read_and_measure(filename: str, content: bytes) -> tuple[str, dict[str, int]]:
    """`read_upload` in the worker, then its memory: the outcome's class name and `worker_memory`."""
    from nianbao.jobs.tasks import read_upload

    outcome = read_upload(filename, content)
    return type(outcome).__name__, worker_memory()


def crash_on_chunks(items: list[tuple[str, object]]) -> list[object]:
    """`dataset.rows.process_files`, except that a chunk of more than one file kills its worker."""
    from nianbao.dataset.rows import process_files
    from nianbao.dataset.sources import Hints

    if len(items) > 1:
        os._exit(3)
    return list(process_files([(path, hints if isinstance(hints, Hints) else None) for path, hints in items]))
