"""How fast the ledger computes a year's tables and the `due` list, on SQLite or PostgreSQL.

    python bench/ledger.py [--database-url URL] [--applications N] [--open M] [--repeat R]

Generates an agency with N applications (default 1,000,000) touching report year 2024 — received from
October 2023 to December 2024, most closed within weeks with random outcome rows, some carried over into
and out of the year — and a second agency with M open cases (default 100,000) whose stored deadlines
spread over months. Rows are bulk-inserted with SQLAlchemy Core (executemany on SQLite, COPY on
PostgreSQL); events are not generated (neither measurement reads them). Then times
`ledger.tables.tables(session, agency, 2024)` (target ≤ 2 s) and `ledger.queries.due_cases(...)` (target
≤ 200 ms), each `--repeat` times, and prints the best and the median.

Default database: a temporary SQLite file. With ``--database-url postgresql+psycopg://…`` the data goes
into a fresh schema that is dropped at the end. Always exits 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

import nianbao
from nianbao.audit import Status
from nianbao.ledger import queries
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.tables import tables
from nianbao.store import db
from nianbao.store.models import APPLICANT_TYPES, OUTCOMES, Agency

TABLES_TARGET_S = 2.0
DUE_TARGET_MS = 200.0
YEAR = 2024
TODAY = dt.date(2025, 11, 20)
COLUMNS = ("agency_id", "reference", "received", "applicant_type", "status", "outcome", "closed", "due", "channel")
CHUNK = 50_000


def year_rows(agency_id: int, n: int, calendar: WorkingCalendar, rng: random.Random) -> Iterator[tuple[object, ...]]:
    """N cases touching YEAR: ~5 % received in late 2023, the rest in YEAR; ~90 % closed."""
    start_prev, start = dt.date(YEAR - 1, 10, 1), dt.date(YEAR, 1, 1)
    due_of = _due_cache(calendar)
    outcomes = list(OUTCOMES)
    for i in range(n):
        if rng.random() < 0.05:
            received = start_prev + dt.timedelta(days=rng.randrange(92))
        else:
            received = start + dt.timedelta(days=rng.randrange(366))
        kind = APPLICANT_TYPES[min(int(rng.expovariate(1.2)), 5)]
        if rng.random() < 0.9:
            closed: dt.date | None = received + dt.timedelta(days=rng.randrange(1, 60))
            yield (
                agency_id,
                f"Y{i:07d}",
                received,
                kind,
                "closed",
                rng.choice(outcomes),
                closed,
                due_of(received),
                "online",
            )
        else:
            yield agency_id, f"Y{i:07d}", received, kind, "open", None, None, due_of(received), "online"


def open_rows(agency_id: int, n: int, calendar: WorkingCalendar, rng: random.Random) -> Iterator[tuple[object, ...]]:
    """M open cases received over the 120 days before TODAY (some overdue), some suspended (no deadline)."""
    due_of = _due_cache(calendar)
    for i in range(n):
        received = TODAY - dt.timedelta(days=rng.randrange(120))
        due = None if rng.random() < 0.03 else due_of(received)
        yield agency_id, f"O{i:07d}", received, rng.choice(APPLICANT_TYPES), "open", None, None, due, "post"


def _due_cache(calendar: WorkingCalendar) -> Callable[[dt.date], dt.date]:
    cache: dict[dt.date, dt.date] = {}

    def due(received: dt.date) -> dt.date:
        if received not in cache:
            cache[received] = calendar.add_workdays(received, 20)
        return cache[received]

    return due


def bulk_insert(engine: Engine, rows: Iterator[tuple[object, ...]]) -> None:
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f"COPY applications ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
        return
    # SQLite: the driver's executemany with dates already in SQLAlchemy's storage format (ISO text).
    sql = f"INSERT INTO applications ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    with engine.begin() as c:
        batch: list[tuple[object, ...]] = []
        for row in rows:
            batch.append(tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row))
            if len(batch) == CHUNK:
                c.exec_driver_sql(sql, batch)
                batch = []
        if batch:
            c.exec_driver_sql(sql, batch)


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20251120)
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="nianbao-bench-")
    schema = None
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'ledger.db'}"
    admin: Engine | None = None
    if make_url(url).get_backend_name() == "postgresql":
        schema = f"nianbao_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    try:
        return run(url, args)
    finally:
        db.dispose()
        if admin is not None:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        tmp.cleanup()


def run(url: str, args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    calendar = WorkingCalendar()
    engine = db.engine(url)
    print(f"数据库：{engine.dialect.name}（{make_url(url).render_as_string(hide_password=True)}）")
    with engine.begin() as c:
        year_id = c.execute(insert(Agency).values(name="基准机关（年度表）").returning(Agency.id)).scalar_one()
        due_id = c.execute(insert(Agency).values(name="基准机关（期限）").returning(Agency.id)).scalar_one()
    t0 = time.perf_counter()
    bulk_insert(engine, year_rows(year_id, args.applications, calendar, rng))
    bulk_insert(engine, open_rows(due_id, args.open, calendar, rng))
    with engine.begin() as c:
        c.execute(text("ANALYZE"))
    print(f"生成并写入 {args.applications:,} + {args.open:,} 件申请：{time.perf_counter() - t0:.1f} s")

    sessions = db.sessions(url)
    with sessions() as s:
        times, report = timed(lambda: tables(s, "基准机关（年度表）", YEAR), args.repeat)
    assert isinstance(report, nianbao.Report)
    failed = [f for f in nianbao.check(report, select_rules=["arithmetic"]).findings if f.status is Status.FAILED]
    verdict = "达标" if min(times) <= TABLES_TARGET_S else "未达标"
    print(
        f"tables({YEAR})，{args.applications:,} 件：最快 {min(times):.3f} s，中位 {statistics.median(times):.3f} s"
        f"（目标 ≤ {TABLES_TARGET_S:.0f} s，{verdict}）；新收 {report.value('applications.new.total'):,}，"
        f"上年结转 {report.value('applications.carried_over.total'):,}，"
        f"结转下年度 {report.value('applications.carried_forward.total'):,}；勾稽关系不成立 {len(failed)} 项"
    )

    with sessions() as s:
        times, rows = timed(lambda: queries.due_cases(s, [due_id], TODAY, calendar), args.repeat)
    assert isinstance(rows, list)
    overdue = sum(1 for _, _, left in rows if left is not None and left < 0)
    verdict = "达标" if min(times) * 1000 <= DUE_TARGET_MS else "未达标"
    print(
        f"due，{len(rows):,} 件办理中：最快 {min(times) * 1000:.0f} ms，中位 {statistics.median(times) * 1000:.0f} ms"
        f"（目标 ≤ {DUE_TARGET_MS:.0f} ms，{verdict}）；逾期 {overdue:,} 件"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
