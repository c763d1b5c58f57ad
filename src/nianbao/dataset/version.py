"""The reader version stamped on every report row (no pyarrow here: worker processes import it)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from nianbao import __version__

__all__ = ["reader_version"]

#: What decides the rows of a report: the readers, the audit, the formats and this package's row making.
_SOURCES = ("read", "audit", "formats", "report.py", "dataset/rows.py", "dataset/schema.py")


@cache
def reader_version() -> str:
    """``<package version>+<12 hex>``: a hash of the source files that decide a report's rows, so that a
    change to a reader or a rule makes a rebuild reread the reports it would read differently."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in _SOURCES:
        base = root / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for f in files:
            if f.is_file() and f.suffix in (".py", ".csv", ".toml") and "__pycache__" not in f.parts:
                digest.update(f.relative_to(root).as_posix().encode())
                digest.update(b"\0")
                digest.update(f.read_bytes())
                digest.update(b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"
