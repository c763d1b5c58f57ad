"""Reading a published report: file → Document → tables, cells, metadata and sections → Report.

`read(path)` is the whole pipeline; `read_in_stages(path)` the same, keeping what each stage found (a `Reading`).
The stages are named, in order, in `stages.STAGES`. Each input kind has its own module under `inputs` producing
the common Document; everything after that is shared and knows nothing about the input kind. Every limit the
reader keeps is a field of `ReadOptions` (`options`), passed down through the stages.
"""

from __future__ import annotations

from nianbao.read.errors import NotAReport, ReadError
from nianbao.read.options import MAX_BYTES, ReadOptions
from nianbao.read.stages import STAGES, Reading, read, read_document, read_in_stages, report_from_document

__all__ = [
    "MAX_BYTES",
    "STAGES",
    "NotAReport",
    "ReadError",
    "ReadOptions",
    "Reading",
    "read",
    "read_document",
    "read_in_stages",
    "report_from_document",
]
