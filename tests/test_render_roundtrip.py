"""Round trip: random consistent reports of both formats, rendered as md, html, docx and pdf, read back the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.formats import sections
from nianbao.render import KINDS, render_bytes
from nianbao.report import Cell, Report, Section
from tests.synth import consistent_cells

# Sentences of the kind reports are written in, without digits or headings, so that any mix of them
# is a plausible narrative.
PHRASES = (
    "我局认真贯彻落实《中华人民共和国政府信息公开条例》，持续深化政务公开工作。",
    "严格执行保密审查制度，坚持先审查后公开。",
    "及时更新政府信息公开指南和目录，方便群众查阅。",
    "依申请公开工作规范有序，答复内容准确完整。",
    "政务新媒体管理进一步加强，信息发布更加及时。",
    "部分栏目更新不够及时，政策解读形式较为单一。",
    "下一步将加强业务培训，提升工作人员能力。",
    "本年度未收取信息处理费。",
    "无其他需要报告的事项。",
)
AGENCIES = ("某某县审计局", "某某市生态环境局", "某某区人民政府", "某某县市场监督管理局")


@st.composite
def reports(draw: st.DrawFn) -> Report:
    fmt = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.sampled_from([2019, 2020] if fmt == "2019" else [2021, 2023, 2025]))
    values = draw(consistent_cells(fmt))
    texts = {n: "\n".join(draw(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3))) for n in (1, 5, 6)}
    cells = {k: Cell(k, v if isinstance(v, Decimal) else int(v), str(v)) for k, v in values.items()}
    secs = [
        Section(s.number, "", s.heading, texts.get(s.number, ""), None, texts.get(s.number, "")) for s in sections()
    ]
    return Report(
        file="random",
        kind="data",
        format=fmt,
        year=year,
        agency=draw(st.sampled_from(AGENCIES)),
        date=dt.date(year + 1, 1, 20),
        cells=cells,
        sections=secs,
        preamble=draw(st.sampled_from(PHRASES[:3])),
    )


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_rendered_report_reads_back_the_same(kind: str, report: Report, tmp_path: Path) -> None:
    path = tmp_path / f"report.{kind}"
    path.write_bytes(render_bytes(report, kind))
    back = nianbao.read(path)
    assert (back.format, back.year, back.agency) == (report.format, report.year, report.agency)
    wrong = [(k, back.value(k), c.value) for k, c in report.cells.items() if back.value(k) != c.value]
    assert not wrong, wrong[:5]
    for number in (1, 5, 6):
        mine, theirs = report.section(number), back.section(number)
        assert mine is not None
        assert theirs is not None, f"section {number} not found in the {kind}"
        assert _squeeze(theirs.narrative) == _squeeze(mine.narrative)
    assert _squeeze(back.preamble) == _squeeze(report.preamble)
