"""The job functions the web and the batch runner hand to the pool: module-level, with picklable results.

This module is what the fork server preloads (`nianbao.jobs.pool.PRELOAD`), so it imports every reader up
front: a worker forked from the server starts with them in memory instead of importing them per job.

A reader's refusal comes back as data (`ReadRefused`, a Chinese line naming the file), never as an
exception: the readers' exceptions do not survive pickling (their ``__init__`` takes two arguments).
MemoryError is let through, so that the pool reports `JobMemoryExceeded`.
"""

from __future__ import annotations

import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal, TypeAlias

# Imported for the fork server's preload: the input kinds `read_document` imports lazily.
import nianbao.read.inputs.doc
import nianbao.read.inputs.docx
import nianbao.read.inputs.html
import nianbao.read.inputs.pdf
import nianbao.read.inputs.txt  # noqa: F401
from nianbao.read import NotAReport, ReadError, ReadOptions, read_document, report_from_document
from nianbao.read.lines import document_lines
from nianbao.report import Report

__all__ = ["ReadOk", "ReadOutcome", "ReadRefused", "read_upload"]


@dataclass(frozen=True)
class ReadOk:
    """A report as read, with the numbered source lines its findings' locations count."""

    report: Report
    lines: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadRefused:
    """A file that could not be read as a report.

    `message` is one Chinese line naming the file, as the web shows it. `cause` says why: ``not_a_report``
    (read, but no report table found), ``unreadable`` (the reader's ReadError) or ``error`` (an unexpected
    exception in a reader; `detail` then holds its traceback, for the log, not for users).
    """

    message: str
    cause: Literal["not_a_report", "unreadable", "error"] = "unreadable"
    detail: str = ""


ReadOutcome: TypeAlias = ReadOk | ReadRefused


def read_upload(filename: str, content: bytes) -> ReadOutcome:
    """Reads `content` as the report file `filename` (its suffix is kept: the readers need a real file).

    The same reading, limits (`ReadOptions.from_env`) and messages as `nianbao.web.check.parsing.parse_bytes`,
    returned instead of raised.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="nianbao-upload-") as tmp:
        path = Path(tmp) / f"report{suffix}"
        path.write_bytes(content)
        del content
        options = ReadOptions.from_env()
        try:
            doc = read_document(path, filename, options=options)
            report = report_from_document(doc, filename, options)
        except MemoryError:
            raise
        except NotAReport as exc:
            return ReadRefused(f"文件“{filename}”不像一份年度报告：{exc.reason}", "not_a_report")
        except ReadError as exc:
            return ReadRefused(f"文件“{filename}”无法读取：{exc.reason}", "unreadable")
        except Exception as exc:  # a reader's bug on a strange file must not fail the whole batch
            return ReadRefused(
                f"文件“{filename}”无法读取（{type(exc).__name__}）", "error", "".join(traceback.format_exception(exc))
            )
    return ReadOk(report, document_lines(doc))
