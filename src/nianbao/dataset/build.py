"""`build(sources, out)`: read and check every file of the sources in parallel, into the Parquet dataset `out`.

The files are read by `nianbao.dataset.rows.process_file` (`engines.py`), either in the local worker pool (`WorkerPool`,
``jobs`` processes with a time and a memory limit per file, the readers preloaded) or as tasks of a Dask
cluster (``scheduler="tcp://HOST:8786"``, or ``dask_local=True`` for a `distributed.LocalCluster`). At most a
few jobs per worker are in flight, and results are taken **in the order of the sources**, so that every run
over the same sources writes the same rows in the same order (whatever the number of workers or the engine)
and memory stays bounded.

Renditions: a file with the same bytes as one read before in the run, or the same report in another form (the
same agency, year, format and cell values: an html page and its text), is not written again; it is listed
among the `renditions` of the first one (in the order of the sources).

Incremental: a file whose sha256 is in the dataset, read by the same reader version, is skipped. A file whose
report was read by another reader version is read again and its old rows removed, as with ``force=True``
(which rereads everything named). A file whose path was the kept rendition of a report but whose content
changed replaces that report. A new file that is a rendition of a report an earlier run wrote, or a copy of a
file read before, is listed among that report's renditions (the rendition keys are kept in the footer metadata
of the `reports` files).

Ctrl-C (KeyboardInterrupt): the workers are stopped, the rows of the files already read are written and
every file closed; the dataset is valid, and running the same build again continues where it stopped. (While
files are rewritten or renamed into place, Ctrl-C waits for the end of that step.) A build killed outright
loses the rows of its open files; the next build removes its unfinished files and any rows left without their
report, and reads those files again.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.dataset.engines import BuildError, DaskRunner, LocalRunner, Runner, default_jobs
from nianbao.dataset.rows import FileRows, file_sha256
from nianbao.dataset.sources import Item, expand_sources, kind_of
from nianbao.dataset.version import reader_version
from nianbao.dataset.writer import DatasetWriter, path_key, read_existing, remove_orphans, remove_reports

if TYPE_CHECKING:
    from nianbao.dataset.pairing import CrossYearResult
    from nianbao.dataset.renditions import MergeResult
    from nianbao.dataset.reread import RereadResult

__all__ = ["BuildError", "BuildProgress", "BuildResult", "build", "default_jobs"]

LOCK_NAME = ".build.lock"
_HASH_THREADS = 8


@dataclass(frozen=True)
class BuildProgress:
    """Where a build is, after each file taken: `done` of `total` files to read this run."""

    done: int
    total: int
    ok: int
    failed: int
    merged: int
    path: str


@dataclass
class BuildResult:
    """What a build did. `read` files were read this run: `ok` + `failed`, of which `merged` were renditions of a
    report already taken; `written` report rows were written; `skipped` files were already in the dataset;
    `replaced` reports of earlier runs were removed to be read again."""

    out: Path
    run_id: str
    sources: int = 0
    skipped: int = 0
    total: int = 0
    read: int = 0
    ok: int = 0
    failed: int = 0
    merged: int = 0
    written: int = 0
    replaced: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    engine: str = "local"
    workers: int = 0
    reader_versions: set[str] = field(default_factory=set)
    renditions: MergeResult | None = None  # with `cross_year`: reports merged as renditions of another
    reread: RereadResult | None = None  # with `cross_year`: the unsure reports read again with last year's
    cross_year: CrossYearResult | None = None  # with `cross_year`: the cross-year rules over the whole dataset

    @property
    def rate(self) -> float:
        """Files read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[bool]:
    """Holds ``OUT/.build.lock`` (one build writes a dataset at a time); a lock left by a dead process is taken.
    Gives True when it was: that build was killed, perhaps while renaming its files into place."""
    lock = out / LOCK_NAME
    stale = False
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or "0")
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and _alive(pid):
                raise BuildError(f"数据集 {out} 正在被另一个构建（进程 {pid}）写入") from None
            stale = True
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        break
    else:
        raise BuildError(f"无法锁定数据集 {out}")
    try:
        yield stale
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits for the end of the block (files being rewritten or renamed into place), then interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_temporary(out: Path) -> None:
    """Removes the unfinished files of a build that was killed outright."""
    for tmp in out.glob("*/*/.*.parquet.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


@dataclass
class _Plan:
    todo: list[Item]
    replace: set[str] = field(default_factory=set)  # reports of earlier runs to remove first
    skipped: int = 0
    late: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # renditions of earlier reports
    by_content: dict[str, str] = field(default_factory=dict)  # rendition key → report of an earlier run


def _plan(out: Path, items: list[Item], force: bool) -> _Plan:
    """What to read, remove and skip, given what the dataset holds."""
    existing = read_existing(out)
    if not len(existing):
        return _Plan(items)
    with ThreadPoolExecutor(_HASH_THREADS) as hashing:
        shas = list(hashing.map(file_sha256, (item.path for item in items)))
    current = reader_version()
    plan = _Plan([])
    for item, sha in zip(items, shas, strict=True):
        hit = existing.by_sha.get(sha)
        if hit is not None and (force or hit[1] != current):
            plan.replace.add(hit[0])
        at_path = existing.by_path.get(path_key(item.path))
        if at_path is not None and (hit is None or hit[0] != at_path):
            plan.replace.add(at_path)  # the file the report was read from has changed
    for item, sha in zip(items, shas, strict=True):
        hit = existing.by_sha.get(sha)
        if hit is None or hit[0] in plan.replace:
            plan.todo.append(item)
            continue
        plan.skipped += 1
        if path_key(item.path) not in existing.paths:  # a copy of a file read before, at another path
            plan.late.append((hit[0], {"path": item.path, "sha256": sha, "kind": kind_of(item.path)}))
    plan.by_content = {k: rid for k, rid in existing.by_content.items() if rid not in plan.replace}
    return plan


def build(
    sources: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    dask_local: bool = False,
    force: bool = False,
    time_limit: float = 30.0,
    memory_mb: int | None = 2048,
    batch_reports: int | None = None,
    progress: Callable[[BuildProgress], None] | None = None,
    cross_year: bool = False,
) -> BuildResult:
    """Reads and checks every file of `sources` into the dataset `out` (see the module docstring).

    `jobs`: local worker processes (default: every CPU), or the LocalCluster's processes with `dask_local`;
    `scheduler`: a Dask scheduler's address (the files must be readable by its workers at the same paths).
    `progress` is called after each file taken (from this thread; an exception it raises, KeyboardInterrupt
    included, stops the build as Ctrl-C does). Raises `BuildError` when the build cannot start, `SourceError`
    for a bad manifest, and KeyboardInterrupt after writing what was read.

    `cross_year`: then the reports of one agency and year that agree on every cell both read for sure are merged
    into the one read best (`renditions.merge_renditions`: a crawled text and its page's html); the reports of the
    whole dataset are paired with their previous year's; those read unsure are read again with last year's
    report as evidence (`reread.reread_uncertain`), and the cross-year rules are run (`pairing.cross_year`,
    findings in ``findings/year=YYYY/cross_year.parquet``).
    """
    started = time.perf_counter()
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise BuildError(f"{target}：已存在且不是目录")
    items = expand_sources(sources)
    if not items:
        raise BuildError("没有找到可读取的报告文件")
    target.mkdir(parents=True, exist_ok=True)
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    result = BuildResult(out=target, run_id=run_id, sources=len(items))
    with _locked(target) as killed_before:
        _clean_temporary(target)
        if killed_before:
            with _uninterrupted():
                remove_orphans(target)
        plan = _plan(target, items, force)
        result.total, result.skipped = len(plan.todo), plan.skipped
        if plan.replace:
            with _uninterrupted():
                remove_reports(target, plan.replace)
            result.replaced = len(plan.replace)
        writer = DatasetWriter(target, run_id)
        if batch_reports is not None:
            writer.batch_reports = batch_reports
        for rid, rendition in plan.late:
            writer.add_rendition(rid, rendition)
        runner: Runner | None = None
        try:
            if plan.todo:
                workers = jobs or default_jobs()
                if scheduler is not None or dask_local:
                    runner = DaskRunner(scheduler, workers if dask_local else None, time_limit)
                else:
                    runner = LocalRunner(min(workers, len(plan.todo)), time_limit, memory_mb)
                result.engine, result.workers = runner.engine, runner.workers
                _take(runner.map(plan.todo), writer, result, plan.by_content, progress)
        except KeyboardInterrupt:
            result.interrupted = True
            raise
        finally:
            try:
                if runner is not None:
                    runner.close()
            finally:
                with _uninterrupted():
                    writer.close()
                result.written = writer.written
                result.seconds = time.perf_counter() - started
    if cross_year:
        from nianbao.dataset.pairing import cross_year as run_cross_year
        from nianbao.dataset.renditions import merge_renditions
        from nianbao.dataset.reread import reread_uncertain

        with _locked(target):
            result.renditions = merge_renditions(target, run_id=run_id + "-renditions", guard=_uninterrupted)
            result.reread = reread_uncertain(target, run_id=run_id + "-reread", guard=_uninterrupted)
            result.cross_year = run_cross_year(target, jobs=jobs or default_jobs())
    return result


def _take(
    results: Iterator[tuple[Item, FileRows]],
    writer: DatasetWriter,
    result: BuildResult,
    kept_by_content: dict[str, str],
    progress: Callable[[BuildProgress], None] | None,
) -> None:
    """Writes each file's rows, or lists it as a rendition of a report taken before (in this run, or in an
    earlier one: `kept_by_content`)."""
    kept_by_sha: dict[str, str] = {}
    for item, rows in results:
        report = rows.report
        result.read += 1
        if rows.ok:
            result.ok += 1
        else:
            result.failed += 1
        result.reader_versions.add(report["reader_version"])
        rid = rows.report_id
        kept = kept_by_sha.get(rid)
        if kept is None and rows.rendition_key is not None:
            kept = kept_by_content.get(rows.rendition_key)
        if kept is not None:
            writer.add_rendition(kept, {"path": item.path, "sha256": rid, "kind": report["kind"]})
            kept_by_sha[rid] = kept
            result.merged += 1
        else:
            writer.add(rows)
            kept_by_sha[rid] = rid
            if rows.rendition_key is not None:
                kept_by_content[rows.rendition_key] = rid
        del rows
        if progress is not None:
            progress(BuildProgress(result.read, result.total, result.ok, result.failed, result.merged, item.path))
