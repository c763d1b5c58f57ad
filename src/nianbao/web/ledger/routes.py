"""Pages and API of the ledger area (申请台账).

The pages live in `pages_list` (the case list, the due board, the deadline fragment), `pages_case`
(registering, the case page and its steps) and `pages_io` (import, export); the API in `api`. The
fixed paths (/ledger/new, /ledger/due, /ledger/import, /ledger/export.*) are included before the
case paths, which only match numeric ids.
"""

from __future__ import annotations

from fastapi import APIRouter

from nianbao.web.ledger import pages_case, pages_io, pages_letters, pages_list
from nianbao.web.ledger.api import api

pages = APIRouter(include_in_schema=False)
pages.include_router(pages_io.router)
pages.include_router(pages_list.router)
pages.include_router(pages_letters.router)
pages.include_router(pages_case.router)

__all__ = ["api", "pages"]
