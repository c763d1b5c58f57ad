"""Officers' corrections of values read from a stored report (issue #18): who may correct, what a value may
be, and the write itself (the read side is `corrections`).

Who may correct a report's values (and enter its publication date):

- reviewers, supervisors and administrators, on any report they may see (their jurisdiction's): a misread
  is a fact about the reading, whatever the report's status;
- the agency's own clerk, on its own report while it is only checked (not yet submitted): a submitted or
  returned report is the agency's word, and its clerk corrects it by uploading a corrected file.

Every correction needs a reason and is kept with its author and time; nothing is ever deleted, so whoever
sees the report sees what was changed, by whom and why.

Concurrency: a correction is written under a lock on the report's row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite's writer lock, ``BEGIN IMMEDIATE``). A person who saw the report before someone else
corrected the same field is told so (409, with who changed it to what) instead of overwriting it unseen:
the form carries `base`, the newest correction id the person saw.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from nianbao.formats import get_format
from nianbao.formats.model import CellSpec
from nianbao.report import Report
from nianbao.store.models import Correction, StoredReport
from nianbao.web.check.corrections import (
    PUBLISHED,
    Entry,
    Value,
    display,
    dumps,
    entries_of,
    newest,
    raw_value,
    when,
)
from nianbao.web.check.parsing import parsed_of
from nianbao.web.check.service import lock_row, recount
from nianbao.web.core.people import Viewer, forbidden

__all__ = ["MAX_REASON", "CorrectionRefused", "add_correction", "cell_spec", "may_correct", "parse_value"]

MAX_REASON = 2000
MAX_NUMBER = Decimal(10) ** 12
MAX_PLACES = 6  # fractional digits of an amount (万元)
FIRST_DATE = dt.date(2008, 1, 1)  # the regulation took effect in 2008
_CN_DATE = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")
_SPACE = re.compile(r"\s+")


class CorrectionRefused(ValueError):
    """A correction not taken: the Chinese message says why; `status` is the HTTP status to answer with (422 for
    a value or reason that is not acceptable, 409 for someone else's newer correction of the same field)."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def may_correct(viewer: Viewer, stored: StoredReport) -> bool:
    """Reviewers, supervisors, administrators (of a report they may see); the agency's own clerk on its own
    report while it is not yet submitted."""
    if viewer.reviews:
        return True
    return (
        viewer.role == "clerk"
        and stored.agency_id is not None
        and stored.agency_id == viewer.agency_id
        and stored.status == "checked"
    )


def cell_spec(report: Report, field: str) -> CellSpec | None:
    """The cell of the report's format named `field`, if any."""
    if report.format is None:
        return None
    return get_format(report.format).cells.get(field)


def _number(text: str, spec: CellSpec) -> Decimal | int | None:
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text)).replace(",", "")
    if text in ("", "空白", "空"):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CorrectionRefused(f"“{text[:20]}”不是数字：请填写数字，或留空表示该格空白") from None
    if not number.is_finite() or number < 0:
        raise CorrectionRefused("数值不能为负数")
    if number >= MAX_NUMBER:
        raise CorrectionRefused("数值过大")
    if not spec.is_decimal:
        if number != number.to_integral_value():
            raise CorrectionRefused(f"“{spec.column_label}”应为整数（单位：{spec.unit}）")
        return int(number)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        raise CorrectionRefused(f"金额最多保留 {MAX_PLACES} 位小数")
    return int(number) if number == number.to_integral_value() else number.normalize()


def _date(text: str, today: dt.date) -> str | None:
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    found = _CN_DATE.match(text)
    try:
        day = dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None
    except ValueError:
        day = None
    if day is None:
        raise CorrectionRefused(f"日期“{text[:20]}”无法识别，应写作“2025-01-20”或“2025年1月20日”")
    if day < FIRST_DATE:
        raise CorrectionRefused("发布日期不能早于 2008 年（《条例》施行之年）")
    if day > today:
        raise CorrectionRefused(f"发布日期不能晚于今天（{today.isoformat()}）")
    return day.isoformat()


def parse_value(report: Report, field: str, raw: str | int | float | Decimal | None, today: dt.date) -> Value:
    """The value a person entered for `field` (a cell of the report's tables, or ``meta.published``), checked;
    CorrectionRefused (Chinese) otherwise. Blank means a blank cell, or an unknown date."""
    if field == PUBLISHED:
        if raw is not None and not isinstance(raw, str):
            raise CorrectionRefused("发布日期应写作“2025-01-20”")
        return _date(raw or "", today)
    spec = cell_spec(report, field)
    if spec is None:
        if report.format is None:
            raise CorrectionRefused("未能识别报告的表格格式，无法更正单元格")
        raise CorrectionRefused(f"“{field[:80]}”不是本报告表格（{report.format} 年版）中的单元格")
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CorrectionRefused("请填写数字")
    if isinstance(raw, int | Decimal):
        return _number(str(raw), spec)
    if isinstance(raw, float):
        return _number(repr(raw), spec)
    return _number(raw, spec)


def _reason(text: str) -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise CorrectionRefused("请填写更正原因")
    if len(text) > MAX_REASON:
        raise CorrectionRefused(f"更正原因不能超过 {MAX_REASON} 个字")
    return text


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_correction(
    session: Session,
    viewer: Viewer,
    stored: StoredReport,
    field: str,
    raw: str | int | float | Decimal | None,
    reason: str,
    *,
    today: dt.date,
    base: int | None = None,
) -> Entry:
    """Records a correction of one field of the stored report and checks the report again (its stored counts
    follow). `base` is the newest correction id the person saw (None: not checked). 403 for people who may
    not correct; CorrectionRefused for a value or reason not taken, a value that changes nothing, or a newer
    correction of the same field than the person saw (409); UploadRefused if the file can no longer be read."""
    if not may_correct(viewer, stored):
        raise forbidden("只有审核人员、政务公开监管人员和管理员，以及本机关经办人员（报告提交前）可以更正读取的数值")
    field = field.strip()
    if not field:
        raise CorrectionRefused("请选择要更正的单元格")
    reason = _reason(reason)
    report = parsed_of(stored).report
    value = parse_value(report, field, raw, today)
    # the report's row is locked while its corrections are read and one is added (PostgreSQL; SQLite's
    # writer already holds the database lock), so that two officers' corrections are decided one after the other
    lock_row(session, stored)
    current = newest(entries_of(session, stored.id)).get(field)
    if base is not None and current is not None and current.id > base:
        raise CorrectionRefused(
            f"该项已由{current.user_name}于 {when(current.at)} 更正为“{display(current.value) or '空白'}”"
            "（在您打开页面之后），未保存您的更正；请核对后重新填写",
            status=409,
        )
    # the printed date is the row's (what the matrix and the check page judge by), a cell's value as read
    printed: Value = raw_value(report, field)
    if field == PUBLISHED:
        printed = stored.published.isoformat() if stored.published is not None else None
    effective = current.value if current is not None else printed
    if value == effective:
        shown = display(value) or ("未识别" if field == PUBLISHED else "空白")
        raise CorrectionRefused(f"填写的值与当前值（{shown}）相同，无需更正")
    row = Correction(
        report_id=stored.id,
        field=field,
        printed=dumps(printed),
        value=dumps(value),
        reason=reason,
        user_id=viewer.id,
        at=_now(),
    )
    session.add(row)
    session.flush()
    recount(session, stored)
    return next(e for e in entries_of(session, stored.id) if e.id == row.id)
