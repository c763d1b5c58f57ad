"""The SVG charts: well-formed, accessible, escaped, gaps for missing values, round axis ticks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from nianbao.web.charts import Series, bar_chart, line_chart, number_text, ticks

SVG = "{http://www.w3.org/2000/svg}"
YEARS = ["2022年", "2023年", "2024年"]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def test_line_chart_is_accessible_svg_with_a_title_per_point() -> None:
    svg = line_chart(
        "办理结果", YEARS, [Series("予以公开", (3, 5, 8)), Series("不予公开", (1, None, 2))], chart_id="outcomes"
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "outcomes-title outcomes-desc"
    assert root.find(f"{SVG}title").text == "办理结果"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "2022年–2024年" in desc
    assert "予以公开、不予公开" in desc
    points = titles(root)[1:]
    assert points == [
        "2022年 · 予以公开：3 件",
        "2023年 · 予以公开：5 件",
        "2024年 · 予以公开：8 件",
        "2022年 · 不予公开：1 件",
        "2024年 · 不予公开：2 件",
    ]
    # a missing value breaks the line: 不予公开 has two lone points, so no polyline of its own
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2022年", "2023年", "2024年", "予以公开", "不予公开", "单位：件"} <= set(texts)
    assert "0" in texts
    assert "8" in texts


def test_bar_chart_draws_one_bar_per_known_value() -> None:
    svg = bar_chart("复议诉讼", YEARS, [Series("行政复议", (0, 2, None)), Series("行政诉讼", (1, 1, 4))])
    root = parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 5
    heights = {r.find(f"{SVG}title").text: float(r.get("height", "0")) for r in bars}  # type: ignore[union-attr]
    assert heights["2022年 · 行政复议：0 件"] == 0
    assert heights["2024年 · 行政诉讼：4 件"] > heights["2023年 · 行政复议：2 件"] > heights["2023年 · 行政诉讼：1 件"]


def test_every_label_is_escaped() -> None:
    evil = '<script>alert("x")</script>&'
    svg = line_chart(evil, [evil, "2024年"], [Series(evil, (1, 2))], unit=evil, chart_id='a"><script>')
    text = str(svg)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == evil  # type: ignore[union-attr]
    assert evil in [t.text for t in root.iter(f"{SVG}text")]
    assert root.get("aria-labelledby") == "ascript-title ascript-desc"


def test_no_data_gives_a_small_well_formed_chart() -> None:
    for svg in (line_chart("空", [], []), bar_chart("空", YEARS, [Series("甲", (None, None, None))])):
        root = parse(svg)
        assert "暂无数据" in "".join(root.itertext())


def test_series_must_fit_the_categories() -> None:
    with pytest.raises(ValueError, match="系列“甲”有 2 个值，类别有 3 个"):
        line_chart("x", YEARS, [Series("甲", (1, 2))])


def test_long_legends_wrap_inside_the_chart() -> None:
    series = [Series(f"很长很长的系列名称第{i}个", (i, i + 1, i + 2)) for i in range(7)]
    root = parse(line_chart("多系列", YEARS, series))
    height = float(root.get("height", "0"))
    legend_ys = [
        float(t.get("y", "0")) for g in root.iter(f"{SVG}g") if g.get("class") == "legend" for t in g.iter(f"{SVG}text")
    ]
    assert len(set(legend_ys)) > 1  # wrapped onto several rows
    assert max(legend_ys) < height


def test_ticks_and_numbers() -> None:
    assert ticks(8) == [0, 2, 4, 6, 8]
    assert ticks(0) == [0, 1]
    assert ticks(3) == [0, 1, 2, 3]
    assert ticks(1234) == [0, 500, 1000, 1500]
    assert ticks(0.8, integral=False) == [0, 0.2, 0.4, 0.6, 0.8]
    assert number_text(Decimal("5.50")) == "5.5"
    assert number_text(12.0) == "12"
    assert number_text(Decimal("2.346")) == "2.35"
