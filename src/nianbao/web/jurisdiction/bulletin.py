"""The district 通报 of a report year — "XX区政府信息公开工作年度报告核查情况通报" — and the whole jurisdiction's
findings of the year in one sheet.

Both start from the status matrix of the year (`status.status_matrix`: each agency's latest submitted report,
on time or not, returned or not) and check each of those reports again (`service.audit_of`, with the reviewers'
verdicts: a dismissed finding does not count). The 通报 has the summary figures (agencies, submitted, on time,
late, not submitted, returned), the problems by agency (errors, warnings and the rules most hit, by their
Chinese titles) and by rule (how many agencies hit it), and what is asked of the agencies (the returned ones by
their resubmission date). `bulletin_doc` lays it out as a `PlainDoc`, written as Word or PDF by the render layer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.audit import RULES, Audit, Finding, Severity
from nianbao.read import ReadError
from nianbao.render.plain_doc import Heading, Paragraph, PlainDoc, Table
from nianbao.render.sheets import Sheet, Value
from nianbao.report import Report
from nianbao.store.models import StoredReport
from nianbao.web.check.exports import findings_sheet
from nianbao.web.check.service import UploadRefused, audit_of, report_of
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.deadlines import load_deadlines
from nianbao.web.jurisdiction.status import CellStatus, Node, status_matrix

__all__ = [
    "AgencyProblems",
    "Audited",
    "Bulletin",
    "RuleHits",
    "build_bulletin",
    "bulletin_doc",
    "district_of",
    "findings_of_year",
    "year_audits",
]

MAIN_RULES = 3  # the rules named for each agency in the table by agency
COUNTED = (Severity.ERROR, Severity.WARNING)
REVIEWS = {"confirmed": "已确认", "dismissed": "已排除"}


@dataclass
class Audited:
    """An agency of the jurisdiction in the year: its matrix cell, and its latest report checked again."""

    node: Node
    cell: CellStatus
    stored: StoredReport | None = None
    report: Report | None = None
    audit: Audit | None = None
    problem: str = ""  # why the report could not be read again (Chinese)


def year_audits(session: Session, viewer: Viewer, year: int, today: dt.date) -> list[Audited]:
    """Every agency of the viewer's jurisdiction (the tree's order) with its latest report of `year` checked."""
    matrix = status_matrix(session, viewer, [year], load_deadlines(session), today)
    ids = [cells[0].report_id for _, cells in matrix.rows if cells and cells[0].report_id is not None]
    rows = {r.id: r for r in session.scalars(select(StoredReport).where(StoredReport.id.in_(ids)))} if ids else {}
    out: list[Audited] = []
    for node, cells in matrix.rows:
        item = Audited(node, cells[0])
        stored = rows.get(cells[0].report_id) if cells[0].report_id is not None else None
        if stored is not None:
            item.stored = stored
            try:
                item.report = report_of(stored)
                item.audit = audit_of(session, stored)
            except (UploadRefused, ReadError, ValueError) as exc:
                item.problem = f"报告文件无法重新读取：{exc}"
        out.append(item)
    return out


def _counted(audit: Audit | None) -> list[Finding]:
    if audit is None:
        return []
    return [f for f in audit.findings if f.review != "dismissed" and f.severity in COUNTED]


def rule_title(f: Finding) -> str:
    """The rule's Chinese title (the finding's own name when the rule is not registered)."""
    rule = RULES.get(f.rule)
    return rule.title if rule is not None else f.name


@dataclass(frozen=True)
class AgencyProblems:
    """A row of the table by agency."""

    name: str
    state: str  # 已提交 | 已退回 | 未提交
    timeliness: str  # 按时 | 逾期 | 日期未识别 | 期限已过 | 未到期限
    errors: int = 0
    warnings: int = 0
    main_rules: tuple[tuple[str, int], ...] = ()  # (Chinese title, findings), most first
    problem: str = ""
    resubmit_by: dt.date | None = None


@dataclass(frozen=True)
class RuleHits:
    """A row of the table by rule: how many agencies hit it, with how many findings."""

    code: str
    title: str
    severity: str  # 错误 | 警告
    agencies: int
    findings: int


@dataclass(frozen=True)
class Bulletin:
    year: int
    today: dt.date
    district: str  # "通化市二道江区"
    issuer: str  # the supervisor's agency, which signs
    agencies: int
    submitted: int
    on_time: int
    late: int
    undated: int
    not_submitted: int
    returned: int
    by_agency: list[AgencyProblems] = field(default_factory=list)
    by_rule: list[RuleHits] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.district}政府信息公开工作年度报告核查情况通报"

    @property
    def errors(self) -> int:
        return sum(a.errors for a in self.by_agency)

    @property
    def warnings(self) -> int:
        return sum(a.warnings for a in self.by_agency)


def district_of(names: list[str]) -> str:
    """The place a jurisdiction is named by: its top agency's name without "人民政府" ("辖区" for several)."""
    if len(names) != 1:
        return "辖区"
    name = names[0]
    return name.removesuffix("人民政府") or name


