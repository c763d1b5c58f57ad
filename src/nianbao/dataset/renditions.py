"""Renditions of one report that the build could not tell were one: the same page as crawled text and as html.

The build merges two files into one report when they read the same: same agency, year, format and every cell
value (`rows.FileRows.rendition_key`). A crawled text whose run-together digits were left unread or read on an
assumption (the audit's C206 识别不确定, C208 按推定读取) does not read the same as the page's html, and the two
stay two reports of one agency and year: counted twice, and neither paired with last year's report (pairing
wants a unique match). `merge_renditions(out)` finds, among the reports of one agency key, year and format, those
that agree on every cell both read for sure (at least `MIN_AGREEING` of them, and none disagreeing), keeps the
one with the fewest unsure cells (the first by path among equals) and lists the others among its renditions:
the other rendition is the evidence that decides the unsure cells, by reading them for sure.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.dataset.reread import UNSURE_RULES
from nianbao.dataset.writer import DatasetWriter, remove_reports

__all__ = ["MIN_AGREEING", "MergeResult", "merge_renditions"]
#: Fewest cells read for sure, and equal, in two reports for them to be taken as one report's renditions.
MIN_AGREEING = 50


@dataclass
class MergeResult:
    """What `merge_renditions` did: groups of reports of one agency, year and format looked at, reports merged
    into another as its renditions, and the unsure cells the kept readings have instead of the merged ones'."""

    groups: int = 0
    merged: int = 0
    unsure_before: int = 0
    unsure_after: int = 0
    seconds: float = 0.0


@dataclass
class _Reading:
    report_id: str
    path: str
    renditions: list[dict[str, str]]
    values: dict[str, float | None]
    unsure: set[str]

    def sure(self) -> dict[str, float | None]:
        return {k: v for k, v in self.values.items() if k not in self.unsure}


def _agree(a: _Reading, b: _Reading) -> bool:
    """Whether `a` and `b` agree on every cell both read for sure, and on at least `MIN_AGREEING` of them."""
    sa, sb = a.sure(), b.sure()
    shared = sa.keys() & sb.keys()
    both = [k for k in shared if sa[k] is not None and sb[k] is not None]
    return len(both) >= MIN_AGREEING and all(sa[k] == sb[k] for k in shared)


def merge_renditions(
    out: Path,
    *,
    run_id: str | None = None,
    guard: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> MergeResult:
    """Merges the reports of the dataset `out` that are renditions of one report (see the module docstring).
    `guard()` is entered while the dataset's files are rewritten."""
    from nianbao.dataset.query import connect

    started = time.perf_counter()
    result = MergeResult()
    con = connect(out)
    try:
        groups = con.execute(
            "SELECT list(report_id ORDER BY path) FROM reports WHERE status = 'ok' AND agency_key IS NOT NULL "
            "AND year IS NOT NULL AND format IS NOT NULL GROUP BY agency_key, year, format HAVING count(*) > 1"
        ).fetchall()
        ids = sorted({i for (group,) in groups for i in group})
        readings = _readings(con, ids) if ids else {}
    finally:
        con.close()
    result.groups = len(groups)
    merges: dict[str, list[_Reading]] = defaultdict(list)  # kept report id → the readings merged into it
    for (group,) in groups:
        left = sorted((readings[i] for i in group), key=lambda r: (len(r.unsure), r.path))
        while left:
            kept, *rest = left
            into = [r for r in rest if _agree(kept, r)]
            if into:
                merges[kept.report_id].extend(into)
                result.unsure_before += sum(len(r.unsure) for r in into)
                result.unsure_after += len(kept.unsure) * len(into)
            left = [r for r in rest if r not in into]
    result.merged = sum(len(v) for v in merges.values())
    if merges:
        with guard():
            remove_reports(out, {r.report_id for merged in merges.values() for r in merged})
            writer = DatasetWriter(out, run_id or time.strftime("%Y%m%dT%H%M%S") + "-renditions")
            try:
                for kept_id, merged in sorted(merges.items()):
                    for reading in merged:
                        for rendition in reading.renditions:
                            writer.add_rendition(kept_id, rendition)
            finally:
                writer.close()
    result.seconds = time.perf_counter() - started
    return result


def _readings(con: Any, ids: list[str]) -> dict[str, _Reading]:
    out: dict[str, _Reading] = {}
    for rid, path, renditions in con.execute(
        "SELECT report_id, path, renditions FROM reports WHERE report_id IN (SELECT unnest(?))", [ids]
    ).fetchall():
        out[rid] = _Reading(rid, path, list(renditions or []), {}, set())
    for rid, key, value in con.execute(
        "SELECT report_id, key, value FROM cells WHERE report_id IN (SELECT unnest(?))", [ids]
    ).fetchall():
        out[rid].values[key] = value
    for rid, key in con.execute(
        "SELECT DISTINCT report_id, unnest(keys) FROM findings WHERE report_id IN (SELECT unnest(?)) "
        f"AND rule IN ({', '.join(repr(r) for r in UNSURE_RULES)})",
        [ids],
    ).fetchall():
        out[rid].unsure.add(key)
    return out


def describe(result: MergeResult) -> str:
    """One Chinese line on what `merge_renditions` did."""
    return (
        f"合并同一报告的不同格式：{result.merged} 份并入其他读取更确定的格式"
        f"（不确定单元格 {result.unsure_before} → {result.unsure_after}）"
    )
