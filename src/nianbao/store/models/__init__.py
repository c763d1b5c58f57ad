"""The store's tables as SQLAlchemy 2 typed declarative models: `base` (vocabularies), `ledger`, `web`, `officers`.

The schema's vocabularies (applicant types, outcome rows, statuses, event kinds, appeal routes and
results, receipt channels) are spelled out in `base`, frozen with the first migration: a stored value must
not change meaning when a format changes. The ledger's tests check that `APPLICANT_TYPES` and
`OUTCOMES` are exactly the applicant columns and outcome rows of the 2021 format (formats/cells.csv).
The words themselves (Chinese labels, aliases, parsing) are `nianbao.ledger.vocabulary`, one enum per
tuple here with the same keys in the same order; the store sits below the ledger and does not import
it, so the tuples stay the schema's own and a test (tests/test_ledger_vocabulary.py) checks both agree.

Integrity lives in the database, not only in the service: CHECK constraints on every vocabulary and
on the open/closed shape of a case, UNIQUE (agency, reference), foreign keys (SQLite: enforced with
``PRAGMA foreign_keys=ON`` on every connection, see `store.db`), and triggers that refuse any UPDATE or
DELETE of an event (migration 0001). `Application.version` is SQLAlchemy's version counter: an UPDATE
carries ``WHERE version = <the version read>`` and a stale one changes no row.
"""

from __future__ import annotations

from .base import (
    APPEAL_RESULTS,
    APPEAL_ROUTES,
    APPLICANT_TYPES,
    CHANNELS,
    DOCUMENT_KINDS,
    EVENT_KINDS,
    JOB_STATES,
    NAMING,
    OUTCOMES,
    REPORT_SOURCES,
    REPORT_STATUSES,
    REVIEW_DECISIONS,
    ROLES,
    STATUSES,
    SUBMITTED_STATUSES,
    Base,
)
from .ledger import Agency, Appeal, Application, CalendarDay, CalendarYear, Event
from .officers import CaseDocument, Correction, DocumentTemplate
from .web import Comment, Draft, FindingReview, LoginAttempt, Setting, StoredReport, UploadJob, User, WebSession

__all__ = [
    "APPEAL_RESULTS",
    "APPEAL_ROUTES",
    "APPLICANT_TYPES",
    "CHANNELS",
    "DOCUMENT_KINDS",
    "EVENT_KINDS",
    "JOB_STATES",
    "NAMING",
    "OUTCOMES",
    "REPORT_SOURCES",
    "REPORT_STATUSES",
    "REVIEW_DECISIONS",
    "ROLES",
    "STATUSES",
    "SUBMITTED_STATUSES",
    "Agency",
    "Appeal",
    "Application",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "CaseDocument",
    "Comment",
    "Correction",
    "DocumentTemplate",
    "Draft",
    "Event",
    "FindingReview",
    "LoginAttempt",
    "Setting",
    "StoredReport",
    "UploadJob",
    "User",
    "WebSession",
]
