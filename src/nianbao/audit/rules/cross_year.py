"""`cross_year`: this year's report against the same agency's report of the year before.

Every rule here needs the previous report (`needs_previous=True`; the engine skips them without one).
The comparison only makes sense for two consecutive reports of one agency, so when the previous report
is not of the year before, or is plainly another agency's, no rule compares anything: Y701, the first
rule of the family, says once, as a not-assessable (info) finding, why the pair was not compared, and
the other rules stay silent, so that one wrong pairing gives one line, not one per rule.

Agencies "plainly differ" when, after dropping spaces and writing 人民政府 as 政府 and 管理委员会 as
管委会, neither name contains the other: 洪泽区人民政府 and 淮安市洪泽区人民政府 (one adds the city) or
洪泽区人民政府办公室 (the office that publishes the government's report) are one agency; 洪泽区审计局
and 洪泽区财政局 are not. An unread name never counts as differing. A renamed agency (机构改革) is not
compared either; its supervisor can still compare by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from nianbao.audit.model import Severity, Status
from nianbao.audit.registry import Context, Hit, rule
from nianbao.audit.rules.arithmetic import unsure_keys
from nianbao.audit.rules.text_figures import NARRATIVE_SECTIONS
from nianbao.formats import get_format
from nianbao.report import Cell, Number, Report

COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal_services", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
_NUMERALS = "〇一二三四五六七八九十"


# ---------------------------------------------------------------------------------------------------
# the pairing


def _agency_core(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("人民政府", "政府").replace("管理委员会", "管委会")


def agencies_differ(a: str | None, b: str | None) -> bool:
    """Whether two agency names are plainly two agencies (see the module doc); unknown names never differ."""
    if not a or not b:
        return False
    x, y = _agency_core(a), _agency_core(b)
    return x not in y and y not in x


def comparable(ctx: Context) -> bool:
    """Whether `ctx.previous` is the same agency's report of the year before this one."""
    prev = ctx.previous
    if prev is None or ctx.report.year is None or prev.year is None:
        return False
    return prev.year == ctx.report.year - 1 and not agencies_differ(ctx.report.agency, prev.agency)


def _why_not_comparable(ctx: Context) -> str | None:
    prev, report = ctx.previous, ctx.report
    if prev is None:
        return None
    if report.year is None or prev.year is None:
        return "未能读出本年度或所给上一年度报告的年度，无法确认两份报告前后相接，跨年度核对未进行"
    if prev.year != report.year - 1:
        return (
            f"所给的上一年度报告是 {prev.year} 年度的，不是 {report.year - 1} 年度的，"
            f"跨年度核对（上年结转、现行有效件数、文字和数字雷同）未进行"
        )
    if agencies_differ(report.agency, prev.agency):
        return f"所给的上一年度报告属于“{prev.agency}”，与本报告的“{report.agency}”不是同一机关，跨年度核对未进行"
    return None


def _plain(value: Number) -> str:
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def _status(ctx: Context, keys: Iterable[str], previous_keys: Iterable[str]) -> Status:
    assert ctx.previous is not None
    unsure = (unsure_keys(ctx.report) & set(keys)) | (unsure_keys(ctx.previous) & set(previous_keys))
    return Status.UNCERTAIN if unsure else Status.FAILED


# ---------------------------------------------------------------------------------------------------
# Y701


