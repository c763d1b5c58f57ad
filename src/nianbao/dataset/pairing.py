"""Pairing each report with the same agency's report of the year before, and the cross-year rules over a dataset.

Pairing is an exact hash join on the normalised agency name (`agency_key`) and, when both sides know it,
the region: linear in the number of reports, no substring guesses. A report is paired only when the match
is mutual and unique: exactly one report of the year before matches it, and it is the only report of its
year matching that one. Otherwise (two reports named alike in one year, neither with a region that tells
them apart) the reports are listed as ambiguous and not compared; a wrong pairing would flag copying or
carry-over mismatches that are not there.

`cross_year(out)` runs the `cross_year` family over a built dataset (see `nianbao.dataset`): it reads
`reports`, `cells` and `sections`, pairs the reports that were read, rebuilds each pair's two reports from
their stored cells and sections, and writes the findings to `OUT/findings/year=YYYY/cross_year.parquet`
(replaced on every run, so reruns do not duplicate them).
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from nianbao.formats.names import agency_key
from nianbao.report import Cell, Number, Report, Section

CROSS_YEAR_FILE = "cross_year.parquet"
CHUNK_PAIRS = 500  # pairs rebuilt and audited at a time (one task of a worker): memory stays flat


class Item(NamedTuple):
    """What pairing needs of a report."""

    id: str
    agency: str | None
    region: str | None
    year: int | None


@dataclass(frozen=True)
class Ambiguous:
    """Reports of `year` whose previous year's report could not be chosen.

    `reports`: this year's reports with the key that were left unpaired; `previous`: the reports of the
    year before they could each have been paired with (more than one, or shared with another report).
    """

    year: int
    agency_key: str
    reports: tuple[str, ...]
    previous: tuple[str, ...]

    def describe(self, names: dict[str, str] | None = None, most: int = 5) -> str:
        """One Chinese line (ids shown through `names`, e.g. file names, when given; `most` of each year)."""
        show = names or {}

        def listed(ids: tuple[str, ...]) -> str:
            text = "、".join(show.get(i, i) for i in ids[:most])
            return text if len(ids) <= most else f"{text} 等 {len(ids)} 份"

        now, before = listed(self.reports), listed(self.previous)
        return (
            f"{self.year} 年度“{self.agency_key}”的上一年度报告不能唯一确定（{self.year - 1} 年度：{before}；"
            f"{self.year} 年度：{now}），未作跨年度核查"
        )


@dataclass
class Pairing:
    """`pairs`: report id → the id of its previous year's report; `ambiguous`: what was not chosen."""

    pairs: dict[str, str] = field(default_factory=dict)
    ambiguous: list[Ambiguous] = field(default_factory=list)

    @property
    def ambiguous_ids(self) -> set[str]:
        return {i for a in self.ambiguous for i in a.reports}


class _Index:
    """Reports by (year, agency key), for O(1) lookups of who matches whom.

    Nearly every key has one report a year; a key with several is split by region the first time it is
    asked about, so that namesakes cost one pass over them, not one per report that asks.
    """

    __slots__ = ("groups", "rows", "split")

    def __init__(self, items: Iterable[Item]) -> None:
        self.rows: list[tuple[str, str, str | None, int]] = []  # id, agency key, region key, year
        self.groups: dict[tuple[int, str], list[tuple[str, str | None]]] = {}  # → [(id, region key)]
        self.split: dict[tuple[int, str], tuple[list[str], dict[str | None, list[str]]]] = {}
        regions: dict[str | None, str | None] = {None: None}
        rows, groups = self.rows, self.groups
        for rid, agency, region, year in items:
            if year is None or not agency:
                continue
            key = agency_key(agency)
            if not key:
                continue
            if region in regions:
                where = regions[region]
            else:  # a handful of distinct regions: normalised once each
                where = regions[region] = agency_key(region or "") or None
            rows.append((rid, key, where, year))
            group = groups.get((year, key))
            if group is None:
                groups[(year, key)] = [(rid, where)]
            else:
                group.append((rid, where))

    def matches(self, year: int, key: str, region: str | None) -> tuple[list[str], ...]:
        """The reports of `year` that one with `key` and `region` matches, in lists owned by the index (not to
        be changed): with no region, every report of the key; with one, those of that region and those
        without a region."""
        group = self.groups.get((year, key))
        if group is None:
            return ()
        if len(group) == 1:
            rid, where = group[0]
            return ([rid],) if region is None or where is None or where == region else ()
        split = self.split.get((year, key))
        if split is None:
            by_region: dict[str | None, list[str]] = {}
            for rid, where in group:
                by_region.setdefault(where, []).append(rid)
            split = self.split[(year, key)] = ([rid for rid, _ in group], by_region)
        every, by_region = split
        if region is None:
            return (every,)
        return tuple(ids for ids in (by_region.get(region), by_region.get(None)) if ids)

    def region_of_match(self, year: int, key: str, region: str | None) -> str | None:
        """The region of the one report of `year` that `matches(year, key, region)` found."""
        group = self.groups[(year, key)]
        if len(group) == 1:
            return group[0][1]
        return region if self.split[(year, key)][1].get(region) else None


