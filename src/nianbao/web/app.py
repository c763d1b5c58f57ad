"""The web app: `create_app(settings)` builds the FastAPI application.

Pages are server-rendered Jinja2 with htmx for small interactions (vendored in static/, no build
step); the JSON API lives under ``/api/v1`` and is described at ``/docs`` (OpenAPI at
``/openapi.json``). Each area (accounts, check, ledger, report, jurisdiction, admin) is a folder
with its routes and service; this module only assembles them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from nianbao.jobs import close_shared_pool
from nianbao.store import db
from nianbao.web.core import errors
from nianbao.web.core.config import MiB, Settings
from nianbao.web.core.csrf import csrf_protect
from nianbao.web.core.sessions import ServerSessions

API_DESCRIPTION = """政府信息公开工作年度报告系统（nianbao）的 JSON 接口。

先以 `POST /api/v1/session`（JSON 用户名和密码）登录，取得会话 Cookie 和 `csrf_token`；此后凡修改数据的请求
（POST/PUT/PATCH/DELETE）须在请求头 `X-CSRF-Token` 中携带该令牌。每个接口只返回登录人员职责范围内机关的数据。
"""

#: Content Security Policy: scripts only from this site (htmx), so text from a report can never run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # uvicorn's SIGTERM skips atexit: the reading workers are ended here
    await run_in_threadpool(close_shared_pool)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    factory = db.sessions(settings.database_url)
    app = FastAPI(
        title="nianbao 政府信息公开年报系统",
        version="1",
        description=API_DESCRIPTION,
        dependencies=[Depends(csrf_protect)],
        docs_url="/docs",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.sessions = factory
    app.state.write_sessions = db.sessions(settings.database_url, write=True)
    app.state.session_lifetimes = settings.session_lifetimes()

    from nianbao.web.accounts import routes as accounts
    from nianbao.web.admin import routes as admin
    from nianbao.web.check import routes as check
    from nianbao.web.jurisdiction import routes as jurisdiction
    from nianbao.web.ledger import routes as ledger
    from nianbao.web.report import routes as report

    for area in (accounts, check, ledger, report, jurisdiction, admin):
        app.include_router(area.pages)
        app.include_router(area.api)
    app.mount("/static", StaticFiles(directory=str(resources.files("nianbao.web").joinpath("static"))), name="static")
    errors.install(app)

    limit = settings.max_upload_bytes * 2 + MiB  # a whole request: the per-file limit is checked per file

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            message = (
                f"上传内容过大：单次请求不能超过 {limit // MiB} MB"
                f"（单个文件不超过 {settings.max_upload_bytes // MiB} MB）"
            )
            if request.url.path.startswith("/api/"):
                return JSONResponse({"detail": message}, status_code=413)
            return Response(message, status_code=413, media_type="text/plain; charset=utf-8")
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Added last so it runs first: the session is ready for the guard, the routes and the error pages.
    app.add_middleware(
        ServerSessions,
        reader=factory,
        writer=app.state.write_sessions,
        lifetimes=app.state.session_lifetimes,
        secure=settings.secure_cookies,
    )
    return app