def _timeliness(c: CellStatus) -> str:
    if c.submitted:
        if c.on_time is None:
            return "日期未识别"
        return "按时" if c.on_time else "逾期"
    return "期限已过" if c.overdue else "未到期限"


def build_bulletin(items: list[Audited], viewer: Viewer, year: int, today: dt.date) -> Bulletin:
    """The 通报's figures from `year_audits` (no database access)."""
    by_agency: list[AgencyProblems] = []
    hits: dict[str, set[int]] = {}
    counts: Counter[str] = Counter()
    example: dict[str, Finding] = {}
    for item in items:
        c = item.cell
        found = _counted(item.audit)
        titles = Counter(rule_title(f) for f in found)
        for f in found:
            hits.setdefault(f.rule, set()).add(item.node.id)
            counts[f.rule] += 1
            example.setdefault(f.rule, f)
        state = ("已退回" if c.status == "returned" else "已提交") if c.submitted else "未提交"
        by_agency.append(
            AgencyProblems(
                name=item.node.name,
                state=state,
                timeliness=_timeliness(c),
                errors=sum(1 for f in found if f.severity is Severity.ERROR),
                warnings=sum(1 for f in found if f.severity is Severity.WARNING),
                main_rules=tuple(titles.most_common(MAIN_RULES)),
                problem=item.problem,
                resubmit_by=item.stored.resubmit_by if item.stored is not None and state == "已退回" else None,
            )
        )
    by_rule = sorted(
        (
            RuleHits(
                code,
                rule_title(example[code]),
                example[code].severity.chinese,
                len(hits[code]),
                counts[code],
            )
            for code in hits
        ),
        key=lambda r: (-r.agencies, r.severity != "错误", -r.findings, r.code),
    )
    roots = [i.node.name for i in items if i.node.depth == 0]
    cells = [i.cell for i in items]
    district = district_of(roots)
    return Bulletin(
        year=year,
        today=today,
        district=district,
        issuer=viewer.agency_name or (roots[0] if len(roots) == 1 else district),
        agencies=len(items),
        submitted=sum(1 for c in cells if c.submitted),
        on_time=sum(1 for c in cells if c.submitted and c.on_time is True),
        late=sum(1 for c in cells if c.submitted and c.on_time is False),
        undated=sum(1 for c in cells if c.submitted and c.on_time is None),
        not_submitted=sum(1 for c in cells if not c.submitted),
        returned=sum(1 for c in cells if c.submitted and c.status == "returned"),
        by_agency=by_agency,
        by_rule=by_rule,
    )


def _day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _names(rows: list[AgencyProblems]) -> str:
    return "、".join(a.name for a in rows)


def _summary(b: Bulletin) -> list[Paragraph | Table]:
    undated = f"、落款日期未识别{b.undated}个" if b.undated else ""
    text = (
        f"本次核查范围为{b.district}所属{b.agencies}个机关的{b.year}年度政府信息公开工作年度报告。"
        f"截至{_day(b.today)}，已提交{b.submitted}个，其中按期提交{b.on_time}个、逾期提交{b.late}个{undated}；"
        f"未提交{b.not_submitted}个；经核查退回修改{b.returned}个。"
        "是否按期以报告所印落款（发布）日期为准，日期未能识别的不判逾期。"
    )
    out: list[Paragraph | Table] = [Paragraph(text)]
    out.append(
        Table(
            ("机关总数", "已提交", "按期提交", "逾期提交", "未提交", "退回修改"),
            [tuple(str(n) for n in (b.agencies, b.submitted, b.on_time, b.late, b.not_submitted, b.returned))],
            numeric=frozenset(range(6)),
        )
    )
    late = [a for a in b.by_agency if a.state != "未提交" and a.timeliness == "逾期"]
    missing = [a for a in b.by_agency if a.state == "未提交"]
    if late:
        out.append(Paragraph(f"逾期提交的机关：{_names(late)}。"))
    if missing:
        out.append(Paragraph(f"未提交的机关：{_names(missing)}。"))
    return out


def _by_agency(b: Bulletin) -> list[Paragraph | Table]:
    if b.submitted == 0:
        return [Paragraph(f"截至{_day(b.today)}，尚无机关提交{b.year}年度报告。")]
    out: list[Paragraph | Table] = [
        Paragraph(
            f"对已提交的{b.submitted}份报告逐项核查表格数据的勾稽关系、填报口径和正文的结构、内容，"
            f"共发现错误{b.errors}项、警告{b.warnings}项（经审核人员复核排除的不计）。各机关情况如下："
        )
    ]
    rows: list[tuple[str, ...]] = []
    for n, a in enumerate(b.by_agency, start=1):
        if a.state == "未提交":
            rows.append((str(n), a.name, f"未提交（{a.timeliness}）", "—", "—", "—"))
            continue
        main = a.problem or "；".join(f"{title}（{count}处）" for title, count in a.main_rules) or "未发现问题"
        rows.append((str(n), a.name, f"{a.state}（{a.timeliness}）", str(a.errors), str(a.warnings), main))
    out.append(
        Table(
            ("序号", "机关", "提交情况", "错误", "警告", "主要问题"),
            rows,
            widths=(0.9, 3.8, 3.4, 1.1, 1.1, 6.7),
            numeric=frozenset({0, 3, 4}),
        )
    )
    return out


