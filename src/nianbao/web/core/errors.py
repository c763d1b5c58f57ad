"""Errors as people see them: pages get a Chinese error page (or a sign-in redirect), the API gets JSON
``{"detail": "…"}``. Nothing shows a traceback."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from nianbao.store import db
from nianbao.web.core.people import NotSignedIn
from nianbao.web.core.templating import page

log = logging.getLogger("nianbao.web")

TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "无权操作",
    404: "未找到",
    405: "不支持的操作",
    409: "内容已被他人修改",
    413: "文件过大",
    415: "文件类型不支持",
    422: "填写有误",
    429: "操作过于频繁",
    500: "服务器内部错误",
    503: "数据库繁忙",
}

#: What a writer is told when the database stayed locked by others for the whole busy timeout.
BUSY = "数据库繁忙，请稍后重试（其他用户正在保存大量数据），本次修改未保存"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, detail: object, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    message = detail if isinstance(detail, str) else TITLES.get(status, "请求未能完成")
    return page(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "请求未能完成"), "message": message},
        status_code=status,
        headers=headers,
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form"))
        parts.append(f"{where or '请求'}：{err.get('msg', '无效')}")
    return "；".join(parts) or "请求内容无效"


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "请先登录"}, status_code=401)
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            # ASCII-escaped: the offending input may hold lone surrogates that UTF-8 cannot encode
            body = json.dumps({"detail": jsonable(exc.errors())}, ensure_ascii=True, default=str)
            return Response(body, status_code=422, media_type="application/json")
        return _error(request, 422, _validation_message(exc))

    @app.exception_handler(OperationalError)
    async def database_error(request: Request, exc: OperationalError) -> Response:
        if db.is_busy(exc):
            return _error(request, 503, BUSY, {"Retry-After": "1"})
        log.exception("database error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, "数据库出错，本次操作未完成，已记录日志；请稍后重试或联系管理员")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, "服务器处理请求时出错，已记录日志；请稍后重试或联系管理员")


def jsonable(errors: object) -> object:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str, bytes: lambda b: b.decode("utf-8", "replace")})
