"""The audit of a report being written (`Options(draft=True)`): a part to be written left empty or holding
placeholder text is an error (S406), where a published report read back only gets S405's warning."""

from __future__ import annotations

import copy

import pytest

import nianbao
from nianbao.audit import Finding, Options, Severity, check
from nianbao.audit.rules.structure import unwritten
from nianbao.report import Report
from tests.conftest import SAMPLES

DRAFT = Options(draft=True)


@pytest.fixture(scope="module")
def sample() -> Report:
    return nianbao.read(next(SAMPLES.glob("003_*.txt")))


def _with(report: Report, texts: dict[int, str]) -> Report:
    out = copy.deepcopy(report)
    for section in out.sections:
        if section.number in texts:
            section.text = section.narrative = texts[section.number]
    return out


def _of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_a_written_sample_is_clean_either_way(sample: Report) -> None:
    for options in (None, DRAFT):
        findings = check(sample, options=options).findings
        assert _of(findings, "S406") == []
        assert _of(findings, "S405") == []


def test_empty_parts_are_errors_in_a_draft_and_a_warning_in_a_published_report(sample: Report) -> None:
    empty = _with(sample, {1: "", 5: "", 6: "  "})
    read_back = check(empty).findings
    assert _of(read_back, "S406") == []
    assert [(f.severity, f.subject) for f in _of(read_back, "S405")] == [(Severity.WARNING, "section-5")]

    draft = check(empty, options=DRAFT).findings
    unwritten_parts = _of(draft, "S406")
    assert [(f.severity, f.subject) for f in unwritten_parts] == [
        (Severity.ERROR, "section-1"),
        (Severity.ERROR, "section-5"),
        (Severity.ERROR, "section-6"),
    ]
    assert unwritten_parts[0].message.startswith("第一部分“总体情况”正文为空，尚未撰写")
    assert unwritten_parts[2].message.startswith("第六部分“其他需要报告的事项”正文为空")
    assert _of(draft, "S405") == []  # the empty part 五 is S406's error, not also S405's warning


def test_placeholders_are_errors_and_six_may_say_nothing(sample: Report) -> None:
    draft = check(_with(sample, {1: "略", 5: "暂无。", 6: "无"}), options=DRAFT).findings
    assert [(f.subject, f.message.split("，")[0]) for f in _of(draft, "S406")] == [
        ("section-1", "第一部分“总体情况”正文只写“略”"),
        ("section-5", "第五部分“存在的主要问题及改进情况”正文只写“暂无。”"),
    ]  # 六 written as 无: nothing else to report, as the format says
    draft = check(_with(sample, {6: "XXX"}), options=DRAFT).findings
    assert [f.subject for f in _of(draft, "S406")] == ["section-6"]


def test_a_prompt_is_reported_once(sample: Report) -> None:
    prompt = "（请填写存在的主要问题及改进情况，并说明上年度问题的整改情况）"
    for options in (None, DRAFT):
        found = _of(check(_with(sample, {5: prompt}), options=options).findings, "S406")
        assert [f.subject for f in found] == ["section-5"]
        assert "仍是填写提示" in found[0].message


def test_a_short_but_real_part_five_stays_a_warning_in_a_draft(sample: Report) -> None:
    draft = check(_with(sample, {5: "培训不足，将加强培训。"}), options=DRAFT).findings
    assert _of(draft, "S406") == []
    assert [f.severity for f in _of(draft, "S405")] == [Severity.WARNING]


@pytest.mark.parametrize(
    ("number", "text", "why"),
    [
        (1, "", "正文为空"),
        (1, " \n\u3000", "正文为空"),
        (1, "略", "正文只写“略”"),
        (1, "无。", "正文只写“无。”"),
        (5, "暂无", "正文只写“暂无”"),
        (5, "XXX", "正文只写“XXX”"),
        (5, "×××", "正文只写“×××”"),
        (5, "……", "正文只写“……”"),
        (6, "待补充", "正文只写“待补充”"),
        (6, "TODO", "正文只写“TODO”"),
        (
            1,
            "请在此填写总体情况：主动公开、依申请公开、政府信息管理",
            "正文只写“请在此填写总体情况：主动公开、依申请公开…”",
        ),
        (6, "无", None),
        (6, "暂无其他需要报告的事项。", None),
        (1, "2025年，本局认真贯彻落实条例。", None),
        (5, "XX科室答复不及时，下一步将加强督办。", None),
    ],
)
def test_unwritten(number: int, text: str, why: str | None) -> None:
    assert unwritten(number, text) == why
