"""Uploads are read off the request path (issue #12 item 1): the request returns with a job, the files are
read in a bounded worker process, and a file past its limits is refused with its name."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from nianbao.jobs import JobMemoryExceeded, JobTimeout
from nianbao.web.check import jobs
from tests.web.conftest import World
from tests.web.test_check import sample

WIDE_ROW = ("<html><body><table><tr>" + "<td>1</td>" * 200_000 + "</tr></table></body></html>").encode()
DEEP = ("<html><body>" + "<div>" * 200_000 + "x" + "</div>" * 200_000 + "</body></html>").encode()


def _post(client: TestClient, *files: tuple[str, bytes], wait: float = 0) -> dict[str, object]:
    r = client.post(f"/api/v1/reports?wait={wait}", files=[("files", f) for f in files])
    assert r.status_code in (201, 202, 422), r.text
    body: dict[str, object] = r.json()
    return body


def _finished(client: TestClient, url: str) -> dict[str, object]:
    for _ in range(600):
        body: dict[str, object] = client.get(url).json()
        if body["done"]:
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {url} did not end")


def test_the_api_answers_202_at_once_and_the_job_tells_the_result(world: World) -> None:
    c = world.client("jia_cz")
    r = c.post("/api/v1/reports", files=[("files", sample("000")), ("files", ("b.exe", b"MZ"))])
    assert r.status_code in (202, 201)  # 202 unless the reading was already over
    body = r.json()
    assert body["status_url"] == f"/api/v1/upload-jobs/{body['id']}"
    if r.status_code == 202:
        assert r.headers["location"] == body["status_url"]
    done = _finished(c, str(body["status_url"]))
    assert (done["state"], done["total"], done["finished"], done["stored"], done["refused"]) == ("done", 2, 2, 1, 1)
    first, second = cast(list[dict[str, Any]], done["results"])
    assert first["ok"]
    assert first["report"]["status"] == "checked"
    assert second["reason"] == "type"
    # another agency's people do not know of the job; the uploader's supervisors do
    assert world.client("jia_jy").get(str(body["status_url"])).status_code == 404
    assert world.client("yi_sup").get(str(body["status_url"])).status_code == 404
    assert world.client("jia_sup").get(str(body["status_url"])).json()["stored"] == 1


def test_hostile_files_end_with_a_message_naming_them(world: World) -> None:
    c = world.client("jia_cz")
    body = _post(c, ("wide.html", WIDE_ROW), ("deep.html", DEEP), wait=60)
    assert body["done"]
    wide, deep = cast(list[dict[str, Any]], body["results"])
    assert not wide["ok"]
    assert wide["message"].startswith("文件“wide.html”")
    assert not deep["ok"]
    assert deep["message"].startswith("文件“deep.html”")
    assert "\n" not in wide["message"] + deep["message"]


@pytest.mark.parametrize(
    ("error", "reason", "words"),
    [
        (JobTimeout(30), "timeout", "读取超时（超过 30 秒）"),
        (JobMemoryExceeded(1024), "memory", "内存超限"),
    ],
)
def test_a_file_past_its_limits_is_refused_by_name(
    world: World, monkeypatch: pytest.MonkeyPatch, error: Exception, reason: str, words: str
) -> None:
    class Limited:
        def run(self, *args: object, **kwargs: object) -> object:
            raise error

    monkeypatch.setattr(jobs, "shared_pool", Limited)
    c = world.client("jia_cz")
    r = c.post("/api/v1/reports?wait=30", files=[("files", sample("000"))])
    assert r.status_code == 422
    (result,) = r.json()["results"]
    assert result["reason"] == reason
    assert result["message"].startswith(f"文件“{sample('000')[0]}”{words}")
    assert result["message"].endswith("未保存")


def test_the_page_shows_the_progress_then_the_report(world: World) -> None:
    world.app.state.settings.upload_wait_seconds = 0  # do not wait: show the job's page
    c = world.client("jia_cz")
    r = c.post("/check", files=[("files", sample("000"))], data={"csrf_token": c.headers["X-CSRF-Token"]})
    assert r.status_code == 303
    job_url = r.headers["location"]
    assert job_url.startswith("/check/jobs/")
    deadline = time.monotonic() + 60
    while True:
        page = c.get(job_url)
        if page.status_code == 303:  # done: one file, stored → its report
            assert page.headers["location"].startswith("/check/")
            break
        assert page.status_code == 200
        assert "正在读取上传的报告" in page.text
        assert 'hx-trigger="every 1s"' in page.text
        assert time.monotonic() < deadline
        time.sleep(0.2)
    poll = c.get(job_url, headers={"HX-Request": "true"})
    assert poll.status_code == 204
    assert poll.headers["HX-Redirect"] == job_url


def test_a_scanned_report_is_read_by_ocr_in_its_worker(world: World) -> None:
    """Issue #16: an image-only PDF uploaded is read by OCR in the job's worker process (within its memory and
    time limits), and its cells are those the scan prints."""
    import json
    from decimal import Decimal
    from pathlib import Path

    from tests.web.test_check import stored_id

    scans = Path(__file__).resolve().parents[1] / "data" / "scans"
    name = "seeds-002-clean.pdf"
    want = json.loads((scans / "truth.json").read_text(encoding="utf-8"))[name]
    c = world.client("jia_sup")
    report_id = stored_id(c, (name, (scans / name).read_bytes()), agency_id=world.agencies["甲县财政局"])
    d = c.get(f"/api/v1/reports/{report_id}").json()
    assert (d["printed_agency"], d["year"], d["format"], d["kind"]) == (want["agency"], want["year"], "2019", "pdf")
    wrong = {
        k: (d["cells"].get(k), v)
        for k, v in want["cells"].items()
        if Decimal(str(d["cells"].get(k))) != Decimal(str(v))
    }
    assert wrong == {}
    c209 = [f for f in d["findings"] if f["rule"] == "C209"]
    page = c.get(f"/check/{report_id}").text
    assert page.count("data:image/png;base64,") == len(c209)


def test_doubtful_readings_of_a_scan_are_shown_with_the_piece_they_were_read_from(world: World, tmp_path: Path) -> None:
    """Issue #16: the cells OCR read with too little confidence (C209) are listed on the check page, each with the
    piece of the scan it was read from. A phone photo of seeds/002 at 150 dpi (made by the scan generator) has
    such cells: table 二 has no identity to confirm its readings."""
    from tests.forms.source import corpus_sources, load_source, source_name
    from tests.scans.degrade import parse
    from tests.scans.generate import make_scan
    from tests.web.test_check import stored_id

    (source,) = [load_source(p) for p in corpus_sources() if source_name(p).startswith("seeds/002_")]
    scan = make_scan(source, 150, parse("photo"), 0).to_pdf(tmp_path / "seeds-002-photo.pdf")
    c = world.client("jia_sup")
    report_id = stored_id(c, (scan.name, scan.read_bytes()), agency_id=world.agencies["甲县财政局"])
    d = c.get(f"/api/v1/reports/{report_id}").json()
    c209 = [f for f in d["findings"] if f["rule"] == "C209"]
    assert c209
    page = c.get(f"/check/{report_id}").text
    assert "识别置信度低" in page
    assert page.count("data:image/png;base64,") == len(c209)
