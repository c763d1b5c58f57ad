"""The stages `tables`, `fit` and `values` (see `stages`): the rows of a document read by their labels, the
values found fitted to each row's cells, then read as numbers.

For each printed row of the format, every place its label occurs is a candidate; the values after
a candidate are the following cells of the same table row (a table) or the numbers up to the next
label (running text). The candidate whose values fit the row best wins, so a label repeated in a
heading, a wrong header, or the narrative does not capture the row. Nothing is read by the order of
the numbers: a row that is not printed stays blank, however many numbers surround it. What each row was
read from (`RowRead`: the label occurrence chosen, the values found after it, their fit) is kept in the
`TableRead`, so that a cell can be traced back to the label and the printed text it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from nianbao.formats import Format, RowSpec, format_for_year, get_format
from nianbao.formats.text import squeeze
from nianbao.read.evidence import evidence_of
from nianbao.read.fit import Fit, SplitBudget, fit_row
from nianbao.read.labels import Occurrence, find, labels_of
from nianbao.read.linear import CELL, ROW, Linear
from nianbao.read.row_order import OrderRead, read_by_order, tell
from nianbao.read.ties import settle, settle_jointly
from nianbao.read.unknown_rows import unknown_row, unknown_table_rows
from nianbao.read.values import (
    MAX_DIGITS,
    STOPS,
    Token,
    candidates,
    label_between,
    malformed,
    to_number,
    tokens,
    until_stop,
)
from nianbao.report import Cell, ExtraRow, Problem, Report

if TYPE_CHECKING:
    from nianbao.read.options import ReadOptions

_START = re.compile(r"第二十条第\(一\)项|第二十条第")
# (the header's words may be wrapped into stacked fragments, interleaved column by column: `本列数` `申请人情`)
_START3 = re.compile(r"本列数据的勾稽关系|申请人情况|本列数|申请人情|本年新收政府信息公开申请数量")
_START4 = re.compile(r"行政复议")
_END = re.compile(r"存在的主要问题|存在问题及改进|存在的问题及改进|其他需要报告的事项")

# Labels found only in one format's tables: they tell which format a report actually uses.
_MARKERS = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "逾期未按收费通知"),
    "2019": (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "其他对外管理服务事项",
        "第二十条第(九)项",
        "采购项目数量",
        "采购总金额",
        "本年增/减",
    ),
}


@dataclass
class RowRead:
    """One printed row of the format as read: the values found after its label, and their fit to its cells.

    `occurrence` is the label occurrence chosen among the candidates (None for table 四, read without labels);
    `found` the values after it, `structured` whether they came from the cells of a table row (else from the
    numbers of running text); `fit` the values assigned to the row's cells, after the ties across rows.
    """

    row: RowSpec
    fit: Fit
    structured: bool
    occurrence: Occurrence | None
    found: list[Token]


@dataclass
class TableRead:
    format: str
    cells: dict[str, Cell]
    extra_rows: list[ExtraRow]
    problems: list[Problem]
    found_tables: int  # how many of 二/三/四 were found at all
    splits_scored: int = 0  # splits of run-together digits scored (bounded by `ReadOptions.split_budget`)
    rows: list[RowRead] = field(default_factory=list)  # the rows read, in the format's order (not those not found)


def detect_format(lin: Linear, year: int | None) -> str | None:
    """The format the tables use, by their labels; the year's format when the labels do not say."""
    region = lin.search
    counts = {name: sum(1 for m in markers if squeeze(m) in region) for name, markers in _MARKERS.items()}
    if counts["2021"] != counts["2019"]:
        return "2021" if counts["2021"] > counts["2019"] else "2019"
    if year is not None:
        return format_for_year(year)
    return None


