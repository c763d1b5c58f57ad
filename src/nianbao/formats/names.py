"""Agency names as they are compared: one key for every spelling of the same name.

Every comparison of two agency names goes through `agency_key`: the dataset's cross-year pairing (an exact
join on the key), the roll-up's expected list (`corpus.same_agency`), and the web app's matching of a
printed name to an agency of the jurisdiction. Which containment each of those then allows is their own rule.
"""

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
