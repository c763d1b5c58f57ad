"""Streaming the rows of many reports into the Parquet dataset, and editing what earlier runs wrote.

`DatasetWriter` buffers the rows of at most `batch_reports` reports, then writes them as one row group per
(table, year) to a `pyarrow.parquet.ParquetWriter` per (table, year): memory stays flat whatever the corpus
size. A file is written under a hidden name (``.part-….parquet.tmp``, which Parquet readers skip) and renamed
to ``part-<run id>-<n>.parquet`` when closed: every few batches (`roll_batches`), and on `close`. So the
dataset only ever holds complete files; a Ctrl-C (KeyboardInterrupt) ends in `close`, which writes what was
buffered; a process killed outright loses its open files' rows, which the next run reads again.

`remove_reports` drops the rows of given reports from the files of earlier runs (a report reread because
the reader changed, or with ``--force``), rewriting each file that has them, batch by batch; `remove_orphans`
drops rows whose report is not in `reports` (after a build was killed between renaming its files).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nianbao.dataset.rows import CELL_COLUMNS, FINDING_COLUMNS, SECTION_COLUMNS, FileRows
from nianbao.dataset.schema import SCHEMAS, TABLES

__all__ = [
    "KEYS_METADATA",
    "DatasetWriter",
    "ExistingReports",
    "data_files",
    "partition_name",
    "path_key",
    "read_existing",
    "remove_orphans",
    "remove_reports",
    "rendition_keys",
]

BATCH_REPORTS = 250  # reports buffered before a flush: ~100,000 cell rows, some tens of MB of Python objects
ROLL_BATCHES = 20  # flushes per file: a file holds at most ~5,000 reports' rows
_READ_BATCH = 65_536
_CHILD_COLUMNS = {"cells": CELL_COLUMNS, "findings": FINDING_COLUMNS, "sections": SECTION_COLUMNS}
#: The footer metadata key of a `reports` file holding {report id: rendition key} (see `FileRows.rendition_key`):
#: how a later run recognises a new file as another rendition of a report written before.
KEYS_METADATA = "nianbao.rendition_keys"


def partition_name(year: int | None) -> str:
    """The folder of a year's rows: ``year=2024``, or ``year=unknown``."""
    return f"year={year if year is not None else 'unknown'}"


def data_files(out: Path, table: str) -> list[Path]:
    """The Parquet files of `table` in the dataset `out` (complete ones: hidden temporary files excluded)."""
    folder = out / table
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.parquet") if p.is_file() and not p.name.startswith((".", "_")))


def _tmp_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.tmp")


@dataclass
class _Part:
    writer: pq.ParquetWriter
    tmp: Path
    final: Path
    keys: dict[str, str] = field(default_factory=dict)  # reports files: report id → rendition key

    def close(self) -> None:
        if self.keys:
            self.writer.add_key_value_metadata({KEYS_METADATA: json.dumps(self.keys, separators=(",", ":"))})
        self.writer.close()


def rendition_keys(path: Path) -> dict[str, str]:
    """The {report id: rendition key} a `reports` file's footer holds."""
    metadata = pq.read_metadata(path).metadata or {}
    raw = metadata.get(KEYS_METADATA.encode())
    keys: dict[str, str] = json.loads(raw) if raw else {}
    return keys


@dataclass
class _Buffer:
    columns: dict[str, list[Any]]
    rows: int = 0


def _empty(table: str) -> _Buffer:
    return _Buffer({name: [] for name in SCHEMAS[table].names})


