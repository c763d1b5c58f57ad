"""Real-world forms of a corpus report, generated from its truth (issue #15): the layouts the reader meets outside
the corpus, one function per failure class, each returning the file text and its suffix.

    python -m tests.forms.generate CLASS corpus/real/r001.txt [--seed N]   # print one generated form

Every generator takes a `Source` (`tests.forms.source.load_source(path)`: the report's truth, its narrative as
read, its tables laid out by `nianbao.formats.grid` from the truth) and a `seed`. Seed 0 is the canonical form
(the one `bench/forms.py` scores); other seeds vary the details (where a page breaks, which rows lose their
label…) through `random.Random(seed)` or plain arithmetic on the seed, so every output is reproducible.
The truth of a generated file is the source's truth: same cells, blank cells blank.

Classes (`CLASSES`, in order):
  clean           the control: the report as markdown pipe tables (what `nianbao render --to md` prints)
  crawler         2021-format page text as a crawler stores it: table cells run together, no line breaks
  crawler_2019    the same for 2019-format reports (section 二's 上一年/增减/处理决定 rows, procurement runs)
  glued           line text whose tables end glued to a paragraph opening with a year, stray digits after a fee
  torn_md         a PDF→markdown conversion: labels on their own line, header words split, page numbers
  wrapped         `pdftotext -layout`-like text at a narrow width: long labels wrap across lines
  label_variants  the markdown with row labels spelled as real reports spell them (`labels.VARIANTS`)
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nianbao.formats.grid import Grid
from nianbao.render.md import flat_tables, pipe_table, width
from tests.forms.labels import relabel
from tests.forms.source import Line, Source, lines_of, load_source


@dataclass(frozen=True)
class Generated:
    text: str
    suffix: str  # ".txt", ".md": how the reader is to take it


Make = Callable[[Source, int], Generated]


@dataclass(frozen=True)
class FormClass:
    name: str
    make: Make
    applies: Callable[[Source], bool]  # whether the class has a form of this report (crawler_2019: 2019 only)
    summary: str


# ---------------------------------------------------------------------------------------------
# The report's parts in order
# ---------------------------------------------------------------------------------------------

Block = tuple[str, "str | Grid"]  # ("title" | "para" | "heading" | "sign", text) or ("table", grid)


def blocks(source: Source) -> Iterator[Block]:
    content = source.content
    yield "title", content.title
    for p in content.preamble:
        yield "para", p
    for section in content.sections:
        yield "heading", section.title
        for p in section.paragraphs:
            yield "para", p
        grid = source.grid_of(section.number)
        if grid is not None:
            yield "table", grid
    yield "sign", content.agency
    if content.date_text:
        yield "sign", content.date_text


def _published(source: Source) -> str:
    d = source.content.date
    return f"{d.isoformat()} 10:32" if d else f"{source.year + 1}-01-15 10:32"


# ---------------------------------------------------------------------------------------------
# clean, label_variants: markdown pipe tables
# ---------------------------------------------------------------------------------------------


def _markdown(source: Source, label: Callable[[str], str]) -> str:
    out: list[str] = []
    for kind, item in blocks(source):
        if isinstance(item, Grid):
            for table in flat_tables(relabel(item, label)):
                out += [*pipe_table(table), ""]
        elif kind == "title":
            out += [f"# {item}", ""]
        elif kind == "heading":
            out += [f"## {item}", ""]
        else:
            out += [item, ""]
    return "\n".join(out)


def clean(source: Source, seed: int = 0) -> Generated:
    """The control: the report as markdown with pipe tables, every label official."""
    return Generated(_markdown(source, lambda text: text), ".md")


def label_variants(source: Source, seed: int = 0) -> Generated:
    """The markdown with row labels replaced by the variants real reports print (seed picks among several)."""
    from tests.forms.labels import variant_of

    return Generated(_markdown(source, lambda text: variant_of(text, seed)), ".md")


# ---------------------------------------------------------------------------------------------
# crawler, crawler_2019: everything run together
# ---------------------------------------------------------------------------------------------


def _crawled_table(grid: Grid, rng: random.Random, spaced: bool, money: frozenset[str] = frozenset()) -> str:
    """Every cell of the grid in document order with no separator; `spaced`: some value cells get one space
    before them, as some pages keep (`00 0 0 00 0`); a cell of `money` printed with its unit (`93571元`)."""
    out: list[str] = []
    for r in range(grid.rows):
        for cell in grid.starting_in(r):
            if spaced and cell.key is not None and out and rng.random() < 0.4:
                out.append(" ")
            out.append(cell.text + ("元" if cell.key in money and cell.text else ""))
    return "".join(out)


def crawler(source: Source, seed: int = 0, money: frozenset[str] = frozenset()) -> Generated:
    """The page's text as a crawler stores it: a small header, then the whole page on one line: paragraphs
    joined, every table cell run together (`规范性文件999`, `一、本年新收政府信息公开申请数量801000081`).
    Odd seeds put a space before some value cells; the cells of `money` are printed with their unit, 元."""
    rng = random.Random(seed)
    parts = [f"当前位置： 首页政务公开政府信息公开年报 {source.content.title} 来源： 时间：{_published(source)} "]
    for kind, item in blocks(source):
        if isinstance(item, Grid):
            parts.append(_crawled_table(item, rng, spaced=seed % 2 == 1, money=money))
        else:
            parts.append(item if kind != "sign" else f" {item}")
    head = [
        f"标题: {source.content.title}",
        f"发布时间: {_published(source)}",
        "栏目: 政府信息公开年报",
        "==================== 正文 ====================",
    ]
    return Generated("\n".join(head) + "\n" + "".join(parts) + " 附件下载\n", ".txt")


def crawler_2019(source: Source, seed: int = 0) -> Generated:
    """`crawler` for a 2019-format report: section 二's rows run their three counts together (`行政许可4120305`
    = 上一年项目数量 / 本年增减 / 处理决定数量) and the procurement count runs into its amount, printed in 元 as
    most pages print it (`1263854.12元`)."""
    money = frozenset(k for k, c in source.format.cells.items() if c.is_decimal and c.unit == "元")
    return crawler(source, seed, money)


# ---------------------------------------------------------------------------------------------
# glued: a table's last row glued to the next paragraph
# ---------------------------------------------------------------------------------------------


def _stray(value: str, seed: int) -> str:
    """A fee amount with a stray digit after it, glued so that the reader can tell only from its shape
    (more than two decimals, a leading zero); an integral amount gets it after a space."""
    digit = str(2 + seed % 3)
    if not value:
        return value
    if "." in value or value == "0":
        return value + digit
    return f"{value} {digit}"


def glued(source: Source, seed: int = 0) -> Generated:
    """Text with one line per paragraph and per table row (cells separated by tabs); each table's last row
    runs straight into a paragraph opening with the year (`…\t0\t02023年，我局…`; odd seeds also run that row's
    values together: `…0002023年`), and the fee amount (2021) or procurement amount (2019) that ends table 二 is
    followed by a stray page digit (`7730.283`)."""
    out: list[str] = []
    for _, item in blocks(source):
        if not isinstance(item, Grid):
            out.append(item)
            continue
        rows = lines_of(item)
        last = max(i for i, line in enumerate(rows) if not line.is_header)
        for i, line in enumerate(rows):
            if line.is_header:
                out.append("\t".join(line.headers))
                continue
            values = list(line.values)
            if item.name == "二" and i == last:
                values[-1] = _stray(values[-1], seed)
            sep = "" if i == last and seed % 2 == 1 else "\t"
            text = "".join(line.labels) + "\t" + sep.join(values)
            if i == last:
                text += f"{source.year}年，我局按照上级要求如实统计上述数据，数据来源于本机关登记台账。"
            out.append(text)
    return Generated("\n".join(out) + "\n", ".txt")


# ---------------------------------------------------------------------------------------------
# torn_md: a third-party PDF→markdown conversion
# ---------------------------------------------------------------------------------------------


def _torn_header(line: Line) -> list[str]:
    """A header row over two lines, every text longer than three characters torn after its third."""
    heads = [t[:3] for t in line.headers]
    tails = [t[3:] for t in line.headers]
    out = ["| " + " | ".join(heads) + " |"]
    return [*out, "| " + " | ".join(tails) + " |"] if any(tails) else out


def torn_md(source: Source, seed: int = 0) -> Generated:
    """A PDF→markdown conversion: header words split into 3-character fragments over two lines (`商业企` / `业`),
    each row's label on its own line before its values (after them, in every other table: seed shifts which),
    values as a pipe row, page numbers (`- 3 -`, `第 4 页`) every few rows, and in table 三 some label lines
    missing so that only the row order tells the row."""
    out: list[str] = []
    page = 1
    for kind, item in blocks(source):
        if kind == "title":
            out += [f"# {item}", ""]
        elif kind == "heading":
            out += [f"## {item}", ""]
        elif not isinstance(item, Grid):
            out += [str(item), ""]
        else:
            after = (seed + "二三四".index(item.name)) % 2 == 1
            n = 0
            for line in lines_of(item):
                if line.is_header:
                    out += _torn_header(line)
                    continue
                if n == 0:
                    out.append("|" + " --- |" * (len(line.values) + bool(line.labels)))
                vals = "| " + " | ".join(line.values) + " |"
                label = " ".join(line.labels)
                missing = item.name == "三" and n % 6 == 4 + seed % 2
                rows = [vals] if missing or not label else ([vals, label] if after else [label, vals])
                out += rows
                n += 1
                if n % 7 == 0:
                    page += 1
                    out.append(f"- {page} -" if page % 2 else f"第 {page} 页")
            out.append("")
    return Generated("\n".join(out), ".md")


# ---------------------------------------------------------------------------------------------
# wrapped: pdftotext -layout at a narrow width
# ---------------------------------------------------------------------------------------------

LABEL_WIDTH = 20  # display columns of the label column (ten Chinese characters)
VALUE_WIDTH = 6
TEXT_WIDTH = 36  # display columns of a paragraph line
PAGE_LINES = 48


def _wrap(text: str, size: int) -> list[str]:
    out: list[str] = []
    line = ""
    for ch in text:
        if width(line + ch) > size:
            out.append(line)
            line = ""
        line += ch
    return [*out, line] if line or not out else out


def _pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def _values(values: tuple[str, ...]) -> str:
    return "".join(v.rjust(VALUE_WIDTH) for v in values)


def _wrapped_table(grid: Grid, seed: int) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines_of(grid)):
        if line.is_header:
            parts = [_wrap(t, 8) for t in line.headers]
            for k in range(max(len(p) for p in parts)):
                out.append("   " + "  ".join(_pad(p[k] if k < len(p) else "", 8) for p in parts).rstrip())
            continue
        if grid.name == "四":
            out.append(_values(line.values))
            continue
        *groups, label = line.labels or ("",)
        out += [" " * 4 + g for g in groups]
        chunks = _wrap(label, LABEL_WIDTH)
        if len(chunks) == 1:
            out.append(_pad(chunks[0], LABEL_WIDTH) + _values(line.values))
            continue
        mode = (i + seed) % 3  # values on the first line, on the last, or on a line of their own
        if mode == 0:
            out.append(_pad(chunks[0], LABEL_WIDTH) + _values(line.values))
            out += ["  " + c for c in chunks[1:]]
        elif mode == 1:
            out += chunks[:-1]
            out.append("  " + _pad(chunks[-1], LABEL_WIDTH - 2) + _values(line.values))
        else:
            out += chunks
            out.append(" " * LABEL_WIDTH + _values(line.values))
    return out


def wrapped(source: Source, seed: int = 0) -> Generated:
    """`pdftotext -layout`-like text at a narrow width: paragraphs wrapped at 18 characters, table labels at
    ten, a long label's values on its first line, its last, or a line of their own (rotating by row and seed),
    header cells wrapped into stacked fragments, and a page footer (`-3-`) every 48 lines, tables included."""
    out: list[str] = []
    for kind, item in blocks(source):
        if isinstance(item, Grid):
            out += ["", *_wrapped_table(item, seed), ""]
        elif kind == "title":
            out += ["   " + c for c in _wrap(item, TEXT_WIDTH)] + [""]
        elif kind == "heading":
            out.append("  " + item)
        elif kind == "sign":
            out.append(" " * 24 + item)
        else:
            out += _wrap("    " + item, TEXT_WIDTH)
    paged: list[str] = []
    page = 1
    for n, text in enumerate(out, 1):
        paged.append(text)
        if n % (PAGE_LINES - seed % 5) == 0:
            page += 1
            paged += ["", " " * 16 + f"-{page}-", ""]
    return Generated("\n".join(paged) + "\n", ".txt")


# ---------------------------------------------------------------------------------------------

CLASSES: dict[str, FormClass] = {
    c.name: c
    for c in (
        FormClass("clean", clean, lambda s: True, "control: markdown pipe tables"),
        FormClass("crawler", crawler, lambda s: s.format.name != "2019", "2021 page text, cells run together"),
        FormClass("crawler_2019", crawler_2019, lambda s: s.format.name == "2019", "2019 page text, run together"),
        FormClass("glued", glued, lambda s: True, "table end glued to a year paragraph; stray fee digit"),
        FormClass("torn_md", torn_md, lambda s: True, "PDF→markdown: torn labels, split headers, page numbers"),
        FormClass("wrapped", wrapped, lambda s: True, "pdftotext -layout at a narrow width"),
        FormClass("label_variants", label_variants, lambda s: True, "row labels as real reports spell them"),
    )
}


def generate(name: str, path: Path, seed: int = 0) -> Generated | None:
    """The `name` form of the corpus report at `path`, or None when the class has no form of it."""
    form = CLASSES[name]
    source = load_source(path)
    return form.make(source, seed) if form.applies(source) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print one generated form of a corpus report.")
    parser.add_argument("form", choices=list(CLASSES))
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = generate(args.form, args.path.resolve(), args.seed)
    print(out.text if out else f"({args.form} has no form of {args.path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
