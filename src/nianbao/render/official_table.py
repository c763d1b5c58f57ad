"""The official tables as HTML: one Jinja macro, `templates/official_table.html`, and the view it draws.

Every HTML page that shows tables 二, 三 and 四 (the html writer, the check page, the web report editor)
lays them out with `nianbao.formats.grid` and turns each `Grid` into a `TableView`: rows of `CellView`s
(header or value, text, row and column spans, css classes, id, data-key, tooltip, trusted HTML after
the text, an optional number input), grouped under ``<thead>``/``<tbody>`` when the page wants it. The
macro draws the view; how the pages differ is in the view they build and in the macro's parameters
(`indent`, `cols_apart`, `class_first`, `inputs`), never in a copy of the drawing.

The markdown, docx and pdf writers cannot use an HTML macro: they draw the same `formats.grid` grids
themselves. Jinja2 is imported when a table is first drawn, not with this module.

The web app finds the macro through its own Jinja environment (`PackageLoader("nianbao.render",
"templates")`), which escapes with MarkupSafe; the environment here escapes as `html.escape` does
(``&quot;``, ``&#x27;``), as the html writer and the check page always have.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nianbao.formats.grid import Grid, Placed

if TYPE_CHECKING:
    import jinja2
    import markupsafe

TEMPLATE = "official_table.html"
MACRO = "official_table"


@dataclass(frozen=True)
class InputView:
    """A value cell drawn as a number input (when the macro is called with `inputs=True`)."""

    name: str  # the form field
    step: str  # "1" or "any"
    label: str  # for screen readers and the tooltip


@dataclass
class CellView:
    text: str
    header: bool = False  # drawn as <th>; otherwise <td>
    rowspan: int = 1
    colspan: int = 1
    id: str | None = None
    data_key: str | None = None
    css: str | None = None  # the class attribute; None: none ("" is written: class="")
    title: str | None = None
    extra: str = ""  # trusted HTML after the text (the caller escapes what it puts in)
    input: InputView | None = None


@dataclass
class RowGroup:
    rows: list[list[CellView]]
    tag: str | None = None  # "thead" or "tbody"; None: the rows stand in the table itself
    css: str | None = None


@dataclass
class TableView:
    css: str
    widths: list[str]  # each column's share of the width, in percent, as written
    groups: list[RowGroup] = field(default_factory=list)
    label: str | None = None  # aria-label


def value_rows(grid: Grid) -> set[int]:
    """The rows of `grid` that hold values (the others are header rows)."""
    return {c.row for c in grid.cells if c.key is not None}


def grid_rows(grid: Grid, cell: Callable[[Placed, bool], CellView]) -> list[list[CellView]]:
    """Each row of `grid`: the cells that start in it, left to right, as `cell(placed, in_value_row)` draws them."""
    values = value_rows(grid)
    return [[cell(c, r in values) for c in grid.starting_in(r)] for r in range(grid.rows)]


def _escaped(value: object) -> object:
    """A value written into the page as `html.escape` escapes it; markup (already escaped) as it is."""
    if hasattr(value, "__html__"):
        return value
    return _markup()(html.escape(str(value), quote=True))


@functools.cache
def _markup() -> type[markupsafe.Markup]:
    import markupsafe

    return markupsafe.Markup


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of render's templates (autoescaped, blocks trimmed as in the web app's)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("nianbao.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_escaped,
        auto_reload=False,
    )


@functools.cache
def _macro() -> Callable[..., Any]:
    macro: Callable[..., Any] = getattr(environment().get_template(TEMPLATE).module, MACRO)
    return macro


def draw(
    table: TableView, *, indent: bool = False, cols_apart: bool = False, class_first: bool = False, inputs: bool = False
) -> str:
    """`table` drawn by the macro (see `templates/official_table.html` for the parameters)."""
    return str(_macro()(table, indent=indent, cols_apart=cols_apart, class_first=class_first, inputs=inputs))