@dataclass
class DatasetWriter:
    """Writes `FileRows` to the dataset `out` under the run id `run_id` (see the module docstring)."""

    out: Path
    run_id: str
    batch_reports: int = BATCH_REPORTS
    roll_batches: int = ROLL_BATCHES
    written: int = 0  # reports written (flushed)
    files: list[Path] = field(default_factory=list)  # the files this run completed
    _buffers: dict[tuple[str, str], _Buffer] = field(default_factory=dict)
    _buffered: dict[str, dict[str, Any]] = field(default_factory=dict)  # report id → its buffered report row
    _keys: dict[str, dict[str, str]] = field(default_factory=dict)  # partition → {report id: rendition key}
    _parts: dict[tuple[str, str], _Part] = field(default_factory=dict)
    _counters: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    _flushes: int = 0
    _late: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # renditions of flushed reports
    _closed: bool = False

    def add(self, rows: FileRows) -> None:
        """Buffers one report's rows; flushes when `batch_reports` are buffered."""
        report = dict(rows.report)
        report["renditions"] = list(report["renditions"])
        year = report["year"]
        part = partition_name(year)
        rid = report["report_id"]
        self._append_row("reports", part, report)
        self._buffered[rid] = report
        if rows.rendition_key is not None:
            self._keys.setdefault(part, {})[rid] = rows.rendition_key
        for table, columns in (("cells", rows.cells), ("findings", rows.findings), ("sections", rows.sections)):
            n = len(columns[_CHILD_COLUMNS[table][0]])
            if not n:
                continue
            buf = self._buffers.get((table, part))
            if buf is None:
                buf = self._buffers[(table, part)] = _empty(table)
            buf.columns["report_id"].extend([rid] * n)
            buf.columns["year"].extend([year] * n)
            for name in _CHILD_COLUMNS[table]:
                buf.columns[name].extend(columns[name])
            buf.rows += n
        if len(self._buffered) >= self.batch_reports:
            self.flush()

    def add_rendition(self, report_id: str, rendition: dict[str, str]) -> None:
        """Lists another file of the report `report_id` (of this run or an earlier one) among its renditions."""
        row = self._buffered.get(report_id)
        if row is not None:
            row["renditions"].append(rendition)  # the list the buffered column holds
        else:
            self._late.setdefault(report_id, []).append(rendition)

    def _append_row(self, table: str, part: str, row: dict[str, Any]) -> None:
        buf = self._buffers.get((table, part))
        if buf is None:
            buf = self._buffers[(table, part)] = _empty(table)
        for name, values in buf.columns.items():
            values.append(row[name])
        buf.rows += 1

    def flush(self) -> None:
        """Writes the buffered rows (one row group per table and year); rolls to new files every
        `roll_batches` flushes."""
        buffers, self._buffers = self._buffers, {}
        keys, self._keys = self._keys, {}
        self.written += len(self._buffered)
        self._buffered = {}
        for (table, part), buf in sorted(buffers.items()):
            if buf.rows:
                data = pa.Table.from_pydict(buf.columns, schema=SCHEMAS[table])
                target = self._part(table, part)
                target.writer.write_table(data)
                if table == "reports":
                    target.keys.update(keys.get(part, {}))
        del buffers
        self._flushes += 1
        if self._flushes % self.roll_batches == 0:
            self._commit()

    def _part(self, table: str, part: str) -> _Part:
        got = self._parts.get((table, part))
        if got is None:
            folder = self.out / table / part
            folder.mkdir(parents=True, exist_ok=True)
            n = self._counters[(table, part)]
            self._counters[(table, part)] = n + 1
            final = folder / f"part-{self.run_id}-{n}.parquet"
            tmp = _tmp_name(final)
            got = self._parts[(table, part)] = _Part(pq.ParquetWriter(tmp, SCHEMAS[table]), tmp, final)
        return got

    def _commit(self) -> None:
        """Closes the open files and gives them their names (the reports table's last, so that a report
        listed there has its other rows in place)."""
        for key, part in sorted(self._parts.items(), key=lambda kv: kv[0][0] == "reports"):
            part.close()
            os.replace(part.tmp, part.final)
            self.files.append(part.final)
            del self._parts[key]  # what is left after an error is removed by `_abandon`

    def close(self) -> None:
        """Writes what is buffered, completes the open files and lists late renditions. Idempotent; safe to
        call while a KeyboardInterrupt unwinds (it is what keeps the dataset valid)."""
        if self._closed:
            return
        try:
            if self._buffered:
                self.flush()
        finally:
            self._closed = True
            try:
                self._commit()
            finally:
                self._abandon()
        if self._late:
            self._list_late_renditions()

    def _abandon(self) -> None:
        for part in self._parts.values():  # only after a failed commit
            with contextlib.suppress(Exception):
                part.writer.close()
            with contextlib.suppress(OSError):
                part.tmp.unlink()
        self._parts = {}

    def _list_late_renditions(self) -> None:
        late, self._late = self._late, {}
        ids = pa.array(list(late), pa.string())
        for path in data_files(self.out, "reports"):
            table = pq.read_table(path, schema=SCHEMAS["reports"])
            if not pc.any(pc.is_in(table["report_id"], value_set=ids)).as_py():
                continue
            renditions = table["renditions"].to_pylist()
            for i, rid in enumerate(table["report_id"].to_pylist()):
                if rid in late:
                    renditions[i] = [*renditions[i], *late[rid]]
            index = table.schema.get_field_index("renditions")
            table = table.set_column(index, "renditions", pa.array(renditions, SCHEMAS["reports"].field(index).type))
            _write_reports(path, table, rendition_keys(path))


def _write_reports(path: Path, table: pa.Table, keys: dict[str, str]) -> None:
    """Replaces the `reports` file `path` by `table`, with the rendition keys of its reports."""
    tmp = _tmp_name(path)
    part = _Part(pq.ParquetWriter(tmp, SCHEMAS["reports"]), tmp, path, keys)
    try:
        part.writer.write_table(table)
        part.close()
    except BaseException:
        with contextlib.suppress(Exception):
            part.writer.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.replace(tmp, path)


