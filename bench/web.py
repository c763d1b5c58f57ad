"""How fast the web app answers its two busiest pages under concurrent users, on SQLite or PostgreSQL.

    python bench/web.py [--database-url URL] [--users 50] [--seconds 60] [--workers 1] [--cases 5000]

Prepares a database — the demo jurisdiction (`nianbao.web.demo.seed`, fast password hashes), plus
`--cases` more ledger cases in 二道江区财政局 added with the ledger service (most closed, some open) so
that its clerks' list is realistic, plus `--users` benchmark accounts: half supervisors of the district
government, half clerks of 二道江区财政局 — then starts ``nianbao serve --demo`` (uvicorn, ``--workers``
processes) in a subprocess on a free loopback port, signs every account in, and runs them concurrently
for `--seconds` (httpx.AsyncClient, one client and session cookie per user, after a short warm-up):
supervisors loop on ``GET /check`` (the list of checked reports of the jurisdiction), clerks on
``GET /ledger`` (their department's cases). A user reads each page for about a second before asking for
the next (``--think-ms 1000``, jittered ±50%); ``--think-ms 0`` is a stress run instead, each user asking
again as soon as answered (a closed loop: latency ≈ users × service time ÷ cores).

Prints requests, errors (anything but 200), throughput and p50/p95/p99 latency per page, and PASS/FAIL
against p95 ≤ 200 ms with no error. Client and server share this machine's cores, so the figures are
pessimistic for a server alone.

Default database: a temporary SQLite file (removed at the end). With
``--database-url postgresql+psycopg://…`` everything goes into a fresh schema (chosen with
``options=-csearch_path=…``) that is dropped at the end. Exits 0 (a measurement), or 1 on FAIL with
``--strict``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nianbao.ledger import agencies, calendar_store, cases
from nianbao.store import db
from nianbao.store.models import OUTCOMES
from nianbao.web import demo
from nianbao.web.accounts.service import create_user

P95_TARGET_MS = 200.0
PASSWORD = "bench-2026"
DEPARTMENT = "二道江区财政局"  # the clerks' department, given `--cases` more cases
PAGES = {"supervisor": "/check", "clerk": "/ledger"}
WARMUP_S = 3.0


@dataclass
class Page:
    """What one page measured: latencies (ms) of its 200 answers, and its errors."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