def pair_previous(items: Iterable[Item], candidates: Iterable[Item] | None = None) -> Pairing:
    """Pairs each of `items` with its agency's report of the year before, among `candidates` (default: `items`).

    Exact matching on `agency_key(agency)` and year − 1; when both reports know their region, the regions
    must be equal too (a report without a region matches any region). A pair is made only when it is the
    one match on both sides; the rest are listed in `Pairing.ambiguous`. Reports without an agency or a
    year are not paired. Linear in the number of reports (dict lookups).
    """
    with _without_gc():
        return _pair(items, candidates)


@contextmanager
def _without_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: building the index makes a few small objects per report and no
    cycles, and the collector's passes over the growing heap would otherwise double the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pair(items: Iterable[Item], candidates: Iterable[Item] | None) -> Pairing:
    now = _Index(items)
    before = now if candidates is None else _Index(candidates)
    result = Pairing()
    groups: dict[tuple[int, str], tuple[list[str], dict[str, None], set[int]]] = {}
    for rid, key, region, year in now.rows:
        found = before.matches(year - 1, key, region)
        count = sum(map(len, found))
        if count == 0:
            continue
        if count == 1:
            (only,) = (i for ids in found for i in ids)
            if sum(map(len, now.matches(year, key, before.region_of_match(year - 1, key, region)))) == 1:
                result.pairs[rid] = only
                continue
        reports, previous, seen = groups.setdefault((year, key), ([], {}, set()))
        reports.append(rid)
        for ids in found:
            if ids and id(ids) not in seen:  # each list of candidates is added once: linear even when all collide
                seen.add(id(ids))
                previous.update(dict.fromkeys(ids))
    result.ambiguous = [
        Ambiguous(year, key, tuple(reports), tuple(previous)) for (year, key), (reports, previous, _) in groups.items()
    ]
    return result


@dataclass
class ReportPairing:
    """`previous[i]`: the report of the year before of `reports[i]`, or None; `notes`: one Chinese line per
    ambiguous group, naming the files."""

    previous: list[Report | None]
    ambiguous: list[Ambiguous]
    notes: list[str]


def _file_id(report: Report) -> str:
    try:
        return str(Path(report.file).resolve()) if report.file else f"#{id(report)}"
    except OSError:
        return report.file


def pair_reports(reports: list[Report], candidates: list[Report]) -> ReportPairing:
    """The previous year's report of each of `reports` among `candidates` (`nianbao check --previous`).

    One report checked against one given previous report: the two are paired as given (the person named
    both; the cross-year rules say when they are not of consecutive years or one agency). Otherwise by
    `pair_previous`. A file given twice counts once.
    """
    if len(reports) == 1 and len(candidates) == 1:
        return ReportPairing([candidates[0]], [], [])
    now: dict[str, Report] = {}
    before: dict[str, Report] = {}
    for given, unique in ((reports, now), (candidates, before)):
        for r in given:
            unique.setdefault(_file_id(r), r)  # the first of a file given twice
    found = pair_previous(
        (Item(i, r.agency, None, r.year) for i, r in now.items()),
        (Item(i, r.agency, None, r.year) for i, r in before.items()),
    )
    names = {i: r.file for i, r in (*now.items(), *before.items())}
    previous = [before[p] if (p := found.pairs.get(_file_id(r))) is not None else None for r in reports]
    return ReportPairing(previous, found.ambiguous, [a.describe(names) for a in found.ambiguous])


