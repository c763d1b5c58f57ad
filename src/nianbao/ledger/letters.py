"""The letters of a case: which apply, and what goes into each one's placeholders.

`draft(session, case, kind, …)` gathers the values of every placeholder (`render.letters.PLACEHOLDERS`) for
one letter from the case and its events, with the dates computed as the ledger computes them
(`deadlines`: working days of the calendar, the start day not counted):

- 补正通知书 (art. 30): the latest ``correction_requested`` event: its note is what to correct, its ``until`` the
  applicant's deadline (none recorded: `DEFAULT_CORRECTION_DAYS` working days from the notice, with a warning);
- 延期答复告知书 (art. 33 ¶2): the deadline without and with the ``extension`` (20 working days when none is
  recorded yet, with a warning);
- 征求意见函 (art. 32): the latest ``consultation_opened`` event's party; the 15 working days counted from its day;
- 收费通知 (art. 42, 国办函〔2020〕109号): the amount noted on the ``fee_notice`` event (as the case page notes it),
  else computed by count; payment within 20 working days from the day after the notice;
- 答复书: the text and the article of the outcome (`letter_texts.REPLIES`), the remedies, the 复议机关.

A letter is dated (``{{落款日期}}``) by the day of the event it belongs to (a reply: its delivery, else its
closing), or today; the caller may give another day. A letter generated with no event behind it comes with a
warning saying what was assumed. Every date is written the Chinese way, 2026年12月7日.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from nianbao.ledger import deadlines, fees, queries
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.cases import steps
from nianbao.ledger.deadlines import EXTENSION, Deadline, Step, compute_deadline
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.letter_texts import REPLIES, remedies, review_body
from nianbao.ledger.vocabulary import EventKind, Outcome
from nianbao.render.letters import KINDS, REPLY_VARIANTS
from nianbao.store.models import Application, Event

#: The event each letter belongs to: its presence makes the letter one the case page suggests.
EVENT_OF: dict[str, str] = {
    "correction_notice": EventKind.CORRECTION_REQUESTED.value,
    "extension_notice": EventKind.EXTENSION.value,
    "consultation_letter": EventKind.CONSULTATION_OPENED.value,
    "fee_notice": EventKind.FEE_NOTICE.value,
    "reply": EventKind.CLOSED.value,
}
#: The character of each letter in its number (〔2026〕补字第2026-0041号).
_ABBR = {
    "correction_notice": "补",
    "extension_notice": "延",
    "consultation_letter": "征",
    "fee_notice": "费",
    "reply": "答",
}
#: The applicant's 补正 period when the notice recorded none: the regulation asks for a "reasonable" one.
DEFAULT_CORRECTION_DAYS = 15
#: The note the case page writes on a fee notice: "信息处理费 300 元（按量计收，120 页）".
_FEE_NOTE = re.compile(r"信息处理费\s*(\d+)\s*元（(按件计收|按量计收)(?:，(\d+)\s*页)?）")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

#: What is said before generating a letter that has no event behind it.
MANUAL_WARNINGS: dict[str, str] = {
    "correction_notice": f"本案没有登记补正通知：补正期限按今日起{DEFAULT_CORRECTION_DAYS}个工作日计算，"
    "补正事项需在文书中填写；发出后请登记补正通知。",
    "extension_notice": "本案没有登记延期：按延长20个工作日计算。延期须经政府信息公开工作机构负责人同意，并应登记。",
    "consultation_letter": "本案没有登记征求意见：征求意见对象需在文书中填写；发出后请登记征求意见。",
    "fee_notice": "本案没有登记收费通知：金额按件计收估算；发出后请登记收费通知。",
    "reply": "本案尚未办结：答复书按所选的办理结果生成，送达后请登记答复送达并办结。",
}


@dataclass
class Draft:
    """One letter ready to fill: its kind, the reply's outcome, its date, the placeholders' values, warnings."""

    kind: str
    outcome: str | None
    on: dt.date
    values: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    @property
    def variant(self) -> str:
        """The template variant: a reply's outcome group, "" for the other letters."""
        return variant_of(self.outcome) if self.kind == "reply" else ""

    @property
    def label(self) -> str:
        return label_of(self.kind, self.outcome)


def cn(day: dt.date) -> str:
    """2026年12月7日."""
    return f"{day.year}年{day.month}月{day.day}日"


def variant_of(outcome: str | None) -> str:
    """A reply's template variant: the outcome's group (``withheld`` for ``withheld.state_secret``)."""
    return (outcome or "").split(".")[0]


