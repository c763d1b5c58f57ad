"""The four tables of a dataset (Arrow schemas) and the reader version that stamps every report row.

The schemas are a contract shared with `nianbao.dataset.query` and `nianbao.dataset.pairing`: column names
and types do not change without both. Every column may hold nulls (Parquet files stay mergeable); the
columns that are never null in practice are ``report_id``, ``path``, ``kind``, ``status``, ``reader_version``.
"""

from __future__ import annotations

import pyarrow as pa

from nianbao.dataset.version import reader_version

__all__ = ["CELLS", "FINDINGS", "READER_VERSION", "REPORTS", "SCHEMAS", "SECTIONS", "TABLES", "reader_version"]

RENDITION = pa.struct([("path", pa.string()), ("sha256", pa.string()), ("kind", pa.string())])

REPORTS = pa.schema(
    [
        ("report_id", pa.string()),  # sha256 (hex) of the kept rendition's bytes
        ("path", pa.string()),
        ("kind", pa.string()),  # txt, md, html, docx, pdf, doc
        ("renditions", pa.list_(RENDITION)),  # every file of this report (the kept one first)
        ("agency", pa.string()),
        ("agency_key", pa.string()),  # nianbao.formats.names.agency_key(agency)
        ("region", pa.string()),  # from the sources' hints only
        ("year", pa.int32()),
        ("format", pa.string()),  # "2019" or "2021"
        ("published", pa.date32()),
        ("pages", pa.int32()),  # PDFs: pages with text
        ("status", pa.string()),  # "ok" or "failed"
        ("error", pa.string()),  # why it failed (Chinese)
        ("reader_version", pa.string()),
        ("errors", pa.int32()),
        ("warnings", pa.int32()),
        ("infos", pa.int32()),
        ("seconds", pa.float64()),  # reading and checking
        ("source_url", pa.string()),  # where the file was fetched from (the manifest's url, else page_url)
        ("fetched_at", pa.timestamp("s", tz="UTC")),  # when (the manifest's fetched_at)
    ]
)

CELLS = pa.schema(
    [
        ("report_id", pa.string()),
        ("year", pa.int32()),
        ("key", pa.string()),  # formats/cells.csv
        ("value", pa.float64()),
        ("blank", pa.bool_()),  # printed empty
        ("printed", pa.string()),  # the text as printed
        ("provenance", pa.string()),  # JSON: where it was printed (page, bbox, line, table, row, column) and how read
    ]
)

FINDINGS = pa.schema(
    [
        ("report_id", pa.string()),
        ("year", pa.int32()),
        ("rule", pa.string()),
        ("family", pa.string()),
        ("severity", pa.string()),  # error, warning, info
        ("status", pa.string()),  # failed, uncertain, not_assessable
        ("keys", pa.list_(pa.string())),
        ("message", pa.string()),
        ("fingerprint", pa.string()),
    ]
)

SECTIONS = pa.schema(
    [
        ("report_id", pa.string()),
        ("year", pa.int32()),
        ("number", pa.int8()),  # 1..6
        ("title", pa.string()),  # the heading as printed, without its numbering
        ("text", pa.string()),  # the narrative: the section's text without its tables' rows
    ]
)

SCHEMAS: dict[str, pa.Schema] = {"reports": REPORTS, "cells": CELLS, "findings": FINDINGS, "sections": SECTIONS}
TABLES: tuple[str, ...] = tuple(SCHEMAS)

READER_VERSION = reader_version()
