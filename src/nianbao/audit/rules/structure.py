"""`structure`: the six sections of the format — present, in order, numbered alike, not left empty.

The reader gives the sections in printed order with their numbering as printed (report.sections);
these rules judge only that outline, never the tables' figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nianbao.audit.model import Severity, Status
from nianbao.audit.registry import Context, Hit, rule
from nianbao.formats import sections as section_specs
from nianbao.report import Report, Section

CHINESE_DIGITS = "一二三四五六七八九十"
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_numeral(n: int) -> str:
    """一 … 十九 for 1 … 19 (section numbers and numberings stay small)."""
    if n <= 10:
        return CHINESE_DIGITS[n - 1]
    return "十" + CHINESE_DIGITS[n - 11]


def heading_of(number: int) -> str:
    return next((s.heading for s in section_specs() if s.number == number), "")


def section_label(number: int) -> str:
    """How a message names a section, e.g. 第五部分“存在的主要问题及改进情况”."""
    return f"第{chinese_numeral(number)}部分“{heading_of(number)}”"


@dataclass(frozen=True)
class Numbering:
    """A printed numbering taken apart: its style (digits and the marks around them) and its number."""

    style: str  # e.g. "一、", "1、", "（一）", "1.", "第一部分", "" (none) or the text itself when unparsed
    number: int | None


_NUMBERING = re.compile(
    r"^(?P<part>第)?(?P<open>[（(])?(?P<n>[一二三四五六七八九十]{1,3}|\d{1,2})(?P<close>[）)])?"
    r"(?P<tail>部分)?\s*(?P<punct>[、.．,，:：]?)$"
)


def _chinese_value(text: str) -> int | None:
    if text == "十":
        return 10
    if len(text) == 1:
        return CHINESE_DIGITS.index(text) + 1
    if len(text) == 2 and text[0] == "十":
        return 10 + CHINESE_DIGITS.index(text[1]) + 1
    if len(text) == 2 and text[1] == "十":
        return (CHINESE_DIGITS.index(text[0]) + 1) * 10
    return None


def parse_numbering(printed: str) -> Numbering:
    text = printed.strip()
    if not text:
        return Numbering("", None)
    m = _NUMBERING.match(text)
    if m is None:
        return Numbering(text, None)
    digits = m["n"]
    arabic = digits.isdigit()
    value = int(digits) if arabic else _chinese_value(digits)
    sample = "1" if arabic else "一"
    punct = {"．": ".", "，": ",", ",": ",", "：": ":"}.get(m["punct"], m["punct"])
    if m["part"]:
        style = f"第{sample}部分"
    elif m["open"] or m["close"]:
        style = f"（{sample}）"
    else:
        style = f"{sample}{punct}"
    return Numbering(style, value)


def _printed_outline(sections: list[Section]) -> str:
    return "、".join(f"“{s.numbering}{s.heading}”" if s.numbering else f"“{s.heading}”（无编号）" for s in sections)


def _no_text(report: Report) -> bool:
    return not report.text.strip()


@rule(
    "S401",
    "section-missing",
    "structure",
    Severity.ERROR,
    "缺少规定的部分",
    checks="年度报告应依次包括六个部分：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；"
    "四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。"
    "每缺少一个部分报告一项。",
    basis="《政府信息公开条例》第五十条；国办公开办函〔2021〕30号、〔2019〕60号年度报告格式所列六个部分。",
    example="报告在“四、政府信息公开行政复议、行政诉讼情况”之后直接落款，未写“五、存在的主要问题及改进情况”"
    "和“六、其他需要报告的事项”。",
    correct="六个部分齐全；没有需要报告的其他事项时，第六部分写明“无”。",
)
def section_missing(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if _no_text(report):
        yield Hit("报告没有可读的文字，无法核查各部分是否齐全", status=Status.NOT_ASSESSABLE, subject="no-text")
        return
    present = {s.number for s in report.sections}
    for spec in section_specs():
        if spec.number not in present:
            yield Hit(f"未找到{section_label(spec.number)}（按标题和编号查找，均未找到）", subject=str(spec.number))


@rule(
    "S402",
    "sections-out-of-order",
    "structure",
    Severity.ERROR,
    "各部分顺序与格式不符",
    checks="各部分应按一至六的顺序印出；按报告实际印出的顺序核对。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号年度报告格式规定的六个部分及其顺序。",
    example="“三、收到和处理政府信息公开申请情况”印在“二、主动公开政府信息情况”之前。",
    correct="依次印出一、总体情况，二、主动公开政府信息情况，三、收到和处理政府信息公开申请情况……",
)
def sections_out_of_order(ctx: Context) -> Iterable[Hit]:
    sections = ctx.report.sections
    numbers = [s.number for s in sections]
    if numbers == sorted(numbers):
        return
    misplaced = [s for i, s in enumerate(sections) if i > 0 and s.number < sections[i - 1].number]
    first = misplaced[0]
    yield Hit(
        f"各部分未按规定顺序印出：实际顺序为 {' → '.join(chinese_numeral(n) for n in numbers)}"
        f"（{section_label(first.number)}印在第{chinese_numeral(sections[sections.index(first) - 1].number)}"
        f"部分之后）",
        location=first.location,
        subject="order",
    )


@rule(
    "S403",
    "section-numbering-mixed",
    "structure",
    Severity.WARNING,
    "各部分编号样式混用或与序号不符",
    checks="六个部分的编号应使用同一种样式（通常为“一、”至“六、”），且每个编号就是该部分自己的序号；"
    "“一、”与“1、”“3、”混用，或第五部分印为“四、”（编号错位）均报告一项，列出实际印出的各编号。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号年度报告格式以“一、”至“六、”编排六个部分。",
    example="“1、总体情况”“二、主动公开政府信息情况”“3、收到和处理政府信息公开申请情况”……",
    correct="“一、总体情况”“二、主动公开政府信息情况”“三、收到和处理政府信息公开申请情况”……",
)
def section_numbering_mixed(ctx: Context) -> Iterable[Hit]:
    sections = ctx.report.sections
    if len(sections) < 2:
        return
    parsed = [(s, parse_numbering(s.numbering)) for s in sections]
    styles = list(dict.fromkeys(n.style for _, n in parsed))
    shifted = [(s, n) for s, n in parsed if n.number is not None and n.number != s.number]
    problems: list[str] = []
    if len(styles) > 1:
        problems.append("编号样式混用（" + "、".join(f"“{st}”式" if st else "无编号" for st in styles) + "）")
    if shifted:
        problems.append(
            "编号与部分序号不符（"
            + "；".join(f"{section_label(s.number)}印为“{s.numbering}”" for s, _ in shifted)
            + "）"
        )
    if not problems:
        return
    printed = "/".join(s.numbering or "（无编号）" for s in sections)
    location = (shifted[0][0] if shifted else next(s for s, n in parsed if n.style != parsed[0][1].style)).location
    yield Hit(
        f"各部分编号依次印为 {printed}：{'；'.join(problems)}。各部分为 {_printed_outline(sections)}",
        location=location,
        subject="numbering",
    )


def _top_level_styles(sections: list[Section]) -> set[str]:
    """The numbering styles the report uses for its six sections (by default 一、)."""
    styles = {n.style for n in (parse_numbering(s.numbering) for s in sections) if n.number is not None}
    return styles or {"一、"}


_LINE_NUMBERING = re.compile(r"^[ \t\u3000#*>]*(?P<numbering>(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．])")


@rule(
    "S404",
    "subtopic-numbered-as-section",
    "structure",
    Severity.WARNING,
    "总体情况中的小标题使用了部分一级的编号",
    checks="第一部分“总体情况”中的小标题（主动公开、依申请公开、政府信息管理、平台建设、监督保障等）"
    "如在行首使用与六个部分相同样式的编号（如“二、”），读者会误以为是报告的下一部分；"
    "小标题应使用下一级编号（如“（一）”）。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号年度报告格式：六个部分以“一、”至“六、”编排，"
    "总体情况的各方面内容属于第一部分之下。",
    example="“一、总体情况”之下另起一行“二、依申请公开情况”，随后才是“二、主动公开政府信息情况”。",
    correct="“一、总体情况”之下写“（一）主动公开情况”“（二）依申请公开情况”……",
)
def subtopic_numbered_as_section(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    overview = report.section(1)
    if overview is None or not overview.text:
        return
    styles = _top_level_styles(report.sections)
    lines: list[str] = []
    for line in overview.text.split("\n"):
        m = _LINE_NUMBERING.match(line)
        if m is None:
            continue
        numbering = parse_numbering(re.sub(r"\s+", "", m["numbering"]))
        if numbering.number is not None and numbering.style in styles:
            lines.append(line.strip(" \t\u3000#*>"))
    if not lines:
        return
    shown = "；".join(f"“{ln[:24]}{'…' if len(ln) > 24 else ''}”" for ln in lines[:5])
    more = f"等 {len(lines)} 行" if len(lines) > 5 else f"共 {len(lines)} 行"
    yield Hit(
        f"{section_label(1)}中有行首使用部分一级编号的小标题：{shown}（{more}），"
        "容易被当作报告的另一部分；小标题宜改用“（一）”等下一级编号",
        location=overview.location,
        subject="section-1",
    )


MIN_PROBLEMS_CJK = 15
_EMPTY_WORDS = {"无", "暂无", "没有", "无问题", "暂无问题"}

#: The parts whose text the agency writes (二, 三 and 四 are their tables): 一 总体情况, 五 存在的主要问题及改进情况,
#: 六 其他需要报告的事项. A report being written (`Options.draft`) may not leave them unwritten (S406).
WRITTEN_PARTS: tuple[int, ...] = (1, 5, 6)
#: Text typed to fill a box, never what a report says (compared without spaces and punctuation, lower case).
PLACEHOLDERS = frozenset(
    {
        "略",
        "同上",
        "待补充",
        "待填写",
        "待定",
        "待完善",
        "此处填写",
        "填写",
        "内容",
        "正文",
        "测试",
        "tbd",
        "todo",
        "xxx",
    }
)
_FILLER = re.compile(r"^[xX×＊*＿_…·\-—~～?？○〇]+$")  # XXX, ×××, ……, ???
_FILL_IN = re.compile(r"^(?:请|此处|在此)(?:在此)?(?:填写|输入|补充)")  # 请填写总体情况, 此处填写……
_PUNCT = re.compile(r"[\s。.;；,，!！、:：]+")


def unwritten(number: int, text: str) -> str | None:
    """Why the text of part `number` counts as not written ("正文为空", "正文只写“略”"), or None.

    Empty text, placeholder words (略, 待补充, XXX, ……, 请填写……) and, in parts 一 and 五, "无"/"暂无"; in part
    六 "无" is the proper answer when there is nothing else to report (the format says so).
    """
    shown = text.strip()
    bare = _PUNCT.sub("", shown)
    if not bare:
        return "正文为空"
    said = f"正文只写“{shown[:20]}{'…' if len(shown) > 20 else ''}”"
    if bare.lower() in PLACEHOLDERS or _FILLER.match(bare) or _FILL_IN.match(bare):
        return said
    if number != 6 and bare in _EMPTY_WORDS:
        return said
    return None


@rule(
    "S405",
    "problems-section-empty",
    "structure",
    Severity.WARNING,
    "“存在的主要问题及改进情况”空白或流于形式",
    checks=f"第五部分应写明本机关政府信息公开工作存在的具体问题和改进措施；正文为空、只写“无”“暂无”，"
    f"或不足 {MIN_PROBLEMS_CJK} 个汉字的，报告一项。",
    basis="《政府信息公开条例》第五十条第（四）项：年度报告应当包括“政府信息公开工作存在的主要问题及改进情况”。",
    example="“五、存在的主要问题及改进情况　无。”",
    correct="“五、存在的主要问题及改进情况　一是依申请公开答复文书不够规范……下一步将制定答复模板，加强培训。”",
)
def problems_section_empty(ctx: Context) -> Iterable[Hit]:
    section = ctx.report.section(5)
    if section is None:
        return  # a missing section is S401's finding
    if ctx.options.draft and unwritten(5, section.text) is not None:
        return  # a draft's unwritten part is S406's error
    text = section.text.strip()
    cjk = len(CJK.findall(text))
    bare = re.sub(r"[\s。.;；,，!！]+", "", text)
    if cjk >= MIN_PROBLEMS_CJK and bare not in _EMPTY_WORDS:
        return
    if not bare:
        what = "正文为空"
    elif bare in _EMPTY_WORDS:
        what = f"正文只写“{text}”"
    else:
        what = f"正文只有 {cjk} 个汉字（“{text[:30]}”）"
    yield Hit(
        f"{section_label(5)}{what}，未写明存在的具体问题和改进措施", location=section.location, subject="section-5"
    )


_PROMPT = re.compile(r"[（(]\s*请(?:在此)?(?:填写|补充|说明)[^）)]*[）)]")


@rule(
    "S406",
    "template-prompt-not-replaced",
    "structure",
    Severity.ERROR,
    "正文仍是模板的填写提示或尚未撰写",
    checks="各部分正文中仍留有模板的填写提示（如“（请在此填写总体情况……）”“（请填写存在的主要问题……）”），"
    "说明这一部分尚未撰写。`nianbao template` 生成的空白报告在这些位置放有提示。"
    "编制中的报告（网页“年度报告编制”、`nianbao ledger report`）还检查第一、五、六部分：正文为空，或只写"
    "“略”“待补充”“XXX”“……”“请填写……”等占位文字的（第一、五部分只写“无”“暂无”的也算；第六部分没有其他事项时"
    "写“无”是正确的），每部分报告一项，更正前不能提交。",
    basis="《政府信息公开条例》第五十条：年度报告应当包括总体情况、存在的主要问题及改进情况等内容；"
    "提示文字不是报告内容，不得发布。",
    example="“一、总体情况　（请在此填写总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面）”",
    correct="“一、总体情况　2025年，我局认真贯彻落实《条例》……”",
)
def template_prompt_not_replaced(ctx: Context) -> Iterable[Hit]:
    for section in ctx.report.sections:
        m = _PROMPT.search(section.narrative or section.text)
        if m:
            yield Hit(
                f"{section_label(section.number)}正文仍是填写提示“{m.group()[:40]}”，尚未撰写",
                location=section.location,
                subject=f"section-{section.number}",
            )
    m = _PROMPT.search(ctx.report.preamble)
    if m:
        yield Hit(f"报告开头仍是填写提示“{m.group()[:40]}”", subject="preamble")
    if not ctx.options.draft:
        return
    for number in WRITTEN_PARTS:
        part = ctx.report.section(number)
        if part is None or _PROMPT.search(part.narrative or part.text):
            continue  # missing: S401; a prompt: reported above
        what = unwritten(number, part.narrative or part.text)
        if what is not None:
            yield Hit(
                f"{section_label(number)}{what}，尚未撰写：这一部分须写明本机关的实际情况后才能提交",
                location=part.location,
                subject=f"section-{number}",
            )


@rule(
    "S407",
    "agency-names-disagree",
    "structure",
    Severity.WARNING,
    "标题、发布机构与落款的机关名称不一致",
    checks="报告标题中的机关名称、页面“发布机构”栏与文末落款所署机关不是同一个机关（一个名称不包含另一个）。"
    "读取时依次取标题、发布机构、落款中的名称，其余与之比对。",
    basis="《政府信息公开条例》第四十九条：行政机关公布本行政机关上一年度政府信息公开工作年度报告；报告以本机关名义"
    "发布，标题与落款应为同一机关。常见原因是套用其他机关或上一级政府的报告后未改落款。",
    example="标题为“某某县教育局2024年政府信息公开工作年度报告”，落款为“某某县人民政府办公室”。",
    correct="标题与落款均为“某某县教育局”。",
)
def agency_names_disagree(ctx: Context) -> Iterable[Hit]:
    for problem in ctx.report.problems:
        if problem.code == "meta.agencies":
            yield Hit(problem.message, location=problem.location, subject=problem.message)
