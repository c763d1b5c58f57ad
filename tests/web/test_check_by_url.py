"""按网址核查 (issue #17): a URL fetched in a worker, within the upload's limits, and checked as an upload.

A `ThreadingHTTPServer` in a thread serves a report page, a notice page linking the report as a PDF, and a PDF
over the size limit, a page that is no report and links none, and a robots.txt that forbids /private/. No
network.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from nianbao.store import db
from nianbao.store.models import StoredReport
from tests.conftest import CORPUS
from tests.web.conftest import World

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


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
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


def test_a_report_page_is_fetched_checked_and_stored(world: World, site: str) -> None:
    c = world.client("jia_sup")
    agency = world.agencies["甲县教育局"]
    r = c.post("/check/by-url", data={"url": f"{site}/reports/r001.html", "agency_id": str(agency)})
    assert r.status_code == 303, r.text
    stored = _stored(world, _report_id(r.headers["location"]))
    assert (stored.filename, stored.kind, stored.agency_id, stored.source) == ("r001.html", "html", agency, "upload")
    assert c.get(r.headers["location"]).status_code == 200
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
    assert world.client("yi_sup").get(r.headers["location"]).status_code == 404


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