@rule(
    "Y701",
    "carried-over-mismatch",
    "cross_year",
    Severity.WARNING,
    "本年“上年结转”≠ 上一年度报告的“结转下年度继续办理”",
    checks="表三每一列（六类申请人及总计）：本年度“二、上年结转政府信息公开申请数量”应等于上一年度报告"
    "“四、结转下年度继续办理”的同一列；每列不相等时各报一条，两个单元格都列出。任一方空白或无法读取的列"
    "报“无法核对”。上一年度报告不是前一年的、或属于另一机关时，本规则只报一条说明，不作核对。",
    basis="上年结转是上一年度末尚未办结的申请，即上一年度报告所填的结转下年度继续办理（国办公开办函〔2021〕30号、"
    "〔2019〕60号格式表三）；机构改革等原因确有出入的，应在报告中说明。",
    example="2024 年度报告自然人列上年结转 0；2023 年度报告自然人列结转下年度继续办理 3。",
    correct="2024 年度报告自然人列上年结转 3（或在报告中说明出入的原因）。",
    needs_previous=True,
)
def carried_over_mismatch(ctx: Context) -> Iterable[Hit]:
    why = _why_not_comparable(ctx)
    if why is not None:
        yield Hit(why, status=Status.NOT_ASSESSABLE, subject="pairing")
        return
    prev = ctx.previous
    assert prev is not None
    for column, label in COLUMNS:
        this_key, prev_key = f"applications.carried_over.{column}", f"applications.carried_forward.{column}"
        this_value, prev_value = ctx.report.value(this_key), prev.value(prev_key)
        refs = (ctx.ref(this_key), ctx.ref(prev_key, report=prev))
        if this_value is None or prev_value is None:
            which = "本年度“上年结转”" if this_value is None else "上一年度“结转下年度继续办理”"
            yield Hit(
                f"{label}列：{which}空白或无法读取，无法核对上下年度的结转是否相接",
                refs,
                Status.NOT_ASSESSABLE,
                subject=column,
            )
            continue
        if this_value == prev_value:
            continue
        refs = (ctx.ref(this_key, expected=_plain(prev_value)), ctx.ref(prev_key, report=prev))
        yield Hit(
            f"{label}列：本年度“上年结转”印为 {_plain(this_value)}，上一年度（{prev.year} 年）报告"
            f"“结转下年度继续办理”印为 {_plain(prev_value)}，两者应当相等",
            refs,
            _status(ctx, [this_key], [prev_key]),
            subject=column,
        )


# ---------------------------------------------------------------------------------------------------
# Y702

_STOCKS: tuple[tuple[str, str], ...] = (("regulations", "规章"), ("normative_documents", "行政规范性文件"))


@rule(
    "Y702",
    "in-force-count-implausible",
    "cross_year",
    Severity.INFO,
    "现行有效件数 ≠ 上年现行有效件数 + 本年制发 − 本年废止",
    checks="2021 年格式（两个年度都是）表二的规章和行政规范性文件：本年“现行有效件数”一般应等于上一年度报告的"
    "“现行有效件数”加本年“本年制发件数”减“本年废止件数”。文件也会到期失效或被修改，故只作提示，"
    "请核对数字或在报告中说明差异。任一数字空白或无法读取时报“无法核对”。",
    basis="国办公开办函〔2021〕30号格式表二“第二十条第（一）项”：本年制发件数、本年废止件数、现行有效件数。",
    example="2023 年度现行有效规范性文件 5 件；2024 年度制发 3 件、废止 0 件，现行有效印为 12 件。",
    correct="现行有效 8 件，或说明另有 4 件文件的来由（如划转、清理口径变化）。",
    needs_previous=True,
)
def in_force_count_implausible(ctx: Context) -> Iterable[Hit]:
    prev = ctx.previous
    if prev is None or not comparable(ctx) or ctx.report.format != "2021" or prev.format != "2021":
        return
    for row, label in _STOCKS:
        in_force, issued, repealed = (f"active.{row}.{c}" for c in ("in_force", "issued", "repealed"))
        now, before = ctx.report.value(in_force), prev.value(in_force)
        added, removed = ctx.report.value(issued), ctx.report.value(repealed)
        if now is None or before is None or added is None or removed is None:
            refs = (ctx.ref(in_force), ctx.ref(issued), ctx.ref(repealed), ctx.ref(in_force, report=prev))
            yield Hit(
                f"{label}：现行有效件数、本年制发件数、本年废止件数或上一年度的现行有效件数空白或无法读取，无法核对",
                refs,
                Status.NOT_ASSESSABLE,
                subject=row,
            )
            continue
        expected = Decimal(before) + Decimal(added) - Decimal(removed)
        if Decimal(now) == expected:
            continue
        refs = (
            ctx.ref(in_force, expected=_plain(expected)),
            ctx.ref(issued),
            ctx.ref(repealed),
            ctx.ref(in_force, report=prev),
        )
        yield Hit(
            f"{label}：现行有效件数印为 {_plain(now)}，而上一年度 {_plain(before)} + 本年制发 {_plain(added)}"
            f" − 本年废止 {_plain(removed)} = {_plain(expected)}（相差 {_plain(Decimal(now) - expected)}），"
            f"请核对或说明",
            refs,
            _status(ctx, [in_force, issued, repealed], [in_force]),
            subject=row,
        )


# ---------------------------------------------------------------------------------------------------
# Y703