# ---------------------------------------------------------------------------------------------------
# the cross-year rules over a dataset


@dataclass
class CrossYearResult:
    """What `cross_year` did: the pairing, how many pairs were audited, the findings written and where."""

    pairing: Pairing
    checked: int = 0
    findings: int = 0
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def _number(value: float | None) -> Number | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else Decimal(repr(value))


def rebuild(
    meta: dict[str, Any],
    cells: list[tuple[str, float | None, str | None]],
    sections: list[tuple[int, str | None, str | None]],
) -> Report:
    """A report as far as the cross-year rules need it: metadata, cells as printed, section texts."""
    report = Report(
        file=str(meta.get("path") or meta["report_id"]),
        kind=str(meta.get("kind") or ""),
        format=meta.get("format"),
        year=meta.get("year"),
        agency=meta.get("agency"),
    )
    for key, raw, printed in cells:
        value = _number(raw)
        report.cells[key] = Cell(key, value, printed if printed is not None else "" if value is None else str(value))
    for number, title, text in sorted(sections, key=lambda s: s[0]):
        report.sections.append(Section(int(number), "", title or "", text or "", narrative=text or ""))
    report.text = "\n".join(s.text for s in report.sections)
    return report


def _grouped(path: Path, columns: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of one chunk's Parquet folder, by report id (no folder: no rows)."""
    import pyarrow.parquet as pq

    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    if not path.is_dir():
        return out
    table = pq.read_table(path, columns=["report_id", *columns])
    for rid, *rest in zip(*(table.column(i).to_pylist() for i in range(table.num_columns)), strict=True):
        out[rid].append(tuple(rest))
    return out


def _audit_chunk(
    folder: str, number: int, pairs: list[tuple[str, str]], metas: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The cross-year findings of one chunk of pairs, as `findings` rows (run in a worker process or not)."""
    from nianbao.audit import check

    cells = _grouped(Path(folder) / "cells" / f"chunk={number}", ["key", "value", "printed"])
    sections = _grouped(Path(folder) / "sections" / f"chunk={number}", ["number", "title", "text"])
    rows: list[dict[str, Any]] = []
    for this_id, prev_id in pairs:
        this = rebuild(metas[this_id], cells[this_id], sections[this_id])
        before = rebuild(metas[prev_id], cells[prev_id], sections[prev_id])
        year = int(metas[this_id]["year"])
        rows.extend(
            {
                "report_id": this_id,
                "year": year,
                "rule": f.rule,
                "family": f.family,
                "severity": f.severity.label,
                "status": f.status.value,
                "keys": list(f.keys),
                "message": f.message,
                "fingerprint": f.fingerprint,
            }
            for f in check(this, before, select_rules=["cross_year"]).findings
        )
    return rows


def _chunks(pairs: dict[str, str], size: int) -> list[list[tuple[str, str]]]:
    """The pairs in a stable order (this year's id), `size` at a time."""
    items = sorted(pairs.items())
    return [items[start : start + size] for start in range(0, len(items), size)]


def cross_year(out: Path, *, jobs: int = 1, chunk: int = CHUNK_PAIRS) -> CrossYearResult:
    """Pairs the dataset's reports with their previous year's and writes the cross-year findings.

    Reads `reports` (rows with status "ok"), pairs them (`pair_previous`, with the region when known), copies
    the cells and sections of the paired reports once, grouped in chunks of `chunk` pairs, into a hidden
    folder of OUT (one DuckDB scan, whatever the number of pairs), rebuilds both reports of each pair, runs
    `nianbao.audit.check` with the `cross_year` family only (in `jobs` worker processes when more than one),
    and writes one Parquet file per year, `OUT/findings/year=YYYY/cross_year.parquet`, replacing the files of
    an earlier run (those of years with no findings left are removed). Ambiguous pairs are in the result,
    not in the findings. Memory stays bounded by a chunk per process; the output is the same for any `jobs`.
    """
    from nianbao.dataset.query import connect

    started = time.perf_counter()
    scratch = out / f".cross_year-{os.getpid()}"
    try:
        con = connect(out)
        try:
            metas = {
                str(m["report_id"]): m
                for m in con.sql(
                    "SELECT report_id, path, kind, agency, region, year, format FROM reports WHERE status = 'ok'"
                )
                .to_arrow_table()
                .to_pylist()
            }
            pairing = pair_previous(Item(i, m["agency"], m["region"], m["year"]) for i, m in metas.items())
            chunks = _chunks(pairing.pairs, chunk)
            if chunks:
                _stage(con, chunks, scratch)
        finally:
            con.close()
        result = CrossYearResult(pairing)
        tasks = [
            (str(scratch), n, pairs, {i: metas[i] for pair in pairs for i in pair}) for n, pairs in enumerate(chunks)
        ]
        del metas
        _write(out / "findings", zip(_run(tasks, jobs), (len(t[2]) for t in tasks), strict=True), result)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def _stage(con: Any, chunks: list[list[tuple[str, str]]], scratch: Path) -> None:
    """Copies the cells and sections of the paired reports to `scratch`, one folder per chunk (one scan)."""
    import pyarrow as pa

    # each report once per chunk (a report is this year's in one pair and last year's in another)
    needed = sorted({(i, n) for n, pairs in enumerate(chunks) for pair in pairs for i in pair})
    con.register(
        "needed", pa.table({"report_id": [i for i, _ in needed], "chunk": pa.array([n for _, n in needed], pa.int32())})
    )
    del needed
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for table, columns in (("cells", ("key", "value", "printed")), ("sections", ("number", "title", "text"))):
        target = (scratch / table).as_posix().replace("'", "''")
        con.execute(
            f"COPY (SELECT n.chunk, t.report_id, {', '.join(f't.{c}' for c in columns)} "
            f"FROM {table} t JOIN needed n USING (report_id)) "
            f"TO '{target}' (FORMAT parquet, PARTITION_BY (chunk))"
        )
    con.unregister("needed")


def _write(folder: Path, results: Iterable[tuple[list[dict[str, Any]], int]], result: CrossYearResult) -> None:
    """Writes the findings by year under hidden names, then puts them in place of an earlier run's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from nianbao.dataset.schema import FINDINGS

    temps: dict[int, Path] = {}
    writers: dict[int, pq.ParquetWriter] = {}
    try:
        for rows, pairs in results:
            result.checked += pairs
            by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                by_year[row["year"]].append(row)
            for year, part in sorted(by_year.items()):
                if year not in writers:
                    (folder / f"year={year}").mkdir(parents=True, exist_ok=True)
                    temps[year] = folder / f"year={year}" / f".{CROSS_YEAR_FILE}.{os.getpid()}.tmp"
                    writers[year] = pq.ParquetWriter(temps[year], FINDINGS)
                writers[year].write_table(pa.Table.from_pylist(part, schema=FINDINGS))
                result.findings += len(part)
        while writers:
            writers.popitem()[1].close()
        kept = {f"year={y}" for y in temps}
        for stale in folder.glob(f"*/{CROSS_YEAR_FILE}") if folder.is_dir() else ():
            if stale.parent.name not in kept:
                stale.unlink()
        for _year, temp in sorted(temps.items()):
            final = temp.with_name(CROSS_YEAR_FILE)
            os.replace(temp, final)
            result.files.append(final)
    finally:
        for w in writers.values():
            w.close()
        for temp in temps.values():
            temp.unlink(missing_ok=True)


def _run(
    tasks: list[tuple[str, int, list[tuple[str, str]], dict[str, dict[str, Any]]]], jobs: int
) -> Iterator[list[dict[str, Any]]]:
    """`_audit_chunk` over the tasks, in order: here, or in `jobs` spawned worker processes."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield _audit_chunk(*task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")  # no fork of a process holding DuckDB's threads
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=spawn) as pool:
        yield from pool.map(_audit_chunk, *zip(*tasks, strict=True))
