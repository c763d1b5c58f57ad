"""Answer deadlines of an application (《政府信息公开条例》第三十条、第三十三条).

`compute_deadline` takes the receipt date (art. 31) and the recorded steps of one
application and returns the due date with one Chinese line of explanation per step:

- 补正 (art. 30): a ``correction_requested`` step waits for the applicant; the count then
  *restarts* from the ``correction_received`` date (not a pause). While a 补正 is pending
  the deadline is suspended.
- 延期 (art. 33 ¶2): one ``extension`` of at most 20 working days, approved by the head of
  the 政府信息公开工作机构, decided before the period runs out.
- 征求意见 (art. 33 ¶3, arts. 32/34): the working days of a ``consultation`` from ``on`` to
  ``until`` (both included) are not counted; an open one (``until=None``) suspends the
  deadline.
- 收费通知 (国办函〔2020〕109号): the days from notice to payment are excluded like a
  consultation when `FEE_NOTICE_PAUSES` is true (default). UNVERIFIED: 109号's article on
  this was not read; switch the module default or pass ``fee_notice_pauses``.

Applications received before 2019-05-15 follow the 2008 regulation (第二十四条: 15 working
days + at most 15 extension; only third-party consultations were excluded there, the
ledger excludes every recorded consultation). The regime is chosen by the original
receipt date, also when a 补正 restarts the count after 2019-05-15.

Working days and the "start day not counted" convention come from `WorkingCalendar`. A deadline
that counts days of a year without an official 放假安排 is provisional: `Deadline.provisional_years`
names those years and the explanation ends with the reason (`calendar.provisional_reason`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from nianbao.ledger import calendar as _cal
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.vocabulary import EventKind

#: Step kinds: the events that move a deadline (`vocabulary.EventKind`); a consultation or fee notice
#: is one step from its start to its end event.
CORRECTION_REQUESTED = EventKind.CORRECTION_REQUESTED.value
CORRECTION_RECEIVED = EventKind.CORRECTION_RECEIVED.value
EXTENSION = EventKind.EXTENSION.value
CONSULTATION = "consultation"
FEE_NOTICE = EventKind.FEE_NOTICE.value

#: Step kinds and their Chinese names, in the order steps of the same day are applied.
KINDS: dict[str, str] = {
    CORRECTION_REQUESTED: "补正通知发出",
    CORRECTION_RECEIVED: "补正后申请收到",
    CONSULTATION: "征求意见",
    FEE_NOTICE: "收费通知",
    EXTENSION: "延期",
}

#: UNVERIFIED (domain.md §3.5): whether the fee-payment window is excluded from the period.
FEE_NOTICE_PAUSES = True

#: The revised regulation (国务院令第711号) is in force for applications received from this day.
NEW_REGULATION_FROM = date(2019, 5, 15)

#: Art. 30: the 补正 notice is due within 7 working days of receipt.
CORRECTION_NOTICE_DAYS = 7
#: Arts. 32/34: a third party / co-producing agency has 15 working days to comment.
CONSULTATION_REPLY_DAYS = 15
#: 109号 (as restated by provincial notices): pay within 20 working days from the day after the notice.
FEE_PAYMENT_DAYS = 20

_DAY = timedelta(days=1)
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Regime:
    """The answer period of one version of the regulation."""

    base_days: int
    max_extension_days: int
    rule: str
    extension_article: str
    consultation_article: str


NEW_REGIME = Regime(
    base_days=20,
    max_extension_days=20,
    rule="《政府信息公开条例》第三十三条：收到申请之日起20个工作日内答复；"
    "延期须经政府信息公开工作机构负责人同意并告知申请人，最长不超过20个工作日",
    extension_article="条例第三十三条第二款",
    consultation_article="条例第三十三条第三款",
)
OLD_REGIME = Regime(
    base_days=15,
    max_extension_days=15,
    rule="《政府信息公开条例》（2008）第二十四条：收到申请之日起15个工作日内答复；"
    "延期须经政府信息公开工作机构负责人同意并告知申请人，最长不超过15个工作日",
    extension_article="2008年条例第二十四条第二款",
    consultation_article="2008年条例第二十四条第三款",
)


def regime_for(received: date) -> Regime:
    """The regulation that governs an application received on `received`."""
    return NEW_REGIME if received >= NEW_REGULATION_FROM else OLD_REGIME


@dataclass(frozen=True)
class Step:
    """One recorded handling step that moves the deadline.

    ``until`` is the end of a consultation or the payment day of a fee notice (inclusive;
    None while still open), or the applicant's 补正 deadline of a correction request
    (informational). ``approver`` and ``days`` belong to an extension only.
    """

    kind: str
    on: date
    until: date | None = None
    approver: str = ""
    days: int = 0


@dataclass(frozen=True)
class Deadline:
    """The computed answer deadline; ``due`` is None while ``suspended``."""

    due: date | None
    base_days: int
    extension_days: int
    paused_workdays: int
    rule: str
    explanation: tuple[str, ...]
    suspended: bool
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        """Whether the due date counts days of a year whose official schedule is not yet known."""
        return bool(self.provisional_years)


def compute_deadline(
    received: date,
    steps: Sequence[Step],
    calendar: WorkingCalendar,
    *,
    fee_notice_pauses: bool | None = None,
    include_start: bool | None = None,
) -> Deadline:
    """The answer deadline of an application received on `received` after `steps`.

    Raises ValueError (Chinese message) for invalid steps. Days of a year without a known
    holiday schedule are counted provisionally, and the result says so.
    """
    regime = regime_for(received)
    pauses_for_fee = FEE_NOTICE_PAUSES if fee_notice_pauses is None else fee_notice_pauses
    includes = (not _cal.EXCLUDE_START_DAY) if include_start is None else include_start
    ordered = sorted(steps, key=lambda s: (s.on, _kind_rank(s)))
    for step in ordered:
        _check_step(step, received, regime)

    # Pass 1: where the count starts, the extension, the pause intervals.
    start = received
    pending: Step | None = None
    extension: Step | None = None
    pauses: list[Step] = []
    for step in ordered:
        if step.kind == CORRECTION_REQUESTED:
            pending = step
        elif step.kind == CORRECTION_RECEIVED:
            if pending is None:
                raise ValueError(f"{_d(step.on)}登记了补正后申请收到，但此前没有补正通知（条例第三十条），不能重新起算")
            if extension is not None:
                raise ValueError(f"延期（{_d(extension.on)}）早于补正后重新起算（{_d(step.on)}），请核对办理步骤")
            start, pending = step.on, None
        elif step.kind == EXTENSION:
            if extension is not None:
                raise ValueError(f"只能延期一次：已于{_d(extension.on)}延期，{_d(step.on)}又登记了延期")
            if step.on < start:
                raise ValueError(f"延期决定日期{_d(step.on)}早于答复期限起算日{_d(start)}")
            extension = step
        elif step.kind == CONSULTATION or (step.kind == FEE_NOTICE and pauses_for_fee):
            pauses.append(step)

    extension_days = extension.days if extension is not None else 0
    first = start if includes else start + _DAY
    if extension is not None and pending is None:
        original, _ = _walk(first, regime.base_days, pauses, calendar)
        if original is not None and extension.on > original:
            raise ValueError(f"延期决定应在原答复期限届满前作出：原期限为{_d(original)}，延期登记于{_d(extension.on)}")

    if pending is not None:
        due: date | None = None
        paused: set[date] = set()
    else:
        due, paused = _walk(first, regime.base_days + extension_days, pauses, calendar)

    # Pass 2: one line per step, in order.
    start_word = "当日计入" if includes else "当日不计入，自次日起算"
    lines = [f"收到申请：{_d(received)}（{start_word}）；适用{regime.rule}"]
    count_from = received
    corrections = 0
    for step in ordered:
        if step.kind == CORRECTION_REQUESTED:
            corrections += 1
            lines.append(_correction_line(step, count_from, corrections, regime, calendar))
        elif step.kind == CORRECTION_RECEIVED:
            count_from = step.on
            lines.append(f"收到补正后的申请：{_d(step.on)}，答复期限自该日起重新计算（条例第三十条）")
        elif step.kind == EXTENSION:
            lines.append(
                f"延期：{_d(step.on)}经{step.approver.strip()}批准延长{step.days}个工作日"
                f"（{regime.extension_article}，最长{regime.max_extension_days}个工作日，须告知申请人）"
            )
        else:
            lines.append(_pause_line(step, start, due, paused, pending is not None, pauses_for_fee, regime))

    paused_workdays = len(paused)
    provisional = calendar.provisional_years(first, due) if due is not None else ()
    if pending is not None:
        lines.append("答复期限：等待申请人补正，收到补正后的申请之日起重新计算")
    elif due is None:
        lines.append(f"答复期限：征求意见或缴费尚未结束，暂停计算（已不计入{paused_workdays}个工作日）")
    else:
        parts = [f"{regime.base_days}个工作日"]
        if extension_days:
            parts.append(f"延期{extension_days}个工作日")
        if paused_workdays:
            parts.append(f"不计入{paused_workdays}个工作日")
        origin = f"自{_d(start)}{'起' if includes else '次日起'}算"
        mark = "（暂定）" if provisional else ""
        lines.append(f"答复期限：{_dw(due)}{mark}，{' + '.join(parts)}，{origin}")
    if provisional:
        lines.append(_cal.provisional_reason(provisional))
    return Deadline(
        due=due,
        base_days=regime.base_days,
        extension_days=extension_days,
        paused_workdays=paused_workdays,
        rule=regime.rule,
        explanation=tuple(lines),
        suspended=due is None,
        provisional_years=provisional,
    )


def workdays_left(due: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days left until `due`: 0 on the due day, negative when overdue.

    Before the due day: the working days after `today` up to and including `due`. After
    it: minus the working days after `due` up to and including `today`, but at least -1
    (a day off right after the due day is already overdue).
    """
    if today <= due:
        return calendar.workdays_between(today, due, include_start=False)
    return min(-1, calendar.workdays_between(today, due, include_start=False))


