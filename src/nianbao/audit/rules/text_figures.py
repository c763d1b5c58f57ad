"""The narrative as the `text` rules read it, and the figures it states (rule T501's claims).

Sentences of the squeezed narrative (whitespace removed, so a figure wrapped over two lines of a PDF is still
one phrase); a figure is taken only when the words right before it tie it to one quantity of the tables
(`claims`), and `judge` compares it with the printed cells. The rules themselves are in `text.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from nianbao.audit.model import Status
from nianbao.audit.registry import Context, Hit
from nianbao.audit.rules.arithmetic import unsure_keys
from nianbao.audit.rules.structure import section_label
from nianbao.formats import get_format
from nianbao.report import Report, Section

NARRATIVE_SECTIONS = (1, 5, 6)


def squeeze(text: str) -> str:
    """The text without whitespace (two numbers stay apart) and without thousands separators."""
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    text = re.sub(r"(?<=\d)\s+(?=\d)", "\x00", text)
    return re.sub(r"\s+", "", text).replace("\x00", " ")


_SENTENCE_END = re.compile(r"[。！!？?]")
_CLAUSE_MARK = re.compile(r"[，,：:；;]")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(squeeze(text)) if s]


def clause_start(sentence: str, index: int) -> int:
    """Where the clause holding `index` starts (after the last comma or colon before it)."""
    marks = [m.end() for m in _CLAUSE_MARK.finditer(sentence, 0, index)]
    return marks[-1] if marks else 0


def narrative(report: Report) -> list[Section]:
    return [s for s in report.sections if s.number in NARRATIVE_SECTIONS and s.text.strip()]


def preamble(report: Report) -> str:
    """Title and preamble: the text before the first section's heading (all of it when there is no section)."""
    if not report.sections:
        return report.text
    first = report.sections[0]
    at = section_offset(report, first)
    if at < 0:
        return report.title or ""
    printed = [c for c in first.numbering + first.heading if not c.isspace()]
    heading = re.compile(r"\s*".join(map(re.escape, printed)))
    starts = [m.start() for m in heading.finditer(report.text, 0, at)]
    return report.text[: starts[-1]] if starts else report.text[:at]


def section_offset(report: Report, section: Section) -> int:
    """Where a section's text starts in the report's text (-1 when it cannot be found)."""
    probe = section.text.strip()[:40]
    if not probe:
        return -1
    return report.text.find(probe)


# --- T501: figures of the narrative against the tables --------------------------------------------

NUM = r"(?<![\d.])(?P<n>\d+)(?![\d.])"
_TAIL = r"(?:共计|共|合计|总计|总数|数量|件数|为|达|有|了)*"
_NC = r"[^\d，,：:；;]"  # a character of the same clause that is not a digit


