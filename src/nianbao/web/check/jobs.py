"""Uploads read off the request path: the request only takes the files; a job reads them in a worker process.

A request to upload (`accept`) refuses at once what needs no reading (too many files, too large, empty, an
unknown type), copies the rest to a folder of its own, records an `UploadJob` and hands it to a small runner
thread. The runner reads each file in the bounded worker pool (`nianbao.jobs`: a wall-time and a memory
limit per file; a file past them is refused with "读取超时" / "内存超限" and its name), then checks and
stores it in a transaction of its own that also records the file's result on the job. The page polls the
job (htmx), the API answers 202 with its URL; neither the event loop nor other users' requests wait on
the reading (it runs in another process, so it does not hold this one's interpreter either).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload, sessionmaker

from nianbao.jobs import JobCrashed, JobError, JobMemoryExceeded, JobTimeout, ReadRefused, read_upload, shared_pool
from nianbao.store import db
from nianbao.store.models import StoredReport, UploadJob, User
from nianbao.web.check.parsing import Parsed, UploadRefused, clean_filename, megabytes, refuse_early, remember
from nianbao.web.check.service import CheckError, store_report
from nianbao.web.check.upload import FileResult, Incoming
from nianbao.web.core.people import Viewer, not_found
from nianbao.web.core.sessions import aware as _aware

log = logging.getLogger("nianbao.web.check")

RUNNER_THREADS = 4
CHUNK = 1024 * 1024
#: A job not heard of for this long (beyond its files' time limits) was cut off by a restart.
STALE_AFTER = dt.timedelta(minutes=2)

_runner: ThreadPoolExecutor | None = None
_runner_lock = threading.Lock()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def runner() -> ThreadPoolExecutor:
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = ThreadPoolExecutor(RUNNER_THREADS, thread_name_prefix="nianbao-upload")
        return _runner


@dataclass
class Taken:
    """The files of one upload: those refused at once (with their result) and those to read (on disk)."""

    folder: Path
    files: list[tuple[str, Path | None, FileResult | None]] = field(default_factory=list)

    @property
    def to_read(self) -> int:
        return sum(1 for _, path, _ in self.files if path is not None)

    @property
    def refused(self) -> list[FileResult]:
        return [r for _, _, r in self.files if r is not None]


def take_files(files: list[Incoming], *, max_bytes: int, max_files: int) -> Taken:
    """Refuses what needs no reading and copies the rest to a folder of its own (a stream is read only up to one
    byte over the limit, so an oversized file is never held whole)."""
    taken = Taken(Path(tempfile.mkdtemp(prefix="nianbao-job-")))
    for number, incoming in enumerate(files, start=1):
        name = clean_filename(incoming.filename)
        if number > max_files:
            message = f"文件“{name}”未处理：一次最多上传 {max_files} 个文件"
            taken.files.append((name, None, FileResult(name, message=message, reason="too_many")))
            continue
        path = taken.folder / f"{number:04d}"
        size = 0
        with path.open("wb") as out:
            while size <= max_bytes:
                chunk = incoming.stream.read(min(CHUNK, max_bytes + 1 - size))
                if not chunk:
                    break
                out.write(chunk)
                size += len(chunk)
        try:
            if size > max_bytes:
                raise UploadRefused(f"文件“{name}”超过 {megabytes(max_bytes)} MB 上限", reason="too_large")
            refuse_early(name, size, max_bytes)
        except UploadRefused as exc:
            path.unlink(missing_ok=True)
            taken.files.append((name, None, FileResult(name, message=str(exc), reason=exc.reason)))
            continue
        taken.files.append((name, path, None))
    return taken


def discard(taken: Taken) -> None:
    shutil.rmtree(taken.folder, ignore_errors=True)


def _entry(n: int, result: FileResult) -> dict[str, Any]:
    """One file's result as kept on the job; `n` is its place in the upload (results are shown in that order)."""
    if result.report is not None:
        return {"n": n, "filename": result.filename, "report_id": result.report.id}
    return {"n": n, "filename": result.filename, "message": result.message, "reason": result.reason}


