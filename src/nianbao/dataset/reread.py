"""Reports read unsure, read again with the same agency's report of the year before as evidence.

A report whose run-together digits could not be split for sure (the audit's C206 识别不确定 or C208 按推定读取)
may be decided by last year's report of the same agency: last year's 处理决定数量 is this year's 上一年项目数量,
and 现行有效件数 continues last year's (see `nianbao.read.fit`, tier 4). `reread_uncertain(out)` pairs the
dataset's reports with their previous year's (`pair_previous`: mutual, unique matches only), rebuilds each
previous report from its stored cells, reads each unsure report's file again with it, and keeps the new reading
when it leaves fewer cells unsure: the report's rows are replaced (its renditions, region and manifest hints
kept). Files that are gone or unreadable now are left as they were, and counted.

`nianbao dataset build --cross-year` runs this after the build, then the cross-year rules (`pairing.cross_year`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from nianbao.dataset.pairing import Item, pair_previous, rebuild
from nianbao.dataset.rows import FileRows, process_file
from nianbao.dataset.sources import Hints
from nianbao.dataset.writer import DatasetWriter, remove_reports

#: The findings that mark a report's reading as unsure (see `nianbao.audit.rules.cells`).
UNSURE_RULES = ("C206", "C208")


@dataclass
class RereadResult:
    """What `reread_uncertain` did: unsure reports found, those with last year's report, those whose new
    reading was kept (`improved`), unsure cells before and after over the improved ones, files not read again."""

    unsure: int = 0
    paired: int = 0
    improved: int = 0
    cells_before: int = 0
    cells_after: int = 0
    missing: int = 0
    seconds: float = 0.0


def _unsure_cells(rules: list[str], keys: list[list[str]]) -> int:
    return len({k for rule, ks in zip(rules, keys, strict=True) if rule in UNSURE_RULES for k in ks})


def reread_uncertain(
    out: Path,
    *,
    run_id: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    guard: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> RereadResult:
    """Reads the dataset's unsure reports again with last year's report as evidence (see the module docstring).

    `progress(done, total)` is called after each report read again; `guard()` is entered while the dataset's
    files are rewritten (the build's: Ctrl-C waits for the end of it). Returns what was done; the dataset is
    rewritten only for the reports whose reading improved.
    """
    from nianbao.dataset.query import connect

    started = time.perf_counter()
    result = RereadResult()
    con = connect(out)
    try:
        metas = {
            str(m["report_id"]): m
            for m in con.sql(
                "SELECT * FROM reports WHERE status = 'ok'"  # * : a dataset built before source_url has none
            )
            .to_arrow_table()
            .to_pylist()
        }
        unsure = {
            str(r[0]): int(r[1])
            for r in con.execute(
                "SELECT report_id, count(DISTINCT k) FROM (SELECT report_id, unnest(keys) AS k FROM findings "
                f"WHERE rule IN ({', '.join('?' for _ in UNSURE_RULES)})) GROUP BY report_id",
                list(UNSURE_RULES),
            ).fetchall()
        }
        unsure = {rid: n for rid, n in unsure.items() if rid in metas}
        result.unsure = len(unsure)
        pairing = pair_previous(Item(i, m["agency"], m["region"], m["year"]) for i, m in metas.items())
        todo = sorted((rid, pairing.pairs[rid]) for rid in unsure if rid in pairing.pairs)
        result.paired = len(todo)
        before_cells: dict[str, list[tuple[str, float | None, str | None]]] = {}
        if todo:
            wanted = sorted({prev for _, prev in todo})
            stored = con.execute(
                "SELECT report_id, key, value, printed FROM cells WHERE report_id IN (SELECT unnest(?))", [wanted]
            ).fetchall()
            for rid, key, value, printed in stored:
                before_cells.setdefault(str(rid), []).append((key, value, printed))
    finally:
        con.close()

    better: list[FileRows] = []
    for done, (rid, prev_id) in enumerate(todo, 1):
        meta = metas[rid]
        path = str(meta["path"])
        if not os.path.isfile(path):
            result.missing += 1
        else:
            previous = rebuild(metas[prev_id], before_cells.get(prev_id, []), [])
            hints = Hints(
                agency=meta["agency"],
                year=meta["year"],
                region=meta["region"],
                url=meta.get("source_url"),
                fetched_at=meta.get("fetched_at"),
            )
            rows = process_file(path, hints, previous=previous)
            if not rows.ok or rows.report_id != rid:
                result.missing += 1  # the file changed or cannot be read any more: the stored reading stays
            else:
                after = _unsure_cells(rows.findings["rule"], rows.findings["keys"])
                if after < unsure[rid]:
                    rows.report["renditions"] = list(meta["renditions"] or rows.report["renditions"])
                    better.append(rows)
                    result.cells_before += unsure[rid]
                    result.cells_after += after
        if progress is not None:
            progress(done, len(todo))
    if better:
        with guard():
            _replace(out, better, run_id or time.strftime("%Y%m%dT%H%M%S") + "-reread")
    result.improved = len(better)
    result.seconds = time.perf_counter() - started
    return result


def _replace(out: Path, better: list[FileRows], run_id: str) -> None:
    """The reports' rows replaced by their new readings: removed, then written (as a build replaces a report read
    again; a run killed in between leaves the files to be read by the next build)."""
    remove_reports(out, {rows.report_id for rows in better})
    writer = DatasetWriter(out, run_id)
    try:
        for rows in better:
            writer.add(rows)
    finally:
        writer.close()


def describe(result: RereadResult) -> str:
    """One Chinese line on what `reread_uncertain` did."""
    text = (
        f"跨年度重读：识别不确定的报告 {result.unsure} 份，其中找到上一年度报告 {result.paired} 份，"
        f"重读后改善 {result.improved} 份（不确定单元格 {result.cells_before} → {result.cells_after}）"
    )
    if result.missing:
        text += f"；{result.missing} 份的文件已不存在或已改变，保留原读取结果"
    return text
