"""Import and export of the ledger file from the web: round trips through CSV and XLSX, all or nothing,
and each bad line of a refused file shown in Chinese with its line number."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from nianbao.store import db
from nianbao.store.models import Application
from tests.web.conftest import World

GOOD = """\ufeffreference,received,applicant_type,applicant,request,closed,outcome,来源
2024-001,2024-01-05,自然人,张三,某项目批复,2024-01-20,granted,网站
2024-002,2024-12-30,商业企业,某公司,,,,
2024-003,2024-06-03,legal_services,某律所,执法案卷,2024-07-01,withheld.enforcement_case_file,
"""

BAD = """reference,received,applicant_type,closed,outcome
2024-001,2024-01-05,自然人,,
2024-002,2024-13-05,自然人,,
2024-003,2024-02-01,外星人,,
2024-001,2024-03-01,自然人,,
2024-005,2024-03-01,自然人,2024-03-10,
"""


def _count(world: World) -> int:
    with db.session(world.url) as s:
        return int(s.scalar(select(func.count()).select_from(Application)) or 0)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_import_through_the_page_then_export_round_trip(world: World) -> None:
    c = world.client("jia_cz")
    form = c.get("/ledger/import")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert "applicant_type" in form.text
    r = c.post("/ledger/import", files={"file": ("台账.csv", GOOD.encode("utf-8"), "text/csv")})
    assert r.status_code == 303, r.text
    listed = c.get(r.headers["location"])
    assert "已导入 3 件申请" in listed.text
    assert "2024-001" in listed.text
    assert "不予公开：属于行政执法案卷" in listed.text

    exported = c.get("/ledger/export.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = _rows(exported.text)
    assert rows[0] == [
        "reference",
        "received",
        "applicant_type",
        "applicant",
        "request",
        "closed",
        "outcome",
        "arrived",
        "channel",
        "contact",
        "来源",
    ]
    assert [r[:7] for r in rows[1:]] == [
        ["2024-001", "2024-01-05", "natural_person", "张三", "某项目批复", "2024-01-20", "granted"],
        [
            "2024-003",
            "2024-06-03",
            "legal_services",
            "某律所",
            "执法案卷",
            "2024-07-01",
            "withheld.enforcement_case_file",
        ],
        ["2024-002", "2024-12-30", "commercial", "某公司", "", "", ""],
    ]
    assert rows[1][-1] == "网站"  # an unknown column is kept as a remark and exported again

    # the export imports again, unchanged, into another agency's ledger (through the API)
    other = world.client("jia_jy")
    r = other.post("/api/v1/cases/import", files={"file": ("export.csv", exported.content, "text/csv")})
    assert r.status_code == 201, r.text
    assert r.json() == {"agency_id": world.agencies["甲县教育局"], "imported": 3}
    assert _rows(other.get("/api/v1/cases/export?format=csv").text) == rows

    # XLSX: the same rows, and it imports too
    book = c.get("/ledger/export.xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    assert [[v or "" for v in row] for row in sheet.iter_rows(values_only=True)] == rows
    yi = world.client("yi_cz")
    r = yi.post("/api/v1/cases/import", files={"file": ("台账.xlsx", book.content)})
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 3
    assert _rows(yi.get("/api/v1/cases/export").text) == rows


def test_a_bad_file_shows_each_bad_line_and_stores_nothing(world: World) -> None:
    c = world.client("jia_cz")
    r = c.post("/ledger/import", files={"file": ("bad.csv", BAD.encode("utf-8"), "text/csv")})
    assert r.status_code == 400
    assert "bad.csv：4 行有错误，整个文件未导入" in r.text
    assert "bad.csv 第3行：received“2024-13-05”无效，应为 YYYY-MM-DD" in r.text
    assert "bad.csv 第4行：申请人类型“外星人”无法识别" in r.text
    assert "bad.csv 第5行：案号 2024-001 与第2行重复" in r.text
    assert "bad.csv 第6行：有 closed（办结日期）时必须填写 outcome（办理结果）" in r.text
    assert "/tmp" not in r.text
    assert "upload.csv" not in r.text
    api = c.post("/api/v1/cases/import", files={"file": ("bad.csv", BAD.encode("utf-8"), "text/csv")})
    assert api.status_code == 400
    assert len(api.json()["problems"]) == 4
    assert _count(world) == 0


def test_a_file_clashing_with_the_ledger_is_refused_whole(world: World) -> None:
    c = world.client("jia_cz")
    assert c.post("/api/v1/cases/import", files={"file": ("a.csv", GOOD.encode())}).status_code == 201
    r = c.post("/ledger/import", files={"file": ("a.csv", GOOD.encode())})
    assert r.status_code == 400
    assert "a.csv 第2行：案号 2024-001 已在“甲县财政局”的台账中" in r.text
    assert _count(world) == 3


def test_text_the_database_would_refuse_is_caught_per_line(world: World) -> None:
    c = world.client("jia_cz")
    content = (
        "reference,received,applicant_type,applicant\n"
        "2024-001,2024-01-05,自然人,张三\n"
        f"2024-002,2024-01-05,自然人,{'长' * 201}\n"
        "2024-003,2024-01-05,自然人,a\x00b\n"
    ).encode()
    r = c.post("/api/v1/cases/import", files={"file": ("n.csv", content)})
    assert r.status_code == 400
    assert r.json()["problems"] == [
        "第3行：applicant 过长（201 个字符，最多 200 个）",
        "第4行：applicant 含有无法保存的空字符（\\x00）",
    ]
    assert _count(world) == 0


def test_type_size_and_encoding_are_checked(world: World) -> None:
    c = world.client("jia_cz")
    r = c.post("/api/v1/cases/import", files={"file": ("a.pdf", b"%PDF-1.4")})
    assert r.status_code == 415
    assert "请上传 CSV（UTF-8）或 XLSX 文件" in r.json()["detail"]
    r = c.post("/api/v1/cases/import", files={"file": ("a.csv", "reference\n甲".encode("gb18030"))})
    assert r.status_code == 400
    assert "不是 UTF-8 编码的 CSV 文件" in r.json()["detail"]
    r = c.post("/api/v1/cases/import", files={"file": ("a.xlsx", b"PK\x03\x04 not really")})
    assert r.status_code == 400
    assert "无法读取 Excel 文件" in r.json()["detail"]
    r = c.post("/api/v1/cases/import", files={"file": ("a.csv", b"")})
    assert r.status_code == 400
    page = c.post("/ledger/import", files={"file": ("a.txt", b"x,y\n")})
    assert page.status_code == 400
    assert "缺少必需的列 reference, received, applicant_type" in page.text
    world.app.state.settings.max_upload_bytes = 64
    r = c.post("/api/v1/cases/import", files={"file": ("a.csv", GOOD.encode())})
    assert r.status_code == 413
    assert "文件过大" in r.json()["detail"]
    assert _count(world) == 0


def test_an_xlsx_with_a_bad_row_is_refused_with_its_row_number(world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["reference", "received", "applicant_type"])
    sheet.append(["2024-001", "2024-01-05", "自然人"])
    sheet.append(["2024-002", "", "自然人"])
    out = io.BytesIO()
    book.save(out)
    r = world.client("jia_cz").post("/api/v1/cases/import", files={"file": ("台账.xlsx", out.getvalue())})
    assert r.status_code == 400
    assert r.json()["problems"] == ["台账.xlsx 第3行：received（收到日期）为空"]
    assert _count(world) == 0


def test_admin_imports_into_a_chosen_agency_and_must_choose(world: World) -> None:
    c = world.client("admin")
    chooser = c.get("/ledger/import")
    assert "导入到哪个机关的台账" in chooser.text
    assert c.post("/api/v1/cases/import", files={"file": ("a.csv", GOOD.encode())}).status_code == 400
    yi = world.agencies["乙县财政局"]
    r = c.post("/ledger/import", data={"agency_id": str(yi)}, files={"file": ("a.csv", GOOD.encode())})
    assert r.status_code == 303
    assert r.headers["location"] == f"/ledger?agency_id={yi}&ok=imported&n=3"
    assert c.get("/ledger/export.csv").status_code == 400  # several agencies: choose one
    assert len(_rows(c.get(f"/ledger/export.csv?agency_id={yi}").text)) == 4
