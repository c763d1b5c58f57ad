"""Jinja2 pages: autoescaped, with the viewer, the CSRF token and the navigation in every page."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader
from starlette.responses import HTMLResponse

from nianbao.web.core import csrf

_OWN = str(resources.files("nianbao.web").joinpath("templates"))
TEMPLATES = Jinja2Templates(directory=_OWN)
# The web app's own templates, then render's: the official tables' macro (`official_table.html`).
TEMPLATES.env.loader = ChoiceLoader([FileSystemLoader(_OWN), PackageLoader("nianbao.render", "templates")])
TEMPLATES.env.autoescape = True
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True

#: (path, label, who sees it): "all", "reviewer" or "admin".
NAV: tuple[tuple[str, str, str], ...] = (
    ("/check", "报告核查", "all"),
    ("/returns", "退回修改", "all"),
    ("/ledger", "申请台账", "all"),
    ("/report", "年度报告", "all"),
    ("/jurisdiction", "辖区汇总", "reviewer"),
    ("/admin", "系统管理", "admin"),
)


def _date(value: dt.date | dt.datetime | None, fmt: str = "%Y-%m-%d") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime(fmt)


def _number(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


TEMPLATES.env.filters["date"] = _date
TEMPLATES.env.filters["number"] = _number


def nav_for(request: Request) -> list[tuple[str, str, bool]]:
    viewer = getattr(request.state, "viewer", None)
    if viewer is None:
        return []
    shown = []
    for path, label, who in NAV:
        if (who == "admin" and not viewer.is_admin) or (who == "reviewer" and not viewer.reviews):
            continue
        shown.append((path, label, request.url.path.startswith(path)))
    return shown


def page(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render template `name` with the viewer, the CSRF token and the navigation."""
    ctx: dict[str, Any] = {
        "viewer": getattr(request.state, "viewer", None),
        "csrf_token": csrf.token(request),
        "nav": nav_for(request),
    }
    ctx.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)
