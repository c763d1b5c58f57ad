"""Starting an upload job from a request: shared by the upload page and the API.

The request holds no transaction while the files are taken and while it waits: the agency is checked in a
short read session, the job row is committed in a short write session of its own, and only then is the job
handed to the runner (which writes as it goes; on SQLite a request holding the write lock would stall it).
"""

from __future__ import annotations

from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress

from fastapi import Request

from nianbao.web.check import jobs
from nianbao.web.check.upload import Incoming, check_agency
from nianbao.web.core.people import Viewer


def limits_of(request: Request) -> jobs.Limits:
    settings = request.app.state.settings
    return jobs.Limits(max_bytes=settings.max_upload_bytes, seconds=float(settings.read_seconds))


def start_upload(request: Request, viewer: Viewer, incoming: list[Incoming], agency_id: int | None, wait: float) -> int:
    """Takes the files, starts their job and waits up to `wait` seconds for it; returns the job's id."""
    state = request.app.state
    with state.sessions() as session:
        check_agency(session, viewer, agency_id)
    limits = limits_of(request)
    taken = jobs.take_files(incoming, max_bytes=limits.max_bytes, max_files=state.settings.max_upload_files)
    try:
        with state.write_sessions() as session, session.begin():
            job_id = jobs.create_job(session, viewer, agency_id, taken).id
    except BaseException:
        jobs.discard(taken)
        raise
    if taken.to_read:
        future = jobs.start(state.write_sessions, job_id, viewer, agency_id, taken, limits)
        if wait > 0:
            with suppress(FutureTimeout):
                future.result(timeout=wait)
    else:
        jobs.discard(taken)
    return job_id
