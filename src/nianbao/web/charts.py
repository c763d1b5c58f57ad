"""Small server-rendered SVG charts: line charts and grouped bar charts, no JavaScript.

The pages must work under ``script-src 'self'`` and without a front-end build, and a supervisor should be
able to print or save a page as it shows, so the charts are drawn here as inline SVG:

- accessible: ``role="img"`` with a <title> and a <desc> naming the series and the categories, a <title>
  on every point or bar (shown as a tooltip, read by screen readers), lines told apart by dash pattern as
  well as by colour (Okabe–Ito palette, readable by colour-blind people);
- safe: every label (agency names come from reports and people) is escaped, in text and attributes;
- honest: the value axis starts at 0; a missing value (no report that year) leaves a gap, never a 0.

`line_chart` and `bar_chart` return `markupsafe.Markup`, so templates insert them without ``|safe``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

Value = int | float | Decimal | None

#: Okabe–Ito colours (without yellow, too pale on white).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
#: Dash patterns, so that lines differ without colour too.
DASHES: tuple[str, ...] = ("", "6 3", "2 3", "8 3 2 3", "12 4", "1 2", "4 4")

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP = 56, 16, 34
AXIS_HEIGHT = 26  # x labels under the plot
FONT = 12
LEGEND_ROW = 20


@dataclass(frozen=True)
class Series:
    """One line (or one colour of bars): a name and one value per category (None: no data)."""

    name: str
    values: tuple[Value, ...]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _id(chart_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", chart_id) or "chart"


def number_text(value: float | int | Decimal) -> str:
    """A value as people write it: 12, 0.5, 1.25 (no exponent, at most two decimals)."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")


def ticks(maximum: float, *, integral: bool = True) -> list[float]:
    """Axis ticks from 0 to a round number ≥ `maximum`: steps of 1, 2 or 5 × 10ⁿ, at most 6 ticks."""
    if not maximum > 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integral:
        step = max(1.0, float(math.ceil(step)))
    count = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _text_width(text: str) -> float:
    """Approximate width in pixels at FONT size: wide characters (CJK) count double."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.6 for ch in text)


def _legend_layout(series: Sequence[Series]) -> list[tuple[float, int]]:
    """Where each legend item goes: (x, row), wrapping rows at the chart's width."""
    out: list[tuple[float, int]] = []
    x, row = float(LEFT), 0
    for s in series:
        width = 28 + _text_width(s.name) + 18
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = float(LEFT), row + 1
        out.append((x, row))
        x += width
    return out


def _legend(series: Sequence[Series], top: float, kind: str) -> list[str]:
    """The legend items, in rows under the plot."""
    parts = ['<g class="legend">']
    for index, (s, (x, row)) in enumerate(zip(series, _legend_layout(series), strict=True)):
        y = top + row * LEGEND_ROW
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        if kind == "line":
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 22:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        else:
            parts.append(f'<rect x="{x + 5:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 28:.1f}" y="{y:.1f}" font-size="{FONT}">{_e(s.name)}</text>')
    parts.append("</g>")
    return parts


def _frame(
    chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], unit: str, kind: str
) -> tuple[list[str], list[str], float, float, float]:
    """The SVG head (title, desc), the axes and gridlines; returns (head, tail, plot bottom, scale top, max)."""
    cid = _id(chart_id)
    known = [float(v) for s in series for v in s.values if v is not None]
    integral = all(v.is_integer() for v in known)
    marks = ticks(max(known, default=0.0), integral=integral)
    legend_rows = 1 + max((row for _, row in _legend_layout(series)), default=0)
    height = HEIGHT + max(0, legend_rows - 1) * LEGEND_ROW
    bottom = height - AXIS_HEIGHT - legend_rows * LEGEND_ROW - 8
    names = "、".join(s.name for s in series)
    span = f"{categories[0]}–{categories[-1]}" if len(categories) > 1 else "".join(categories)
    desc = f"{'折线图' if kind == 'line' else '柱状图'}：{span}，单位：{unit}；系列：{names}。"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="sans-serif">',
        f'<title id="{cid}-title">{_e(title)}</title>',
        f'<desc id="{cid}-desc">{_e(desc)}</desc>',
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{_e(title)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="20" font-size="{FONT}" text-anchor="end" fill="#555">单位：{_e(unit)}</text>',
        '<g class="axes" stroke="#999" stroke-width="1">',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom:.1f}"/>',
        f'<line x1="{LEFT}" y1="{bottom:.1f}" x2="{WIDTH - RIGHT}" y2="{bottom:.1f}"/>',
        "</g>",
    ]
    for mark in marks:
        y = bottom - (bottom - TOP) * mark / marks[-1]
        head.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        head.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="{FONT}" text-anchor="end">{_e(number_text(mark))}</text>'
        )
    tail = _legend(series, bottom + AXIS_HEIGHT + 16, kind)
    tail.append("</svg>")
    return head, tail, bottom, marks[-1], float(len(categories))


