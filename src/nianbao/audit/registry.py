"""The rule catalog: every rule is written once, in its family's module, and registers itself here.

A rule is a small function that looks at a `Context` and yields `Hit`s; the engine turns each hit
into a `Finding` with the rule's code, name, family and severity. Codes are stable and never reused:
a retired rule keeps its code in `RETIRED`. The catalog, `nianbao rules` and docs/rules.md are all
generated from this registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nianbao.audit.model import FAMILIES, CellRef, Severity, Status
from nianbao.report import Location, Report


@dataclass(frozen=True)
class Options:
    """Settings a supervisor may change; the defaults follow 条例 art. 49 and common assessment practice."""

    department_deadline: tuple[int, int] = (1, 31)  # (month, day) of the year after the report year
    government_deadline: tuple[int, int] = (3, 31)
    similarity_threshold: float = 0.5  # Y703: share of this year's narrative 8-grams found in last year's
    fee_yuan_threshold: float = 100000.0  # 万元: a fee above this looks like it was written in 元
    higher_level_words: tuple[str, ...] = ("全省",)  # words a county/district/city agency should not use
    ocr_confidence: float = 0.8  # C209: a cell read by OCR with a lower confidence is listed (docs/ocr.md)
    #: The report is being written, not read from a published file (the web's report editor, `nianbao ledger
    #: report`): a part that must be written (一, 五, 六) left empty or holding placeholder text is an error
    #: (S406), since nothing would stop it from being submitted otherwise.
    draft: bool = False

    def deadline(self, year: int, government: bool) -> dt.date:
        month, day = self.government_deadline if government else self.department_deadline
        return dt.date(year + 1, month, day)


@dataclass
class Context:
    report: Report
    previous: Report | None = None
    options: Options = field(default_factory=Options)

    def ref(self, key: str, expected: str | None = None, report: Report | None = None) -> CellRef:
        """A CellRef for `key` as printed in the report (or in `report`, e.g. the previous one)."""
        source = report or self.report
        cell = source.cells.get(key)
        printed = None if cell is None else cell.printed
        return CellRef(key, printed, expected, None if cell is None else cell.location)


@dataclass
class Hit:
    """What a rule yields: the engine adds the rule's code, name, family and severity."""

    message: str
    cells: tuple[CellRef, ...] = ()
    status: Status = Status.FAILED
    location: Location | None = None
    subject: str = ""
    severity: Severity | None = None  # only to lower or raise one hit against the rule's default


Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case, says what is wrong
    family: str
    severity: Severity
    title: str  # Chinese, one line
    checks: str  # 检查内容
    basis: str  # 依据: the article of the 条例 or the clause of the format
    example: str  # 错误示例
    correct: str  # 正确写法
    check: Check
    needs_previous: bool = False

    def markdown(self) -> str:
        return "\n".join(
            [
                f"## {self.code} `{self.name}`",
                "",
                f"**{self.title}** — 类别 `{self.family}`，"
                f"默认严重程度 `{self.severity.label}`（{self.severity.chinese}）"
                + ("，需要上一年度报告" if self.needs_previous else ""),
                "",
                f"- 检查内容：{self.checks}",
                f"- 依据：{self.basis}",
                f"- 错误示例：{self.example}",
                f"- 正确写法：{self.correct}",
                "",
            ]
        )


RULES: dict[str, Rule] = {}
RETIRED: dict[str, str] = {}  # code -> why it was retired; a retired code is never given to another rule


def rule(
    code: str,
    name: str,
    family: str,
    severity: Severity,
    title: str,
    *,
    checks: str,
    basis: str,
    example: str,
    correct: str,
    needs_previous: bool = False,
) -> Callable[[Check], Check]:
    """Registers the decorated function as rule `code`."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    if code in RULES or code in RETIRED:
        raise ValueError(f"rule code {code} is already taken")
    if any(r.name == name for r in RULES.values()):
        raise ValueError(f"rule name {name} is already taken")

    def register(fn: Check) -> Check:
        RULES[code] = Rule(code, name, family, severity, title, checks, basis, example, correct, fn, needs_previous)
        return fn

    return register


def catalog() -> list[Rule]:
    """Every rule, in code order (importing the rule modules registers them)."""
    import nianbao.audit.rules  # noqa: F401  (registration happens on import)

    return [RULES[c] for c in sorted(RULES)]


def select(rules: list[Rule], select: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """Rules chosen by code prefix or family name, like a linter's --select/--ignore."""

    def matches(r: Rule, patterns: list[str]) -> bool:
        return any(r.code.startswith(p.upper()) or r.family == p or r.name == p for p in patterns)

    chosen = [r for r in rules if not select or matches(r, select)]
    return [r for r in chosen if not ignore or not matches(r, ignore)]
