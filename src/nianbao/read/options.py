"""The reader's limits, in one frozen `ReadOptions` passed down through the stages.

Every bound the reader keeps, on its input and on its work, is a field here, with the default that the code
has always used; a reader never looks a limit up in a module global or in the environment. The defaults of the
shared stages are the constants of the module whose stage they bound (`document`, `fit`, `values`, where the
stage explains them); those of the input kinds are here, so that this module stays as light as they are heavy.

The environment is read only by `ReadOptions.from_env`, which the command line, the web app and the job workers
call when they build their options: ``NIANBAO_MAX_BYTES`` (largest file read) and ``NIANBAO_CONVERT_TIMEOUT``
(seconds LibreOffice may take to convert a .doc/.wps).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from nianbao.read.document import MAX_BLOCKS, MAX_ROW_CELLS, MAX_SPAN, MAX_TABLE_CELLS
from nianbao.read.fit import MAX_COUNT_DIGITS, MAX_RUN_DIGITS, MAX_SPLITS, SPLIT_BUDGET
from nianbao.read.values import MAX_DIGITS

__all__ = ["DEFAULT_OPTIONS", "ENV_CONVERT_TIMEOUT", "ENV_MAX_BYTES", "MAX_BYTES", "ReadOptions"]

#: Largest file read, in bytes; a larger one is refused from its size alone, before a byte of it is read.
MAX_BYTES = 50 * 1024 * 1024
ENV_MAX_BYTES = "NIANBAO_MAX_BYTES"
ENV_CONVERT_TIMEOUT = "NIANBAO_CONVERT_TIMEOUT"


@dataclass(frozen=True)
class ReadOptions:
    """The limits one reading keeps. ``ReadOptions()`` has the defaults; `from_env` adds the environment's."""

    #: Largest file read, in bytes.
    max_bytes: int = MAX_BYTES

    # ---- the document every input kind produces (`document`)
    #: Cells of one table row (no annual-report table has a longer row).
    max_row_cells: int = MAX_ROW_CELLS
    #: Lines and table rows of one document (a 300-page report has about 20,000).
    max_blocks: int = MAX_BLOCKS
    #: Table cells of one document, all its tables together, counted by the readers as they go.
    max_table_cells: int = MAX_TABLE_CELLS
    #: Widest column or row span read (`colspan`, `w:gridSpan`): larger or unreadable spans are clamped.
    max_span: int = MAX_SPAN

    # ---- html
    #: Deepest element nesting read: real pages stay under 100; lexbor's parse time grows with the square of it.
    max_html_depth: int = 500
    #: Tags of one page: a report's page has a few thousand, a portal's page with its menus a few tens of thousands.
    #: Counted before parsing (each tag costs time in every stage after), the count stops once past it.
    max_html_tags: int = 500_000

    # ---- docx (checked from the zip directory, before anything is unpacked)
    #: Bytes of XML and media a report's package may unpack to.
    max_docx_unpacked: int = 200 * 1024 * 1024
    #: Compression ratio of the package, and of word/document.xml alone (a report's parts compress far less).
    max_docx_ratio: int = 200
    #: Bytes of word/document.xml itself, which is parsed whole: a long report's is a few MB (media are apart).
    max_docx_document_xml: int = 20 * 1024 * 1024

    # ---- doc, wps
    #: Seconds LibreOffice may take to convert a .doc/.wps file to .docx.
    convert_timeout_s: int = 120

    # ---- pdf
    #: Pages of one PDF.
    max_pdf_pages: int = 300
    # Table detection costs more than linear time in the rules of a page, so it is bounded before it starts. A page
    # past one of these bounds has no table a report prints (a report's table page has a few hundred strokes, a few
    # dozen rules each way): its text is read as lines, as a page without rules is.
    #: Path segments of one page read for ruling strokes (a drawing or a map has more; a table page a few thousand).
    max_page_segments: int = 20_000
    #: Distinct rule positions per axis on one page, after snapping (a report's table page has a few dozen).
    max_page_rules: int = 100
    #: Pairs of the page's merged vertical and horizontal rules looked at for crossings (a report's page: ~1,000).
    max_page_crossings: int = 10_000
    #: Steps of the search for the cells of a page's grid; a real grid needs a few per crossing.
    max_grid_steps: int = 100_000
    #: Path segments read for table rules in one document; the pages after are read without table detection.
    max_doc_segments: int = 200_000

    # ---- fitting values to a row's cells (`fit`) and reading them (`values`)
    #: Most splits of one row's run-together digits that are scored.
    max_splits: int = MAX_SPLITS
    #: Longest digit run that is split into cells.
    max_run_digits: int = MAX_RUN_DIGITS
    #: Most digits of a count (件, 项) cut from a run; an amount (元, 万元) may have `max_digits`.
    max_count_digits: int = MAX_COUNT_DIGITS
    #: Splits scored in one document, all rows and label occurrences together.
    split_budget: int = SPLIT_BUDGET
    #: Most digits a cell's number may have; a longer number is not read.
    max_digits: int = MAX_DIGITS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: int) -> ReadOptions:
        """The defaults, with ``NIANBAO_MAX_BYTES`` and ``NIANBAO_CONVERT_TIMEOUT`` from `environ` (the process's
        environment when None) when they are set, then `overrides`. Read when called, never at import."""
        env = os.environ if environ is None else environ
        found: dict[str, int] = {}
        if env.get(ENV_MAX_BYTES):
            found["max_bytes"] = int(env[ENV_MAX_BYTES])
        if env.get(ENV_CONVERT_TIMEOUT):
            found["convert_timeout_s"] = int(env[ENV_CONVERT_TIMEOUT])
        return replace(DEFAULT_OPTIONS, **found, **overrides)


DEFAULT_OPTIONS = ReadOptions()
