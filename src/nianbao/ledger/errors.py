"""The ledger's refusals: every one is a `LedgerError` with a one-line Chinese message naming the case or file."""

from __future__ import annotations


class LedgerError(Exception):
    """A ledger operation refused, with a one-line Chinese message naming the case or file."""


class NotFound(LedgerError):
    pass


class StaleCase(LedgerError):
    """The case was changed by someone else after it was read."""
