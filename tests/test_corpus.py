"""Every report of the repository's corpus, read and checked cell by cell against its truth file."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao
from tests.conftest import CORPUS, corpus_reports, differing, expected_cells, load_truth

REPORTS = corpus_reports()


def test_corpus_is_found() -> None:
    assert len(REPORTS) >= 16, f"expected the repository's corpus under {CORPUS}"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_report_reads_as_printed(path: Path) -> None:
    truth = load_truth(path)
    report = nianbao.read(path)
    got = report.to_exchange()
    assert got["format"] == truth["format"]
    assert got["year"] == truth["year"]
    assert got["agency"], "no agency read"
    assert got["agency"] in truth["agency"] or truth["agency"] in got["agency"], got["agency"]
    diff = differing(got["cells"], expected_cells(truth))
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize("path", [p for p in REPORTS if p.suffix == ".pdf"], ids=lambda p: p.name)
def test_pdf_is_read_from_the_pdf_itself(path: Path) -> None:
    report = nianbao.read(path)
    assert report.kind == "pdf"
    located = [c.location for c in report.cells.values() if c.value is not None]
    assert located
    assert all(loc is not None and loc.page is not None and loc.bbox is not None for loc in located)
