"""`cross_year`: rules to be written."""

from __future__ import annotations
