"""The outcome and applicant-type words as clerks write them: the printed Chinese labels of the 2021 format,
with or without their group, in any width or punctuation, and the common variants; ambiguous or unknown
ones are refused with the row and the accepted values. One parser (`vocabulary.outcome`) for the CLI, the
web and the import."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook

from nianbao.ledger import cases, csvio, vocabulary
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.vocabulary import ApplicantType, Outcome
from nianbao.ledger.word_forms import OUTCOME_GROUPS, normalize

if TYPE_CHECKING:
    from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("予以公开", "granted"),
        ("（一）予以公开", "granted"),
        ("全部公开", "granted"),
        ("同意公开", "granted"),
        ("ＧＲＡＮＴＥＤ", "granted"),
        ("applications.granted", "granted"),
        ("部分公开", "partially_granted"),
        ("部分公开（区分处理）", "partially_granted"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
        ("不予公开：属于国家秘密", "withheld.state_secret"),
        ("（三）不予公开 1.属于国家秘密", "withheld.state_secret"),
        ("不予公开-国家秘密", "withheld.state_secret"),
        ("不予公开 — 属于国家秘密", "withheld.state_secret"),
        ("属于国家秘密", "withheld.state_secret"),
        ("不公开：商业秘密", "withheld.third_party_rights"),
        ("危及“三安全一稳定”", "withheld.endangers_safety_stability"),
        ("不予公开（危及三安全一稳定）", "withheld"),  # the remark is dropped: the group alone
        ("过程性信息", "withheld.deliberative_process"),
        ("本机关不掌握相关政府信息", "unavailable.not_held"),
        ("（四）无法提供 1.本机关不掌握相关政府信息", "unavailable.not_held"),
        ("政府信息不存在", "unavailable.not_held"),
        ("无法提供-没有现成信息需要另行制作", "unavailable.requires_creation"),
        ("不予处理： 重复申请", "not_processed.repeated"),
        ("信访举报投诉类申请", "not_processed.complaint_petition"),
        ("逾期不补正", "other_handling.no_correction"),
        (
            "其他处理：申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "other_handling.fee_unpaid",
        ),
        ("其他处理 3.其他", "other_handling.other"),
        ("其他处理-其他", "other_handling.other"),
    ],
)
def test_printed_labels_and_variants_name_one_row(text: str, key: str) -> None:
    if key in OUTCOME_GROUPS:  # a group alone names several rows
        with pytest.raises(LedgerError, match="不明确"):
            vocabulary.outcome(text)
    else:
        assert vocabulary.outcome(text) == key


def test_every_printed_row_and_short_label_parses_to_itself() -> None:
    for key, group, printed, short in vocabulary.outcome_rows():
        assert vocabulary.outcome(printed) == key
        assert vocabulary.outcome(short) == key
        row = short.split("：", 1)[-1]
        if row != "其他":  # 其他 alone may be the group 其他处理: ambiguous
            assert vocabulary.outcome(row) == key
        if group:
            assert vocabulary.outcome(f"{group}-{row}") == key


def test_a_group_alone_is_ambiguous_and_names_its_rows() -> None:
    with pytest.raises(LedgerError) as refused:
        vocabulary.outcome("不予公开")
    message = str(refused.value)
    assert message.startswith("办理结果“不予公开”不明确，可能是：“不予公开：属于国家秘密”、")
    assert message.count("“不予公开：") == 8
    assert message.endswith("请写明是其中哪一项")
    for word, rows in (("无法提供", 3), ("不予处理", 5), ("其他处理", 3), ("其他", 3)):
        with pytest.raises(LedgerError, match=f"^办理结果“{word}”不明确") as refused:
            vocabulary.outcome(word)
        assert str(refused.value).count("”、“") == rows - 1


def test_no_written_form_is_ambiguous_but_a_group_name() -> None:
    """Every normalized form names one row, except a group's name (and 其他), which names all its rows."""
    groups = {normalize(name) for names in OUTCOME_GROUPS.values() for name in names} | {"其他"}
    ambiguous = {form for form, words in Outcome._forms().items() if len(words) > 1}
    assert ambiguous == groups
    for form in ambiguous - {"其他"}:
        (prefixes,) = {w.value.split(".", 1)[0] for w in Outcome._forms()[form]}
        assert len(Outcome._forms()[form]) == sum(1 for w in Outcome if w.value.startswith(f"{prefixes}."))


