"""What the ledger's commands share: one transaction a command, dates and words as typed, deadlines as text.

The database is the one ``NIANBAO_DATABASE_URL`` names (default: ``nianbao.db`` here, see `store.db`);
it is migrated on first use. Each command is one transaction. Errors are one Chinese line on stderr
naming the file or case, with a non-zero exit (1: refused or failed, 2: bad usage), never a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from nianbao.cli.common import fail, plain_err

if TYPE_CHECKING:  # the database layers are imported by the commands that use them: `nianbao` starts fast
    from sqlalchemy.orm import Session

    from nianbao.ledger.calendar import WorkingCalendar
    from nianbao.store.models import Agency, Application

AgencyOpt = Annotated[str, typer.Option("--agency", help="机关全称")]
ExpectOpt = Annotated[
    int | None, typer.Option("--expect-version", help="你看到的案件版本号（show 显示）；案件已被他人修改时拒绝保存")
]


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    from nianbao.store import db

    url = db.database_url()
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "（无法解析的地址）"


@contextmanager
def unit() -> Iterator[Session]:
    """One transaction on the ledger's database; every expected failure becomes one line and an exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from nianbao.ledger import csvio
    from nianbao.ledger.errors import LedgerError
    from nianbao.store import db

    try:
        with db.session() as s:
            yield s
    except csvio.ImportFailed as exc:
        for line in exc.problems:
            plain_err.print(f"nianbao: {line}", markup=False)
        raise fail(str(exc)) from None
    except LedgerError as exc:
        raise fail(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise fail(f"数据库 {_safe_url()}：{reason}") from None


def parse_date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{what}“{text}”无效，应为 YYYY-MM-DD", 2) from None


def required_date(text: str, what: str) -> dt.date:
    """A required date option."""
    day = parse_date(text, what)
    if day is None:
        raise fail(f"缺少{what}", 2)
    return day


def find_case(s: Session, agency: str, reference: str) -> Application:
    """The case `reference` of `agency`, or a one-line error naming it."""
    from nianbao.ledger import agencies, cases

    return cases.find_case(s, agencies.find_agency(s, agency), reference)


def today_or(text: str | None) -> dt.date:
    return parse_date(text, "--today") or dt.date.today()


def parse_word(parse: Callable[[str], str], text: str) -> str:
    from nianbao.ledger.errors import LedgerError

    try:
        return parse(text)
    except LedgerError as exc:
        raise fail(str(exc), 2) from None


def agency_ids(s: Session, name: str, rollup: bool = False) -> tuple[Agency, list[int]]:
    from nianbao.ledger import agencies

    agency = agencies.find_agency(s, name)
    return agency, agencies.descendants(s, agency) if rollup else [agency.id]


def due_text(case_due: dt.date | None, provisional: bool = False) -> str:
    if case_due is None:
        return "暂停计算"
    return f"{case_due.isoformat()}（暂定）" if provisional else case_due.isoformat()


def registered(what: str, case: Application, calendar: WorkingCalendar) -> None:
    """One line for a case just written: its deadline, and why it is provisional when it is."""
    from nianbao.ledger.calendar import provisional_reason

    plain_err.print(f"{what}，答复期限 {due_text(case.due, case.due_provisional)}", markup=False)
    if case.due_provisional and case.due is not None:
        plain_err.print(provisional_reason(calendar.provisional_years(case.received, case.due)), markup=False)
