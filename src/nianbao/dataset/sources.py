"""The files a build reads: SRC arguments (files, folders, manifests) → `Item`s, each a path with its hints.

- A file is read as a report, whatever its name (a missing file becomes a failed row, not an error here).
- A folder stands for every report file below it (by suffix, recursively, in sorted order; ``*.truth.json``
  and hidden files excluded).
- A manifest lists files with optional hints: ``.csv`` with a header ``path[,agency,year,region]`` (UTF-8,
  a BOM allowed), or ``.jsonl``, one object a line with those keys. A relative path is relative to the
  manifest's folder. An empty hint is no hint.
- A manifest may also say where a file came from: ``url`` (the address it was fetched from),
  ``page_url`` (the web page that linked to it) and ``fetched_at`` (ISO 8601; without a zone, UTC), as
  ``nianbao fetch`` writes them.

Hints: `region` is taken as given; `agency` replaces the name read from the title (a manifest is the user's
own naming, which pairing across years relies on); `year` is used when the report does not print its year;
`url` (else `page_url`) and `fetched_at` go to the `reports` table's ``source_url`` and ``fetched_at``.

The same file given twice (by two arguments, or a folder and a manifest) is read once, with the first hints.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nianbao.read.inputs import KINDS

__all__ = ["MANIFEST_SUFFIXES", "SUFFIXES", "Hints", "Item", "SourceError", "expand_sources", "kind_of"]

#: The file suffixes the reader knows, and the input kind of each (the reader's own table).
SUFFIXES: dict[str, str] = KINDS
MANIFEST_SUFFIXES = (".csv", ".jsonl")
MANIFEST_KEYS = ("path", "agency", "year", "region", "url", "page_url", "fetched_at")


class SourceError(ValueError):
    """A source that cannot be listed (a manifest without a path column, a year that is not a year…):
    ``str(exc)`` is one Chinese line naming the file and, for manifests, the line."""


@dataclass(frozen=True)
class Hints:
    """What a manifest says of a file: the user's naming, and where the file was fetched from and when."""

    agency: str | None = None
    year: int | None = None
    region: str | None = None
    url: str | None = None
    page_url: str | None = None
    fetched_at: datetime | None = None  # UTC


@dataclass(frozen=True)
class Item:
    """One file to read, with its hints."""

    path: str
    hints: Hints = Hints()


def kind_of(path: str) -> str:
    """The input kind by the file's suffix (for rows of files that could not be read), else ``unknown``."""
    return SUFFIXES.get(Path(path).suffix.lower(), "unknown")


def expand_sources(sources: Iterable[str | os.PathLike[str]]) -> list[Item]:
    """Every file the sources name, once each, in the order given (a folder's files sorted by path)."""
    items: list[Item] = []
    seen: set[str] = set()
    for item in _expand(sources):
        key = os.path.normcase(os.path.abspath(item.path))
        if key not in seen:
            seen.add(key)
            items.append(item)
    return items


def _expand(sources: Iterable[str | os.PathLike[str]]) -> Iterator[Item]:
    for given in sources:
        p = Path(given)
        if p.is_dir():
            yield from (Item(str(f)) for f in _folder(p))
        elif p.suffix.lower() in MANIFEST_SUFFIXES and p.is_file():
            yield from _manifest(p)
        else:
            yield Item(str(p))


def _folder(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith(".truth.json"):
                continue
            if Path(name).suffix.lower() in SUFFIXES:
                out.append(Path(root) / name)
    return sorted(out)


def _manifest(path: Path) -> Iterator[Item]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{path}：清单文件不是 UTF-8 编码") from None
    except OSError as exc:
        raise SourceError(f"{path}：无法读取清单文件（{exc.strerror}）") from None
    records = _csv_records(path, text) if path.suffix.lower() == ".csv" else _jsonl_records(path, text)
    base = path.parent
    for line, record in records:
        yield _item(path, line, record, base)


def _csv_records(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(text.splitlines())
    fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
    if "path" not in fields:
        raise SourceError(f"{path}：清单第 1 行应为表头，且含 path 列（可选 agency、year、region）")
    reader.fieldnames = fields
    for number, row in enumerate(reader, start=2):
        if any((v or "").strip() for k, v in row.items() if k is not None and isinstance(v, str)):
            yield number, row


def _jsonl_records(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path}：第 {number} 行不是有效的 JSON（{exc.msg}）") from None
        if not isinstance(record, dict):
            raise SourceError(f"{path}：第 {number} 行应为 JSON 对象（含 path，可选 agency、year、region）")
        yield number, record


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _item(manifest: Path, line: int, record: dict[str, Any], base: Path) -> Item:
    raw = _text(record.get("path"))
    if raw is None:
        raise SourceError(f"{manifest}：第 {line} 行缺少 path")
    year_text = _text(record.get("year"))
    year: int | None = None
    if year_text is not None:
        try:
            year = int(float(year_text)) if isinstance(record.get("year"), float) else int(year_text)
        except ValueError:
            year = None
        if year is None or not 1900 <= year <= 2999:
            raise SourceError(f"{manifest}：第 {line} 行的 year“{year_text}”不是年份")
    p = Path(raw)
    if not p.is_absolute():
        p = base / p
    hints = Hints(
        agency=_text(record.get("agency")),
        year=year,
        region=_text(record.get("region")),
        url=_text(record.get("url")),
        page_url=_text(record.get("page_url")),
        fetched_at=_fetched_at(manifest, line, _text(record.get("fetched_at"))),
    )
    return Item(str(p), hints)


def _fetched_at(manifest: Path, line: int, text: str | None) -> datetime | None:
    """An ISO 8601 time as UTC (a time without a zone is taken as UTC)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SourceError(f"{manifest}：第 {line} 行的 fetched_at“{text}”不是 ISO 8601 时间") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
