"""Accounts: creating users and signing in, with failed attempts limited per account and per address."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from nianbao.store import db
from nianbao.store.models import ROLES, Agency, LoginAttempt, User
from nianbao.web.core import sessions
from nianbao.web.core.passwords import dummy_hash, hash_password, password_problem, verify_password


class AccountError(Exception):
    """A refused account operation, with a Chinese one-line message."""


class TooManyAttempts(AccountError):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"登录失败次数过多，请 {minutes} 分钟后再试")
        self.minutes = minutes


@dataclass(frozen=True)
class Limits:
    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    known_days: int = 30  # an address the account signed in from this recently passes the account's lock
    fast_hashes: bool = False  # the dummy hash of unknown names matches the real ones' parameters


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    agency: Agency | None,
    *,
    display_name: str = "",
    fast_hash: bool = False,
    check_password: bool = True,
) -> User:
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    if role not in ROLES:
        raise AccountError(f"角色“{role}”无效，应为：{'、'.join(ROLES)}")
    if role != "admin" and agency is None:
        raise AccountError("除系统管理员外，用户必须属于一个机关")
    if check_password and (problem := password_problem(password)):
        raise AccountError(problem)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"用户名“{username}”已存在")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        agency_id=agency.id if agency else None,
        password_hash=hash_password(password, fast=fast_hash),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str, *, fast_hash: bool = False) -> None:
    if problem := password_problem(password):
        raise AccountError(problem)
    user.password_hash = hash_password(password, fast=fast_hash)
    session.flush()
    sessions.revoke_user(session, user.id)  # whoever knew the old password is signed out everywhere


def _failures(session: Session, which: ColumnElement[bool], since: dt.datetime) -> tuple[int, dt.datetime | None]:
    row = session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            LoginAttempt.ok.is_(False), LoginAttempt.at >= since, which
        )
    ).one()
    first = row[1]
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=dt.UTC)
    return int(row[0]), first


def _wait(first: dt.datetime | None, limits: Limits, now: dt.datetime) -> TooManyAttempts:
    wait = (first + limits.window - now) if first else limits.window
    return TooManyAttempts(max(1, int(wait.total_seconds() // 60) + 1))


def _record(session: Session, username: str, address: str, ok: bool, now: dt.datetime) -> None:
    """Record one attempt (a success clears the account's failures) in a short transaction of its own.

    Its own: the request's transaction is rolled back when a refusal is raised, and on SQLite a request
    that read first and then wrote could not upgrade its read snapshot once another sign-in had committed
    ("database is locked" at once, whatever the busy timeout). A writer's session (``BEGIN IMMEDIATE``,
    `db.WRITE`) takes the write lock up front, so concurrent sign-ins queue on the busy timeout instead.
    """
    bind = session.get_bind()
    with Session(bind.execution_options(**{db.WRITE: True})) as own:
        own.add(LoginAttempt(username=username, address=address, ok=ok, at=now))
        if ok:
            own.execute(delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.ok.is_(False)))
            own.execute(delete(LoginAttempt).where(LoginAttempt.at < now - dt.timedelta(days=30)))
        own.commit()


def authenticate(session: Session, username: str, password: str, address: str, limits: Limits) -> User:
    """The user, if the password is right and neither the address nor (from an unknown address) the account is
    over its limit.

    - An address with too many failures (any names) is refused for a while.
    - An account with too many failures (from any addresses) is refused only from addresses it has not signed
      in from within `Limits.known_days`: whoever guesses at a name cannot lock its owner out of their desk.
    - An unknown or stopped name still costs one password verification (against a dummy hash with the same
      parameters), so the time of a refusal does not tell which names exist; messages do not either.

    Every attempt is recorded; a success clears the account's failures. The checks read through a short
    session of their own, closed before the (slow) password hash is verified and before the attempt is
    recorded, and `session` is first used for the returned user: a sign-in never holds two pooled
    connections at once, so many at once cannot exhaust the pool.
    """
    now = _now()
    username = "".join(ch for ch in username.strip() if ch.isprintable())[:60]  # PostgreSQL refuses NUL in text
    address = "".join(ch for ch in address if ch.isprintable())[:60]
    since = now - limits.window
    with Session(session.get_bind()) as own:
        by_address, first_address = _failures(own, LoginAttempt.address == address, since)
        by_account, first_account = _failures(own, LoginAttempt.username == username, since)
        known = (
            own.scalar(
                select(LoginAttempt.id)
                .where(
                    LoginAttempt.username == username,
                    LoginAttempt.address == address,
                    LoginAttempt.ok.is_(True),
                    LoginAttempt.at >= now - dt.timedelta(days=limits.known_days),
                )
                .limit(1)
            )
            is not None
        )
        found = own.execute(select(User.id, User.active, User.password_hash).where(User.username == username)).first()
    if by_address >= limits.max_failures:
        raise _wait(first_address, limits, now)
    if by_account >= limits.max_failures and not known:
        raise _wait(first_account, limits, now)
    stored = found.password_hash if found is not None else dummy_hash(fast=limits.fast_hashes)
    ok = verify_password(stored, password) and found is not None and found.active
    _record(session, username, address, ok, now)
    user = session.get(User, found.id) if ok and found is not None else None
    if user is None:
        count = by_address if known else max(by_address, by_account)
        left = limits.max_failures - count - 1
        hint = f"（再失败 {left} 次将暂停登录）" if 0 < left <= 2 else ""
        raise AccountError(f"用户名或密码不正确{hint}")
    return user