def correction_notice_due(received: date, calendar: WorkingCalendar) -> date:
    """Last day to send the one-time 补正 notice (art. 30: 7 working days of receipt)."""
    return calendar.add_workdays(received, CORRECTION_NOTICE_DAYS)


def consultation_reply_due(request_received: date, calendar: WorkingCalendar) -> date:
    """Last day for a third party / co-producer to comment (arts. 32/34: 15 working days)."""
    return calendar.add_workdays(request_received, CONSULTATION_REPLY_DAYS)


def fee_payment_due(notice_received: date, calendar: WorkingCalendar) -> date:
    """Last day to pay a fee: 20 working days from the day after the notice is received."""
    return calendar.add_workdays(notice_received, FEE_PAYMENT_DAYS, include_start=False)


def _kind_rank(step: Step) -> int:
    ranks = list(KINDS)
    return ranks.index(step.kind) if step.kind in KINDS else len(ranks)


def _check_step(step: Step, received: date, regime: Regime) -> None:
    if step.kind not in KINDS:
        raise ValueError(f"未知的办理步骤类型“{step.kind}”，应为：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}")
    name = KINDS[step.kind]
    if step.on < received:
        if step.kind == CORRECTION_RECEIVED:
            raise ValueError(f"补正后申请收到日期{_d(step.on)}早于收到申请日期{_d(received)}，不能据此重新起算")
        raise ValueError(f"{name}日期{_d(step.on)}早于收到申请日期{_d(received)}")
    if step.until is not None and step.until < step.on:
        raise ValueError(f"{name}的结束日期{_d(step.until)}早于开始日期{_d(step.on)}")
    if step.kind == EXTENSION:
        if not step.approver.strip():
            raise ValueError("延期须经政府信息公开工作机构负责人同意：请登记批准人")
        if not 1 <= step.days <= regime.max_extension_days:
            raise ValueError(
                f"延期{step.days}个工作日不符合规定：应为1至{regime.max_extension_days}个工作日"
                f"（{regime.extension_article}）"
            )
        if step.until is not None:
            raise ValueError("延期步骤不填写结束日期，请填写延长的工作日数")
    elif step.days:
        raise ValueError(f"只有延期步骤填写工作日数，{name}步骤不应填写（填写了{step.days}）")


