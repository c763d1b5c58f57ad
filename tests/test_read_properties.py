"""Properties of reading: random consistent reports printed in every layout read back exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.formats import get_format
from tests.conftest import same
from tests.synth import consistent_cells, render_text

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read(tmp_path: Path, text: str, name: str = "report.txt") -> nianbao.Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return nianbao.read(path)


@SETTINGS
@given(
    data=st.data(),
    fmt=st.sampled_from(["2019", "2021"]),
    layout=st.sampled_from(["spaced", "tabs", "word_cells", "markdown"]),
)
def test_separated_layouts_read_back_exactly(tmp_path: Path, data: st.DataObject, fmt: str, layout: str) -> None:
    values = data.draw(consistent_cells(fmt))
    year = 2020 if fmt == "2019" else 2024
    report = _read(tmp_path, render_text(fmt, year, "某某县审计局", dict(values), layout))
    assert (report.format, report.year, report.agency) == (fmt, year, "某某县审计局")
    wrong = [k for k, v in values.items() if not same(report.value(k), v)]
    assert not wrong, [(k, report.value(k), values[k]) for k in wrong[:5]]


@SETTINGS
@given(
    data=st.data(), fmt=st.sampled_from(["2019", "2021"]), layout=st.sampled_from(["tabs", "word_cells", "markdown"])
)
def test_blank_cells_stay_blank_and_distinct_from_zero(
    tmp_path: Path, data: st.DataObject, fmt: str, layout: str
) -> None:
    values: dict[str, int | Decimal | None] = dict(data.draw(consistent_cells(fmt)))
    keys = sorted(values)
    blanks = set(data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=6, unique=True)))
    for k in blanks:
        values[k] = None
    year = 2020 if fmt == "2019" else 2023
    report = _read(tmp_path, render_text(fmt, year, "某某市司法局", values, layout))
    assert set(report.blank_keys) == blanks
    wrong = [k for k, v in values.items() if not same(report.value(k), v)]
    assert not wrong


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(["2019", "2021"]))
def test_run_together_digits_are_never_split_wrongly_in_silence(tmp_path: Path, data: st.DataObject, fmt: str) -> None:
    """Cells run together (crawler text): every value read is right unless the reader says a split is unsure."""
    values = data.draw(consistent_cells(fmt, small=True))
    year = 2020 if fmt == "2019" else 2022
    report = _read(tmp_path, render_text(fmt, year, "某某区人民政府", dict(values), "run_together"))
    assert report.format == fmt
    unsure = {k for p in report.problems if p.code == "row.fit" for k in p.keys}
    wrong = [k for k, v in values.items() if k not in unsure and not same(report.value(k), v)]
    assert not wrong, [(k, report.value(k), values[k]) for k in wrong[:5]]
    fmt_spec = get_format(fmt)
    assert len(unsure) < len(fmt_spec.cells) // 2
