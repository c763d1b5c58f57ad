"""`nianbao fetch` against a local web site made of the corpus (no network).

A `ThreadingHTTPServer` in a thread serves 50 listed report pages: the corpus's saved pages, the corpus's reports
built as pages in UTF-8 and GBK (charset in the header only, in `<meta>` only, or a header that lies), notice
pages linking the corpus's PDFs, an attachment-only page, a direct download, a redirect chain, 404, 500 (always,
and once before success), 429 with Retry-After, a page slower than the timeout, a path robots.txt disallows and
an attachment larger than the limit. One fetch of it is shared by the module's tests (short timeouts, no
interval between requests).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import pytest
import typer
from typer.testing import CliRunner

import nianbao
from nianbao.cli.fetch import fetch_cmd
from nianbao.fetch import FetchSettings, FetchSummary, Target, TargetError, client, fetch_all, read_list, targets
from nianbao.fetch.client import Fetched, Fetcher, FetchError, HostPacer, retry_after
from nianbao.fetch.encoding import decode_page
from nianbao.fetch.links import report_links
from nianbao.fetch.run import file_suffix
from tests.builders import html_page, load_truth
from tests.conftest import CORPUS

REAL = CORPUS / "real"
SEEDS = CORPUS / "seeds"
BUILT = ["r002", "r009", "r010", "r012", "r013", "000_92378848010c3553", "002_0443c703299bd9d2", "003_2be53e51c8fc0eb8"]
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
FAST = FetchSettings(timeout=1.0, retries=1, backoff=0.01, interval=0, concurrency=8, max_bytes=1 << 20)


def _truth_file(name: str) -> Path:
    return (REAL if name.startswith("r") else SEEDS) / f"{name}.truth.json"


@dataclass
class Route:
    """What the site answers on one path: a body with headers, or a status; `first` answers the first hit
    only (then the route itself), `delay` waits before answering, `stream` sends no Content-Length."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    first: Route | None = None
    delay: float = 0.0
    stream: bool = False
    trickle: float = 0.0  # seconds between the body's bytes (each sent and flushed alone)
    original: Path | None = None  # the corpus file (or its UTF-8 build) the body is a form of


class Site:
    """The routes, and how often each path was asked for."""

    def __init__(self, originals: Path) -> None:
        self.routes: dict[str, Route] = {"/robots.txt": Route(ROBOTS, "text/plain")}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.base = ""
        self.listed: list[str] = []
        self.originals = originals

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route, *, listed: bool = True) -> None:
        self.routes[path] = route
        if listed:
            self.listed.append(path)

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with site.lock:
                site.hits[self.path] += 1
                hit = site.hits[self.path]
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.first is not None and hit == 1:
                route = route.first
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.status < 300 or route.body:
                    self.send_header("Content-Type", route.content_type)
                if not route.stream:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if route.trickle:
                    for i in range(len(route.body)):
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route.trickle)
                else:
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, size limit)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _page(truth_name: str, charset: str, *, meta: bool = True, marker: str = "") -> str:
    text = html_page(load_truth(_truth_file(truth_name)), charset)
    if not meta:
        text = text.replace(f'<meta charset="{charset}">\n', "")
    return text.replace("</body>", f"<!-- {marker} --></body>") if marker else text


def _notice(title: str, links: list[str], base: str | None = None) -> bytes:
    head = f'<base href="{base}">' if base else ""
    anchors = "".join(f'<p><a href="{href}">附件{i}</a></p>' for i, href in enumerate(links, 1))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}<title>{title}</title></head>'
        f'<body><h1>{title}</h1><p><a href="javascript:void(0)">打印</a> <a href="#top">顶部</a></p>'
        f"{anchors}</body></html>"
    ).encode()


