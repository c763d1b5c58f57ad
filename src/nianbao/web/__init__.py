"""nianbao in the browser: FastAPI + Jinja2 pages and the JSON API under /api/v1.

`create_app` and `Settings` are imported on first use, so that the command line (`nianbao serve` lives in
`nianbao.cli.web`) does not load FastAPI to read a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nianbao.web.app import create_app
    from nianbao.web.core.config import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from nianbao.web.app import create_app

        return create_app
    if name == "Settings":
        from nianbao.web.core.config import Settings

        return Settings
    raise AttributeError(name)
