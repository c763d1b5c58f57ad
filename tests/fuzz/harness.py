"""Fuzz harness for the readers: hostile inputs for every reader kind, and the property each must meet.

The property: every input, whatever its bytes, ends within a time bound (`TIME_LIMIT_S`) and a memory bound
(`MEMORY_LIMIT_MB`) in either a `Report` or a `ReadError`/`NotAReport` whose reason is one short line naming
what is wrong, never another exception (the CLI would show that as a traceback or an "internal error"). A
report then goes through what `nianbao parse` and `nianbao check` do with it (JSON of `to_exchange()` and
`to_dict()`, the audit), which must not fail either.

Each input is read in a forked child process (`run_one`): a hang inside C code (PDFium, lexbor, libxml2) is
ended by killing the child, a crash is seen as a signal instead of ending the test run, and the child's
address space is capped so a memory blow-up cannot take the machine with it. The peak memory growth is the
child's resident-set high-water mark (``VmHWM``, reset at the start) minus its resident set at the start.
On a timeout the child is sent SIGUSR1 first, and faulthandler writes where it was: that stack (or the
traceback of an exception) says which reader stage failed, and whether it is one of the open bugs in
`KNOWN_BUGS` (tests/fuzz/found/README.md). The harness needs Linux (fork, /proc, signals).

Inputs (`hostile(kind)`) are, for each kind, (a) mutations of a seed file of that kind (byte flips,
truncation, spliced random bytes, a duplicated or deleted slice, an inserted format token) and (b) structured
generators: text made of the real table labels (`formats/cells.csv`), digits, white space and very long digit
runs; HTML with random nested tags, wide rows, deep nesting, odd spans, entity storms and odd encodings;
.docx packages rebuilt in memory around a mutated ``word/document.xml``; PDFs drawn with ReportLab (grids of
many rules, many pages, text anywhere); and, for every kind, a file of another kind named as this one.

The seeds are the packaged sample reports (`nianbao/samples/*.txt`) and those samples written out by
`nianbao.render` (html, docx and pdf, the pdf also without stream compression so that mutations reach its
drawing operators) and the .docx converted to .doc by LibreOffice (the published reports of the repository's
`corpus/` are not seeds). Large random data comes from a `random.Random` seeded by a drawn integer, so an
example stays small for Hypothesis and is the same for the same seed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import faulthandler
import functools
import hashlib
import importlib
import io
import json
import os
import random
import re
import resource
import select
import shutil
import signal
import subprocess
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import strategies as st

from nianbao.report import Report

KINDS = ("txt", "md", "html", "docx", "pdf", "doc")
SUFFIX = {"txt": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf", "doc": ".doc"}
#: Wall-clock bound per input, start-up of the child included. A .doc is converted by LibreOffice (1–2 s when
#: idle); its conversion is given `DOC_CONVERT_TIMEOUT_S` so that the reader's own timeout ends it first.
TIME_LIMIT_S = {"txt": 5.0, "md": 5.0, "html": 5.0, "docx": 5.0, "pdf": 10.0, "doc": 40.0}
DOC_CONVERT_TIMEOUT_S = 25
MEMORY_LIMIT_MB = 500.0
#: The child's address space may grow by this much before allocations fail (a hard stop, above the bound).
ADDRESS_SPACE_HEADROOM = 2 * 1024 * 1024 * 1024
REASON_MAX_CHARS = 300
MAX_INPUT_BYTES = 8 * 1024 * 1024

SAMPLES = sorted(Path(str(resources.files("nianbao") / "samples")).glob("*.txt"))


# ------------------------------------------------------------------------------------------- the property


class Case:
    """One generated input; its repr is short (Hypothesis prints it for a failing example, not the bytes)."""

    __slots__ = ("data", "how", "kind")

    def __init__(self, kind: str, data: bytes, how: str) -> None:
        self.kind, self.data, self.how = kind, data, how

    def __repr__(self) -> str:
        return f"Case({self.kind!r}, {self.how!r}, {len(self.data)} bytes, sha1 {digest(self.data)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how Hypothesis prints an example
        printer.text(repr(self))


@dataclass
class Outcome:
    """How reading one input ended."""

    result: str  # "report", "error" (ReadError), "not-a-report" (NotAReport) or "failure"
    seconds: float
    peak_mb: float
    reason: str = ""  # the error's reason, or for a failure what went wrong
    detail: str = ""  # for a failure: the child's traceback, or its Python stack at a timeout or crash
    cpu_seconds: float = 0.0  # the child's own CPU time (LibreOffice's, for a .doc, only once it has ended)


class FuzzFailure(AssertionError):
    """An input that broke the property."""


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:12]


def _status() -> dict[str, int]:
    """This process's memory figures from /proc (kB), or nothing off Linux."""
    out: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "VmSize"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def _one_line_problem(reason: str) -> str | None:
    if not reason.strip():
        return "原因为空"
    if "\n" in reason or "\r" in reason:
        return "原因不止一行"
    if "Traceback" in reason:
        return "原因中含有 Traceback"
    if len(reason) > REASON_MAX_CHARS:
        return f"原因过长（{len(reason)} 字符，上限 {REASON_MAX_CHARS}）"
    if not any("\u4e00" <= ch <= "\u9fff" for ch in reason):
        return "原因不是中文"
    return None


