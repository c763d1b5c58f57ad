"""Bad inputs: each gets one clear Chinese reason naming the file, and never stops the other files.

Every bad file is built in tmp_path at test time (nothing large is committed; the 200 MB file is
sparse and the zip bomb is ~300 KB on disk). The API tests cover every case; a few CLI runs check the
exit code, one stderr line per bad file, no traceback, and that the good file of the same run parses.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import pathlib
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from importlib import import_module, resources
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

import nianbao
from nianbao import NotAReport, ReadError

read_module = import_module("nianbao.read")  # `nianbao.read` the attribute is the function
docx_reader = import_module("nianbao.read.inputs.docx")
doc_reader = import_module("nianbao.read.inputs.doc")

GOOD = Path(str(resources.files("nianbao") / "samples" / "003_2be53e51c8fc0eb8.txt"))

# ---------------------------------------------------------------- builders


def make_empty(d: Path) -> Path:
    p = d / "empty.txt"
    p.write_bytes(b"")
    return p


def make_whitespace(d: Path) -> Path:
    p = d / "blank.txt"
    p.write_bytes(b"  \n\t\r\n   \r\n\n\t \n")
    return p


def make_binary(d: Path) -> Path:
    """Binary data as real binary files have it: random bytes with runs of NUL padding."""
    rnd = random.Random(0)
    p = d / "binary.txt"
    p.write_bytes(b"".join(rnd.randbytes(48) + bytes(16) for _ in range(80)))
    return p


def make_random(d: Path) -> Path:
    p = d / "garbage.txt"
    p.write_bytes(random.Random(0).randbytes(5000))
    return p


def valid_docx_bytes() -> bytes:
    word = docx.Document()
    word.add_heading("某某局2023年政府信息公开工作年度报告", level=1)
    word.add_paragraph("根据《中华人民共和国政府信息公开条例》要求，现公布本机关年度报告。")
    table = word.add_table(rows=3, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}-{c}"
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


def make_truncated_docx(d: Path) -> Path:
    data = valid_docx_bytes()
    p = d / "truncated.docx"
    p.write_bytes(data[: len(data) // 2])
    return p


def image_pdf_bytes(pages: int = 1) -> bytes:
    """A PDF whose pages hold only an image, as a scan does: no text layer."""
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        page = pdf.new_page(595, 842)
        bitmap = pdfium.PdfBitmap.new_native(200, 100, pdfium.raw.FPDFBitmap_BGR)
        bitmap.fill_rect((0, 0, 0, 255), 0, 0, 200, 100)
        image = pdfium.PdfImage.new(pdf)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(400, 200).translate(100, 500))
        page.insert_obj(image)
        page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def blank_pdf_bytes() -> bytes:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def make_truncated_pdf(d: Path) -> Path:
    data = image_pdf_bytes(pages=3)
    assert data.startswith(b"%PDF")
    p = d / "truncated.pdf"
    p.write_bytes(data[: len(data) // 2])
    return p


def make_scan_pdf(d: Path) -> Path:
    p = d / "scan.pdf"
    p.write_bytes(image_pdf_bytes())
    return p


def write_zip_bomb(p: Path, megabytes: int) -> Path:
    """A docx-shaped zip: word/document.xml plus `megabytes` MB of deflated zeros, written in chunks."""
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        with zf.open("word/media/image1.bin", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return p


def make_big(d: Path) -> Path:
    p = d / "big.txt"
    with p.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: nothing is written
    return p


NOT_A_REPORT_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>某某市人民政府门户网站 — 新闻中心</title></head>
<body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/gk">政府信息公开</a></li><li><a href="/hd">互动交流</a></li></ul></nav>
<main>
<h1>我市召开2023年第三季度经济形势分析会</h1>
<p>10月12日，市政府召开第三季度经济形势分析会，听取各部门工作汇报，研究部署下一阶段重点工作。</p>
<p>会议指出，今年以来全市经济运行总体平稳，主要指标保持合理区间。各部门要坚持问题导向，
抓好项目建设、稳就业和民生保障各项工作。</p>
<table><tr><th>联系部门</th><th>电话</th></tr><tr><td>市政府办公室</td><td>0351-1234567</td></tr></table>
</main>
<footer><p>主办：某某市人民政府办公室　备案号：晋ICP备00000000号</p></footer>
</body></html>
"""


