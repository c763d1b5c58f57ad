"""Normalised keys that identify one agency across years and renditions."""

from __future__ import annotations

import re
import unicodedata

# After NFKC, anything that is not a letter or a digit: whitespace, punctuation (P*, "_" included), symbols
# (S*), brackets of every width, and invisible format characters (a zero-width space pasted into a name).
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def agency_key(name: str) -> str:
    """`name` under NFKC with whitespace, punctuation (P*), symbols (S*) and brackets removed: its letters and
    digits only.

    「 某市 财政局 」, 某市（财政）局 and 某市财政局 give the same key; 财政局 and 某市财政局 do not (no
    substring guess), nor 某市人民政府 and 某市政府 (no synonyms).
    """
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", name))