def _child(kind: str, path: Path, out: int, stack: Path) -> None:
    """Reads `path` in the forked child and writes the outcome as JSON to the pipe `out`.

    `stack` receives the child's Python stack on SIGUSR1 (sent on a timeout) and on a fatal signal.
    """
    from nianbao.audit import check
    from nianbao.read import NotAReport, ReadError, ReadOptions, read_document, report_from_document

    options = ReadOptions()
    dump = stack.open("w", encoding="utf-8")  # kept open until os._exit
    faulthandler.enable(dump)
    faulthandler.register(signal.SIGUSR1, dump, all_threads=False)
    if kind != "doc":  # LibreOffice, started by the doc reader, inherits limits and needs room of its own
        limit = _status().get("VmSize", 0) * 1024 + ADDRESS_SPACE_HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    else:
        options = ReadOptions(convert_timeout_s=DOC_CONVERT_TIMEOUT_S)
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")  # resets VmHWM to the current resident set
    except OSError:
        pass
    start_kb = _status().get("VmRSS", 0)
    file = str(path)
    result: dict[str, str] = {}
    try:
        doc = read_document(path, file, options=options)
        report = report_from_document(doc, file, options)
        if not isinstance(report, Report):
            raise TypeError(f"report_from_document returned {type(report).__name__}")
        json.dumps(report.to_exchange(), ensure_ascii=False)
        json.dumps(report.to_dict(), ensure_ascii=False)
        check(report)
        result = {"result": "report"}
    except ReadError as exc:
        problem = _one_line_problem(exc.reason)
        if exc.file != file:
            problem = f"错误指明的文件是 {exc.file!r}，不是 {file!r}"
        name = "not-a-report" if isinstance(exc, NotAReport) else "error"
        result = {"result": "failure" if problem else name, "reason": exc.reason[:2000]}
        if problem:
            result.update(reason=f"{type(exc).__name__} 的原因不合格：{problem}", detail=exc.reason[:5000])
    except MemoryError:
        result = {
            "result": "failure",
            "reason": "MemoryError：超出地址空间上限",
            "detail": traceback.format_exc()[-5000:],
        }
    except BaseException as exc:
        result = {
            "result": "failure",
            "reason": f"{type(exc).__name__}: {str(exc)[:300]}",
            "detail": traceback.format_exc()[-8000:],
        }
    peak_kb = _status().get("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peak_mb"] = str(max(0, peak_kb - start_kb) / 1024)
    os.write(out, json.dumps(result, ensure_ascii=False).encode("utf-8"))


@functools.cache
def _warm_up() -> None:
    """Imports every reader and runs the audit once before the first fork, so no child pays for imports and
    lazily built tables (the audit's rule catalog, the formats' label patterns) inside its time bound."""
    from nianbao.audit import check
    from nianbao.read import read

    for module in ("doc", "docx", "html", "pdf", "txt"):
        importlib.import_module(f"nianbao.read.inputs.{module}")
    check(read(SAMPLES[0]))


def run_one(kind: str, data: bytes, tmp_dir: Path) -> tuple[Outcome, Path]:
    """Reads `data`, written to a file with `kind`'s suffix in `tmp_dir`, in a bounded child process.

    Returns the outcome and the file written (the caller removes it or keeps it as evidence). On a timeout
    or a crash the outcome's detail is the child's Python stack at that moment (faulthandler). A timeout in
    which the child got less than half the bound in CPU time says more about a busy machine than about the
    reader: such an input is read once more before the timeout counts.
    """
    _warm_up()
    path = Path(tmp_dir) / f"input-{digest(data)}{SUFFIX[kind]}"
    path.write_bytes(data)
    outcome = _run_child(kind, path)
    if kind != "doc" and outcome.reason.startswith("未在") and outcome.cpu_seconds < TIME_LIMIT_S[kind] / 2:
        outcome = _run_child(kind, path)
    return outcome, path


def _run_child(kind: str, path: Path) -> Outcome:
    stack = path.with_name(path.name + ".stack")
    limit = TIME_LIMIT_S[kind]
    read_end, write_end = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 0
        try:
            os.setpgid(0, 0)
            os.close(read_end)
            _child(kind, path, write_end, stack)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also here, so that killpg below finds the group whichever ran first
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            remaining = started + limit - time.perf_counter()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGUSR1)  # where it is: faulthandler writes the stack
                time.sleep(0.3)
                os.killpg(pid, signal.SIGKILL)  # the child and anything it started (LibreOffice)
        _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    try:
        where = stack.read_text(encoding="utf-8", errors="replace")[-8000:]
    except OSError:
        where = ""
    stack.unlink(missing_ok=True)
    cpu = usage.ru_utime + usage.ru_stime
    if timed_out:
        return Outcome(
            "failure", seconds, usage.ru_maxrss / 1024, f"未在 {limit:g} 秒内结束（CPU {cpu:.1f} 秒）", where, cpu
        )
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        return Outcome("failure", seconds, usage.ru_maxrss / 1024, f"读取进程因信号 {sig} 崩溃", where, cpu)
    try:
        result = json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:
        return Outcome(
            "failure",
            seconds,
            usage.ru_maxrss / 1024,
            f"读取进程未报告结果就退出（退出码 {os.waitstatus_to_exitcode(status)}）",
            where,
            cpu,
        )
    outcome = Outcome(
        result["result"], seconds, float(result["peak_mb"]), result.get("reason", ""), result.get("detail", ""), cpu
    )
    if outcome.result != "failure" and outcome.peak_mb > MEMORY_LIMIT_MB:
        outcome.result, outcome.reason = "failure", f"内存增长 {outcome.peak_mb:.0f} MB，超过 {MEMORY_LIMIT_MB:.0f} MB"
    return outcome


_FRAME = re.compile(r'File "[^"]*?/((?:nianbao|site-packages)/[^"]+)", line (\d+),? in (\S+)')


def _frames(detail: str) -> list[tuple[str, str, str]]:
    """(file, line, function) of each frame in a traceback or stack dump; files from nianbao/ or site-packages/."""
    return [
        (file.removeprefix("site-packages/") if file.startswith("site-packages/nianbao/") else file, line, func)
        for file, line, func in _FRAME.findall(detail)
    ]


def where(outcome: Outcome) -> str:
    """The innermost frame of the reader in a failure's traceback or stack dump: its module and function."""
    frames = [f for f in _frames(outcome.detail) if f[0].startswith("nianbao/read/")]
    if not frames:
        return ""
    # a traceback lists the innermost call last; faulthandler's dump ("most recent call first") first
    file, _, function = frames[0] if "most recent call first" in outcome.detail else frames[-1]
    return f"{file} in {function}"


