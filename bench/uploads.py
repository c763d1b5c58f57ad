"""A bystander's latency while somebody uploads hostile files: does one upload stall everyone?

    python bench/uploads.py [--seconds 30] [--bystanders 5] [--workers 1]

Prepares the demo jurisdiction, starts ``nianbao serve`` (uvicorn, ``--workers`` processes) on a free loopback
port and, for `--seconds`:

- one clerk uploads, back to back, the two files of issue #12 — an HTML page of one table row of 200,000
  cells (2 MB) and one of 200,000 nested ``<div>`` — through ``POST /api/v1/reports`` and follows each job
  to its end (``GET /api/v1/upload-jobs/{id}``), recording how long each file took to be answered;
- `--bystanders` other clerks of the same district each ask ``GET /ledger`` about twice a second (a bounded
  load: a person reading pages, not a stress loop).

Prints the bystanders' requests, errors and p50/p95/p99 latency, the uploads' count and per-file time to an
answer, and PASS when the bystanders' p95 ≤ 300 ms with no error and every upload ended with a message.
The same bystander load without the uploads is measured first, as a baseline, in the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import writes

import web as harness
from nianbao.store import db

P95_TARGET_MS = 300.0
WIDE_ROW = ("<html><body><table><tr>" + "<td>1</td>" * 200_000 + "</tr></table></body></html>").encode()
DEEP = ("<html><body>" + "<div>" * 200_000 + "x" + "</div>" * 200_000 + "</body></html>").encode()
FILES = (("wide-row.html", WIDE_ROW), ("deep-nesting.html", DEEP))


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    uploads: list[tuple[str, float, str]] = field(default_factory=list)  # file, seconds to an answer, message


async def bystander(client: httpx.AsyncClient, end: float, tally: Tally, rng: random.Random) -> None:
    while time.perf_counter() < end:
        started = time.perf_counter()
        try:
            r = await client.get("/ledger")
            ok = r.status_code == 200
        except httpx.HTTPError:
            ok = False
        tally.latencies.append((time.perf_counter() - started) * 1000)
        tally.errors += not ok
        await asyncio.sleep(0.5 * rng.uniform(0.5, 1.5))


async def uploader(client: httpx.AsyncClient, end: float, tally: Tally) -> None:
    n = 0
    while time.perf_counter() < end:
        name, content = FILES[n % len(FILES)]
        n += 1
        started = time.perf_counter()
        r = await client.post("/api/v1/reports", files=[("files", (name, content))])
        body = r.json()
        while not body.get("done", True):
            await asyncio.sleep(0.2)
            body = (await client.get(body["status_url"])).json()
        results = body.get("results") or [{"message": body.get("detail", r.text[:200])}]
        tally.uploads.append((name, time.perf_counter() - started, results[0].get("message") or "（已读取）"))


async def phase(base: str, names: list[str], seconds: float, with_uploads: bool) -> Tally:
    clients = []
    for name in names:
        client = httpx.AsyncClient(base_url=base, timeout=60.0, follow_redirects=False)
        r = await client.post("/api/v1/session", json={"username": name, "password": harness.PASSWORD})
        r.raise_for_status()
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        clients.append(client)
    tally = Tally()
    end = time.perf_counter() + seconds
    rng = random.Random(7)
    tasks = [bystander(c, end, tally, rng) for c in clients[1:]]
    if with_uploads:
        tasks.append(uploader(clients[0], end, tally))
    await asyncio.gather(*tasks)
    for c in clients:
        await c.aclose()
    return tally


def summary(label: str, tally: Tally) -> float:
    lat = sorted(tally.latencies)
    p = {q: harness.percentile(lat, q) for q in (50, 95, 99)}
    print(
        f"{label}: GET /ledger ×{len(lat)}, errors {tally.errors}, p50 {p[50]:.0f} ms, p95 {p[95]:.0f} ms, "
        f"p99 {p[99]:.0f} ms"
    )
    return p[95]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (a fresh schema is made and dropped)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--bystanders", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with harness.database(args.database_url) as url:
        names = writes.prepare(url, args.bystanders, prefix="upload_bench")
        db.dispose(url)
        port = harness.free_port()
        with tempfile.TemporaryDirectory() as tmp:
            server = harness.start_server(url, port, args.workers, Path(tmp) / "server.log")
            try:
                base = f"http://127.0.0.1:{port}"
                asyncio.run(harness.wait_until_up(base, server))
                quiet = asyncio.run(phase(base, names, min(10.0, args.seconds), with_uploads=False))
                busy = asyncio.run(phase(base, names, args.seconds, with_uploads=True))
            finally:
                harness.stop_server(server)
    summary("baseline (no uploads)", quiet)
    p95 = summary("during hostile uploads", busy)
    for name in dict(FILES):
        times = [t for n, t, _ in busy.uploads if n == name]
        message = next((m for n, _, m in busy.uploads if n == name), "")
        if times:
            print(f"upload {name}: ×{len(times)}, answered in {min(times):.1f}–{max(times):.1f} s: {message}")
    ended = bool(busy.uploads) and all(m for _, _, m in busy.uploads)
    ok = p95 <= P95_TARGET_MS and not busy.errors and ended
    print(f"PASS: bystanders' p95 ≤ {P95_TARGET_MS:.0f} ms with no error, every upload answered" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
