"""The process-wide job pool: one `WorkerPool` per process, made on first use from the environment
(``NIANBAO_JOB_WORKERS``, ``NIANBAO_JOB_SECONDS``, ``NIANBAO_JOB_MEMORY_MB``) and closed at interpreter exit."""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from nianbao.jobs.pool import DEFAULT_MEMORY_MB, DEFAULT_TIME_LIMIT, WorkerPool

ENV_WORKERS = "NIANBAO_JOB_WORKERS"
ENV_SECONDS = "NIANBAO_JOB_SECONDS"
ENV_MEMORY_MB = "NIANBAO_JOB_MEMORY_MB"

_shared: WorkerPool | None = None
_shared_lock = threading.Lock()
_atexit_registered = False


def _env_number(name: str, default: float | None, *, integer: bool, allow_off: bool = False) -> float | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if allow_off and raw.lower() in ("0", "off", "none", "unlimited"):
        return None
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = 0
    if not value > 0:
        kind = "正整数" if integer else "正数"
        off = "（或 0 表示不限）" if allow_off else ""
        raise ValueError(f"环境变量 {name} 应为{kind}{off}，而不是“{raw}”")
    return value


def pool_settings() -> dict[str, Any]:
    """`WorkerPool` arguments from the environment: ``NIANBAO_JOB_WORKERS`` (default: CPUs, at most 4),
    ``NIANBAO_JOB_SECONDS`` (30) and ``NIANBAO_JOB_MEMORY_MB`` (2048; 0 or "off": no limit)."""
    workers = _env_number(ENV_WORKERS, None, integer=True)
    seconds = _env_number(ENV_SECONDS, DEFAULT_TIME_LIMIT, integer=False)
    memory = _env_number(ENV_MEMORY_MB, DEFAULT_MEMORY_MB, integer=True, allow_off=True)
    return {
        "workers": None if workers is None else int(workers),
        "time_limit": seconds,
        "memory_mb": None if memory is None else int(memory),
    }


def shared_pool() -> WorkerPool:
    """The process-wide pool, created on first use from the environment (`pool_settings`) and closed at exit.
    A closed shared pool is replaced by a new one."""
    global _shared, _atexit_registered
    with _shared_lock:
        if _shared is None or _shared.closed:
            _shared = WorkerPool(**pool_settings())
            if not _atexit_registered:
                atexit.register(close_shared_pool)
                _atexit_registered = True
        return _shared


def close_shared_pool() -> None:
    """Closes the process-wide pool if it was created (at interpreter exit, and for tests)."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close()
