"""nianbao in the browser: FastAPI + Jinja2 pages and the JSON API under /api/v1."""

from __future__ import annotations

from nianbao.web.app import create_app
from nianbao.web.core.config import Settings

__all__ = ["Settings", "create_app"]
