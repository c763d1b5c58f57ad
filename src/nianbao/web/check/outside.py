"""Reports of agencies outside the viewer's jurisdiction (辖区外/未归属, issue #18): what they are and what is said.

A stored report is *outside* for a person when it is of no agency (the printed name matched none of their
jurisdiction's agencies) or of an agency outside their jurisdiction (seen only because their jurisdiction
holds it). Such a report is held by the uploader's government (`owner_id`, so that its people see it) but
counts for nobody: the matrix, the roll-ups and the trends take reports by the agency they are *of*
(`nianbao.web.jurisdiction.status.report_filter`), and it cannot be submitted. A supervisor may create the
agency under a parent of the jurisdiction and file it there (`nianbao.web.check.filing`).

No imports of the check service: it uses these texts for its refusals.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nianbao.store.models import StoredReport
from nianbao.web.admin.service import LEVELS
from nianbao.web.core.people import Viewer
from nianbao.web.jurisdiction.status import agency_tree

__all__ = ["OUTSIDE_HINT", "OUTSIDE_LABEL", "is_outside", "outside_context", "outside_reason", "submit_refusal"]

OUTSIDE_LABEL = "辖区外/未归属"
OUTSIDE_HINT = "报告所印机关不是本辖区的机关：不计入辖区汇总，不能提交"


def is_outside(viewer: Viewer, stored: StoredReport) -> bool:
    """Is the report of no agency of the viewer's jurisdiction?"""
    return stored.agency_id is None or not viewer.sees(stored.agency_id)


def outside_reason(stored: StoredReport) -> str:
    """Why the report is 辖区外/未归属 and what follows (Chinese, no final full stop)."""
    printed = stored.printed_agency.strip()
    if printed:
        who = f"报告所印机关“{printed}”不是本辖区的机关"
    else:
        who = "报告所印机关名称未能识别，无法确定是本辖区的哪个机关"
    return f"{who}，报告未归属任何机关：不计入本辖区的报送情况（辖区汇总、下级合计、历年趋势），也不能提交"


def submit_refusal(stored: StoredReport) -> str:
    """The submission's refusal of an outside report (Chinese)."""
    return (
        f"{OUTSIDE_LABEL}：{outside_reason(stored)}。如确为本辖区机关的报告：该机关已在系统中的，"
        "请在上传时选择归属机关后重新上传；尚未在系统中的，请政务公开监管人员在报告页新建该机关"
    )


def outside_context(session: Session, viewer: Viewer, stored: StoredReport) -> dict[str, Any]:
    """What the report page shows of an outside report: the reason and the 新建机关 form (supervisors)."""
    if not is_outside(viewer, stored):
        return {"outside": None}
    may_create = viewer.returns
    return {
        "outside": {
            "label": OUTSIDE_LABEL,
            "reason": outside_reason(stored),
            "may_create": may_create,
            "name": stored.printed_agency,
            "parents": agency_tree(session, viewer) if may_create else [],
            "levels": LEVELS,
            "error": "",
        }
    }