def test_an_unknown_outcome_lists_the_accepted_values() -> None:
    with pytest.raises(LedgerError) as refused:
        vocabulary.outcome("同意了")
    message = str(refused.value)
    assert message.startswith(
        "办理结果“同意了”不是表三的办理结果行，无法识别；应为其中之一：予以公开、部分公开、不予公开：属于国家秘密、"
    )
    assert all(w.label in message for w in Outcome)
    assert "granted" in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("自然人", "natural_person"),
        ("个人", "natural_person"),
        ("法人或其他组织 商业企业", "commercial"),
        ("法人或其他组织-法律服务机构", "legal_services"),
        ("律所", "legal_services"),
        ("社会组织", "nonprofit"),
        ("其他组织", "other_org"),
        ("科 研 机 构", "research"),
    ],
)
def test_applicant_types_as_printed_in_the_column_heads(text: str, key: str) -> None:
    assert vocabulary.applicant_type(text) == key
    assert ApplicantType.parse(text).value == key


def test_normalize_ignores_width_space_punctuation_ordinals_and_remarks() -> None:
    forms = {normalize(t) for t in ("（三）不予公开 1.属于国家秘密", "不予公开：属于国家秘密", "不予公开-属于国家秘密")}
    assert forms == {"不予公开属于国家秘密"}
    assert normalize("部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert normalize("Ｇｒａｎｔｅｄ ") == "granted"
    assert normalize("危及“三安全一稳定”") == "危及三安全一稳定"


# --- the import: one vocabulary for the CSV/XLSX file -----------------------------------------------------

HEADER = "reference,received,applicant_type,applicant,request,closed,outcome\n"


def _import(ledger_db: LedgerDB, path: Path) -> int:
    with ledger_db.session() as s, s.begin():
        _, n = csvio.import_file(s, path, "某局", WorkingCalendar())
    return n


def test_import_takes_the_printed_labels(ledger_db: LedgerDB, tmp_path: Path) -> None:
    rows = [
        ("2026-001", "自然人", "予以公开", "granted"),
        ("2026-002", "法人或其他组织 商业企业", "部分公开（区分处理）", "partially_granted"),
        ("2026-003", "自然人", "不予公开-国家秘密", "withheld.state_secret"),
        ("2026-004", "自然人", "（四）无法提供 1.本机关不掌握相关政府信息", "unavailable.not_held"),
        ("2026-005", "律所", "不予处理：重复申请", "not_processed.repeated"),
        ("2026-006", "自然人", "其他处理-逾期不补正", "other_handling.no_correction"),
        ("2026-007", "自然人", "withheld.third_party_rights", "withheld.third_party_rights"),
    ]
    path = tmp_path / "ledger.csv"
    path.write_text(
        HEADER + "".join(f"{ref},2026-03-02,{kind},某某,申请,2026-03-20,{text}\n" for ref, kind, text, _ in rows),
        encoding="utf-8",
    )
    assert _import(ledger_db, path) == len(rows)
    with ledger_db.session() as s:
        from nianbao.ledger.agencies import find_agency

        agency = find_agency(s, "某局")
        for reference, _, _, key in rows:
            assert cases.find_case(s, agency, reference).outcome == key


def test_import_of_an_xlsx_takes_them_too(ledger_db: LedgerDB, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append(["2026-101", "2026-03-02", "自然人", "某", "", "2026-03-10", "（一）予以公开"])
    sheet.append(["2026-102", "2026-03-02", "自然人", "某", "", "2026-03-10", "无法提供：补正后申请内容仍不明确"])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    assert _import(ledger_db, path) == 2


def test_ambiguous_and_unknown_outcomes_are_refused_naming_the_row(ledger_db: LedgerDB, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "2026-201,2026-03-02,自然人,某,,2026-03-10,予以公开\n"
        + "2026-202,2026-03-02,自然人,某,,2026-03-10,不予公开\n"
        + "2026-203,2026-03-02,自然人,某,,2026-03-10,已答复\n",
        encoding="utf-8",
    )
    with pytest.raises(csvio.ImportFailed) as failed:
        _import(ledger_db, path)
    first, second = failed.value.problems
    assert first.startswith(f"{path} 第3行：办理结果“不予公开”不明确，可能是：“不予公开：属于国家秘密”")
    assert second.startswith(f"{path} 第4行：办理结果“已答复”不是表三的办理结果行，无法识别；应为其中之一：予以公开、")
    with ledger_db.session() as s:
        from nianbao.ledger.agencies import find_agency

        with pytest.raises(LedgerError):
            find_agency(s, "某局")  # all or nothing: not even the agency was created


def test_the_cli_and_the_web_parse_with_the_same_function() -> None:
    """`vocabulary.outcome` is the one parser: what the import takes, the case page and the API take too."""
    from nianbao.web.ledger import writes

    for text in itertools.islice((short for _, _, _, short in vocabulary.outcome_rows()), 5):
        assert writes.word(vocabulary.outcome, text, "办理结果") == vocabulary.outcome(text)
