"""The stage `meta` (see `stages`), metadata as printed: the agency and report year from the title, the
publication or signature date.

The agency is taken, in this order, from the title line (never from a page heading such as “正文” or a site
banner before it), from a `发布机构:` field, from the closing signature (落款: the body named on the last lines,
before the date). When two of them name different bodies the first is kept and the disagreement is a
`Problem` ("meta.agencies"; the audit's S407).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from nianbao.formats.text import normalize
from nianbao.report import Problem

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
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # where the agency was printed -> the name printed there


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


def read_meta(lines: list[str], title: str | None, published: str | None, publisher: str | None = None) -> Meta:
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
        if _NOT_AGENCY.search(name):
            name = ""  # a page heading or a site banner run into the title, not the agency
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
    meta = Meta(found_title, agency, year, _signature_date(lines, published))
    _agency_from_sources(meta, lines, publisher)
    return meta


#: Words of a page heading or site banner, never of an agency's name.
_NOT_AGENCY = re.compile(r"正文|网站|门户|首页|当前位置|频道|专栏|栏目|打印|字号|浏览|来源")
#: How the name of a body ends (a signature line must end so to be taken for one).
_BODY_END = re.compile(
    r"(?:局|委|办|办公室|院|府|厅|会|部|署|中心|所|站|队|处|馆|街道|街道办事处|镇|乡|区|县|市|省|管委会|公司)$"
)
_FIELD = re.compile(r"^\s*发布机构\s*[:：]\s*(?P<name>\S.*?)\s*$")
_CHINESE_SOURCE = {"title": "标题", "field": "发布机构", "signature": "落款"}


def _agency_from_sources(meta: Meta, lines: list[str], publisher: str | None) -> None:
    """The agency in the stated order (title, 发布机构, signature); a Problem when two of them disagree."""
    field_name = publisher
    if not field_name:
        found = (_FIELD.match(normalize(x)) for x in lines[:12])
        field_name = next((m.group("name") for m in found if m), None)
    named = {"title": meta.agency, "field": _as_agency(field_name), "signature": _signature_agency(lines)}
    meta.sources = {k: v for k, v in named.items() if v}
    if meta.agency is None:
        meta.agency = named["field"] or named["signature"]
    names = list(meta.sources.items())
    for i, (where, name) in enumerate(names):
        for other, other_name in names[i + 1 :]:
            if name not in other_name and other_name not in name:
                meta.problems.append(
                    Problem(
                        "meta.agencies",
                        f"发布机关不一致：{_CHINESE_SOURCE[where]}为“{name}”，{_CHINESE_SOURCE[other]}为“{other_name}”"
                        f"（取“{meta.agency}”）",
                    )
                )
                return


def _as_agency(name: str | None) -> str | None:
    name = _clean(name or "")
    if not name or len(name) > 40 or _NOT_AGENCY.search(name) or not _BODY_END.search(name):
        return None
    return name


def _signature_agency(lines: list[str]) -> str | None:
    """The body named in the closing signature: the short line before the date, or the text before the date on
    its line."""
    tail = [normalize(ln).strip() for ln in lines[-12:] if ln.strip()]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        m = _DATE.search(line)
        if m is None:
            continue
        before = line[: m.start()].split()
        if before and len(before[-1]) <= 40:
            return _as_agency(before[-1])
        if i > 0 and len(tail[i - 1]) <= 40 and "。" not in tail[i - 1]:
            return _as_agency(tail[i - 1])
        return None
    return None


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
