"""`timeliness`: when the report was published or signed, against 条例 art. 49 and the report year.

Both rules read `report.date`, the publication or signature date as printed (the reader takes the
signature line at the end, a dated line under the title, or a web page's publication time). A report
that prints no date gives no finding here: many published copies carry their date only on the web page
around them, and a missing date is not itself a breach of art. 49, so a hit on every undated report
would bury the real ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from nianbao.audit.model import Severity, Status
from nianbao.audit.registry import Context, Hit, rule

_PLACE = ("省", "市", "区", "县", "旗", "州", "盟", "镇", "乡")  # a bare place name: the area's own report
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
_DISTRICT_COMMITTEE = re.compile(
    r"(?:开发|高新|新|园|示范|试验|实验|保税|合作|度假|景|旅游|功能|集聚|港|自贸|工业|产业)区(?:管委会|管理委员会)$"
)


def is_government(agency: str) -> bool:
    """Whether `agency` reports as a people's government (31 March) rather than as a department (31 January).

    Art. 49 gives departments of governments at county level and above until 31 January, and the
    government's own report (published by its 主管部门) until 31 March. Told apart by the name alone:

    - a government: the name ends with 人民政府, or with plain 政府 (区政府, 镇政府); or it is the
      管委会 / 管理委员会 of a district (经济开发区, 高新区, 新区, 工业园区, 度假区 …: the name of such a
      district right before the committee), which runs that district in place of a government; or it
      is a bare place name (省, 市, 区, 县, 旗, 州, 盟, 镇, 乡 at the end: 平潭综合实验区, 沭阳县), as in
      "平潭综合实验区2023年度政府信息公开工作年度报告", the whole area's report, which its government
      publishes;
    - a department: everything else, a government's 办公室 included (it publishes its own report as a
      department), a department called 委员会 (朝阳区城市管理委员会 is a department: no kind of district
      precedes it), and 街道办事处 (not named in art. 49; its deadline is set locally).

    A trailing note in brackets is ignored: 洪泽区人民政府（本级） is a government.
    """
    name = _TRAILING_NOTE.sub("", re.sub(r"\s+", "", agency))
    return name.endswith(("政府", *_PLACE)) or bool(_DISTRICT_COMMITTEE.search(name))


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@rule(
    "D601",
    "published-after-deadline",
    "timeliness",
    Severity.WARNING,
    "报告发布（落款）日期晚于法定公布期限",
    checks="报告所印的发布或落款日期不得晚于报告年度次年的 1 月 31 日（县级以上人民政府部门）或 3 月 31 日"
    "（县级以上地方人民政府：名称以“人民政府”“政府”结尾，或只是地名如“平潭综合实验区”“沭阳县”，"
    "或是开发区、高新区等的管委会）。"
    "未印日期的报告不作判断；从名称无法判断机关类别时按较宽的 3 月 31 日核对。",
    basis="《中华人民共和国政府信息公开条例》第四十九条：县级以上人民政府部门应当在每年 1 月 31 日前公布本行政机关"
    "上一年度政府信息公开工作年度报告；县级以上地方人民政府的政府信息公开工作主管部门应当在每年 3 月 31 日前"
    "公布本级政府上一年度政府信息公开工作年度报告。",
    example="某区审计局 2023 年度报告落款日期为 2024 年 2 月 20 日。",
    correct="落款日期不晚于 2024 年 1 月 31 日（区人民政府的报告不晚于 2024 年 3 月 31 日）。",
)
def published_after_deadline(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.date is None:
        return
    if report.year is None:
        yield Hit("未能读出报告年度，无法核对发布日期是否逾期", status=Status.NOT_ASSESSABLE, subject="date")
        return
    known = bool(report.agency)
    government = is_government(report.agency) if report.agency else True
    deadline = ctx.options.deadline(report.year, government)
    if report.date <= deadline:
        return
    if not known:
        kind = "未能读出机关名称，按人民政府的较宽期限"
    elif government:
        kind = f"{report.agency}属人民政府，期限为"
    else:
        kind = f"{report.agency}属政府部门，期限为"
    late = (report.date - deadline).days
    yield Hit(f"报告日期 {_cn(report.date)} 晚于法定公布期限（{kind} {_cn(deadline)}），逾期 {late} 天", subject="date")


@rule(
    "D602",
    "date-before-year-end",
    "timeliness",
    Severity.WARNING,
    "报告日期不晚于报告年度的 12 月 31 日",
    checks="报告所印的发布或落款日期应晚于报告年度的 12 月 31 日：年度报告统计全年数据，年度结束前不能成稿。"
    "未印日期的报告不作判断。",
    basis="统计期限为报告年度 1 月 1 日至 12 月 31 日；条例第四十九条规定公布上一年度的报告。",
    example="2023 年度报告落款日期为 2023 年 12 月 20 日（或误写为 2023 年 1 月 15 日，应为 2024 年）。",
    correct="落款日期为 2024 年 1 月 15 日。",
)
def date_before_year_end(ctx: Context) -> Iterable[Hit]:
    report = ctx.report
    if report.date is None or report.year is None:
        return
    year_end = dt.date(report.year, 12, 31)
    if report.date <= year_end:
        yield Hit(
            f"报告日期 {_cn(report.date)} 不晚于报告年度的最后一天（{_cn(year_end)}），"
            f"{report.year} 年度的报告应在次年编制公布，请核对年份是否写错",
            subject="date",
        )
