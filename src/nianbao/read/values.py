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
#: The units of money a number may be printed with: a run of digits ending in one may hold an amount (the last
#: cell of its row) after the counts before it (`1263854.12元`).
MONEY_UNITS = tuple(_UNIT_SCALE)

# What may follow a number that then is not (only) a value: `年` (a year opening the next sentence, `…0 0 02025年，
# 我局…`), or an item number's separator and the text of a row label (`…0 07.属于行政执法案件`).
_YEAR_AFTER = re.compile(r"\s*年")
_ITEM_AFTER = re.compile(r"[.、]\s?[\u4e00-\u9fff]")
_LABEL_TEXT = re.compile(r"\s?[^\d\s/\\×—\-]{0,30}")
#: The years a number printed before `年` is taken to be.
YEARS = range(1949, 2101)
#: The kinds of `Token` after which no value of the row is read: the values stop there (see `until_stop`).
STOPS = ("year", "label")


@dataclass(frozen=True)
class Token:
    """One value found in a printed cell or a run of text."""

    kind: str  # "num" | "text" | "blank" | "unsure" (a value that cannot be told), or a stop: "year" | "label"
    printed: str
    start: int  # raw offsets, for provenance
    end: int
    digits: str = ""  # for "num": the digits as printed, without sign or unit
    sign: str = ""
    unit: str = ""
    glued: bool = False  # "num" cut from before a year, after another number of its cell (`978407 32019年`)

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
    stop = len(norm)
    for m in NUMBER.finditer(norm):
        if m.group("unit") or m.group("sign"):
            found.append(_token(text, offset, m))
            continue
        if _YEAR_AFTER.match(norm, m.end()):
            after_number = any(t.kind == "num" for t in found)  # in the same cell or run of text
            found += _before_year(text, offset, m, norm.index("年", m.end()) + 1, after_number)
            stop = m.start()
            break
        if _ITEM_AFTER.match(norm, m.end()) and "." not in m.group("digits") and "," not in m.group("digits"):
            digits = m.group("digits")
            if len(digits) > 1:  # `07.属于…`: a value 0, then the item number 7 of the next row's label
                found.append(_piece(text, offset, m.start(), digits[:-1]))
            at = m.end() - 1
            label = _LABEL_TEXT.match(norm, m.end() + 1)
            end = label.end() if label else m.end() + 1
            found.append(Token("label", text[at:end].strip(), offset + at, offset + end))
            stop = m.start()
            break
        if m.start() > 0 and norm[m.start() - 1] == "(" and norm.startswith(")", m.end()):
            continue  # an item number in brackets: `(2)`
        found.append(_token(text, offset, m))
    taken = [(t.start - offset, t.end - offset) for t in found]
    for m in PLACEHOLDER.finditer(norm, 0, stop):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Token("text", text[m.start() : m.end()], offset + m.start(), offset + m.end()))
    found.sort(key=lambda t: t.start)
    return found


def _token(text: str, offset: int, m: re.Match[str]) -> Token:
    return Token(
        "num",
        text[m.start() : m.end()].strip(),
        offset + m.start(),
        offset + m.end(),
        digits=m.group("digits"),
        sign=m.group("sign") or "",
        unit=m.group("unit") or "",
    )


def _piece(text: str, offset: int, start: int, digits: str, glued: bool = False) -> Token:
    """The first `digits` of the number printed at `start`, as a number token of their own."""
    end = start + len(digits)
    return Token("num", text[start:end], offset + start, offset + end, digits=digits, glued=glued)


def _before_year(text: str, offset: int, m: re.Match[str], end: int, after_number: bool = False) -> list[Token]:
    """A number printed right before `年` (`end` is past it): the digits of a year of the next sentence, and
    before them, run into it, the value of the last cell (`02025年` is 0, then the year 2025). When the digits do
    not end in a year the cut cannot be told: an "unsure" token (the cell is not read), never a guess. A value cut
    after another number of the same text (`978407 32019年`) is marked `glued`: it may be a stray digit (`fit_row`)."""
    digits = m.group("digits")
    year = digits[-4:]
    stop = Token("year", text[m.start() : end], offset + m.start(), offset + end)
    if len(digits) >= 4 and year.isdigit() and int(year) in YEARS:
        value = digits[:-4]
        if not value:
            return [stop]
        if "." in value and len(value.partition(".")[2]) > 2:
            # `7730.282023年`: an amount run into the year may have a stray digit (a page number) at its end
            return [Token("unsure", text[m.start() : end].strip(), offset + m.start(), offset + end), stop]
        if value[-1].isdigit():
            return [_piece(text, offset, m.start(), value, glued=after_number), stop]
    elif len(digits) == 1 and digits != "0":
        return [stop]  # `5年来`: a number of years in the text, no value run into it
    return [Token("unsure", text[m.start() : end].strip(), offset + m.start(), offset + end), stop]


def candidates(token: Token) -> list[str]:
    """The values an "unsure" token may stand for: each well-formed number its digits start with (the rest being
    the year of the next sentence)."""
    digits = normalize(token.printed).rstrip("年 ").strip()
    if len(digits) > 4 and digits[-4:].isdigit() and int(digits[-4:]) in YEARS:
        digits = digits[:-4]
    if "." in digits:  # an amount, perhaps with a stray digit at its end
        return [digits[:-1], digits]
    out = []
    for k in range(1, len(digits) + 1):
        head = digits[:k]
        if head[-1].isdigit() and (head == "0" or not head.startswith("0") or head.startswith("0.")):
            out.append(head)
    return out


#: Text between two numbers of running text that is the label of a row, not a word of a sentence.
_LABEL_BETWEEN = re.compile(r"\s*(?P<label>[\u4e00-\u9fff“”\"]{4,40})\s*(?=\d+(?!\d|[.,]?\d|\s*[件项个条次元万年]))")


def label_between(text: str, found: list[Token], offset: int) -> list[Token]:
    """`found` (the tokens of running `text`, at raw `offset`) with a stop ("label") at the first text of four or
    more Chinese characters printed between two numbers without units (`…0000000属于执法类信息0000000`): a row
    label that is no label of the format, whose numbers are not the values of the row before it."""
    for i, t in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        if t.kind != "num" or t.unit or (nxt is not None and nxt.unit):
            continue  # a number with its unit is a sentence's (`5件，其中…`), not a table cell's
        m = _LABEL_BETWEEN.match(normalize(text[t.end - offset : len(text) if nxt is None else nxt.end - offset]))
        if m is not None:
            at = t.end + m.start("label")
            return [*found[: i + 1], Token("label", m.group("label"), at, at + len(m.group("label")))]
    return found


def malformed(token: Token) -> bool:
    """A number no cell prints: digits after a leading zero (`02`), e.g. a stray page digit run into a 0."""
    digits = token.digits
    return token.kind == "num" and len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()


def until_stop(found: list[Token]) -> tuple[list[Token], Token | None]:
    """The tokens before the first stop (a year of the next sentence, an item number opening a row label not
    recognised), and that stop (None when there is none)."""
    for i, t in enumerate(found):
        if t.kind in STOPS:
            return found[:i], t
    return found, None


#: Most digits a cell's number may have (a count or an amount in 元 of a national report has at most 13): the
#: default of `ReadOptions.max_digits`.
MAX_DIGITS = 15


def unit_scale(printed: str, unit: str) -> Decimal:
    """By what a number printed in `printed` (a unit of money, or none) is multiplied to be in the cell's `unit`."""
    if printed in _UNIT_SCALE and unit in _UNIT_SCALE:
        return _UNIT_SCALE[printed] / _UNIT_SCALE[unit]
    return Decimal(1)


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
