"""The administrator's service: users, agencies and the working-day calendar, shared by the pages and the API.

Users are made with `accounts.service.create_user` and passwords set with `set_password` (their rules
and Chinese messages); agencies go through `ledger.agencies.set_agency`, which refuses cycles; calendar
overrides are read with `ledger.calendar.parse_overrides` and stored with `calendar_store.store_calendar`, the
same path as ``nianbao ledger calendar load``.

Guards the service adds: an administrator cannot deactivate or demote themself (nor leave the system
without an active administrator); names are checked for length and control characters before they reach
the database (PostgreSQL refuses NUL and over-long values with an error, not a message).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from nianbao.ledger import agencies, calendar_store
from nianbao.ledger.calendar import format_overrides, parse_overrides
from nianbao.ledger.errors import LedgerError
from nianbao.store.models import ROLES, Agency, CalendarDay, CalendarYear, User
from nianbao.web.accounts.service import AccountError, create_user, set_password
from nianbao.web.core import sessions
from nianbao.web.core.people import Viewer

LEVELS: dict[str, str] = {"government": "人民政府", "department": "政府部门"}
MAX_CALENDAR_CHARS = 200_000


class AdminError(Exception):
    """A refused administration request, with a Chinese one-line message."""

    def __init__(self, message: str, *, conflict: bool = False) -> None:
        super().__init__(message)
        self.conflict = conflict  # True: clashes with what is stored (409), else bad input (400)


def clean_text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    """`value` stripped; AdminError when empty (if required), too long, or with control characters."""
    text = (value or "").strip()
    if required and not text:
        raise AdminError(f"{what}不能为空")
    if len(text) > limit:
        raise AdminError(f"{what}不能超过 {limit} 个字符")
    if any(ord(ch) < 32 or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise AdminError(f"{what}含有控制字符或无效字符")
    return text


# --------------------------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------------------------


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).options(joinedload(User.agency)).order_by(User.id)))


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def _agency(session: Session, agency_id: int | None) -> Agency | None:
    if agency_id is None:
        return None
    found = session.get(Agency, agency_id)
    if found is None:
        raise AdminError(f"机关编号 {agency_id} 不存在")
    return found


def new_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    agency_id: int | None,
    *,
    display_name: str = "",
    fast_hash: bool = False,
) -> User:
    """A new active user (AdminError with the accounts service's message when refused)."""
    username = clean_text(username, "用户名", 60)
    display_name = clean_text(display_name, "姓名", 100, required=False)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AdminError(f"用户名“{username}”已存在", conflict=True)
    agency = _agency(session, agency_id)
    try:
        return create_user(session, username, password, role, agency, display_name=display_name, fast_hash=fast_hash)
    except AccountError as exc:
        raise AdminError(str(exc)) from None


def _active_admins(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))) or 0
    )


@dataclass(frozen=True)
class UserChange:
    """What to change on a user; None leaves a field as it is (`agency_id` only when `set_agency`)."""

    display_name: str | None = None
    role: str | None = None
    set_agency: bool = False
    agency_id: int | None = None
    active: bool | None = None
    password: str | None = None


def update_user(session: Session, acting: Viewer, user: User, change: UserChange, *, fast_hash: bool = False) -> User:
    """Applies `change` to `user`; AdminError when refused (nothing is changed then)."""
    role = user.role if change.role is None else change.role
    if role not in ROLES:
        raise AdminError(f"角色“{role}”无效，应为：{'、'.join(ROLES)}")
    agency = _agency(session, change.agency_id) if change.set_agency else user.agency
    if role != "admin" and agency is None:
        raise AdminError("除系统管理员外，用户必须属于一个机关")
    active = user.active if change.active is None else change.active
    if user.id == acting.id and not active:
        raise AdminError("不能停用自己的账户")
    if user.id == acting.id and role != "admin":
        raise AdminError("不能取消自己的管理员角色")
    if user.role == "admin" and user.active and (role != "admin" or not active) and _active_admins(session) <= 1:
        raise AdminError("系统中至少要保留一名启用的管理员", conflict=True)
    display = None if change.display_name is None else clean_text(change.display_name, "姓名", 100, required=False)
    if change.password is not None:  # last check, first change: nothing else is changed when refused
        try:
            set_password(session, user, change.password, fast_hash=fast_hash)
        except AccountError as exc:
            raise AdminError(str(exc)) from None
    if display is not None:
        user.display_name = display or user.username
    user.role, user.agency, user.active = role, agency, active
    session.flush()
    if not active:
        sessions.revoke_user(session, user.id)
    return user


