"""The case page's account of a case over time: its handling steps and the 复议 and 诉讼 that came after.

A case's handling ends when it is closed: no step can be added to it then (`cases.add_event` refuses,
naming where a later appeal goes). What may still come is the applicant's 行政复议 or 行政诉讼 against
the answer, and its decision: those are `Appeal` rows of the case, which table 四 counts in the year they
were filed (and decided), recorded from the case page's "行政复议、行政诉讼" section whether the case is
open or closed. `timeline` puts both in one list by date, so the page shows the 复议 filed after the
reply where it happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.ledger.vocabulary import AppealResult, AppealRoute, EventKind
from nianbao.store.models import Appeal, Application, Event
from nianbao.web.ledger.detail import event_details

#: What the case page says on a closed case, where the next step's form would be.
CLOSED_NOTE = "本案已办结，不能再登记办理事项。"
AFTER_CLOSING = (
    "办结后申请人提起的行政复议、行政诉讼在此登记，审结后记录结果；年度报告表四按立案日期和审结日期计入相应年度。"
)


@dataclass(frozen=True)
class Item:
    """One line of the case's timeline."""

    on: dt.date
    what: str
    details: list[str]
    css: str  # ev-<event kind>, or appeal / appeal-decided
    order: int  # among items of the same day: events first, in their order, then appeals


def _appeal_items(appeal: Appeal, n: int) -> list[Item]:
    route = AppealRoute.label_of(appeal.route)
    filed = [f"案号 {appeal.reference}"] + ([appeal.note] if appeal.note else [])
    out = [Item(appeal.filed, f"{route}立案", filed, "appeal", 1_000_000 + 2 * n)]
    if appeal.decided is not None and appeal.result != AppealResult.PENDING.value:
        decided = [f"案号 {appeal.reference}", AppealResult.label_of(appeal.result)]
        out.append(Item(appeal.decided, f"{route}审结", decided, "appeal-decided", 1_000_000 + 2 * n + 1))
    return out


def timeline(events: Sequence[Event], appeals: Sequence[Appeal]) -> list[Item]:
    """The case's events and its appeals' filing and decision, by date."""
    items = [Item(e.on, EventKind.label_of(e.kind), event_details(e), f"ev-{e.kind}", i) for i, e in enumerate(events)]
    for n, appeal in enumerate(sorted(appeals, key=lambda a: (a.filed, a.id))):
        items.extend(_appeal_items(appeal, n))
    return sorted(items, key=lambda item: (item.on, item.order))


def after_closing(case: Application) -> str:
    """The line that says where a later 复议 or 诉讼 goes ("" while the case is open)."""
    return AFTER_CLOSING if case.status == "closed" else ""
