"""Many reports at once: roll-ups (and later batch runs, datasets)."""

from nianbao.corpus.rollup import (
    Comparison,
    Rollup,
    Skipped,
    cell_keys,
    cell_label,
    number_text,
    rollup,
    same_agency,
)

__all__ = [
    "Comparison",
    "Rollup",
    "Skipped",
    "cell_keys",
    "cell_label",
    "number_text",
    "rollup",
    "same_agency",
]
