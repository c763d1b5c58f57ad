"""The reader on generated real-world forms of the corpus reports (issue #15): never confidently wrong.

A property over (corpus report, seed) per form class of `tests/forms/generate.py`: every cell the reader
returns is the truth's, or flagged (None, a problem or a `cells` finding naming it; `tests/forms/score.py`).
The classes that fail today are marked `xfail(strict=True)`: the test documents the present state and
fails as soon as a class passes, to have its mark removed. `bench/forms.py` prints the full per-class figures.

The generators are checked too: each really produces its shape, never silently the clean form.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.forms.generate import CLASSES, clean, crawler, crawler_2019, glued, label_variants, torn_md, wrapped
from tests.forms.labels import VARIANTS
from tests.forms.score import score
from tests.forms.source import Source, corpus_sources, load_source, printed

SETTINGS = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    report_multiple_bugs=False,  # one AssertionError, which the xfail marks expect
    suppress_health_check=[HealthCheck.too_slow],
)
SEEDS = st.integers(min_value=0, max_value=3)

# The classes on which the reader is confidently wrong today (bench/forms.py, seed 0), with what goes wrong.
FAILING: dict[str, str] = {}


@cache
def sources() -> tuple[Source, ...]:
    return tuple(load_source(p) for p in corpus_sources())


def applicable(name: str) -> list[Source]:
    return [s for s in sources() if CLASSES[name].applies(s)]


def _param(name: str) -> object:
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=FAILING[name])] if name in FAILING else []
    return pytest.param(name, marks=marks, id=name)


def test_corpus_has_reports_of_both_formats() -> None:
    formats = {s.format.name for s in sources()}
    assert len(sources()) >= 10
    assert formats == {"2019", "2021"}


@pytest.mark.parametrize("name", [_param(n) for n in CLASSES])
def test_never_confidently_wrong(name: str) -> None:
    @SETTINGS
    @given(index=st.integers(min_value=0, max_value=len(applicable(name)) - 1), seed=SEEDS)
    def check(index: int, seed: int) -> None:
        source = applicable(name)[index]
        result = score(source, CLASSES[name], seed)
        assert result is not None
        wrong = [f"{w.key}: got {w.got!r}, truth {w.want!r}" for w in result.wrong]
        assert not wrong, f"{source.name} as {name} (seed {seed}), confidently wrong:\n" + "\n".join(wrong)

    check()


@pytest.mark.parametrize("name", list(CLASSES))
@pytest.mark.parametrize("seed", [0, 1])
def test_at_least_99_percent_of_cells_right(name: str, seed: int) -> None:
    """Issue #15's acceptance, per class: of all cells of all applicable reports, at least 99% read right (the
    rest left unread or flagged; `bench/forms.py` prints the figures)."""
    results = [score(source, CLASSES[name], seed) for source in applicable(name)]
    cells = sum(r.cells for r in results if r is not None)
    right = sum(r.right for r in results if r is not None)
    assert right >= 0.99 * cells, f"{name} (seed {seed}): {right}/{cells} = {100 * right / cells:.2f}% right"


def test_clean_form_reads_as_the_truth() -> None:
    """The control: if the official markdown does not read back, the bench measures the pipeline, not the forms."""
    for source in sources():
        result = score(source, CLASSES["clean"], 0)
        assert result is not None
        assert result.right == result.cells, source.name
        assert (result.format_right, result.year_right, result.agency_right) == (True, True, True), source.name


# ---------------------------------------------------------------------------------------------
# Each generator produces its shape
# ---------------------------------------------------------------------------------------------


def _tables_part(text: str) -> str:
    """From the heading of section 二 to that of section 五 (the three tables)."""
    start = text.index("二、主动公开政府信息情况")
    return text[start : text.index("五、", start)]


def _all(name: str) -> list[tuple[Source, int]]:
    return [(s, seed) for s in applicable(name) for seed in range(4)]


def test_generators_are_deterministic_and_never_the_clean_form() -> None:
    for name, form in CLASSES.items():
        for source in applicable(name):
            first = form.make(source, 0)
            assert first == form.make(source, 0), (name, source.name)
            if name != "clean":
                assert first.text != clean(source).text, (name, source.name)


def test_crawler_runs_table_cells_together() -> None:
    for source, seed in _all("crawler") + _all("crawler_2019"):
        out = (crawler if source.format.name == "2021" else crawler_2019)(source, seed)
        body = out.text.split("====\n", 1)[1]
        assert body.count("\n") == 1, "the page is one line after the crawler's header"
        if seed % 2 == 1:  # odd seeds space some cells, as some pages do
            continue
        assert not re.search(r"\d\s+\d", _tables_part(body)), source.name
        new = source.format.rows_of("三")[0]
        assert new.label + "".join(printed(source.truth, k) for k in new.cells) in body


def test_crawler_2019_runs_the_procurement_count_into_its_amount() -> None:
    """`政府集中采购293571元`: the count, then the amount with its unit, as the pages print it."""
    for source in applicable("crawler_2019"):
        (row,) = [r for r in source.format.rows_of("二") if r.label == "政府集中采购"]
        count, amount = (printed(source.truth, k) for k in row.cells)
        assert f"政府集中采购{count}{amount}元" in crawler_2019(source).text


def test_glued_tables_end_in_a_year_paragraph() -> None:
    for source, seed in _all("glued"):
        text = glued(source, seed).text
        glued_rows = re.findall(rf"[\d\t]{source.year}年，我局", text)
        assert len(glued_rows) == 3, (source.name, seed)
        fee = printed(source.truth, "active.fees.amount") if source.format.name == "2021" else ""
        if "." in fee:
            assert re.search(rf"\t{re.escape(fee)}\d", text), (source.name, fee)


def test_torn_md_tears_headers_labels_and_pages() -> None:
    for source, seed in _all("torn_md"):
        lines = torn_md(source, seed).text.splitlines()
        pages = [i for i, line in enumerate(lines) if re.fullmatch(r"- \d+ -|第 \d+ 页", line)]
        assert pages, source.name
        assert any(lines[i - 1].startswith("|") or lines[i + 1].startswith("|") for i in pages)
        assert any(line.startswith("| 商业企 |") for line in lines)
        assert any(line.startswith("| 业 |") for line in lines)
        label_lines = [line for line in lines if not line.startswith(("|", "#", "-", "第")) and line]
        three = source.format.rows_of("三")
        assert sum(1 for r in three if r.label in label_lines) < len(three) - 1, "some labels must be missing"
        values_only = [line for line in lines if re.fullmatch(r"\|( [\d.]* \|)+", line)]
        assert len(values_only) >= len(three)


def test_wrapped_breaks_long_labels_and_pages() -> None:
    for source, seed in _all("wrapped"):
        text = wrapped(source, seed).text
        assert re.search(r"^ +-\d+-$", text, re.M), source.name
        long = [r.label for r in source.format.rows_of("三") if len(r.label) > 12]
        assert long
        assert not any(label in text for label in long), "long labels must wrap"
        assert max(len(line) for line in _tables_part(text).splitlines()) < 120


def test_label_variants_replace_official_labels() -> None:
    for source, seed in _all("label_variants"):
        text = label_variants(source, seed).text
        rows = [r.label for r in source.format.rows if r.label in VARIANTS]
        replaced = [label for label in rows if not re.search(rf"^\| {re.escape(label)} ", text, re.M)]
        assert len(rows) >= 10
        assert len(replaced) >= len(rows) - 1, source.name
