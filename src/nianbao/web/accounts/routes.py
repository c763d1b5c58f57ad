"""Sign-in and sign-out pages, the home page, and the session API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from nianbao.web.accounts.service import AccountError, Limits, TooManyAttempts, authenticate
from nianbao.web.core import sessions
from nianbao.web.core.database import DB
from nianbao.web.core.people import CurrentViewer, Viewer, viewer_of
from nianbao.web.core.templating import page
from nianbao.web.home import home_context

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["登录"])


def _limits(request: Request) -> Limits:
    s = request.app.state.settings
    return Limits(s.login_max_failures, s.login_window, fast_hashes=s.fast_password_hashes)


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


@contextmanager
def _signing_in(request: Request) -> Iterator[Session]:
    """The transaction of a sign-in, committed before the handler returns: the answer is never waiting for a
    thread while the write lock is held. One pooled connection at a time: `authenticate` closes its own
    sessions before it uses this one, so that many sign-ins at once cannot exhaust the pool."""
    with request.app.state.write_sessions() as session, session.begin():
        yield session


def _end_session(request: Request) -> None:
    with request.app.state.write_sessions() as session, session.begin():
        sessions.sign_out(request, session)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@pages.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", {"next": _safe_next(next), "error": None, "username": ""})


@pages.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        with _signing_in(request) as session:
            user = authenticate(session, username, password, _address(request), _limits(request))
            sessions.sign_in(request, session, user.id)
    except AccountError as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        return page(
            request,
            "login.html",
            {"next": _safe_next(next), "error": str(exc), "username": username},
            status_code=status,
        )
    return RedirectResponse(_safe_next(next), status_code=303)


@pages.post("/logout")
def logout(request: Request) -> Response:
    _end_session(request)
    return RedirectResponse("/login", status_code=303)


@pages.get("/")
def home(request: Request, session: DB, viewer: CurrentViewer) -> Response:
    """The home page: the areas, and for a clerk what needs doing today (`nianbao.web.home`)."""
    return page(request, "home.html", home_context(session, viewer, request.app.state.settings.today()))


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    agency_id: int | None
    agency_name: str
    agency_ids: list[int] | None = Field(description="可查看的机关编号；管理员为 null（全部）")


class SessionOut(BaseModel):
    csrf_token: str = Field(description="此后的修改类请求须在 X-CSRF-Token 请求头中携带")
    user: Me


def _me(viewer: Viewer) -> Me:
    return Me(
        id=viewer.id,
        username=viewer.username,
        display_name=viewer.display_name,
        role=viewer.role,
        role_label=viewer.role_label,
        agency_id=viewer.agency_id,
        agency_name=viewer.agency_name,
        agency_ids=sorted(viewer.scope) if viewer.scope is not None else None,
    )


@api.post(
    "/session",
    response_model=SessionOut,
    responses={400: {"description": "用户名或密码不正确"}, 429: {"description": "登录失败次数过多"}},
)
def api_login(request: Request, credentials: Credentials) -> SessionOut:
    """Sign in with JSON; the session cookie is set and the CSRF token returned."""
    try:
        with _signing_in(request) as session:
            user = authenticate(
                session, credentials.username, credentials.password, _address(request), _limits(request)
            )
            token = sessions.sign_in(request, session, user.id)
            return SessionOut(csrf_token=token, user=_me(viewer_of(session, user)))
    except TooManyAttempts as exc:
        raise HTTPException(429, str(exc)) from None
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from None


@api.delete("/session", status_code=204)
def api_logout(request: Request) -> Response:
    """Sign out: the session ends on the server, so a copy of its cookie no longer works either."""
    _end_session(request)
    return Response(status_code=204)


@api.get("/me", response_model=Me)
def me(viewer: CurrentViewer) -> Me:
    """The signed-in person, their role and the agencies they may see."""
    return _me(viewer)
