"""The ledger's database: migrations, and the integrity the database itself enforces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, insert, inspect, text, update
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
        assert MigrationContext.configure(c).get_current_revision() == "0008"
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
            assert MigrationContext.configure(c).get_current_revision() == "0008"
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


def _revision(engine: Engine) -> str | None:
    with engine.connect() as c:
        return MigrationContext.configure(c).get_current_revision()


def _report(c: Connection, agency_id: int, source: str = "upload", **more: object) -> int:
    """A report row inserted by hand (the model may have columns the database at hand does not)."""
    names = ", ".join(["owner_id", "filename", "kind", "source", "content", "uploaded_at", *more])
    values = ", ".join(f":{n}" for n in ["a", "f", "k", "s", "b", "u", *more])
    return int(
        c.execute(
            text(f"INSERT INTO reports ({names}) VALUES ({values}) RETURNING id"),
            {"a": agency_id, "f": "r001.html", "k": "html", "s": source, "b": b"\x00report", "u": DAY, **more},
        ).scalar_one()
    )


def _commented_report(c: Connection) -> tuple[int, int]:
    """An agency and a report of it with one comment, inserted by hand: (agency id, report id)."""
    agency_id = int(c.execute(insert(Agency).values(name="某局").returning(Agency.id)).scalar_one())
    report_id = _report(c, agency_id)
    c.execute(text("INSERT INTO comments (report_id, text, at) VALUES (:r, '请核实', :d)"), {"r": report_id, "d": DAY})
    return agency_id, report_id


def test_upgrading_through_a_rebuilt_reports_table_keeps_the_comments(empty_url: str) -> None:
    """0006 rebuilds `reports` on SQLite (a CHECK constraint changes): with foreign keys on, dropping the old table
    deleted every comment (ON DELETE CASCADE). Migrations now run with the keys off and checked before the commit."""
    db.upgrade(empty_url, "0005")
    engine = db.create(empty_url)
    try:
        with engine.begin() as c:
            _, report_id = _commented_report(c)
        db.upgrade(empty_url, engine=engine)
        with engine.connect() as c:
            assert c.execute(text("SELECT report_id, text FROM comments")).one() == (report_id, "请核实")
            assert c.execute(text("SELECT count(*) FROM reports")).scalar_one() == 1
        with engine.connect() as c:  # the keys are on again for the connections that follow
            if engine.dialect.name == "sqlite":
                assert c.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        with pytest.raises(IntegrityError), engine.begin() as c:
            c.execute(text("INSERT INTO comments (report_id, text, at) VALUES (999, '无此报告', :d)"), {"d": DAY})
    finally:
        engine.dispose()


def test_upgrading_a_0007_database_keeps_its_reports_and_lets_one_come_from_a_url(empty_url: str) -> None:
    """0008: ``reports.source`` may be ``url`` and `source_url` keeps where such a report was read. A report
    stored before keeps its source, its comments and its corrections (SQLite rebuilds the table); the downgrade
    takes a URL's report back to an upload."""
    db.upgrade(empty_url, "0007")
    engine = db.create(empty_url)
    try:
        with engine.begin() as c:
            agency_id, report_id = _commented_report(c)
            c.execute(
                text("INSERT INTO corrections (report_id, field, reason, at) VALUES (:r, :f, '漏印', :d)"),
                {"r": report_id, "f": "meta.published", "d": DAY},
            )
        db.upgrade(empty_url, engine=engine)
        assert _revision(engine) == "0008"
        with engine.connect() as c:
            assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
            assert c.execute(text("SELECT id, source, source_url, content FROM reports")).one() == (
                report_id,
                "upload",
                None,
                b"\x00report",
            )
            assert c.execute(text("SELECT report_id, text FROM comments")).one() == (report_id, "请核实")
            assert c.execute(text("SELECT report_id, field FROM corrections")).one() == (report_id, "meta.published")
        url = "https://example.gov.cn/xxgk/2024/ndbg.pdf"
        with engine.begin() as c:
            from_url = _report(c, agency_id, "url", source_url=url)
        with pytest.raises(IntegrityError, match="source"), engine.begin() as c:
            _report(c, agency_id, "mail")

        db.downgrade("0007", engine=engine)
        assert _revision(engine) == "0007"
        assert "source_url" not in {col["name"] for col in inspect(engine).get_columns("reports")}
        with engine.connect() as c:
            rows = c.execute(text("SELECT id, source FROM reports ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(report_id, "upload"), (from_url, "upload")]
            assert c.execute(text("SELECT count(*) FROM comments")).scalar_one() == 1
            assert c.execute(text("SELECT count(*) FROM corrections")).scalar_one() == 1
        with pytest.raises(IntegrityError, match="source"), engine.begin() as c:
            _report(c, agency_id, "url")

        db.upgrade(empty_url, engine=engine)  # and up again
        assert _revision(engine) == "0008"
        with engine.connect() as c:
            assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
            assert c.execute(text("SELECT count(*) FROM comments")).scalar_one() == 1
    finally:
        engine.dispose()