def _empty(chart_id: str, title: str) -> Markup:
    cid = _id(chart_id)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} 80" width="{WIDTH}" '
        f'height="80" aria-labelledby="{cid}-title"><title id="{cid}-title">{_e(title)}：暂无数据</title>'
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{_e(title)}</text>'
        f'<text x="{LEFT}" y="50" font-size="{FONT}" fill="#555">暂无数据</text></svg>'
    )


def _check(categories: Sequence[str], series: Sequence[Series]) -> bool:
    """Whether there is anything to draw; raises ValueError when a series does not fit the categories."""
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"系列“{s.name}”有 {len(s.values)} 个值，类别有 {len(categories)} 个")
    return bool(categories) and any(v is not None for s in series for v in s.values)


def _x_labels(categories: Sequence[str], centre: Sequence[float], bottom: float) -> list[str]:
    return [
        f'<text x="{x:.1f}" y="{bottom + 18:.1f}" font-size="{FONT}" text-anchor="middle">{_e(c)}</text>'
        for c, x in zip(categories, centre, strict=True)
    ]


def _point_title(category: str, name: str, value: Value, unit: str) -> str:
    shown = "无数据" if value is None else f"{number_text(value)} {unit}"
    return _e(f"{category} · {name}：{shown}")


def line_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, unit: str = "件", chart_id: str = "chart"
) -> Markup:
    """One line per series over the categories (e.g. years); a None value breaks the line."""
    if not _check(categories, series):
        return _empty(chart_id, title)
    head, tail, bottom, top_value, n = _frame(chart_id, title, categories, series, unit, "line")
    band = (WIDTH - LEFT - RIGHT) / n
    xs = [LEFT + band * (i + 0.5) for i in range(len(categories))]
    body = _x_labels(categories, xs, bottom)
    for index, s in enumerate(series):
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = [
            (x, None if v is None else bottom - (bottom - TOP) * max(0.0, float(v)) / top_value)
            for x, v in zip(xs, s.values, strict=True)
        ]
        body.append(f'<g class="series" aria-label="{_e(s.name)}">')
        segment: list[str] = []
        for x, y in [*points, (0.0, None)]:
            if y is not None:
                segment.append(f"{x:.1f},{y:.1f}")
            elif segment:
                if len(segment) > 1:
                    body.append(
                        f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5"{dash_attr}/>'
                    )
                segment = []
        for (x, y), category, value in zip(points, categories, s.values, strict=True):
            if y is not None:
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                    f"<title>{_point_title(category, s.name, value, unit)}</title></circle>"
                )
        body.append("</g>")
    return Markup("\n".join([*head, *body, *tail]))


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, unit: str = "件", chart_id: str = "chart"
) -> Markup:
    """Grouped bars: one group per category, one bar per series; a None value draws no bar."""
    if not _check(categories, series):
        return _empty(chart_id, title)
    head, tail, bottom, top_value, n = _frame(chart_id, title, categories, series, unit, "bar")
    band = (WIDTH - LEFT - RIGHT) / n
    inner = band * 0.8
    bar = inner / max(1, len(series))
    body = _x_labels(categories, [LEFT + band * (i + 0.5) for i in range(len(categories))], bottom)
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        body.append(f'<g class="series" aria-label="{_e(s.name)}" fill="{colour}">')
        for i, (category, value) in enumerate(zip(categories, s.values, strict=True)):
            if value is None:
                continue
            h = (bottom - TOP) * max(0.0, float(value)) / top_value
            x = LEFT + band * i + (band - inner) / 2 + bar * index
            body.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}">'
                f"<title>{_point_title(category, s.name, value, unit)}</title></rect>"
            )
        body.append("</g>")
    return Markup("\n".join([*head, *body, *tail]))