SHINGLE = 8  # characters: long enough that a shared shingle is shared wording, not a shared phrase
_MIN_SHINGLES = 30  # fewer than this in either narrative: too little text to judge
_BOILERPLATE = (
    "政府信息公开条例",
    "国办公开办函",
    "统计期限",
    "如对本报告",
    "本报告由",
    "本报告中",
    "电子版",
    "信息处理费",
)
_YEAR = re.compile(rf"(?:19|20)\d{{2}}(?=年)|[二〇零○]{{2}}[{_NUMERALS}○零]{{2}}(?=年)")
_ENUMERATOR = re.compile(rf"^(?:[（(][{_NUMERALS}\d]+[）)]|[{_NUMERALS}]+[、．.]|\d+[、．.]|[{_NUMERALS}]是)")
_HEADING = re.compile(r"[^，,、：:]{0,12}(?:情况|方面)")  # a sub-heading of section 一: 政府信息公开平台建设情况
_SENTENCE_END = re.compile(r"[。！？；;!?\n]")
_KEEP = re.compile(r"[\w“”《》、，,：:（）()%．.-]")


def sentences(text: str) -> list[str]:
    """The narrative sentences of `text`, normalised for comparison, standard wording left out.

    Line breaks inside a sentence (PDF and layout text wrap lines) are joined, a line break before an
    enumerated item or after a sentence's end splits, and spaces are dropped; every
    year (2023年, 二〇二三年) becomes 某 and every other run of digits #, so that a text copied with only
    its years and counts updated is still a copy; an enumerator at the head of a sentence ((一), 1.,
    一是) is dropped. Left out entirely: sentences of the standard preamble and notes (citing
    《中华人民共和国政府信息公开条例》 or 国办公开办函, the statistics period, "如对本报告有疑问",
    the 电子版 download note), the yearly fee statement of section 六 (信息处理费), the sub-headings of
    section 一 (政府信息公开平台建设情况: at most 14 characters ending with 情况 or 方面, no comma) and any
    other line shorter than 12 characters.
    """
    joined = re.sub(r"[ \t\u3000\xa0]+", "", text)
    # a line break that ends no sentence and starts no enumerated item is a wrapped line: join it
    joined = re.sub(rf"(?<![。！？；;!?：:])\n(?![（(]|[{_NUMERALS}\d]+[、．.]|[{_NUMERALS}]是)", "", joined)
    out = []
    for raw in _SENTENCE_END.split(joined):
        s = _ENUMERATOR.sub("", raw.strip())
        s = re.sub(r"\d+", "#", _YEAR.sub("某", s))
        s = "".join(_KEEP.findall(s))
        if len(s) < 12 or _HEADING.fullmatch(s) or any(marker in s for marker in _BOILERPLATE):
            continue
        out.append(s)
    return out


def shingles(text: str) -> set[str]:
    """Character shingles (runs of `SHINGLE` characters) of the narrative sentences of `text`."""
    return {s[i : i + SHINGLE] for s in sentences(text) for i in range(len(s) - SHINGLE + 1)}


def narrative(report: Report) -> dict[int, str]:
    """The text of sections 一, 五 and 六 (the tables of 二–四 are compared by Y704, not here)."""
    return {s.number: s.text for s in report.sections if s.number in NARRATIVE_SECTIONS}


def similarity(report: Report, previous: Report) -> tuple[float, int, dict[int, float]] | None:
    """The share of this year's narrative shingles found anywhere in last year's narrative (0 … 1).

    Also the number of this year's shingles and the share per section; None when either narrative has
    fewer than `_MIN_SHINGLES` shingles (nothing printed, or "无").
    """
    now = {n: shingles(t) for n, t in narrative(report).items()}
    before: set[str] = set().union(*(shingles(t) for t in narrative(previous).values()))
    mine: set[str] = set().union(*now.values())
    if len(mine) < _MIN_SHINGLES or len(before) < _MIN_SHINGLES:
        return None
    per_section = {n: len(s & before) / len(s) for n, s in sorted(now.items()) if s}
    return len(mine & before) / len(mine), len(mine), per_section


