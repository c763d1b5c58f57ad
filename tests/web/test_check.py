"""报告核查 pages: uploading real report files, the list, a report's page with the official tables and its
findings, reviews kept across re-uploads, downloads, inert report text, returning a report.

Scope and roles are in test_check_scope.py, the JSON API in test_check_api.py; the helpers below are
shared with them.
"""

from __future__ import annotations

import json
import re

import httpx
from fastapi.testclient import TestClient

from nianbao.store import db
from nianbao.store.models import StoredReport
from nianbao.web import Settings, create_app
from tests.conftest import CORPUS, SAMPLES
from tests.web.conftest import PASSWORD, TODAY, World

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"


def sample(seed: str) -> tuple[str, bytes]:
    (path,) = SAMPLES.glob(f"{seed}_*.txt")
    return path.name, path.read_bytes()


def corpus(name: str) -> tuple[str, bytes]:
    """A report of the repository's corpus/real/."""
    return name, (CORPUS / "real" / name).read_bytes()


def hostile() -> tuple[str, bytes]:
    """Seed 000 with markup in its title (so in the agency's name) and in its narrative."""
    lines = sample("000")[1].decode("utf-8").split("\n")
    lines[0] = f"2024年二道江区{BOLD}审计局{SCRIPT}政务公开工作年度报告"
    lines[4] += SCRIPT + BOLD
    return "hostile.txt", "\n".join(lines).encode("utf-8")


def upload(
    client: TestClient, *files: tuple[str, bytes], agency_id: int | None = None, page: bool = False
) -> httpx.Response:
    data = {"agency_id": str(agency_id)} if agency_id is not None else {}
    # the API answers 202 at once unless asked to wait; a test waits for the job's end (files read in the pool)
    r: httpx.Response = client.post(
        "/check" if page else "/api/v1/reports?wait=60",
        data=data,
        files=[("files", (name, content)) for name, content in files],
    )
    return r


def stored_id(client: TestClient, *files: tuple[str, bytes], agency_id: int | None = None) -> int:
    r = upload(client, *files, agency_id=agency_id)
    assert r.status_code == 201, r.text
    report = r.json()["results"][0]["report"]
    assert isinstance(report["id"], int)
    return report["id"]


def row(world: World, report_id: int) -> StoredReport:
    with db.session(world.url) as s:
        found = s.get(StoredReport, report_id)
        assert found is not None
        s.expunge(found)
        return found


def td(page: str, key: str) -> tuple[str, str]:
    """The opening tag and the content of the official table's cell of `key`."""
    m = re.search(rf'<td([^>]*\bid="r1-c-{re.escape(key)}"[^>]*)>(.*?)</td>', page)
    assert m, f"no table cell for {key}"
    return m.group(1), m.group(2)


def fingerprint_of(client: TestClient, report_id: int, rule: str, key: str) -> str:
    audit = client.get(f"/api/v1/reports/{report_id}/audit").json()
    return str(next(f["fingerprint"] for f in audit["findings"] if f["rule"] == rule and key in f["keys"]))


# ---------------------------------------------------------------------------------------------


def test_clerk_upload_goes_to_own_agency_and_redirects_to_the_report(world: World) -> None:
    c = world.client("jia_cz")
    r = upload(c, sample("000"), page=True)
    assert r.status_code == 303
    report_id = int(r.headers["location"].rsplit("/", 1)[1])
    stored = row(world, report_id)
    assert stored.agency_id == stored.owner_id == world.agencies["甲县财政局"]
    assert stored.printed_agency == "二道江区审计局"
    assert (stored.year, stored.format, stored.kind, stored.status) == (2024, "2021", "txt", "checked")
    assert (stored.errors, stored.warnings, stored.infos) == (0, 2, 0)
    assert stored.uploaded_by == world.users["jia_cz"]
    page = c.get(f"/check/{report_id}")
    assert page.status_code == 200
    assert "甲县财政局 2024 年度政府信息公开工作年度报告" in page.text
    # the printed name is not the agency's: the page says so
    assert "报告所印机关为“二道江区审计局”，与所属机关“甲县财政局”不一致" in page.text
    assert "S403" in page.text
    assert "T504" in page.text


