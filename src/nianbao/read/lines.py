"""A source document's numbered lines, as `Location.line` counts them, to quote what a finding points at.

`Location.line` counts the lines of the *source* document (a text file's lines, an html or docx file's
paragraphs), not the lines of `Report.text`: `source_lines(path)` reads them back from the file,
`document_lines(doc)` takes them from a Document already read. The check page (`nianbao.render`)
quotes them; the job workers and the web app keep them with the report they read.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nianbao.read.document import Document


def source_lines(path: str | os.PathLike[str]) -> dict[int, str]:
    """The numbered lines of a report file as its `Location.line` counts them (none for a PDF).

    A table row printed on one line of a text file comes back as its cells joined by tabs, as written.
    """
    from nianbao.read import read_document

    return document_lines(read_document(path))


def document_lines(doc: Document) -> dict[int, str]:
    """The numbered lines of a Document already read, as `source_lines` gives them."""
    out: dict[int, str] = {}
    for block in doc.blocks:
        on_line: dict[int, list[str]] = {}
        for text, loc in zip(block.cells, block.locations, strict=True):
            if loc.line is not None:
                on_line.setdefault(loc.line, []).append(text)
        for number, texts in on_line.items():
            out.setdefault(number, "\t".join(texts))
    return out
