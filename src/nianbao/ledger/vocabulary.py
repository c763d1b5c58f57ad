"""The ledger's words: one enum per word set, each member with its stored key, its Chinese label and aliases.

The member's value is the key stored in the database (English, frozen with migration 0001: a stored value
never changes meaning); `Word.label` is how it is printed, `Word.aliases` the other Chinese words a person
may type for it. `Word.parse` is the one lookup of typed text (the CLI, the web's forms and API, the
import of a CSV/XLSX): a key, a label or an alias, written with any width, spacing or punctuation
(`word_forms.normalize`), else a `LedgerError` listing the choices — or, for a word that names several
(不予公开 alone), the ones it might be. The outcome rows are the rows of table 三: their labels are read from
the official 2021 format (`nianbao.formats`, cells.csv / layout.toml), not spelled out here; their common
variants are in `word_forms`.

`nianbao.store.models` spells the same keys for its CHECK constraints (the store sits below the ledger and
may not import it); a test checks that both agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import StrEnum
from functools import cache
from typing import ClassVar, Self, cast

from nianbao.formats import get_format
from nianbao.ledger import word_forms
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.word_forms import normalize

#: Each word set's normalized forms (`Word._forms`), built on first use.
_FORMS: dict[type[Word], dict[str, tuple[Word, ...]]] = {}


class Word(StrEnum):
    """A word of one of the ledger's vocabularies; the member is equal to its stored key."""

    _value_: str
    _label: str
    aliases: tuple[str, ...]
    #: What the word set is called in messages (申请人类型, 申请渠道, …).
    what: ClassVar[str]

    def __init_subclass__(cls, *, what: str = "", **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.what = what

    def __new__(cls, key: str, label: str = "", *aliases: str) -> Self:
        word = str.__new__(cls, key)
        word._value_ = key
        word._label = label
        word.aliases = aliases
        return word

    @property
    def key(self) -> str:
        """The key stored in the database."""
        return self.value

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def stored_keys(cls) -> tuple[str, ...]:
        """Every stored key, in order."""
        return tuple(w.value for w in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Key → label, in order."""
        return {w.value: w.label for w in cls}

    @classmethod
    def label_of(cls, key: str | None) -> str:
        """The label of a stored key ("" for none; an unknown key as it is)."""
        if not key:
            return ""
        return cls.labels().get(key, key)

    @classmethod
    def _typed(cls) -> dict[str, Self]:
        """The words besides the keys that `parse` accepts: labels, then aliases (an alias wins)."""
        return {w.label: w for w in cls} | {alias: w for w in cls for alias in w.aliases}

    @classmethod
    def _refusal(cls, text: str) -> str:
        choices = "、".join(f"{w.label}（{w.value}）" for w in cls)
        return f"{cls.what}“{text}”无法识别，应为：{choices}"

    @classmethod
    def _spellings(cls) -> Iterator[tuple[str, Self]]:
        """Every spelling `parse` compares by its normalized form: keys, labels, aliases (and variants)."""
        for w in cls:
            for text in (w.value, w.label, *w.aliases):
                yield text, w

    @classmethod
    def _forms(cls) -> dict[str, tuple[Self, ...]]:
        """Normalized form → the words it may mean (more than one: ambiguous), in the words' order."""
        cached = _FORMS.get(cls)
        if cached is None:
            found: dict[str, list[Word]] = {}
            for text, w in cls._spellings():
                form = normalize(text)
                if form and w not in found.setdefault(form, []):
                    found[form].append(w)
            order: list[Word] = list(cls)
            cached = _FORMS[cls] = {f: tuple(sorted(ws, key=order.index)) for f, ws in found.items()}
        return cast(dict[str, tuple[Self, ...]], cached)

    @classmethod
    def _ambiguous(cls, text: str, words: tuple[Self, ...]) -> str:
        choices = "、".join(f"“{w.label}”" for w in words)
        return f"{cls.what}“{text}”不明确，可能是：{choices}；请写明是其中哪一项"

    @classmethod
    def parse(cls, text: str) -> Self:
        """The word `text` names: its key, its label or an alias, in any width, spacing or punctuation."""
        value = text.strip()
        for word in cls:
            if word.value == value:
                return word
        found = cls._typed().get(value)
        if found is not None:
            return found
        words = cls._forms().get(normalize(value), ())
        if len(words) == 1:
            return words[0]
        if words:
            raise LedgerError(cls._ambiguous(text, words))
        raise LedgerError(cls._refusal(text))


class ApplicantType(Word, what="申请人类型"):
    """The six applicant columns of table 三, in printed order."""

    NATURAL_PERSON = "natural_person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    NONPROFIT = "nonprofit", "社会公益组织", "社会组织"
    LEGAL_SERVICES = "legal_services", "法律服务机构"
    OTHER_ORG = "other_org", "其他", "其他组织"

    @classmethod
    def _spellings(cls) -> Iterator[tuple[str, Self]]:
        """Also the column under its printed group (法人或其他组织 商业企业) and common variants (个人, 律所)."""
        for text, w in super()._spellings():
            yield text, w
            if w is not cls.NATURAL_PERSON:
                yield word_forms.LEGAL_PERSON_GROUP + text, w
        for w in cls:
            for variant in word_forms.APPLICANT_VARIANTS.get(w.value, ()):
                yield variant, w


class Channel(Word, what="申请渠道"):
    """How an application arrived (art. 31 fixes the receipt date from it)."""

    IN_PERSON = "in_person", "当面", "当面提交"
    POST = "post", "邮寄", "挂号信", "快递"
    LETTER = "letter", "平信", "信函"
    ONLINE = "online", "网络", "互联网", "网上", "电子邮件", "邮箱"
    FAX = "fax", "传真"
    OTHER = "other", "其他"


class EventKind(Word, what="事件类型"):
    """What can happen to a case; every figure of the tables is traceable to these rows."""

    REGISTERED = "registered", "登记收到申请"  # art. 31 receipt date
    CORRECTION_REQUESTED = "correction_requested", "发出补正通知", "补正通知", "补正"  # art. 30
    CORRECTION_RECEIVED = "correction_received", "收到补正", "补正答复"  # the count restarts
    EXTENSION = "extension", "延期"  # art. 33, approved by the head of the 政府信息公开工作机构
    CONSULTATION_OPENED = "consultation_opened", "征求意见", "征求意见开始"  # arts. 32, 34: not counted
    CONSULTATION_CLOSED = "consultation_closed", "征求意见结束"
    FEE_NOTICE = "fee_notice", "发出收费通知", "收费通知"  # 国办函〔2020〕109号
    FEE_PAID = "fee_paid", "缴费"  # or the payment period ended
    ANSWERED = "answered", "答复送达", "答复"
    CLOSED = "closed", "办结"  # with the outcome row
    DEADLINE_RECOMPUTED = "deadline_recomputed", "答复期限重新计算"  # recorded by the system (calendar update)


#: Kinds the system records by itself (not a handling step; a case's closing date does not follow them).
SYSTEM_KINDS: tuple[str, ...] = (EventKind.DEADLINE_RECOMPUTED.value,)
#: The kinds a person records with `add_event` (``registered`` and ``closed`` have their own functions).
RECORDABLE: tuple[str, ...] = tuple(
    k.value
    for k in (
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.EXTENSION,
        EventKind.CONSULTATION_OPENED,
        EventKind.CONSULTATION_CLOSED,
        EventKind.FEE_NOTICE,
        EventKind.FEE_PAID,
        EventKind.ANSWERED,
    )
)


class ApplicationStatus(Word, what="办理状态"):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已办结"


class Outcome(Word, what="办理结果"):
    """The outcome rows of table 三 in the 2021 format: the key part between ``applications.`` and the column.

    A label is the row's short label as the format prints it (``不予公开：属于国家秘密``); `parse` takes the
    key (also with the ``applications.`` prefix of the exchange keys), the row as printed with or without its
    group (``（三）不予公开 1.属于国家秘密``, ``不予公开-国家秘密``, ``属于国家秘密``) and the common variants of
    `word_forms.OUTCOME_VARIANTS` (全部公开, 部分公开（区分处理）, 政府信息不存在, 逾期不补正 …). A group alone
    (不予公开) is refused as ambiguous, naming its rows.
    """

    GRANTED = "granted"
    PARTIALLY_GRANTED = "partially_granted"
    STATE_SECRET = "withheld.state_secret"
    PROHIBITED_BY_LAW = "withheld.prohibited_by_law"
    ENDANGERS_SAFETY_STABILITY = "withheld.endangers_safety_stability"
    THIRD_PARTY_RIGHTS = "withheld.third_party_rights"
    INTERNAL_AFFAIRS = "withheld.internal_affairs"
    DELIBERATIVE_PROCESS = "withheld.deliberative_process"
    ENFORCEMENT_CASE_FILE = "withheld.enforcement_case_file"
    ADMINISTRATIVE_INQUIRY = "withheld.administrative_inquiry"
    NOT_HELD = "unavailable.not_held"
    REQUIRES_CREATION = "unavailable.requires_creation"
    STILL_UNCLEAR = "unavailable.still_unclear"
    COMPLAINT_PETITION = "not_processed.complaint_petition"
    REPEATED = "not_processed.repeated"
    PUBLICATION_REQUESTED = "not_processed.publication_requested"
    EXCESSIVE_REQUESTS = "not_processed.excessive_requests"
    RECONFIRMATION = "not_processed.reconfirmation"
    NO_CORRECTION = "other_handling.no_correction"
    FEE_UNPAID = "other_handling.fee_unpaid"
    OTHER = "other_handling.other"

    @property
    def label(self) -> str:
        return outcome_labels().get(self.value, self.value)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return dict(outcome_labels())

    @classmethod
    def _typed(cls) -> dict[str, Self]:
        return {f"applications.{w.value}": w for w in cls}

    @classmethod
    def _spellings(cls) -> Iterator[tuple[str, Self]]:
        for key, group, printed, short in outcome_rows():
            w = cls(key)
            row = short.split("：", 1)[-1]  # the row without its group
            rows = (row, row.removeprefix("属于"), *word_forms.OUTCOME_VARIANTS.get(key, ()))
            yield from ((text, w) for text in (key, f"applications.{key}", printed, short, *rows))
            if group:
                for name in word_forms.OUTCOME_GROUPS[key.split(".", 1)[0]]:
                    yield name, w  # the group alone: each of its rows, so ambiguous
                    yield from ((name + text, w) for text in rows)
        for word, group in word_forms.AMBIGUOUS_OUTCOMES.items():
            yield from ((word, w) for w in cls if w.value.startswith(f"{group}."))

    @classmethod
    def _refusal(cls, text: str) -> str:
        labels = "、".join(w.label for w in cls)
        return (
            f"{cls.what}“{text}”不是表三的办理结果行，无法识别；应为其中之一：{labels}"
            f"（也可写印在表中的行名，如“不予公开-属于国家秘密”，或英文键，如 {cls.GRANTED.value}）"
        )


class AppealRoute(Word, what="复议诉讼类别"):
    """Table 四: the three groups of 复议/诉讼 cases."""

    REVIEW = "review", "行政复议", "复议"
    LITIGATION_DIRECT = "litigation_direct", "未经复议直接起诉", "直接起诉"
    LITIGATION_AFTER_REVIEW = "litigation_after_review", "复议后起诉", "复议后诉讼"


class AppealResult(Word, what="复议诉讼结果"):
    """Table 四: the results of a 复议/诉讼 case."""

    UPHELD = "upheld", "结果维持", "维持"
    CORRECTED = "corrected", "结果纠正", "纠正"
    OTHER = "other", "其他结果", "其他"
    PENDING = "pending", "尚未审结", "未审结"


# --------------------------------------------------------------------------------------------
# The parsers of typed words: keys as stored
# --------------------------------------------------------------------------------------------


def applicant_type(text: str) -> str:
    """`natural_person` … `other_org` from a key or its label (自然人, 商业企业, …)."""
    return ApplicantType.parse(text).value


def channel(text: str) -> str:
    return Channel.parse(text).value


def event_kind(text: str) -> str:
    """A kind a person records (`RECORDABLE`)."""
    kind = EventKind.parse(text).value
    if kind not in RECORDABLE:
        raise LedgerError(f"事件类型“{text}”不能直接登记：登记申请用 add，办结用 close")
    return kind


def outcome(text: str) -> str:
    """An outcome row key of table 三 (`granted`, `withheld.third_party_rights`, …)."""
    return Outcome.parse(text).value


def appeal_route(text: str) -> str:
    return AppealRoute.parse(text).value


def appeal_result(text: str) -> str:
    return AppealResult.parse(text).value


def parse_date(text: str, what: str = "日期") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise LedgerError(f"{what}“{text}”无效，应为 YYYY-MM-DD") from None


# --------------------------------------------------------------------------------------------
# The outcome rows as the official format prints them
# --------------------------------------------------------------------------------------------

_ORDINAL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_PAREN = re.compile(r"（[^）]*）$")


@cache
def outcome_rows() -> tuple[tuple[str, str, str, str], ...]:
    """(key, group, printed row label, short label) of every outcome row of table 三, in printed order.

    ``group`` is the printed group (``（三）不予公开``) or "" for a row of its own; the printed label is
    what the official table shows (``（三）不予公开 1.属于国家秘密``); the short label fits a list column
    (``不予公开：属于国家秘密``).
    """
    keys = {w.value for w in Outcome}
    out = []
    for row in get_format("2021").rows_of("三"):
        key = row.key.removeprefix("applications.")
        if key not in keys:
            continue
        if row.group:
            printed = f"{row.group} {row.label}"
            short = f"{_ORDINAL.sub('', row.group)}：{row.text}"
        else:
            printed = row.label
            short = _PAREN.sub("", row.text)
        out.append((key, row.group, printed, short))
    return tuple(out)


@cache
def outcome_labels() -> dict[str, str]:
    """Outcome key → short label."""
    return {key: short for key, _, _, short in outcome_rows()}


@cache
def outcome_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """For a <select>: (group or "", ((key, printed label), …)), consecutive rows of a group together."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for key, group, printed, _ in outcome_rows():
        label = printed.removeprefix(group).strip() if group else printed
        if groups and group and groups[-1][0] == group:
            groups[-1][1].append((key, label))
        else:
            groups.append((group, [(key, label)]))
    return tuple((g, tuple(items)) for g, items in groups)


def outcome_row_label(key: str | None) -> str:
    """An outcome row as the format's cells name it (``三、本年度办理结果（一）予以公开``), as the CLI prints it."""
    if key is None:
        return ""
    spec = get_format("2021").cells.get(f"applications.{key}.total")
    return spec.row_label if spec else key
