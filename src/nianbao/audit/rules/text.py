"""`text`: the narrative (sections 一, 五, 六 and the preamble) against the tables and the report itself.

The narrative is searched in squeezed form (whitespace removed, so a figure wrapped over two lines of
a PDF is still one phrase) sentence by sentence. The patterns are deliberately narrow: a figure is
taken only when the words right before it tie it to one quantity of the tables, and a phrase that
names a part of the whole (其中…, 通过网络…, 区政府办代表区政府…) is passed over. A blank or
unreadable table cell is never compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from nianbao.audit.model import Severity
from nianbao.audit.registry import Context, Hit, rule
from nianbao.audit.rules.structure import section_label
from nianbao.audit.rules.text_figures import (
    claims,
    clause_start,
    judge,
    narrative,
    plain,
    preamble,
    sentences,
    squeeze,
)
from nianbao.report import Location, Section


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
            hit = judge(ctx, claim, section)
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
                f"{plain(Decimal(new))}",
                (ctx.ref("applications.new.total", expected=plain(Decimal(new))),),
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
