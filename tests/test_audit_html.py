"""The check report page (`nianbao.render`): the official tables with the faulty cells marked, the findings.

The golden page for seed 002 is `tests/golden/audit_002.html`; after an intended change of the page,
rewrite it with `NIANBAO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_audit_html.py` and review the diff.
The golden audit runs the arithmetic rules only, so that rules added to other families do not change it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

import nianbao
from nianbao.audit import Audit, check
from nianbao.render import audit_html, audits_html, source_lines
from nianbao.report import Cell, Report

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
GOLDEN = Path(__file__).parent / "golden" / "audit_002.html"
ARITHMETIC = ["arithmetic"]  # the rules whose findings these tests look at; other families are still growing
SCRIPT = '<script>alert("x")</script>'


def _sample(seed: str) -> Path:
    (path,) = SAMPLES.glob(f"{seed}_*.txt")
    return path


def _read(seed: str) -> tuple[Report, dict[int, str]]:
    path = _sample(seed)
    return nianbao.read(path, name=path.name), source_lines(path)


def _td(page: str, key: str) -> tuple[str, str]:
    """The opening tag and the content of the table cell of `key`."""
    m = re.search(rf'<td([^>]*\bid="r1-c-{re.escape(key)}"[^>]*)>(.*?)</td>', page)
    assert m, f"no table cell for {key}"
    return m.group(1), m.group(2)


def _with(report: Report, key: str, printed: str) -> None:
    old = report.cells[key]
    value = int(printed) if printed.isdigit() else None
    report.cells[key] = Cell(key, value, printed, old.location)


def test_a_wrong_cell_is_marked_with_its_codes() -> None:
    report, lines = _read("003")
    _with(report, "applications.new.total", "7")  # every row of 003 is 0: the row and column totals break
    audit = check(report, select_rules=ARITHMETIC)
    assert {f.rule for f in audit.findings} >= {"A101", "A103"}
    page = audit_html(report, audit, lines=lines)
    tag, content = _td(page, "applications.new.total")
    assert 'class="sev-error"' in tag
    assert content.startswith("7")
    assert re.search(r"<sup>.*>A101</a>.*>A103</a>.*</sup>", content)
    assert "应为 0" in content  # A103: the row's applicants sum to 0
    assert "title=" in tag
    assert "勾稽关系" in tag
    involved_tag, _ = _td(page, "applications.new.commercial")  # in A103's sum, not blamed
    assert 'class="sev-error involved"' in involved_tag
    untouched_tag, untouched = _td(page, "applications.granted.commercial")
    assert "class=" not in untouched_tag
    assert untouched == "0"
    # the findings list: code, the cell with what is printed and expected, the source line quoted
    assert ">A103</span>" in page
    assert ">错误</span>" in page
    assert ">不符合</span>" in page
    assert "<code>applications.new.total</code>" in page
    assert 'class="num bad">7</td>' in page
    assert re.search(r'<span class="ln">第\d+行</span><span class="src">一、本年新收政府信息公开申请数量', page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for anchor in re.findall(r'href="#([^"]+)"', page):
        assert anchor in ids


def test_the_tables_have_the_official_merged_headers() -> None:
    report, _ = _read("003")
    page = audit_html(report, check(report))
    assert re.search(r'<th rowspan="3" colspan="3">（本列数据的勾稽关系为[^<]*）</th>', page)
    assert '<th colspan="7">申请人情况</th>' in page
    assert '<th colspan="5">法人或其他组织</th>' in page
    assert '<th rowspan="2">自然人</th>' in page
    assert re.search(r'<th colspan="\d+">行政复议</th>', page)
    assert page.count('<table class="official">') == 3


def test_a_clean_report_says_so() -> None:
    report, _ = _read("003")
    page = audit_html(report, Audit(report.file, report.agency, report.year, report.format))
    assert "未发现问题" in page
    assert "未发现错误或警告" in page
    assert not re.search(r'<td[^>]*class="sev-', page)


def test_an_empty_cell_stays_empty() -> None:
    report, lines = _read("002")  # applications.total.nonprofit is printed empty
    page = audit_html(report, check(report, select_rules=ARITHMETIC), lines=lines)
    tag, content = _td(page, "applications.total.nonprofit")
    assert 'class="sev-info"' in tag
    assert content.startswith("<sup>")  # nothing printed before the rule codes
    assert "（空白）" in page


def test_text_from_the_report_is_escaped() -> None:
    report, lines = _read("003")
    key = "applications.new.natural_person"
    report.agency = f"某局{SCRIPT}"
    report.title = SCRIPT
    report.file = f"{SCRIPT}.txt"
    report.text = f"{SCRIPT}\n{report.text}"
    _with(report, key, SCRIPT)  # a cell printed as text: the identities on it are not assessable
    location = report.cells[key].location
    assert location is not None
    assert location.line is not None
    line = location.line
    lines[line] = f"{lines[line]}{SCRIPT}"
    page = audit_html(report, check(report), lines=lines)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    multi = audits_html([(report, check(report))], lines=[lines])
    assert "<script" not in multi.lower()


def test_a_report_without_a_format_still_renders() -> None:
    report, _ = _read("004")
    report.format = None
    page = audit_html(report, check(report))
    assert "未能识别报告所用的表格格式" in page
    assert '<table class="official">' not in page


def test_several_reports_on_one_page() -> None:
    pairs = []
    for seed in ("002", "003"):
        report, _ = _read(seed)
        pairs.append((report, check(report)))
    page = audits_html(pairs)
    assert page.count('<section class="report"') == 2
    assert 'href="#r1"' in page
    assert 'href="#r2"' in page
    assert "乡宁县审计局" in page
    assert "忻州市审计局" in page
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert not [i for i, n in ids.items() if n > 1]
    with pytest.raises(ValueError, match="one entry"):
        audits_html(pairs, lines=[None])


def test_golden_page_of_seed_002() -> None:
    report, lines = _read("002")
    page = audit_html(report, check(report, select_rules=ARITHMETIC), lines=lines)
    if os.environ.get("NIANBAO_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(page, encoding="utf-8")
        return
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing: write it with NIANBAO_UPDATE_GOLDEN=1 and review it")
    assert page == GOLDEN.read_text(encoding="utf-8"), "the page changed: review, then NIANBAO_UPDATE_GOLDEN=1"
