"""`nianbao serve` (the web app under uvicorn) and `nianbao user …` (accounts, for a first administrator)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nianbao.cli.common import requires

# SQLAlchemy, the store and the web app are imported by the commands that use them: `nianbao parse` starts fast.

err = Console(stderr=True)


def _shown(url: str) -> str:
    """The URL without its password (as typed when it cannot be parsed)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _fail(message: str) -> typer.Exit:
    err.print(f"错误：{message}", markup=False)
    return typer.Exit(1)


@requires("web", "pg")
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="数据库（SQLAlchemy URL，如 postgresql+psycopg://user@host/db）；"
            "默认 $NIANBAO_DATABASE_URL 或当前目录下的 nianbao.db",
        ),
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="数据库为空时创建演示辖区、用户、报告和台账")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="工作进程数")] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            envvar="NIANBAO_FORWARDED_ALLOW_IPS",
            help="反向代理的地址（逗号分隔，如 10.0.0.5）：只信任来自这些地址的 X-Forwarded-For/-Proto；"
            "默认不信任任何代理，按直接连接的地址计登录失败次数",
        ),
    ] = None,
) -> None:
    """启动网页系统（报告核查、申请台账、年度报告、辖区汇总）及 /api/v1 接口。"""
    import os

    import uvicorn
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from nianbao.ledger import calendar_store
    from nianbao.store import db
    from nianbao.store.models import User
    from nianbao.web import Settings

    url = db.database_url(database_url)
    os.environ[db.ENV_VAR] = url  # the workers build their app from the environment
    settings = Settings(database_url=url)
    try:
        with db.session(url) as session:
            if demo:
                from nianbao.web import demo as demo_data

                console = Console()
                if demo_data.seed(session, today=settings.today(), progress=lambda m: console.print(f"· {m}")):
                    console.print("演示数据已创建。")
            has_users = session.scalar(select(User.id).limit(1)) is not None
            # a newer chinesecalendar may cover a year whose deadlines were provisional: make them exact now
            settled = calendar_store.settle_deadlines(
                session, settings.today(), "工作日历已收录（chinesecalendar 更新）", provisional_only=True
            )
            notice = calendar_store.load_calendar(session).notice(settings.today())
    except SQLAlchemyError as exc:
        raise _fail(
            f"无法打开数据库 {_shown(url)}：{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}"
        ) from None
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"nianbao 网页系统：http://{host}:{port}/  （接口文档 http://{host}:{port}/docs）")
    console.print(f"数据库：{_shown(url)}")
    if settled:
        console.print(f"工作日历已更新：{settled} 件在办案件的暂定答复期限已重新计算并记入案件事件")
    if notice:
        console.print(notice)
    if demo:
        from nianbao.web.demo import DEMO_PASSWORD, logins

        table = Table(title=f"演示账号（密码均为 {DEMO_PASSWORD}）", title_justify="left")
        for column in ("用户名", "姓名", "角色", "机关"):
            table.add_column(column)
        for login in logins():
            table.add_row(login.username, login.display_name, login.role_label, login.agency)
        console.print(table)
    elif not has_users:
        console.print("数据库中还没有用户：先用 `nianbao user add 用户名 --role admin` 创建管理员。")
    trusted = (forwarded_allow_ips or "").strip()
    if trusted:
        console.print(f"信任以下反向代理转发的客户端地址：{trusted}")
    # Uvicorn trusts 127.0.0.1 by default: without a configured proxy, forwarded headers are not read at all.
    uvicorn.run(
        "nianbao.web.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        factory=False,
    )


@requires("web", "pg")
def user_add(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option(help="角色：clerk 经办、reviewer 审核、supervisor 监管、admin 管理员")] = "clerk",
    agency: Annotated[str | None, typer.Option(help="所属机关名称（管理员可省略；机关不存在时创建）")] = None,
    name: Annotated[str, typer.Option(help="姓名")] = "",
    password: Annotated[str | None, typer.Option(help="密码；省略时提示输入")] = None,
) -> None:
    """创建用户。"""
    from nianbao.ledger.agencies import get_or_create_agency
    from nianbao.ledger.errors import LedgerError
    from nianbao.store import db
    from nianbao.web.accounts.service import AccountError, create_user

    secret = password or typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    try:
        with db.session() as session:
            found = get_or_create_agency(session, agency)[0] if agency else None
            create_user(session, username, secret, role, found, display_name=name)
    except (AccountError, LedgerError) as exc:
        raise _fail(str(exc)) from None
    Console().print(f"已创建用户 {username}（{role}）")


@requires("web", "pg")
def user_password(
    username: Annotated[str, typer.Argument(help="用户名")],
    password: Annotated[str | None, typer.Option(help="新密码；省略时提示输入")] = None,
) -> None:
    """重置用户密码。"""
    from sqlalchemy import select

    from nianbao.store import db
    from nianbao.store.models import User
    from nianbao.web.accounts.service import AccountError, set_password

    secret = password or typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
    try:
        with db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise AccountError(f"用户“{username}”不存在")
            set_password(session, user, secret)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    Console().print(f"已重置 {username} 的密码")


@requires("web", "pg")
def user_list() -> None:
    """列出用户。"""
    from sqlalchemy import select

    from nianbao.store import db
    from nianbao.store.models import User
    from nianbao.web.core.people import ROLE_LABELS

    table = Table()
    for column in ("用户名", "姓名", "角色", "机关", "状态", "创建时间"):
        table.add_column(column)
    with db.session() as session:
        for user in session.scalars(select(User).order_by(User.id)):
            created = user.created_at.strftime("%Y-%m-%d") if isinstance(user.created_at, dt.datetime) else ""
            table.add_row(
                user.username,
                user.display_name,
                ROLE_LABELS.get(user.role, user.role),
                user.agency.name if user.agency else "",
                "启用" if user.active else "停用",
                created,
            )
    Console().print(table)
