"""A parsed report: cells with their printed text and provenance, sections, metadata, problems.

`Report.to_exchange()` gives the JSON shape of spec/README.md, which other tools read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = int | Decimal


@dataclass(frozen=True)
class Location:
    """Where something was printed.

    Text sources give `line` (1-based) and `start`/`end` (0-based character offsets in that line);
    PDFs give `page` (1-based) and `bbox` (x0, top, x1, bottom in PDF points); html and docx give
    `table`, `row`, `column` (0-based) for table cells, or `line` for paragraphs.
    """

    line: int | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    ocr: float | None = None  # read by OCR from a scan: the lowest confidence (0 to 1) of what was read here

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def describe(self) -> str:
        """A short Chinese description for messages, e.g. 第3页 or 第12行."""
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table + 1}")
            if self.row is not None:
                parts.append(f"第{self.row + 1}行")
            if self.column is not None:
                parts.append(f"第{self.column + 1}列")
        elif self.line is not None:
            parts.append(f"第{self.line}行")
        if self.ocr is not None:
            parts.append(f"（文字识别，置信度{self.ocr:.2f}）")
        return "".join(parts) or "位置未知"


@dataclass
class Cell:
    """One numeric cell of the official tables, as printed."""

    key: str
    value: Number | None  # None: printed empty, or text that is not a number
    printed: str  # the text as printed ("15万元", "/", "" for an empty cell)
    location: Location | None = None
    note: str = ""  # how the value was obtained when it was not plain (split, unit converted…)

    @property
    def is_blank(self) -> bool:
        return self.value is None and not self.printed.strip()

    @property
    def is_text(self) -> bool:
        return self.value is None and bool(self.printed.strip())


@dataclass
class Section:
    """One of the six sections, with its heading and numbering as printed."""

    number: int  # 1..6, the section the heading names
    numbering: str  # as printed: "一、", "3、", "" …
    heading: str  # as printed, without the numbering
    text: str  # everything printed under the heading, tables included
    location: Location | None = None
    narrative: str = ""  # the text without the rows of its tables: what the agency wrote


@dataclass
class Problem:
    """Something the reader noticed while reading: kept, reported, never fatal."""

    code: str  # stable, e.g. "cell.text", "split.ambiguous"
    message: str  # Chinese, for people
    keys: tuple[str, ...] = ()
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.keys:
            out["keys"] = list(self.keys)
        if self.location is not None:
            out["location"] = self.location.to_dict()
        return out


@dataclass
class ExtraRow:
    """Numbers printed under a label that is not a row of the detected format."""

    label: str
    table: str
    printed: tuple[str, ...]
    location: Location | None = None


@dataclass
class Report:
    file: str
    kind: str  # input kind: txt, md, html, docx, pdf, doc
    format: str | None = None
    year: int | None = None
    agency: str | None = None
    title: str | None = None
    date: dt.date | None = None  # publication or signature date, when printed
    preamble: str = ""  # the text between the title and the first section
    cells: dict[str, Cell] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    extra_rows: list[ExtraRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    text: str = ""  # the whole text as read, for text rules and similarity

    def value(self, key: str) -> Number | None:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def values(self) -> dict[str, Number | None]:
        return {k: c.value for k, c in self.cells.items()}

    @property
    def blank_keys(self) -> list[str]:
        return [k for k, c in self.cells.items() if c.is_blank]

    @property
    def cells_read(self) -> int:
        return sum(1 for c in self.cells.values() if c.value is not None)

    def section(self, number: int) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)

    def to_exchange(self) -> dict[str, Any]:
        """The exchange shape of spec/README.md."""
        return {
            "file": self.file,
            "format": self.format,
            "year": self.year,
            "agency": self.agency,
            "cells": {k: _json_number(c.value) for k, c in self.cells.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything: the exchange shape plus printed text, provenance, sections and problems."""
        out = self.to_exchange()
        out.update(
            kind=self.kind,
            title=self.title,
            date=self.date.isoformat() if self.date else None,
            preamble=self.preamble,
            printed={
                k: {
                    "printed": c.printed,
                    **({"location": c.location.to_dict()} if c.location else {}),
                    **({"note": c.note} if c.note else {}),
                }
                for k, c in self.cells.items()
            },
            sections=[
                {
                    "number": s.number,
                    "numbering": s.numbering,
                    "heading": s.heading,
                    "text": s.narrative,
                    **({"location": s.location.to_dict()} if s.location else {}),
                }
                for s in self.sections
            ],
            extra_rows=[{"label": r.label, "table": r.table, "printed": list(r.printed)} for r in self.extra_rows],
            problems=[p.to_dict() for p in self.problems],
        )
        return out


def _json_number(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)