def signature(outcome: Outcome) -> str:
    """What a failure is, for grouping: its kind and the reader module it happened in (a timeout: the module)."""
    reason = re.sub(r"\d+(\.\d+)?", "N", outcome.reason.split("：")[0].split(": ")[0])
    at = where(outcome)
    if outcome.reason.startswith("未在"):
        at = at.split(" in ")[0]
    return f"{reason} @ {at or '?'}"


@dataclass(frozen=True)
class KnownBug:
    """A reader bug the fuzzing found that is not fixed yet; its smallest input is tests/fuzz/found/NAME.*"""

    name: str
    reason: str  # a failure is this bug when its reason starts with this
    frames: tuple[str, ...]  # and its traceback or stack dump passes through one of these (FILE or FILE:FUNCTION)
    note: str


#: Open reader bugs (tests/fuzz/found/README.md). The quick run reports an input failing by one of them as an
#: expected failure instead of a new one; bench/fuzz.py replays their inputs and says when one passes. Remove
#: an entry (and its input) once the reader is fixed.
KNOWN_BUGS: tuple[KnownBug, ...] = ()


def known_bug(outcome: Outcome) -> KnownBug | None:
    """The open bug a failure is an instance of, if any."""
    frames = {name for file, _, function in _frames(outcome.detail) for name in (file, f"{file}:{function}")}
    for bug in KNOWN_BUGS:  # the first that matches: the more specific come first
        if outcome.reason.startswith(bug.reason) and any(f.startswith(b) for f in frames for b in bug.frames):
            return bug
    return None


def describe(kind: str, outcome: Outcome, kept: Path | None = None) -> str:
    lines = [f"{kind}: {outcome.reason} ({outcome.seconds:.2f} s, {outcome.peak_mb:.0f} MB)"]
    bug = known_bug(outcome)
    if bug is not None:
        lines.append(f"known bug {bug.name}: {bug.note}")
    if kept is not None:
        lines.append(f"input kept at {kept}")
    if outcome.detail:
        lines.append(outcome.detail)
    return "\n".join(lines)


def check_one(kind: str, data: bytes, tmp_dir: Path, *, allow_known: bool = False) -> str:
    """The property for one input: returns "report", "error" or "not-a-report", else raises FuzzFailure.

    With `allow_known`, a failure that is one of `KNOWN_BUGS` returns "known:NAME" instead. A failing input is
    left in `tmp_dir` (its path is in the message); others are removed.
    """
    outcome, path = run_one(kind, data, tmp_dir)
    if outcome.result == "failure":
        bug = known_bug(outcome)
        if bug is None or not allow_known:
            raise FuzzFailure(describe(kind, outcome, path))
        path.unlink(missing_ok=True)
        return f"known:{bug.name}"
    path.unlink(missing_ok=True)
    return outcome.result


def save_failure(folder: Path, kind: str, data: bytes, outcome: Outcome) -> Path:
    """Writes a failing input and a note of what happened beside it; returns the input's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{digest(data)}{SUFFIX[kind]}"
    path.write_bytes(data)
    path.with_name(path.name + ".txt").write_text(describe(kind, outcome) + "\n", encoding="utf-8")
    return path


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """SIGALRM after `seconds` (main thread only): for in-process runs such as the CLI's."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"not done within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------------------------------------ seeds


@functools.cache
def _sample_reports() -> tuple[Report, ...]:
    from nianbao.read import read

    return tuple(read(p) for p in SAMPLES[:2])


@functools.cache
def _uncompressed_pdf(index: int) -> bytes:
    from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

    from nianbao.render import pdf as pdf_writer

    def plain_canvas(*args: object, **kwargs: object) -> object:
        return Canvas(*args, **{**kwargs, "pageCompression": 0})

    with mock.patch.object(pdf_writer, "Canvas", plain_canvas):
        return pdf_writer.render_pdf(_sample_reports()[index])


