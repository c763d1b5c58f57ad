"""The official formats as data: cells, printed rows, labels, identities, sections."""

from nianbao.formats.model import (
    FORMAT_NAMES,
    TABLES,
    CellSpec,
    Format,
    Identity,
    RowSpec,
    SectionSpec,
    format_for_year,
    formats,
    get_format,
    sections,
)

__all__ = [
    "FORMAT_NAMES",
    "TABLES",
    "CellSpec",
    "Format",
    "Identity",
    "RowSpec",
    "SectionSpec",
    "format_for_year",
    "formats",
    "get_format",
    "sections",
]
