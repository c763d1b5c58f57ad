"""Server-side sessions: the cookie carries only an opaque random token; the session lives in ``web_sessions``.

The row is found by the token's SHA-256 (a copied database does not yield usable cookies), and a session
ends for good when its row is revoked: at sign-out, when the user's password changes, when an administrator
signs the user out everywhere, or when it has been idle (`Settings.session_idle_hours`) or alive
(`Settings.session_days`) too long.

`ServerSessions` is a pure ASGI middleware that keeps ``request.session`` a dict, as Starlette's cookie
sessions were: it loads the row before the app runs and saves what changed before the response starts. The
acts that must land or fail truthfully (signing in and out) are done by the handlers themselves with
`sign_in` and `sign_out`, inside their request, so a busy database is reported as such. Other changes
(a CSRF token for a visitor, a one-time message) are stored when the request is over, once its own
transaction has closed; the cookie of a new session is set with the response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nianbao.store.models import WebSession

log = logging.getLogger(__name__)

COOKIE = "nianbao"
#: How often a session's last-seen time is written while it is merely used (not changed).
TOUCH_EVERY = dt.timedelta(minutes=5)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time with its zone (SQLite drops it; they are all UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Lifetimes:
    idle: dt.timedelta
    absolute: dt.timedelta


class SessionData(dict[str, Any]):
    """``request.session``: a dict that knows whether it changed and which row it belongs to."""

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        row_id: int | None = None,
        last_seen: dt.datetime | None = None,
    ) -> None:
        super().__init__(data or {})
        self.token = token
        self.row_id = row_id
        self.last_seen = last_seen
        self.modified = False
        self.fresh_cookie = False  # the token is new: the response sets the cookie

    def _changed(self) -> None:
        self.modified = True

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self._changed()
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self._changed()
        return super().setdefault(key, default)

    def clear(self) -> None:
        if self:
            self._changed()
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()


# ---------------------------------------------------------------------------------------------
# The rows
# ---------------------------------------------------------------------------------------------


def load(factory: sessionmaker[Session], token: str, lifetimes: Lifetimes, now: dt.datetime) -> SessionData | None:
    """The live session of this token, or None (unknown, revoked, idle too long or too old)."""
    with factory() as db:
        row = db.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
        if row is None or row.revoked_at is not None:
            return None
        last_seen = aware(row.last_seen)
        if aware(row.created_at) < now - lifetimes.absolute or last_seen < now - lifetimes.idle:
            return None
        try:
            data = json.loads(row.data)
        except ValueError:
            data = {}
        return SessionData(data if isinstance(data, dict) else {}, token=token, row_id=row.id, last_seen=last_seen)


def _insert(
    db: Session, data: dict[str, Any], user_id: int | None, now: dt.datetime, token: str | None = None
) -> tuple[str, int]:
    token = token or secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=token_hash(token),
        user_id=user_id,
        data=json.dumps(data, ensure_ascii=False),
        created_at=now,
        last_seen=now,
    )
    db.add(row)
    db.flush()
    return token, row.id


def save(factory: sessionmaker[Session], state: SessionData, now: dt.datetime) -> None:
    """Store what changed in ``request.session`` (a new row for a session that had none)."""
    user_id = state.get("user_id") if isinstance(state.get("user_id"), int) else None
    with factory() as db, db.begin():
        if state.row_id is None:
            state.token, state.row_id = _insert(db, dict(state), user_id, now, state.token)
        else:
            db.execute(
                update(WebSession)
                .where(WebSession.id == state.row_id)
                .values(data=json.dumps(dict(state), ensure_ascii=False), last_seen=now)
            )
    state.modified = False


def touch(factory: sessionmaker[Session], row_id: int, now: dt.datetime) -> None:
    with factory() as db, db.begin():
        db.execute(update(WebSession).where(WebSession.id == row_id).values(last_seen=now))


def revoke_user(db: Session, user_id: int, *, keep: Iterable[int] = ()) -> int:
    """End every live session of this user (password changed, account stopped, "sign out everywhere")."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    kept = list(keep)
    if kept:
        query = query.where(WebSession.id.not_in(kept))
    return int(db.execute(query.values(revoked_at=_now())).rowcount or 0)  # type: ignore[attr-defined]


def purge(db: Session, lifetimes: Lifetimes, now: dt.datetime) -> None:
    """Forget rows that can no longer be used (kept a day after revocation, for the record)."""
    db.execute(
        delete(WebSession).where(
            or_(
                WebSession.last_seen < now - lifetimes.idle,
                WebSession.created_at < now - lifetimes.absolute,
                WebSession.revoked_at < now - dt.timedelta(days=1),
            )
        )
    )


