"""CSRF protection: every state-changing request carries the session's token.

Forms send it as the hidden field ``csrf_token``; htmx and API clients send the header
``X-CSRF-Token`` (htmx gets it from ``hx-headers`` on <body>). The token is made when a session
starts (the sign-in page included) and returned by ``POST /api/v1/session``. Signing in through
the API is exempt: it takes JSON only, which a cross-site form cannot send.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
EXEMPT = frozenset({"/api/v1/session"})


def token(request: Request) -> str:
    """The session's token, made on first use."""
    value = request.session.get("csrf")
    if not isinstance(value, str):
        value = secrets.token_urlsafe(32)
        request.session["csrf"] = value
    return value


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE_METHODS or (request.method == "POST" and request.url.path in EXEMPT):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        field = form.get(FIELD)
        sent = field if isinstance(field, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "请求未通过安全校验（CSRF 令牌缺失或已过期），请刷新页面后重试")
