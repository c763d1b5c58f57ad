"""The JSON shapes of officers' corrections (issue #18), for the check area's API (documented for /docs)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from nianbao.report import Report
from nianbao.web.check.corrections import (
    MANUAL,
    Entry,
    Publication,
    in_effect,
    json_value,
    label_of,
    provenance,
)

JsonValue = int | float | str | None


class CorrectionIn(BaseModel):
    field: str = Field(
        min_length=1,
        max_length=200,
        description="更正的项目：统计表单元格编号（formats/cells.csv 的 key），或 meta.published（发布日期）",
    )
    value: JsonValue = Field(
        description="新值：单元格为数字（null 为空白）；发布日期为 YYYY-MM-DD（null 为日期未识别）。"
        "填回原印值即撤销此前的更正"
    )
    reason: str = Field(min_length=1, max_length=2000, description="更正原因（必填）")
    base: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="您看到的最新一条更正的编号（尚无更正为 0）：此后他人更正了同一项时不保存，返回 409；不填则不核对",
    )


class CorrectionOut(BaseModel):
    id: int
    field: str = Field(description="单元格编号，或 meta.published（发布日期）")
    label: str = Field(description="单元格的行列名称，或“发布日期”")
    printed: JsonValue = Field(description="更正时报告所印（读取）的值")
    value: JsonValue = Field(description="更正后的值（null：空白，或日期未识别）")
    reason: str
    user_id: int | None
    user_name: str
    at: dt.datetime
    in_effect: bool = Field(description="是否为该项当前生效的更正（同一项以最新一条为准；与原印值相同即已撤销）")


class CorrectionList(BaseModel):
    items: list[CorrectionOut] = Field(description="全部更正，按时间先后（只增不删）")


class ProvenanceOut(BaseModel):
    source: Literal["人工更正"] = Field(description="数值来源：人工更正（未列出的单元格均为报告所印）")
    printed: JsonValue = Field(description="报告所印（读取）的值")
    value: JsonValue = Field(description="更正后的值")
    reason: str
    user_id: int | None
    user_name: str
    at: dt.datetime
    correction_id: int


class PublicationOut(BaseModel):
    date: dt.date | None = Field(description="据以判断是否按时的发布日期；未识别为 null")
    source: Literal["printed", "entered", "unknown"] = Field(
        description="printed：报告所印；entered：人工录入；unknown：日期未识别（不判逾期）"
    )
    label: str = Field(description="来源的中文名称")
    printed: dt.date | None = Field(description="报告所印的日期（未识别为 null）")
    correction_id: int | None = Field(description="决定该日期的更正编号；报告所印或未录入为 null")


class CorrectionResult(BaseModel):
    correction: CorrectionOut
    errors: int = Field(description="按更正后的数值重新核查后的错误数")
    warnings: int
    infos: int


def corrections_out(report: Report, entries: list[Entry]) -> list[CorrectionOut]:
    """Every correction, oldest first; `report` is the report as read."""
    active = in_effect(report, entries)
    return [
        CorrectionOut(
            id=e.id,
            field=e.field,
            label=label_of(report, e.field),
            printed=json_value(e.printed),
            value=json_value(e.value),
            reason=e.reason,
            user_id=e.user_id,
            user_name=e.user_name,
            at=e.at,
            in_effect=active.get(e.field) is e,
        )
        for e in entries
    ]


def provenance_out(report: Report, entries: list[Entry]) -> dict[str, ProvenanceOut]:
    """The provenance of each corrected cell (the cells not listed are as printed)."""
    return {
        key: ProvenanceOut(
            source=MANUAL,
            printed=json_value(e.printed),
            value=json_value(e.value),
            reason=e.reason,
            user_id=e.user_id,
            user_name=e.user_name,
            at=e.at,
            correction_id=e.id,
        )
        for key, e in provenance(in_effect(report, entries)).items()
    }


def publication_out(pub: Publication, printed: dt.date | None) -> PublicationOut:
    return PublicationOut(
        date=pub.date,
        source=pub.source,
        label=pub.label,
        printed=printed,
        correction_id=pub.entry.id if pub.entry is not None else None,
    )


__all__ = [
    "CorrectionIn",
    "CorrectionList",
    "CorrectionOut",
    "CorrectionResult",
    "ProvenanceOut",
    "PublicationOut",
    "corrections_out",
    "provenance_out",
    "publication_out",
]
