"""The schema's vocabularies, frozen with the migrations, and the declarative base every table shares."""

from __future__ import annotations

from sqlalchemy import (
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

#: The six applicant columns of table 三 (keys of cells.csv), in printed order.
APPLICANT_TYPES: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
)

#: The outcome rows of table 三 in the 2021 format: the key part between `applications.` and the column.
OUTCOMES: tuple[str, ...] = (
    "granted",
    "partially_granted",
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.endangers_safety_stability",
    "withheld.third_party_rights",
    "withheld.internal_affairs",
    "withheld.deliberative_process",
    "withheld.enforcement_case_file",
    "withheld.administrative_inquiry",
    "unavailable.not_held",
    "unavailable.requires_creation",
    "unavailable.still_unclear",
    "not_processed.complaint_petition",
    "not_processed.repeated",
    "not_processed.publication_requested",
    "not_processed.excessive_requests",
    "not_processed.reconfirmation",
    "other_handling.no_correction",
    "other_handling.fee_unpaid",
    "other_handling.other",
)

STATUSES: tuple[str, ...] = ("open", "closed")

#: How an application arrived (art. 31 fixes the receipt date from it).
CHANNELS: tuple[str, ...] = ("in_person", "post", "letter", "online", "fax", "other")

#: What can happen to a case; every figure of the tables is traceable to these rows.
EVENT_KINDS: tuple[str, ...] = (
    "registered",  # 登记：收到申请（art. 31 receipt date）
    "correction_requested",  # 发出补正通知（art. 30）
    "correction_received",  # 收到补正（答复期限重新起算）
    "extension",  # 延期（art. 33，须经政府信息公开工作机构负责人批准）
    "consultation_opened",  # 征求第三方或其他机关意见（arts. 32, 34；期间不计入）
    "consultation_closed",  # 征求意见结束
    "fee_notice",  # 发出收费通知（国办函〔2020〕109号）
    "fee_paid",  # 缴费（或缴费期满）
    "answered",  # 答复送达
    "closed",  # 办结（记录办理结果）
    "deadline_recomputed",  # 答复期限随工作日历更新重新计算（系统记录：原期限 → 新期限、原因）
)

#: Table 四: the three groups and the results of a 复议/诉讼 case.
APPEAL_ROUTES: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
APPEAL_RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --------------------------------------------------------------------------------------------
# The web app: people, stored reports, reviews and drafts (migration 0002)
# --------------------------------------------------------------------------------------------

#: clerk: the ledger and report of their own agency; reviewer: read, check and comment in their
#: jurisdiction; supervisor: a reviewer who may also return reports for correction; admin: everything.
ROLES: tuple[str, ...] = ("clerk", "reviewer", "supervisor", "admin")
#: checked: uploaded to be checked only; submitted: formally handed in (no errors, the right agency);
#: returned: sent back for correction by a supervisor.
REPORT_STATUSES: tuple[str, ...] = ("checked", "submitted", "returned")
#: The statuses that count as the agency's report in the status matrix, roll-ups and trends.
SUBMITTED_STATUSES: tuple[str, ...] = ("submitted", "returned")
JOB_STATES: tuple[str, ...] = ("queued", "running", "done")
#: upload: a file uploaded; ledger: generated from the ledger and submitted; url: fetched from a web page
#: (按网址核查, migration 0008; `StoredReport.source_url` says where).
REPORT_SOURCES: tuple[str, ...] = ("upload", "ledger", "url")
REVIEW_DECISIONS: tuple[str, ...] = ("confirmed", "dismissed")

#: The letters a clerk writes for a case (migration 0007): 补正通知书, 延期答复告知书, 征求意见函, 收费通知, 答复书.
DOCUMENT_KINDS: tuple[str, ...] = (
    "correction_notice",
    "extension_notice",
    "consultation_letter",
    "fee_notice",
    "reply",
)
