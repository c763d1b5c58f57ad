"""Running the catalog over a report."""

from __future__ import annotations

from nianbao.audit.model import Audit, Finding, Severity, Status
from nianbao.audit.registry import Context, Options, catalog, select
from nianbao.report import Report


def check(
    report: Report,
    previous: Report | None = None,
    *,
    select_rules: list[str] | None = None,
    ignore_rules: list[str] | None = None,
    options: Options | None = None,
    reviews: dict[str, str] | None = None,
) -> Audit:
    """Audits one report (and, given the previous year's report of the same agency, the cross-year rules).

    Never raises on bad data: what cannot be judged is reported as not assessable. `reviews` maps a
    finding's fingerprint to a person's verdict ("confirmed" or "dismissed") from an earlier run.
    """
    ctx = Context(report, previous, options or Options())
    audit = Audit(report.file, report.agency, report.year, report.format)
    for r in select(catalog(), select_rules, ignore_rules):
        if r.needs_previous and previous is None:
            continue
        try:
            hits = list(r.check(ctx))
        except Exception as exc:  # a rule's bug must not end a supervisor's batch
            audit.findings.append(
                Finding(
                    r.code,
                    r.name,
                    r.family,
                    Severity.INFO,
                    f"规则 {r.code} 执行出错（{type(exc).__name__}: {exc}），本项未核查",
                    Status.NOT_ASSESSABLE,
                    subject="crash",
                )
            )
            continue
        for hit in hits:
            severity = hit.severity or r.severity
            if hit.status is Status.NOT_ASSESSABLE:
                severity = Severity.INFO
            audit.findings.append(
                Finding(
                    r.code, r.name, r.family, severity, hit.message, hit.status, hit.cells, hit.location, hit.subject
                )
            )
    if reviews:
        for f in audit.findings:
            f.review = reviews.get(f.fingerprint)
    audit.findings.sort(key=lambda f: (-f.severity, f.rule))
    return audit