def _by_rule(b: Bulletin) -> list[Paragraph | Table]:
    if not b.by_rule:
        return [Paragraph("已提交的报告未发现错误或警告。")]
    rows = [(str(n), r.title, r.severity, str(r.agencies), str(r.findings)) for n, r in enumerate(b.by_rule, start=1)]
    return [
        Paragraph("按核查规则统计，各类问题涉及的机关数和问题数如下（涉及机关多的在前）："),
        Table(
            ("序号", "问题", "严重程度", "涉及机关数", "问题数"),
            rows,
            widths=(1.0, 8.6, 1.8, 2.2, 1.6),
            numeric=frozenset({0, 2, 3, 4}),
        ),
    ]


def _requests(b: Bulletin) -> list[Paragraph]:
    out: list[Paragraph] = []
    numbers = iter(("（一）", "（二）", "（三）"))
    returned = [a for a in b.by_agency if a.state == "已退回"]
    if returned:
        listed = "、".join(
            f"{a.name}（{_day(a.resubmit_by)}前）" if a.resubmit_by is not None else a.name for a in returned
        )
        out.append(
            Paragraph(f"{next(numbers)}被退回修改的机关要按退回意见逐项更正，在重新报送期限前重新报送：{listed}。")
        )
    missing = [a for a in b.by_agency if a.state == "未提交"]
    if missing:
        out.append(Paragraph(f"{next(numbers)}尚未提交年度报告的机关要抓紧编制、按程序审核后报送并向社会公布。"))
    out.append(
        Paragraph(
            f"{next(numbers)}各机关要对照本通报所列问题认真自查，核对统计表格数据与政府信息公开工作台账，"
            "确保年度报告数据准确、内容完整、格式规范。"
        )
    )
    return out


def bulletin_doc(b: Bulletin) -> PlainDoc:
    """The 通报 as a document: the summary, the problems by agency and by rule, what is asked of the agencies."""
    blocks: list[Heading | Paragraph | Table] = [
        Paragraph(
            f"根据《中华人民共和国政府信息公开条例》和《政府信息公开工作年度报告格式》的规定，"
            f"现将{b.district}各机关{b.year}年度政府信息公开工作年度报告的核查情况通报如下。"
        ),
        Heading("一、总体情况"),
        *_summary(b),
        Heading("二、各机关报告存在的问题"),
        *_by_agency(b),
        Heading("三、问题分布"),
        *_by_rule(b),
        Heading("四、有关要求"),
        *_requests(b),
    ]
    return PlainDoc(
        title=b.title,
        subtitle=f"（{b.year}年度）",
        blocks=blocks,
        title_break_after=b.district if b.district != "辖区" else "",
        signature=(b.issuer, _day(b.today)),
        author=b.issuer,
        subject="政府信息公开工作年度报告核查情况通报",
        keywords=f"政府信息公开;年度报告;核查;{b.year}",
    )


def findings_of_year(items: list[Audited]) -> Sheet:
    """Every finding of the jurisdiction's latest reports of the year in one sheet: the agency, the year, the
    report and its state before each report's findings as its own export has them (`findings_sheet`), and the
    reviewer's verdict."""
    keys: tuple[str, ...] = ("agency", "year", "report_id", "file", "state")
    labels: tuple[str, ...] = ("机关", "年度", "报告编号", "文件", "提交情况")
    rows: list[tuple[Value, ...]] = []
    inner: Sheet | None = None
    for item in items:
        if item.stored is None or item.report is None or item.audit is None:
            continue
        inner = findings_sheet(item.report, item.audit)
        state = "已退回" if item.stored.status == "returned" else "已提交"
        head: tuple[Value, ...] = (item.node.name, item.cell.year, item.stored.id, item.stored.filename, state)
        title = inner.keys.index("title") if "title" in inner.keys else None
        for f, row in zip(item.audit.findings, inner.rows, strict=True):
            values = list(row)
            if title is not None:
                values[title] = rule_title(f)  # the rule's Chinese title, never its slug
            rows.append((*head, *values, REVIEWS.get(f.review or "", "")))
    if inner is None:
        inner = findings_sheet(Report(file="", kind=""), Audit("", None, None, None))  # the columns alone
    return Sheet("全辖区核查发现", (*keys, *inner.keys, "review"), (*labels, *inner.labels, "复核"), rows)
