"""Findings and audits: what a rule reports, and everything found in one report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from nianbao.report import Location


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def chinese(self) -> str:
        return {Severity.INFO: "提示", Severity.WARNING: "警告", Severity.ERROR: "错误"}[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"未知的严重程度：{text}（可选 error、warning、info）") from None


class Status(StrEnum):
    FAILED = "failed"  # the rule's condition is violated, on complete data
    UNCERTAIN = "uncertain"  # the data read is not certain (e.g. a split of run-together digits)
    NOT_ASSESSABLE = "not_assessable"  # an input is blank or unreadable: nothing computed on partial data


#: A finding's status as the pages that list findings name it.
STATUS_NAMES: dict[Status, str] = {
    Status.FAILED: "不符合",
    Status.UNCERTAIN: "存疑（读数不确定）",
    Status.NOT_ASSESSABLE: "无法核查",
}
#: A reviewer's verdict on a finding (`Finding.review`), as the pages name it.
REVIEW_NAMES: dict[str, str] = {"confirmed": "已复核确认", "dismissed": "已复核排除"}

# The rule families in catalog order: (family, its name on the check pages, its heading in docs/rules.md).
_FAMILY_TABLE: tuple[tuple[str, str, str], ...] = (
    ("arithmetic", "勾稽关系", "勾稽关系"),
    ("cells", "单元格取值", "单元格"),
    ("format", "表格格式", "表格格式"),
    ("structure", "报告结构", "报告结构"),
    ("text", "文字内容", "正文与表格"),
    ("timeliness", "发布时限", "发布时间"),
    ("cross_year", "跨年度比对", "跨年度"),
)
FAMILIES: tuple[str, ...] = tuple(family for family, _, _ in _FAMILY_TABLE)
#: A family as a page that lists findings names it (the check page, the report editor).
FAMILY_NAMES: dict[str, str] = {family: name for family, name, _ in _FAMILY_TABLE}
#: A family as the rule catalog (docs/rules.md) heads it: its heading and its code.
FAMILY_TITLES: dict[str, str] = {family: f"{heading}（{family}）" for family, _, heading in _FAMILY_TABLE}


@dataclass(frozen=True)
class CellRef:
    """A cell a finding is about: its key, what is printed, and what the rule expected."""

    key: str
    printed: str | None
    expected: str | None = None
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "printed": self.printed}
        if self.expected is not None:
            out["expected"] = self.expected
        if self.location is not None:
            out["location"] = self.location.to_dict()
        return out


@dataclass
class Finding:
    rule: str  # code, e.g. "A101"
    name: str
    family: str
    severity: Severity
    message: str  # Chinese
    status: Status = Status.FAILED
    cells: tuple[CellRef, ...] = ()
    location: Location | None = None
    subject: str = ""  # what the finding is about beyond its cells (a section, a phrase); part of the fingerprint
    review: str | None = None  # a person's verdict carried over by fingerprint: "confirmed" | "dismissed"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.cells)

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the rule, the cells or subject, not the wording or the values."""
        basis = "|".join((self.rule, ",".join(sorted(self.keys)), self.subject))
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        loc = self.location or next((c.location for c in self.cells if c.location is not None), None)
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "family": self.family,
            "severity": self.severity.label,
            "status": self.status.value,
            "message": self.message,
            "keys": list(self.keys),
            "location": loc.to_dict() if loc else None,
            "cells": [c.to_dict() for c in self.cells],
            "fingerprint": self.fingerprint,
        }
        if self.review:
            out["review"] = self.review
        return out


@dataclass
class Audit:
    """The findings of one report."""

    file: str
    agency: str | None
    year: int | None
    format: str | None
    findings: list[Finding] = field(default_factory=list)

    def by_family(self, family: str) -> list[Finding]:
        return [f for f in self.findings if f.family == family]

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings if f.review != "dismissed"), default=None)

    def counts(self) -> dict[str, int]:
        out = {s.label: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.label] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "agency": self.agency,
            "year": self.year,
            "format": self.format,
            "findings": [f.to_dict() for f in self.findings],
        }
