"""The year's report as a download: the kinds a report is rendered as.

The report itself is built from the ledger and the draft by `nianbao.authoring.from_ledger.build`.
Downloads are never blocked by the audit: a clerk must be able to download a draft to read it, show
it or finish it in Word. The page and the API say how many errors the audit found; submitting is
what is refused while errors remain.
"""

from __future__ import annotations

from nianbao.authoring.from_ledger import Built
from nianbao.render import render_bytes

KINDS: tuple[str, ...] = ("docx", "pdf", "html", "md")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


def render(built: Built, kind: str, *, draft: bool = False) -> bytes:
    """The report as `kind` (docx, pdf, html, md), whatever the audit found (see the module doc); `draft`: not
    submitted as it is, so the docx and pdf carry a "草稿" watermark on every page."""
    if kind not in KINDS:
        raise ValueError(f"不支持的下载格式：{kind}（可选 {'、'.join(KINDS)}）")
    return render_bytes(built.report, kind, draft=draft)
