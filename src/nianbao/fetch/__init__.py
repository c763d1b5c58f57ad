"""`nianbao fetch`: report pages and their attachments from the web into a folder and a manifest.

`targets` (URLs and list files with hints), `client` (the polite HTTP client: timeouts, retries, per-host
interval, concurrency cap, robots.txt, size limit), `encoding` (a page's charset), `links` (a page's report
attachments), `store` (the folder's layout, the manifest the dataset build reads, failures, resuming) and `run`
(`fetch_all`, the run over a thread pool).

A layer of its own: it imports the reader's suffix table (`nianbao.read.inputs.KINDS`) and nothing above; the
dataset reads the manifest it writes (`nianbao.dataset.sources`) without importing it. httpx is imported here:
install the ``fetch`` extra.
"""

from __future__ import annotations

from nianbao.fetch.client import Fetcher, FetchError, FetchSettings, user_agent
from nianbao.fetch.run import FetchProgress, FetchSummary, fetch_all
from nianbao.fetch.store import Failure, FetchStore, StoreError
from nianbao.fetch.targets import Target, TargetError, read_list, targets

__all__ = [
    "Failure",
    "FetchError",
    "FetchProgress",
    "FetchSettings",
    "FetchStore",
    "FetchSummary",
    "Fetcher",
    "StoreError",
    "Target",
    "TargetError",
    "fetch_all",
    "read_list",
    "targets",
    "user_agent",
]
