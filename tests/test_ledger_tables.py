"""Year-end tables 三 and 四 from the ledger: counting semantics, formats, roll-ups, and the property
that any ledger gives tables that add up and carry over from one year to the next."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.audit import Status
from nianbao.formats import get_format
from nianbao.ledger import agencies, appeals, cases, errors
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.tables import tables
from nianbao.store.models import APPEAL_ROUTES, APPLICANT_TYPES, OUTCOMES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from nianbao.report import Report
    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

CAL = WorkingCalendar()
D = dt.date
COLUMNS = (*APPLICANT_TYPES, "total")
_names = itertools.count()


def _add(
    s: Session,
    agency: str,
    reference: str,
    received: dt.date,
    kind: str = "natural_person",
    closed: dt.date | None = None,
    outcome: str = "granted",
) -> None:
    owner, _ = agencies.get_or_create_agency(s, agency)
    case = cases.add_case(s, owner, reference, received, kind, calendar=CAL)
    if closed is not None:
        cases.close_case(s, case, outcome, closed)


def _arithmetic_failures(report: Report) -> list[str]:
    """Every arithmetic finding: failed ones, and also not-assessable ones (every cell must be there)."""
    audit = nianbao.check(report, select_rules=["arithmetic"])
    assert not [f for f in audit.findings if f.status is Status.FAILED]
    return [f"{f.rule} {f.message}" for f in audit.findings]


def test_a_case_is_new_then_carried_forward_then_carried_over_and_closed(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, s.begin():
        _add(
            s, "某局", "A", D(2024, 12, 20), "commercial", closed=D(2025, 1, 10), outcome="withheld.third_party_rights"
        )
        _add(s, "某局", "B", D(2024, 3, 1), closed=D(2024, 3, 20), outcome="partially_granted")
        _add(s, "某局", "C", D(2025, 6, 1))
        _add(s, "某局", "D", D(2023, 5, 1), closed=D(2023, 5, 5))  # before both years: counted in neither
    with ledger_db.session() as s:
        y24, y25 = tables(s, "某局", 2024), tables(s, "某局", 2025)
    assert (y24.format, y24.year, y24.agency, y24.sections) == ("2021", 2024, "某局", [])
    assert y24.value("applications.new.commercial") == 1
    assert y24.value("applications.new.natural_person") == 1
    assert y24.value("applications.new.total") == 2
    assert y24.value("applications.carried_over.total") == 0
    assert y24.value("applications.partially_granted.natural_person") == 1
    assert y24.value("applications.total.total") == 1
    assert y24.value("applications.carried_forward.commercial") == 1
    assert y25.value("applications.carried_over.commercial") == 1
    assert y25.value("applications.withheld.third_party_rights.commercial") == 1
    assert y25.value("applications.new.natural_person") == 1
    assert y25.value("applications.carried_forward.natural_person") == 1
    assert y25.value("applications.total.total") == 1
    assert _arithmetic_failures(y24) == _arithmetic_failures(y25) == []


def test_the_report_has_every_cell_of_tables_three_and_four_and_nothing_else(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, s.begin():
        _add(s, "某局", "A", D(2024, 2, 1))
        report = tables(s, "某局", 2024)
    fmt = get_format("2021")
    expected = {k for t in ("三", "四") for row in fmt.rows_of(t) for k in row.cells}
    exchange = report.to_exchange()
    assert set(exchange["cells"]) == expected
    assert all(isinstance(v, int) for v in exchange["cells"].values())
    assert (exchange["format"], exchange["year"], exchange["agency"]) == ("2021", 2024, "某局")


def test_the_2019_format_prints_other_handling_as_one_row(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, s.begin():
        _add(s, "某局", "A", D(2020, 3, 2), closed=D(2020, 4, 1), outcome="other_handling.no_correction")
        _add(s, "某局", "B", D(2020, 3, 2), closed=D(2020, 4, 1), outcome="other_handling.fee_unpaid")
        report = tables(s, "某局", 2020)
    assert report.format == "2019"
    assert report.value("applications.other_handling.natural_person") == 2
    assert report.value("applications.total.total") == 2
    assert _arithmetic_failures(report) == []


def test_table_four_counts_decisions_of_the_year_and_cases_pending_at_its_end(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, s.begin():
        _add(s, "某局", "A", D(2024, 2, 1), closed=D(2024, 2, 20))
        owner = agencies.find_agency(s, "某局")
        app = cases.find_case(s, owner, "A")
        review = appeals.add_appeal(s, owner, "复-1", "review", D(2024, 3, 1), application=app)
        appeals.decide_appeal(s, review, "corrected", D(2024, 5, 1))
        appeals.add_appeal(s, owner, "诉-1", "litigation_direct", D(2024, 11, 1), application=app)
        late = appeals.add_appeal(s, owner, "诉-2", "litigation_after_review", D(2024, 6, 1))
        appeals.decide_appeal(s, late, "upheld", D(2025, 2, 1))
        old = appeals.add_appeal(s, owner, "复-0", "review", D(2023, 6, 1))
        appeals.decide_appeal(s, old, "other", D(2023, 9, 1))
        y24, y25 = tables(s, "某局", 2024), tables(s, "某局", 2025)
    assert [y24.value(f"review.{r}") for r in ("upheld", "corrected", "other", "pending", "total")] == [0, 1, 0, 0, 1]
    assert y24.value("litigation_direct.pending") == y24.value("litigation_direct.total") == 1
    assert y24.value("litigation_after_review.pending") == 1
    assert y25.value("litigation_after_review.upheld") == y25.value("litigation_after_review.total") == 1
    assert y25.value("litigation_direct.pending") == 1  # still pending: pending in both years
    assert y25.value("review.total") == 0
    assert _arithmetic_failures(y24) == _arithmetic_failures(y25) == []


def test_a_parent_rolls_up_its_agencies(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, s.begin():
        agencies.set_agency(s, "某市人民政府")
        agencies.set_agency(s, "某市审计局", parent="某市人民政府")
        _add(s, "某市人民政府", "G-1", D(2024, 2, 1))
        _add(s, "某市审计局", "S-1", D(2024, 2, 1), "research", closed=D(2024, 2, 5))
        alone = tables(s, "某市人民政府", 2024)
        together = tables(s, "某市人民政府", 2024, rollup=True)
    assert alone.value("applications.new.total") == 1
    assert together.value("applications.new.total") == 2
    assert together.value("applications.granted.research") == 1
    assert _arithmetic_failures(together) == []


def test_an_unknown_agency_is_a_clear_error(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s, pytest.raises(errors.LedgerError, match="机关“无此局”不在台账中"):
        tables(s, "无此局", 2024)


# --------------------------------------------------------------------------------------------
# The property: random ledgers over 2023-2025 (receipts across the holidays, carry-overs)
# --------------------------------------------------------------------------------------------

CaseSpec = tuple[dt.date, str, tuple[int, str] | None]
case_specs = st.tuples(
    st.dates(D(2023, 9, 1), D(2025, 12, 31)),
    st.sampled_from(APPLICANT_TYPES),
    st.one_of(st.none(), st.tuples(st.integers(0, 420), st.sampled_from(OUTCOMES))),
)
appeal_specs = st.tuples(
    st.sampled_from(APPEAL_ROUTES),
    st.dates(D(2023, 9, 1), D(2025, 12, 31)),
    st.one_of(st.none(), st.tuples(st.integers(0, 400), st.sampled_from(["upheld", "corrected", "other"]))),
)


def _expected(specs: list[CaseSpec], year: int) -> Counter[str]:
    """The table 三 counts by the definitions of spec/ledger.md, case by case."""
    first, last = D(year, 1, 1), D(year, 12, 31)
    out: Counter[str] = Counter()
    for received, kind, closing in specs:
        closed = received + dt.timedelta(days=closing[0]) if closing else None
        if received > last or (closed is not None and closed < first):
            continue
        out[f"applications.{'new' if received >= first else 'carried_over'}.{kind}"] += 1
        if closed is not None and closed <= last:
            assert closing is not None
            out[f"applications.{closing[1]}.{kind}"] += 1
        else:
            out[f"applications.carried_forward.{kind}"] += 1
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(case_specs, max_size=30), st.lists(appeal_specs, max_size=6))
def test_random_ledgers_give_tables_that_add_up_and_carry_over(
    ledger_db: LedgerDB, specs: list[CaseSpec], filed: list[tuple[str, dt.date, tuple[int, str] | None]]
) -> None:
    agency = f"机关{next(_names)}"
    with ledger_db.session() as s, s.begin():
        owner, _ = agencies.get_or_create_agency(s, agency)
        for n, (received, kind, closing) in enumerate(specs):
            case = cases.add_case(s, owner, f"R{n}", received, kind, calendar=CAL)
            if closing is not None:
                cases.close_case(s, case, closing[1], received + dt.timedelta(days=closing[0]))
        for n, (route, on, decision) in enumerate(filed):
            appeal = appeals.add_appeal(s, owner, f"F{n}", route, on)
            if decision is not None:
                appeals.decide_appeal(s, appeal, decision[1], on + dt.timedelta(days=decision[0]))
    with ledger_db.session() as s:
        y24, y25 = tables(s, agency, 2024), tables(s, agency, 2025)
        assert cases.untraceable(s, agencies.find_agency(s, agency)) == []
    for report in (y24, y25):
        assert _arithmetic_failures(report) == []
        expected = _expected(specs, report.year or 0)
        for kind in APPLICANT_TYPES:
            for row in ("new", "carried_over", "carried_forward", *OUTCOMES):
                assert report.value(f"applications.{row}.{kind}") == expected[f"applications.{row}.{kind}"]
    for column in COLUMNS:
        assert y25.value(f"applications.carried_over.{column}") == y24.value(f"applications.carried_forward.{column}")
