"""The ledger's one vocabulary: the stored keys agree with the schema, words parse, labels come from one place."""

from __future__ import annotations

import pytest

from nianbao.ledger import vocabulary
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.vocabulary import (
    AppealResult,
    AppealRoute,
    ApplicantType,
    ApplicationStatus,
    Channel,
    EventKind,
    Outcome,
)
from nianbao.store import models


@pytest.mark.parametrize(
    ("words", "stored"),
    [
        (ApplicantType, models.APPLICANT_TYPES),
        (Channel, models.CHANNELS),
        (EventKind, models.EVENT_KINDS),
        (Outcome, models.OUTCOMES),
        (AppealRoute, models.APPEAL_ROUTES),
        (AppealResult, models.APPEAL_RESULTS),
        (ApplicationStatus, models.STATUSES),
    ],
)
def test_the_keys_are_the_schemas_in_order(words: type[vocabulary.Word], stored: tuple[str, ...]) -> None:
    """The store spells the keys for its CHECK constraints (it may not import the ledger): both must agree."""
    assert words.stored_keys() == stored
    assert all(w.label for w in words)


def test_a_member_is_its_stored_key() -> None:
    member: str = EventKind.EXTENSION  # as a str: the comparison is str equality
    assert member == "extension"
    assert EventKind("extension") is EventKind.EXTENSION
    assert f"{Channel.ONLINE}" == "online"
    assert Channel.ONLINE.key == "online"
    assert Channel.ONLINE.label == "网络"
    assert "电子邮件" in Channel.ONLINE.aliases


@pytest.mark.parametrize(
    ("words", "text", "key"),
    [
        (ApplicantType, " 自然人 ", "natural_person"),
        (ApplicantType, "社会组织", "nonprofit"),
        (ApplicantType, "other_org", "other_org"),
        (Channel, "快递", "post"),
        (Channel, "其他", "other"),
        (EventKind, "补正", "correction_requested"),
        (EventKind, "答复送达", "answered"),
        (AppealRoute, "复议", "review"),
        (AppealResult, "其他", "other"),
        (AppealResult, "尚未审结", "pending"),
        (Outcome, "applications.unavailable.not_held", "unavailable.not_held"),
        (Outcome, "granted", "granted"),
    ],
)
def test_parse_takes_the_key_the_label_or_an_alias(words: type[vocabulary.Word], text: str, key: str) -> None:
    assert words.parse(text).value == key


def test_unknown_words_are_refused_naming_the_choices() -> None:
    with pytest.raises(LedgerError, match=r"^申请渠道“飞鸽”无法识别，应为：当面（in_person）、邮寄（post）、"):
        vocabulary.channel("飞鸽")
    with pytest.raises(LedgerError, match=r"^办理结果“同意了”不是表三的办理结果行，无法识别；应为其中之一：予以公开、"):
        vocabulary.outcome("同意了")  # the printed rows and their variants are taken (test_ledger_outcome_labels.py)
    with pytest.raises(LedgerError, match="不能直接登记"):
        vocabulary.event_kind("办结")


def test_outcome_labels_come_from_the_format() -> None:
    assert Outcome.GRANTED.label == "予以公开"
    assert Outcome.label_of("withheld.state_secret") == "不予公开：属于国家秘密"
    assert Outcome.label_of(None) == ""
    assert list(Outcome.labels()) == list(models.OUTCOMES)
    groups = dict(vocabulary.outcome_choices())
    assert ("withheld.state_secret", "1.属于国家秘密") in groups["（三）不予公开"]
    assert vocabulary.outcome_row_label("granted") == "三、本年度办理结果（一）予以公开"