@rule(
    "Y703",
    "text-copied-from-previous",
    "cross_year",
    Severity.WARNING,
    "报告文字与上一年度报告高度雷同",
    checks="比较叙述部分（一、总体情况，五、存在的主要问题及改进情况，六、其他需要报告的事项；不含表格）："
    "把本年度这三部分的文字切成连续 8 个字的片段，计算其中在上一年度报告同样三部分中也出现的片段所占比例，"
    "超过阈值（默认 50%）即报告。比较前去掉标题、小标题、序号、空格和换行，年份和其他数字一律视为相同"
    "（“2023年”与“2024年”、“受理申请21件”与“受理申请17件”不算差别），并剔除每年照例出现的套话："
    "引用《中华人民共和国政府信息公开条例》或国办公开办函的说明、统计期限、"
    "联系方式、信息处理费说明等。任一年度叙述文字过少时报“无法核对”。",
    basis="条例第四十九条、第五十条：年度报告报告的是本机关上一年度的工作情况；地方考核把年报与往年或其他单位雷同"
    "列为扣分情形，照抄照搬的由主管部门依第四十七条督促整改或通报批评。",
    example="2024 年度报告的总体情况、存在问题和改进措施与 2023 年度报告逐句相同，只把“2023年”改为“2024年”。",
    correct="总体情况写本年度的具体工作和数字，存在问题写本年度发现的问题及上年问题的整改情况。",
    needs_previous=True,
)
def text_copied_from_previous(ctx: Context) -> Iterable[Hit]:
    prev = ctx.previous
    if prev is None or not comparable(ctx):
        return
    result = similarity(ctx.report, prev)
    if result is None:
        yield Hit(
            "本年度或上一年度报告的叙述部分（一、五、六）文字过少，无法比较文字雷同",
            status=Status.NOT_ASSESSABLE,
            subject="narrative",
        )
        return
    share, count, per_section = result
    threshold = ctx.options.similarity_threshold
    if share <= threshold:
        return
    detail = "，".join(f"{'一二三四五六'[n - 1]} {v:.0%}" for n, v in per_section.items())
    first = ctx.report.section(max(per_section, key=per_section.__getitem__))
    yield Hit(
        f"叙述部分与上一年度（{prev.year} 年）报告高度雷同：本年度 {count} 个连续 8 字的文字片段中"
        f"有 {share:.0%} 在上一年度报告中出现（阈值 {threshold:.0%}；各部分：{detail}）",
        location=first.location if first else None,
        subject="narrative",
    )


# ---------------------------------------------------------------------------------------------------
# Y704


def _same(a: Cell | None, b: Cell | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.value is not None and b.value is not None:
        return a.value == b.value
    return a.value is None and b.value is None and a.printed.strip() == b.printed.strip()


def _stock(key: str) -> bool:
    """A stock figure (现行有效件数; 2019: 对外公开总数量, 上一年项目数量): it may rightly stay the same."""
    return key.endswith((".in_force", ".total_published", ".previous"))


@rule(
    "Y704",
    "figures-identical-to-previous",
    "cross_year",
    Severity.WARNING,
    "表格数字与上一年度报告完全相同",
    checks="同一格式的两个年度报告，表二、表三、表四的每一个单元格都与上一年度相同，且本年度有非零的数字"
    "（现行有效件数这类存量数字除外）。全为 0 或空白的表格（没有申请、没有制发文件的机关）不报告。",
    basis="年度报告的表格统计报告年度 1 月 1 日至 12 月 31 日的情况（条例第五十条、国办公开办函〔2021〕30号格式）；"
    "有实际业务的机关各项数字逐格与上年相同，通常是照抄了上一年度的表格，地方考核将其列为扣分情形。",
    example="2024 年度报告的本年新收申请、办理结果、行政许可、行政处罚等数字与 2023 年度报告逐格相同。",
    correct="按本年度的台账重新统计各项数字。",
    needs_previous=True,
)
def figures_identical_to_previous(ctx: Context) -> Iterable[Hit]:
    prev = ctx.previous
    if prev is None or not comparable(ctx) or ctx.report.format is None or ctx.report.format != prev.format:
        return
    keys = list(get_format(ctx.report.format).cells)
    if not all(_same(ctx.report.cells.get(k), prev.cells.get(k)) for k in keys):
        return
    active = [k for k in keys if not _stock(k) and ctx.report.value(k) not in (None, 0)]
    if not active:
        return
    yield Hit(
        f"表格的 {len(keys)} 个单元格与上一年度（{prev.year} 年）报告逐格相同，其中 {len(active)} 个本年度的"
        f"数字不为 0，疑似照抄上一年度的表格",
        tuple(ctx.ref(k) for k in active),
        subject="tables",
    )
