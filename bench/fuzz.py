"""The readers under fuzzing for longer: `make fuzz`.

    python bench/fuzz.py [--examples 2000] [--kind all|txt,md,html,docx,pdf,doc] [--seed N] [--out fuzz-failures]

The same inputs and property as tests/test_fuzz_readers.py (tests/fuzz/harness.py): each input, read in a
bounded child process, must end within its kind's time bound and 500 MB of memory growth in a report or a
one-line error. Here each kind gets `--examples` inputs (a .doc, converted by LibreOffice, gets a tenth of
them) from a random seed, printed first, so that a run can be repeated with `--seed`: the same seed gives the
same inputs. Shrinking is off: every input runs once, and the run goes on after a failure.

First the inputs of the open bugs in tests/fuzz/found/ are read again, each said to still fail or to pass now
(then its `KNOWN_BUGS` entry in tests/fuzz/harness.py and its file can go). Then one line per kind: inputs
tried, reports, errors (ReadError), not-a-report (NotAReport), failures (new ones, then those that are known
open bugs), the slowest input in seconds and what it was, and the peak memory growth. A new failure is printed
when it happens, and the smallest input of each kind of failure (what went wrong and where in the reader) is
saved to `--out` with a note beside it (`NAME.txt`: the reason and the traceback or the stack at the timeout).
Exits 1 when there was a new failure (with `--strict`, any failure), else 0.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests/fuzz

from tests.fuzz.harness import (
    KINDS,
    SUFFIX,
    Case,
    Outcome,
    hostile,
    known_bug,
    run_one,
    save_failure,
    signature,
    where,
)

FOUND = Path(__file__).resolve().parents[1] / "tests" / "fuzz" / "found"
DOC_SHARE = 10  # a .doc takes a LibreOffice conversion (1–2 s): it gets examples // DOC_SHARE inputs


@dataclass
class Tally:
    kind: str
    tried: int = 0
    results: dict[str, int] = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")
    peak_mb: float = 0.0
    failures: dict[str, tuple[int, Path]] = field(default_factory=dict)  # signature -> (size, saved input)
    known: dict[str, int] = field(default_factory=dict)  # open bug -> inputs that failed by it

    @property
    def new(self) -> int:
        return self.results.get("failure", 0) - sum(self.known.values())

    def line(self) -> str:
        r = self.results
        seconds, how = self.slowest
        known = sum(self.known.values())
        return (
            f"{self.kind:5} {self.tried:6} inputs  {r.get('report', 0):5} reports  {r.get('error', 0):5} errors  "
            f"{r.get('not-a-report', 0):5} not-a-report  {self.new:4} failures (+{known} known)  "
            f"slowest {seconds:6.2f} s ({how})  peak {self.peak_mb:6.1f} MB"
        )


def fuzz_kind(kind: str, examples: int, run_seed: int, out: Path, work: Path) -> Tally:
    tally = Tally(kind)

    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=hostile(kind))
    def one(case: Case) -> None:
        outcome, path = run_one(kind, case.data, work)
        path.unlink(missing_ok=True)
        tally.tried += 1
        tally.results[outcome.result] = tally.results.get(outcome.result, 0) + 1
        if outcome.seconds > tally.slowest[0]:
            tally.slowest = (outcome.seconds, f"{case.how[:60]}, {len(case.data)} bytes")
        tally.peak_mb = max(tally.peak_mb, outcome.peak_mb)
        if outcome.result != "failure":
            return
        bug = known_bug(outcome)
        if bug is None:
            record(tally, case, outcome, out)
            return
        if bug.name not in tally.known:
            print(f"  known bug {bug.name} ({kind}): {outcome.reason} — {case!r}", flush=True)
        tally.known[bug.name] = tally.known.get(bug.name, 0) + 1

    one()
    return tally


def record(tally: Tally, case: Case, outcome: Outcome, out: Path) -> None:
    """Prints a failure; keeps the smallest input of each signature in `out`."""
    sig = signature(outcome)
    print(f"  FAIL {case.kind}: {outcome.reason} [{where(outcome) or '?'}] — {case!r}", flush=True)
    known = tally.failures.get(sig)
    if known is not None and known[0] <= len(case.data):
        return
    if known is not None:
        known[1].unlink(missing_ok=True)
        known[1].with_name(known[1].name + ".txt").unlink(missing_ok=True)
    saved = save_failure(out, case.kind, case.data, outcome)
    tally.failures[sig] = (len(case.data), saved)


def replay_found(work: Path) -> None:
    """Reads each input of tests/fuzz/found/ again: does its open bug still show?"""
    kinds = {suffix: kind for kind, suffix in SUFFIX.items()}
    for path in sorted(FOUND.glob("*")):
        kind = kinds.get(path.suffix)
        if kind is None or path.name == "README.md" or (kind == "doc" and shutil.which("soffice") is None):
            continue
        outcome, written = run_one(kind, path.read_bytes(), work)
        written.unlink(missing_ok=True)
        bug = known_bug(outcome)
        if outcome.result != "failure":
            state = f"passes now ({outcome.result}, {outcome.seconds:.2f} s): remove it and its KNOWN_BUGS entry"
        elif bug is not None and path.stem.startswith(bug.name):
            state = f"still fails: {outcome.reason} ({outcome.seconds:.1f} s) — known bug {bug.name}"
        else:
            state = f"fails otherwise: {outcome.reason} [{where(outcome) or '?'}]"
        print(f"found/{path.name}: {state}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="inputs per kind (default 2000)")
    parser.add_argument("--kind", default="all", help="all, or a comma-separated list of " + ",".join(KINDS))
    parser.add_argument("--seed", type=int, default=None, help="the run's seed (default: a random one)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    parser.add_argument("--strict", action="store_true", help="exit 1 on known open bugs too")
    parser.add_argument("--no-replay", action="store_true", help="skip the inputs of tests/fuzz/found/")
    args = parser.parse_args()
    kinds = list(KINDS) if args.kind == "all" else [k.strip() for k in args.kind.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind {', '.join(unknown)} (choose from {', '.join(KINDS)})")
    if "doc" in kinds and shutil.which("soffice") is None:
        print("doc: skipped, LibreOffice (soffice) is not installed (make system-deps)")
        kinds.remove("doc")
    run_seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(
        f"seed {run_seed} (repeat with --seed {run_seed}); {args.examples} inputs per kind; failures to {args.out}/",
        flush=True,
    )
    tallies = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
        if not args.no_replay:
            replay_found(Path(tmp))
        for kind in kinds:
            examples = max(1, args.examples // DOC_SHARE) if kind == "doc" else args.examples
            tally = fuzz_kind(kind, examples, run_seed, args.out, Path(tmp))
            print(tally.line(), flush=True)
            tallies.append(tally)
    new = sum(t.new for t in tallies)
    known = sum(sum(t.known.values()) for t in tallies)
    print(
        f"{sum(t.tried for t in tallies)} inputs in {time.perf_counter() - started:.0f} s: {new} new failures, "
        f"{known} by known open bugs"
    )
    for t in tallies:
        for sig, (size, saved) in sorted(t.failures.items()):
            print(f"  {t.kind}: {sig} — smallest input {size} bytes: {saved}")
        for name, count in sorted(t.known.items()):
            print(f"  {t.kind}: known bug {name} — {count} inputs")
    return 1 if new or (args.strict and known) else 0


if __name__ == "__main__":
    sys.exit(main())
