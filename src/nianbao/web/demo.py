"""The demo jurisdiction `make run` starts with, so that every page has something to show.

A county-level government (通化市二道江区人民政府) and five departments; people of every role (the logins
are printed at start, all with `DEMO_PASSWORD`); for each department three report years and the current
year to date of generated ledger cases (deterministic: the same database every time); for the report
years, each department's report generated from its ledger and submitted — except 教育局, whose last year's
report is missing — plus the two sample reports of 二道江区 agencies (2024) as uploaded, and the
government's own report, whose figures differ a little from the sum of its departments.

Seeding happens once: a database that already has users is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.authoring.load import assemble
from nianbao.authoring.template import compute
from nianbao.formats import format_for_year, get_format
from nianbao.ledger import agencies, appeals, calendar_store, cases
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.tables import tables
from nianbao.render import render_bytes
from nianbao.report import Number, Report
from nianbao.store.models import Agency, Application, StoredReport, User
from nianbao.web.accounts.service import create_user
from nianbao.web.core.people import viewer_of

DEMO_PASSWORD = "demo-2026"
GOVERNMENT = "通化市二道江区人民政府"
DEPARTMENTS = (
    "通化市二道江区审计局",
    "二道江区机关事务管理局",
    "二道江区财政局",
    "二道江区教育局",
    "二道江区自然资源局",
)
#: username, display name, role, agency
PEOPLE: tuple[tuple[str, str, str, str | None], ...] = (
    ("admin", "系统管理员", "admin", None),
    ("zhengwu", "区政务公开办 王主任", "supervisor", GOVERNMENT),
    ("shenhe", "区政务公开办 李科员", "reviewer", GOVERNMENT),
    ("caizheng", "财政局 张经办", "clerk", "二道江区财政局"),
    ("jiaoyu", "教育局 赵经办", "clerk", "二道江区教育局"),
    ("shenji", "审计局 陈经办", "clerk", "通化市二道江区审计局"),
)
SAMPLES = {"000_92378848010c3553.txt": "通化市二道江区审计局", "001_3976189c068de9c9.txt": "二道江区机关事务管理局"}
MISSING = "二道江区教育局"  # has no report for last year: the roll-up names it

#: outcome → weight, for generated closures (most applications are granted).
_OUTCOME_WEIGHTS: dict[str, int] = {
    "granted": 45,
    "partially_granted": 12,
    "unavailable.not_held": 14,
    "withheld.third_party_rights": 3,
    "withheld.internal_affairs": 3,
    "withheld.deliberative_process": 2,
    "not_processed.complaint_petition": 5,
    "not_processed.repeated": 3,
    "unavailable.still_unclear": 4,
    "other_handling.no_correction": 3,
    "other_handling.other": 2,
}
_APPLICANTS: dict[str, int] = {
    "natural_person": 80,
    "commercial": 10,
    "legal_services": 5,
    "research": 2,
    "nonprofit": 1,
    "other_org": 2,
}
_REQUESTS = (
    "征地补偿安置方案",
    "房屋征收决定及补偿标准",
    "某项目审计报告",
    "年度部门预算和决算",
    "政府采购合同",
    "办公用房调配情况",
    "学校招生划片方案",
    "行政处罚决定书",
    "建设用地批复文件",
    "专项资金使用情况",
)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role_label: str
    agency: str


def logins() -> list[DemoLogin]:
    from nianbao.web.core.people import ROLE_LABELS

    return [DemoLogin(u, d, ROLE_LABELS[r], a or "（全部机关）") for u, d, r, a in PEOPLE]


def seed(
    session: Session,
    *,
    today: dt.date,
    fast_hashes: bool = False,
    scale: float = 1.0,
    progress: Callable[[str], None] = lambda _m: None,
) -> bool:
    """Seed the demo into an empty database; False (and nothing done) when it already has users.

    Works on any `today`: the current year's cases run into the next year, whose deadlines are provisional
    while its 放假安排 is not loaded. `scale` multiplies the number of cases (tests seed a small demo).
    """
    if session.scalar(select(User.id).limit(1)) is not None:
        return False
    progress("创建演示机关和用户")
    government = agencies.set_agency(session, GOVERNMENT, level="government")
    departments = [agencies.set_agency(session, name, level="department", parent=GOVERNMENT) for name in DEPARTMENTS]
    users = {}
    for username, display, role, home in PEOPLE:
        found = agencies.find_agency(session, home) if home else None
        users[username] = create_user(
            session, username, DEMO_PASSWORD, role, found, display_name=display, fast_hash=fast_hashes
        )
    calendar = calendar_store.load_calendar(session)
    years = list(range(today.year - 3, today.year + 1))
    rng = random.Random(20261122)
    for n, agency in enumerate(departments):
        progress(f"生成台账案件：{agency.name}")
        _ledger(session, agency, years, today, calendar, rng, size=max(1, round((40 + 25 * n) * scale)))
    supervisor = viewer_of(session, users["zhengwu"])
    # a department's report is submitted by its own clerk where it has one, else entered by the supervisor
    clerks = {home: viewer_of(session, users[u]) for u, _d, role, home in PEOPLE if role == "clerk" and home}
    from nianbao.web.check.service import store_report

    progress("生成并提交各部门年度报告")
    report_years = [y for y in years if y < today.year]
    for agency in departments:
        for year in report_years:
            skipped = (agency.name == MISSING and year == today.year - 1) or (
                agency.name in SAMPLES.values() and year == 2024
            )
            if skipped:
                continue
            report = _department_report(session, agency, year, rng)
            content = render_bytes(report, "docx")
            stored = store_report(
                session,
                clerks.get(agency.name, supervisor),
                f"{agency.name}{year}年政府信息公开工作年度报告.docx",
                content,
                agency_id=agency.id,
                source="ledger",
                submit=True,
            )
            _backdate(stored, year, rng)
    folder = resources.files("nianbao").joinpath("samples")
    for name, agency_name in SAMPLES.items():
        agency = agencies.find_agency(session, agency_name)
        store_report(session, supervisor, name, folder.joinpath(name).read_bytes(), agency_id=agency.id, submit=True)
    progress("生成区政府本级报告")
    for year in report_years:
        report = _government_report(session, government, year, rng)
        stored = store_report(
            session,
            supervisor,
            f"{GOVERNMENT}{year}年政府信息公开工作年度报告.docx",
            render_bytes(report, "docx"),
            agency_id=government.id,
            source="ledger",
            submit=True,
        )
        _backdate(stored, year, rng, government=True)
    return True


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _ledger(
    session: Session,
    agency: Agency,
    years: list[int],
    today: dt.date,
    calendar: WorkingCalendar,
    rng: random.Random,
    size: int,
) -> None:
    """About `size` applications a year, received on working days; closed within their deadline except the
    last few weeks' ones, which stay open (some overdue); a few with 补正, 延期 or 征求意见; a few appeals."""
    number = 0
    for year in years:
        last = min(dt.date(year, 12, 31), today - dt.timedelta(days=1))
        days = [dt.date(year, 1, 1) + dt.timedelta(d) for d in range((last - dt.date(year, 1, 1)).days + 1)]
        days = [d for d in days if calendar.is_workday(d)]
        count = size * len(days) // 250
        for received in sorted(rng.choice(days) for _ in range(count)):
            number += 1
            case = cases.add_case(
                session,
                agency,
                f"{received.year}-{number:04d}",
                received,
                _pick(rng, _APPLICANTS),
                calendar=calendar,
                channel=rng.choice(("online", "online", "post", "in_person")),
                applicant=f"{rng.choice(_SURNAMES)}某某",
                request=f"申请公开{rng.choice(_REQUESTS)}",
            )
            _walk(session, case, today, calendar, rng)
            if rng.random() < 0.03 and case.closed is not None and case.closed < today - dt.timedelta(days=30):
                route = rng.choice(("review", "review", "litigation_direct"))
                appeal = appeals.add_appeal(
                    session, agency, f"复{case.reference}", route, case.closed + dt.timedelta(days=20), application=case
                )
                decided = appeal.filed + dt.timedelta(days=60)
                if decided < today:
                    appeals.decide_appeal(session, appeal, rng.choice(("upheld", "upheld", "corrected")), decided)