def _member(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return zf.read(name)


def _to_doc(docx: bytes) -> bytes:
    exe = shutil.which("soffice")
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
        source = Path(tmp) / "seed.docx"
        source.write_bytes(docx)
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--norestore",
                "--convert-to",
                "doc",
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        return (Path(tmp) / "seed.doc").read_bytes()


@functools.cache
def seeds(kind: str) -> tuple[bytes, ...]:
    """Real reports of `kind` to mutate (built on first use, then kept for the process)."""
    if kind == "txt":
        return tuple(p.read_bytes() for p in SAMPLES)
    from nianbao.render import render_bytes

    reports = _sample_reports()
    if kind == "md":
        return tuple(render_bytes(r, "md") for r in reports)
    if kind == "html":
        pages = [render_bytes(r, "html") for r in reports]
        gbk = (
            pages[0].decode("utf-8").replace('charset="utf-8"', 'charset="gbk"').replace("charset=utf-8", "charset=gbk")
        )
        utf16 = codecs.BOM_UTF16_LE + pages[1].decode("utf-8").encode("utf-16-le")
        return (*pages, gbk.encode("gbk", errors="replace"), utf16)
    if kind == "docx":  # dated like the zip members, so that a seed's bytes do not change from run to run
        return tuple(
            _rezip(
                data,
                {
                    "docProps/core.xml": re.sub(
                        rb"\d{4}-\d\d-\d\dT[\d:.]+Z?", b"2024-01-20T00:00:00Z", _member(data, "docProps/core.xml")
                    )
                },
            )
            for data in (render_bytes(r, "docx") for r in reports)
        )
    if kind == "pdf":
        return (render_bytes(reports[0], "pdf"), _uncompressed_pdf(1))
    if kind == "doc":
        return (_to_doc(seeds("docx")[0]),)
    raise ValueError(kind)


@functools.cache
def labels() -> tuple[str, ...]:
    """Every printed label of the formats: tables, rows and columns (and their space-separated parts)."""
    with (resources.files("nianbao") / "formats" / "cells.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    found: set[str] = set()
    for row in rows:
        for text in (row["table"], row["row_label"], row["column_label"]):
            if text:
                found.add(text)
                found.update(text.split())
    return tuple(sorted(found))


TITLES = (
    "某某县审计局2023年政府信息公开工作年度报告",
    "某局2025年政府信息公开工作年度报告",
    "政府信息公开工作年度报告",
    "二〇二三年度",
    "2023年1月1日至12月31日",
)
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
SPACES = (" ", "  ", "\t", "\n", "\r\n", "\r", "\u3000", "\xa0", "\n\n", "\t\t\t", "\f", "\v", "\u2028")
ODD = (
    "|",
    "||",
    "-",
    "—",
    "－",
    "―",
    "1.",
    "（一）",
    "一、",
    "第3页",
    "-3-",
    "1/5",
    "===== 正文 =====",
    "标题: ",
    "发布时间: 2024-01-20",
    "\ufeff",
    "\x00",
    "\ufffd",
    "\ue000",
    "%",
    "万元",
    "元",
    "件",
    "个",
    "－5",
    "+7",
    "1,234",
    "1.5",
    "0.0001",
    "１２３",
    "三十",
    "-",
    "/",
    "——",
    "✓",
    "<td>",
    "&amp;",
    "∞",
    "NaN",
    "1e309",
)


# ---------------------------------------------------------------------------------------------- helpers


def _rng(draw: st.DrawFn) -> random.Random:
    return random.Random(draw(st.integers(0, 2**32 - 1)))


def _cap(data: bytes) -> bytes:
    return data[:MAX_INPUT_BYTES]


def _digit_run(rnd: random.Random, length: int) -> str:
    if rnd.random() < 0.5:
        return rnd.choice("0123456789") * length
    return "".join(rnd.choice("0123456789") for _ in range(length))


TEXT_ENCODINGS = (
    "utf-8",
    "utf-8",
    "utf-8-sig",
    "gbk",
    "gb18030",
    "big5",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "latin-1",
)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


# ------------------------------------------------------------------------------------------ mutations (a)

TOKENS: dict[str, tuple[bytes, ...]] = {
    "txt": tuple(t.encode() for t in (*ODD, *SPACES, "本年新收政府信息公开申请数量", "9" * 40, "\t0" * 10)),
    "html": (
        b"<table>",
        b"</table>",
        b"<tr>",
        b"<td>",
        b"</td>",
        b"<th colspan=99999999>",
        b"<td rowspan=-3>",
        b"<td colspan=abc>",
        b"<div>" * 50,
        b"</div>",
        b"<script>",
        b"<style>",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b"&#0;",
        b"&#x110000;",
        b"&nbsp;" * 20,
        b"<br>" * 20,
        b"<?xml version='1.0'?>",
        b'<meta charset="utf-16">',
        b"<meta charset=gbk>",
        b"\xe0",
        b"\x00",
        "\ue000".encode(),
        b"<title>",
        b"<html>",
        b"<body>",
        b"<pre>",
        b"<svg>",
        b"<template>",
    ),
    "docx": (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"\x00" * 30, b"\xff" * 8, b"word/document.xml"),
    "pdf": (
        b"/Count 2147483647",
        b"/Count 0",
        b" 0 obj",
        b"endobj",
        b"stream\n",
        b"endstream",
        b"/Length 99999999",
        b"/Length -1",
        b"trailer",
        b"startxref",
        b"%%EOF",
        b"/Type /Page",
        b"/Type /Pages",
        b"xref\n0 1\n",
        b"0 0 m 500 0 l S ",
        b"0 0 500 500 re S ",
        b"q 1000 0 0 1000 0 0 cm ",
        b"BT /F1 12 Tf (9999) Tj ET ",
        b"/Encrypt 1 0 R",
        b"/Kids [1 0 R]",
        b"/Parent 2 0 R",
        b"1 0 R",
        b"99999999 0 R",
        b"%PDF-1.7\n",
        b"/Filter /FlateDecode",
        b"/Filter /LZWDecode",
        b"<<",
        b">>",
        b"[",
        b"]",
        b"(",
        b")",
        b"\\",
    ),
    "doc": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\xff\xff\xff\xff",
        b"\xfe\xff\xff\xff",
        b"\x00" * 512,
        b"W\x00o\x00r\x00d\x00",
        b"\x01\x00\x00\x00",
    ),
}
TOKENS["md"] = TOKENS["txt"]


@st.composite
def mutated(draw: st.DrawFn, kind: str, data: bytes) -> tuple[bytes, str]:
    """`data` with one to four mutations; returns the bytes and a note of what was done."""
    rnd = _rng(draw)
    done: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        size = len(data)
        op = draw(st.sampled_from(("flip", "truncate", "splice", "duplicate", "delete", "token")))
        at = draw(st.integers(0, size - 1))
        if op == "flip":
            count = draw(st.integers(1, 64))
            near = draw(st.booleans())  # clustered around `at`, or anywhere
            buf = bytearray(data)
            for _ in range(count):
                i = min(size - 1, max(0, at + rnd.randint(-64, 64))) if near else rnd.randrange(size)
                buf[i] ^= rnd.choice((1, 2, 4, 8, 16, 32, 64, 128, rnd.randrange(1, 256)))
            data = bytes(buf)
            done.append(f"flip {count}@{at}")
        elif op == "truncate":
            data = data[:at]
            done.append(f"truncate@{at}")
        elif op == "splice":
            length = draw(st.sampled_from((1, 2, 4, 16, 64, 512, 4096, 65536)))
            noise = rnd.randbytes(length)
            if draw(st.booleans()):
                data = data[:at] + noise + data[at + length :]
                done.append(f"overwrite {length}@{at}")
            else:
                data = data[:at] + noise + data[at:]
                done.append(f"insert {length}@{at}")
        elif op == "duplicate":
            end = min(size, at + draw(st.sampled_from((1, 16, 256, 4096, 65536))))
            times = draw(st.sampled_from((1, 2, 10, 100, 1000)))
            into = draw(st.integers(0, size))
            data = _cap(data[:into] + data[at:end] * times + data[into:])
            done.append(f"duplicate {at}:{end}x{times}@{into}")
        elif op == "delete":
            end = min(size, at + draw(st.sampled_from((1, 16, 256, 4096, 65536))))
            data = data[:at] + data[end:]
            done.append(f"delete {at}:{end}")
        else:
            token = draw(st.sampled_from(TOKENS[kind]))
            data = data[:at] + token + data[at:]
            done.append(f"token {token[:16]!r}@{at}")
    return data, "mutated seed: " + ", ".join(done)


# ------------------------------------------------------------------------------------- text and markdown


@st.composite
def text_tokens(draw: st.DrawFn) -> str:
    """A random mix of labels, digits, white space and odd marks, as a report's text might be."""
    rnd = _rng(draw)
    count = draw(st.integers(1, 400))
    weights = draw(st.lists(st.integers(0, 9), min_size=6, max_size=6))
    if not any(weights):
        weights[0] = 1
    out: list[str] = []
    for _ in range(count):
        pick = rnd.choices(range(6), weights=weights)[0]
        if pick == 0:
            out.append(rnd.choice(labels()))
        elif pick == 1:
            out.append(_digit_run(rnd, rnd.choice((1, 1, 2, 3, 7, 20, 100, 1000, 6000))))
        elif pick == 2:
            out.append(rnd.choice(SPACES))
        elif pick == 3:
            out.append(rnd.choice(ODD))
        elif pick == 4:
            out.append(rnd.choice(TITLES + HEADINGS))
        else:
            out.append(
                "".join(
                    chr(rnd.choice((rnd.randrange(32, 127), rnd.randrange(0x4E00, 0xA000), rnd.randrange(0, 0x110000))))
                    for _ in range(rnd.randrange(1, 12))
                )
            )
    return "".join(out)


def _sample_with_numbers_replaced(rnd: random.Random) -> str:
    """A real report whose every number is replaced by a hostile one."""
    text = rnd.choice(SAMPLES).read_text(encoding="utf-8")
    choices = (
        "",
        "0",
        "-1",
        "99999999999999999999",
        "1.2.3",
        "１２３",
        "三",
        "1e9",
        "0.0",
        "9" * 400,
        "1,000",
        "NaN",
        "—",
        "/",
        "12 34",
        "007",
    )

    def swap(m: re.Match[str]) -> str:
        return rnd.choice(choices) if rnd.random() < 0.5 else _digit_run(rnd, rnd.choice((1, 3, 30, 3000)))

    return re.sub(r"\d+", swap, text)


def _layout(rnd: random.Random, text: str) -> str:
    """The same text as tab rows, Word cells (tab-led lines) or pipe rows, or as it is."""
    mode = rnd.randrange(4)
    words = text.split()
    if mode == 0 or not words:
        return text
    if mode == 1:
        return "\n".join("\t".join(words[i : i + rnd.randrange(1, 40)]) for i in range(0, len(words), 20))
    if mode == 2:
        return "\n\n".join("\n".join("\t" + w for w in words[i : i + 8]) for i in range(0, len(words), 8))
    return "\n".join("| " + " | ".join(words[i : i + rnd.randrange(1, 30)]) + " |" for i in range(0, len(words), 10))


@st.composite
def text_structured(draw: st.DrawFn, kind: str) -> tuple[bytes, str]:
    rnd = _rng(draw)
    shape = draw(st.sampled_from(("tokens", "numbers", "wide-row", "long-lines")))
    if shape == "tokens":
        text = _layout(rnd, draw(text_tokens()))
    elif shape == "numbers":
        text = (
            _layout(rnd, _sample_with_numbers_replaced(rnd))
            if rnd.random() < 0.3
            else _sample_with_numbers_replaced(rnd)
        )
    elif shape == "wide-row":
        cells = draw(st.sampled_from((999, 1000, 1001, 5000)))
        sep = draw(st.sampled_from(("\t", "|", " ")))
        label = rnd.choice(labels())
        row = sep.join([label, *(_digit_run(rnd, rnd.randrange(1, 5)) for _ in range(cells))])
        text = f"{rnd.choice(TITLES)}\n{rnd.choice(HEADINGS)}\n" + (f"|{row}|" if sep == "|" else row)
    else:
        lines = draw(st.integers(1, 300))
        text = "\n".join(
            rnd.choice(labels()) * rnd.randrange(1, 200) + _digit_run(rnd, rnd.randrange(0, 500)) for _ in range(lines)
        )
    encoding = draw(st.sampled_from(TEXT_ENCODINGS))
    return _cap(_encode(text, encoding)), f"{kind} {shape} in {encoding}"


# -------------------------------------------------------------------------------------------------- html

HTML_TAGS = (
    "div",
    "p",
    "span",
    "table",
    "tbody",
    "tr",
    "td",
    "th",
    "font",
    "b",
    "li",
    "ul",
    "section",
    "center",
    "pre",
    "br",
    "img",
    "a",
    "script",
    "style",
    "iframe",
    "svg",
    "math",
    "template",
    "textarea",
    "title",
    "h1",
    "caption",
    "colgroup",
    "col",
    "noscript",
    "select",
    "option",
    "object",
    "form",
    "xmp",
    "plaintext",
)
SPANS = (
    "1",
    "2",
    "0",
    "-1",
    "100",
    "101",
    "99999999999999999999",
    "abc",
    "1.5",
    "٣",
    " 7 ",
    "1e3",
    "０",
    "",
    "2147483648",
)
ENTITIES = (
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#12288;",
    "&#x4e00;",
    "&#0;",
    "&#x110000;",
    "&#99999999999;",
    "&#xD800;",
    "&",
    "&#",
    "&#x;",
    "&notanentity;",
    "&nbsp",
    "&amp;amp;",
    "&#10;",
    "&#13;",
    "&#x3000;",
)
HTML_ENCODINGS = (
    "utf-8",
    "utf-8",
    "gbk",
    "gb18030",
    "utf-16-bom",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "big5",
    "meta-lies",
)


def _html_tree(rnd: random.Random, budget: int, depth: int = 0) -> str:
    parts: list[str] = []
    while budget > 0:
        budget -= 1
        r = rnd.random()
        if r < 0.35 or depth > 60:
            parts.append(
                rnd.choice((rnd.choice(labels()), _digit_run(rnd, rnd.choice((1, 2, 5, 500)))))
                if rnd.random() < 0.8
                else rnd.choice(ENTITIES) * rnd.randrange(1, 50)
            )
            continue
        tag = rnd.choice(HTML_TAGS)
        attrs = ""
        if tag in ("td", "th", "col", "colgroup") or rnd.random() < 0.1:
            attrs = f' colspan="{rnd.choice(SPANS)}" rowspan="{rnd.choice(SPANS)}"'
        inner_budget = rnd.randrange(0, max(1, budget))
        budget -= inner_budget
        close = f"</{tag}>" if rnd.random() < 0.8 else ""
        parts.append(f"<{tag}{attrs}>{_html_tree(rnd, inner_budget, depth + 1)}{close}")
    return "".join(parts)


def _html_table_of_sample(rnd: random.Random) -> str:
    """A real report laid out as an HTML table (tab rows become <tr>), with random spans thrown in."""
    rows = []
    for line in (
        _sample_with_numbers_replaced(rnd).splitlines()
        if rnd.random() < 0.5
        else rnd.choice(SAMPLES).read_text(encoding="utf-8").splitlines()
    ):
        cells = line.split("\t")
        tds = "".join(
            f"<td colspan='{rnd.choice(SPANS)}'>{c}</td>" if rnd.random() < 0.1 else f"<td>{c}</td>" for c in cells
        )
        rows.append(f"<tr>{tds}</tr>" if len(cells) > 1 else f"</table><p>{line}</p><table>")
    return "<table>" + "".join(rows) + "</table>"


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>{body}</body></html>'
    )


