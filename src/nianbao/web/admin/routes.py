"""Pages of the admin area (系统管理): users, agencies, the working-day calendar and the report deadlines.

One page with a section each; every change is a POST form (with the CSRF field) that redirects back
with a message, or shows the page again with the refusal. Administrators only (everyone else 403).
The JSON API is in `api.py`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from nianbao.ledger import calendar_store
from nianbao.ledger.calendar import LIBRARY_YEARS
from nianbao.store.models import ROLES, Agency, User
from nianbao.web.admin import service
from nianbao.web.admin.api import api
from nianbao.web.admin.service import LEVELS, AdminError, UserChange
from nianbao.web.core.database import DB
from nianbao.web.core.people import ROLE_LABELS, Admin, Viewer, not_found
from nianbao.web.core.templating import page
from nianbao.web.jurisdiction.deadlines import Deadlines, load_deadlines, parse_month_day, store_deadlines
from nianbao.web.jurisdiction.status import agency_tree

__all__ = ["api", "pages"]

pages = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=200)]
MAX_CALENDAR_FILE = 1024 * 1024


def _fast(request: Request) -> bool:
    return bool(request.app.state.settings.fast_password_hashes)


def _admin_page(
    request: Request, session: DB, viewer: Viewer, *, error: str = "", status: int = 200, calendar_text: str = ""
) -> Response:
    state = service.calendar_state(session)
    context: dict[str, Any] = {
        "title": "系统管理",
        "users": service.list_users(session),
        "agencies": agency_tree(session, viewer),
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        "role_labels": ROLE_LABELS,
        "levels": LEVELS,
        "calendar": state,
        "calendar_text": calendar_text,
        "library_years": LIBRARY_YEARS,
        "deadlines": load_deadlines(session),
        "calendar_notice": calendar_store.load_calendar(session).notice(request.app.state.settings.today()),
        "flash": request.session.pop("admin_flash", ""),
        "error": error,
    }
    return page(request, "admin/index.html", context, status_code=status)


def _done(request: Request, message: str, anchor: str) -> Response:
    request.session["admin_flash"] = message
    return RedirectResponse(f"/admin#{anchor}", status_code=303)


def _refused(request: Request, session: DB, viewer: Viewer, exc: AdminError, **extra: str) -> Response:
    return _admin_page(request, session, viewer, error=str(exc), status=409 if exc.conflict else 400, **extra)


def _id(text: str, what: str) -> int | None:
    """An optional id from a form's select ("" means none)."""
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > 2**31 - 1:
        raise AdminError(f"{what}无效")
    return int(text)


@pages.get("/admin")
def admin_page(request: Request, session: DB, viewer: Admin) -> Response:
    return _admin_page(request, session, viewer)


@pages.post("/admin/users")
def create_user(
    request: Request,
    session: DB,
    viewer: Admin,
    username: Text = "",
    display_name: Text = "",
    role: Text = "",
    agency_id: Text = "",
    password: Text = "",
) -> Response:
    try:
        user = service.new_user(
            session,
            username,
            password,
            role,
            _id(agency_id, "机关"),
            display_name=display_name,
            fast_hash=_fast(request),
        )
    except AdminError as exc:
        return _refused(request, session, viewer, exc)
    return _done(request, f"已创建用户“{user.username}”", "users")


