"""Synthetic reports for property tests: random consistent tables printed in the layouts seen in real files."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from nianbao.formats import Format, get_format, sections

LAYOUTS = ("spaced", "tabs", "word_cells", "markdown", "run_together")


@st.composite
def consistent_cells(draw: st.DrawFn, name: str, small: bool = False) -> dict[str, int | Decimal]:
    """Cell values of `name`'s format that satisfy every identity of the format."""
    fmt = get_format(name)
    top = 9 if small else 400
    values: dict[str, int | Decimal] = {}
    for row in fmt.rows_of("二"):
        for key in row.cells:
            if fmt.cells[key].is_decimal:
                values[key] = Decimal(draw(st.integers(0, 99999))) / 100
            else:
                low = -top if key.endswith(".change") else 0
                values[key] = draw(st.integers(low, top))
    outcome_rows = [
        r
        for r in fmt.rows_of("三")
        if r.key
        not in ("applications.new", "applications.carried_over", "applications.total", "applications.carried_forward")
    ]
    for col in fmt.applicant_columns[:-1]:
        outs = {
            r.key: draw(st.integers(0, top if r.key == "applications.granted" else top // 4 + 1)) for r in outcome_rows
        }
        closed = sum(outs.values())
        carried_over = draw(st.integers(0, min(closed, top // 4 + 1)))
        carried_forward = draw(st.integers(0, top // 4 + 1))
        for key, v in outs.items():
            values[f"{key}.{col}"] = v
        values[f"applications.total.{col}"] = closed
        values[f"applications.carried_over.{col}"] = carried_over
        values[f"applications.carried_forward.{col}"] = carried_forward
        values[f"applications.new.{col}"] = closed + carried_forward - carried_over
    for row in fmt.rows_of("三"):
        values[f"{row.key}.total"] = sum(int(values[f"{row.key}.{c}"]) for c in fmt.applicant_columns[:-1])
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = [draw(st.integers(0, top // 4 + 1)) for _ in range(4)]
        for suffix, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"{group}.{suffix}"] = v
        values[f"{group}.total"] = sum(parts)
    return values


def _row_label(fmt: Format, key: str) -> str:
    return next(r.label for r in fmt.rows if key in r.cells)


def render_text(name: str, year: int, agency: str, values: dict[str, int | Decimal | None], layout: str) -> str:
    """A whole report as text in one of LAYOUTS; None values print as empty cells (not for flat layouts)."""
    fmt = get_format(name)
    heads = [s.heading for s in sections()]
    numerals = "一二三四五六"
    lines = [f"{agency}{year}年政府信息公开工作年度报告", f"一、{heads[0]}", f"{year}年，我单位认真落实《条例》。"]

    def cell(v: int | Decimal | None) -> str:
        return "" if v is None else str(v)

    def row(label: str, cells: list[str]) -> str:
        printed = [label, *cells] if label else cells  # the row of table 四 has no label cell
        if layout == "spaced":
            return "  ".join(printed)
        if layout == "tabs":
            return "\t".join(printed)
        if layout == "word_cells":
            return "\n".join("\t" + c for c in printed) + "\n"
        if layout == "markdown":
            return "| " + " | ".join(printed) + " |"
        return "".join(printed)

    for number, table in ((2, "二"), (3, "三"), (4, "四")):
        lines.append(f"{numerals[number - 1]}、{heads[number - 1]}")
        headers = fmt.labels[table]
        if table == "四":
            lines.append(row(headers[0], list(headers[1:4])))
        else:
            lines.append(row(headers[0], []))
        for r in fmt.rows_of(table):
            lines.append(row(r.label, [cell(values[k]) for k in r.cells]))
    for number in (5, 6):
        lines.append(f"{numerals[number - 1]}、{heads[number - 1]}")
        lines.append("无。")
    sep = "" if layout == "run_together" else "\n"
    return sep.join(lines) + "\n"
