"""Wrapped layout text (issue #15, class `wrapped`) and a stray digit glued to the year after a run (class `glued`).

`pdftotext -layout` at a narrow width prints a long row label on several lines with its values on the first one;
the reader joins the label's lines (`read.wraps`) and reads the values after it. A digit run into the year of the
next sentence after a run of digits (`978407 32019年`) is never taken as the row's last value when that breaks the
row: the row ends before it, or is left unread.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import nianbao
from nianbao.formats import get_format
from nianbao.read.document import Block, Document
from nianbao.read.fit import fit_row
from nianbao.read.linear import Linear
from nianbao.read.values import tokens
from nianbao.read.wraps import unwrap
from nianbao.report import Location
from tests.forms.generate import CLASSES
from tests.forms.score import score
from tests.forms.source import corpus_sources, load_source


def _doc(*lines: str) -> Document:
    doc = Document(kind="txt")
    for n, line in enumerate(lines, 1):
        doc.blocks.append(Block.line(line, Location(line=n, start=0, end=len(line))))
    return doc


NEW_ROW = ("一、本年新收政府信息    21     0     0     0     0     0    21", "  公开申请数量")


def test_a_label_wrapped_around_its_values_is_laid_out_before_them() -> None:
    doc = _doc(*NEW_ROW, "二、上年结转政府信息", "  公开申请数量           0     0     0     0     0     0     0")
    plan = unwrap(doc)
    assert list(plan) == [0]
    assert plan[0].continued == (1,)
    lin = Linear(doc)
    assert "一、本年新收政府信息公开申请数量210000021二、上年结转" in lin.search
    # the values keep their place in the source line
    at = lin.raw.index("21")
    loc = lin.locate(at, at + 2)
    assert (loc.line, loc.start) == (1, NEW_ROW[0].index("21"))


def test_lines_that_do_not_complete_a_label_stay_in_place() -> None:
    doc = _doc(
        "（二）部分公开（区分     4     0     0     0     0     0     4",
        "    （三）不予公开",
        "行政许可               550",
        "   第二十条",
    )
    assert unwrap(doc) == {}
    assert Linear(doc).search.startswith("(二)部分公开(区分4000004(三)不予公开")


def test_a_label_continued_on_several_lines() -> None:
    doc = _doc(
        "（二）部分公开（区分     4     0     0     0     0     0     4",
        "  处理的，只计这一情形",
        "  ，不计其他情形）",
        "    （三）不予公开",
    )
    assert unwrap(doc)[0].continued == (1, 2)


def test_wrapped_forms_read_right() -> None:
    for path in corpus_sources():
        source = load_source(path)
        for seed in range(2):
            result = score(source, CLASSES["wrapped"], seed)
            assert result is not None
            assert not result.wrong, (source.name, seed)
            if result.error is None:
                assert result.right >= result.cells - 4, (source.name, seed, result.cells - result.right)


def test_a_digit_glued_to_the_year_after_a_run_is_not_a_value(tmp_path: Path) -> None:
    fmt = get_format("2019")
    (row,) = [r for r in fmt.rows_of("二") if r.label == "政府集中采购"]
    found = tokens("978407 32019年，我局按照上级要求如实统计上述数据。", 0)
    assert [t.glued for t in found if t.kind == "num"] == [False, True]
    fit = fit_row(fmt, row, [t for t in found if t.kind == "num"], True)
    assert [t.number if t is not None else None for t in fit.cells] == [Decimal(9), Decimal(78407)]


def test_a_digit_glued_to_the_year_that_cannot_be_told_leaves_the_row_unread() -> None:
    fmt = get_format("2019")
    (row,) = [r for r in fmt.rows_of("二") if r.label == "政府集中采购"]
    found = [t for t in tokens("1150000 32019年，我局如实统计。", 0) if t.kind == "num"]
    fit = fit_row(fmt, row, found, True)
    assert fit.cells[0] is None or fit.tied  # 1 | 150000 or 11 | 50000: never 1150000 | 3
    assert all(t is None or t.printed != "3" for t in fit.cells)


def test_a_value_glued_to_the_year_is_still_read(tmp_path: Path) -> None:
    """`…0 0 02023年`: the last cell's 0 run into the year is the row's value (the row holds with it)."""
    fmt = get_format("2021")
    row = fmt.rows_of("三")[-1]
    found = [t for t in tokens("0 0 0 0 0 0 02023年，我局", 0) if t.kind == "num"]
    fit = fit_row(fmt, row, found, False)
    assert fit.quality == 0
    assert [t.number if t is not None else None for t in fit.cells] == [Decimal(0)] * 7


def test_glued_forms_never_confidently_wrong() -> None:
    for path in corpus_sources():
        source = load_source(path)
        for seed in (1, 3):
            result = score(source, CLASSES["glued"], seed)
            assert result is not None
            assert not result.wrong, (source.name, seed)


def test_wrapped_report_reads_its_new_applications(tmp_path: Path) -> None:
    source = load_source(next(p for p in corpus_sources() if p.stem == "r012"))
    path = tmp_path / "r012.txt"
    path.write_text(CLASSES["wrapped"].make(source, 0).text, encoding="utf-8")
    report = nianbao.read(path)
    assert report.value("applications.new.natural_person") == 21
    assert report.value("active.fees.amount") == Decimal("7730.28")


def test_long_runs_of_digits_and_spaces_cost_little() -> None:
    import time

    lines = ["1" * 5000 + "x", "1 " * 3000 + "x", "规章" + " 1" * 140, "公开申请数量"] * 50
    started = time.perf_counter()
    unwrap(_doc(*lines))
    assert time.perf_counter() - started < 2