def _walk(first: date, total: int, pauses: Sequence[Step], calendar: WorkingCalendar) -> tuple[date | None, set[date]]:
    """Count `total` working days from `first` on, skipping paused ones.

    Returns the day the count is reached (None when an open pause is reached first) and the
    paused working days skipped on the way.
    """
    paused: set[date] = set()
    left = total
    d = first
    while True:
        inside = [p for p in pauses if p.on <= d and (p.until is None or d <= p.until)]
        if any(p.until is None for p in inside):
            return None, paused
        if calendar.is_workday(d):
            if inside:
                paused.add(d)
            else:
                left -= 1
                if left == 0:
                    return d, paused
        d += _DAY


def _correction_line(step: Step, count_from: date, nth: int, regime: Regime, calendar: WorkingCalendar) -> str:
    line = f"补正通知发出：{_d(step.on)}"
    if step.until is not None:
        line += f"，申请人补正期限至{_d(step.until)}"
    if regime is NEW_REGIME:
        used = calendar.workdays_between(count_from, step.on, include_start=False)
        line += f"（收到申请后第{used}个工作日；条例第三十条：{CORRECTION_NOTICE_DAYS}个工作日内一次性告知）"
        if used > CORRECTION_NOTICE_DAYS:
            line += f"；注意：已超过{CORRECTION_NOTICE_DAYS}个工作日"
        if nth > 1:
            line += f"；注意：条例第三十条要求一次性告知，本件为第{nth}次补正通知"
    return line