def _walk(session: Session, case: Application, today: dt.date, calendar: WorkingCalendar, rng: random.Random) -> None:
    step = case.received
    roll = rng.random()
    if roll < 0.08:
        asked = calendar.add_workdays(step, rng.randint(2, 5))
        if asked >= today:
            return
        cases.add_event(
            session, case, "correction_requested", asked, calendar=calendar, until=calendar.add_workdays(asked, 15)
        )
        step = calendar.add_workdays(asked, rng.randint(3, 10))
        if step >= today:
            return
        cases.add_event(session, case, "correction_received", step, calendar=calendar)
    elif roll < 0.12:
        step = calendar.add_workdays(step, rng.randint(10, 18))
        if step >= today or case.due is None or case.due.year > today.year:
            return
        cases.add_event(session, case, "extension", step, calendar=calendar, approver="办公室主任", days=20)
    taken = rng.randint(3, 22)
    closed = calendar.add_workdays(step, taken)
    if closed >= today:
        return  # still open
    cases.add_event(session, case, "answered", closed, calendar=calendar)
    cases.close_case(session, case, _pick(rng, _OUTCOME_WEIGHTS), closed)


def _table_two(year: int, rng: random.Random, scale: int = 1) -> dict[str, Number | None]:
    fmt = get_format(format_for_year(year))
    values: dict[str, Number | None] = {}
    for row in fmt.rows_of("二"):
        for key in row.cells:
            values[key] = 0
    values.update(
        {
            "active.normative_documents.issued": rng.randint(0, 4) * scale,
            "active.normative_documents.in_force": rng.randint(5, 20) * scale,
            "active.licensing.decisions": rng.randint(0, 300) * scale,
            "active.penalties.decisions": rng.randint(0, 40) * scale,
        }
    )
    return {k: v for k, v in values.items() if k in fmt.cells}


