"""The 行政复议 and 行政诉讼 cases of table 四: registered when filed, decided once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nianbao.ledger.errors import LedgerError, NotFound, StaleCase
from nianbao.ledger.vocabulary import AppealResult, AppealRoute
from nianbao.store.models import Agency, Appeal, Application


def add_appeal(
    session: Session,
    agency: Agency,
    reference: str,
    route: str,
    filed: dt.date,
    *,
    application: Application | None = None,
    note: str = "",
) -> Appeal:
    if route not in AppealRoute.stored_keys():
        raise LedgerError(f"复议诉讼 {reference}：类别“{route}”无效")
    if session.scalar(select(Appeal.id).where(Appeal.agency_id == agency.id, Appeal.reference == reference)):
        raise LedgerError(f"复议诉讼 {reference} 已在“{agency.name}”的台账中")
    appeal = Appeal(
        agency=agency,
        reference=reference.strip(),
        route=route,
        filed=filed,
        application=application,
        note=note,
        result=AppealResult.PENDING.value,
    )
    session.add(appeal)
    session.flush()
    return appeal


def find_appeal(session: Session, agency: Agency, reference: str) -> Appeal:
    found = session.scalar(select(Appeal).where(Appeal.agency_id == agency.id, Appeal.reference == reference))
    if found is None:
        raise NotFound(f"复议诉讼 {reference} 不在“{agency.name}”的台账中")
    return found


def decide_appeal(session: Session, appeal: Appeal, result: str, decided: dt.date) -> Appeal:
    if result not in AppealResult.stored_keys() or result == AppealResult.PENDING.value:
        raise LedgerError(f"复议诉讼 {appeal.reference}：结果应为维持、纠正或其他")
    if decided < appeal.filed:
        raise LedgerError(f"复议诉讼 {appeal.reference}：审结日期 {decided} 早于立案日期 {appeal.filed}")
    reference = appeal.reference
    appeal.result, appeal.decided = result, decided
    try:
        session.flush()
    except StaleDataError:
        raise StaleCase(f"复议诉讼 {reference} 已被他人修改，请重新读取后再试") from None
    return appeal
