"""Printed cell text to values: numbers with units, placeholders such as "/" or "无", blanks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nianbao.formats.text import normalize

# A number as printed in a cell: optional sign, digits with thousands commas, decimals, a unit.
NUMBER = re.compile(
    r"(?:(?<![\w.])|(?<=\d)(?=[-+]\d))(?P<sign>[-+])?(?P<digits>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>万元|万|元|件|项|个|条|次)?"
)
# Text that stands in a numeric cell instead of a number.
PLACEHOLDER = re.compile(r"(?<![\w])(?:/+|-{1,3}|无|空|—+|×|\\)(?![\w])")

# Characters without which a text holds neither a number nor a placeholder (a quick pre-check).
_ANY_VALUE = re.compile(r"[\d/\\×—\-－／无空０-９]")

_UNIT_SCALE = {"万元": Decimal(10000), "万": Decimal(10000), "元": Decimal(1)}


@dataclass(frozen=True)
class Token:
    """One value found in a printed cell or a run of text."""

    kind: str  # "num" | "text" | "blank"
    printed: str
    start: int  # raw offsets, for provenance
    end: int
    digits: str = ""  # for "num": the digits as printed, without sign or unit
    sign: str = ""
    unit: str = ""

    @property
    def is_run(self) -> bool:
        """Digits that may hold several cells run together (no point, comma or unit)."""
        return self.kind == "num" and len(self.digits) > 1 and self.digits.isdigit() and not self.unit

    @property
    def number(self) -> Decimal:
        """The signed number as printed, without unit conversion."""
        value = Decimal(self.digits.replace(",", ""))
        return -value if self.sign == "-" else value


def tokens(text: str, offset: int) -> list[Token]:
    """The numbers and placeholders in `text` (which starts at raw offset `offset`)."""
    if not _ANY_VALUE.search(text):
        return []
    norm = normalize(text)
    found: list[Token] = []
    for m in NUMBER.finditer(norm):
        found.append(
            Token(
                "num",
                text[m.start() : m.end()].strip(),
                offset + m.start(),
                offset + m.end(),
                digits=m.group("digits"),
                sign=m.group("sign") or "",
                unit=m.group("unit") or "",
            )
        )
    taken = [(t.start - offset, t.end - offset) for t in found]
    for m in PLACEHOLDER.finditer(norm):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Token("text", text[m.start() : m.end()], offset + m.start(), offset + m.end()))
    found.sort(key=lambda t: t.start)
    return found


#: Most digits a cell's number may have (a count or an amount in 元 of a national report has at most 13): the
#: default of `ReadOptions.max_digits`.
MAX_DIGITS = 15


def to_number(
    token: Token, unit: str, is_decimal: bool, max_digits: int = MAX_DIGITS
) -> tuple[int | Decimal | None, str]:
    """The value of a number token in the cell's unit, and a note when it was converted or refused (a number of
    more than `max_digits` digits is not read)."""
    whole = token.digits.replace(",", "").split(".")[0]
    if len(whole) > max_digits:
        return None, f"印刷的数值有 {len(whole)} 位，超出统计表数值的合理范围（{max_digits} 位），未读取"
    try:
        value = Decimal(token.digits.replace(",", ""))
    except InvalidOperation:
        return None, ""
    if token.sign == "-":
        value = -value
    note = ""
    printed_unit = token.unit
    if printed_unit in _UNIT_SCALE and unit in _UNIT_SCALE and printed_unit != unit:
        value = value * _UNIT_SCALE[printed_unit] / _UNIT_SCALE[unit]
        note = f"单位换算：印刷为“{token.printed}”，按{unit}记为{_plain(value)}"
    if not is_decimal and value == value.to_integral_value():
        return int(value), note
    if not is_decimal:
        return value.normalize(), note  # a fraction in a count cell: kept, the audit flags it
    return value, note


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
