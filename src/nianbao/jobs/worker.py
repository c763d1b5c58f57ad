"""The worker process of `nianbao.jobs.pool`: detached into its own process group, with a soft address-space
limit, serving ``(fn, args)`` messages over its pipe until told to stop or its pipe closes."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import shutil
import signal
import sys
import tempfile
import traceback
from multiprocessing.connection import Connection
from typing import Any

_PR_SET_PDEATHSIG = 1


def _detach() -> None:
    """Makes the worker the leader of its own process group, so that killing the group also kills what it
    started (LibreOffice); and asks Linux to kill it when its parent (the fork server, which ends with the
    pool's process) goes, so that a busy worker never outlives the pool's process."""
    with contextlib.suppress(OSError):
        os.setsid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _limit_address_space(memory_mb: int) -> None:
    """Sets the soft RLIMIT_AS to `memory_mb` MiB; the hard limit is left as it is (so a child such as
    LibreOffice may be given it back)."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _failure(exc: BaseException) -> tuple[Any, ...]:
    """The answer for an exception raised by a job: itself when it survives a pickle round trip."""
    text = "".join(traceback.format_exception(exc))
    if isinstance(exc, Exception):  # SystemExit, KeyboardInterrupt… must not be raised in the parent
        try:
            back = pickle.loads(pickle.dumps(exc))
        except Exception:
            back = None
        if type(back) is type(exc):
            return ("raised", exc, text)
    return ("failed", type(exc).__name__, str(exc), text)


def _answer(conn: Connection, reply: tuple[Any, ...]) -> bool:
    """Sends the answer; False when the pool end is gone. A result that cannot be pickled is answered
    with a failure: pickling happens before anything is written, so the pipe stays in step."""
    try:
        conn.send(reply)
    except MemoryError:
        return _answer(conn, ("memory",))
    except OSError:
        return False
    except Exception as exc:  # the result does not pickle
        conn.send(("failed", type(exc).__name__, f"结果无法传回：{exc}", "".join(traceback.format_exception(exc))))
    return True


def worker_main(conn: Connection, memory_mb: int | None, tmp: str | None) -> None:
    """The worker: its own process group, temporary folder and memory limit, then `_serve`. The folder is
    removed when the worker ends, by itself or (when killed) by the pool."""
    _detach()
    if tmp is not None:
        tempfile.tempdir = tmp  # temporary files of a killed job go with the worker's folder
        os.environ["TMPDIR"] = tmp  # and those of the programs it starts (LibreOffice)
    if memory_mb is not None:
        _limit_address_space(memory_mb)
    try:
        _serve(conn)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _serve(conn: Connection) -> None:
    """Receives ``(fn, args)`` and answers ``(status, …)`` until None comes or the pool's end of the pipe closes."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # the arguments alone exceed the limit; the pipe may be out of step: stop
            _answer(conn, ("memory",))
            return
        except Exception as exc:  # the job's function cannot be imported here, or an argument not unpickled
            if not _answer(conn, ("failed", type(exc).__name__, str(exc), "".join(traceback.format_exception(exc)))):
                return
            continue
        if message is None:
            return
        fn, args = message
        del message
        try:
            reply: tuple[Any, ...] = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory",)
        except BaseException as exc:
            reply = _failure(exc)
        del fn, args
        if not _answer(conn, reply):
            return
        del reply