# ---------------------------------------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def database(url: str | None) -> Iterator[str]:
    """A fresh database URL: a temporary SQLite file, or a new schema of the PostgreSQL database `url`."""
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-web-"))
        try:
            yield f"sqlite:///{folder / 'bench.db'}"
        finally:
            db.dispose()
            shutil.rmtree(folder, ignore_errors=True)
        return
    schema = f"nianbao_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        db.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare(url: str, users: int, extra_cases: int, today: dt.date) -> list[tuple[str, str]]:
    """Seed the demo, add the cases and the accounts; the (username, role) of each benchmark user."""
    started = time.perf_counter()
    with db.session(url) as session:
        demo.seed(session, today=today, fast_hashes=True)
    print(f"  demo seeded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    rng = random.Random(20261122)
    outcomes = list(OUTCOMES)
    with db.session(url) as session:
        agency = agencies.find_agency(session, DEPARTMENT)
        calendar = calendar_store.load_calendar(session)
        first = dt.date(today.year - 1, 1, 1)
        days = [first + dt.timedelta(d) for d in range((today - first).days)]
        days = [d for d in days if calendar.is_workday(d)]
        for n in range(extra_cases):
            received = rng.choice(days)
            case = cases.add_case(
                session,
                agency,
                f"B{received.year}-{n:05d}",
                received,
                "natural_person",
                calendar=calendar,
                channel="online",
                applicant=f"申请人{n}",
                request="申请公开年度部门预算和决算",
            )
            closed = calendar.add_workdays(received, rng.randint(3, 20))
            if closed < today and rng.random() < 0.9:
                cases.close_case(session, case, rng.choice(outcomes), closed)
        government = agencies.find_agency(session, demo.GOVERNMENT)
        people = []
        for n in range(users):
            role = "supervisor" if n % 2 == 0 else "clerk"
            username = f"bench_{role}_{n:03d}"
            create_user(
                session, username, PASSWORD, role, government if role == "supervisor" else agency, fast_hash=True
            )
            people.append((username, role))
    print(f"  {extra_cases} cases and {users} users added in {time.perf_counter() - started:.1f} s")
    return people


# ---------------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    nianbao = Path(sys.executable).with_name("nianbao")
    command = [
        str(nianbao),
        "serve",
        "--demo",
        "--database-url",
        url,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = dict(os.environ)
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/login")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


# ---------------------------------------------------------------------------------------------------------
# The load
# ---------------------------------------------------------------------------------------------------------


async def sign_in(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30.0, follow_redirects=False)
    r = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    if r.status_code != 200:
        await client.aclose()
        raise RuntimeError(f"signing in {username} answered {r.status_code}: {r.text[:200]}")
    return client


async def user_loop(
    client: httpx.AsyncClient, path: str, page: Page, warmup_end: float, end: float, think: float, rng: random.Random
) -> None:
    while (now := time.perf_counter()) < end:
        try:
            r = await client.get(path)
            status = str(r.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        elapsed = (time.perf_counter() - now) * 1000
        if now >= warmup_end:
            if status == "200":
                page.latencies.append(elapsed)
            else:
                page.error(status)
        if think:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def run_load(
    base: str,
    people: list[tuple[str, str]],
    seconds: float,
    think: float,
) -> tuple[dict[str, Page], float]:
    # All at once, as on a Monday morning: a refused sign-in (SQLite once answered "database is locked"
    # here) stops the run before anything is measured.
    clients = list(await asyncio.gather(*(sign_in(base, username) for username, _ in people)))
    pages = {path: Page() for path in PAGES.values()}
    try:
        start = time.perf_counter()
        warmup_end = start + WARMUP_S
        end = warmup_end + seconds
        await asyncio.gather(
            *(
                user_loop(client, PAGES[role], pages[PAGES[role]], warmup_end, end, think, random.Random(n))
                for n, (client, (_, role)) in enumerate(zip(clients, people, strict=True))
            )
        )
        return pages, seconds
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(pages: dict[str, Page], seconds: float) -> bool:
    print(f"\n{'page':<10}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    ok = True
    total = 0
    for path, page in pages.items():
        n = len(page.latencies) + sum(page.errors.values())
        total += n
        p95 = percentile(page.latencies, 95)
        print(
            f"{path:<10}{n:>10}{sum(page.errors.values()):>8}{n / seconds:>9.1f}"
            f"{percentile(page.latencies, 50):>9.1f}{p95:>9.1f}{percentile(page.latencies, 99):>9.1f}"
        )
        if page.errors:
            print(f"          errors: {page.errors}")
        ok = ok and not page.errors and bool(page.latencies) and p95 <= P95_TARGET_MS
    print(f"{'total':<10}{total:>10}{'':>8}{total / seconds:>9.1f}")
    print(f"\n{'PASS' if ok else 'FAIL'}: p95 ≤ {P95_TARGET_MS:.0f} ms on every page and no error")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", help="PostgreSQL URL (a fresh schema is made and dropped); default: a temporary SQLite file"
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users (half supervisors, half clerks)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs (after warm-up)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--cases", type=int, default=5000, help=f"cases added to {DEPARTMENT}")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=1000.0,
        help="pause of each user between two requests (random 0.5–1.5 × this): a person reading the "
        "page; 0: every user asks again as soon as answered (a stress run)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 on FAIL")
    args = parser.parse_args()
    if args.users < 2:
        parser.error("--users must be at least 2 (one supervisor, one clerk)")

    backend = "SQLite" if args.database_url is None else make_url(args.database_url).get_backend_name()
    print(
        f"web benchmark: {backend}, {args.users} users, {args.seconds:.0f} s, {args.workers} worker(s), "
        f"think {args.think_ms:.0f} ms, {args.cases} extra cases in {DEPARTMENT}"
    )
    with database(args.database_url) as url, tempfile.TemporaryDirectory(prefix="nianbao-bench-log-") as logs:
        people = prepare(url, args.users, args.cases, dt.date.today())
        db.dispose(url)
        port = free_port()
        log = Path(logs) / "server.log"
        process = start_server(url, port, args.workers, log)
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_until_up(base, process))
            pages, seconds = asyncio.run(run_load(base, people, args.seconds, args.think_ms / 1000))
        except BaseException:
            print(log.read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            stop_server(process)
        ok = report(pages, seconds)
        if not ok and log.stat().st_size:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
            print("server log (last lines):", *tail, sep="\n  ")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
