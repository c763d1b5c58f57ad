"""`text`: the narrative (sections 一, 五, 六 and the preamble) against the tables and the report itself.

The narrative is searched in squeezed form (whitespace removed, so a figure wrapped over two lines of
a PDF is still one phrase) sentence by sentence. The patterns are deliberately narrow: a figure is
taken only when the words right before it tie it to one quantity of the tables, and a phrase that
names a part of the whole (其中…, 通过网络…, 区政府办代表区政府…) is passed over. A blank or
unreadable table cell is never compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from nianbao.audit.model import Severity, Status
from nianbao.audit.registry import Context, Hit, rule
from nianbao.audit.rules.arithmetic import unsure_keys
from nianbao.audit.rules.structure import section_label
from nianbao.formats import get_format
from nianbao.report import Location, Report, Section

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


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def _judge(ctx: Context, claim: Claim, section: Section) -> Hit | None:
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
    return f"{terms} = {_plain(total)}"


def _printed_value(report: Report, key: str) -> str:
    value = report.value(key)
    return "" if value is None else _plain(Decimal(value))


@rule(
    "T501",
    "narrative-contradicts-table",
    "text",
    Severity.ERROR,
    "正文所述数字与表格不符",
    checks="第一、五、六部分正文中明确指向表格某一数量的数字，与表格所印数值核对：收到申请数（等于本年新收，"
    "或本年新收加上年结转）、办结（答复）申请数（办理结果总计）、结转下年度数、因政府信息公开引起的行政复议"
    "和行政诉讼案件数、现行有效和本年制发的行政规范性文件数（2021 年格式）、本年新公开的规范性文件数"
    "（2019 年格式）。只在措辞明确对应该数量时核对；“其中”“通过网络”“某部门代表”等只说一部分的表述不核对；"
    "表格单元格空白时不核对。",
    basis="《政府信息公开条例》第五十条：年度报告的文字与统计表同为报告内容，应当一致；"
    "年度报告格式表二、表三、表四所列数量。",
    example="正文：“集中发布现行有效行政规范性文件393件”；表二“行政规范性文件·现行有效件数”印为 470。",
    correct="正文与表格一致：“集中发布现行有效行政规范性文件470件”，或更正表格。",
)
def narrative_contradicts_table(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.format is None:
        return
    seen: set[tuple[str, str]] = set()
    for section in narrative(report):
        for claim in claims(report, section.text):
            if (claim.quantity, claim.phrase) in seen:
                continue
            seen.add((claim.quantity, claim.phrase))
            hit = _judge(ctx, claim, section)
            if hit is not None:
                yield hit


# --- T502: "no applications" while the table counts some ------------------------------------------

_NO_APPLICATIONS = re.compile(
    r"(?:(?:未|没有|尚未|未曾)(?:收到|接到|受理|接收|收悉)(?P<mid>[^\d，,：:；;]{0,20}?)"
    r"(?:政府信息公开申请|信息公开申请|公开申请|依申请公开)"
    r"|(?:无|没有|未有|暂无)(?:政府信息公开申请|信息公开申请|依申请公开)(?:政府信息|信息)?)"
    r"(?:的)?(?:情况|事项)?(?=$|[，,：:；;])"
)


@rule(
    "T502",
    "no-applications-claimed-but-table-nonzero",
    "text",
    Severity.ERROR,
    "正文称未收到申请，表格却有新收申请",
    checks="第一、五、六部分正文称本年未收到（没有、无）政府信息公开申请，而表三“一、本年新收政府信息公开申请数量”"
    "总计大于 0。表格该单元格空白时不核对。",
    basis="《政府信息公开条例》第五十条第（二）项；年度报告格式表三“一、本年新收政府信息公开申请数量”。",
    example="正文：“本年度我局未收到政府信息公开申请”；表三本年新收总计印为 3。",
    correct="正文写“本年度收到政府信息公开申请3件”，与表格一致。",
)
def no_applications_claimed(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    new = report.value("applications.new.total")
    if new is None or new <= 0:
        return
    for section in narrative(report):
        for sentence in sentences(section.text):
            m = _NO_APPLICATIONS.search(sentence)
            if m is None:
                continue
            mid = m.groupdict().get("mid") or ""
            if re.search(r"复议|诉讼|许可|补正", mid):
                continue
            yield Hit(
                f"{section_label(section.number)}写“{m.group(0)}”，但表三本年新收政府信息公开申请总计印为 "
                f"{_plain(Decimal(new))}",
                (ctx.ref("applications.new.total", expected=_plain(Decimal(new))),),
                location=section.location,
                subject=m.group(0),
            )
            return


# --- T503: a year other than the report year ------------------------------------------------------

_PERIOD = re.compile(r"统计(?:期限|时限|期间|时段|区间|周期|时间|范围)[^。；;]{0,40}?(?:止|[。；;]|$)")
_PERIOD_YEAR = re.compile(r"(?<!\d)(\d{4})年")
_NOW_REPORTING = re.compile(r"现将(?P<gap>[^\d，,。；;]{0,30}?)(?P<year>\d{4})年度?")
_OWN_WORK = re.compile(r"(?P<year>\d{4})年(?:度政府信息公开工作|度?(?:政府信息公开|政务公开)(?:工作)?年度报告)")
_NOT_OWN = re.compile(r"上一?年|去年|往年|对照|针对|整改|考核|评估|测评|评议|排名|要点|计划|下一步|明年")


_CLAUSE_END = re.compile(r"[，,：:。；;]")


def _in_title_marks(text: str, index: int) -> bool:
    """Whether `index` stands inside 《…》 (the title of another document)."""
    return text.rfind("《", 0, index) > text.rfind("》", 0, index)


def _year_phrases(text: str) -> Iterator[tuple[str, int]]:
    """(phrase, year) for every phrase stating the report's own year; overlapping phrases are given once."""
    squeezed = squeeze(text)
    found: list[tuple[int, int, str, int]] = []
    for m in _PERIOD.finditer(squeezed):
        phrase = m.group(0).rstrip("。；;")
        found += [(m.start(), m.end(), phrase, int(y.group(1))) for y in _PERIOD_YEAR.finditer(phrase)]
    found += [(m.start(), m.end(), m.group(0), int(m["year"])) for m in _NOW_REPORTING.finditer(squeezed)]
    for m in _OWN_WORK.finditer(squeezed):
        start = max(clause_start(squeezed, m.start()), squeezed.rfind("。", 0, m.start()) + 1)
        stop = _CLAUSE_END.search(squeezed, m.end())
        clause = squeezed[start : stop.start() if stop else len(squeezed)]
        if _in_title_marks(squeezed, m.start()) or _NOT_OWN.search(clause):
            continue
        found.append((m.start(), m.end(), m.group(0), int(m["year"])))
    taken: list[tuple[int, int]] = []
    for first, last, phrase, year in found:
        if any(first < b and a < last for a, b in taken if (a, b) != (first, last)):
            continue
        taken.append((first, last))
        yield phrase, year


