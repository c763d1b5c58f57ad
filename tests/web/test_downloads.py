"""One Content-Disposition for every download (`web/core/downloads.py`)."""

from __future__ import annotations

from nianbao.web.core.downloads import attachment


def test_the_name_in_utf8_and_an_ascii_fallback() -> None:
    assert attachment("001_3976189c068de9c9.核查结果.html") == (
        'attachment; filename="001_3976189c068de9c9._.html"; '
        "filename*=UTF-8''001_3976189c068de9c9.%E6%A0%B8%E6%9F%A5%E7%BB%93%E6%9E%9C.html"
    )
    assert attachment("年报.txt") == "attachment; filename=\".txt\"; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.txt"
    assert attachment("审计局") == "attachment; filename=\"download\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E5%B1%80"


def test_a_given_fallback() -> None:
    assert attachment("某局台账.csv", fallback="ledger-7.csv") == (
        "attachment; filename=\"ledger-7.csv\"; filename*=UTF-8''%E6%9F%90%E5%B1%80%E5%8F%B0%E8%B4%A6.csv"
    )
    assert attachment("某局 2025 年报.docx", fallback="report.docx").startswith(
        "attachment; filename=\"report.docx\"; filename*=UTF-8''%E6%9F%90%E5%B1%80%202025%20"
    )


def test_nothing_unsafe_reaches_the_header() -> None:
    header = attachment('a"b/c\\d\r\n.txt')
    assert header == "attachment; filename=\"a_b_c_d_.txt\"; filename*=UTF-8''a%22b%2Fc%5Cd%0D%0A.txt"
