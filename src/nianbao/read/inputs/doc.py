"""Input kind doc: old Word (.doc) and WPS (.wps) files, converted to .docx by LibreOffice when it is installed,
then read as docx. The conversion may take `ReadOptions.convert_timeout_s` seconds."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from nianbao.read.document import Document
from nianbao.read.errors import ReadError
from nianbao.read.inputs.docx import read_docx
from nianbao.read.options import ReadOptions


def soffice() -> str | None:
    """The LibreOffice executable, if one is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def lift_address_limit() -> Callable[[], None] | None:
    """A `preexec_fn` giving LibreOffice the hard address-space limit when this process runs under a lower soft
    one (a `nianbao.jobs` worker bounds the readers so; LibreOffice alone maps 400-600 MB), else None."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return partial(resource.setrlimit, resource.RLIMIT_AS, (hard, hard)) if soft != hard else None


def read_doc(path: Path, file: str, options: ReadOptions) -> Document:
    """The .doc/.wps file as a Document (its conversion read as docx), or a ReadError naming `file`."""
    exe = soffice()
    if exe is None:
        raise ReadError(
            file, "读取 .doc/.wps 文件需要 LibreOffice（soffice），本机未安装；请安装 LibreOffice，或把文件另存为 .docx"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        source = Path(tmp) / f"input{path.suffix.lower() or '.doc'}"
        shutil.copyfile(path, source)
        cmd = [
            exe,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            subprocess.run(
                cmd,
                capture_output=True,
                timeout=options.convert_timeout_s,
                check=False,
                preexec_fn=lift_address_limit(),
            )
        except subprocess.TimeoutExpired:
            raise ReadError(file, f"LibreOffice 转换超时（{options.convert_timeout_s} 秒）") from None
        converted = source.with_suffix(".docx")
        if not converted.exists() or converted.stat().st_size == 0:
            raise ReadError(file, "LibreOffice 无法转换该文件（文件可能已损坏，或不是 Word/WPS 文档）")
        doc = read_docx(converted, file, options)
    doc.kind = "doc"
    return doc
