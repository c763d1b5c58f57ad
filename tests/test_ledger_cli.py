"""`nianbao ledger …` in process, on the database NIANBAO_DATABASE_URL names (set by the fixture)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from nianbao.cli import app

if TYPE_CHECKING:
    from typer.testing import Result

    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

runner = CliRunner()
AGENCY = ["--agency", "某市审计局"]


def run(*args: str) -> Result:
    return runner.invoke(app, ["ledger", *args])


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result


def refused(*args: str, code: int = 1) -> str:
    result = run(*args)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(line.startswith("nianbao: ") for line in lines)
    return result.stderr


def test_a_case_from_receipt_to_closing(ledger_db: LedgerDB) -> None:
    added = ok(
        "add",
        "A-1",
        *AGENCY,
        "--received",
        "2025-09-26",
        "--applicant-type",
        "自然人",
        "--applicant",
        "张三",
        "--channel",
        "网络",
    )
    assert "新建机关“某市审计局”" in added.stderr
    assert "答复期限 2025-10-30" in added.stderr
    ok("event", "A-1", "延期", *AGENCY, "--on", "2025-10-20", "--approver", "李主任", "--days", "10")
    ok("event", "A-1", "征求意见", *AGENCY, "--on", "2025-10-22", "--party", "某公司")
    ok("event", "A-1", "征求意见结束", *AGENCY, "--on", "2025-10-24", "--party", "某公司")
    shown = ok("show", "A-1", *AGENCY).stdout
    assert "第 4 版" in shown
    assert "李主任" in shown
    assert "答复期限：2025-11-18" in shown
    assert "2025年11月18日" in shown  # the explanation's last line
    listed = [
        json.loads(line)
        for line in ok("list", *AGENCY, "--output", "jsonl", "--today", "2025-11-14").stdout.splitlines()
    ]
    assert listed == [
        {
            "reference": "A-1",
            "received": "2025-09-26",
            "applicant_type": "natural_person",
            "status": "open",
            "deadline": "2025-11-18",
            "days_left": 2,
            "outcome": None,
            "closed": None,
        }
    ]
    ok("close", "A-1", *AGENCY, "--outcome", "partially_granted", "--on", "2025-11-17", "--expect-version", "4")
    report = json.loads(ok("tables", *AGENCY, "--year", "2025", "--output", "json").stdout)
    assert (report["format"], report["year"], report["agency"]) == ("2021", 2025, "某市审计局")
    assert report["cells"]["applications.partially_granted.natural_person"] == 1
    assert report["cells"]["applications.total.total"] == 1
    assert "表三" in ok("tables", *AGENCY, "--year", "2025").stdout


def test_due_puts_overdue_first_and_explains_on_request(ledger_db: LedgerDB) -> None:
    ok("add", "new", *AGENCY, "--received", "2025-10-20", "--applicant-type", "商业企业")
    ok("add", "old", *AGENCY, "--received", "2025-08-01", "--applicant-type", "自然人")
    rows = [
        json.loads(line)
        for line in ok("due", *AGENCY, "--today", "2025-10-27", "--output", "jsonl", "--explain").stdout.splitlines()
    ]
    assert [r["reference"] for r in rows] == ["old", "new"]
    assert rows[0]["days_left"] < 0 < rows[1]["days_left"]
    assert any("答复期限" in line for line in rows[0]["explanation"])
    text = ok("due", *AGENCY, "--today", "2025-10-27", "--explain").stdout
    assert "逾期" in text
    assert "案件 old：" in text


def test_import_export_round_trip_through_the_cli(ledger_db: LedgerDB, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "reference,received,applicant_type,closed,outcome\nA,2024-01-05,自然人,2024-01-20,granted\n"
        "B,2024-12-30,社会公益组织,,\n",
        encoding="utf-8",
    )
    assert "已导入 2 件" in ok("import", str(source), *AGENCY).stderr
    exported = ok("export", *AGENCY).stdout
    assert exported.splitlines()[1].startswith("A,2024-01-05,natural_person,,,2024-01-20,granted")
    out = tmp_path / "out.csv"
    ok("export", *AGENCY, "-o", str(out))
    assert out.read_text(encoding="utf-8") == exported


def test_a_bad_import_names_the_file_and_row_and_imports_nothing(ledger_db: LedgerDB, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("reference,received,applicant_type\nA,2024-01-05,自然人\nB,2024-02-30,自然人\n", encoding="utf-8")
    err = refused("import", str(source), *AGENCY)
    assert f"{source} 第3行：received“2024-02-30”无效" in err
    assert "整个文件未导入" in err
    assert "不在台账中" in refused("list", *AGENCY)  # not even the agency was created


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["show", "X", "--agency", "无此局"], "机关“无此局”不在台账中", 1),
        (["event", "X", "延期", "--agency", "某市审计局", "--on", "2025-01-01"], "案件 X 不在“某市审计局”的台账中", 1),
        (["event", "A-1", "延期", "--agency", "某市审计局", "--on", "2025-10-20"], "案件 A-1：延期须经", 1),
        (["event", "A-1", "跳舞", "--agency", "某市审计局", "--on", "2025-10-20"], "事件类型“跳舞”无法识别", 2),
        (
            ["close", "A-1", "--agency", "某市审计局", "--outcome", "granted", "--on", "2025-13-01"],
            "--on“2025-13-01”无效",
            2,
        ),
        (
            [
                "close",
                "A-1",
                "--agency",
                "某市审计局",
                "--outcome",
                "granted",
                "--on",
                "2025-10-01",
                "--expect-version",
                "7",
            ],
            "案件 A-1 已被他人修改",
            1,
        ),
        (
            ["add", "A-1", "--agency", "某市审计局", "--received", "2025-09-26", "--applicant-type", "自然人"],
            "案件 A-1 已在“某市审计局”的台账中",
            1,
        ),
        (
            ["add", "A-2", "--agency", "某市审计局", "--received", "1900-01-05", "--applicant-type", "自然人"],
            "收到日期 1900-01-05 不合理",
            1,
        ),
        (["import", "/no/such/file.csv", "--agency", "某市审计局"], "文件不存在", 2),
    ],
)
def test_errors_are_one_chinese_line_with_a_non_zero_exit(
    ledger_db: LedgerDB, args: list[str], message: str, code: int
) -> None:
    ok("add", "A-1", *AGENCY, "--received", "2025-09-26", "--applicant-type", "自然人")
    assert message in refused(*args, code=code)


def test_an_unreachable_database_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NIANBAO_DATABASE_URL", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert "数据库 sqlite:///" in refused("list", *AGENCY)


def test_appeals_and_calendar_overrides_from_the_cli(ledger_db: LedgerDB, tmp_path: Path) -> None:
    ok("add", "A-1", *AGENCY, "--received", "2025-09-26", "--applicant-type", "自然人")
    ok("appeal", "复-1", *AGENCY, "--route", "行政复议", "--filed", "2025-11-01", "--application", "A-1")
    ok("appeal", "复-1", *AGENCY, "--result", "纠正", "--decided", "2025-12-01")
    report = json.loads(ok("tables", *AGENCY, "--year", "2025", "--output", "json").stdout)
    assert report["cells"]["review.corrected"] == report["cells"]["review.total"] == 1
    schedule = tmp_path / "2031.txt"
    schedule.write_text("year: 2031\n2031-01-01 休 元旦\n", encoding="utf-8")
    ok("calendar", "load", str(schedule))
    assert "year: 2031" in ok("calendar", "show").stdout
    added = ok("add", "A-2", *AGENCY, "--received", "2030-12-31", "--applicant-type", "自然人")
    assert "答复期限" in added.stderr
    ok("agency", "某市人民政府", "--level", "市级")
    ok("agency", "某市审计局", "--parent", "某市人民政府")
    rolled = json.loads(ok("tables", "--agency", "某市人民政府", "--year", "2025", "-o", "json", "--rollup").stdout)
    assert rolled["cells"]["applications.new.total"] == 1


def test_loading_a_calendar_moves_the_deadlines_of_open_cases(ledger_db: LedgerDB, tmp_path: Path) -> None:
    ok("add", "C-1", *AGENCY, "--received", "2026-11-02", "--applicant-type", "自然人")
    assert "2026-11-30" in ok("show", *AGENCY, "C-1").stdout
    schedule = tmp_path / "extra.txt"
    schedule.write_text("2026-11-10 休 临时休息\n", encoding="utf-8")
    loaded = ok("calendar", "load", str(schedule))
    assert "1 件在办案件的答复期限随之重新计算并记入案件事件" in loaded.stderr
    shown = ok("show", *AGENCY, "C-1").stdout
    assert "2026-12-01" in shown


def test_registration_beyond_the_calendar_is_provisional_until_the_schedule_arrives(
    ledger_db: LedgerDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nianbao.ledger import calendar as cal

    monkeypatch.setattr(cal, "LIBRARY_YEARS", (2004, 2026))  # as chinesecalendar 1.11.0, whatever is installed
    cal._library_is_workday.cache_clear()
    first = ok("add", "P-1", *AGENCY, "--received", "2026-12-20", "--applicant-type", "自然人").stderr
    assert "答复期限 2027-01-18（暂定）" in first
    assert "暂定：2027年的国务院放假安排尚未收录" in first
    second = ok("add", "P-2", *AGENCY, "--received", "2027-12-20", "--applicant-type", "自然人").stderr
    assert "答复期限 2028-01-17（暂定）" in second
    assert "2027年、2028年" in second
    shown = ok("show", "P-1", *AGENCY).stdout
    assert "答复期限：2027-01-18（暂定）" in shown
    assert "暂定：2027年" in shown
    due = ok("due", *AGENCY, "--today", "2026-12-21", "--explain", "--output", "jsonl")
    assert "注意：工作日历尚未收录2027年的国务院放假安排" in due.stderr
    rows = [json.loads(line) for line in due.stdout.splitlines()]
    assert [(r["reference"], r["deadline"], r["provisional"]) for r in rows] == [
        ("P-1", "2027-01-18", True),
        ("P-2", "2028-01-17", True),
    ]
    assert rows[0]["explanation"][-1].startswith("暂定：2027年")
    assert "暂定" in ok("due", *AGENCY, "--today", "2026-12-21").stdout

    schedule = tmp_path / "2027.txt"
    schedule.write_text("year: 2027\n2027-01-01 休 元旦\n2027-01-04 休 （测试用，非官方）\n", encoding="utf-8")
    loaded = ok("calendar", "load", str(schedule)).stderr
    assert "1 件在办案件的答复期限随之重新计算并记入案件事件" in loaded
    shown = ok("show", "P-1", *AGENCY).stdout
    assert "答复期限：2027-01-19\n" in shown  # exact now: one more day off
    assert "暂定：" not in shown
    assert (
        "答复期限重新计算（工作日历更新（导入2027年国务院放假安排）：答复期限由2027-01-18（暂定）改为2027-01-19）"
    ) in shown
    # the other still counts days of 2028: provisional, unchanged, no event
    shown = ok("show", "P-2", *AGENCY).stdout
    assert "答复期限：2028-01-17（暂定）" in shown
    assert "重新计算（" not in shown
    assert "2027年" not in ok("due", *AGENCY, "--today", "2026-12-21").stderr


def test_the_year_report_is_built_from_the_stored_ledger_and_draft(
    ledger_db: LedgerDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nianbao.ledger.agencies import find_agency
    from nianbao.read import read
    from nianbao.store import db
    from nianbao.web.report.service import Changes, save
    from tests.web.report_seed import WRITTEN, seed_2025, table_two

    ok("agency", "甲县财政局")
    seed_2025(ledger_db.url)
    assert "机关“乙县财政局”不在台账中" in refused("report", "乙县财政局", "2025")
    assert "2023 年度没有台账数据，也没有报告草稿" in refused("report", "甲县财政局", "2023")
    assert "年度应在 2019 至" in refused("report", "甲县财政局", "2010", code=2)
    # no draft yet: table 二 blank is a warning, but the parts 一, 五 and 六 not written are errors (S406), as
    # on the web's report page: the tables alone make a report only when forced
    unwritten = run("report", "甲县财政局", "2025", "--to", "md", "-o", str(tmp_path / "bare.md"))
    assert unwritten.exit_code == 1
    assert unwritten.stderr.startswith("nianbao: 甲县财政局 2025 年度：核查发现 3 项错误")
    assert unwritten.stdout.count("S406") == 3
    assert "第五部分“存在的主要问题及改进情况”正文为空" in unwritten.stdout
    assert not (tmp_path / "bare.md").exists()
    bare = ok("report", "甲县财政局", "2025", "--to", "md", "-o", str(tmp_path / "bare.md"), "--force")
    assert "C201" in bare.stdout  # the findings, as `nianbao render` prints them
    assert (tmp_path / "bare.md").is_file()

    def draft(version: int, sections: dict[int, str]) -> None:
        with db.session(ledger_db.url) as s:
            save(
                s,
                find_agency(s, "甲县财政局"),
                2025,
                Changes(sections=sections, cells=dict(table_two()), date=dt.date(2026, 1, 20), set_date=True),
                version,
            )

    # 一 contradicts table 三: an error (T502) blocks it
    draft(0, {1: "本年度未收到政府信息公开申请。", 5: WRITTEN[5], 6: WRITTEN[6]})
    blocked = run("report", "甲县财政局", "2025", "--to", "md", "-o", str(tmp_path / "blocked.md"))
    assert blocked.exit_code == 1
    assert blocked.stderr.startswith("nianbao: 甲县财政局 2025 年度：核查发现 1 项错误")
    assert len(blocked.stderr.strip().splitlines()) == 1
    assert "T502" in blocked.stdout
    assert not (tmp_path / "blocked.md").exists()
    forced = ok("report", "甲县财政局", "2025", "--to", "md", "-o", str(tmp_path / "blocked.md"), "--force")
    assert "T502" in forced.stdout
    assert (tmp_path / "blocked.md").is_file()

    draft(1, dict(WRITTEN))
    made = ok("report", "甲县财政局", "2025", "--to", "md", "-o", str(tmp_path / "2025.md"))
    assert f"已生成 {tmp_path / '2025.md'}" in made.stderr
    text = (tmp_path / "2025.md").read_text(encoding="utf-8")
    assert "甲县财政局2025年政府信息公开工作年度报告" in text
    assert WRITTEN[5] in text
    report = read(tmp_path / "2025.md")
    assert report.value("applications.new.total") == 4
    assert report.value("applications.new.natural_person") == 3
    assert report.value("applications.carried_over.total") == 1
    assert report.value("applications.granted.natural_person") == 2
    assert report.value("applications.partially_granted.commercial") == 1
    assert report.value("applications.unavailable.not_held.natural_person") == 1
    assert report.value("applications.carried_forward.total") == 1
    assert report.value("review.upheld") == 1
    assert report.value("litigation_direct.pending") == 1
    assert report.value("active.normative_documents.in_force") == 12

    monkeypatch.chdir(tmp_path)
    ok("report", "甲县财政局", "2025", "--to", "html")
    assert (tmp_path / "甲县财政局2025年政府信息公开工作年度报告.html").is_file()