def _encode_html(rnd: random.Random, text: str, how: str) -> bytes:
    if how == "utf-16-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le", errors="replace")
    if how == "meta-lies":
        return text.replace("utf-8", rnd.choice(("utf-16", "gbk", "x-nonsense", "utf-7"))).encode(
            rnd.choice(("gbk", "utf-8", "latin-1")), errors="replace"
        )
    return text.replace('charset="utf-8"', f'charset="{how}"').encode(how, errors="replace")


@st.composite
def html_structured(draw: st.DrawFn) -> tuple[bytes, str]:
    rnd = _rng(draw)
    shape = draw(
        st.sampled_from(("tags", "sample-table", "wide-row", "deep", "deep-flat", "entities", "spans", "huge-rows"))
    )
    title = rnd.choice(TITLES)
    if shape == "tags":
        body = _html_tree(rnd, draw(st.integers(1, 2000)))
    elif shape == "sample-table":
        body = _html_table_of_sample(rnd)
    elif shape == "wide-row":
        n = draw(st.sampled_from((999, 1000, 1001, 20000)))
        body = f"<table><tr><td>{rnd.choice(labels())}</td>" + "<td>1</td>" * n + "</tr></table>"
    elif shape == "deep":
        n = draw(st.sampled_from((10, 100, 499, 500, 501, 5000, 100_000)))
        tag = rnd.choice(("div", "span", "table", "b", "font", "section", "ul"))
        body = f"<{tag}>" * n + rnd.choice(HEADINGS) + f"</{tag}>" * rnd.choice((0, n))
    elif shape == "deep-flat":  # elements that the nesting scan does not count
        n = draw(st.sampled_from((100, 10_000, 100_000)))
        tag = rnd.choice(("p", "li", "td", "tr", "dd", "option", "tbody", "colgroup"))
        body = "<table>" + f"<{tag}>{rnd.choice(labels())}" * n + "</table>"
    elif shape == "entities":
        n = draw(st.sampled_from((10, 1000, 100_000)))
        body = "<table><tr><td>" + "".join(rnd.choice(ENTITIES) for _ in range(n)) + "</td></tr></table>"
    elif shape == "spans":
        rows = []
        for _ in range(draw(st.integers(1, 60))):
            tds = "".join(
                f'<td colspan="{rnd.choice(SPANS)}" rowspan="{rnd.choice(SPANS)}">'
                f"{rnd.choice((*labels(), '0', '12', ''))}</td>"
                for _ in range(rnd.randrange(1, 20))
            )
            rows.append(f"<tr>{tds}</tr>")
        body = f"<p>{rnd.choice(HEADINGS)}</p><table>{''.join(rows)}</table>"
    else:
        n = draw(st.sampled_from((100, 5000, 50_000)))
        row = "<tr><td>" + "</td><td>".join([rnd.choice(labels())] + ["0"] * 7) + "</td></tr>"
        body = "<table>" + row * n + "</table>"
    how = draw(st.sampled_from(HTML_ENCODINGS))
    return _cap(_encode_html(rnd, _page(title, body), how)), f"html {shape} in {how}"


