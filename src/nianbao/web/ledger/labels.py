"""How the ledger pages say days left and dates in Chinese.

The ledger's words (applicant types, channels, statuses, event kinds, outcome rows, appeal routes and
results) are `nianbao.ledger.vocabulary`; the pages hand it to the templates as ``words``.
"""

from __future__ import annotations

import datetime as dt


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
