"""Import and export of the ledger file (CSV or XLSX, the columns of spec/ledger.md) from the web.

An upload is written to a temporary file and handed to `csvio.import_file`, which checks every row
before writing and raises `ImportFailed` listing each bad row. Its writes run in a savepoint, so a
refusal leaves the ledger exactly as it was even though the request's transaction is committed. Before
that, the file is checked here for what the library leaves to the database: text longer than its column
and NUL characters (PostgreSQL refuses both). Messages name the uploaded file, never the temporary path.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.orm import Session

from nianbao.ledger import csvio
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.store import db
from nianbao.store.models import Agency
from nianbao.web.core.downloads import attachment
from nianbao.web.core.errors import BUSY
from nianbao.web.ledger.writes import LIMITS, Refused

SUFFIXES = {".csv": ".csv", ".txt": ".csv", ".xlsx": ".xlsx", ".xlsm": ".xlsx"}
_COLUMN_LIMITS = {"reference": LIMITS["reference"], "applicant": LIMITS["applicant"], "contact": LIMITS["contact"]}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Problems listed at most; the count says how many there were.
MAX_PROBLEMS = 200


def read_upload(stream: BinaryIO, limit: int) -> bytes:
    """The uploaded bytes, refused (413) past `limit`."""
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise Refused(413, f"文件过大：台账文件不能超过 {limit // (1024 * 1024)} MB")
    if not content:
        raise Refused(400, "上传的文件是空的")
    return content


def display_name(filename: str | None) -> str:
    """The uploaded file's name as shown in messages (no directories, no control characters)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:100]
    return name or "上传的文件"


def suffix_of(filename: str | None, content: bytes) -> str:
    """ ".csv" or ".xlsx" from the file name (an XLSX is recognised by its ZIP signature too); 415 else."""
    suffix = Path(display_name(filename)).suffix.lower()
    if content.startswith(b"PK\x03\x04") and suffix in ("", ".xlsx", ".xlsm"):
        return ".xlsx"
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise Refused(415, f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 CSV（UTF-8）或 XLSX 文件")


def _precheck(path: Path) -> list[str]:
    """Rows whose text the database would refuse: over the column size, or holding NUL."""
    header, body = csvio.read_table(path)
    problems = []
    for number, values in body:
        for i, value in enumerate(values):
            column = header[i] if i < len(header) else f"第{i + 1}列"
            limit = _COLUMN_LIMITS.get(column, LIMITS["text"])
            if "\x00" in value:
                problems.append(f"第{number}行：{column} 含有无法保存的空字符（\\x00）")
            elif len(value.strip()) > limit:
                problems.append(f"第{number}行：{column} 过长（{len(value.strip())} 个字符，最多 {limit} 个）")
    return problems


def import_upload(
    session: Session, agency: Agency, filename: str | None, content: bytes, calendar: WorkingCalendar
) -> int:
    """Import the uploaded file into the agency's ledger; all rows or none. Returns the number of cases."""
    name = display_name(filename)
    suffix = suffix_of(filename, content)
    with tempfile.TemporaryDirectory(prefix="nianbao-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)

        def named(line: str) -> str:
            return line.replace(str(path), name)

        try:
            problems = _precheck(path)
            if problems:
                raise Refused(400, f"{name}：{len(problems)} 处错误，整个文件未导入", problems[:MAX_PROBLEMS])
            # parsed, checked and built before the session is used, so the write lock is held only to write
            prepared = csvio.prepare_import(path, agency, calendar)
            with session.begin_nested():
                count = csvio.store_import(session, agency, prepared, path)
        except csvio.ImportFailed as exc:
            lines = [named(p) for p in exc.problems]
            raise Refused(400, named(str(exc)), lines[:MAX_PROBLEMS]) from None
        except LedgerError as exc:
            raise Refused(400, named(str(exc))) from None
        except (csv.Error, ValueError) as exc:
            raise Refused(400, f"{name}：无法读取（{named(str(exc))[:200]}）") from None
        except DataError:
            raise Refused(
                400, f"{name}：数据库拒绝保存其中的内容（超出长度限制或含有无法保存的字符），整个文件未导入"
            ) from None
        except DBAPIError as exc:
            if db.is_busy(exc):
                raise Refused(503, f"{name}：{BUSY}；整个文件未导入") from None
            raise
    return count


def export_file(session: Session, agency: Agency, kind: str) -> tuple[bytes, str, str]:
    """(content, media type, file suffix) of the agency's ledger as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    header, rows = csvio.export_rows(session, agency)
    if kind == "xlsx":
        # control characters are legal in a CSV cell but not in a workbook: dropped from the XLSX only
        rows = [[_CONTROL.sub("", value) for value in row] for row in rows]
        with tempfile.TemporaryDirectory(prefix="nianbao-export-") as folder:
            path = Path(folder) / "ledger.xlsx"
            csvio.write_xlsx(header, rows, path)
            content = path.read_bytes()
        return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    out = io.StringIO()
    csvio.write_csv(header, rows, out)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", "csv"


def disposition(agency: Agency, suffix: str) -> str:
    """Content-Disposition naming the export after the agency (ASCII fallback: ledger-<id>.<suffix>)."""
    return attachment(f"{agency.name}台账.{suffix}", fallback=f"ledger-{agency.id}.{suffix}")