def _pause_line(
    step: Step,
    start: date,
    due: date | None,
    paused: set[date],
    pending: bool,
    pauses_for_fee: bool,
    regime: Regime,
) -> str:
    name = KINDS[step.kind]
    span = f"{_d(step.on)}至{_d(step.until)}" if step.until is not None else f"{_d(step.on)}起，尚未结束"
    if step.kind == FEE_NOTICE:
        head = f"收费通知：{_d(step.on)}发出，" + (f"{_d(step.until)}缴费" if step.until is not None else "尚未缴费")
        if not pauses_for_fee:
            return head + "；按配置不中止答复期限（国办函〔2020〕109号对此的规定未经核实）"
        basis = "国办函〔2020〕109号；是否中止计算未经核实，按配置中止"
    else:
        head = f"征求意见：{span}"
        basis = regime.consultation_article
    if pending:
        return f"{head}（等待补正期间，不单独计算）"
    if step.until is not None and step.until <= start:
        return f"{head}；在答复期限重新起算之前，不影响期限"
    if due is not None and step.on > due:
        return f"{head}；开始于答复期限届满之后，不影响期限"
    if step.until is None:
        if due is not None:
            return f"{head}；开始于答复期限届满之后，不影响期限"
        return f"{head}；{name}期间答复期限中止，结束后再计算（{basis}）"
    inside = sum(1 for d in paused if step.on <= d <= step.until)
    return f"{head}，期间{inside}个工作日不计入答复期限（{basis}）"


def _d(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _dw(d: date) -> str:
    return f"{_d(d)}（星期{_WEEKDAYS[d.weekday()]}）"