def make_html(d: Path) -> Path:
    p = d / "news.html"
    p.write_text(NOT_A_REPORT_HTML, encoding="utf-8")
    return p


def make_doc(d: Path) -> Path:
    p = d / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 compound-file header
    return p


def make_missing(d: Path) -> Path:
    return d / "missing.txt"


# ---------------------------------------------------------------- helpers


def expect_error(path: str | os.PathLike[str], fragment: str, cls: type[ReadError] = ReadError) -> ReadError:
    """nianbao.read(path) raises exactly `cls`, naming the path as given, with `fragment` in the reason."""
    with pytest.raises(ReadError) as info:
        nianbao.read(path)
    exc = info.value
    assert type(exc) is cls, f"{type(exc).__name__}: {exc.reason}"
    assert exc.file == str(path)
    assert fragment in exc.reason, exc.reason
    assert "\n" not in exc.reason
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.reason), exc.reason  # said in Chinese
    assert str(exc) == f"{path}: {exc.reason}"
    assert exc.__cause__ is None  # no chained library exception behind the reason
    assert exc.__context__ is None or exc.__suppress_context__
    return exc


def cli_env(tmp: Path, columns: int | None = 1000) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NIANBAO_MAX_BYTES", None)
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    nobin = tmp / "empty-bin"
    nobin.mkdir(exist_ok=True)
    env["PATH"] = str(nobin)  # no soffice/libreoffice; sys.executable is absolute
    return env