def test_page_shows_the_official_table_with_blank_cells_highlighted(world: World) -> None:
    sup = world.client("jia_sup")
    report_id = stored_id(sup, sample("001"), agency_id=world.agencies["甲县财政局"])
    stored = row(world, report_id)
    assert (stored.agency_id, stored.printed_agency) == (world.agencies["甲县财政局"], "二道江区机关事务管理局")
    assert (stored.errors, stored.warnings, stored.infos) == (0, 34, 42)
    page = sup.get(f"/check/{report_id}").text
    assert '<table class="official">' in page
    tag, content = td(page, "active.regulations.issued")
    assert 'class="sev-warning"' in tag
    assert re.search(r"<sup>.*>C201</a>.*</sup>", content)
    assert "第二部分表格“规章”一行有 3 个单元格空白：本年制发件数、本年废止件数、现行有效件数" in page
    # the finding's source line is quoted, its cells link back to the table
    assert 'href="#r1-c-active.regulations.issued"' in page
    assert "<blockquote>" in page
    # reviewers get the review buttons, supervisors the return form
    assert 'value="confirmed"' in page
    assert 'value="dismissed"' in page
    assert f'action="/check/{report_id}/return"' in page
    assert "/static/check.js" in page


def test_list_shows_counts_badges_unmatched_and_filters(world: World) -> None:
    sup = world.client("jia_sup")
    first = stored_id(sup, sample("001"), agency_id=world.agencies["甲县财政局"])
    unmatched = stored_id(sup, sample("002"))
    assert row(world, unmatched).agency_id is None
    assert row(world, unmatched).owner_id == world.agencies["甲县人民政府"]
    page = sup.get("/check")
    assert page.status_code == 200
    text = page.text
    assert "共 2 份" in text
    assert "乡宁县审计局" in text
    assert "辖区外/未归属" in text  # the unmatched report is marked
    assert "警告 34" in text
    assert "提示 42" in text
    assert text.index(f'href="/check/{unmatched}"') < text.index(f'href="/check/{first}"')  # newest first
    assert 'type="file" name="files" multiple' in text
    assert "按报告所印机关名称自动匹配" in text
    assert "2024 年" in text
    assert "2020 年" in text
    filtered = sup.get("/check", params={"year": "2020"}).text
    assert "共 1 份" in filtered
    assert f'href="/check/{unmatched}"' in filtered
    assert f'href="/check/{first}"' not in filtered
    by_agency = sup.get("/check", params={"agency": str(world.agencies["甲县财政局"])}).text
    assert "共 1 份" in by_agency
    assert f'href="/check/{first}"' in by_agency
    by_text = sup.get("/check", params={"q": "乡宁"}).text
    assert "共 1 份" in by_text
    assert "共 0 份" in sup.get("/check", params={"q": "100%_"}).text  # wildcards are literal
    assert sup.get("/check", params={"year": "abc", "page": "x"}).status_code == 200  # lenient page filters
    # the clerk's form has no agency choice
    clerk = world.client("jia_cz").get("/check").text
    assert "上传的报告归属本机关：甲县财政局" in clerk
    assert 'name="agency_id"' not in clerk


def test_several_files_at_once_with_bad_ones(world: World) -> None:
    c = world.client("jia_cz")
    r = upload(
        c,
        sample("000"),
        ("virus.exe", b"MZ\x90\x00binary"),
        ("empty.txt", b""),
        sample("001"),
        ("notes.txt", "这不是年度报告。\n只有两行。".encode()),
        page=True,
    )
    assert r.status_code == 200
    text = r.text
    assert "本次上传：2 份已核查，3 份未接收" in text
    assert "文件“virus.exe”的类型不受支持：扩展名“.exe”，只接受 txt、md、html、docx、pdf、doc、wps 文件" in text
    assert "文件“empty.txt”为空" in text
    assert "文件“notes.txt”不像一份年度报告" in text
    ids = [int(x) for x in re.findall(r'<a href="/check/(\d+)">0\d\d_', text)]
    assert len(ids) == 2
    assert {row(world, i).agency_id for i in ids} == {world.agencies["甲县财政局"]}


def test_no_file_chosen(world: World) -> None:
    r = world.client("jia_cz").post("/check", data={"agency_id": ""}, files=[("files", ("", b""))])
    assert r.status_code == 400
    assert "请选择要上传的报告文件" in r.text


