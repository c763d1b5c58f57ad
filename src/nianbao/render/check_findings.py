"""The check page's findings: numbered in reading order, the marks they put on the cells they name, and each
finding's block (its rule, status, cells with what is printed and expected, and the source lines it points at).

`Location.line` counts the lines of the source document (`nianbao.read.lines`): the lines are quoted
only when the caller passes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from nianbao.audit.model import FAMILIES, REVIEW_NAMES, STATUS_NAMES, Audit, CellRef, Finding, Severity, Status
from nianbao.audit.registry import Rule
from nianbao.formats import get_format
from nianbao.report import Report

Lines = Mapping[int, str]
#: Extra HTML (trusted: the caller escapes what it puts in) shown at the end of a finding's block.
Actions = Callable[[Finding], str]

MAX_QUOTED_LINES = 6


def e(text: object) -> str:
    """`text` escaped for HTML (quotes too)."""
    return escape(str(text), quote=True)


# ---------------------------------------------------------------------------------------------
# The findings a page shows, numbered in reading order, and the marks they put on cells
# ---------------------------------------------------------------------------------------------


@dataclass
class Item:
    number: int  # 1-based, in the order the findings are listed
    anchor: str
    finding: Finding


def blamed(ref: CellRef) -> bool:
    """The finding says what the cell should read, and it is not what is printed."""
    return ref.expected is not None and ref.expected != ref.printed


@dataclass
class Mark:
    items: list[Item] = field(default_factory=list)

    @property
    def severity(self) -> Severity:
        return max(i.finding.severity for i in self.items)

    def codes(self) -> list[Item]:
        """The first item of each rule, in order of appearance."""
        seen: dict[str, Item] = {}
        for i in self.items:
            seen.setdefault(i.finding.rule, i)
        return list(seen.values())

    def expected(self, key: str) -> str | None:
        """What the findings expect the cell to read, when they agree."""
        wanted = {c.expected for i in self.items for c in i.finding.cells if c.key == key and blamed(c)}
        return wanted.pop() if len(wanted) == 1 else None

    def only_involved(self, key: str) -> bool:
        """True when every finding naming the cell blames another cell (says that one should read otherwise)."""
        return all(
            any(blamed(c) for c in i.finding.cells) and not any(c.key == key and blamed(c) for c in i.finding.cells)
            for i in self.items
        )

    def tooltip(self) -> str:
        return "\n".join(f"{i.finding.rule} {i.finding.severity.chinese}：{i.finding.message}" for i in self.items)


def family_order(family: str) -> int:
    return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)


def items_of(audit: Audit, prefix: str) -> list[Item]:
    # numbered by family, the not assessable after all others (they are listed folded under their family);
    # the sort is stable: otherwise the audit's order
    ordered = sorted(
        audit.findings, key=lambda f: (f.status is Status.NOT_ASSESSABLE, family_order(f.family), f.family)
    )
    return [Item(n, f"{prefix}-f{n}", f) for n, f in enumerate(ordered, start=1)]


def marks_of(items: Iterable[Item]) -> dict[str, Mark]:
    """Per cell key, the findings (not dismissed by a reviewer) that name it."""
    out: dict[str, Mark] = {}
    for item in items:
        if item.finding.review == "dismissed":
            continue
        for key in dict.fromkeys(item.finding.keys):
            out.setdefault(key, Mark()).items.append(item)
    return out


# ---------------------------------------------------------------------------------------------
# The findings list
# ---------------------------------------------------------------------------------------------


def _describe_key(report: Report, key: str) -> str:
    if report.format is None:
        return ""
    spec = get_format(report.format).cells.get(key)
    if spec is None:
        return ""
    return " · ".join(t for t in (spec.row_label, spec.column_label) if t)


def _printed(text: str | None) -> str:
    if text is None:
        return '<span class="none">（未读到）</span>'
    if not text.strip():
        return '<span class="none">（空白）</span>'
    return e(text)


def _refs(report: Report, refs: Sequence[CellRef], prefix: str, drawn: set[str]) -> Iterable[str]:
    with_expected = any(c.expected is not None for c in refs)
    with_location = any(c.location is not None for c in refs)
    head = (
        "<th>单元格</th><th>印为</th>"
        + ("<th>应为</th>" if with_expected else "")
        + ("<th>位置</th>" if with_location else "")
    )
    yield f'<table class="refs"><tr>{head}</tr>'
    for c in refs:
        label = _describe_key(report, c.key)
        name = f'<a href="#{e(prefix)}-c-{e(c.key)}">{e(label or c.key)}</a>' if c.key in drawn else e(label or c.key)
        row = f"<td>{name}</td>"  # the key is in the finding's 技术信息
        bad = blamed(c)
        row += f'<td class="num{" bad" if bad else ""}">{_printed(c.printed)}</td>'
        if with_expected:
            row += f'<td class="num">{e(c.expected) if c.expected is not None else ""}</td>'
        if with_location:
            row += f'<td class="num">{e(c.location.describe()) if c.location is not None else ""}</td>'
        yield f"<tr>{row}</tr>"
    yield "</table>"


def _quote(finding: Finding, lines: Lines) -> Iterable[str]:
    """The source lines the finding points at, the printed cells highlighted where they sit."""
    spans: dict[int, list[tuple[int, int, str, bool]]] = {}
    wanted: list[int] = []
    if finding.location is not None and finding.location.line is not None:
        wanted.append(finding.location.line)
    for c in finding.cells:
        loc = c.location
        if loc is None or loc.line is None:
            continue
        wanted.append(loc.line)
        if loc.start is not None and loc.end is not None and c.printed:
            wrong = blamed(c)
            spans.setdefault(loc.line, []).append((loc.start, loc.end, c.printed, wrong))
    numbers = [n for n in dict.fromkeys(wanted) if n in lines]
    if not numbers:
        return
    shown = sorted(numbers)[:MAX_QUOTED_LINES]
    yield "<blockquote>"
    for n in shown:
        text = _highlight(lines[n], spans.get(n, []))
        yield f'<div><span class="ln">第{n}行</span><span class="src">{text}</span></div>'
    if len(numbers) > len(shown):
        yield f'<div class="ln">……另有 {len(numbers) - len(shown)} 行</div>'
    yield "</blockquote>"


def _highlight(text: str, spans: list[tuple[int, int, str, bool]]) -> str:
    """`text` escaped, each span marked when the text there is what the cell printed (a wrong one in red)."""
    good = sorted({(a, b, wrong) for a, b, printed, wrong in spans if 0 <= a < b <= len(text) and text[a:b] == printed})
    out: list[str] = []
    at = 0
    for a, b, wrong in good:
        if a < at:
            continue  # overlapping spans: keep the first
        out.append(e(text[at:a]))
        tag = '<mark class="bad">' if wrong else "<mark>"
        out.append(f"{tag}{e(text[a:b])}</mark>")
        at = b
    out.append(e(text[at:]))
    return "".join(out)


def finding_block(
    item: Item,
    report: Report,
    rules: Mapping[str, Rule],
    lines: Lines | None,
    prefix: str,
    drawn: set[str],
    actions: Actions | None = None,
) -> Iterable[str]:
    """One finding's block (``<li>``): its rule, status, cells, location, quoted lines and `actions`."""
    f = item.finding
    classes = f"finding sev-{f.severity.label}" + (" dismissed" if f.review == "dismissed" else "")
    yield f'<li class="{classes}" id="{e(item.anchor)}">'
    rule = rules.get(f.rule)
    tags = [
        f'<span class="tag {f.severity.label}">{f.severity.chinese}</span>',
        f'<span class="tag">{e(STATUS_NAMES.get(f.status, f.status.value))}</span>',
    ]
    if f.review:
        tags.append(f'<span class="tag">{e(REVIEW_NAMES.get(f.review, f.review))}</span>')
    title = f'<span class="title">{e(rule.title)}</span>' if rule is not None else ""
    yield (
        f'<div class="fhead"><span class="fno">问题 {item.number}</span><span class="code">{e(f.rule)}</span>'
        f"{title}{''.join(tags)}</div>"
    )
    yield f'<p class="msg">{e(f.message)}</p>'
    if f.cells:
        yield from _refs(report, f.cells, prefix, drawn)
    if f.location is not None:  # the cells' own locations are in their table
        yield f'<p class="where">位置：{e(f.location.describe())}</p>'
        if f.location.ocr is not None:  # read by OCR: the piece of the scan it was read from
            from nianbao.render.scan_crop import crop_for

            crop = crop_for(report.file, f.location)
            if crop is not None:
                yield f'<p class="crop"><img src="{crop}" alt="原件截图（第{f.location.page}页）"></p>'
    if lines is not None:
        yield from _quote(f, lines)
    yield tech_details(f)
    if actions is not None:
        yield actions(f)
    yield "</li>"


def tech_details(finding: Finding) -> str:
    """The codes a person does not need to read the finding, folded under "技术信息" (a ``<details>``): the rule's
    name, the keys of the cells it names (as in the JSON and the exports) and its fingerprint."""
    rows = [("规则名", f"<code>{e(finding.name)}</code>")]
    keys = list(dict.fromkeys(finding.keys))
    if keys:
        rows.append(("单元格编号", " ".join(f"<code>{e(k)}</code>" for k in keys)))
    rows.append(("指纹", f"<code>{e(finding.fingerprint)}</code>"))
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<details class="tech"><summary>技术信息</summary><dl>{body}</dl></details>'