def _regions(lin: Linear) -> dict[str, tuple[int, int]]:
    s = lin.search
    m2 = _START.search(s) or re.compile(r"信息内容").search(s)
    a2 = m2.start() if m2 else 0
    m3 = _START3.search(s, a2)
    a3 = m3.start() if m3 else a2
    carried = s.find(squeeze("结转下年度继续办理"), a3)
    m4 = _START4.search(s, carried if carried >= 0 else a3)
    a4 = m4.start() if m4 else len(s)
    m_end = _END.search(s, a4)
    end = m_end.start() if m_end else len(s)
    if not m2:
        a2 = a3
    return {"二": (a2, a3), "三": (a3, a4), "四": (a4, end)}


class _Reader:
    def __init__(
        self, lin: Linear, fmt: Format, options: ReadOptions | None = None, previous: Report | None = None
    ) -> None:
        self.lin = lin
        self.fmt = fmt
        self.max_digits = MAX_DIGITS if options is None else options.max_digits
        self.regions = _regions(lin)
        start = self.regions["二"][0]
        end = self.regions["四"][1]
        self.occurrences = find(lin.search, start, end, labels_of(fmt.name))
        self.end = end
        # the document's: run-together digits split and remembered across rows, with the narrative before the tables
        # and last year's report as evidence
        self.budget = SplitBudget(options, evidence_of(previous, fmt, lin.search[: self.regions["二"][0]]))
        self.candidates: dict[int, list[int]] = {}  # id(row) -> indices of the occurrences of its label
        self.stops: dict[int | None, Token] = {}  # occurrence index (None: table 四) -> where its values stopped
        self.row_stops: dict[int, Token] = {}  # row index -> where the values of the occurrence chosen stopped
        self.ordered: list[OrderRead] = []  # the torn tables, read by the official row order (see `row_order`)
        for oi, occ in enumerate(self.occurrences):
            for row in occ.rows():
                self.candidates.setdefault(id(row), []).append(oi)

    def _next_start(self, index: int) -> int:
        nxt = self.occurrences[index + 1].start if index + 1 < len(self.occurrences) else self.end
        return self.lin.raw_start(nxt)

    def values_after(self, index: int, same_row_only: bool = False) -> tuple[list[Token], bool]:
        """Tokens after occurrence `index`, and whether they came from table cells.

        In a table row: the rest of the label's cell, then the following cells up to the next label
        (an empty cell is a blank). Elsewhere, or when the row holds nothing after the label: the
        numbers in the text up to the next label.
        """
        lin = self.lin
        a = lin.raw_end(self.occurrences[index].end)
        b = self._next_start(index)
        span_i = lin.span_at(a - 1)
        span = lin.spans[span_i]
        block = lin.doc.blocks[span.block]
        if block.is_row:
            found = tokens(lin.raw[a : min(span.end, b)], a)
            for cs in lin.spans[span_i + 1 : span_i + len(block.cells) - span.cell]:
                if cs.start >= b or any(t.kind in STOPS for t in found):
                    break
                text = lin.raw[cs.start : min(cs.end, b)]
                found += tokens(text, cs.start) if text.strip() else [Token("blank", "", cs.start, cs.start)]
            if found or same_row_only:
                return self._until_stop(index, found), True
        segment = lin.raw[a:b].replace(CELL, " ").replace(ROW, "\n")
        return self._until_stop(index, label_between(segment, tokens(segment, a), a)), False

    def _until_stop(self, index: int | None, found: list[Token]) -> list[Token]:
        """The values before a stop (see `values.until_stop`); the stop kept for the occurrence `index`."""
        found, stop = until_stop(found)
        if stop is not None:
            self.stops[index] = stop
        return found

    def data_rows_after(self, start: int, end: int) -> tuple[list[Token], bool]:
        """Tokens of table 四: its label-free table rows, or else the text after its last label."""
        lin = self.lin
        raw_a, raw_b = lin.raw_start(start), lin.raw_start(end)
        inside = [o for o in self.occurrences if start <= o.start < end]
        label_blocks = {lin.spans[lin.span_at(lin.raw_start(o.start))].block for o in inside}
        found: list[Token] = []
        for cs in lin.spans[lin.span_at(raw_a) :]:
            if cs.start >= raw_b:
                break
            if cs.start < raw_a or cs.block in label_blocks or not lin.doc.blocks[cs.block].is_row:
                continue
            text = lin.raw[cs.start : cs.end]
            found += tokens(text, cs.start) if text.strip() else [Token("blank", "", cs.start, cs.start)]
        found = self._until_stop(None, found)
        if any(t.kind != "blank" for t in found) or (found and not self._digits_in(start, end)):
            return found, True
        a = lin.raw_end(inside[-1].end) if inside else raw_a
        segment = lin.raw[a:raw_b].replace(CELL, " ").replace(ROW, "\n")
        return self._until_stop(None, tokens(segment, a)), False

    def _digits_in(self, start: int, end: int) -> bool:
        return any(ch.isdigit() for ch in self.lin.search[start:end])

    def read(self) -> TableRead:
        rows, found_tables = self.rows()
        cells, problems = self.cells(rows, found_tables)
        tell(self.fmt, self.ordered, cells, problems)
        problems += unknown_table_rows(self.lin, self.occurrences, self.regions)
        extra = self._extra_rows()
        return TableRead(
            self.fmt.name, cells, extra, problems, len(found_tables), self.budget.scored, list(rows.values())
        )

    def rows(self) -> tuple[dict[int, RowRead], set[str]]:
        """The stages `tables` and `fit`: for each row of the format (by index) the label occurrence whose values
        fit it best, fitted (equally good splits then decided across rows), and the tables found at all."""
        fmt = self.fmt
        fits: dict[int, RowRead] = {}
        last_pos = -1
        found_tables = set()
        for ri, row in enumerate(fmt.rows):
            if row.table == "四":
                a, b = self.regions["四"]
                if a >= b:
                    continue
                found, structured = self.data_rows_after(a, b)
                fits[ri] = RowRead(row, fit_row(fmt, row, found, structured, self.budget), structured, None, found)
                if None in self.stops:
                    self.row_stops[ri] = self.stops[None]
                if found:
                    found_tables.add("四")
                continue
            lo, hi = self.regions[row.table]
            best: tuple[tuple[int, int], Fit, bool, int, list[Token]] | None = None
            empty: tuple[tuple[int, int], Fit, bool, int, list[Token]] | None = None
            for oi in self.candidates.get(id(row), ()):
                occ = self.occurrences[oi]
                if not lo <= occ.start < hi:
                    continue
                found, structured = self.values_after(oi)
                fit = fit_row(fmt, row, found, structured, self.budget)
                rank = (fit.quality, 0 if occ.start > last_pos else 1)
                if best is None or rank < best[0]:
                    best = (rank, fit, structured, oi, found)
                if empty is None and not found and self._numbered(oi, row):
                    empty = (rank, fit, structured, oi, found)
            if best is not None and empty is not None and self._header_word(best[3], row):
                # its label printed with its ordinal and nothing after it (`3.其他` then `（七）总计…`): a row printed
                # empty, read as blank rather than from a header word (其他, 总计) that happens to precede numbers
                best = empty
            if best is None:
                continue
            _, fit, structured, oi, found = best
            if fit.quality < 3:
                last_pos = self.occurrences[oi].start
                found_tables.add(row.table)
            fits[ri] = RowRead(row, fit, structured, self.occurrences[oi], found)
            if oi in self.stops:
                self.row_stops[ri] = self.stops[oi]
        fits = self._by_order(fits, found_tables)
        self._decide_ties(fits)
        return fits, found_tables

    def _by_order(self, fits: dict[int, RowRead], found_tables: set[str]) -> dict[int, RowRead]:
        """The rows of torn tables (labels and values on lines of their own) read by the official row order instead
        of by their labels (see `row_order`); the rows it cannot confirm left unread."""
        fmt = self.fmt
        self.ordered = read_by_order(self.lin, fmt, self.regions, self.occurrences)
        for torn in self.ordered:
            for ri in torn.unsure:
                fits.pop(ri, None)
                self.row_stops.pop(ri, None)
            for ri, found in torn.found.items():
                row = fmt.rows[ri]
                fits[ri] = RowRead(row, fit_row(fmt, row, found, True, self.budget), True, torn.anchors.get(ri), found)
                self.row_stops.pop(ri, None)
                found_tables.add(row.table)
        return dict(sorted(fits.items()))

    def _numbered(self, index: int, row: RowSpec) -> bool:
        """Whether occurrence `index` of the row's label is printed with an ordinal before the label's text."""
        occ = self.occurrences[index]
        printed = self.lin.search[occ.start : occ.end]
        return bool(row.ordinal) and not any(printed.startswith(squeeze(t)) for t in (row.text, *row.variants) if t)

    def _printed_as_row(self, occ: Occurrence, row: RowSpec) -> bool:
        """Whether `occ` prints the row's label as a row (with its ordinal, or not also a header label): a column
        header 其他 or the 其他 of 其他处理 does not make the row `3.其他` printed."""
        printed = self.lin.search[occ.start : occ.end]
        numbered = bool(row.ordinal) and not any(printed.startswith(squeeze(t)) for t in (row.text, *row.variants) if t)
        return numbered or not any(lab.row is None for lab in occ.labels)

    def _header_word(self, index: int, row: RowSpec) -> bool:
        """Whether occurrence `index` is also a header label, printed without the row's ordinal."""
        return not self._numbered(index, row) and any(lab.row is None for lab in self.occurrences[index].labels)

    def cells(self, fits: dict[int, RowRead], found_tables: set[str]) -> tuple[dict[str, Cell], list[Problem]]:
        """The stage `values`: every cell of the format from the value fitted to it, and the problems met."""
        cells: dict[str, Cell] = {}
        problems: list[Problem] = []
        for ri, row in enumerate(self.fmt.rows):
            entry = fits.get(ri)
            stop = self.row_stops.get(ri)
            if stop is not None and stop.kind == "label":
                problems.append(unknown_row(row.table, stop.printed, self.lin.locate(stop.start, stop.end)))
            if entry is None or entry.fit.quality == 3:
                for key in row.cells:
                    cells[key] = Cell(key, None, "")
                if (
                    entry is not None
                    and entry.occurrence is not None
                    and row.table in found_tables
                    and self._printed_as_row(entry.occurrence, row)
                ):
                    continue  # its label printed in its table, and no cell after it: a row printed empty (blank)
                if entry is not None or row.table in found_tables:
                    problems.append(
                        Problem(
                            "row.missing", f"未找到“{row.label or '行政复议、行政诉讼'}”一行的数值", tuple(row.cells)
                        )
                    )
                continue
            fit = entry.fit
            loc = None
            if entry.occurrence is not None:
                o = entry.occurrence
                loc = self.lin.locate(self.lin.raw_start(o.start), self.lin.raw_end(o.end))
            if fit.problem:
                problems.append(
                    Problem("row.fit", f"“{row.label or '行政复议、行政诉讼'}”：{fit.problem}", tuple(row.cells), loc)
                )
            unsure = {i for i in range(len(row.cells)) if len({_at(t[i]) for t in fit.tied}) > 1}
            if unsure:  # no evidence tells the splits apart: unread, never guessed (see `fit`)
                keys = tuple(row.cells[i] for i in sorted(unsure))
                problems.append(Problem("cell.uncertain", f"识别不确定：{fit.problem}", keys, loc))
            elif fit.doubtful:
                problems.append(Problem("cell.uncertain", fit.problem, tuple(row.cells), loc))
            for i, (key, tok) in enumerate(zip(row.cells, fit.cells, strict=True)):
                cells[key] = (
                    Cell(key, None, fit.run, loc, fit.problem) if i in unsure else self._cell(key, tok, problems)
                )
        return cells, problems

    def _cell(self, key: str, tok: Token | None, problems: list[Problem]) -> Cell:
        spec = self.fmt.cells[key]
        if tok is None:
            return Cell(key, None, "")
        loc = self.lin.locate(tok.start, tok.end)
        if tok.kind == "unsure" or malformed(tok):
            could = "、".join(candidates(tok)) or "无"
            why = "以 0 开头的数字串不是一个数值" if malformed(tok) else "数值与其后文字连排"
            note = f"识别不确定：印为“{tok.printed}”，{why}，可能为 {could}，或本格未印数值；未读取"
            problems.append(Problem("cell.uncertain", note, (key,), loc))
            return Cell(key, None, tok.printed, loc, note)
        if tok.kind == "text":
            problems.append(Problem("cell.text", f"数值单元格中印有文字“{tok.printed}”", (key,), loc))
            return Cell(key, None, tok.printed, loc)
        value, note = to_number(tok, spec.unit, spec.is_decimal, self.max_digits)
        if note:
            problems.append(Problem("cell.unit" if value is not None else "cell.text", note, (key,), loc))
        return Cell(key, value, tok.printed, loc, note)

    def _decide_ties(self, fits: dict[int, RowRead]) -> None:
        """Pick among equally good splits of a row with the identities that span rows.

        Each identity tried on an alternative counts as a split scored in the document's budget; a row the budget
        cannot afford stays undecided (and said to be).
        """
        rows = self.fmt.rows
        for _ in range(2):
            for ri, entry in fits.items():
                fit = entry.fit
                if len(fit.alternatives) < 2:
                    continue
                row_keys = set(rows[ri].cells)
                touching = [i for i in self.fmt.identities if set(i.keys) & row_keys]
                if not self.budget.spend(len(fit.alternatives) * max(1, len(touching))):
                    continue
                trial = self._known(fits)  # each alternative overwrites the row's cells in turn
                scores = []
                for alt in fit.alternatives:
                    for key, tok in zip(rows[ri].cells, alt, strict=True):
                        trial[key] = tok.number if tok is not None and tok.kind == "num" else None
                    scores.append(sum(1 for i in touching if i.holds(trial)))
                settle(fit, scores)
        settle_jointly(self.fmt, [(rows[ri], entry.fit) for ri, entry in fits.items()], self._known(fits), self.budget)

    def _known(self, fits: dict[int, RowRead]) -> dict[str, Decimal | None]:
        out: dict[str, Decimal | None] = {}
        for ri, entry in fits.items():
            for key, tok in zip(self.fmt.rows[ri].cells, entry.fit.cells, strict=True):
                out[key] = tok.number if tok is not None and tok.kind == "num" else None
        return out

    def _extra_rows(self) -> list[ExtraRow]:
        """Numbers printed after a label that is not a row of this format (e.g. an old （六）其他处理)."""
        out: list[ExtraRow] = []
        lo, hi = self.regions["二"][0], self.regions["三"][1]
        for oi, occ in enumerate(self.occurrences):
            if occ.rows() or not (lo <= occ.start < hi):
                continue
            gap = self.lin.raw[self.lin.raw_end(occ.end) : self._next_start(oi)]
            if not any(ch.isdigit() for ch in gap):
                continue
            found, _ = self.values_after(oi, same_row_only=True)
            nums = [t for t in found if t.kind == "num"]
            if nums:
                label = occ.labels[0]
                loc = self.lin.locate(self.lin.raw_start(occ.start), self.lin.raw_end(occ.end))
                out.append(ExtraRow(label.text, label.table, tuple(t.printed for t in nums), loc))
        return out


def _at(token: Token | None) -> tuple[int, int] | None:
    return None if token is None else (token.start, token.end)


def read_tables(
    lin: Linear, year: int | None, options: ReadOptions | None = None, previous: Report | None = None
) -> TableRead | None:
    """The tables of the document in the format its labels (else its `year`) say, within the bounds of `options`
    (the defaults when None); None when no format can be told."""
    name = detect_format(lin, year)
    if name is None:
        return None
    return _Reader(lin, get_format(name), options, previous).read()
