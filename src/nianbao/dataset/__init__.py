"""A Parquet dataset of many reports: `nianbao dataset build SRC... -o OUT`.

Layout of OUT (Parquet, hive-partitioned by report year; the ``year`` column is also in every file)::

    OUT/reports/year=2024/part-<run>-<n>.parquet    one row per report (or failed file), see `schema`
    OUT/cells/year=2024/…                           one row per cell of a report
    OUT/findings/year=2024/…                        one row per audit finding
    OUT/sections/year=2024/…                        one row per section (its narrative text)
    OUT/<table>/year=unknown/…                      reports whose year is not known

Modules: `sources` (the files a build reads), `rows` (one file → its rows, run in worker processes),
`schema` (the tables and the reader version), `writer` (streaming Parquet), `build` (the run: local pool or
Dask), `cli` (the ``nianbao dataset`` commands), `keys` (normalised agency names).

This package's ``__init__`` imports nothing: worker processes import `rows` (readers and audit only).
"""
