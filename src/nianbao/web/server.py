"""The ASGI application uvicorn imports (``nianbao.web.server:app``), configured from the environment."""

from __future__ import annotations

from nianbao.web.app import create_app

app = create_app()