# ---------------------------------------------------------------------------------------------
# What handlers call
# ---------------------------------------------------------------------------------------------


def _state(request: Request) -> SessionData:
    state = request.scope.get("session")
    if not isinstance(state, SessionData):
        raise RuntimeError("ServerSessions middleware is not installed")
    return state


def sign_in(request: Request, db: Session, user_id: int) -> str:
    """Start a new session for this user in the request's (writing) transaction; the old token is revoked,
    so a session id fixed before sign-in is worthless after it. Returns the new CSRF token."""
    state = _state(request)
    now = _now()
    if state.row_id is not None:
        db.execute(update(WebSession).where(WebSession.id == state.row_id).values(revoked_at=now))
    csrf = secrets.token_urlsafe(32)
    data = {"user_id": user_id, "csrf": csrf}
    purge(db, request.app.state.session_lifetimes, now)
    state.token, state.row_id = _insert(db, data, user_id, now)
    dict.clear(state)
    dict.update(state, data)
    state.modified = False
    state.fresh_cookie = True
    state.last_seen = now
    return csrf


def sign_out(request: Request, db: Session) -> None:
    """End this session for good: the row is revoked, so a copy of the cookie is worthless too."""
    state = _state(request)
    if state.row_id is not None:
        db.execute(update(WebSession).where(WebSession.id == state.row_id).values(revoked_at=_now()))
    dict.clear(state)
    state.row_id = state.token = None
    state.modified = False


# ---------------------------------------------------------------------------------------------
# The middleware
# ---------------------------------------------------------------------------------------------


class ServerSessions:
    def __init__(
        self,
        app: ASGIApp,
        *,
        reader: sessionmaker[Session],
        writer: sessionmaker[Session],
        lifetimes: Lifetimes,
        secure: bool = False,
        skip: tuple[str, ...] = ("/static/",),
    ) -> None:
        self.app = app
        self.reader = reader
        self.writer = writer
        self.lifetimes = lifetimes
        self.secure = secure
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or str(scope.get("path", "")).startswith(self.skip):
            if scope["type"] in ("http", "websocket"):
                scope["session"] = SessionData()
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        sent_token = connection.cookies.get(COOKIE)
        now = _now()
        state: SessionData | None = None
        if sent_token and len(sent_token) <= 100:
            try:
                state = await run_in_threadpool(load, self.reader, sent_token, self.lifetimes, now)
            except SQLAlchemyError:
                log.exception("session could not be read")
        state = state or SessionData()
        scope["session"] = state
        secure = self.secure or scope.get("scheme") in ("https", "wss")
        # A reading request holds no write lock: its session is stored before the response leaves, so the
        # browser's next request finds it. A writing one's is stored when it is over (its lock released).
        early = scope.get("method", "GET") in ("GET", "HEAD")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                if early:
                    await self._settle(state, now)
                elif state.modified and state and state.row_id is None:
                    state.token = secrets.token_urlsafe(32)  # its row is stored once the request is over
                    state.fresh_cookie = True
                headers = MutableHeaders(scope=message)
                if state.token and state.fresh_cookie:
                    headers.append("Set-Cookie", self._cookie(state.token, secure))
                elif sent_token and state.token is None:
                    headers.append("Set-Cookie", self._cookie("", secure, expire=True))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
        if not early:
            await self._settle(state, now)

    async def _settle(self, state: SessionData, now: dt.datetime) -> None:
        try:
            if state.modified and (state or state.row_id is not None):
                fresh = state.row_id is None and state.token is None
                await run_in_threadpool(save, self.writer, state, now)
                state.fresh_cookie = state.fresh_cookie or fresh
            elif state.row_id is not None and state.last_seen is not None and now - state.last_seen > TOUCH_EVERY:
                await run_in_threadpool(touch, self.writer, state.row_id, now)
        except SQLAlchemyError:  # the page itself is answered; a session detail (a flash, last seen) is not kept
            log.warning("session could not be saved", exc_info=True)

    def _cookie(self, token: str, secure: bool, *, expire: bool = False) -> str:
        age = 0 if expire else int(self.lifetimes.absolute.total_seconds())
        parts = [f"{COOKIE}={token}", "Path=/", f"Max-Age={age}", "HttpOnly", "SameSite=Lax"]
        if secure:
            parts.append("Secure")
        return "; ".join(parts)
