"""The letters a clerk writes for a case (补正通知书, 延期答复告知书, 征求意见函, 收费通知, 答复书) as .docx templates.

`builtin_template(kind)` is the built-in template of a kind, `check(content)` what is wrong with an agency's own
template, `fill(content, values)` a template with its placeholders (`PLACEHOLDERS`, ``{{机关名称}}`` …) replaced.
What goes into the placeholders (the case, its dates, the article of the regulation for an outcome) is the
ledger's: `nianbao.ledger.letters`.
"""

from __future__ import annotations

from nianbao.render.letters.builtin import LETTERS, builtin_template
from nianbao.render.letters.fill import MAX_BYTES, PATTERN, Found, check, fill, find
from nianbao.render.letters.names import KINDS, PLACEHOLDERS, REPLY_VARIANTS

__all__ = [
    "KINDS",
    "LETTERS",
    "MAX_BYTES",
    "PATTERN",
    "PLACEHOLDERS",
    "REPLY_VARIANTS",
    "Found",
    "builtin_template",
    "check",
    "fill",
    "find",
]
