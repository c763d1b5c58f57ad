"""What to fetch: URLs from the command line and a list file, each with the hints the dataset build takes.

A list file is UTF-8 (a BOM allowed) and either one URL a line (empty lines and lines starting with ``#``
skipped), or CSV whose header has a ``url`` column and optionally ``agency``, ``year``, ``region`` (the hints
of `nianbao.dataset.sources`, copied into the manifest). A URL given twice is fetched once, with its first
hints.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["Target", "TargetError", "check_url", "read_list", "targets"]


class TargetError(ValueError):
    """A URL or list file that cannot be used: ``str(exc)`` is one Chinese line (naming the file and line)."""


@dataclass(frozen=True)
class Target:
    """One URL to fetch (a report page, or a report file itself) and what the user says of it."""

    url: str
    agency: str | None = None
    year: int | None = None
    region: str | None = None


def check_url(url: str) -> str:
    """`url` without surrounding white space, or TargetError when it is not an http(s) address."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise TargetError(f"不是有效的网址（应以 http:// 或 https:// 开头）：{url}")
    return url


def targets(urls: list[str], list_file: Path | None = None) -> list[Target]:
    """The command line's URLs, then the list file's, each URL once."""
    found: dict[str, Target] = {}
    given = [Target(check_url(u)) for u in urls]
    for target in [*given, *(read_list(list_file) if list_file is not None else [])]:
        found.setdefault(target.url, target)
    return list(found.values())


def read_list(path: Path) -> list[Target]:
    """The targets of a list file (see the module docstring)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TargetError(f"{path}：网址列表不是 UTF-8 编码") from None
    except OSError as exc:
        raise TargetError(f"{path}：无法读取网址列表（{exc.strerror or exc}）") from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    header = [f.strip().lower() for f in next(csv.reader([first]), [])]
    if "url" in header:
        return _csv_targets(path, lines)
    out: list[Target] = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(Target(_url(path, number, line)))
    return out


def _url(path: Path, number: int, text: str) -> str:
    try:
        return check_url(text)
    except TargetError as exc:
        raise TargetError(f"{path}：第 {number} 行{exc}") from None


def _csv_targets(path: Path, lines: list[str]) -> list[Target]:
    reader = csv.DictReader(lines)
    reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames or []]
    out: list[Target] = []
    for row in reader:
        number = reader.line_num
        url = (row.get("url") or "").strip()
        if not url:
            if any((v or "").strip() for k, v in row.items() if k is not None and isinstance(v, str)):
                raise TargetError(f"{path}：第 {number} 行缺少 url")
            continue
        out.append(
            Target(
                _url(path, number, url),
                agency=_text(row.get("agency")),
                year=_year(path, number, _text(row.get("year"))),
                region=_text(row.get("region")),
            )
        )
    return out


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _year(path: Path, number: int, text: str | None) -> int | None:
    if text is None:
        return None
    if not (text.isdigit() and 1900 <= int(text) <= 2999):
        raise TargetError(f"{path}：第 {number} 行的 year“{text}”不是年份")
    return int(text)
