"""Pages and API of the ledger area."""

from __future__ import annotations

from fastapi import APIRouter

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1")