def remove_reports(out: Path, ids: set[str]) -> int:
    """Removes the rows of the reports `ids` from every table's part files (written by `DatasetWriter`) of the
    dataset `out`. Returns the number of files rewritten or removed. A file is rewritten batch by batch under a
    temporary name, then renamed: memory stays flat and the dataset valid."""
    if not ids:
        return 0
    value_set = pa.array(sorted(ids), pa.string())
    changed = 0
    for table in (*(t for t in TABLES if t != "reports"), "reports"):  # a report's row goes last
        for path in data_files(out, table):
            if not path.name.startswith("part-"):
                continue  # not ours (e.g. the cross-year findings, rewritten on every pairing run)
            column = pq.read_table(path, columns=["report_id"])["report_id"]
            if not pc.any(pc.is_in(column, value_set=value_set)).as_py():
                continue
            del column
            changed += 1
            _rewrite_without(path, table, value_set)
    return changed


def remove_orphans(out: Path) -> int:
    """Removes the `cells`, `findings` and `sections` rows of reports the `reports` table does not hold (left by
    a build killed while it renamed its files into place). Returns the number of files rewritten or removed."""
    known: set[str] = set()
    for path in data_files(out, "reports"):
        known.update(pq.read_table(path, columns=["report_id"])["report_id"].to_pylist())
    changed = 0
    for table in TABLES:
        if table == "reports":
            continue
        for path in data_files(out, table):
            if not path.name.startswith("part-"):
                continue
            ids = pq.read_table(path, columns=["report_id"], read_dictionary=["report_id"])["report_id"]
            orphans = {i for i in pc.unique(ids).to_pylist() if i not in known}
            if orphans:
                changed += 1
                _rewrite_without(path, table, pa.array(sorted(orphans), pa.string()))
    return changed


def _conformed(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """`data` with `schema`'s columns in its order: a column added to the schema since the file was written
    (e.g. ``reports.source_url``) is filled with nulls, so that a dataset built before it can still be updated."""
    columns = [data[f.name] if f.name in data.column_names else pa.nulls(data.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema.remove_metadata()).cast(schema)


def _rewrite_without(path: Path, table: str, value_set: pa.Array) -> None:
    tmp = _tmp_name(path)
    kept = 0
    source = pq.ParquetFile(path)
    keys: dict[str, str] = {}
    if table == "reports":
        gone = set(value_set.to_pylist())
        keys = {k: v for k, v in rendition_keys(path).items() if k not in gone}
    try:
        part = _Part(pq.ParquetWriter(tmp, SCHEMAS[table]), tmp, path, keys)
        try:
            for batch in source.iter_batches(batch_size=_READ_BATCH):
                mask = pc.invert(pc.is_in(batch.column("report_id"), value_set=value_set))
                rest = batch.filter(mask)
                if rest.num_rows:
                    part.writer.write_table(_conformed(pa.Table.from_batches([rest]), SCHEMAS[table]))
                    kept += rest.num_rows
        finally:
            part.close()
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        source.close()
    if kept:
        os.replace(tmp, path)
    else:
        tmp.unlink()
        path.unlink()


@dataclass
class ExistingReports:
    """What the dataset already holds, for an incremental run: every file's sha256 (kept renditions and
    others) → (its report's id, reader version); each report's id by the path it was read from; the paths of
    every rendition; each report's id by its rendition key."""

    by_sha: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_path: dict[str, str] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    by_content: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.by_sha)


def read_existing(out: Path) -> ExistingReports:
    """The reports of the dataset `out` (nothing when it has none)."""
    existing = ExistingReports()
    for path in data_files(out, "reports"):
        for row in _rows(path, ["report_id", "path", "reader_version", "renditions"]):
            rid, version = row["report_id"], row["reader_version"] or ""
            existing.by_sha[rid] = (rid, version)
            existing.by_path[path_key(row["path"])] = rid
            for rendition in row["renditions"] or []:
                existing.by_sha.setdefault(rendition["sha256"], (rid, version))
                existing.paths.add(path_key(rendition["path"]))
        for rid, key in rendition_keys(path).items():
            existing.by_content.setdefault(key, rid)
    return existing


def _rows(path: Path, columns: list[str]) -> Iterator[dict[str, Any]]:
    source = pq.ParquetFile(path)
    try:
        for batch in source.iter_batches(batch_size=_READ_BATCH, columns=columns):
            yield from batch.to_pylist()
    finally:
        source.close()


def path_key(path: str) -> str:
    """A path as compared across runs (absolute, case-normalised where the system is)."""
    return os.path.normcase(os.path.abspath(path))
