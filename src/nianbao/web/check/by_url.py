"""按网址核查 (issue #17): a report checked by its URL, as an upload job of one file that a worker fetches.

The request checks the URL's form and the agency, records an `UploadJob` of one file and hands it to the
upload runner; the runner has the URL fetched and read in the worker pool (`nianbao.jobs.by_url.fetch_report`,
under the read time limit, with the upload's size limit), then the report goes through the uploads' path
(`jobs._record`: checked and stored, the job's result kept). A failure (unreachable, 404, too large, robots.txt,
not a report) ends as an upload's refusal does, its Chinese message naming the URL. The report is stored with
source ``url`` and, in `source_url`, the URL its bytes were read from (`UrlRead.url`: after redirects; for a
page linking the report, the attachment's own URL), shown on its page and in the API (migration 0008).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from urllib.parse import urlsplit

from fastapi import Request
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from nianbao.jobs import JobCrashed, JobError, JobMemoryExceeded, JobTimeout, shared_pool
from nianbao.jobs.by_url import UrlRead, fetch_report
from nianbao.store.models import UploadJob
from nianbao.web.check import jobs
from nianbao.web.check.parsing import Parsed
from nianbao.web.check.starting import limits_of
from nianbao.web.check.upload import FileResult, check_agency
from nianbao.web.core.people import Viewer

__all__ = ["MAX_URL", "UrlInvalid", "check_url", "run_url_job", "start_url_job"]

log = logging.getLogger("nianbao.web.check")

MAX_URL = 2000
#: Set to "1" to let users have addresses of the server's own network fetched (tests on a local server; an
#: intranet deployment whose reports are published internally). Off by default: no SSRF.
ENV_ALLOW_PRIVATE = "NIANBAO_URL_ALLOW_PRIVATE"
#: Seconds to connect, and between two reads of a response (the job's time limit bounds the whole).
FETCH_TIMEOUT = 15.0


class UrlInvalid(ValueError):
    """A URL refused before any fetching (Chinese message)."""


def check_url(value: str) -> str:
    """The URL stripped, or UrlInvalid: only an http(s) address with a host, at most `MAX_URL` characters."""
    url = value.strip()
    if not url:
        raise UrlInvalid("请填写报告所在网页或文件的网址")
    if len(url) > MAX_URL:
        raise UrlInvalid(f"网址过长（不超过 {MAX_URL} 个字符）")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise UrlInvalid(f"网址“{url[:200]}”无效") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise UrlInvalid(f"网址“{url[:200]}”无效：须以 http:// 或 https:// 开头")
    return url


def _fetch(url: str, limits: jobs.Limits) -> tuple[str, bytes, Parsed, str] | FileResult:
    """The URL fetched and read in a worker: the stored name, bytes, report and the URL they came from, or the
    refusal."""
    timeout = min(FETCH_TIMEOUT, limits.seconds)
    try:
        public_only = os.environ.get(ENV_ALLOW_PRIVATE) != "1"
        outcome = shared_pool().run(
            fetch_report, url, limits.max_bytes, timeout, public_only, time_limit=limits.seconds
        )
    except (JobTimeout, JobMemoryExceeded, JobCrashed) as exc:
        reason = (
            "timeout" if isinstance(exc, JobTimeout) else "memory" if isinstance(exc, JobMemoryExceeded) else "crashed"
        )
        return FileResult(url, message=f"网址“{url}”{exc}，未保存", reason=reason)
    except JobError as exc:
        log.error("fetching %s failed in the pool: %s", url, exc)
        return FileResult(url, message=f"网址“{url}”无法获取：{exc}", reason="error")
    if isinstance(outcome, UrlRead):
        return outcome.filename, outcome.content, Parsed(outcome.report, outcome.lines), outcome.url
    if outcome.detail:
        log.error("reading %s failed:\n%s", url, outcome.detail)
    return FileResult(url, message=outcome.message, reason=outcome.reason)


def run_url_job(
    factory: sessionmaker[Session], job_id: int, viewer: Viewer, agency_id: int | None, url: str, limits: jobs.Limits
) -> None:
    """Fetches, reads, checks and stores the report at `url`; the job always ends with its one result."""
    try:
        with factory() as session, session.begin():
            session.execute(
                update(UploadJob).where(UploadJob.id == job_id).values(state="running", updated_at=jobs._now())
            )
        try:
            got = _fetch(url, limits)
        except Exception:  # the pool itself failed: the job does not hang
            log.exception("fetching %s failed", url)
            got = FileResult(url, message=f"网址“{url}”获取失败，请稍后重试", reason="error")
        if isinstance(got, FileResult):
            jobs._record(factory, job_id, 0, viewer, agency_id, url, b"", None, got, limits)
            return
        name, content, parsed, read_from = got
        try:
            jobs._record(
                factory,
                job_id,
                0,
                viewer,
                agency_id,
                name,
                content,
                parsed,
                None,
                limits,
                source="url",
                source_url=read_from,
            )
        except SQLAlchemyError:
            log.exception("storing %s failed", url)
            busy = FileResult(name, message=f"网址“{url}”的报告未保存：数据库繁忙，请稍后重试", reason="busy")
            jobs._record(factory, job_id, 0, viewer, agency_id, name, b"", None, busy, limits)
    except Exception:
        log.exception("URL job %s failed", job_id)


def _create_job(session: Session, viewer: Viewer, agency_id: int | None) -> UploadJob:
    now = dt.datetime.now(dt.UTC)
    job = UploadJob(
        user_id=viewer.id,
        agency_id=agency_id,
        state="queued",
        total=1,
        finished=0,
        results=json.dumps([]),
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def start_url_job(request: Request, viewer: Viewer, url: str, agency_id: int | None, wait: float) -> int:
    """Checks the agency, records the job, starts it and waits up to `wait` seconds; returns the job's id.
    `url` has passed `check_url`."""
    state = request.app.state
    with state.sessions() as session:
        check_agency(session, viewer, agency_id)
    limits = limits_of(request)
    with state.write_sessions() as session, session.begin():
        job_id = _create_job(session, viewer, agency_id).id
    future: Future[None] = jobs.runner().submit(
        run_url_job, state.write_sessions, job_id, viewer, agency_id, url, limits
    )
    if wait > 0:
        with suppress(FutureTimeout):
            future.result(timeout=wait)
    return job_id
