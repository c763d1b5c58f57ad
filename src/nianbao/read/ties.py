"""Choosing among the equally good splits of a row with the identities across rows (the table stage's part of the
evidence, see `fit`), then by the rest of their rank; what no evidence tells apart stays tied (`Fit.tied`)."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

from nianbao.formats import Format, RowSpec
from nianbao.read.evidence import TIERS, WEAK_TIER, decided_by, tied_message
from nianbao.read.fit import Fit, SplitBudget

__all__ = ["MAX_JOINT", "settle", "settle_jointly"]


def settle(fit: Fit, scores: list[int]) -> None:
    """Choose among `fit.alternatives` by how many column identities across rows each keeps (`scores`), then by
    their ranks; what stays tied is left in `fit.tied` (see the module's docstring)."""
    top = max(scores)
    best = [i for i, score in enumerate(scores) if score == top]
    fit.cells = list(fit.alternatives[best[0]])
    if len(best) == 1:  # the column identities decide: no longer ambiguous
        fit.problem, fit.alternatives, fit.tied, fit.decided_by = "", [], [], "跨行勾稽关系"
        return
    if len(fit.ranks) != len(fit.alternatives):
        return
    ranks = [fit.ranks[i] for i in best]
    tied = [fit.alternatives[i] for i, r in zip(best, ranks, strict=True) if r == ranks[0]]
    fit.tied = tied if len(tied) > 1 else []
    if len(best) < len(scores):  # the column identities left fewer: say what decided among them
        fit.decided_by = decided_by(ranks)
        if fit.tied:
            fit.problem = tied_message(fit.run, fit.tied)
        elif TIERS.index(fit.decided_by) < WEAK_TIER:
            fit.problem = ""


#: Most combinations of the tied splits of several rows tried together (`settle_jointly`).
MAX_JOINT = 1024


def settle_jointly(
    fmt: Format, rows: list[tuple[RowSpec, Fit]], known: dict[str, Decimal | None], budget: SplitBudget
) -> None:
    """Rows still tied after `settle`, decided together by the identities across rows (two rows of one column, each
    split two ways, are told apart by the column's total only when both are chosen at once).

    Every combination of their tied splits (at most `MAX_JOINT`, each identity tried counted in `budget`) is tried
    against the identities touching any of them, with the other cells as `known`; a row whose split is the same in
    every combination that keeps the most identities takes it.
    """
    tied = [(row, fit) for row, fit in rows if len(fit.tied) > 1]
    count = math.prod(len(fit.tied) for _, fit in tied)
    if len(tied) < 2 or count > MAX_JOINT:
        return
    keys = {k for row, _ in tied for k in row.cells}
    touching = [i for i in fmt.identities if set(i.keys) & keys]
    if not touching or not budget.spend(count * len(touching)):
        return
    trial = dict(known)
    scored: list[tuple[int, tuple[int, ...]]] = []
    for choice in itertools.product(*(range(len(fit.tied)) for _, fit in tied)):
        for (row, fit), c in zip(tied, choice, strict=True):
            for key, tok in zip(row.cells, fit.tied[c], strict=True):
                trial[key] = tok.number if tok is not None and tok.kind == "num" else None
        scored.append((sum(1 for i in touching if i.holds(trial)), choice))
    top = max(score for score, _ in scored)
    winners = [choice for score, choice in scored if score == top]
    for n, (_, fit) in enumerate(tied):
        picked = {choice[n] for choice in winners}
        if len(picked) == 1 and len(winners) < len(scored):
            fit.cells = list(fit.tied[picked.pop()])
            fit.problem, fit.alternatives, fit.tied, fit.decided_by = "", [], [], "跨行勾稽关系"