def sign_out_everywhere(session: Session, user: User) -> int:
    """End every session of this user (a lost laptop, a shared password); returns how many were live."""
    return sessions.revoke_user(session, user.id)


# --------------------------------------------------------------------------------------------
# Agencies
# --------------------------------------------------------------------------------------------


def _level(level: str) -> str:
    if level not in LEVELS:
        raise AdminError(f"机关层级“{level}”无效，应为 government（人民政府）或 department（政府部门）")
    return level


def new_agency(session: Session, name: str, level: str, parent_id: int | None) -> Agency:
    name = clean_text(name, "机关名称", 200)
    if session.scalar(select(Agency.id).where(Agency.name == name)) is not None:
        raise AdminError(f"机关“{name}”已存在", conflict=True)
    parent = _agency(session, parent_id)
    try:
        return agencies.set_agency(session, name, level=_level(level), parent=parent.name if parent else "")
    except LedgerError as exc:
        raise AdminError(str(exc)) from None


def update_agency(
    session: Session,
    agency: Agency,
    *,
    name: str | None = None,
    level: str | None = None,
    set_parent: bool = False,
    parent_id: int | None = None,
) -> Agency:
    """Renames, changes the level or the parent (None: top level); a cycle is refused (nothing changed)."""
    if level is not None:
        level = _level(level)
    if name is not None:
        name = clean_text(name, "机关名称", 200)
        other = session.scalar(select(Agency.id).where(Agency.name == name))
        if other is not None and other != agency.id:
            raise AdminError(f"机关“{name}”已存在", conflict=True)
    if set_parent:
        parent = _agency(session, parent_id)
        try:
            agencies.set_agency(session, agency.name, parent=parent.name if parent else "")
        except LedgerError as exc:
            raise AdminError(str(exc), conflict=True) from None
    if level is not None:
        agency.level = level
    if name is not None:
        agency.name = name
    session.flush()
    return agency


# --------------------------------------------------------------------------------------------
# The working-day calendar
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarState:
    days: list[tuple[dt.date, bool, str]]
    years: list[int]

    @property
    def text(self) -> str:
        return format_overrides({d: w for d, w, _ in self.days}, self.years)


def calendar_state(session: Session) -> CalendarState:
    days = [
        (d, w, n)
        for d, w, n in session.execute(
            select(CalendarDay.day, CalendarDay.workday, CalendarDay.note).order_by(CalendarDay.day)
        )
    ]
    years = list(session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)))
    return CalendarState(days, years)


@dataclass(frozen=True)
class CalendarLoaded:
    days: int  # dates stored
    years: int  # years newly declared complete
    refreshed: int  # open cases whose stored deadline moved


def load_calendar_text(session: Session, text: str, today: dt.date, *, replace: bool = False) -> CalendarLoaded:
    """Parses and stores overrides (replacing every stored one when `replace`), then moves the stored
    deadlines of open cases accordingly.

    AdminError with the parser's Chinese message (it names the line) when the text is refused.
    """
    if len(text) > MAX_CALENDAR_CHARS:
        raise AdminError(f"日历内容过长（超过 {MAX_CALENDAR_CHARS} 个字符）")
    if "\x00" in text:
        raise AdminError("日历内容含有无效字符")
    try:
        overrides, years = parse_overrides(text)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    if not overrides and not years:
        raise AdminError("没有读到任何日期或年份声明（格式：每行“2027-01-01 休”或“year: 2027”）")
    if replace:
        session.execute(delete(CalendarDay))
        session.execute(delete(CalendarYear))
        session.flush()
    days, new_years = calendar_store.store_calendar(session, overrides, years)
    reason = calendar_store.calendar_change(overrides, years)
    return CalendarLoaded(days, new_years, calendar_store.settle_deadlines(session, today, reason))
