"""`nianbao ledger letter`: a case's letter written to a file (and kept with the case), in process.

The command is mounted here on a Typer app of its own, as `nianbao ledger` mounts it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import typer
from typer.testing import CliRunner

from nianbao.cli import ledger_letters
from nianbao.ledger import letter_store
from nianbao.ledger.letter_sample import AGENCY, REFERENCE, sample_case

if TYPE_CHECKING:
    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

runner = CliRunner()
app = typer.Typer()
app.command()(ledger_letters.letter)
app.command(name="noop")(lambda: None)  # two commands: `letter` is then named on the command line, as in nianbao


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)


def test_a_reply_and_a_correction_notice_to_files(ledger_db: LedgerDB, tmp_path: Path) -> None:
    with ledger_db.session() as s, s.begin():
        case_id = sample_case(s).id
    out = tmp_path / "答复.docx"
    result = runner.invoke(app, ["letter", REFERENCE, "--agency", AGENCY, "--kind", "reply", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "已生成 案件 2025-0007 答复书（部分公开）（落款 2025年11月20日）" in result.stderr
    assert "已保存在案件中" in result.stderr
    text = _text(out)
    assert "第三十七条、第三十六条第（二）项、第（三）项" in text
    assert text.endswith("示例县财政局\n2025年11月20日")

    notice = tmp_path / "补正.docx"
    args = ["letter", REFERENCE, "--agency", AGENCY, "--kind", "补正通知书", "--out", str(notice), "--no-keep"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "请您于2025年10月17日前" in _text(notice)
    with ledger_db.session() as s:
        assert [d.kind for d in letter_store.documents(s, case_id)] == ["reply"]


def test_refusals_are_one_line(ledger_db: LedgerDB, tmp_path: Path) -> None:
    with ledger_db.session() as s, s.begin():
        sample_case(s, outcome="granted")
    out = tmp_path / "x.docx"
    bad_kind = runner.invoke(app, ["letter", REFERENCE, "--agency", AGENCY, "--kind", "通知", "--out", str(out)])
    assert bad_kind.exit_code == 2
    assert "文书类型“通知”无法识别" in bad_kind.stderr
    early = runner.invoke(
        app, ["letter", REFERENCE, "--agency", AGENCY, "--kind", "reply", "--on", "2025-01-01", "--out", str(out)]
    )
    assert early.exit_code == 1
    assert "早于收到申请日期" in early.stderr
    assert "Traceback" not in early.output
    assert not out.exists()
