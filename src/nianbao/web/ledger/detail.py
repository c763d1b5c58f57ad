"""One case as a clerk sees it: its facts, its steps, its deadline explained, and what to do next.

`view` gathers what the case page and the API's case detail show. The next sensible step follows from
the events: a pending 补正 waits for the applicant's correction, an open consultation or fee notice for
its end, an answered case for its closing; otherwise the answer is what is due. The hint of each step
says the rule behind it in plain Chinese (条例第三十条、第三十三条, 国办函〔2020〕109号).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from nianbao.ledger import cases, deadlines, fees, queries
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.deadlines import Deadline
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.vocabulary import RECORDABLE, EventKind, Outcome
from nianbao.store.models import Application, Event
from nianbao.web.ledger.labels import cn_date

#: The steps a case page offers, in the order they are listed after the suggested one.
STEPS: tuple[str, ...] = (*RECORDABLE, "close")
STEP_LABELS: dict[str, str] = {**EventKind.labels(), "close": "办结（记录办理结果）"}


@dataclass(frozen=True)
class Progress:
    """Where a case stands, from the counts of its events."""

    correction_pending: bool
    corrections: int
    consultation_open: bool
    fee_open: bool
    extended: bool
    answered: bool

    @classmethod
    def of(cls, events: list[Event]) -> Progress:
        n = Counter(e.kind for e in events)
        return cls(
            correction_pending=n["correction_requested"] > n["correction_received"],
            corrections=n["correction_requested"],
            consultation_open=n["consultation_opened"] > n["consultation_closed"],
            fee_open=n["fee_notice"] > n["fee_paid"],
            extended=n["extension"] > 0,
            answered=n["answered"] > 0,
        )


@dataclass
class CaseView:
    case: Application
    events: list[Event]
    deadline: Deadline | None
    deadline_error: str
    days_left: int | None
    closed_note: str  # for a closed case: answered (or closed) in time or late
    progress: Progress
    steps: list[str]  # the steps offered, the suggested one first; empty when closed
    hints: dict[str, str] = field(default_factory=dict)
    fee: fees.FeeQuote | None = None
    defaults: dict[str, str] = field(default_factory=dict)

    @property
    def next_step(self) -> str | None:
        return self.steps[0] if self.steps else None


def _suggested(p: Progress) -> str:
    if p.correction_pending:
        return "correction_received"
    if p.consultation_open:
        return "consultation_closed"
    if p.fee_open:
        return "fee_paid"
    if p.answered:
        return "close"
    return "answered"


def _offered(p: Progress) -> list[str]:
    allowed = {
        "correction_requested": not p.correction_pending,
        "correction_received": p.correction_pending,
        "extension": not p.extended and not p.correction_pending,
        "consultation_opened": not p.correction_pending,
        "consultation_closed": p.consultation_open,
        "fee_notice": not p.fee_open and not p.correction_pending,
        "fee_paid": p.fee_open,
        "answered": not p.answered,
        "close": True,
    }
    first = _suggested(p)
    return [first, *(k for k in STEPS if allowed[k] and k != first)]


def _safe(compute: Callable[[], str]) -> str:
    try:
        return compute()
    except ValueError:
        return ""


def _hints(
    case: Application, p: Progress, found: Deadline | None, calendar: WorkingCalendar, fee: fees.FeeQuote | None
) -> dict[str, str]:
    regime = deadlines.regime_for(case.received)
    notice_by = _safe(lambda: cn_date(deadlines.correction_notice_due(case.received, calendar)))
    hints = {
        "correction_requested": "条例第三十条：申请内容不明确的，应自收到申请之日起7个工作日内一次性告知申请人补正"
        + (f"，最迟 {notice_by}" if notice_by else "")
        + "。发出补正通知后答复期限暂停，收到补正后重新计算。",
        "correction_received": "收到申请人补正后的申请，答复期限自该日起重新计算（条例第三十条）。",
        "extension": f"需要延长答复期限的，应在期限届满前经政府信息公开工作机构负责人同意并告知申请人，"
        f"最长不超过{regime.max_extension_days}个工作日（{regime.extension_article}）。只能延期一次。",
        "consultation_opened": "征求第三方或其他机关意见（条例第三十二条、第三十四条）：对方自收到之日起15个工作日内"
        "提出意见；征求意见所需时间不计入答复期限。",
        "consultation_closed": "收到意见或意见期限届满后登记，答复期限恢复计算。",
        "fee_notice": "依据国办函〔2020〕109号发出收费通知；申请人应自收到通知次日起20个工作日内缴费，"
        "缴费期间按配置不计入答复期限。",
        "fee_paid": "申请人缴费（或缴费期限届满）后登记，答复期限恢复计算。",
        "answered": "答复书送达申请人的日期。送达后请办结并选择办理结果。",
        "close": "选择表三中的办理结果行（区分处理的，只计“部分公开”）。办结后不能再登记办理事件。",
    }
    if found is not None and found.due is not None and not p.extended:
        hints["extension"] += f" 当前答复期限为 {cn_date(found.due)}，延期须在此之前决定。"
    if fee is not None:
        hints["fee_notice"] += " 按件计收参考：" + "；".join(fee.explanation[1:]) + "。"
    if p.corrections:
        hints["correction_requested"] += " 注意：本案已发出过补正通知，条例要求一次性告知。"
    return hints


def view(session: Session, case: Application, today: dt.date, calendar: WorkingCalendar) -> CaseView:
    """Everything the case page shows about `case` on `today`."""
    events = sorted(case.events, key=lambda e: (e.on, e.id))
    progress = Progress.of(events)
    found: Deadline | None = None
    problem = ""
    try:
        found = cases.deadline(case, calendar)
    except LedgerError as exc:
        problem = str(exc)
    left: int | None = None
    closed_note = ""
    if found is not None and found.due is not None:
        if case.status == "open":
            left = deadlines.workdays_left(found.due, today, calendar)
        elif case.closed is not None:
            answered = [e.on for e in events if e.kind == "answered"]
            late = -deadlines.workdays_left(found.due, answered[-1] if answered else case.closed, calendar)
            closed_note = "按期答复" if late <= 0 else f"超期 {late} 个工作日答复"
    fee = queries.fee_quote(session, case) if case.status == "open" else None
    steps = _offered(progress) if case.status == "open" else []
    regime = deadlines.regime_for(case.received)
    defaults = {"on": max(today, case.received).isoformat(), "days": str(regime.max_extension_days)}
    return CaseView(
        case,
        events,
        found,
        problem,
        left,
        closed_note,
        progress,
        steps,
        _hints(case, progress, found, calendar, fee),
        fee,
        defaults,
    )


def event_details(e: Event) -> list[str]:
    """The facts of one event besides its kind and day, in Chinese."""
    out = []
    if e.approver:
        out.append(f"批准人：{e.approver}")
    if e.days:
        out.append(f"延长 {e.days} 个工作日")
    if e.party:
        out.append(f"征求意见对象：{e.party}")
    if e.until:
        out.append(f"补正期限至 {e.until.isoformat()}")
    if e.outcome:
        out.append(f"办理结果：{Outcome.label_of(e.outcome)}")
    if e.note:
        out.append(e.note)
    return out
