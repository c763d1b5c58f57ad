"""按网址核查 (issue #17): a URL fetched in a worker, within the upload's limits, and checked as an upload.

A `ThreadingHTTPServer` in a thread serves a report page (also behind a redirect), a notice page linking the
report as a PDF, and a PDF over the size limit, a page that is no report and links none, and a robots.txt that
forbids /private/. No network. The report keeps the URL it was read from (source ``url``, `source_url`), shown
on its page and in the API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select, update

from nianbao.store import db
from nianbao.store.models import StoredReport
from nianbao.web.check import service
from tests.conftest import CORPUS
from tests.web.conftest import World
from tests.web.test_check import corpus, stored_id

MiB = 1 << 20
NOTICE = (
    '<html><head><meta charset="utf-8"><title>关于公开政府信息工作年度报告的通知</title></head><body>'
    '<p>附件：</p><a href="files/logo.png">徽标</a> <a href="files/r012.pdf">2023年年度报告</a></body></html>'
).encode()
PAGES: dict[str, tuple[str, bytes]] = {
    "/reports/r001.html": ("text/html; charset=utf-8", (CORPUS / "real" / "r001.html").read_bytes()),
    "/notice/42": ("text/html; charset=utf-8", NOTICE),
    "/notice/files/r012.pdf": ("application/pdf", (CORPUS / "real" / "r012.pdf").read_bytes()),
    "/big.pdf": ("application/pdf", b"%PDF-1.4\n" + b"0" * (2 * MiB)),
    "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n"),
    "/private/r001.html": ("text/html; charset=utf-8", (CORPUS / "real" / "r001.html").read_bytes()),
    "/about.html": ("text/html; charset=utf-8", "<html><title>关于我们</title><p>本站简介。</p></html>".encode()),
}
#: Moved pages: the report is read (and kept as read) from where the redirect ends.
REDIRECTS = {"/old/r001": "/reports/r001.html"}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        moved = REDIRECTS.get(self.path)
        if moved is not None:
            self.send_response(302)
            self.send_header("Location", moved)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        found = PAGES.get(self.path)
        if found is None:
            self.send_error(404)
            return
        kind, body = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture(autouse=True)
def _local_site_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test site is on 127.0.0.1, which the web app refuses to fetch unless told (no SSRF)."""
    monkeypatch.setenv("NIANBAO_URL_ALLOW_PRIVATE", "1")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _stored(world: World, report_id: int) -> StoredReport:
    with db.session(world.url) as s:
        row = s.scalars(select(StoredReport).where(StoredReport.id == report_id)).one()
        s.expunge(row)
        return row


def _report_id(location: str) -> int:
    assert location.startswith("/check/"), location
    return int(location.rsplit("/", 1)[1])


def _source_shown(page: str) -> tuple[str, dict[str, str | None]] | None:
    """The 来源网址 line of a report page: its text and the attributes of its link ({} when it is no link), or
    None when the page has no such line."""
    tree = LexborHTMLParser(page)
    for dt in tree.css("dl.facts dt"):
        if dt.text(strip=True) == "来源网址":
            dd = dt.next
            while dd is not None and dd.tag != "dd":
                dd = dd.next
            assert dd is not None
            link = dd.css_first("a")
            return dd.text(strip=True), dict(link.attributes) if link is not None else {}
    return None


def _assert_kept(world: World, location: str, url: str) -> None:
    """The stored report, its page and its JSON all say it was read from `url`."""
    c = world.client("jia_sup")
    report_id = _report_id(location)
    stored = _stored(world, report_id)
    assert (stored.source, stored.source_url) == ("url", url)
    page = c.get(location)
    assert page.status_code == 200
    assert _source_shown(page.text) == (
        url,
        {"href": url, "rel": "noopener noreferrer nofollow", "target": "_blank"},
    )
    detail = c.get(f"/api/v1/reports/{report_id}").json()
    assert (detail["source"], detail["source_url"]) == ("url", url)
    (listed,) = [x for x in c.get("/api/v1/reports").json()["items"] if x["id"] == report_id]
    assert (listed["source"], listed["source_url"]) == ("url", url)


def test_a_report_page_is_fetched_checked_and_stored(world: World, site: str) -> None:
    c = world.client("jia_sup")
    agency = world.agencies["甲县教育局"]
    r = c.post("/check/by-url", data={"url": f"{site}/reports/r001.html", "agency_id": str(agency)})
    assert r.status_code == 303, r.text
    stored = _stored(world, _report_id(r.headers["location"]))
    assert (stored.filename, stored.kind, stored.agency_id) == ("r001.html", "html", agency)
    _assert_kept(world, r.headers["location"], f"{site}/reports/r001.html")
    # another agency's people cannot see it
    assert world.client("yi_sup").get(r.headers["location"]).status_code == 404
    assert world.client("yi_cz").get(r.headers["location"]).status_code == 404


def test_a_page_linking_the_report_reads_its_attachment(world: World, site: str) -> None:
    c = world.client("jia_sup")
    agency = world.agencies["甲县人民政府"]
    r = c.post("/check/by-url", data={"url": f"{site}/notice/42", "agency_id": str(agency)})
    assert r.status_code == 303, r.text
    stored = _stored(world, _report_id(r.headers["location"]))
    assert (stored.filename, stored.kind, stored.year) == ("r012.pdf", "pdf", 2023)
    _assert_kept(world, r.headers["location"], f"{site}/notice/files/r012.pdf")  # the attachment's, not the page's
    assert world.client("yi_sup").get(r.headers["location"]).status_code == 404


