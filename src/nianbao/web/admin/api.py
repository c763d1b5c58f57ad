"""The administration API (tag 管理; administrators only, everyone else 403) and the agency list of the
signed-in person's scope (tag 机关; every role). Password hashes never leave the server."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from nianbao.store.models import Agency, User
from nianbao.web.admin import service
from nianbao.web.admin.service import AdminError, UserChange
from nianbao.web.core.database import DB, RowId
from nianbao.web.core.people import ROLE_LABELS, Admin, CurrentViewer, not_found
from nianbao.web.jurisdiction.status import Node, agency_tree

api = APIRouter(prefix="/api/v1")

Id = RowId
Role = Literal["clerk", "reviewer", "supervisor", "admin"]
Level = Literal["government", "department"]
AgencyRef = Annotated[int | None, Field(ge=1, le=2**31 - 1, description="机关编号；系统管理员可为 null")]


def _refused(exc: AdminError) -> HTTPException:
    return HTTPException(409 if exc.conflict else 400, str(exc))


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str = Field(description="clerk（经办）、reviewer（审核）、supervisor（监管）、admin（管理员）")
    role_label: str
    agency_id: int | None
    agency_name: str
    active: bool
    created_at: dt.datetime | None


def _user(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=ROLE_LABELS.get(user.role, user.role),
        agency_id=user.agency_id,
        agency_name=user.agency.name if user.agency else "",
        active=user.active,
        created_at=user.created_at,
    )


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    display_name: str = Field("", max_length=100)
    role: Role
    agency_id: AgencyRef = None
    password: str = Field(min_length=1, max_length=200, description="初始密码：至少 8 位，须含字母和数字")


class UserPatch(BaseModel):
    display_name: str | None = Field(None, max_length=100)
    role: Role | None = None
    agency_id: AgencyRef = None
    active: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=200, description="重设密码")


class AgencyOut(BaseModel):
    id: int
    name: str
    level: str = Field(description="government（人民政府）或 department（政府部门）")
    parent_id: int | None
    depth: int = Field(description="在机关树中的层级，0 为最上级")


class AgencyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    level: Level
    parent_id: AgencyRef = None


class AgencyPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    level: Level | None = None
    parent_id: AgencyRef = None


class CalendarDayOut(BaseModel):
    day: dt.date
    workday: bool = Field(description="true：调休上班日；false：休息日")
    note: str


class CalendarOut(BaseModel):
    days: list[CalendarDayOut]
    years: list[int] = Field(description="已声明完整录入官方放假安排的年份")
    text: str = Field(description="覆盖内容，可直接再次导入的文本格式")


class CalendarLoadedOut(CalendarOut):
    stored_days: int = Field(description="本次导入的日期数")
    new_years: int = Field(description="本次新声明完整录入的年份数")
    refreshed_cases: int = Field(description="答复期限随之调整的未办结案件数")


class CalendarIn(BaseModel):
    text: str = Field(
        max_length=service.MAX_CALENDAR_CHARS,
        description="每行“2027-01-01 休”或“2027-02-07 班”，“year: 2027”声明该年已完整录入",
    )
    replace: bool = Field(False, description="true：先清除已存的全部覆盖")


def _settings_fast(request: Request) -> bool:
    return bool(request.app.state.settings.fast_password_hashes)


@api.get("/admin/users", response_model=list[UserOut], tags=["管理"])
def users(session: DB, viewer: Admin) -> list[UserOut]:
    """全部用户（不含密码）。"""
    return [_user(u) for u in service.list_users(session)]


@api.post(
    "/admin/users",
    response_model=UserOut,
    status_code=201,
    tags=["管理"],
    responses={400: {"description": "填写有误"}, 409: {"description": "用户名已存在"}},
)
def create_user(request: Request, session: DB, viewer: Admin, body: UserIn) -> UserOut:
    """新建用户。"""
    try:
        user = service.new_user(
            session,
            body.username,
            body.password,
            body.role,
            body.agency_id,
            display_name=body.display_name,
            fast_hash=_settings_fast(request),
        )
    except AdminError as exc:
        raise _refused(exc) from None
    return _user(user)


@api.patch(
    "/admin/users/{user_id}",
    response_model=UserOut,
    tags=["管理"],
    responses={
        400: {"description": "填写有误"},
        404: {"description": "用户不存在"},
        409: {"description": "会使系统没有启用的管理员"},
    },
)
def patch_user(request: Request, session: DB, viewer: Admin, user_id: Id, body: UserPatch) -> UserOut:
    """修改用户：姓名、角色、机关、启用或停用、重设密码（只改所给字段）。"""
    user = service.get_user(session, user_id)
    if user is None:
        raise not_found("用户")
    change = UserChange(
        display_name=body.display_name,
        role=body.role,
        set_agency="agency_id" in body.model_fields_set,
        agency_id=body.agency_id,
        active=body.active,
        password=body.password,
    )
    try:
        service.update_user(session, viewer, user, change, fast_hash=_settings_fast(request))
    except AdminError as exc:
        raise _refused(exc) from None
    return _user(user)


class SignedOut(BaseModel):
    revoked: int = Field(description="结束的会话数")


@api.delete(
    "/admin/users/{user_id}/sessions",
    response_model=SignedOut,
    tags=["管理"],
    responses={404: {"description": "用户不存在"}},
)
def sign_out_everywhere(session: DB, viewer: Admin, user_id: Id) -> SignedOut:
    """让该用户在所有设备上退出登录（其全部会话立即失效）。"""
    user = service.get_user(session, user_id)
    if user is None:
        raise not_found("用户")
    return SignedOut(revoked=service.sign_out_everywhere(session, user))


def _agencies(tree: list[Node]) -> list[AgencyOut]:
    return [AgencyOut(id=n.id, name=n.name, level=n.level, parent_id=n.parent_id, depth=n.depth) for n in tree]


@api.get("/admin/agencies", response_model=list[AgencyOut], tags=["管理"])
def agencies_admin(session: DB, viewer: Admin) -> list[AgencyOut]:
    """全部机关，按上下级排列。"""
    return _agencies(agency_tree(session, viewer))


def _agency_out(session: DB, viewer: Admin, agency: Agency) -> AgencyOut:
    node = next(n for n in agency_tree(session, viewer) if n.id == agency.id)
    return AgencyOut(id=node.id, name=node.name, level=node.level, parent_id=node.parent_id, depth=node.depth)


@api.post(
    "/admin/agencies",
    response_model=AgencyOut,
    status_code=201,
    tags=["管理"],
    responses={400: {"description": "填写有误"}, 409: {"description": "机关已存在"}},
)
def create_agency(session: DB, viewer: Admin, body: AgencyIn) -> AgencyOut:
    """新建机关（层级：人民政府或政府部门；可指定上级机关）。"""
    try:
        agency = service.new_agency(session, body.name, body.level, body.parent_id)
    except AdminError as exc:
        raise _refused(exc) from None
    return _agency_out(session, viewer, agency)


@api.patch(
    "/admin/agencies/{agency_id}",
    response_model=AgencyOut,
    tags=["管理"],
    responses={
        400: {"description": "填写有误"},
        404: {"description": "机关不存在"},
        409: {"description": "名称重复，或会形成上下级循环"},
    },
)
def patch_agency(session: DB, viewer: Admin, agency_id: Id, body: AgencyPatch) -> AgencyOut:
    """改名、改层级或改上级机关（parent_id 为 null 表示最上级）；形成循环的修改被拒绝。"""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise not_found("机关")
    try:
        service.update_agency(
            session,
            agency,
            name=body.name,
            level=body.level,
            set_parent="parent_id" in body.model_fields_set,
            parent_id=body.parent_id,
        )
    except AdminError as exc:
        raise _refused(exc) from None
    return _agency_out(session, viewer, agency)


def _calendar(session: DB) -> CalendarOut:
    state = service.calendar_state(session)
    return CalendarOut(
        days=[CalendarDayOut(day=d, workday=w, note=n) for d, w, n in state.days], years=state.years, text=state.text
    )


@api.get("/admin/calendar", response_model=CalendarOut, tags=["管理"])
def calendar(session: DB, viewer: Admin) -> CalendarOut:
    """已存的工作日历覆盖（国务院放假安排）。"""
    return _calendar(session)


@api.put(
    "/admin/calendar",
    response_model=CalendarLoadedOut,
    tags=["管理"],
    responses={422: {"description": "内容无法识别（指明行号）"}},
)
def put_calendar(request: Request, session: DB, viewer: Admin, body: CalendarIn) -> CalendarLoadedOut:
    """导入工作日历覆盖：与已存内容合并，或 replace=true 时整体替换；未办结案件的答复期限随之重算。"""
    try:
        loaded = service.load_calendar_text(
            session, body.text, request.app.state.settings.today(), replace=body.replace
        )
    except AdminError as exc:
        raise HTTPException(422, str(exc)) from None
    state = _calendar(session)
    return CalendarLoadedOut(
        **state.model_dump(), stored_days=loaded.days, new_years=loaded.years, refreshed_cases=loaded.refreshed
    )


@api.get("/agencies", response_model=list[AgencyOut], tags=["机关"])
def agencies(session: DB, viewer: CurrentViewer) -> list[AgencyOut]:
    """登录人员职责范围内的机关（经办人员只有本机关）。"""
    return _agencies(agency_tree(session, viewer))
