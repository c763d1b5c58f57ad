"""nianbao.jobs: the worker pool's results, limits and failures, and the read task the web runs in it."""

from __future__ import annotations

import os
import pickle
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nianbao.jobs import (
    JobCrashed,
    JobError,
    JobFailed,
    JobMemoryExceeded,
    JobTimeout,
    PoolClosed,
    ReadOk,
    ReadRefused,
    WorkerPool,
    close_shared_pool,
    pool_settings,
    read_upload,
    shared_pool,
)
from nianbao.read import ReadError, read_document, report_from_document
from nianbao.render import document_lines
from nianbao.report import Report
from tests import jobs_helpers as h
from tests.conftest import SAMPLES

MEMORY_MB = 384
SAMPLE = sorted(SAMPLES.glob("*.txt"))[0]
TITLE = "某局2025年政府信息公开工作年度报告"
LABEL = "本年新收政府信息公开申请数量"


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(2, time_limit=20, memory_mb=MEMORY_MB) as p:
        yield p


def _gone(pid: int, within: float = 5.0, *, zombie_ok: bool = False) -> bool:
    """True once no process `pid` exists (killed and reaped; or only killed when `zombie_ok`: an orphan is
    reaped by init, whenever it gets to it), waiting at most `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if zombie_ok and state == "Z":
            return True
        time.sleep(0.02)
    return False


def _in_process(filename: str, content: bytes, tmp_path: Path) -> tuple[Report, dict[int, str]]:
    path = tmp_path / f"in-process{Path(filename).suffix}"
    path.write_bytes(content)
    doc = read_document(path, filename)
    return report_from_document(doc, filename), document_lines(doc)


# ---------------------------------------------------------------- results and exceptions


def test_result_comes_back(pool: WorkerPool) -> None:
    value, pid = pool.run(h.square_and_pid, 7)
    assert value == 49
    assert pid != os.getpid()
    assert pid in pool.pids()


def test_exception_comes_back_as_itself(pool: WorkerPool) -> None:
    with pytest.raises(ValueError, match="来自子进程") as info:
        pool.run(h.raise_value_error, "来自子进程")
    assert "raise_value_error" in str(info.value.__cause__)  # the worker's traceback
    assert pool.run(h.square_and_pid, 3)[0] == 9


def test_exception_that_does_not_pickle_is_job_failed(pool: WorkerPool) -> None:
    with pytest.raises(JobFailed) as info:
        pool.run(h.raise_two_argument_error)
    assert info.value.error_type == "TwoArgumentError"
    assert "坏了" in info.value.detail
    assert "raise_two_argument_error" in info.value.remote_traceback
    assert str(info.value) == "读取出错（TwoArgumentError）"


def test_system_exit_in_job_does_not_exit_the_caller(pool: WorkerPool) -> None:
    with pytest.raises(JobFailed, match="SystemExit"):
        pool.run(h.raise_system_exit)
    assert pool.run(h.square_and_pid, 2)[0] == 4


def test_result_that_does_not_pickle_is_job_failed(pool: WorkerPool) -> None:
    with pytest.raises(JobFailed, match="读取出错"):
        pool.run(h.return_unpicklable)
    assert pool.run(h.square_and_pid, 5)[0] == 25


def test_function_that_does_not_pickle_is_refused_here(pool: WorkerPool) -> None:
    pool.run(h.pid)
    before = pool.pids()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pool.run(lambda: 1)
    assert pool.pids() == before  # no worker was taken, let alone killed
    assert pool.run(h.square_and_pid, 4)[0] == 16


def test_errors_carry_chinese_messages_and_pickle() -> None:
    for exc, text in [
        (JobTimeout(30.0), "读取超时（超过 30 秒）"),
        (JobTimeout(1.5), "读取超时（超过 1.5 秒）"),
        (JobMemoryExceeded(1024), "内存超限（超过 1024 MB）"),
        (JobCrashed(-9), "读取进程异常退出"),
        (JobFailed("读取出错（X）", error_type="X"), "读取出错（X）"),
        (PoolClosed(), "任务池已关闭"),
    ]:
        assert isinstance(exc, JobError)
        assert str(exc) == exc.message == text
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc)
        assert str(back) == text


# ---------------------------------------------------------------- limits and crashes


def test_runaway_job_is_killed_and_the_pool_goes_on(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(JobTimeout, match="超过 1 秒"):
        pool.run(h.loop_forever, time_limit=1)
    assert time.monotonic() - started < 5  # generous: the point is that it was killed
    assert pool.run(h.square_and_pid, 6)[0] == 36


def test_timeout_kills_what_the_job_started(pool: WorkerPool, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    with pytest.raises(JobTimeout):
        pool.run(h.start_child_and_hang, str(pid_file), time_limit=1)
    grandchild = int(pid_file.read_text())
    assert _gone(grandchild, zombie_ok=True), "the job's own child process outlived the timeout"


def test_memory_limit(pool: WorkerPool) -> None:
    soft, _hard, _tmp = pool.run(h.worker_limits)
    assert soft == MEMORY_MB * 1024 * 1024
    with pytest.raises(JobMemoryExceeded, match=f"超过 {MEMORY_MB} MB"):
        pool.run(h.allocate, 4 * MEMORY_MB)
    assert pool.run(h.allocate, 16) == 16 * 1024 * 1024


def test_soft_limit_is_lifted_for_programs_the_reader_starts(pool: WorkerPool) -> None:
    """LibreOffice would inherit the worker's soft RLIMIT_AS; the .doc reader gives it the hard one back."""
    soft, hard, _tmp = pool.run(h.worker_limits)
    assert soft == MEMORY_MB * 1024 * 1024 != hard
    assert pool.run(h.child_address_limit) == ("unlimited" if hard == resource.RLIM_INFINITY else str(hard // 1024))


@pytest.mark.parametrize(
    ("job", "args", "exitcode"), [(h.exit_now, (3,), 3), (h.kill_self, (), -9)], ids=["os._exit", "SIGKILL"]
)
def test_crashed_worker_is_replaced(
    pool: WorkerPool, job: Callable[..., None], args: tuple[int, ...], exitcode: int
) -> None:
    with pytest.raises(JobCrashed, match="读取进程异常退出") as info:
        pool.run(job, *args)
    assert info.value.exitcode == exitcode
    assert pool.run(h.square_and_pid, 8)[0] == 64


def test_worker_temporary_folder_goes_with_the_worker() -> None:
    with WorkerPool(1, time_limit=20, memory_mb=MEMORY_MB) as pool:
        first = Path(pool.run(h.worker_limits)[2])
        assert first.is_dir()
        assert first.name.startswith("nianbao-job-")
        with pytest.raises(JobTimeout):
            pool.run(h.loop_forever, time_limit=0.5)
        assert not first.exists()  # killed: the pool removed it
        second = Path(pool.run(h.worker_limits)[2])
        assert second != first
        assert second.is_dir()
    assert not second.exists()


# ---------------------------------------------------------------- threads


def test_concurrent_jobs_share_two_workers() -> None:
    with WorkerPool(2, time_limit=20, memory_mb=MEMORY_MB) as pool:
        futures = [pool.submit(h.square_and_pid, i, 0.2) for i in range(6)]
        results = [f.result(timeout=20) for f in futures]
        assert [value for value, _pid in results] == [i * i for i in range(6)]
        assert len({pid for _value, pid in results}) <= 2
        assert len(pool.pids()) <= 2


def test_close_ends_workers_and_refuses_jobs(tmp_path: Path) -> None:
    pool = WorkerPool(2, time_limit=20, memory_mb=MEMORY_MB)
    running = pool.submit(h.loop_forever)
    pids = {pool.run(h.pid)}
    deadline = time.monotonic() + 10
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    pids |= set(pool.pids())
    tmp = Path(pool.run(h.worker_limits)[2])
    pool.close()
    with pytest.raises(PoolClosed):
        running.result(timeout=10)
    assert all(_gone(pid) for pid in pids)
    assert not tmp.exists()
    with pytest.raises(PoolClosed):
        pool.run(h.pid)
    with pytest.raises(PoolClosed):
        pool.submit(h.pid)
    pool.close()  # idempotent


def test_workers_do_not_rerun_the_main_script(tmp_path: Path) -> None:
    """A script without an ``if __name__ == "__main__"`` guard: multiprocessing would re-run it in each worker."""
    marker = tmp_path / "runs"
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        f"open({str(marker)!r}, 'a').write('run\\n')\n"
        "from nianbao.jobs import WorkerPool\n"
        "from tests.jobs_helpers import square_and_pid\n"
        "with WorkerPool(1, time_limit=20) as pool:\n"
        "    print(pool.run(square_and_pid, 12)[0])\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "144"
    assert marker.read_text() == "run\n"  # once: in the script's own process only


def test_shared_pool_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_JOB_WORKERS", "1")
    monkeypatch.setenv("NIANBAO_JOB_SECONDS", "12.5")
    monkeypatch.setenv("NIANBAO_JOB_MEMORY_MB", "off")
    assert pool_settings() == {"workers": 1, "time_limit": 12.5, "memory_mb": None}
    close_shared_pool()
    try:
        pool = shared_pool()
        assert shared_pool() is pool
        assert (pool.workers, pool.time_limit, pool.memory_mb) == (1, 12.5, None)
        assert pool.run(h.square_and_pid, 9)[0] == 81
    finally:
        close_shared_pool()
    assert pool.closed
    monkeypatch.setenv("NIANBAO_JOB_WORKERS", "zero")
    with pytest.raises(ValueError, match="NIANBAO_JOB_WORKERS"):
        pool_settings()


# ---------------------------------------------------------------- the read task


def test_read_upload_matches_the_readers(pool: WorkerPool, tmp_path: Path) -> None:
    content = SAMPLE.read_bytes()
    outcome = pool.run(read_upload, SAMPLE.name, content)
    assert isinstance(outcome, ReadOk)
    report, lines = _in_process(SAMPLE.name, content, tmp_path)
    assert outcome.report == report
    assert outcome.report.values() == report.values()
    assert outcome.report.cells_read > 100
    assert outcome.lines == lines
    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_read_upload_of_a_pdf(pool: WorkerPool, tmp_path: Path) -> None:
    from nianbao.render import render_bytes

    original = report_from_document(read_document(SAMPLE), SAMPLE.name)
    content = render_bytes(original, "pdf")
    outcome = pool.run(read_upload, "report.pdf", content)
    assert isinstance(outcome, ReadOk), outcome
    report, lines = _in_process("report.pdf", content, tmp_path)
    assert outcome.report == report
    assert outcome.report.values() == original.values()
    assert outcome.lines == lines


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_read_upload_of_a_doc_under_a_low_memory_limit(tmp_path: Path) -> None:
    """256 MB is below what LibreOffice needs by itself: the conversion works only with the limit lifted."""
    from nianbao.render import render_bytes
    from tests.builders import convert

    original = report_from_document(read_document(SAMPLE), SAMPLE.name)
    docx = tmp_path / "report.docx"
    docx.write_bytes(render_bytes(original, "docx"))
    doc = convert(docx, tmp_path / "doc", "doc")
    with WorkerPool(1, time_limit=60, memory_mb=256) as pool:
        outcome = pool.run(read_upload, "报告.doc", doc.read_bytes())
    assert isinstance(outcome, ReadOk), outcome
    assert outcome.report.kind == "doc"
    assert outcome.report.values() == original.values()


def test_read_upload_refuses_hostile_html_in_time(pool: WorkerPool) -> None:
    wide = f"<html><body><p>{TITLE}</p><table><tr><td>{LABEL}</td>" + "<td>1</td>" * 200_000 + "</tr></table>"
    deep = "<html><body>" + "<div>" * 200_000 + LABEL + "</div>" * 200_000 + "</body></html>"
    for name, text, reason in [("wide.html", wide, "超过 1000 个单元格"), ("deep.html", deep, "嵌套")]:
        started = time.monotonic()
        outcome = pool.run(read_upload, name, text.encode("utf-8"), time_limit=15)
        assert time.monotonic() - started < 10
        assert isinstance(outcome, ReadRefused)
        assert outcome.message.startswith(f"文件“{name}”无法读取：")
        assert reason in outcome.message
        assert "\n" not in outcome.message


@pytest.mark.parametrize("head", [b"", b"%PDF-1.7\n"], ids=["no-signature", "broken-pdf"])
def test_read_upload_of_garbage_named_pdf(pool: WorkerPool, tmp_path: Path, head: bytes) -> None:
    content = head + random.Random(7).randbytes(1 << 16)
    outcome = pool.run(read_upload, "年报.pdf", content)
    assert isinstance(outcome, ReadRefused)
    with pytest.raises(ReadError) as info:
        _in_process("年报.pdf", content, tmp_path)
    assert outcome.message == f"文件“年报.pdf”无法读取：{info.value.reason}"
    assert outcome.cause == "unreadable"


def test_read_upload_of_a_text_without_tables(pool: WorkerPool) -> None:
    outcome = pool.run(read_upload, "通知.txt", f"{TITLE}\n这是一份通知，没有统计表。\n".encode())
    assert isinstance(outcome, ReadRefused)
    assert outcome.cause == "not_a_report"
    assert outcome.message.startswith("文件“通知.txt”不像一份年度报告：")