def label_of(kind: str, outcome: str | None = None) -> str:
    """答复书（不予公开） for a reply, the kind's name for the others."""
    name = KINDS[kind]
    group = REPLY_VARIANTS.get(variant_of(outcome), "") if kind == "reply" and outcome else ""
    return f"{name}（{group}）" if group else name


def filename_of(reference: str, kind: str, outcome: str | None = None) -> str:
    """The file name of a letter: the case's reference and the letter's name."""
    safe = _UNSAFE.sub("_", reference).strip(" ._") or "案件"
    return f"{safe}-{label_of(kind, outcome)}.docx"


def applicable(case: Application) -> list[str]:
    """The letters the case's events call for, in the order of `KINDS`."""
    kinds = {e.kind for e in case.events}
    return [kind for kind, event in EVENT_OF.items() if event in kinds]


def _latest(case: Application, kind: str) -> Event | None:
    found = [e for e in case.events if e.kind == kind]
    return max(found, key=lambda e: (e.on, e.id or 0)) if found else None


def _compute(received: dt.date, known: list[Step], calendar: WorkingCalendar) -> Deadline | None:
    try:
        return compute_deadline(received, known, calendar)
    except ValueError:
        return None


def _due(found: Deadline | None) -> str:
    if found is None:
        return "（无法计算）"
    if found.due is None:
        return "（暂停计算）"
    return cn(found.due) + ("（暂定）" if found.provisional else "")


def default_day(case: Application, kind: str, today: dt.date) -> dt.date:
    """The day a letter is dated by default: its event's day (a reply: delivery, else closing), else today."""
    if kind == "reply":
        answered = _latest(case, EventKind.ANSWERED.value)
        if answered is not None:
            return answered.on
        return case.closed or today
    event = _latest(case, EVENT_OF[kind])
    return event.on if event is not None else today


def draft(
    session: Session,
    case: Application,
    kind: str,
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    on: dt.date | None = None,
    outcome: str | None = None,
) -> Draft:
    """The values of every placeholder of the letter `kind` of `case` (a `LedgerError` when it cannot be written)."""
    if kind not in KINDS:
        raise LedgerError(f"未知的文书类型“{kind}”，应为：{'、'.join(KINDS.values())}")
    day = on or default_day(case, kind, today)
    if day < case.received:
        raise LedgerError(f"文书落款日期 {cn(day)} 早于收到申请日期 {cn(case.received)}")
    agency = case.agency
    review = review_body(agency.name, agency.level, agency.parent.name if agency.parent else None)
    values = {
        "机关名称": agency.name,
        "文号": f"〔{day.year}〕{_ABBR[kind]}字第{case.reference}号",
        "案号": case.reference,
        "申请人": case.applicant or "申请人",
        "联系方式": case.contact,
        "申请内容": case.request or "（见申请书）",
        "收到日期": cn(case.received),
        "收到情况": _received_sentence(case),
        "落款日期": cn(day),
        "今日": cn(today),
        "答复期限": _due(_compute(case.received, steps(case.events), calendar)),
        "复议机关": review,
        "救济途径": remedies(review),
    }
    found = Draft(kind, None, day, values)
    if not case.request:
        found.warnings.append("本案没有登记申请内容，文书中写为“（见申请书）”")
    if kind != "reply" and _latest(case, EVENT_OF[kind]) is None:
        found.warnings.append(MANUAL_WARNINGS[kind])
    fill = {
        "correction_notice": _correction,
        "extension_notice": _extension,
        "consultation_letter": _consultation,
        "fee_notice": _fee,
        "reply": _reply,
    }[kind]
    fill(session, case, found, calendar, outcome)
    return found


def _received_sentence(case: Application) -> str:
    sentence = f"本机关于{cn(case.received)}收到您提交的政府信息公开申请"
    corrected = _latest(case, EventKind.CORRECTION_RECEIVED.value)
    if corrected is not None:
        sentence += f"，于{cn(corrected.on)}收到您补正后的申请"
    return sentence


def _correction(session: Session, case: Application, d: Draft, calendar: WorkingCalendar, outcome: str | None) -> None:
    event = _latest(case, EventKind.CORRECTION_REQUESTED.value)
    until = event.until if event is not None else None
    if until is None:
        until = calendar.add_workdays(d.on, DEFAULT_CORRECTION_DAYS)
        if event is not None:
            d.warnings.append(
                f"补正通知没有登记补正期限：按通知之日起{DEFAULT_CORRECTION_DAYS}个工作日计为{cn(until)}，请核对"
            )
    d.values["补正期限"] = cn(until)
    note = event.note.strip() if event is not None else ""
    if not note:
        d.warnings.append("补正通知没有写明需要补正的事项（补正通知的备注），请在文书中填写")
    d.values["补正事项"] = (note.rstrip("。") + "。") if note else "（请在此写明需要补正的事项）"