# -------------------------------------------------------------------------------------------------- docx


def _rezip(
    seed: bytes, replace: dict[str, bytes], drop: frozenset[str] = frozenset(), compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """The package `seed` with members replaced, added or dropped; every member dated 1980-01-01, so that the
    same members give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        names = [i.filename for i in src.infolist() if i.filename not in drop]
        for name in [*names, *(n for n in replace if n not in names)]:
            data = replace[name] if name in replace else src.read(name)
            dst.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return out.getvalue()


@functools.cache
def _docx_parts(index: int) -> tuple[bytes, str, str]:
    seed = seeds("docx")[index]
    with zipfile.ZipFile(io.BytesIO(seed)) as zf:
        return seed, zf.read("word/document.xml").decode("utf-8"), zf.read("docProps/core.xml").decode("utf-8")


_XML_ELEMENT = {
    "tr": re.compile(r"<w:tr[ >].*?</w:tr>", re.S),
    "tc": re.compile(r"<w:tc>.*?</w:tc>", re.S),
    "tbl": re.compile(r"<w:tbl>.*?</w:tbl>", re.S),
    "p": re.compile(r"<w:p[ >].*?</w:p>", re.S),
}


def _mutate_xml(rnd: random.Random, xml: str, op: str) -> str:
    if op == "gridspan":
        values = ("0", "-5", "abc", "", "1.5", "99999999999999999999", "1001", "٣", "2147483648")
        xml = re.sub(
            r'<w:gridSpan w:val="\d+"/>',
            lambda m: f'<w:gridSpan w:val="{rnd.choice(values)}"/>' if rnd.random() < 0.5 else m.group(0),
            xml,
        )
        return xml.replace("<w:tc>", f'<w:tc><w:tcPr><w:gridSpan w:val="{rnd.choice(values)}"/></w:tcPr>', 1)
    if op == "text":

        def swap(m: re.Match[str]) -> str:
            if rnd.random() > 0.3:
                return m.group(0)
            new = rnd.choice(
                (
                    rnd.choice(labels()),
                    _digit_run(rnd, rnd.choice((1, 5, 5000))),
                    "",
                    " ",
                    "\u3000",
                    "&amp;" * 100,
                    "&#x4e00;",
                    "\ue000",
                    "]]>",
                )
            )
            return f'<w:t xml:space="preserve">{new}</w:t>'

        return re.sub(r"<w:t(?: [^>]*)?>[^<]*</w:t>", swap, xml)
    if op in ("dup-tr", "dup-tc", "dup-p", "dup-tbl"):
        found = list(_XML_ELEMENT[op[4:]].finditer(xml))
        if not found:
            return xml
        m = rnd.choice(found)
        times = rnd.choice((2, 10, 1001, 5000))
        return xml[: m.start()] + m.group(0) * times + xml[m.end() :]
    if op == "nest":
        found = list(_XML_ELEMENT["tbl"].finditer(xml))
        if not found:
            return xml
        m = rnd.choice(found)
        depth = rnd.choice((2, 50, 300))
        inner = m.group(0)
        wrap_open = "<w:tbl><w:tr><w:tc>"
        wrap_close = "<w:p/></w:tc></w:tr></w:tbl>"
        return xml[: m.start()] + wrap_open * depth + inner + wrap_close * depth + xml[m.end() :]
    if op == "laughs":
        head = (
            '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + "]>"
        )
        xml = xml.replace("?>", "?>" + head, 1)
        return xml.replace("<w:t>", "<w:t>&i;", 1)
    if op == "drop-tags":
        tags = list(re.finditer(r"</?w:(?:tr|tc|tbl|p|body)[^>]*>", xml))
        for m in sorted(rnd.sample(tags, min(len(tags), rnd.randrange(1, 4))), key=lambda m: -m.start()):
            xml = xml[: m.start()] + xml[m.end() :]
        return xml
    if op == "rename":  # elements in another namespace, or unknown ones
        return xml.replace("<w:tc>", "<w:tcx>", rnd.randrange(1, 20)).replace(
            "</w:tc>", "</w:tcx>", rnd.randrange(1, 20)
        )
    return xml


DOCX_OPS = (
    "gridspan",
    "text",
    "dup-tr",
    "dup-tc",
    "dup-p",
    "dup-tbl",
    "nest",
    "laughs",
    "drop-tags",
    "rename",
    "xml-bytes",
    "core",
    "drop-member",
    "stored",
    "not-zip-member",
)


@st.composite
def docx_structured(draw: st.DrawFn) -> tuple[bytes, str]:
    """A real .docx rebuilt in memory with a mutated document.xml (or another damaged part)."""
    rnd = _rng(draw)
    seed, xml, core = _docx_parts(draw(st.integers(0, len(seeds("docx")) - 1)))
    ops = draw(st.lists(st.sampled_from(DOCX_OPS), min_size=1, max_size=3))
    replace: dict[str, bytes] = {}
    drop: frozenset[str] = frozenset()
    compression = zipfile.ZIP_DEFLATED
    for op in ops:
        if op == "xml-bytes":
            data, _ = draw(mutated("txt", xml.encode("utf-8")))
            xml = data.decode("utf-8", errors="replace")
        elif op == "core":
            title = rnd.choice(("", "&#0;", "政府信息公开工作年度报告" * 10000, "\n\n", "<x/>", "]]>", "&nbsp;"))
            core = re.sub(r"<dc:title>[^<]*</dc:title>", f"<dc:title>{title}</dc:title>", core)
            replace["docProps/core.xml"] = core.encode("utf-8")
        elif op == "drop-member":
            drop = frozenset(
                {
                    rnd.choice(
                        (
                            "word/styles.xml",
                            "[Content_Types].xml",
                            "word/_rels/document.xml.rels",
                            "_rels/.rels",
                            "docProps/core.xml",
                            "word/numbering.xml",
                        )
                    )
                }
            )
        elif op == "stored":
            compression = zipfile.ZIP_STORED
        elif op == "not-zip-member":
            replace["word/document.xml"] = rnd.randbytes(rnd.choice((0, 10, 5000)))
        else:
            xml = _mutate_xml(rnd, xml, op)
    replace.setdefault("word/document.xml", xml.encode("utf-8"))
    return _cap(_rezip(seed, replace, drop, compression)), "docx " + "+".join(ops)


# --------------------------------------------------------------------------------------------------- pdf


@functools.cache
def _pdf_font() -> str:
    """A Chinese font registered with ReportLab, else Helvetica (then only ASCII is drawn)."""
    from nianbao.render.pdf_font import find_font

    try:
        return find_font().name
    except RuntimeError:
        return "Helvetica"


@st.composite
def pdf_structured(draw: st.DrawFn) -> tuple[bytes, str]:
    """A PDF drawn with ReportLab: grids of many rules, many pages, text anywhere at any size."""
    from reportlab.pdfgen.canvas import Canvas

    rnd = _rng(draw)
    shape = draw(st.sampled_from(("grid", "pages", "text", "table", "tiny-rules")))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(595, 842), pageCompression=draw(st.sampled_from((0, 1))), invariant=1)
    font = _pdf_font()

    def text() -> str:
        t = rnd.choice((rnd.choice(labels()), _digit_run(rnd, rnd.choice((1, 2, 3, 50))), rnd.choice(TITLES)))
        return t if font != "Helvetica" else t.encode("ascii", errors="replace").decode()

    def draw_text(x: float, y: float, size: float, t: str) -> None:
        canvas.setFont(font, size)
        canvas.drawString(x, y, t)

    if shape == "grid":
        rows, cols = draw(st.sampled_from((2, 10, 60, 150))), draw(st.sampled_from((2, 10, 60, 150)))
        x0, y0, w, h = 20, 20, 555, 800
        for i in range(rows + 1):
            canvas.line(x0, y0 + h * i / rows, x0 + w, y0 + h * i / rows)
        for j in range(cols + 1):
            canvas.line(x0 + w * j / cols, y0, x0 + w * j / cols, y0 + h)
        for _ in range(rnd.randrange(0, 400)):
            draw_text(rnd.uniform(x0, x0 + w), rnd.uniform(y0, y0 + h), rnd.choice((4, 8, 12)), text())
        how = f"{rows}x{cols} grid"
    elif shape == "pages":
        pages = draw(st.sampled_from((1, 2, 50, 299, 300, 301)))  # MAX_PAGES is 300
        for page in range(pages):
            if page in (0, pages - 1) or rnd.random() < 0.1:
                draw_text(72, 770, 12, text())
            if page < pages - 1:
                canvas.showPage()  # the last page is ended below
        how = f"{pages} pages"
    elif shape == "text":
        for _ in range(draw(st.integers(1, 500))):
            size = rnd.choice((0.01, 0.5, 1, 8, 12, 200, 5000))
            x, y = rnd.choice((rnd.uniform(-1e5, 1e5), rnd.uniform(0, 595))), rnd.uniform(-1e3, 2e3)
            if rnd.random() < 0.2:
                canvas.saveState()
                canvas.rotate(rnd.uniform(0, 360))
                draw_text(x, y, size, text())
                canvas.restoreState()
            else:
                draw_text(x, y, size, text())
        how = "scattered text"
    elif shape == "table":
        label_rows = draw(st.integers(1, 40))
        y = 800.0
        for _ in range(label_rows):
            cells = [text()] + [_digit_run(rnd, rnd.randrange(1, 4)) for _ in range(rnd.randrange(1, 9))]
            widths = [rnd.uniform(10, 200) for _ in cells]
            height = rnd.choice((2.0, 10.0, 20.0))
            x = 20.0
            for cell, width in zip(cells, widths, strict=True):
                canvas.rect(x, y - height, width, height)
                draw_text(x + 1, y - height + 2, min(10.0, height), cell)
                x += width
            y -= height
            if y < 40:
                canvas.showPage()
                y = 800.0
        how = f"{label_rows}-row table"
    else:  # very many short strokes: each becomes an edge
        n = draw(st.sampled_from((100, 5000, 30000)))
        for _ in range(n):
            x, y = rnd.uniform(0, 595), rnd.uniform(0, 842)
            if rnd.random() < 0.5:
                canvas.line(x, y, x + rnd.uniform(3, 40), y)
            else:
                canvas.line(x, y, x, y + rnd.uniform(3, 40))
        for _ in range(50):
            draw_text(rnd.uniform(0, 595), rnd.uniform(0, 842), 8, text())
        how = f"{n} short rules"
    canvas.showPage()
    canvas.save()
    return _cap(out.getvalue()), f"pdf {how}"


# ---------------------------------------------------------------------------------------------- the mix


@st.composite
def foreign(draw: st.DrawFn, kind: str) -> tuple[bytes, str]:
    """A file of another kind, or plain random bytes, named as `kind`."""
    others = [k for k in ("txt", "html", "docx", "pdf") if k != kind]
    other = draw(st.sampled_from([*others, "random"]))
    if other == "random":
        rnd = _rng(draw)
        head = draw(
            st.sampled_from((b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"<html>", b"\xef\xbb\xbf"))
        )
        return head + rnd.randbytes(draw(st.sampled_from((1, 100, 5000, 100_000)))), f"{head[:8]!r} + random bytes"
    return draw(st.sampled_from(seeds(other))), f"a {other} file"


@st.composite
def hostile(draw: st.DrawFn, kind: str) -> Case:
    """One hostile input for the reader of `kind`."""
    branches: list[tuple[str, Callable[[], st.SearchStrategy[tuple[bytes, str]]]]] = [
        ("mutated", lambda: st.sampled_from(seeds(kind)).flatmap(lambda seed: mutated(kind, seed))),
        ("foreign", lambda: foreign(kind)),
    ]
    if kind in ("txt", "md"):
        branches.append(("structured", lambda: text_structured(kind)))
    elif kind == "html":
        branches.append(("structured", html_structured))
    elif kind == "docx":
        branches.append(("structured", docx_structured))
    elif kind == "pdf":
        branches.append(("structured", pdf_structured))
    weights = {"mutated": 4, "foreign": 1, "structured": 5}
    pool = [name for name, _ in branches for _ in range(weights[name])]
    pick = draw(st.sampled_from(pool))
    data, how = draw(dict(branches)[pick]())
    return Case(kind, data, how)
