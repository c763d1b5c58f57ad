"""The ledger's database: migrations, and the integrity the database itself enforces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from nianbao.formats import get_format
from nianbao.store import db
from nianbao.store.models import APPLICANT_TYPES, OUTCOMES, Agency, Application, Base, Event
from tests.ledger_db import backends, fresh_pg_schema

if TYPE_CHECKING:
    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

DAY = dt.date(2025, 3, 3)


def test_the_vocabularies_are_the_2021_format_columns_and_outcome_rows() -> None:
    fmt = get_format("2021")
    assert fmt.applicant_columns[:-1] == APPLICANT_TYPES
    rows = [r.key.removeprefix("applications.") for r in fmt.rows_of("三")]
    assert list(OUTCOMES) == [r for r in rows if r not in ("new", "carried_over", "total", "carried_forward")]


def test_default_database_is_a_sqlite_file_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    assert db.database_url() == "sqlite:///nianbao.db"
    monkeypatch.setenv(db.ENV_VAR, "postgresql+psycopg://u@h/d")
    assert db.database_url() == "postgresql+psycopg://u@h/d"
    assert db.database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_migration_builds_exactly_the_models_schema(ledger_db: LedgerDB) -> None:
    with ledger_db.engine.connect() as c:
        diffs = compare_metadata(MigrationContext.configure(c), Base.metadata)
        assert diffs == []
        assert MigrationContext.configure(c).get_current_revision() == "0007"
    db.upgrade(ledger_db.url)  # again: nothing to do, no error


def test_sqlite_connections_enforce_foreign_keys_in_wal_mode(ledger_db: LedgerDB) -> None:
    if ledger_db.backend != "sqlite":
        pytest.skip("SQLite pragmas")
    with ledger_db.engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def _agency(ledger_db: LedgerDB) -> int:
    with ledger_db.engine.begin() as c:
        return int(c.execute(insert(Agency).values(name="某局").returning(Agency.id)).scalar_one())


def _case(**values: object) -> dict[str, object]:
    return {"reference": "A-1", "received": DAY, "applicant_type": "natural_person", **values}


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"applicant_type": "citizen"}, "applicant_type"),
        ({"status": "lost"}, "status"),
        ({"status": "closed", "closed": DAY, "outcome": "refused"}, "outcome"),
        ({"status": "closed", "closed": DAY}, "closed_shape"),
        ({"status": "open", "closed": DAY, "outcome": "granted"}, "closed_shape"),
        ({"status": "closed", "closed": DAY - dt.timedelta(days=1), "outcome": "granted"}, "closed_after_received"),
        ({"channel": "pigeon"}, "channel"),
        ({"reference": ""}, "reference_not_empty"),
    ],
)
def test_the_database_refuses_an_invalid_case(ledger_db: LedgerDB, values: dict[str, object], constraint: str) -> None:
    agency_id = _agency(ledger_db)
    with pytest.raises(IntegrityError, match=constraint), ledger_db.engine.begin() as c:
        c.execute(insert(Application).values(agency_id=agency_id, **_case(**values)))


def test_reference_is_unique_within_an_agency_only(ledger_db: LedgerDB) -> None:
    first = _agency(ledger_db)
    with ledger_db.engine.begin() as c:
        second = c.execute(insert(Agency).values(name="另一局").returning(Agency.id)).scalar_one()
        c.execute(insert(Application).values(agency_id=first, **_case()))
        c.execute(insert(Application).values(agency_id=second, **_case()))
    with pytest.raises(IntegrityError), ledger_db.engine.begin() as c:
        c.execute(insert(Application).values(agency_id=first, **_case()))


def test_foreign_keys_are_enforced(ledger_db: LedgerDB) -> None:
    with pytest.raises(IntegrityError), ledger_db.engine.begin() as c:
        c.execute(insert(Application).values(agency_id=999, **_case()))


def test_events_cannot_be_updated_or_deleted(ledger_db: LedgerDB) -> None:
    agency_id = _agency(ledger_db)
    with ledger_db.engine.begin() as c:
        case_id = c.execute(
            insert(Application).values(agency_id=agency_id, **_case()).returning(Application.id)
        ).scalar_one()
        c.execute(insert(Event).values(application_id=case_id, kind="registered", on=DAY))
    with pytest.raises(DBAPIError, match="只能追加"), ledger_db.engine.begin() as c:
        c.execute(update(Event).values(note="改过"))
    with pytest.raises(DBAPIError, match="只能追加"), ledger_db.engine.begin() as c:
        c.execute(text("DELETE FROM events"))
    with pytest.raises(IntegrityError), ledger_db.engine.begin() as c:  # nor can its case go
        c.execute(text("DELETE FROM applications"))
    with ledger_db.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM events")).scalar() == 1


def test_an_event_kind_outside_the_vocabulary_is_refused(ledger_db: LedgerDB) -> None:
    agency_id = _agency(ledger_db)
    with ledger_db.engine.begin() as c:
        case_id = c.execute(
            insert(Application).values(agency_id=agency_id, **_case()).returning(Application.id)
        ).scalar_one()
    refused = ({"kind": "lost"}, {"kind": "extension"}, {"kind": "closed"}, {"kind": "answered", "outcome": "granted"})
    for values in refused:
        with pytest.raises(IntegrityError), ledger_db.engine.begin() as c:
            c.execute(insert(Event).values(application_id=case_id, on=DAY, **values))


def test_the_due_listing_and_the_tables_have_their_covering_indexes(ledger_db: LedgerDB) -> None:
    indexes = {i["name"]: i["column_names"] for i in inspect(ledger_db.engine).get_indexes("applications")}
    assert indexes["ix_applications_due"] == ["agency_id", "status", "due", "due_provisional", "reference"]
    assert indexes["ix_applications_tables"] == ["agency_id", "applicant_type", "outcome", "received", "closed"]


@pytest.fixture(params=backends())
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (SQLite file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with fresh_pg_schema() as url:
        yield url


def test_upgrading_a_0003_database_keeps_its_events_append_only(empty_url: str) -> None:
    db.upgrade(empty_url, "0003")
    engine = db.create(empty_url)
    try:
        with engine.begin() as c:
            agency_id = c.execute(insert(Agency).values(name="某局").returning(Agency.id)).scalar_one()
            case_id = c.execute(
                text(
                    "INSERT INTO applications (agency_id, reference, received, applicant_type) "
                    "VALUES (:a, 'A-1', :d, 'natural_person') RETURNING id"
                ),
                {"a": agency_id, "d": DAY},
            ).scalar_one()
            c.execute(
                text("INSERT INTO events (application_id, kind, \"on\", note) VALUES (:a, 'registered', :d, '')"),
                {"a": case_id, "d": DAY},
            )
        db.upgrade(empty_url, engine=engine)
        with engine.connect() as c:
            assert MigrationContext.configure(c).get_current_revision() == "0007"
            assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
            assert c.execute(text("SELECT due_provisional FROM applications")).scalar_one() in (False, 0)
            assert c.execute(text("SELECT kind FROM events")).scalars().all() == ["registered"]
        with engine.begin() as c:
            c.execute(insert(Event).values(application_id=case_id, kind="deadline_recomputed", on=DAY, note="改期"))
        with pytest.raises(DBAPIError, match="只能追加"), engine.begin() as c:
            c.execute(update(Event).values(note="改过"))
        with pytest.raises(DBAPIError, match="只能追加"), engine.begin() as c:
            c.execute(text("DELETE FROM events"))
        with pytest.raises(IntegrityError), engine.begin() as c:
            c.execute(insert(Event).values(application_id=case_id, kind="lost", on=DAY))
    finally:
        engine.dispose()
