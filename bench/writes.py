"""Many clerks writing at once: is every registration stored, or told truthfully to retry?

    python bench/writes.py [--database-url URL] [--writers 40] [--seconds 40] [--workers 1] [--import-rows 20000]

Prepares the demo jurisdiction plus `--writers` clerk accounts spread over its five departments, starts
``nianbao serve`` (uvicorn, ``--workers`` processes) on a free loopback port, and lets every clerk register
applications (``POST /api/v1/cases``) back to back for `--seconds`. An answer 503 (数据库繁忙，请稍后重试) is
retried with the same reference after a short pause, as a client should; anything else but 201 is a refusal.
With ``--import-rows N`` one more clerk imports an N-row CSV into their department in the middle of the run.

Afterwards the database is read: every acknowledged registration must be there, and nothing else.
PASS when no registration was refused or lost (each stored, possibly after "busy, retry"), and the import, if
any, either landed whole or was told busy. Default database: a temporary SQLite file; with
``--database-url postgresql+psycopg://…`` a fresh schema that is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web as harness
from nianbao.ledger import agencies
from nianbao.store import db
from nianbao.store.models import Application
from nianbao.web import demo
from nianbao.web.accounts.service import create_user

BUSY_PAUSE_S = 0.2


@dataclass
class Tally:
    stored: list[str] = field(default_factory=list)
    busy: int = 0  # 503 answers (each then retried)
    refused: Counter[str] = field(default_factory=Counter)  # anything else: status and message
    unfinished: int = 0  # still being retried when the time was up
    latencies: list[float] = field(default_factory=list)


def prepare(url: str, writers: int, prefix: str = "writer") -> list[str]:
    """The demo jurisdiction (a fifth of its size) and `writers` + 1 clerk accounts over its departments."""
    with db.session(url) as session:
        demo.seed(session, today=harness.dt.date.today(), fast_hashes=True, scale=0.2)
        names = []
        for n in range(writers + 1):
            agency = agencies.find_agency(session, demo.DEPARTMENTS[n % len(demo.DEPARTMENTS)])
            name = f"{prefix}_{n:03d}"
            create_user(session, name, harness.PASSWORD, "clerk", agency, fast_hash=True)
            names.append(name)
    return names


async def writer(client: httpx.AsyncClient, n: int, end: float, tally: Tally) -> None:
    k = 0
    while time.perf_counter() < end:
        reference = f"W{n:03d}-{k:05d}"
        k += 1
        while True:
            started = time.perf_counter()
            try:
                r = await client.post(
                    "/api/v1/cases",
                    json={
                        "reference": reference,
                        "applicant_type": "自然人",
                        "applicant": f"申请人{n}",
                        "request": "压力测试",
                    },
                )
                status, detail = r.status_code, (r.json().get("detail", "") if r.content else "")
            except (httpx.HTTPError, ValueError) as exc:
                status, detail = 0, type(exc).__name__
            tally.latencies.append((time.perf_counter() - started) * 1000)
            if status == 201:
                tally.stored.append(reference)
                break
            if status == 503:
                tally.busy += 1
                if time.perf_counter() >= end + 30:
                    tally.unfinished += 1
                    break
                await asyncio.sleep(BUSY_PAUSE_S)
                continue
            tally.refused[f"{status} {str(detail)[:80]}"] += 1
            break


async def importer(client: httpx.AsyncClient, rows: int, delay: float) -> tuple[str, float]:
    await asyncio.sleep(delay)
    text = io.StringIO()
    text.write("reference,received,applicant_type,applicant,request\n")
    day = harness.dt.date.today() - harness.dt.timedelta(days=30)
    for i in range(rows):
        text.write(f"IMP-{i:06d},{day.isoformat()},自然人,批量{i},导入测试\n")
    started = time.perf_counter()
    while True:
        r = await client.post(
            "/api/v1/cases/import", files={"file": ("import.csv", text.getvalue().encode(), "text/csv")}
        )
        if r.status_code != 503:
            return f"{r.status_code} {r.text[:100]}", time.perf_counter() - started
        await asyncio.sleep(BUSY_PAUSE_S)


async def sign_in(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120.0, follow_redirects=False)
    r = await client.post("/api/v1/session", json={"username": username, "password": harness.PASSWORD})
    if r.status_code != 200:
        await client.aclose()
        raise RuntimeError(f"signing in {username} answered {r.status_code}: {r.text[:200]}")
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


async def run(base: str, names: list[str], seconds: float, import_rows: int) -> tuple[Tally, str, float]:
    clients = [await sign_in(base, name) for name in names]
    tally = Tally()
    end = time.perf_counter() + seconds
    jobs = [writer(client, n, end, tally) for n, client in enumerate(clients[:-1])]
    imported: tuple[str, float] = ("(none)", 0.0)
    try:
        if import_rows:
            results = await asyncio.gather(importer(clients[-1], import_rows, seconds / 4), *jobs)
            imported = results[0]
        else:
            await asyncio.gather(*jobs)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return tally, *imported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (a fresh schema is made and dropped)")
    parser.add_argument("--writers", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--import-rows", type=int, default=0)
    args = parser.parse_args()
    with harness.database(args.database_url) as url:
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(
            f"write benchmark: {backend}, {args.writers} writers, {args.seconds:.0f} s, {args.workers} worker(s), "
            f"import of {args.import_rows} rows"
        )
        names = prepare(url, args.writers)
        db.dispose(url)
        port = harness.free_port()
        with tempfile.TemporaryDirectory() as tmp:
            server = harness.start_server(url, port, args.workers, Path(tmp) / "server.log")
            try:
                base = f"http://127.0.0.1:{port}"
                asyncio.run(harness.wait_until_up(base, server))
                tally, imported, import_s = asyncio.run(run(base, names, args.seconds, args.import_rows))
            finally:
                harness.stop_server(server)
        with db.session(url) as session:
            found = set(session.scalars(select(Application.reference).where(Application.reference.like("W%"))))
            imported_rows = (
                session.scalar(select(func.count()).select_from(Application).where(Application.reference.like("IMP-%")))
                or 0
            )
    acknowledged = set(tally.stored)
    lost = acknowledged - found
    phantom = found - acknowledged
    lat = sorted(tally.latencies)
    p95 = lat[int(len(lat) * 0.95)] if lat else float("nan")
    print(
        f"registrations stored {len(acknowledged)} ({len(acknowledged) / args.seconds:.1f}/s), "
        f"answered busy {tally.busy} (each retried), refused {sum(tally.refused.values())}, "
        f"lost {len(lost)}, stored but not acknowledged {len(phantom)}, unfinished {tally.unfinished}; "
        f"p95 {p95:.0f} ms"
    )
    for what, count in tally.refused.most_common(5):
        print(f"  refused ×{count}: {what}")
    if args.import_rows:
        print(f"import: {imported} after {import_s:.1f} s; rows in the database: {imported_rows}")
    import_ok = not args.import_rows or (imported.startswith("201") and imported_rows == args.import_rows)
    ok = not tally.refused and not lost and not phantom and not tally.unfinished and import_ok
    print("PASS: every registration stored or told busy and stored on retry" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
