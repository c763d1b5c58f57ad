"""The five letters of the example case (`nianbao.ledger.letter_sample`) as golden texts, and opened by LibreOffice.

The golden files are `tests/golden/letters/<kind>.txt`: every paragraph of the generated .docx, one a line.
After an intended change of a letter, delete the file and rewrite it with
`NIANBAO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_letters_golden.py`, then review the diff. The dates are
also asserted one by one below, counted by hand over the National Day break of 2025 (10-01…08 off, Saturday
10-11 worked).

LibreOffice (`soffice --headless --convert-to pdf`) must open every letter and print the agency, the article
and the dates into the PDF; skipped only where soffice is not installed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pdfplumber
import pytest

from nianbao.ledger import calendar_store, letter_store
from nianbao.ledger.letter_sample import TODAY, sample_case
from nianbao.render.letters import KINDS
from nianbao.store import db

GOLDEN = Path(__file__).parent / "golden" / "letters"
NOW = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)

#: What each letter must say: the article and the dates of the example case.
EXPECTED: dict[str, tuple[str, ...]] = {
    "correction_notice": (
        "第三十条",
        "本机关于2025年9月26日收到您提交的政府信息公开申请",
        "请您于2025年10月17日前以书面形式向本机关提交补正后的申请",
        "请写明所需合同的项目名称或合同编号。",
        "〔2025〕补字第2025-0007号",
        "2025年9月29日",
    ),
    "extension_notice": (
        "第三十三条第二款",
        "原答复期限（2025年11月17日）",  # restarted 10-09, 8 working days of consultation not counted
        "答复期限延长20个工作日，本机关将于2025年12月15日前作出答复",
        "2025年11月3日",
    ),
    "consultation_letter": (
        "第三十二条",
        "某某建设有限公司：",
        "15个工作日内（当日收到的，至2025年10月30日）",
        "2025年10月10日",
    ),
    "fee_notice": (
        "第四十二条",
        "国办函〔2020〕109号",
        "信息处理费200元（按量计收）",
        "第31–100页：每页10元，本档20页，计200元",
        "当日收到的，至2025年12月2日",
        "2025年11月4日",
    ),
    "reply": (
        "本机关于2025年9月26日收到您提交的政府信息公开申请，于2025年10月9日收到您补正后的申请",
        "第三十七条、第三十六条第（二）项、第（三）项",
        "理由如下：合同附件中的供应商报价明细涉及商业秘密，第三方不同意公开。",
        "六十日内向示例县人民政府申请行政复议",
        "六个月内依法向人民法院提起行政诉讼",
        "2025年11月20日",
    ),
}


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The five letters of the example case, generated once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('letters') / 'letters.db'}"
    out = {}
    with db.session(url) as s:
        case = sample_case(s)
        calendar = calendar_store.load_calendar(s)
        for kind in KINDS:
            document, found = letter_store.generate(s, case, kind, today=TODAY, calendar=calendar, now=NOW)
            assert found.warnings == [], (kind, found.warnings)
            out[kind] = document.content
    db.dispose(url)
    return out


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs) + "\n"


@pytest.mark.parametrize("kind", list(KINDS))
def test_golden(letters: dict[str, bytes], kind: str) -> None:
    text = text_of(letters[kind])
    golden = GOLDEN / f"{kind}.txt"
    if os.environ.get("NIANBAO_UPDATE_GOLDEN") == "1" and not golden.exists():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    if not golden.exists():
        pytest.fail(f"{golden} is missing: write it with NIANBAO_UPDATE_GOLDEN=1 and review it")
    assert text == golden.read_text(encoding="utf-8"), f"the {kind} letter changed: review, delete and rewrite it"


@pytest.mark.parametrize("kind", list(KINDS))
def test_dates_and_articles(letters: dict[str, bytes], kind: str) -> None:
    text = text_of(letters[kind])
    assert text.startswith("示例县财政局\n")
    assert "《中华人民共和国政府信息公开条例》" in text
    for expected in EXPECTED[kind]:
        assert expected in text, expected
    assert "{{" not in text
    assert "}}" not in text


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: `make system-deps` installs it")
def test_libreoffice_opens_every_letter(letters: dict[str, bytes], tmp_path: Path) -> None:
    assert SOFFICE is not None
    paths = []
    for kind, content in letters.items():
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(content)
        paths.append(path)
    cmd = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile"]
    subprocess.run(
        [*cmd, "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
        capture_output=True,
        timeout=180,
        check=True,
    )
    for kind in KINDS:
        pdf = tmp_path / f"{kind}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert the {kind} letter"
        with pdfplumber.open(pdf) as opened:
            assert len(opened.pages) == 1, kind
            printed = "".join((page.extract_text() or "") for page in opened.pages).replace("\n", "").replace(" ", "")
        assert "示例县财政局" in printed
        assert EXPECTED[kind][0] in printed
        assert EXPECTED[kind][-1] in printed  # the letter's date