def run_parse(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", "--output", "jsonl", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def assert_good_parsed(stdout: str) -> None:
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    record = json.loads(lines[0])
    assert record["file"] == str(GOOD)
    assert record["format"] == "2021"
    assert record["year"] == 2023
    assert record["agency"] == "忻州市审计局"
    assert len(record["cells"]) > 50


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.docx", 300)


@pytest.fixture
def no_soffice(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """shutil.which (as nianbao.read.inputs.doc.soffice uses it) finds nothing; LibreOffice is never run."""
    asked: list[str] = []

    def which(cmd: str, *args: object, **kwargs: object) -> None:
        asked.append(cmd)
        return None

    def run(*args: object, **kwargs: object) -> None:
        raise AssertionError("LibreOffice must not be started")

    monkeypatch.setattr(doc_reader.shutil, "which", which)
    monkeypatch.setattr(doc_reader.subprocess, "run", run)
    return asked


def test_good_sample_reads() -> None:
    """The control: the good file used by the CLI runs below really is a 2021-format report."""
    report = nianbao.read(GOOD)
    assert report.format == "2021"
    assert report.year == 2023


# ---------------------------------------------------------------- API: one test per case


def test_empty_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = make_empty(tmp_path)
    expect_error(p, "文件为空")
    expect_error(str(p), "文件为空")
    monkeypatch.chdir(tmp_path)
    assert expect_error("empty.txt", "文件为空").file == "empty.txt"  # the path exactly as given


def test_whitespace_only_file(tmp_path: Path) -> None:
    expect_error(make_whitespace(tmp_path), "文件为空")


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"  \r\n\n",
        "\u3000\u3000\n\u3000\n".encode(),
        codecs.BOM_UTF16_LE + " \r\n\t\n".encode("utf-16-le"),
    ],
    ids=["utf8-bom", "fullwidth-spaces", "utf16"],
)
def test_whitespace_only_file_in_other_encodings(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "blank.txt"
    p.write_bytes(data)
    expect_error(p, "文件为空")


def test_binary_garbage_txt(tmp_path: Path) -> None:
    expect_error(make_binary(tmp_path), "不是文本文件")


def test_random_bytes_txt(tmp_path: Path) -> None:
    expect_error(make_random(tmp_path), "不是文本文件")


def test_truncated_docx(tmp_path: Path) -> None:
    whole = tmp_path / "whole.docx"
    whole.write_bytes(valid_docx_bytes())
    expect_error(whole, "未找到年度报告的统计表", NotAReport)  # the uncut file opens fine
    expect_error(make_truncated_docx(tmp_path), "文件已损坏或不完整")


def test_truncated_pdf(tmp_path: Path) -> None:
    exc = expect_error(make_truncated_pdf(tmp_path), "PDF 文件已损坏或不完整")
    assert "没有文字层" not in exc.reason


@pytest.mark.parametrize("megabytes", [300, 20], ids=["over-200MB", "ratio-over-200"])
def test_zip_bomb_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zip_bomb: Path, megabytes: int) -> None:
    bomb = zip_bomb if megabytes == 300 else write_zip_bomb(tmp_path / "bomb.docx", megabytes)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(bomb) as zf:
        assert sum(i.file_size for i in zf.infolist()) >= megabytes * 1024 * 1024

    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy_open(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(str(name))
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    def no_docx(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx must not open a zip bomb")

    monkeypatch.setattr(zipfile.ZipFile, "open", spy_open)
    monkeypatch.setattr(docx_reader, "open_docx", no_docx)
    started = time.perf_counter()
    exc = expect_error(bomb, "压缩炸弹")
    assert time.perf_counter() - started < 2
    assert opened == []  # no member was unpacked
    assert f"{megabytes} MB" in exc.reason
    assert "拒绝读取" in exc.reason


def test_big_file_refused_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = make_big(tmp_path)
    assert p.stat().st_size == 200 * 1024 * 1024
    assert p.stat().st_size > read_module.MAX_BYTES
    touched: list[str] = []
    real_open: Callable[..., object] = pathlib.Path.open  # its overloads take no *args: object
    real_read_bytes = pathlib.Path.read_bytes

    def spy_open(self: Path, *args: object, **kwargs: object) -> object:
        touched.append(f"open {self}")
        return real_open(self, *args, **kwargs)

    def spy_read_bytes(self: Path) -> bytes:
        touched.append(f"read_bytes {self}")
        return real_read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "open", spy_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", spy_read_bytes)
    started = time.perf_counter()
    exc = expect_error(p, "文件过大")
    assert time.perf_counter() - started < 1
    assert touched == []  # refused from its size alone, content never read
    assert "200 MB" in exc.reason
    assert f"上限 {read_module.MAX_BYTES // 1048576} MB" in exc.reason


def test_html_page_that_is_not_a_report(tmp_path: Path) -> None:
    expect_error(make_html(tmp_path), "未找到年度报告的统计表", NotAReport)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    p = tmp_path / "blank.pdf"
    p.write_bytes(blank_pdf_bytes())
    exc = expect_error(p, "没有文字层")
    assert "扫描件" in exc.reason


def test_image_only_pdf_is_read_by_ocr_or_said_to_need_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan (issue #16): read by OCR when the extra is installed (this image is no report: refused as such),
    else the reason names what to install."""
    p = tmp_path / "image-only.pdf"
    p.write_bytes(image_pdf_bytes())
    from nianbao.read.inputs import ocr

    assert ocr.available()  # `make` installs the extra
    with pytest.raises(ReadError) as info:
        nianbao.read(p)
    assert info.value.file == str(p)
    assert "未找到年度报告的统计表" in info.value.reason or "文字识别没有识别出文字" in info.value.reason
    monkeypatch.setattr(ocr, "available", lambda: False)
    exc = expect_error(p, "需要文字识别")
    assert "pip install 'nianbao[ocr]'" in exc.reason


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_without_libreoffice(tmp_path: Path, no_soffice: list[str], suffix: str) -> None:
    p = make_doc(tmp_path).rename(tmp_path / f"old{suffix}")
    exc = expect_error(p, "LibreOffice")
    assert "soffice" in exc.reason
    assert "未安装" in exc.reason
    assert "soffice" in no_soffice  # the patched lookup is the one the reader used


def test_nonexistent_path(tmp_path: Path) -> None:
    for name in ("missing.txt", "missing.docx", "missing.pdf", "no-such-dir/report.html"):
        expect_error(tmp_path / name, "文件不存在")


def test_directory_passed_as_file(tmp_path: Path) -> None:
    folder = tmp_path / "report.txt"  # a directory that looks like a file
    folder.mkdir()
    expect_error(folder, "这是一个目录")
    expect_error(tmp_path, "这是一个目录")


# ---------------------------------------------------------------- CLI: a handful of runs

CLI_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (make_empty, "文件为空"),
    "scan-pdf": (make_scan_pdf, "未找到年度报告的统计表"),  # read by OCR: no report in the image
    "doc-no-libreoffice": (make_doc, "LibreOffice"),
    "missing": (make_missing, "文件不存在"),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_bad_file_then_good_file(tmp_path: Path, case: str) -> None:
    build, fragment = CLI_CASES[case]
    bad = build(tmp_path)
    result = run_parse([str(bad), str(GOOD)], cli_env(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines == [lines[0]], result.stderr
    assert lines[0].startswith(f"nianbao: {bad}: ")
    assert fragment in lines[0]
    assert_good_parsed(result.stdout)


def test_cli_every_bad_file_in_one_run(tmp_path: Path, zip_bomb: Path) -> None:
    """All bad inputs and one good file in a single run: each bad file one line, the good one parsed."""
    directory = tmp_path / "folder.txt"
    directory.mkdir()
    (directory / "inner-empty.txt").write_bytes(b"")  # a folder stands for the reports below it
    bad = [
        (make_empty(tmp_path), "文件为空"),
        (make_whitespace(tmp_path), "文件为空"),
        (make_binary(tmp_path), "不是文本文件"),
        (make_truncated_docx(tmp_path), "文件已损坏或不完整"),
        (make_truncated_pdf(tmp_path), "PDF 文件已损坏或不完整"),
        (zip_bomb, "压缩炸弹"),
        (make_big(tmp_path), "文件过大"),
        (make_html(tmp_path), "未找到年度报告的统计表"),
        (make_scan_pdf(tmp_path), "未找到年度报告的统计表"),
        (make_doc(tmp_path), "LibreOffice"),
        (make_missing(tmp_path), "文件不存在"),
        (directory / "inner-empty.txt", "文件为空"),
    ]
    args = [str(p) for p, _ in bad[:6]] + [str(GOOD)] + [str(p) for p, _ in bad[6:-1]] + [str(directory)]
    started = time.perf_counter()
    result = run_parse(args, cli_env(tmp_path))
    assert time.perf_counter() - started < 15
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(bad), result.stderr
    for line, (path, fragment) in zip(lines, bad, strict=True):
        assert line.startswith(f"nianbao: {path}: "), line
        assert fragment in line, line
    assert_good_parsed(result.stdout)


def test_cli_long_error_line_is_not_wrapped(tmp_path: Path) -> None:
    folder = tmp_path / "某某市人民政府办公室" / "2023年度政府信息公开工作年度报告（扫描件，待处理）"
    folder.mkdir(parents=True)
    bad = make_scan_pdf(folder)
    result = run_parse([str(bad), str(GOOD)], cli_env(tmp_path, columns=None))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert_good_parsed(result.stdout)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"nianbao: {bad}: ")
    assert "未找到年度报告的统计表" in lines[0]


# ---------------------------------------------------------------- hostile shapes: bounded, one line each
# (their time is measured by bench/hostile.py; here: the reason, and that the stages never see them)


def test_a_table_row_of_200000_cells_is_refused_before_the_table_stages(tmp_path: Path) -> None:
    page = tmp_path / "wide.html"
    page.write_text(
        "<html><body><p>某局2025年政府信息公开工作年度报告</p><table><tr><td>本年新收政府信息公开申请数量</td>"
        + "<td>1</td>" * 200_000
        + "</tr></table></body></html>",
        encoding="utf-8",
    )
    expect_error(page, "第 1 个表格第 1 行有超过 1000 个单元格")
    text = tmp_path / "wide.txt"
    text.write_text(
        "某局2025年政府信息公开工作年度报告\n本年新收政府信息公开申请数量\t" + "\t".join(["1"] * 200_000),
        encoding="utf-8",
    )
    expect_error(text, "第 2 行有超过 1000 个单元格")
    pipes = tmp_path / "wide.md"
    pipes.write_text("| 本年新收政府信息公开申请数量 |" + " 1 |" * 5000 + "\n", encoding="utf-8")
    expect_error(pipes, "第 1 行有超过 1000 个单元格")


def test_200000_nested_elements_are_refused_without_parsing(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><body>" + "<div>" * 200_000 + "收到和处理政府信息公开申请情况" + "</div>" * 200_000 + "</body></html>",
        encoding="utf-8",
    )
    expect_error(page, "HTML 元素嵌套 200000 层，超过 500 层的上限")


def test_nesting_that_real_pages_have_is_read(tmp_path: Path) -> None:
    """Unclosed <p>, <li>, <td> and void elements do not count as nesting; 400 real levels still read."""
    html = import_module("nianbao.read.inputs.html")
    assert html.nesting_depth("<p>a<p>b<li>c<br><img src=x><td>d" * 1000) == 0
    assert html.nesting_depth("<div><span>x</span></div>" * 1000) == 2
    page = tmp_path / "deep-but-real.html"
    report = GOOD.read_text(encoding="utf-8").replace("&", "&amp;").replace("<", "&lt;")
    page.write_text(
        "<html><body>" + "<div>" * 400 + "<pre>" + report + "</pre>" + "</div>" * 400 + "</body></html>",
        encoding="utf-8",
    )
    read = nianbao.read(page)
    assert read.agency == "忻州市审计局"
    assert read.cells["applications.new.total"].value == nianbao.read(GOOD).cells["applications.new.total"].value


def test_a_digit_run_of_thousands_of_digits_is_not_split_combinatorially(tmp_path: Path) -> None:
    """Splitting a run into a row's cells tries combinations of its length: a long run is not a row run together."""
    page = tmp_path / "run.txt"
    page.write_text(
        "某局2025年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量" + "1" * 5000 + "\n",
        encoding="utf-8",
    )
    report = nianbao.read(page)  # before the bound: C(4999, 6) candidate splits, memory without end
    assert report.cells["applications.new.natural_person"].value is None


def test_a_text_file_named_pdf_is_read_as_text(tmp_path: Path) -> None:
    renamed = tmp_path / "report.pdf"
    renamed.write_bytes(GOOD.read_bytes())
    assert nianbao.read(renamed).cells == nianbao.read(GOOD).cells
    note = tmp_path / "note.pdf"
    note.write_text("这不是 PDF，只是一段文字。\n", encoding="utf-8")
    exc = expect_error(note, "未找到年度报告的统计表", NotAReport)
    assert "PDF" not in exc.reason
    page = tmp_path / "page.docx"
    page.write_text("<html><body><p>通知</p></body></html>", encoding="utf-8")
    expect_error(page, "未找到年度报告的统计表", NotAReport)


def test_binary_named_pdf_says_the_content_is_not_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(random.Random(1).randbytes(5000))
    expect_error(fake, "扩展名为 .pdf，但文件内容不是 PDF 格式，也不是文本")
    fake_doc = tmp_path / "old.doc"
    fake_doc.write_bytes(random.Random(2).randbytes(5000))
    expect_error(fake_doc, "扩展名为 .doc，但文件内容不是 Word（.doc/.wps） 格式")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(GOOD.read_text(encoding="utf-8").encode(encoding))
    assert nianbao.read(p).cells == nianbao.read(GOOD).cells