def build_site(site: Site) -> None:
    """The 50 listed pages and the files they link to."""
    pdf = {name: (REAL / f"{name}.pdf").read_bytes() for name in ("r012", "r013")}
    for name in ("r001", "r002", "r009"):
        path = REAL / f"{name}.html"
        site.add(f"/real/{name}.html", Route(path.read_bytes(), original=path))
    for name in BUILT:
        original = site.originals / f"{name}.html"
        original.write_text(_page(name, "utf-8"), encoding="utf-8")
        gbk_meta = _page(name, "gbk").encode("gbk")
        site.add(f"/utf8/{name}.html", Route(original.read_bytes(), original=original))
        header_only = _page(name, "gbk", meta=False).encode("gbk")
        site.add(f"/gbk-header/{name}.html", Route(header_only, "text/html; charset=GBK", original=original))
        site.add(f"/gbk-meta/{name}.html", Route(gbk_meta, "text/html", original=original))
        site.add(f"/gbk-mislabelled/{name}.htm", Route(gbk_meta, "text/html; charset=utf-8", original=original))
    for name, data in pdf.items():
        site.add(f"/files/{name}.pdf", Route(data, "application/pdf", original=REAL / f"{name}.pdf"), listed=False)
    site.add("/notice/r012.html", Route(_notice("年报（PDF）", ["../files/r012.pdf"])))
    site.add("/notice/r013.html", Route(_notice("年报（PDF）", [site.url("/files/r013.pdf#page=1")])))
    both = _notice("两份年报", ["r012.pdf", "r013.pdf", "..\\files\\r012.pdf", "/files/r012.pdf"], base="/files/")
    site.add("/notice/both.html", Route(both))
    with_report = _page("r012", "utf-8", marker="pdf").replace(
        "</h1>", '</h1><p><a href="/files/r012.pdf">下载 PDF 版</a></p>'
    )
    site.add("/notice/with-report.html", Route(with_report.encode(), original=site.originals / "r012.html"))
    site.add("/attachment-only.html", Route(_notice("附件", ["/files/r013-only.pdf"])))
    site.add("/files/r013-only.pdf", Route(pdf["r013"], "application/pdf", original=REAL / "r013.pdf"), listed=False)
    disposition = {"Content-Disposition": "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"}
    site.add(
        "/download?id=12",
        Route(pdf["r012"], "application/octet-stream", headers=disposition, original=REAL / "r012.pdf"),
    )
    site.add("/old/r002", Route(status=302, headers={"Location": "/mid/r002"}))
    site.add("/mid/r002", Route(status=301, headers={"Location": site.url("/moved/r002.html")}), listed=False)
    moved = REAL / "r002.html"
    site.add("/moved/r002.html", Route(moved.read_bytes(), original=moved), listed=False)
    site.add("/missing.html", Route(status=404))
    flaky = site.originals / "r013.html"
    site.add("/flaky.html", Route(flaky.read_bytes(), first=Route(status=500), original=flaky))
    site.add("/broken.html", Route(status=500))
    site.add("/slow.html", Route(b"<html>late</html>", delay=2.5))
    site.add("/private/report.html", Route(b"<html>private</html>"))
    site.add("/trickle.html", Route(b"<html>" + b" " * 60 + b"</html>", trickle=0.05), listed=False)
    site.add("/big-attachment.html", Route(_notice("大附件", ["/files/huge.pdf"])))
    site.add("/files/huge.pdf", Route(b"%PDF-1.4\n" + b"0" * (3 << 20), "application/pdf", stream=True), listed=False)
    busy = site.originals / "000_92378848010c3553.html"
    site.add(
        "/busy.html", Route(busy.read_bytes(), first=Route(status=429, headers={"Retry-After": "0"}), original=busy)
    )
    site.add("/dead-link.html", Route(_notice("附件失效", ["/files/gone.pdf", "/files/table.xls"])))
    site.add(
        "/files/table.xls", Route(b"\xd0\xcf\x11\xe0 not really a workbook", "application/vnd.ms-excel"), listed=False
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    built = Site(tmp_path_factory.mktemp("originals"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(built))
    built.base = f"http://127.0.0.1:{server.server_address[1]}"
    build_site(built)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built
    server.shutdown()
    server.server_close()


@dataclass
class Run:
    out: Path
    summary: FetchSummary
    hits: Counter[str]


@pytest.fixture(scope="module")
def fetched(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Run:
    site.reset()
    out = tmp_path_factory.mktemp("fetched")
    summary = fetch_all([Target(site.url(p)) for p in site.listed], out, FAST)
    return Run(out, summary, Counter(site.hits))


def _manifest(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def _failures(out: Path) -> dict[str, str]:
    lines = (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["url"]: json.loads(line)["reason"] for line in lines}


FAILING = {
    "/missing.html": "404",
    "/broken.html": "500",
    "/slow.html": "超时",
    "/private/report.html": "robots.txt",
    "/files/huge.pdf": "大小上限",
    "/files/gone.pdf": "404",
}


def test_fifty_pages_every_reachable_report_once(site: Site, fetched: Run) -> None:
    assert len(site.listed) == 50
    s = fetched.summary
    assert (s.pages, s.files, s.skipped, s.failed) == (45, 5, 0, 6)
    reasons = {f.url.removeprefix(site.base): f.reason for f in s.failures}
    assert set(reasons) == set(FAILING)
    for path, word in FAILING.items():
        assert word in reasons[path], (path, reasons[path])
    assert "已重试 1 次" in reasons["/broken.html"]
    assert _failures(fetched.out) == {site.url(p): r for p, r in reasons.items()}
    retried = {"/flaky.html", "/busy.html", "/broken.html", "/slow.html"}
    assert "/private/report.html" not in fetched.hits  # robots.txt said no: never asked for
    for path, hits in fetched.hits.items():
        assert hits == (2 if path in retried else 1), path
    records = _manifest(fetched.out)
    assert len(records) == len({r["url"] for r in records}) == 50  # 45 pages + 5 files, each once
    by_url = {r["url"].removeprefix(site.base): r for r in records}
    assert by_url["/old/r002"]["final_url"] == site.url("/moved/r002.html")
    linking = ("/notice/r012.html", "/notice/both.html", "/notice/with-report.html")
    assert by_url["/files/r012.pdf"]["page_url"] in {site.url(p) for p in linking}  # the first page to link it
    assert by_url["/download?id=12"]["path"].endswith(".pdf")  # from Content-Disposition
    assert by_url["/files/table.xls"]["kind"] is None  # kept, but not a report the reader reads
    assert by_url["/files/r013-only.pdf"]["page_url"] == site.url("/attachment-only.html")
    for record in records:
        stored = fetched.out / record["path"]
        meta = json.loads(stored.with_suffix(".json").read_text(encoding="utf-8"))
        assert meta["sha256"] == record["sha256"] == stored.name.split(".")[0]
        assert meta["bytes"] == stored.stat().st_size
        assert record["path"].startswith("pages/" if stored.suffix == ".html" else "files/")


def test_manifest_files_read_to_the_same_cells(site: Site, fetched: Run) -> None:
    """Every fetched report file reads to the cells of the corpus file (or its UTF-8 page) it was served from."""
    originals: dict[Path, dict[str, Any]] = {}
    checked: set[str] = set()
    for record in _manifest(fetched.out):
        path = record["url"].removeprefix(site.base)
        original = site.routes[path].original
        if original is None:  # a notice page (its report is in the attachment), a spreadsheet
            continue
        if record["sha256"] in checked:
            continue
        checked.add(record["sha256"])
        if original not in originals:
            originals[original] = _values(nianbao.read(original))
        got = _values(nianbao.read(fetched.out / record["path"]))
        assert got == originals[original], path
        assert any(v is not None for v in got.values()), path
    assert len(checked) >= 30


def _values(report: nianbao.Report) -> dict[str, Decimal | None]:
    return {k: None if c.value is None else Decimal(str(c.value)) for k, c in report.cells.items()}


def test_gbk_pages_decoded(site: Site, fetched: Run) -> None:
    by_url = {r["url"].removeprefix(site.base): r for r in _manifest(fetched.out)}
    for kind in ("gbk-header", "gbk-meta", "gbk-mislabelled"):
        name = BUILT[0]
        record = by_url[f"/{kind}/{name}.html" if kind != "gbk-mislabelled" else f"/{kind}/{name}.htm"]
        stored = fetched.out / record["path"]
        meta = json.loads(stored.with_suffix(".json").read_text(encoding="utf-8"))
        assert meta["encoding"] == "gbk", kind
        encoding, text = decode_page(stored.read_bytes(), meta["headers"].get("content-type"))
        assert encoding == "gbk"
        assert load_truth(_truth_file(name))["agency"] in text
        report = nianbao.read(stored)
        assert report.agency == load_truth(_truth_file(name))["agency"]


def test_rerun_fetches_nothing_new_and_force_refetches(site: Site, fetched: Run, tmp_path: Path) -> None:
    site.reset()
    again = fetch_all([Target(site.url(p)) for p in site.listed], fetched.out, FAST)
    assert (again.pages, again.files, again.skipped) == (0, 0, 46)
    assert {f.url.removeprefix(site.base) for f in again.failures} == set(FAILING)  # failures are tried again
    assert set(site.hits) == set(FAILING) - {"/private/report.html"} | {"/robots.txt"}
    assert len(_manifest(fetched.out)) == 50

    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("manifest.jsonl", "failures.jsonl"):
        (copy / name).write_bytes((fetched.out / name).read_bytes())
    site.reset()
    forced = fetch_all([Target(site.url(p)) for p in site.listed], copy, FAST, force=True)
    assert (forced.pages, forced.files, forced.skipped, forced.failed) == (45, 5, 0, 6)
    assert site.hits["/real/r001.html"] == 1
    records = _manifest(copy)
    assert len(records) == 50
    assert all((copy / r["path"]).is_file() for r in records)


def test_dataset_build_keeps_the_source_url(site: Site, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from nianbao.dataset.build import build
    from nianbao.dataset.query import connect

    listing = tmp_path / "urls.csv"
    listing.write_text(
        "url,agency,year,region\n"
        f"{site.url('/utf8/r009.html')},某区人民政府,2023,某省\n"
        f"{site.url('/notice/r013.html')},,,某市\n",
        encoding="utf-8",
    )
    out = tmp_path / "fetched"
    summary = fetch_all(read_list(listing), out, FAST)
    assert (summary.pages, summary.files, summary.failed) == (2, 1, 0)
    dataset = tmp_path / "dataset"
    build([out / "manifest.jsonl"], dataset, jobs=1)
    con = connect(dataset)
    try:
        rows = con.execute("SELECT source_url, fetched_at, region, agency, status FROM reports").fetchall()
    finally:
        con.close()
    by_url = {row[0]: row for row in rows}
    assert set(by_url) == {site.url(p) for p in ("/utf8/r009.html", "/notice/r013.html", "/files/r013.pdf")}
    assert by_url[site.url("/utf8/r009.html")][2:5] == ("某省", "某区人民政府", "ok")
    assert by_url[site.url("/files/r013.pdf")][2] == "某市"  # the page's hints go to its attachment
    assert by_url[site.url("/files/r013.pdf")][4] == "ok"
    assert all(row[1] is not None for row in rows)


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(fetch_cmd)
    return app


def test_command_line(site: Site, tmp_path: Path) -> None:
    runner = CliRunner()
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# 年报\n{site.url('/utf8/r010.html')}\n\n{site.url('/missing.html')}\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["--list", str(listing), "--out", str(out), "--interval", "0", "--timeout", "2", "--retries", "0"]
    result = runner.invoke(_cli(), [site.url("/notice/r012.html"), *args])
    assert result.exit_code == 1, result.output
    assert f"失败 {site.url('/missing.html')}：服务器返回 404（页面不存在）" in result.stderr
    assert "网页 2 个，附件 1 个，跳过已抓取的网址 0 个，失败 1 个" in result.stdout
    result = runner.invoke(_cli(), [site.url("/notice/r012.html"), "--out", str(out), "--no-attachments"])
    assert result.exit_code == 0, result.output
    assert "网页 0 个，附件 0 个，跳过已抓取的网址 1 个，失败 0 个" in result.stdout
    assert runner.invoke(_cli(), [site.url("/a.html")]).exit_code == 2  # no --out
    assert runner.invoke(_cli(), ["--out", str(out)]).exit_code == 2  # nothing to fetch
    bad = runner.invoke(_cli(), ["ftp://example.org/a.pdf", "--out", str(out)])
    assert bad.exit_code == 2
    assert "不是有效的网址" in bad.stderr


def test_report_links() -> None:
    page = (
        '<base href="https://b.gov.cn/dir/"><a href="a.PDF#p2">1</a><a href="a.PDF">again</a>'
        '<a href="..\\att\\b.docx">2</a><a href="https://c.org/x/%E5%B9%B4%E6%8A%A5.wps?v=1">3</a>'
        '<a href="page.html">not a file</a><a href="mailto:a@b.cn">mail</a><a href="/img/scan.JPG">4</a>'
        '<a href="ftp://f.cn/a.pdf">ftp</a><a href="t.xlsx">5</a>'
    )
    assert report_links(page, "https://a.gov.cn/news/1.html") == [
        "https://b.gov.cn/dir/a.PDF",
        "https://b.gov.cn/att/b.docx",
        "https://c.org/x/%E5%B9%B4%E6%8A%A5.wps?v=1",
        "https://b.gov.cn/img/scan.JPG",
        "https://b.gov.cn/dir/t.xlsx",
    ]


def test_decode_page_prefers_what_decodes() -> None:
    text = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>年报</html>"
    assert decode_page(text.encode("gbk"), "text/html; charset=UTF-8") == ("gb2312", text)
    assert decode_page(text.encode("utf-8"), "text/html")[0] == "utf-8"  # the meta lies: utf-8 decodes
    assert decode_page("年度报告".encode("gbk"), None) == ("gb18030", "年度报告")
    assert decode_page(b"\xef\xbb\xbf<p>\xe5\xb9\xb4</p>", "text/html; charset=gbk") == ("utf-8", "<p>年</p>")


def test_list_files(tmp_path: Path) -> None:
    plain = tmp_path / "urls.txt"
    plain.write_text("\ufeffhttp://a.cn/1.html\n# note\n\nhttp://a.cn/1.html\n https://b.cn/2.pdf \n", encoding="utf-8")
    assert targets(["http://a.cn/0.html"], plain) == [
        Target("http://a.cn/0.html"),
        Target("http://a.cn/1.html"),
        Target("https://b.cn/2.pdf"),
    ]
    table = tmp_path / "urls.csv"
    table.write_text(
        "URL,Agency,Year,Region\nhttp://a.cn/1.html,某局,2023,某省\nhttp://a.cn/2.html,,,\n", encoding="utf-8"
    )
    assert read_list(table) == [Target("http://a.cn/1.html", "某局", 2023, "某省"), Target("http://a.cn/2.html")]
    table.write_text("url,year\nhttp://a.cn/1.html,二〇二三\n", encoding="utf-8")
    with pytest.raises(TargetError, match="第 2 行的 year"):
        read_list(table)
    plain.write_text("http://a.cn/1.html\nwww.a.cn/2.html\n", encoding="utf-8")
    with pytest.raises(TargetError, match="第 2 行不是有效的网址"):
        read_list(plain)


def test_a_trickling_server_is_given_up_at_the_deadline(site: Site) -> None:
    # a byte every 0.05 s never trips the 0.5 s read timeout; the whole body would take 3.6 s
    settings = FetchSettings(timeout=0.5, retries=1, interval=0, deadline=1.0)
    started = time.monotonic()
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match=r"下载时间超过上限（1 秒内没有下载完）"):
        fetcher.get(site.url("/trickle.html"))
    assert time.monotonic() - started < 2.5  # given up once, not retried
    assert Fetcher(FetchSettings()).settings.deadline == 600.0


def test_a_name_that_rebinds_to_the_servers_network_is_not_fetched(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name answers a public address to the check before a request, the server's own address to
    the connection after it. The connection checks the address it connects to, so the page is never asked for."""
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1"] * 10)  # public, then internal, query after query

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "reports.example.cn":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = site.base.rsplit(":", 1)[1]
    path = site.listed[0]
    before = site.hits[path]
    settings = FetchSettings(timeout=0.5, retries=1, interval=0, public_only=True)
    with (
        Fetcher(settings) as fetcher,
        pytest.raises(FetchError, match=r"不抓取本机或内部网络的地址（reports.example.cn）"),
    ):
        fetcher.get(f"http://reports.example.cn:{port}{path}")
    assert site.hits[path] == before


def test_a_public_only_connection_goes_to_the_address_it_checked(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []

    def public(host: str) -> tuple[list[str], list[str]]:
        checked.append(host)
        return ["127.0.0.1"], []  # taken for public here, to connect to the local site

    monkeypatch.setattr(client, "_internal_addresses", public)
    port = int(site.base.rsplit(":", 1)[1])
    stream = client._PublicOnly().connect_tcp("reports.example.cn", port, timeout=1.0)
    try:
        stream.write(b"GET /robots.txt HTTP/1.0\r\nHost: reports.example.cn\r\n\r\n")
        assert stream.read(100).startswith(b"HTTP/1.0 200")
    finally:
        stream.close()
    assert checked == ["reports.example.cn"]
    monkeypatch.setattr(client, "_internal_addresses", lambda host: ([], ["10.0.0.1"]))
    with pytest.raises(httpcore.ConnectError, match="不抓取本机或内部网络的地址"):
        client._PublicOnly().connect_tcp("intranet.example.cn", port)


def test_retry_after_and_pacing() -> None:
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("soon") is None
    pacer = HostPacer()
    started = time.monotonic()
    for _ in range(3):
        pacer.wait("a.cn", 0.1)
    pacer.wait("b.cn", 0.1)  # another host: not held up
    assert 0.2 <= time.monotonic() - started < 0.6


@pytest.mark.parametrize(
    ("url", "headers", "suffix"),
    [
        ("http://a.cn/f/1.PDF", {}, ".pdf"),
        ("http://a.cn/get?id=1", {"content-disposition": 'attachment; filename="年报.docx"'}, ".docx"),
        ("http://a.cn/get?id=1", {"content-type": "application/pdf"}, ".pdf"),
        ("http://a.cn/a.txt", {"content-type": "application/octet-stream"}, ".txt"),
        ("http://a.cn/get?id=1", {}, ".bin"),
    ],
)
def test_file_suffix(url: str, headers: dict[str, str], suffix: str) -> None:
    assert file_suffix(Fetched(url, url, 200, headers, b"", "2025-01-01T00:00:00Z")) == suffix