@dataclass(frozen=True)
class Alternative:
    """One way the table can agree with a figure: the sum of these cells."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    quantity: str  # a key of QUANTITIES
    phrase: str  # as printed (squeezed)
    number: int
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class Quantity:
    title: str  # Chinese, what the figure counts
    pattern: re.Pattern[str]
    alternatives: tuple[Alternative, ...]
    formats: tuple[str, ...] = ("2019", "2021")
    context: re.Pattern[str] | None = None  # must occur in the sentence before the figure
    skip_prefix: re.Pattern[str] | None = None  # in the clause before the phrase: a part, not the whole
    skip_phrase: re.Pattern[str] | None = None  # in the phrase itself: another thing counted
    whole_item: bool = False  # the phrase must not close a list sharing one figure (举报投诉、行政复议3件)
    clause_context: bool = False  # `context` must be in the phrase's own clause, or follow application figures
    also: Callable[[str, str], tuple[Alternative, ...] | None] | None = None  # (prefix, phrase) -> override


_PART_OF_WHOLE = r"其中|代表|政府办|办公室|各部门|部门|乡镇|街道|片区|村|社区"
_CHANNELS = r"|网络|网上|线上|信函|邮寄|当面|现场|传真|邮件|平台|窗口"
_CASE_PARTS = r"|纠错|纠正|败诉|胜诉|维持|撤销|驳回|确认违法|尚未|审结|举报|投诉|信访"
_OTHER_MATTERS = r"复议|诉讼|许可|信访|投诉|举报|建议|提案|审批|登记|听证|来信|咨询|热线|留言|案件|事项|业务|率"


def _received_alternatives(prefix: str, phrase: str) -> tuple[Alternative, ...] | None:
    if re.search(r"自然人|企业|机构|律师", phrase) or ("法人" in phrase and "公民" not in phrase):
        return ()  # one kind of applicant: a part of the total
    return None


def _carried_alternatives(prefix: str, phrase: str) -> tuple[Alternative, ...] | None:
    if re.search(r"(?:上一?年度?|去年|往年|前一年)(?:度)?(?:申请)?$", prefix) or re.match(r"结转上", phrase):
        return (Alternative(("applications.carried_over.total",)),)
    return None


def _published_alternatives(prefix: str, phrase: str) -> tuple[Alternative, ...] | None:
    regulations = "规章" in phrase
    out = []
    for column in ("published", "total_published"):
        keys = [f"active.normative_documents.{column}"]
        if regulations:
            keys.append(f"active.regulations.{column}")
        out.append(Alternative(tuple(keys)))
    return tuple(out)


def _litigation() -> tuple[Alternative, ...]:
    return (Alternative(("litigation_direct.total", "litigation_after_review.total")),)


# 复议/诉讼 about disclosure: said in the same clause, or following the application figures of the sentence
_ABOUT_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")
_AFTER_APPLICATION_FIGURES = re.compile(r"(?:信息公开|依申请|公开申请)[^。]*?\d+件[^。]*$")

QUANTITIES: dict[str, Quantity] = {
    "received": Quantity(
        "收到的政府信息公开申请数",
        re.compile(
            rf"(?:收到|受理|接收|接到|新收|收悉)(?P<mid>{_NC}{{0,30}}?)申请(?:公开|事项)?{_TAIL}{NUM}(?:件|份|个)"
        ),
        (
            Alternative(("applications.new.total",)),
            Alternative(("applications.new.total", "applications.carried_over.total")),
        ),
        skip_prefix=re.compile(_PART_OF_WHOLE + _CHANNELS + r"|自然人|法人|企业"),
        skip_phrase=re.compile(_OTHER_MATTERS + r"|补正|延期|转办"),
        also=_received_alternatives,
    ),
    "handled": Quantity(
        "办结（答复）的政府信息公开申请数",
        re.compile(rf"(?:办结|答复|办理完毕|办理完成|办理)(?P<mid>{_NC}{{0,20}}?)(?:完毕|完成)?{_TAIL}{NUM}件"),
        (Alternative(("applications.total.total",)),),
        context=re.compile(r"申请"),
        skip_prefix=re.compile(
            _PART_OF_WHOLE + r"|按时|按期|超期|逾期|延期|当场|当日|网上|线上|予以|不予|部分|告知|"
            r"无法|已公开|转|电话|书面|口头|期限|时限"
        ),
        skip_phrase=re.compile(_OTHER_MATTERS),
    ),
    "carried_forward": Quantity(
        "结转下年度继续办理的申请数",
        re.compile(rf"结转(?P<mid>(?:{_NC}|\d{{4}}年度?){{0,15}}?){_TAIL}{NUM}件"),
        (Alternative(("applications.carried_forward.total",)),),
        context=re.compile(r"申请|办结|办理|受理|收到"),
        skip_prefix=re.compile(_PART_OF_WHOLE),
        skip_phrase=re.compile(r"复议|诉讼|案件|资金|经费|项目|元"),
        also=_carried_alternatives,
    ),
    "review": Quantity(
        "政府信息公开行政复议案件数",
        re.compile(rf"行政复议(?:案件|申请|案)?{_TAIL}{NUM}(?:件|起|宗|个|次)"),
        (Alternative(("review.total",)),),
        context=_ABOUT_DISCLOSURE,
        whole_item=True,
        clause_context=True,
        skip_prefix=re.compile(_PART_OF_WHOLE + _CASE_PARTS),
    ),
    "litigation": Quantity(
        "政府信息公开行政诉讼案件数",
        re.compile(rf"行政诉讼(?:案件|案)?{_TAIL}{NUM}(?:件|起|宗|个|次)"),
        _litigation(),
        context=_ABOUT_DISCLOSURE,
        whole_item=True,
        clause_context=True,
        skip_prefix=re.compile(_PART_OF_WHOLE + _CASE_PARTS + r"|复议后|直接起诉"),
    ),
    "review_and_litigation": Quantity(
        "政府信息公开行政复议和行政诉讼案件数（合计）",
        re.compile(
            rf"行政(?:复议(?:案件)?(?:和|及|、|与)行政诉讼|诉讼(?:案件)?(?:和|及|、|与)行政复议)"
            rf"(?:案件)?{_TAIL}{NUM}(?:件|起|宗)"
        ),
        (Alternative(("review.total", "litigation_direct.total", "litigation_after_review.total")),),
        context=_ABOUT_DISCLOSURE,
        whole_item=True,
        clause_context=True,
        skip_prefix=re.compile(_PART_OF_WHOLE + _CASE_PARTS),
    ),
    "in_force": Quantity(
        "现行有效的行政规范性文件数",
        re.compile(
            rf"(?:现行有效(?:的)?(?:行政)?规范性文件|(?:行政)?规范性文件(?:现行有效|有效)(?:的)?){_TAIL}{NUM}"
            r"(?:件|个|份|部)"
        ),
        (Alternative(("active.normative_documents.in_force",)),),
        formats=("2021",),
        skip_prefix=re.compile(_PART_OF_WHOLE),
    ),
    "issued": Quantity(
        "本年制发的行政规范性文件数",
        re.compile(rf"(?:制发|印发|出台|制定)(?:的)?(?:行政)?规范性文件{_TAIL}{NUM}件"),
        (Alternative(("active.normative_documents.issued",)),),
        formats=("2021",),
        context=re.compile(r"本年|全年|年内|今年|当年|20\d\d年"),
        skip_prefix=re.compile(_PART_OF_WHOLE + r"|累计|历年|以来|清理|废止|起草|审查|备案|解读|征求"),
    ),
    "published_2019": Quantity(
        "本年新公开的规范性文件数",
        re.compile(
            rf"(?:(?:行政法规|法规|规章)[、和及与]?)*(?:行政)?规范性文件(?:类)?(?:信息|文件)?{_TAIL}{NUM}"
            r"(?:条|件|个|份|篇)"
        ),
        (),
        formats=("2019",),
        context=re.compile(r"公开|发布"),
        skip_prefix=re.compile(
            r"清理|废止|失效|备案|审查|审核|起草|征求|解读|现行有效|制定|制作|印发|出台|代表|部门|乡镇|街道"
        ),
        also=_published_alternatives,
    ),
}


# a list joined right before the phrase, whose items have no figure of their own: 举报投诉、行政复议3件
_SHARED_FIGURE = re.compile(r"(?<!件|起|宗|个|次)[、和及与或]$")


def claims(report: Report, text: str) -> Iterator[Claim]:
    """Every figure of `text` tied to a quantity of the tables."""
    fmt = report.format or ""
    for sentence in sentences(text):
        for name, q in QUANTITIES.items():
            if fmt not in q.formats:
                continue
            for m in q.pattern.finditer(sentence):
                before = sentence[: m.start("n")]
                if q.context is not None and not q.context.search(before):
                    continue
                prefix = sentence[clause_start(sentence, m.start()) : m.start()]
                if (
                    q.clause_context
                    and q.context is not None
                    and not (q.context.search(prefix + m.group(0)) or _AFTER_APPLICATION_FIGURES.search(before))
                ):
                    continue
                if q.skip_prefix is not None and q.skip_prefix.search(prefix):
                    continue
                if q.skip_phrase is not None and q.skip_phrase.search(m.group(0)):
                    continue
                if q.whole_item and _SHARED_FIGURE.search(prefix):
                    continue
                alternatives = q.alternatives
                if q.also is not None:
                    override = q.also(prefix, m.group(0))
                    if override is not None:
                        alternatives = override
                if not alternatives:
                    continue
                yield Claim(name, m.group(0), int(m["n"]), alternatives)


def _describe(report: Report, key: str) -> str:
    spec = get_format(report.format or "2021").cells.get(key)
    return key if spec is None else f"“{spec.row_label}·{spec.column_label}”"


def _total(report: Report, alternative: Alternative) -> Decimal | None:
    values = [report.value(k) for k in alternative.keys]
    if any(v is None for v in values):
        return None
    return sum((Decimal(v or 0) for v in values), Decimal(0))


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def judge(ctx: Context, claim: Claim, section: Section) -> Hit | None:
    report = ctx.report
    fmt_cells = get_format(report.format or "2021").cells
    usable = [a for a in claim.alternatives if all(k in fmt_cells for k in a.keys)]
    totals = [(a, _total(report, a)) for a in usable]
    known = [(a, t) for a, t in totals if t is not None]
    if not known or len(known) < len(totals):
        return None  # a blank or unreadable cell: nothing is compared
    if any(t == claim.number for _, t in known):
        return None
    keys = list(dict.fromkeys(k for a, _ in known for k in a.keys))
    refs = tuple(ctx.ref(k, expected=_printed_value(report, k)) for k in keys)
    table = "；或".join(_sum_text(report, a, t) for a, t in known)
    status = Status.UNCERTAIN if unsure_keys(report) & set(keys) else Status.FAILED
    title = QUANTITIES[claim.quantity].title
    return Hit(
        f"{section_label(section.number)}写“{claim.phrase}”（{title} {claim.number}），与表格不符：{table}",
        refs,
        status,
        section.location,
        subject=claim.phrase,
    )


def _sum_text(report: Report, alternative: Alternative, total: Decimal) -> str:
    if len(alternative.keys) == 1:
        key = alternative.keys[0]
        return f"{_describe(report, key)}印为 {_printed_value(report, key)}"
    terms = " + ".join(f"{_describe(report, k)} {_printed_value(report, k)}" for k in alternative.keys)
    return f"{terms} = {plain(total)}"


def _printed_value(report: Report, key: str) -> str:
    value = report.value(key)
    return "" if value is None else plain(Decimal(value))
