"""The two official table formats, loaded from the data files beside this module.

`cells.csv` names every cell (the shared contract); `layout.toml` says how the cells are printed.
Everything else in nianbao asks this module about the formats and never spells them out itself.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources

FORMAT_NAMES: tuple[str, ...] = ("2019", "2021")
TABLES: tuple[str, ...] = ("二", "三", "四")


@dataclass(frozen=True)
class CellSpec:
    """One numeric cell of a format, as named in cells.csv."""

    format: str
    key: str
    table: str
    row_label: str
    column_label: str
    type: str  # "int" | "decimal"
    unit: str

    @property
    def is_decimal(self) -> bool:
        return self.type == "decimal"


@dataclass(frozen=True)
class RowSpec:
    """A printed row: its label and the cells it carries, left to right."""

    table: str
    text: str
    ordinal: str
    group: str
    variants: tuple[str, ...]
    cells: tuple[str, ...]
    plausible: tuple[tuple[str, str], ...]  # (greater, lesser) pairs; soft, used to split digit runs

    @property
    def label(self) -> str:
        return f"{self.ordinal}{self.text}"

    @property
    def key(self) -> str:
        """The row part of its cell keys (`applications.new`), or the table for one-row tables."""
        if self.table == "四":
            return "legal"
        return self.cells[0].rsplit(".", 1)[0]


@dataclass(frozen=True)
class Identity:
    """sum(lhs) == sum(rhs): an arithmetic identity of the format, fully expanded."""

    name: str
    title: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def holds(self, values: dict[str, Decimal | None]) -> bool | None:
        """True or False when every term is known, None when any is missing."""
        terms = [values.get(k) for k in self.keys]
        if any(t is None for t in terms):
            return None
        left = sum((values[k] or Decimal(0) for k in self.lhs), Decimal(0))
        right = sum((values[k] or Decimal(0) for k in self.rhs), Decimal(0))
        return left == right


@dataclass(frozen=True)
class SectionSpec:
    number: int
    heading: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Format:
    """One official format: its cells, printed rows, labels and identities."""

    name: str
    cells: dict[str, CellSpec]
    rows: tuple[RowSpec, ...]
    labels: dict[str, tuple[str, ...]]  # table -> header/group labels that carry no numbers
    identities: tuple[Identity, ...]
    applicant_columns: tuple[str, ...] = field(default=())

    def rows_of(self, table: str) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.rows if r.table == table)

    def cell(self, key: str) -> CellSpec:
        return self.cells[key]


def _read_cells() -> list[CellSpec]:
    text = resources.files(__package__).joinpath("cells.csv").read_text(encoding="utf-8")
    return [CellSpec(**row) for row in csv.DictReader(text.splitlines())]


def _read_layout() -> dict[str, object]:
    text = resources.files(__package__).joinpath("layout.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _expand(templates: list[str], applicants: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for t in templates:
        if "{applicant}" in t:
            out.extend(t.replace("{applicant}", a) for a in applicants)
        else:
            out.append(t)
    return tuple(out)


def _identities(
    raw: list[dict[str, object]], fmt: str, rows: tuple[RowSpec, ...], applicants: tuple[str, ...]
) -> tuple[Identity, ...]:
    out: list[Identity] = []
    for item in raw:
        formats = item.get("formats", list(FORMAT_NAMES))
        assert isinstance(formats, list)
        if fmt not in formats:
            continue
        name, title = str(item["name"]), str(item["title"])
        lhs, rhs = list(map(str, item["lhs"])), list(map(str, item["rhs"]))  # type: ignore[call-overload]
        over = str(item.get("over", ""))
        if over == "applicant":
            for c in applicants:
                out.append(
                    Identity(
                        f"{name}.{c}",
                        title,
                        tuple(x.replace("{c}", c) for x in lhs),
                        tuple(x.replace("{c}", c) for x in rhs),
                    )
                )
        elif over.startswith("rows:"):
            for row in rows:
                if row.table != over[5:]:
                    continue
                out.append(
                    Identity(
                        f"{name}.{row.key}",
                        title,
                        tuple(x.replace("{r}", row.key) for x in lhs),
                        tuple(x.replace("{r}", row.key) for x in rhs),
                    )
                )
        else:
            out.append(Identity(name, title, tuple(lhs), tuple(rhs)))
    return tuple(out)


@cache
def formats() -> dict[str, Format]:
    """Both formats, keyed by name ("2019", "2021")."""
    layout = _read_layout()
    columns = layout["columns"]
    assert isinstance(columns, dict)
    applicants = tuple(columns["applicant"])
    all_cells = _read_cells()
    result: dict[str, Format] = {}
    raw_rows = layout["row"]
    raw_labels = layout["label"]
    raw_ids = layout["identity"]
    assert isinstance(raw_rows, list)
    assert isinstance(raw_labels, list)
    assert isinstance(raw_ids, list)
    for name in FORMAT_NAMES:
        rows = tuple(
            RowSpec(
                table=r["table"],
                text=r["text"],
                ordinal=r.get("ordinal", ""),
                group=r.get("group", ""),
                variants=tuple(r.get("variants", ())),
                cells=_expand(r["cells"], applicants),
                plausible=tuple((a, b) for a, b in r.get("plausible", ())),
            )
            for r in raw_rows
            if name in r["formats"]
        )
        labels: dict[str, tuple[str, ...]] = {}
        for item in raw_labels:
            if name in item.get("formats", FORMAT_NAMES):
                labels[item["table"]] = labels.get(item["table"], ()) + tuple(item["texts"])
        result[name] = Format(
            name=name,
            cells={c.key: c for c in all_cells if c.format == name},
            rows=rows,
            labels=labels,
            identities=_identities(raw_ids, name, rows, applicants),
            applicant_columns=applicants,
        )
    return result


def get_format(name: str) -> Format:
    try:
        return formats()[name]
    except KeyError:
        raise ValueError(f"未知的表格格式：{name}（可选 {', '.join(FORMAT_NAMES)}）") from None


@cache
def sections() -> tuple[SectionSpec, ...]:
    raw = _read_layout()["section"]
    assert isinstance(raw, list)
    return tuple(SectionSpec(s["number"], s["heading"], tuple(s.get("variants", ()))) for s in raw)


def format_for_year(year: int) -> str:
    """The format an agency must use for a report year (2019 format for 2019-2020)."""
    return "2019" if year <= 2020 else "2021"
