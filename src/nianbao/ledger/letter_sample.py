"""A fixed example case that calls for every letter: the golden tests of the letters and their screenshots
(scripts/letter_screenshots.py) are written from it.

示例县财政局 (a department of 示例县人民政府) received 王某某's application on Friday 2025-09-26, just before the
National Day break (2025-10-01…08, with Saturday 2025-10-11 a working day). It asked for a 补正 on 2025-09-29 (to be
given by 2025-10-17) and got it on 2025-10-09, which restarts the count; consulted a third party from 2025-10-10 to
2025-10-20 (not counted: due 2025-11-17); extended by 20 working days on 2025-11-03 (due 2025-12-15); sent a fee
notice for 50 pages (200 元) on 2025-11-04, paid 2025-11-06; answered and closed on 2025-11-20 with a partial
disclosure.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from nianbao.ledger import agencies, calendar_store, cases
from nianbao.store.models import Application

GOVERNMENT = "示例县人民政府"
AGENCY = "示例县财政局"
REFERENCE = "2025-0007"
#: The day the letters of the example are generated.
TODAY = dt.date(2025, 11, 20)
PARTY = "某某建设有限公司"


def sample_case(session: Session, *, outcome: str = "partially_granted", reference: str = REFERENCE) -> Application:
    """The example case, in `session` (its agencies created when missing), closed with `outcome`."""
    agencies.set_agency(session, GOVERNMENT, level="government")
    agency = agencies.set_agency(session, AGENCY, level="department", parent=GOVERNMENT)
    calendar = calendar_store.load_calendar(session)
    d = dt.date
    case = cases.add_case(
        session,
        agency,
        reference,
        d(2025, 9, 26),
        "natural_person",
        calendar=calendar,
        channel="in_person",
        applicant="王某某",
        contact="138xxxx0000",
        request="示例县2025年老旧小区改造项目的政府采购合同",
    )

    def event(kind: str, on: dt.date, *, party: str = "", note: str = "") -> None:
        cases.add_event(session, case, kind, on, calendar=calendar, party=party, note=note)

    cases.add_event(
        session,
        case,
        "correction_requested",
        d(2025, 9, 29),
        calendar=calendar,
        until=d(2025, 10, 17),
        note="请写明所需合同的项目名称或合同编号",
    )
    event("correction_received", d(2025, 10, 9))
    event("consultation_opened", d(2025, 10, 10), party=PARTY)
    event("consultation_closed", d(2025, 10, 20), party=PARTY)
    cases.add_event(
        session, case, "extension", d(2025, 11, 3), calendar=calendar, approver="县政府信息公开工作机构负责人", days=20
    )
    event("fee_notice", d(2025, 11, 4), note="信息处理费 200 元（按量计收，50 页）")
    event("fee_paid", d(2025, 11, 6))
    event("answered", d(2025, 11, 20))
    note = "合同附件中的供应商报价明细涉及商业秘密，第三方不同意公开" if outcome == "partially_granted" else ""
    cases.close_case(session, case, outcome, d(2025, 11, 20), note=note)
    return case
