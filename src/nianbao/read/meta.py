"""The stage `meta` (see `stages`), metadata as printed: the agency and report year from the title, the
publication or signature date."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from nianbao.formats.text import normalize

_TITLE = re.compile(
    r"(?P<pre>[^\n]*?)(?P<year>(?:19|20)\d{2}|[二〇零一九]{4})\s*年\s*度?\s*(?P<mid>[^\n]*?)\s*"
    r"(?:政府信息公开|政务公开|信息公开|政府信息|公开工作)"
)
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[二〇零○一九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_ISO = re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_PERIOD = re.compile(r"统计期限[^。]{0,6}?(?P<y>(?:19|20)\d{2})\s*年")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NOISE = re.compile(r"^[#\s*>]+|[\s*#]+$")
_AGENCY_TRIM = re.compile(r"^(?:关于|标题\s*[:：])|(?:关于)$")


@dataclass
class Meta:
    title: str | None
    agency: str | None
    year: int | None
    date: dt.date | None


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):  # a year digit by digit: 二〇二四
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = 0
    if "十" in text:
        tens, _, units = text.partition("十")
        total = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
        return total
    return _CN_DIGITS.get(text, 0)


def _date(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(_cn_number(m.group("y")), _cn_number(m.group("m")), _cn_number(m.group("d")))
    except ValueError:
        return None


def _clean(text: str) -> str:
    return _NOISE.sub("", normalize(text)).strip()


#: A title is short; longer lines (a table row run together) are cut before any regular expression sees them.
TITLE_CHARS = 200


def title_candidates(lines: list[str], title: str | None) -> list[str]:
    out = [title[:TITLE_CHARS]] if title else []
    heads = [_clean(x[:TITLE_CHARS]) for x in lines[:12] if _clean(x[:TITLE_CHARS])]
    for i in range(min(6, len(heads))):
        out.append(heads[i])
        if i + 1 < len(heads):
            out.append(heads[i] + heads[i + 1])
    return out


def read_meta(lines: list[str], title: str | None, published: str | None) -> Meta:
    found_title: str | None = None
    agency: str | None = None
    year: int | None = None
    for cand in title_candidates(lines, title):
        m = _TITLE.search(cand.replace(" ", ""))
        if not m:
            continue
        y = _cn_number(m.group("year"))
        if not 2000 <= y <= 2100:
            continue
        name = _AGENCY_TRIM.sub("", m.group("pre")).strip(" ：:_-—") or m.group("mid").strip(" ：:_-—")
        name = name.split("_")[0].strip()
        found_title = found_title or cand
        year = year or y
        if name and not agency and len(name) <= 40:
            agency = name
        if agency and year:
            break
    body = "\n".join(lines)
    if year is None:
        m = _PERIOD.search(body)
        if m:
            year = int(m.group("y"))
        else:
            years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", body))
            year = years.most_common(1)[0][0] if years else None
    return Meta(found_title, agency, year, _signature_date(lines, published))


def _signature_date(lines: list[str], published: str | None) -> dt.date | None:
    tail = [ln for ln in lines[-12:] if ln.strip()]
    for line in reversed(tail):
        m = _DATE.search(normalize(line)) if len(line.strip()) <= 30 else None
        if m:
            return _date(m)
    for line in lines[:12]:  # a dated line under the title: （2026年1月23日）
        m = _DATE.search(normalize(line)) if len(line.strip()) <= 20 else None
        if m:
            return _date(m)
    if published:
        m = _ISO.search(published) or _DATE.search(published)
        if m:
            return _date(m)
    return None