def create_job(session: Session, viewer: Viewer, agency_id: int | None, taken: Taken) -> UploadJob:
    """The job row, with the files refused at once already among its results."""
    now = _now()
    job = UploadJob(
        user_id=viewer.id,
        agency_id=agency_id,
        state="queued" if taken.to_read else "done",
        total=len(taken.files),
        finished=len(taken.refused),
        results=json.dumps(
            [_entry(n, r) for n, (_, _, r) in enumerate(taken.files) if r is not None], ensure_ascii=False
        ),
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    seconds: float


def _read(name: str, content: bytes, limits: Limits) -> Parsed:
    """The file read in a worker process; UploadRefused naming the file when it cannot be, or not in bounds."""
    try:
        outcome = shared_pool().run(read_upload, name, content, time_limit=limits.seconds)
    except (JobTimeout, JobMemoryExceeded, JobCrashed) as exc:
        reason = (
            "timeout" if isinstance(exc, JobTimeout) else "memory" if isinstance(exc, JobMemoryExceeded) else "crashed"
        )
        raise UploadRefused(f"文件“{name}”{exc}，未保存", reason=reason) from None
    except JobError as exc:
        log.error("reading %s failed in the pool: %s", name, exc)
        raise UploadRefused(f"文件“{name}”无法读取：{exc}", reason="error") from None
    if isinstance(outcome, ReadRefused):
        if outcome.cause == "error":
            log.error("reading %s failed:\n%s", name, outcome.detail)
        return_reason = "error" if outcome.cause == "error" else "unreadable"
        raise UploadRefused(outcome.message, reason=return_reason)
    return Parsed(outcome.report, outcome.lines)


def _record(
    factory: sessionmaker[Session],
    job_id: int,
    n: int,
    viewer: Viewer,
    agency_id: int | None,
    name: str,
    content: bytes,
    parsed: Parsed | None,
    refusal: FileResult | None,
    limits: Limits,
    *,
    source: str = "upload",
    source_url: str | None = None,
) -> None:
    """Stores one file (when it was read) and adds its result to the job, in one transaction. `source` and
    `source_url` are the stored report's (`store_report`): a report fetched by its URL says so."""
    with factory() as session, session.begin():
        job = session.get(UploadJob, job_id)  # one thread writes a job: no lock needed
        assert job is not None
        result = refusal
        stored: StoredReport | None = None
        if result is None:
            assert parsed is not None
            try:
                with session.begin_nested():
                    stored = store_report(
                        session,
                        viewer,
                        name,
                        content,
                        agency_id=agency_id,
                        source=source,
                        source_url=source_url,
                        max_bytes=limits.max_bytes,
                        parsed=parsed,
                    )
            except UploadRefused as exc:
                result = FileResult(name, message=str(exc), reason=exc.reason)
            except CheckError as exc:
                result = FileResult(name, message=f"文件“{name}”：{exc}", reason="unreadable")
            else:
                result = FileResult(name, report=stored)
        entries = json.loads(job.results)
        entries.append(_entry(n, result))
        job.results = json.dumps(entries, ensure_ascii=False)
        job.finished += 1
        job.state = "done" if job.finished >= job.total else "running"
        job.updated_at = _now()
    if stored is not None and parsed is not None:
        remember(stored, parsed)


def run_job(
    factory: sessionmaker[Session], job_id: int, viewer: Viewer, agency_id: int | None, taken: Taken, limits: Limits
) -> None:
    """Reads, checks and stores the job's files one after another; every file ends with a result."""
    try:
        with factory() as session, session.begin():
            session.execute(update(UploadJob).where(UploadJob.id == job_id).values(state="running", updated_at=_now()))
        for n, (name, path, _) in enumerate(taken.files):
            if path is None:
                continue  # refused at once: already among the results
            content = path.read_bytes()
            parsed: Parsed | None = None
            failed: FileResult | None = None
            try:
                parsed = _read(name, content, limits)
            except UploadRefused as exc:
                failed = FileResult(name, message=str(exc), reason=exc.reason)
            except Exception:  # the pool itself failed: the file is not lost silently
                log.exception("reading %s failed", name)
                failed = FileResult(name, message=f"文件“{name}”读取失败，请稍后重新上传", reason="error")
            path.unlink(missing_ok=True)
            try:
                _record(factory, job_id, n, viewer, agency_id, name, content, parsed, failed, limits)
            except SQLAlchemyError as exc:
                log.exception("storing %s failed", name)
                why = "数据库繁忙" if db.is_busy(exc) else "数据库拒绝保存"
                _record(
                    factory,
                    job_id,
                    n,
                    viewer,
                    agency_id,
                    name,
                    content,
                    None,
                    FileResult(name, message=f"文件“{name}”未保存：{why}，请稍后重新上传", reason="busy"),
                    limits,
                )
    except Exception:
        log.exception("upload job %s failed", job_id)
    finally:
        discard(taken)


def start(
    factory: sessionmaker[Session], job_id: int, viewer: Viewer, agency_id: int | None, taken: Taken, limits: Limits
) -> Future[None]:
    return runner().submit(run_job, factory, job_id, viewer, agency_id, taken, limits)


# ---------------------------------------------------------------------------------------------
# Reading a job back
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    id: int
    state: str  # queued | running | done
    total: int
    finished: int
    results: list[FileResult]
    interrupted: bool  # cut off (a restart): some files have no result and never will

    @property
    def done(self) -> bool:
        return self.state == "done" or self.interrupted

    @property
    def stored(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def refused(self) -> int:
        return sum(1 for r in self.results if not r.ok)


def job_view(session: Session, viewer: Viewer, job_id: int, limits: Limits) -> JobView:
    """The job with its results so far: for its uploader, and for whoever sees the uploader's agency (their
    supervisors, an administrator); 404 for anyone else."""
    job = session.get(UploadJob, job_id) if 0 < job_id < 2**31 else None
    uploader = session.get(User, job.user_id) if job is not None else None
    if job is None or (job.user_id != viewer.id and not (uploader and viewer.sees(uploader.agency_id))):
        raise not_found("上传任务")
    entries: list[dict[str, Any]] = sorted(json.loads(job.results), key=lambda e: int(e.get("n", 0)))
    ids = [e["report_id"] for e in entries if "report_id" in e]
    rows = (
        {
            r.id: r
            for r in session.scalars(
                select(StoredReport).where(StoredReport.id.in_(ids)).options(joinedload(StoredReport.agency))
            )
        }
        if ids
        else {}
    )
    results: list[FileResult] = []
    for e in entries:
        if "report_id" in e:
            row = rows.get(e["report_id"])
            results.append(
                FileResult(e["filename"], report=row)
                if row is not None
                else FileResult(e["filename"], message=f"文件“{e['filename']}”的报告已被删除", reason="error")
            )
        else:
            results.append(FileResult(e["filename"], message=e.get("message", ""), reason=e.get("reason", "")))
    quiet = _now() - _aware(job.updated_at)
    interrupted = job.state != "done" and quiet > STALE_AFTER + dt.timedelta(seconds=limits.seconds)
    if interrupted:
        left = job.total - job.finished
        message = f"上传任务中断（{left} 个文件未处理，服务可能已重启），请重新上传这些文件"
        results.append(FileResult("", message=message, reason="interrupted"))
    return JobView(job.id, job.state, job.total, job.finished, results, interrupted)
