"""Chinese words of the ledger pages: outcome rows as printed in the 2021 format, statuses, days left.

The outcome labels are read from the official format (`nianbao.formats`, cells.csv / layout.toml), not
spelled out here, so the select a clerk closes a case with shows exactly the rows of table 三.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from nianbao.formats import get_format
from nianbao.ledger import cases
from nianbao.store.models import OUTCOMES

STATUS_LABELS: dict[str, str] = {"open": "办理中", "closed": "已办结"}
APPLICANT_LABELS = cases.APPLICANT_LABELS
CHANNEL_LABELS = cases.CHANNEL_LABELS
EVENT_LABELS = cases.EVENT_LABELS
ROUTE_LABELS = cases.ROUTE_LABELS
RESULT_LABELS = cases.RESULT_LABELS

_ORDINAL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_PAREN = re.compile(r"（[^）]*）$")


@cache
def outcome_rows() -> tuple[tuple[str, str, str, str], ...]:
    """(key, group, printed row label, short label) of every outcome row of table 三, in printed order.

    ``group`` is the printed group (``（三）不予公开``) or "" for a row of its own; the printed label is
    what the official table shows (``（三）不予公开 1.属于国家秘密``); the short label fits a list column
    (``不予公开：属于国家秘密``).
    """
    out = []
    for row in get_format("2021").rows_of("三"):
        key = row.key.removeprefix("applications.")
        if key not in OUTCOMES:
            continue
        if row.group:
            printed = f"{row.group} {row.label}"
            short = f"{_ORDINAL.sub('', row.group)}：{row.text}"
        else:
            printed = row.label
            short = _PAREN.sub("", row.text)
        out.append((key, row.group, printed, short))
    return tuple(out)


@cache
def outcome_labels() -> dict[str, str]:
    """Outcome key → short label."""
    return {key: short for key, _, _, short in outcome_rows()}


@cache
def outcome_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """For a <select>: (group or "", ((key, printed label), …)), consecutive rows of a group together."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for key, group, printed, _ in outcome_rows():
        label = printed.removeprefix(group).strip() if group else printed
        if groups and group and groups[-1][0] == group:
            groups[-1][1].append((key, label))
        else:
            groups.append((group, [(key, label)]))
    return tuple((g, tuple(items)) for g, items in groups)


def outcome_label(key: str | None) -> str:
    if not key:
        return ""
    return outcome_labels().get(key, key)


def left_text(days_left: int | None) -> str:
    """Working days left in words: ``超期 3 个工作日``, ``今日到期``, ``剩 5 个工作日``."""
    if days_left is None:
        return ""
    if days_left < 0:
        return f"超期 {-days_left} 个工作日"
    if days_left == 0:
        return "今日到期"
    return f"剩 {days_left} 个工作日"


def left_class(days_left: int | None) -> str:
    """The badge class of days left: overdue red, the last three working days amber."""
    if days_left is None:
        return "none"
    if days_left < 0:
        return "error"
    if days_left <= 3:
        return "warning"
    return "ok"


def cn_date(value: object) -> str:
    """2025年10月30日（星期四）: how the deadline is said aloud."""
    if not isinstance(value, dt.date):
        return ""
    return f"{value.year}年{value.month}月{value.day}日（星期{'一二三四五六日'[value.weekday()]}）"
