"""Unknown date is not late (issue #18): a report whose 落款/publication date was not recognised shows "日期未识别"
in the matrix, its API and exports and on its check page; an officer enters the date (a correction of
``meta.published`` with a reason), timeliness is judged from it and every place says it was entered, by whom
and why; a correction back to the printed value (none) undoes it. `publication` is the one rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
from fastapi.testclient import TestClient

from nianbao.web.check.corrections import Entry, publication
from tests.web.conftest import World
from tests.web.test_check import row
from tests.web.test_corrections import correct
from tests.web.test_jurisdiction import AUDIT_OFFICE, UTC, cells_by_agency, store

PUBLISHED = "meta.published"
LATE_UPLOAD = dt.datetime(2025, 3, 1, 2, tzinfo=UTC)  # a month after 甲县财政局's deadline (2025-01-31)


def _cell(client: TestClient, agency: str = "甲县财政局") -> dict[str, object]:
    payload = client.get("/api/v1/jurisdiction/status?years=2024").json()
    return cells_by_agency(payload)[agency][2024]


def _export_row(client: TestClient, report_id: int) -> dict[str, str]:
    r: httpx.Response = client.get("/jurisdiction/export.csv?years=2024")
    rows = csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))
    return next(x for x in rows if x["报告编号"] == str(report_id))


def test_an_undated_report_is_unknown_not_late_until_its_date_is_entered(world: World) -> None:
    rid = store(world, "甲县财政局", AUDIT_OFFICE.read_bytes(), "undated.txt", uploaded=LATE_UPLOAD)
    sup = world.client("jia_sup")
    cell = _cell(sup)
    assert (cell["report_id"], cell["on_time"], cell["judged_by"], cell["judged_on"]) == (rid, None, "unknown", None)
    matrix = sup.get("/jurisdiction").text
    assert '<span class="badge none" title="报告未印落款或发布日期' in matrix
    assert "日期未识别</span>" in matrix
    assert "提交 2025-03-01（期限 2025-01-31）" in matrix
    assert 'badge error">逾期' not in matrix  # before: 逾期 by the upload day
    assert (_export_row(sup, rid)["是否按时"], _export_row(sup, rid)["判定依据"]) == ("日期未识别", "日期未识别")
    page = sup.get(f"/check/{rid}").text
    published = page[page.index('<dd id="published">') :].split("</dd>", 1)[0]
    assert "日期未识别</span>" in published
    assert 'badge error">逾期' not in published
    assert 'badge ok">按时' not in published
    assert 'form id="enter-date"' in published
    assert '<details class="enter-date" open>' in published
    assert sup.get(f"/api/v1/reports/{rid}").json()["publication"] == {
        "date": None,
        "source": "unknown",
        "label": "日期未识别",
        "printed": None,
        "correction_id": None,
    }

    # entered through the page's form: on time by it, and said so everywhere
    form = {"field": PUBLISHED, "value": "2025-01-20", "reason": "政府网站发布页所载日期", "base": "0"}
    r = sup.post(f"/check/{rid}/corrections", data=form)
    assert (r.status_code, r.headers["location"]) == (303, f"/check/{rid}#published")
    cell = _cell(sup)
    assert (cell["on_time"], cell["judged_by"], cell["judged_on"]) == (True, "entered", "2025-01-20")
    assert "人工录入 2025-01-20（期限 2025-01-31）" in sup.get("/jurisdiction").text
    assert (_export_row(sup, rid)["是否按时"], _export_row(sup, rid)["判定依据"]) == ("按时", "人工录入日期")
    page = sup.get(f"/check/{rid}").text
    published = page[page.index('<dd id="published">') :].split("</dd>", 1)[0]
    assert "2025-01-20（人工录入，jia_sup，原因：政府网站发布页所载日期）" in published
    assert '<span class="badge ok">按时</span>' in published
    detail = sup.get(f"/api/v1/reports/{rid}").json()
    assert (detail["publication"]["date"], detail["publication"]["source"]) == ("2025-01-20", "entered")
    assert detail["provenance"] == {}  # a date is not a cell
    listed = sup.get(f"/api/v1/reports/{rid}/corrections").json()["items"]
    assert [(c["field"], c["label"], c["printed"], c["value"]) for c in listed] == [
        (PUBLISHED, "发布日期", None, "2025-01-20")
    ]

    # a later date entered: late by it (and the timeliness rule of the check runs on it)
    assert correct(sup, rid, PUBLISHED, "2025年2月10日", "核对网站，应为2月10日").status_code == 201
    assert (_cell(sup)["on_time"], _cell(sup)["judged_on"]) == (False, "2025-02-10")
    rules = {f["rule"] for f in sup.get(f"/api/v1/reports/{rid}/audit").json()["findings"]}
    assert "D601" in rules  # 报告发布（落款）日期晚于法定公布期限
    assert row(world, rid).published is None  # the row keeps what was printed

    # undone: back to the printed value (none)
    assert correct(sup, rid, PUBLISHED, None, "录入有误，撤销").status_code == 201
    assert (_cell(sup)["on_time"], _cell(sup)["judged_by"]) == (None, "unknown")


def test_a_printed_date_says_so_and_dates_are_checked(world: World) -> None:
    rid = store(world, "甲县财政局", AUDIT_OFFICE.read_bytes(), "dated.txt", published=dt.date(2025, 1, 25))
    sup = world.client("jia_sup")
    page = sup.get(f"/check/{rid}").text
    published = page[page.index('<dd id="published">') :].split("</dd>", 1)[0]
    assert "2025-01-25（报告所印）" in published  # folded
    assert '<details class="enter-date">' in published
    assert _cell(sup)["judged_by"] == "published"
    for value, message in (
        ("2025-13-01", "日期“2025-13-01”无法识别"),
        ("明年", "无法识别"),
        ("2007-12-31", "不能早于 2008 年"),
        ("2026-11-21", "不能晚于今天（2026-11-20）"),  # today is pinned to 2026-11-20
        ("2025-01-25", "与当前值（2025-01-25）相同"),
    ):
        r = correct(sup, rid, PUBLISHED, value, "核对")
        assert r.status_code == 422, (value, r.text)
        assert message in r.json()["detail"], (value, r.text)
    assert correct(sup, rid, PUBLISHED, 20250125, "核对").status_code == 422  # a date is text
    assert correct(world.client("jia_cz"), rid, PUBLISHED, "2025-01-20", "经办").status_code == 403  # submitted


def test_publication_is_the_one_rule() -> None:
    printed = dt.date(2025, 1, 25)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def entry(value: str | None) -> Entry:
        return Entry(1, 1, PUBLISHED, None, value, "原因", 1, "张三", at)

    assert publication(None, None).source == "unknown"
    assert publication(printed, None) == publication(printed, entry("2025-01-25"))  # entered as printed: printed
    assert publication(printed, None).source == "printed"
    entered = publication(None, entry("2025-01-20"))
    assert (entered.date, entered.source, entered.label) == (dt.date(2025, 1, 20), "entered", "人工录入")
    assert publication(printed, entry(None)).source == "unknown"  # the printed date was a misread
    deadline = dt.date(2025, 1, 31)
    assert [
        p.on_time(deadline) for p in (publication(None, None), entered, publication(dt.date(2025, 2, 1), None))
    ] == [
        None,
        True,
        False,
    ]