def _user_or_404(session: DB, user_id: int) -> User:
    user = service.get_user(session, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise not_found("用户")
    return user


@pages.post("/admin/users/{user_id}/active")
def set_active(request: Request, session: DB, viewer: Admin, user_id: int, active: Text = "") -> Response:
    user = _user_or_404(session, user_id)
    try:
        service.update_user(session, viewer, user, UserChange(active=active == "1"))
    except AdminError as exc:
        return _refused(request, session, viewer, exc)
    return _done(request, f"已{'启用' if user.active else '停用'}用户“{user.username}”", "users")


@pages.post("/admin/users/{user_id}/password")
def reset_password(request: Request, session: DB, viewer: Admin, user_id: int, password: Text = "") -> Response:
    user = _user_or_404(session, user_id)
    try:
        service.update_user(session, viewer, user, UserChange(password=password), fast_hash=_fast(request))
    except AdminError as exc:
        return _refused(request, session, viewer, exc)
    return _done(request, f"已重设用户“{user.username}”的密码", "users")


@pages.post("/admin/users/{user_id}/sessions")
def sign_out_everywhere(request: Request, session: DB, viewer: Admin, user_id: int) -> Response:
    user = _user_or_404(session, user_id)
    count = service.sign_out_everywhere(session, user)
    return _done(request, f"已让用户“{user.username}”在所有设备上退出登录（结束 {count} 个会话）", "users")


@pages.post("/admin/users/{user_id}")
def edit_user(
    request: Request,
    session: DB,
    viewer: Admin,
    user_id: int,
    display_name: Text = "",
    role: Text = "",
    agency_id: Text = "",
) -> Response:
    user = _user_or_404(session, user_id)
    try:
        change = UserChange(
            display_name=display_name, role=role or None, set_agency=True, agency_id=_id(agency_id, "机关")
        )
        service.update_user(session, viewer, user, change)
    except AdminError as exc:
        return _refused(request, session, viewer, exc)
    return _done(request, f"已修改用户“{user.username}”", "users")


@pages.post("/admin/agencies")
def create_agency(
    request: Request, session: DB, viewer: Admin, name: Text = "", level: Text = "", parent_id: Text = ""
) -> Response:
    try:
        agency = service.new_agency(session, name, level, _id(parent_id, "上级机关"))
    except AdminError as exc:
        return _refused(request, session, viewer, exc)
    return _done(request, f"已创建机关“{agency.name}”", "agencies")


@pages.post("/admin/agencies/{agency_id}")
def edit_agency(
    request: Request,
    session: DB,
    viewer: Admin,
    agency_id: int,
    name: Text = "",
    level: Text = "",
    parent_id: Text = "",
) -> Response:
    agency = session.get(Agency, agency_id) if 0 < agency_id < 2**31 else None
    if agency is None:
        raise not_found("机关")
    try:
        service.update_agency(
            session,
            agency,
            name=name or None,
            level=level or None,
            set_parent=True,
            parent_id=_id(parent_id, "上级机关"),
        )
    except AdminError as exc:
        return _refused(request, session, viewer, exc)
    return _done(request, f"已修改机关“{agency.name}”", "agencies")


@pages.post("/admin/calendar")
def load_calendar(
    request: Request,
    session: DB,
    viewer: Admin,
    text: Annotated[str, Form(max_length=service.MAX_CALENDAR_CHARS)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    replace: Text = "",
) -> Response:
    content = text
    if file is not None and file.filename:
        data = file.file.read(MAX_CALENDAR_FILE + 1)
        try:
            if len(data) > MAX_CALENDAR_FILE:
                raise AdminError("日历文件过大（不超过 1 MB）")
            try:
                content = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise AdminError(f"文件“{file.filename}”不是 UTF-8 文本") from None
        except AdminError as exc:
            return _refused(request, session, viewer, exc, calendar_text=text)
    try:
        loaded = service.load_calendar_text(
            session, content, request.app.state.settings.today(), replace=replace == "1"
        )
    except AdminError as exc:
        return _refused(request, session, viewer, exc, calendar_text=content[: service.MAX_CALENDAR_CHARS])
    return _done(
        request,
        f"已导入工作日历：{loaded.days} 个日期，新声明 {loaded.years} 个完整年份；"
        f"{loaded.refreshed} 个未办结案件的答复期限随之重新计算（已记入案件事件）",
        "calendar",
    )


@pages.post("/admin/deadlines")
def set_deadlines(
    request: Request, session: DB, viewer: Admin, government: Text = "", department: Text = ""
) -> Response:
    try:
        chosen = Deadlines(government=parse_month_day(government), department=parse_month_day(department))
    except ValueError as exc:
        return _refused(request, session, viewer, AdminError(str(exc)))
    store_deadlines(session, chosen)
    return _done(request, "已保存年报报送期限", "deadlines")