def test_oversize_file_is_refused_with_a_clear_message(world: World) -> None:
    settings = Settings(database_url=world.url, fast_password_hashes=True, today=lambda: TODAY, max_upload_bytes=4000)
    with TestClient(create_app(settings), raise_server_exceptions=False, follow_redirects=False) as c:
        token = c.post("/api/v1/session", json={"username": "jia_cz", "password": PASSWORD}).json()["csrf_token"]
        c.headers["X-CSRF-Token"] = token
        r = upload(c, sample("000"), page=True)  # 6561 bytes
        assert r.status_code == 413
        assert "文件“000_92378848010c3553.txt”超过 0.0038 MB 上限" in r.text
        api = upload(c, sample("000"))
        assert api.status_code == 413
        assert api.json()["results"][0]["reason"] == "too_large"
        mixed = upload(c, sample("000"), ("tiny.txt", b"x" * 10))
        assert mixed.status_code == 422
        assert [x["reason"] for x in mixed.json()["results"]] == ["too_large", "unreadable"]


def test_report_text_is_inert_in_the_page_the_list_and_the_downloads(world: World) -> None:
    c = world.client("jia_sup")
    report_id = stored_id(c, hostile())
    stored = row(world, report_id)
    assert stored.printed_agency == f"二道江区{BOLD}审计局{SCRIPT}"
    assert stored.agency_id is None
    for url in ("/check", f"/check/{report_id}", f"/check/{report_id}/audit.html"):
        body = c.get(url).text
        assert SCRIPT not in body, url
        assert BOLD not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
    page = c.get(f"/check/{report_id}").text
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    raw = c.get(f"/check/{report_id}/audit.json")
    assert "<script" not in raw.text
    assert "<b>" not in raw.text
    assert json.loads(raw.text)["printed_agency"] == f"二道江区{BOLD}审计局{SCRIPT}"
    assert "script-src 'self'" in c.get(f"/check/{report_id}").headers["content-security-policy"]


def test_downloads(world: World) -> None:
    c = world.client("jia_cz")
    name, content = sample("001")
    report_id = stored_id(c, (name, content))
    r = c.get(f"/check/{report_id}/audit.html")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''001_3976189c068de9c9.%E6%A0%B8%E6%9F%A5%E7%BB%93%E6%9E%9C.html" in disposition
    assert "二道江区机关事务管理局2024年政府信息公开工作年度报告核查结果" in r.text
    assert '<table class="official">' in r.text
    assert "<script" not in r.text
    j = c.get(f"/check/{report_id}/audit.json")
    assert j.headers["content-disposition"].startswith("attachment;")
    data = j.json()
    assert data["report_id"] == report_id
    assert data["year"] == 2024
    assert sum(1 for f in data["findings"] if f["rule"] == "C201") == 32
    f = c.get(f"/check/{report_id}/file")
    assert f.content == content
    assert f.headers["content-type"].startswith("text/plain")
    assert 'filename="001_3976189c068de9c9.txt"' in f.headers["content-disposition"]


def test_html_original_is_never_served_as_a_page(world: World) -> None:
    c = world.client("jia_sup")
    report_id = stored_id(c, corpus("r001.html"), agency_id=world.agencies["甲县教育局"])
    f = c.get(f"/check/{report_id}/file")
    assert f.headers["content-type"] == "application/octet-stream"
    assert f.headers["content-disposition"].startswith("attachment;")
    assert row(world, report_id).kind == "html"


def test_pdf_upload(world: World) -> None:
    c = world.client("jia_sup")
    report_id = stored_id(c, corpus("r012.pdf"), agency_id=world.agencies["甲县人民政府"])
    stored = row(world, report_id)
    assert (stored.kind, stored.year, stored.printed_agency) == ("pdf", 2023, "洪泽区人民政府")
    assert stored.errors == 6
    page = c.get(f"/check/{report_id}")
    assert page.status_code == 200
    assert 'class="sev-error"' in page.text