_WORK = (
    "围绕中心工作及时发布政策文件和解读材料",
    "完善政府信息公开指南和目录",
    "规范依申请公开办理流程，逐件登记、按时答复",
    "加强政府信息公开保密审查",
    "推进政府网站信息公开专栏建设",
    "开展政务公开业务培训",
    "主动回应社会关切",
    "做好重点领域信息公开",
    "落实政策文件解读与发布同步",
    "健全政府信息管理动态调整机制",
)
_PROBLEMS = (
    "政策解读的形式还不够丰富",
    "部分栏目更新不够及时",
    "依申请公开答复文书的规范性有待提高",
    "公开内容的针对性还需加强",
    "业务培训覆盖面不够广",
)
_MEASURES = (
    "丰富图表、音视频等解读形式",
    "建立栏目更新提醒机制",
    "统一答复文书格式并加强审核",
    "加强公开需求调研",
    "扩大培训覆盖面",
)


def _texts(agency: str, year: int, report: Report, rng: random.Random) -> dict[int, str]:
    total = report.value("applications.new.total") or 0
    work = "；".join(rng.sample(_WORK, 4))
    problem = rng.randrange(len(_PROBLEMS))
    return {
        1: (
            f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，{work}。"
            f"全年新收政府信息公开申请{total}件，均在法定期限内答复。"
        ),
        5: f"{year}年存在的主要问题是{_PROBLEMS[problem]}。下一步将{_MEASURES[problem]}。上年度发现的问题已全部整改。",
        6: f"{year}年度本机关未收取信息处理费，无其他需要报告的事项。",
    }


def _department_report(session: Session, agency: Agency, year: int, rng: random.Random) -> Report:
    ledger = tables(session, agency, year)
    fmt = get_format(ledger.format or format_for_year(year))
    values = {k: c.value for k, c in ledger.cells.items()} | _table_two(year, rng)
    values = compute(fmt, values, keep_given=True)
    date = dt.date(year + 1, 1, rng.randint(10, 30))
    return assemble(
        f"{agency.name}-{year}",
        "ledger",
        fmt,
        year,
        agency.name,
        date,
        "",
        _texts(agency.name, year, ledger, rng),
        values,
        {},
        [],
    )


def _government_report(session: Session, government: Agency, year: int, rng: random.Random) -> Report:
    ledger = tables(session, government, year, rollup=True)
    fmt = get_format(ledger.format or format_for_year(year))
    values = {k: c.value for k, c in ledger.cells.items()} | _table_two(year, rng, scale=4)
    values["applications.granted.natural_person"] = (
        int(values.get("applications.granted.natural_person") or 0) + 2
    )  # a discrepancy to find
    values = compute(fmt, values)
    date = dt.date(year + 1, 3, rng.randint(10, 31))
    return assemble(
        f"{government.name}-{year}",
        "ledger",
        fmt,
        year,
        government.name,
        date,
        "",
        _texts(government.name, year, ledger, rng),
        values,
        {},
        [],
    )


def _backdate(stored: StoredReport, year: int, rng: random.Random, government: bool = False) -> None:
    """Generated reports are 'submitted' when they would have been: mostly on time, once in a while late."""
    month, day = (3, rng.randint(1, 31)) if government else (1, rng.randint(5, 31))
    on = dt.date(year + 1, month, day)
    if rng.random() < 0.15:
        on += dt.timedelta(days=rng.randint(5, 40))
    stored.uploaded_at = stored.submitted_at = dt.datetime.combine(on, dt.time(10, 0), dt.UTC)
