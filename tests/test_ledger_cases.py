"""The ledger's service: cases, the append-only event log, stored deadlines, concurrency, `due`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from nianbao.ledger import agencies, cases, errors, queries, vocabulary
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.deadlines import workdays_left
from nianbao.store.models import Agency, Application, Event

if TYPE_CHECKING:
    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

CAL = WorkingCalendar()
D = dt.date


RECEIVED = D(2025, 9, 26)


def _new(
    ledger_db: LedgerDB, reference: str = "A-1", received: dt.date = RECEIVED, kind: str = "natural_person"
) -> None:
    with ledger_db.session() as s, s.begin():
        agency, _ = agencies.get_or_create_agency(s, "某市审计局")
        cases.add_case(s, agency, reference, received, kind, calendar=CAL)


def _case(s: Session, reference: str = "A-1") -> Application:
    return cases.find_case(s, agencies.find_agency(s, "某市审计局"), reference)


def test_a_new_case_gets_its_deadline_and_a_registered_event(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s:
        case = _case(s)
        assert case.due == D(2025, 10, 30)  # 20 working days across the National Day break (调休 9-28, 10-11)
        assert [e.kind for e in case.events] == ["registered"]
        assert case.status == "open"
        assert case.version == 1


def test_each_event_recomputes_and_stores_the_deadline_which_explains_itself(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        cases.add_event(s, case, "extension", D(2025, 10, 20), calendar=CAL, approver="李主任", days=10)
        assert case.due == D(2025, 11, 13)
        cases.add_event(s, case, "consultation_opened", D(2025, 10, 22), calendar=CAL, party="某公司")
        assert case.due is None  # suspended while the third party has the file
        cases.add_event(s, case, "consultation_closed", D(2025, 10, 24), calendar=CAL, party="某公司")
    with ledger_db.session() as s:
        case = _case(s)
        found = cases.deadline(case, CAL)
        assert case.due == found.due == D(2025, 11, 18)  # three working days 10-22..10-24 not counted
        assert found.paused_workdays == 3
        text = "\n".join(found.explanation)
        assert "李主任" in text
        assert "征求意见" in text
        assert "2025年11月18日" in text
        assert case.version == 4


def test_a_consultation_opened_and_closed_the_same_day_is_paired(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        cases.add_event(s, case, "consultation_opened", D(2025, 10, 22), calendar=CAL, party="某公司")
        cases.add_event(s, case, "consultation_closed", D(2025, 10, 22), calendar=CAL, party="某公司")
        assert case.due == D(2025, 10, 31)  # one working day not counted
        cases.add_event(s, case, "fee_notice", D(2025, 10, 23), calendar=CAL)
        assert case.due is None
        cases.add_event(s, case, "fee_paid", D(2025, 10, 23), calendar=CAL)
        assert case.due == D(2025, 11, 3)


def test_a_correction_restarts_the_count(ledger_db: LedgerDB) -> None:
    _new(ledger_db, received=D(2025, 3, 3))
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        cases.add_event(s, case, "correction_requested", D(2025, 3, 5), calendar=CAL, until=D(2025, 3, 20))
        assert case.due is None
        cases.add_event(s, case, "correction_received", D(2025, 3, 10), calendar=CAL)
        assert case.due == CAL.add_workdays(D(2025, 3, 10), 20)


@pytest.mark.parametrize(
    ("kind", "options", "reason"),
    [
        ("extension", {"days": 10}, "批准"),
        ("extension", {"approver": "李主任", "days": 30}, "1至20"),
        ("consultation_closed", {}, "没有尚未结束"),
        ("fee_paid", {}, "没有尚未结束"),
        ("answered", {"approver": "李主任"}, "只有延期"),
        ("closed", {}, "不能用 event 登记"),
    ],
)
def test_invalid_events_are_refused_with_a_message_naming_the_case(
    ledger_db: LedgerDB, kind: str, options: dict[str, object], reason: str
) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        with pytest.raises(errors.LedgerError, match=f"案件 A-1.*{reason}"):
            cases.add_event(s, case, kind, D(2025, 10, 9), calendar=CAL, **options)  # type: ignore[arg-type]
        assert len(case.events) == 1


def test_an_event_before_receipt_is_refused(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin(), pytest.raises(errors.LedgerError, match="早于收到申请日期"):
        cases.add_event(s, _case(s), "answered", D(2025, 9, 1), calendar=CAL)


def test_a_second_extension_is_refused(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        cases.add_event(s, case, "extension", D(2025, 10, 20), calendar=CAL, approver="李主任", days=10)
        with pytest.raises(errors.LedgerError, match="只能延期一次"):
            cases.add_event(s, case, "extension", D(2025, 10, 21), calendar=CAL, approver="李主任", days=5)


def test_closing_records_one_outcome_and_ends_the_case(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        cases.add_event(s, case, "answered", D(2025, 10, 9), calendar=CAL)
        cases.close_case(s, case, "partially_granted", D(2025, 10, 9))
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        assert (case.status, case.outcome, case.closed) == ("closed", "partially_granted", D(2025, 10, 9))
        assert [e.kind for e in case.events] == ["registered", "answered", "closed"]
        assert case.events[-1].outcome == "partially_granted"
        with pytest.raises(errors.LedgerError, match="已于 2025-10-09 办结"):
            cases.add_event(s, case, "answered", D(2025, 10, 10), calendar=CAL)
        with pytest.raises(errors.LedgerError, match="不能再次办结"):
            cases.close_case(s, case, "granted", D(2025, 10, 10))
        with pytest.raises(errors.LedgerError, match="不是表三的办理结果行"):
            vocabulary.outcome("withheld")


def test_a_stale_edit_from_a_second_session_is_refused(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    first, second = ledger_db.session(), ledger_db.session()
    try:
        mine = _case(first)
        theirs = _case(second)
        assert mine.version == theirs.version == 1
        second.commit()  # a person read the case (one request) and edits it later (another request)
        cases.add_event(first, mine, "answered", D(2025, 10, 9), calendar=CAL)
        first.commit()
        with pytest.raises(errors.StaleCase, match="案件 A-1 已被他人修改"):
            cases.close_case(second, theirs, "granted", D(2025, 10, 9))
        second.rollback()
    finally:
        first.close()
        second.close()
    with ledger_db.session() as s:
        case = _case(s)
        assert case.status == "open"
        assert case.version == 2
        assert [e.kind for e in case.events] == ["registered", "answered"]


def test_the_version_a_person_saw_is_checked(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        cases.add_event(s, _case(s), "answered", D(2025, 10, 9), calendar=CAL, expected_version=1)
    with ledger_db.session() as s, s.begin(), pytest.raises(errors.StaleCase, match=r"第 2 版.*第 1 版"):
        cases.close_case(s, _case(s), "granted", D(2025, 10, 9), expected_version=1)


def test_events_are_only_ever_added(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        case = _case(s)
        for day in (D(2025, 10, 9), D(2025, 10, 10)):
            cases.add_event(s, case, "answered", day, calendar=CAL)
    with ledger_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 3
        assert not [name for name in dir(cases) if name.startswith(("update_event", "delete_event", "remove_"))]


def test_due_lists_overdue_first_and_suspended_last(ledger_db: LedgerDB) -> None:
    _new(ledger_db, "late", D(2025, 8, 1))
    _new(ledger_db, "soon", D(2025, 10, 9))
    _new(ledger_db, "later", D(2025, 10, 20))
    _new(ledger_db, "waiting", D(2025, 10, 10))
    _new(ledger_db, "done", D(2025, 8, 2))
    with ledger_db.session() as s, s.begin():
        cases.add_event(s, _case(s, "waiting"), "correction_requested", D(2025, 10, 11), calendar=CAL)
        cases.close_case(s, _case(s, "done"), "granted", D(2025, 8, 5))
    with ledger_db.session() as s:
        agency = agencies.find_agency(s, "某市审计局")
        today = D(2025, 10, 25)
        rows = queries.due_cases(s, [agency.id], today, CAL)
        assert [reference for reference, *_ in rows] == ["late", "soon", "later", "waiting"]
        overdue = rows[0][2]
        assert overdue is not None
        assert overdue < 0
        for _, deadline, days_left, provisional in rows[:3]:
            assert deadline is not None
            assert days_left == workdays_left(deadline, today, CAL)
            assert provisional is False
        assert rows[3] == ("waiting", None, None, False)
        assert [r[0] for r in queries.due_cases(s, [agency.id], today, CAL, limit=2)] == ["late", "soon"]
        assert [r[0] for r in queries.due_cases(s, [agency.id], today, CAL, limit=4)][-1] == "waiting"
        listed = {r.reference: r for r in queries.list_cases(s, [agency.id], today, CAL)[0]}
        assert listed["done"].days_left is None
        assert listed["done"].outcome == "granted"
        assert listed["soon"].days_left == rows[1][2]
        assert listed["soon"].deadline == rows[1][1]


@settings(max_examples=300, deadline=None)
@given(st.dates(D(2024, 1, 1), D(2026, 12, 31)), st.dates(D(2024, 1, 1), D(2026, 12, 31)))
def test_the_precomputed_index_agrees_with_workdays_left(due: dt.date, today: dt.date) -> None:
    index = queries.WorkdayIndex(CAL, D(2024, 1, 1), D(2026, 12, 31))
    assert index.left(due, today) == workdays_left(due, today, CAL)


def test_agencies_roll_up_and_refuse_cycles(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, s.begin():
        city = agencies.set_agency(s, "某市人民政府", level="市级")
        bureau = agencies.set_agency(s, "某市审计局", level="市级", parent="某市人民政府")
        office = agencies.set_agency(s, "某市审计局办公室", parent="某市审计局")
        assert sorted(agencies.descendants(s, city)) == sorted([city.id, bureau.id, office.id])
        assert agencies.descendants(s, office) == [office.id]
        with pytest.raises(errors.LedgerError, match="循环"):
            agencies.set_agency(s, "某市人民政府", parent="某市审计局办公室")


def test_vocabulary_accepts_keys_and_printed_labels() -> None:
    assert vocabulary.applicant_type("自然人") == "natural_person"
    assert vocabulary.applicant_type("社会组织") == "nonprofit"
    assert vocabulary.applicant_type("legal_services") == "legal_services"
    assert vocabulary.outcome("applications.withheld.third_party_rights") == "withheld.third_party_rights"
    assert vocabulary.event_kind("延期") == "extension"
    assert vocabulary.appeal_route("复议后起诉") == "litigation_after_review"
    with pytest.raises(errors.LedgerError, match="申请人类型“公民”无法识别"):
        vocabulary.applicant_type("公民")


def test_figures_without_their_events_are_reported(ledger_db: LedgerDB) -> None:
    _new(ledger_db)
    with ledger_db.session() as s, s.begin():
        cases.close_case(s, _case(s), "granted", D(2025, 10, 9))
        assert cases.untraceable(s, agencies.find_agency(s, "某市审计局")) == []
    with ledger_db.engine.begin() as c:  # written behind the service's back
        agency_id = c.execute(select(Agency.id)).scalar_one()
        c.execute(
            insert(Application).values(
                agency_id=agency_id,
                reference="raw",
                received=D(2025, 3, 3),
                applicant_type="research",
                status="closed",
                closed=D(2025, 3, 4),
                outcome="granted",
            )
        )
    with ledger_db.session() as s:
        assert cases.untraceable(s, agencies.find_agency(s, "某市审计局")) == [
            "案件 raw：登记事件与收到日期 2025-03-03 不符",
            "案件 raw：办结事件与办结日期、办理结果不符",
        ]