def test_a_moved_page_keeps_the_url_it_was_read_from(world: World, site: str) -> None:
    agency = world.agencies["甲县教育局"]
    r = world.client("jia_sup").post("/check/by-url", data={"url": f"{site}/old/r001", "agency_id": str(agency)})
    assert r.status_code == 303, r.text
    _assert_kept(world, r.headers["location"], f"{site}/reports/r001.html")


def test_an_upload_has_no_source_url(world: World) -> None:
    c = world.client("jia_cz")
    report_id = stored_id(c, corpus("r001.html"))
    stored = _stored(world, report_id)
    assert (stored.source, stored.source_url) == ("upload", None)
    page = c.get(f"/check/{report_id}")
    assert page.status_code == 200
    assert "来源网址" not in page.text
    detail = c.get(f"/api/v1/reports/{report_id}").json()
    assert (detail["source"], detail["source_url"]) == ("upload", None)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org/r001.pdf"],
)
def test_a_source_url_that_is_not_http_is_shown_as_text_only(world: World, url: str) -> None:
    """Only an http(s) URL is a link; any other text (not one the app stores, but a row may hold it) is shown
    escaped, never as markup or a link."""
    c = world.client("jia_cz")
    report_id = stored_id(c, corpus("r001.html"))
    with db.session(world.url) as s:
        s.execute(update(StoredReport).where(StoredReport.id == report_id).values(source="url", source_url=url))
    page = c.get(f"/check/{report_id}").text
    assert _source_shown(page) == (url, {})
    assert "<script>alert(1)</script>" not in page


def test_the_source_url_is_escaped_in_the_link(world: World) -> None:
    url = 'https://example.org/r?a=1&b="><script>alert(1)</script>'
    c = world.client("jia_cz")
    report_id = stored_id(c, corpus("r001.html"))
    with db.session(world.url) as s:
        s.execute(update(StoredReport).where(StoredReport.id == report_id).values(source="url", source_url=url))
    page = c.get(f"/check/{report_id}").text
    assert "<script>alert(1)</script>" not in page
    shown = _source_shown(page)
    assert shown is not None
    assert shown[1]["href"] == url


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.gov.cn/xxgk/ndbg.pdf", True),
        ("HTTP://example.gov.cn/a.html", True),
        ("https://example.gov.cn/" + "a" * 1990, False),  # over the column's 2000 characters: dropped, not cut
        ("javascript:alert(1)", False),
        ("https:///no-host", False),
        ("https://example.gov.cn/a\nb", False),
        (None, False),
    ],
)
def test_only_a_url_to_follow_is_stored(url: str | None, kept: bool) -> None:
    assert service._source_url(url) == (url if kept else None)


def test_a_missing_page_is_refused_with_its_reason(world: World, site: str) -> None:
    c = world.client("jia_cz")
    r = c.post("/check/by-url", data={"url": f"{site}/reports/gone.html"})
    assert r.status_code == 422
    assert "服务器返回 404（页面不存在）" in r.text
    assert f"{site}/reports/gone.html" in r.text


def test_a_file_over_the_upload_limit_is_refused(world: World, site: str) -> None:
    world.app.state.settings.max_upload_bytes = MiB
    c = world.client("jia_cz")
    r = c.post("/check/by-url", data={"url": f"{site}/big.pdf"})
    assert r.status_code == 413
    assert "文件超过大小上限（1 MB）" in r.text


@pytest.mark.parametrize(
    ("path", "words"),
    [("/private/r001.html", "robots.txt 不允许抓取此网址"), ("/about.html", "也没有链接可读取的报告附件")],
)
def test_what_may_not_be_fetched_or_is_no_report_is_refused(world: World, site: str, path: str, words: str) -> None:
    r = world.client("jia_cz").post("/check/by-url", data={"url": site + path})
    assert r.status_code == 422
    assert words in r.text
    with db.session(world.url) as s:
        assert s.scalars(select(StoredReport)).first() is None


def test_the_servers_own_network_is_not_fetched(world: World, site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No SSRF: a URL whose host is this machine or its private network is refused before any request, unless
    NIANBAO_URL_ALLOW_PRIVATE=1 says the reports are published there."""
    monkeypatch.delenv("NIANBAO_URL_ALLOW_PRIVATE")
    for url in (f"{site}/reports/r001.html", "http://localhost:9/", "http://10.0.0.1/a.pdf"):
        r = world.client("jia_cz").post("/check/by-url", data={"url": url})
        assert r.status_code == 422, url
        assert "不抓取本机或内部网络的地址" in r.text, url
    with db.session(world.url) as s:
        assert s.scalars(select(StoredReport)).first() is None


@pytest.mark.parametrize("url", ["", "ftp://example.org/a.pdf", "not a url"])
def test_a_url_that_is_not_one_is_refused_before_fetching(world: World, url: str) -> None:
    r = world.client("jia_cz").post("/check/by-url", data={"url": url})
    assert r.status_code == 400
    assert "网址" in r.text


def test_the_form_is_on_the_check_page(world: World) -> None:
    page = world.client("jia_cz").get("/check")
    assert "按网址核查" in page.text
    assert 'action="/check/by-url"' in page.text
