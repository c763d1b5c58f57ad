"""Officers' corrections of misread values (issue #18): a cell corrected in place on the check page and through the
API, kept with the printed value, who, when and why; the checks run again on the corrected values everywhere the
report's values are used (page, JSON, downloads, roll-up, diff); undone by a correction back to the printed
value; who may correct; a stale or concurrent write is refused truthfully. The publication date: tests in
test_corrections_dates.py.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import threading
from collections import Counter
from decimal import Decimal
from functools import cache

import httpx
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.audit import check
from nianbao.read import read
from nianbao.report import Report
from nianbao.web.check.corrections import Entry, Value, apply, dumps, in_effect, loads
from tests.conftest import SAMPLES
from tests.web.conftest import World
from tests.web.test_check import row, stored_id, td
from tests.web.test_jurisdiction import rendered, store
from tests.web.test_jurisdiction_rollup import seed as seed_rollup

KEY = "applications.new.natural_person"  # 三、一、本年新收 · 自然人
SEED_000 = next(SAMPLES.glob("000_*.txt"))  # 二道江区审计局 2024: every cell 0, no date


def misread(value: str = "8") -> tuple[str, bytes]:
    """Seed 000 with 本年新收·自然人 printed as `value`: with 8, two arithmetic errors (A101, A103)."""
    lines = SEED_000.read_text(encoding="utf-8").split("\n")
    assert lines[82] == "\t0"
    lines[82] = f"\t{value}"
    return "misread.txt", "\n".join(lines).encode("utf-8")


def correct(
    client: TestClient, report_id: int, field: str, value: object, reason: str, **extra: object
) -> httpx.Response:
    r: httpx.Response = client.post(
        f"/api/v1/reports/{report_id}/corrections", json={"field": field, "value": value, "reason": reason, **extra}
    )
    return r


def rules(client: TestClient, report_id: int) -> set[str]:
    return {f["rule"] for f in client.get(f"/api/v1/reports/{report_id}/audit").json()["findings"]}


def test_a_corrected_cell_is_checked_again_everywhere_and_keeps_its_printed_value(world: World) -> None:
    sup = world.client("jia_sup")
    rid = stored_id(sup, misread(), agency_id=world.agencies["甲县财政局"])
    assert (row(world, rid).errors, {"A101", "A103"} <= rules(sup, rid)) == (2, True)

    r = correct(sup, rid, KEY, 0, "原件此格为0，系读取错误")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["errors"], body["correction"]["printed"], body["correction"]["value"]) == (0, 8, 0)
    assert (body["correction"]["label"], body["correction"]["in_effect"]) == (
        "一、本年新收政府信息公开申请数量 · 自然人",
        True,
    )
    assert row(world, rid).errors == 0  # the stored counts follow (the list and the matrix read them)
    assert not {"A101", "A103"} & rules(sup, rid)

    detail = sup.get(f"/api/v1/reports/{rid}").json()
    assert (detail["cells"][KEY], detail["errors"]) == (0, 0)
    prov = detail["provenance"]
    assert list(prov) == [KEY]
    assert (prov[KEY]["source"], prov[KEY]["printed"], prov[KEY]["value"]) == ("人工更正", 8, 0)
    assert (prov[KEY]["user_name"], prov[KEY]["reason"]) == ("jia_sup", "原件此格为0，系读取错误")

    page = sup.get(f"/check/{rid}").text
    tag, content = td(page, KEY)
    assert re.search(r'class="corrected\b', tag)
    assert "人工更正：原印为“8”，改为 0；jia_sup，" in tag
    assert "原因：原件此格为0，系读取错误" in tag
    assert content.startswith('0<span class="was">原印 8</span>')
    record = page[page.index('aria-label="更正记录"') :]
    assert "原件此格为0，系读取错误" in record
    assert "生效中" in record
    # the downloads use the corrected values too
    assert not [f for f in sup.get(f"/check/{rid}/audit.json").json()["findings"] if f["severity"] == "error"]
    findings = list(csv.reader(io.StringIO(sup.get(f"/check/{rid}/findings.csv").content.decode("utf-8-sig"))))
    assert not any(line[0] in ("A101", "A103") for line in findings[1:])
    html = sup.get(f"/check/{rid}/audit.html").text
    assert re.search(rf'<td[^>]*id="r1-c-{re.escape(KEY)}"[^>]*class="corrected', html)


def test_a_correction_back_to_the_printed_value_undoes_it(world: World) -> None:
    sup = world.client("jia_sup")
    rid = stored_id(sup, misread(), agency_id=world.agencies["甲县财政局"])
    before = rules(sup, rid)
    assert correct(sup, rid, KEY, 0, "读取错误").status_code == 201
    assert correct(sup, rid, KEY, 0, "再次").status_code == 422  # the value it already has: nothing to change
    r = correct(sup, rid, KEY, 8, "复核原件，确为8")
    assert r.status_code == 201, r.text
    assert (r.json()["errors"], row(world, rid).errors) == (2, 2)
    assert rules(sup, rid) == before
    listed = sup.get(f"/api/v1/reports/{rid}/corrections").json()["items"]
    assert [(c["value"], c["in_effect"]) for c in listed] == [(0, False), (8, False)]  # history kept, none in effect
    assert sup.get(f"/api/v1/reports/{rid}").json()["provenance"] == {}
    tag, content = td(sup.get(f"/check/{rid}").text, KEY)
    assert "corrected" not in tag
    assert "原印" not in content


def test_the_page_form_corrects_and_shows_refusals(world: World) -> None:
    sup = world.client("jia_sup")
    rid = stored_id(sup, misread(), agency_id=world.agencies["甲县财政局"])
    page = sup.get(f"/check/{rid}").text
    assert 'form id="correct-cell"' in page
    assert (
        f'<option value="{KEY}" data-printed="8">一、本年新收政府信息公开申请数量 · 自然人（原印 8）</option>' in page
    )
    form = {"field": KEY, "value": "0", "reason": "读取错误", "base": "0"}
    r = sup.post(f"/check/{rid}/corrections", data=form)
    assert (r.status_code, r.headers["location"]) == (303, f"/check/{rid}#r1-c-{KEY}")
    assert row(world, rid).errors == 0
    for data, message in (
        ({**form, "value": "1", "reason": "  "}, "请填写更正原因"),
        ({**form, "value": "-1"}, "数值不能为负数"),
        ({**form, "value": "1.5"}, "“自然人”应为整数（单位：件）"),
        ({**form, "value": "三"}, "“三”不是数字"),
        ({**form, "field": "applications.nope"}, "不是本报告表格（2021 年版）中的单元格"),
        ({**form, "field": ""}, "请选择要更正的单元格"),
    ):
        r = sup.post(f"/check/{rid}/corrections", data=data)
        assert r.status_code == 422, data
        assert message in r.text, (data, r.text[:200])
        assert 'role="alert"' in r.text
    # full-width digits and thousands separators are numbers; an amount keeps its decimals
    assert correct(sup, rid, KEY, "１,２", "全角").json()["correction"]["value"] == 12
    fee = correct(sup, rid, "active.fees.amount", "1.25", "收费金额读取有误").json()["correction"]
    assert (fee["printed"], fee["value"]) == (0, 1.25)
    assert sup.get(f"/api/v1/reports/{rid}").json()["cells"]["active.fees.amount"] == 1.25


def test_who_may_correct(world: World) -> None:
    clerk = world.client("jia_cz")
    rid = stored_id(clerk, misread("0"))  # the clerk's own agency (甲县财政局), only checked
    assert correct(clerk, rid, KEY, 1, "经办自查").status_code == 201  # its own clerk, before submitting
    assert correct(world.client("jia_rev"), rid, KEY, 2, "审核").status_code == 201  # a reviewer of the county
    assert correct(world.client("jia_jy"), rid, KEY, 3, "他局").status_code == 404  # another agency's clerk
    assert correct(world.client("yi_sup"), rid, KEY, 3, "他县").status_code == 404  # another county
    assert correct(clerk, rid, KEY, 0, "恢复").status_code == 201
    assert clerk.post(f"/api/v1/reports/{rid}/submit", json={"reason": "样本"}).status_code == 200
    r = correct(clerk, rid, KEY, 5, "提交后")
    assert r.status_code == 403  # submitted: the agency's word now
    assert "报告提交前" in r.json()["detail"]
    page = clerk.get(f"/check/{rid}").text
    assert 'form id="correct-cell"' not in page  # the record stays visible
    assert "更正记录" in page
    assert correct(world.client("admin"), rid, KEY, 5, "管理员").status_code == 201


def test_a_stale_form_is_refused_naming_the_newer_correction(world: World) -> None:
    sup, rev = world.client("jia_sup"), world.client("jia_rev")
    rid = stored_id(sup, misread(), agency_id=world.agencies["甲县财政局"])
    first = correct(rev, rid, KEY, 0, "审核员更正", base=0)
    assert first.status_code == 201
    r = correct(sup, rid, KEY, 1, "监管员看到的是旧页面", base=0)
    assert r.status_code == 409
    assert r.json()["detail"].startswith("该项已由jia_rev于 ")
    assert "更正为“0”（在您打开页面之后）" in r.json()["detail"]
    assert row(world, rid).errors == 0  # nothing changed
    # another item corrected meanwhile does not make the form stale; having seen the newer correction, it lands
    assert correct(sup, rid, "applications.new.commercial", 3, "另一单元格", base=0).status_code == 201
    assert correct(sup, rid, KEY, 1, "核对后", base=first.json()["correction"]["id"]).status_code == 201
    page = sup.post(f"/check/{rid}/corrections", data={"field": KEY, "value": "2", "reason": "旧页面", "base": "0"})
    assert page.status_code == 409
    assert "在您打开页面之后" in page.text


def test_concurrent_corrections_of_one_cell_land_one_at_a_time(world: World) -> None:
    """Officers who all saw the report without corrections (base 0) correct the same cell at once: one lands,
    every other is told who corrected it meanwhile (or, on SQLite, that the database was busy); none is lost
    silently, and the counts are those of the correction that landed."""
    rid = stored_id(world.client("jia_sup"), misread(), agency_id=world.agencies["甲县财政局"])
    outcomes: Counter[str] = Counter()
    names = ["jia_sup", "jia_rev", "admin"] * 2

    def post(username: str, value: int) -> None:
        r = correct(world.client(username), rid, KEY, value, f"并发{value}", base=0)
        detail = "" if r.status_code == 201 else r.json()["detail"]
        outcomes["201" if r.status_code == 201 else f"{r.status_code} {detail[:4]}"] += 1

    threads = [threading.Thread(target=post, args=(name, n)) for n, name in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes["201"] == 1, outcomes
    assert set(outcomes) <= {"201", "409 该项已由", "503 数据库繁"}, outcomes
    listed = world.client("jia_sup").get(f"/api/v1/reports/{rid}/corrections").json()["items"]
    assert len(listed) == 1
    landed = listed[0]["value"]
    assert row(world, rid).errors == (0 if landed == 0 else 2)


def test_the_rollup_and_the_diff_use_the_corrected_values(world: World) -> None:
    ids = seed_rollup(world)
    rev = world.client("jia_rev")
    jia = world.agencies["甲县人民政府"]
    diffs = {d["key"] for d in rev.get(f"/api/v1/agencies/{jia}/rollup/2024").json()["differences"]}
    assert "applications.new.total" in diffs  # the government printed 10, its departments sum to 9
    assert correct(rev, ids["gov"], "applications.new.total", 9, "原件为9").status_code == 201
    body = rev.get(f"/api/v1/agencies/{jia}/rollup/2024").json()
    assert "applications.new.total" not in {d["key"] for d in body["differences"]}
    assert correct(rev, ids["cz"], "review.upheld", 1, "补录").status_code == 201  # a department's cell
    assert rev.get(f"/api/v1/agencies/{jia}/rollup/2024").json()["sums"]["review.upheld"] == 2
    # the year-over-year diff compares the corrected values
    store(world, "甲县财政局", rendered("甲县财政局", {}, year=2023), "cz-2023.md")
    diff = rev.get(f"/check/{ids['cz']}/diff")
    assert diff.status_code == 200
    assert re.search(
        r'<td[^>]*id="[\w-]*-c-review\.upheld"[^>]*class="changed"[^>]*>1<span class="was">上年 0</span>', diff.text
    )


# ---------------------------------------------------------------------------------------------
# The pure part: applying corrections to a report as read
# ---------------------------------------------------------------------------------------------


@cache
def seed_000() -> Report:
    return read(SEED_000)


def _entry(n: int, field: str, printed: Value, value: Value) -> Entry:
    return Entry(n, 1, field, printed, value, "原因", 1, "某人", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


CELL_KEYS = sorted(k for k in seed_000().cells if not k.startswith("active.fees"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(CELL_KEYS), st.integers(min_value=0, max_value=999), max_size=6))
def test_correcting_then_undoing_gives_back_the_printed_findings(changes: dict[str, int]) -> None:
    report = seed_000()
    printed = {f.fingerprint for f in check(report).findings}
    entries = [_entry(n, k, report.value(k), v) for n, (k, v) in enumerate(changes.items(), 1)]
    corrected = apply(report, entries)
    for k, v in changes.items():
        assert corrected.value(k) == v
        assert corrected.cells[k].location == report.cells[k].location
    assert report.value(CELL_KEYS[0]) == 0  # the shared parse is never changed
    undone = [*entries, *(_entry(100 + n, k, v, report.value(k)) for n, (k, v) in enumerate(changes.items()))]
    assert in_effect(report, undone) == {}
    assert apply(report, undone) is report
    assert {f.fingerprint for f in check(apply(report, undone)).findings} == printed


@given(st.one_of(st.none(), st.integers(0, 10**12), st.decimals(0, 10**6, places=4), st.dates().map(str)))
def test_stored_values_round_trip(value: Value) -> None:
    text = dumps(value)
    back = loads(text)
    assert back == value
    assert isinstance(back, type(value)) or (isinstance(value, Decimal) and isinstance(back, int | Decimal))


def test_a_corrected_report_is_a_copy() -> None:
    report = seed_000()
    corrected = apply(report, [_entry(1, KEY, 0, 5)])
    assert (report.value(KEY), corrected.value(KEY)) == (0, 5)
    assert corrected.cells[KEY].note.startswith("人工更正：原印为“0”")
    assert dataclasses.replace(corrected, cells=report.cells) == report
