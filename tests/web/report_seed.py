"""A small 2025 ledger for 甲县财政局, shared by the report area's tests (no tests here: helpers only).

Cases (2025 unless said): 0 — received 2024-12-10, closed 2025-01-10 本机关不掌握 (上年结转); 1 and 2 —
自然人, 予以公开; 3 — 商业企业, 部分公开; 4 — 自然人, received 2025-12-22, still open (结转下年度).
Appeals: one 行政复议 decided 维持, one 未经复议直接起诉 pending.

So in 2025: 本年新收 4 (自然人 3, 商业企业 1), 上年结转 1, 予以公开 自然人 2, 部分公开 商业企业 1,
结转下年度 自然人 1; the tables count 5 applications and 2 appeals.
"""

from __future__ import annotations

import datetime as dt

from nianbao.ledger import agencies, appeals, cases
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.store import db

D = dt.date
CAL = WorkingCalendar()
WRITTEN = {
    1: "2025年，甲县财政局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作推进主动公开、"
    "依申请公开、政府信息管理、平台建设和监督保障各项工作，全年未发生因政府信息公开引发的重大舆情。",
    5: "一是依申请公开答复文书格式不够统一；二是部分栏目更新不够及时。下一步将制定答复文书模板，"
    "建立栏目更新台账，加强业务培训。上年度提出的问题已整改完毕。",
    6: "本年度未收取信息处理费。无其他需要报告的事项。",
}


def seed_2025(url: str) -> None:
    with db.session(url) as s:
        agency = agencies.find_agency(s, "甲县财政局")

        def add(reference: str, received: dt.date, kind: str, closed: dt.date | None, outcome: str = "granted") -> None:
            case = cases.add_case(s, agency, reference, received, kind, calendar=CAL)
            if closed is not None:
                cases.close_case(s, case, outcome, closed)

        add("2024-009", D(2024, 12, 10), "natural_person", D(2025, 1, 10), "unavailable.not_held")
        add("2025-001", D(2025, 3, 3), "natural_person", D(2025, 3, 20))
        add("2025-002", D(2025, 4, 1), "natural_person", D(2025, 4, 15))
        add("2025-003", D(2025, 5, 6), "commercial", D(2025, 5, 30), "partially_granted")
        add("2025-004", D(2025, 12, 22), "natural_person", None)
        review = appeals.add_appeal(s, agency, "复-2025-1", "review", D(2025, 6, 1))
        appeals.decide_appeal(s, review, "upheld", D(2025, 8, 1))
        appeals.add_appeal(s, agency, "诉-2025-1", "litigation_direct", D(2025, 9, 1))


def table_two(year: int = 2025) -> dict[str, int | float]:
    """Table-二 figures that make a clean report (every cell filled; a few non-zero in the 2021 format)."""
    from nianbao.authoring.from_ledger import table_two_keys
    from nianbao.formats import format_for_year, get_format

    fmt = get_format(format_for_year(year))
    out: dict[str, int | float] = dict.fromkeys(table_two_keys(fmt), 0)
    for key, value in (
        ("active.normative_documents.issued", 3),
        ("active.normative_documents.in_force", 12),
        ("active.fees.amount", 1.5),
    ):
        if key in out:
            out[key] = value
    return out
