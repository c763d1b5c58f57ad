"""The errors of a job run in the pool: each carries a one-line Chinese message for users (the caller prefixes
the file name), and each survives pickling (a Dask or pool worker may raise it in another process)."""

from __future__ import annotations

from typing import Any

__all__ = ["JobCrashed", "JobError", "JobFailed", "JobMemoryExceeded", "JobTimeout", "PoolClosed", "RemoteTraceback"]


class JobError(Exception):
    """A job that did not give a result. ``str(exc)`` (and ``exc.message``) is a Chinese line for users."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JobTimeout(JobError):
    """The job ran longer than its time limit; its worker was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"读取超时（超过 {seconds:g} 秒）")
        self.seconds = seconds

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.seconds,)


class JobMemoryExceeded(JobError):
    """The job needed more memory than the worker's limit (MemoryError in the worker)."""

    def __init__(self, megabytes: int | None) -> None:
        super().__init__(f"内存超限（超过 {megabytes} MB）" if megabytes is not None else "内存不足")
        self.megabytes = megabytes

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.megabytes,)


class JobCrashed(JobError):
    """The worker died during the job (exit code `exitcode`, negative: killed by that signal)."""

    def __init__(self, exitcode: int | None = None) -> None:
        super().__init__("读取进程异常退出")
        self.exitcode = exitcode

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.exitcode,)


class JobFailed(JobError):
    """The job raised an exception that cannot come back as itself, or its result could not be sent back.

    `error_type` is the exception's class name, `detail` its text and `remote_traceback` the worker's
    traceback: for logs, not for users.
    """

    def __init__(self, message: str, *, error_type: str = "", detail: str = "", remote_traceback: str = "") -> None:
        super().__init__(message)
        self.error_type = error_type
        self.detail = detail
        self.remote_traceback = remote_traceback

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild_failed, (self.message, self.error_type, self.detail, self.remote_traceback)


def _rebuild_failed(message: str, error_type: str, detail: str, remote_traceback: str) -> JobFailed:
    return JobFailed(message, error_type=error_type, detail=detail, remote_traceback=remote_traceback)


class PoolClosed(JobError):
    """The pool was closed before or while the job ran."""

    def __init__(self) -> None:
        super().__init__("任务池已关闭")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), ()


class RemoteTraceback(Exception):
    """The worker's traceback, set as the ``__cause__`` of an exception re-raised in the parent."""

    def __str__(self) -> str:
        return f"\n\n(in the worker process)\n{self.args[0] if self.args else ''}"
