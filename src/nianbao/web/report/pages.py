"""What the report page shows, gathered once for the page, its refusals and the live audit fragment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.authoring.from_ledger import MIN_YEAR, DraftData, DraftError, build
from nianbao.authoring.template import HINTS, PROMPTS
from nianbao.formats import sections
from nianbao.render.content import NUMERALS, default_title
from nianbao.store.models import SUBMITTED_STATUSES, Agency, Draft, StoredReport
from nianbao.web.core.people import Viewer, forbidden
from nianbao.web.report import view
from nianbao.web.report.build import KINDS
from nianbao.web.report.service import check_year

MAX_ID = 2_147_483_647  # an INTEGER column: a larger id is no row (and PostgreSQL would refuse the query)
KIND_LABELS = {"docx": "Word（docx）", "pdf": "PDF", "html": "网页（html）", "md": "Markdown"}
STATUS_LABELS = {"submitted": "已提交", "returned": "已退回修改"}


def checked_year(request: Request, year: int) -> int:
    try:
        check_year(year, request.app.state.settings.today())
    except DraftError as exc:
        raise HTTPException(422, str(exc)) from None
    return year


def check_writable(viewer: Viewer, agency: Agency) -> None:
    """Only the agency's clerk and administrators write its report; reviewers read it."""
    if not viewer.keeps_ledger_of(agency.id):
        raise forbidden("只有本机关的经办人员和系统管理员可以编辑、提交本机关的年度报告；您可以查看和下载")


def latest_submission(session: Session, agency_id: int, year: int) -> StoredReport | None:
    return session.scalar(
        select(StoredReport)
        .where(
            StoredReport.agency_id == agency_id, StoredReport.year == year, StoredReport.status.in_(SUBMITTED_STATUSES)
        )
        .order_by(StoredReport.uploaded_at.desc(), StoredReport.id.desc())
        .limit(1)
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC


def is_draft(session: Session, agency_id: int, year: int) -> bool:
    """Whether the report as saved is not what was submitted: never submitted, or the draft saved since the
    last submission (a returned report being corrected, too). Its docx and pdf downloads are watermarked 草稿."""
    submission = latest_submission(session, agency_id, year)
    if submission is None:
        return True
    saved = session.scalar(select(Draft.updated_at).where(Draft.agency_id == agency_id, Draft.year == year))
    submitted = submission.submitted_at or submission.uploaded_at
    return saved is not None and (submitted is None or _utc(saved) > _utc(submitted))


def page_context(
    session: Session,
    viewer: Viewer,
    agency: Agency,
    year: int,
    data: DraftData,
    today: dt.date,
    *,
    typed: dict[str, str] | None = None,
    typed_date: str | None = None,
    problems: list[str] | None = None,
    notice: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Everything report/edit.html and report/_audit.html draw."""
    built = build(session, agency, year, data)
    marks = view.marks_of(built.audit)
    texts = []
    for spec in sections():
        severity, messages = marks.sections.get(spec.number, ("", []))
        texts.append(
            {
                "number": spec.number,
                "title": f"{NUMERALS[spec.number - 1]}、{spec.heading}",
                "text": data.sections.get(spec.number, ""),
                "prompt": PROMPTS.get(spec.number, HINTS.get(spec.number, "")),
                "hint": HINTS.get(spec.number, "") if spec.number in PROMPTS else "",
                "severity": severity,
                "messages": messages,
            }
        )
    base = f"/report/{agency.id}/{year}"
    submission = latest_submission(session, agency.id, year)
    return {
        "agency": agency,
        "year": year,
        "built": built,
        "data": data,
        "fmt": built.fmt,
        "editable": viewer.keeps_ledger_of(agency.id),
        "grids": view.grids(built.report, built.fmt, marks, typed),
        "findings": view.findings(built.audit, built.fmt),
        "counts": view.counts(built.audit),
        "marks": {
            "cells": {k: s for k, (s, _) in marks.cells.items()},
            "sections": {str(n): s for n, (s, _) in marks.sections.items()},
        },
        "sections": texts,
        "default_title": default_title(agency.name, year),
        "date_value": typed_date if typed_date is not None else (data.date.isoformat() if data.date else ""),
        "problems": problems or [],
        "notice": notice,
        "base": base,
        "downloads": [(kind, KIND_LABELS[kind], f"{base}/download.{kind}") for kind in KINDS if kind != "md"],
        "draft_downloads": is_draft(session, agency.id, year),
        "submission": submission,
        "submission_status": STATUS_LABELS.get(submission.status, submission.status) if submission else "",
        "other_years": [y for y in (year - 1, year + 1) if MIN_YEAR <= y <= today.year],
    }