def test_review_from_the_page_is_kept_across_a_reupload(world: World) -> None:
    sup = world.client("jia_sup")
    agency = world.agencies["甲县财政局"]
    first = stored_id(sup, sample("001"), agency_id=agency)
    confirm = fingerprint_of(sup, first, "C201", "active.regulations.issued")
    dismiss = fingerprint_of(sup, first, "C201", "active.licensing.decisions")
    # htmx: the finding's block comes back, with the counts swapped out of band
    r = sup.post(
        f"/check/{first}/findings/{dismiss}",
        data={"decision": "dismissed", "note": "本年无此事项"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r.text.startswith('<li class="finding sev-warning dismissed"')
    assert "已复核排除" in r.text
    assert "本年无此事项" in r.text
    assert 'id="counts" class="counts" hx-swap-oob="true"' in r.text
    assert "警告 33" in r.text
    # a plain form: redirect back to the finding
    r = sup.post(f"/check/{first}/findings/{confirm}", data={"decision": "confirmed"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/check/{first}#fp-{confirm}"
    assert row(world, first).warnings == 33
    # the clerk uploads the same report again: the verdicts are kept
    second = stored_id(world.client("jia_cz"), sample("001"))
    assert second != first
    assert row(world, second).warnings == 33
    reviews = {f["fingerprint"]: f["review"] for f in sup.get(f"/api/v1/reports/{second}/audit").json()["findings"]}
    assert reviews[confirm]["decision"] == "confirmed"
    assert reviews[dismiss]["decision"] == "dismissed"
    assert reviews[dismiss]["note"] == "本年无此事项"
    page = sup.get(f"/check/{second}").text
    assert "已复核确认" in page
    assert "已复核排除" in page
    assert f'href="/check/{first}"' in page  # the other upload of the same agency and year
    # clearing a verdict
    r = sup.post(f"/check/{second}/findings/{dismiss}", data={"decision": "clear"})
    assert r.status_code == 303
    assert row(world, second).warnings == 34
    assert sup.post(f"/check/{second}/findings/{confirm}", data={"decision": "maybe"}).status_code == 422
    assert sup.post(f"/check/{second}/findings/0000000000000000", data={"decision": "confirmed"}).status_code == 404


def test_return_for_correction(world: World) -> None:
    clerk = world.client("jia_cz")
    report_id = stored_id(clerk, sample("000"))
    for who in ("jia_rev", "jia_cz"):
        r = world.client(who).post(f"/check/{report_id}/return", data={"note": "请更正"})
        assert r.status_code == 403, who
        assert "只有政务公开监管人员和管理员可以退回报告" in r.text
    sup = world.client("jia_sup")
    assert sup.post(f"/check/{report_id}/return", data={"note": "  "}).status_code == 422
    r = sup.post(f"/check/{report_id}/return", data={"note": "编号样式混用，请统一为“一、”式"})
    assert r.status_code == 303
    stored = row(world, report_id)
    assert (stored.status, stored.status_note) == ("returned", "编号样式混用，请统一为“一、”式")
    listing = clerk.get("/check").text
    assert "已退回" in listing
    page = clerk.get(f"/check/{report_id}").text
    assert "已退回修改</strong>：编号样式混用，请统一为“一、”式" in page
    assert "退回修改：编号样式混用" in page  # kept as a comment: who and when
    assert f'action="/check/{report_id}/return"' not in page  # clerks get no return form
    assert 'value="confirmed"' not in page  # nor review buttons


def test_comments(world: World) -> None:
    clerk = world.client("jia_cz")
    report_id = stored_id(clerk, sample("000"))
    r = world.client("jia_rev").post(f"/check/{report_id}/comments", data={"text": "“全省”一词请核实"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/check/{report_id}#comments"
    assert clerk.post(f"/check/{report_id}/comments", data={"text": "已核实，系笔误"}).status_code == 303
    assert clerk.post(f"/check/{report_id}/comments", data={"text": "   "}).status_code == 422
    page = clerk.get(f"/check/{report_id}").text
    assert page.index("“全省”一词请核实") < page.index("已核实，系笔误")
    assert "jia_rev" in page


def test_matching_by_printed_name(world: World) -> None:
    from nianbao.ledger import agencies

    with db.session(world.url) as s:
        audit_bureau = agencies.set_agency(s, "二道江区审计局", level="department", parent="甲县人民政府").id
    sup = world.client("jia_sup")
    report_id = stored_id(sup, sample("000"))  # printed 二道江区审计局 (通化市二道江区审计局 in the text)
    assert row(world, report_id).agency_id == audit_bureau
    assert row(world, report_id).owner_id == audit_bureau
    # the other county cannot match it: not in their scope
    other = stored_id(world.client("yi_sup"), sample("000"))
    assert row(world, other).agency_id is None
    assert row(world, other).owner_id == world.agencies["乙县人民政府"]


def test_admin_without_agency_must_choose_one_for_unmatched(world: World) -> None:
    admin = world.client("admin")
    r = upload(admin, sample("002"))
    assert r.status_code == 422
    assert "请选择归属机关后重新上传" in r.json()["detail"]
    report_id = stored_id(admin, sample("002"), agency_id=world.agencies["乙县财政局"])
    assert row(world, report_id).agency_id == world.agencies["乙县财政局"]
