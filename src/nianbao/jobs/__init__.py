"""Bounded work off the request path: a pool of worker processes with time and memory limits.

Used by web uploads and by the batch runner::

    from nianbao.jobs import JobError, shared_pool
    from nianbao.jobs.tasks import ReadRefused, read_upload

    try:
        outcome = shared_pool().run(read_upload, filename, content)
    except JobError as exc:  # JobTimeout, JobMemoryExceeded, JobCrashed, JobFailed, PoolClosed
        message = f"文件“{filename}”无法读取：{exc}"

See `nianbao.jobs.pool` for the limits and how they were chosen.
"""

from nianbao.jobs.pool import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIME_LIMIT,
    JobCrashed,
    JobError,
    JobFailed,
    JobMemoryExceeded,
    JobTimeout,
    PoolClosed,
    WorkerPool,
)
from nianbao.jobs.shared import close_shared_pool, pool_settings, shared_pool
from nianbao.jobs.tasks import ReadOk, ReadOutcome, ReadRefused, read_upload

__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIME_LIMIT",
    "JobCrashed",
    "JobError",
    "JobFailed",
    "JobMemoryExceeded",
    "JobTimeout",
    "PoolClosed",
    "ReadOk",
    "ReadOutcome",
    "ReadRefused",
    "WorkerPool",
    "close_shared_pool",
    "pool_settings",
    "read_upload",
    "shared_pool",
]
