"""The request's database session: one transaction per request, committed when the handler returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

#: Requests that may write: their transaction takes the write lock when it starts (SQLite: BEGIN IMMEDIATE).
WRITING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def db_session(request: Request) -> Iterator[Session]:
    state = request.app.state
    factory = state.write_sessions if request.method in WRITING else state.sessions
    with factory() as session, session.begin():
        yield session


#: ``scope="function"``: committed before the response is sent. With FastAPI's default ("request") the commit ran
#: after it, so the page a POST redirects to could be read before the write was committed (a case just
#: registered answered 404 about one time in four).
DB = Annotated[Session, Depends(db_session, scope="function")]


#: A row's id in a URL path: a positive 32-bit integer (an id past it is a 404 or 422, never a database error).
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