def _extension(session: Session, case: Application, d: Draft, calendar: WorkingCalendar, outcome: str | None) -> None:
    # the deadlines as they stood on the day of the extension (a later pause is not known to the notice)
    event = _latest(case, EventKind.EXTENSION.value)
    day = event.on if event is not None else d.on
    known = steps([e for e in case.events if e.on <= day])
    days = event.days if event is not None else deadlines.regime_for(case.received).max_extension_days
    if event is None:
        known.append(Step(EXTENSION, day, approver="（待批准）", days=days))
    original = _compute(case.received, [s for s in known if s.kind != EXTENSION], calendar)
    extended = _compute(case.received, known, calendar)
    if extended is None:
        d.warnings.append("按本案的办理过程无法计算延期后的答复期限（延期须在原答复期限届满前决定），请核对")
    d.values["原答复期限"] = _due(original)
    d.values["延长工作日数"] = str(days)
    d.values["延长后期限"] = _due(extended)


def _consultation(
    session: Session, case: Application, d: Draft, calendar: WorkingCalendar, outcome: str | None
) -> None:
    event = _latest(case, EventKind.CONSULTATION_OPENED.value)
    party = event.party.strip() if event is not None else ""
    if not party:
        d.warnings.append("没有登记征求意见对象，请在文书中填写")
    d.values["征求意见对象"] = party or "（征求意见对象）"
    d.values["意见期限"] = cn(deadlines.consultation_reply_due(event.on if event else d.on, calendar))


def _fee(session: Session, case: Application, d: Draft, calendar: WorkingCalendar, outcome: str | None) -> None:
    event = _latest(case, EventKind.FEE_NOTICE.value)
    noted = _FEE_NOTE.search(event.note) if event is not None else None
    pages = int(noted.group(3)) if noted and noted.group(3) else None
    quote = queries.fee_quote(session, case, pages)
    amount = int(noted.group(1)) if noted else (quote.amount if quote else 0)
    basis = noted.group(2) if noted else (quote.basis if quote else fees.BASIS_BY_COUNT)
    if quote is None:
        d.warnings.append("申请人姓名未登记，无法按件计算收费金额，请在文书中填写")
    elif amount != quote.amount:
        d.warnings.append(f"登记的收费金额 {amount} 元与按台账计算的 {quote.amount} 元不一致，请核对")
    if amount == 0:
        d.warnings.append("按现有记录计算不需要收费：请核对是否应当发出收费通知")
    d.values["收费金额"] = str(amount)
    d.values["计收方式"] = basis
    d.values["收费说明"] = ("；".join(quote.explanation[1:]) + "。") if quote else "（请在此写明计算方法）"
    d.values["缴费期限"] = cn(deadlines.fee_payment_due(event.on if event else d.on, calendar))


def _reply(session: Session, case: Application, d: Draft, calendar: WorkingCalendar, outcome: str | None) -> None:
    chosen = outcome or case.outcome
    if not chosen:
        raise LedgerError(f"案件 {case.reference} 尚未办结：生成答复书请选择办理结果")
    if chosen not in REPLIES:
        raise LedgerError(f"办理结果“{chosen}”不是表三的办理结果行")
    if case.status == "closed" and chosen != case.outcome:
        d.warnings.append(
            f"所选办理结果（{Outcome.label_of(chosen)}）与本案办结时登记的（{Outcome.label_of(case.outcome)}）不同"
        )
    elif case.status != "closed":
        d.warnings.append(MANUAL_WARNINGS["reply"])
    closing = _latest(case, EventKind.CLOSED.value)
    note = closing.note.strip() if closing is not None and chosen == case.outcome else ""
    reply = REPLIES[chosen]
    if reply.needs_note and not note:
        d.warnings.append("该办理结果需要说明理由：办结时没有登记备注，请在答复书中写明")
    d.outcome = chosen
    d.values["办理结果"] = Outcome.label_of(chosen)
    d.values["答复内容"] = reply.sentence(note)
    d.values["法律依据"] = reply.basis
    d.values["办结备注"] = note