@rule(
    "T503",
    "text-year-not-report-year",
    "text",
    Severity.WARNING,
    "正文所写年度与报告年度不符",
    checks="标题、导语和第一部分中的统计期限（“统计期限自X年1月1日起至X年12月31日止”）及报告自述年度"
    "（“现将X年度……”“X年度政府信息公开工作”）应为报告年度；写成其他年份多为沿用上一年报告的文字。"
    "下一年度的工作安排（如“2025年，我局将……”）和引用的其他文件不核对。",
    basis="年度报告格式及地方标准（如 DB51/T 2660—2019 §2.1）：统计期限为报告年度 1 月 1 日至 12 月 31 日。",
    example="2024 年度报告导语写“本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止”。",
    correct="“本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止”。",
)
def text_year_not_report_year(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.year is None:
        return
    overview = report.section(1)
    region = preamble(report) + "\n" + (overview.text if overview else "")
    seen: set[str] = set()
    for phrase, year in _year_phrases(region):
        if year == report.year or phrase in seen:
            continue
        seen.add(phrase)
        where = overview.location if overview and overview.text and squeeze(overview.text).find(phrase) >= 0 else None
        yield Hit(
            f"“{phrase}”写的是 {year} 年，而本报告是 {report.year} 年度报告（可能沿用了其他年度报告的文字）",
            location=where,
            subject=phrase,
        )


# --- T504: words of a higher level of government --------------------------------------------------

_PROVINCIAL_CITIES = ("北京市", "上海市", "天津市", "重庆市")


def below_provincial_level(agency: str) -> bool:
    """Whether an agency's name says it is below the provincial level (a city, county or district body)."""
    name = re.sub(r"市场|城市|自治区|社区", "", agency)
    if "省" in name:
        return False
    if name.startswith(_PROVINCIAL_CITIES):
        rest = name[3:]
        return bool(re.search(r"[区县]", rest))
    return bool(re.search(r"[区县市旗州乡镇]", name))


_CITING = re.compile(r"(?:按照|根据|依据|参照|结合|落实|贯彻|参加|参与|响应|在|受到|获得|位居|位列|荣获|被评为|纳入)$")


def _higher_level_uses(text: str, word: str) -> list[int]:
    squeezed = squeeze(text)
    out = []
    for m in re.finditer(re.escape(word), squeezed):
        if _in_title_marks(squeezed, m.start()):
            continue  # 《全省……要点》: a higher level's document, rightly cited
        if _CITING.search(squeezed[max(0, m.start() - 4) : m.start()]):
            continue
        out.append(m.start())
    return out


@rule(
    "T504",
    "higher-level-words",
    "text",
    Severity.WARNING,
    "下级机关的报告使用上级政府的表述",
    checks="省级以下（机关名称含区、县、市等而不含省）机关的报告中出现“全省”等上级政府的表述（可在设置 "
    "higher_level_words 中修改），多为照抄上级报告；引用上级文件名（《…》内）和“按照全省……”"
    "“在全省……”等引述不报告。",
    basis="《政府信息公开条例》第五十条：年度报告反映的是本行政机关的政府信息公开工作情况。",
    example="通化市二道江区审计局的报告写“组织推动全省政府信息公开工作”。",
    correct="“组织推动本单位政府信息公开工作”。",
)
def higher_level_words(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if not report.agency or not below_provincial_level(report.agency):
        return
    parts: list[tuple[Section | None, str]] = [(None, preamble(report))]
    parts += [(s, s.text) for s in narrative(report)]
    for word in ctx.options.higher_level_words:
        found: list[tuple[Section | None, str]] = []
        for section, text in parts:
            squeezed = squeeze(text)
            for at in _higher_level_uses(text, word):
                found.append((section, squeezed[max(0, at - 8) : at + len(word) + 10]))
        if not found:
            continue
        section, context = found[0]
        where = f"{section_label(section.number)}" if section else "导语"
        location: Location | None = section.location if section else None
        yield Hit(
            f"{report.agency}的报告出现“{word}” {len(found)} 处，如{where}“…{context}…”；"
            f"这是上级政府的表述，{report.agency}不是省级机关",
            location=location,
            subject=word,
        )
