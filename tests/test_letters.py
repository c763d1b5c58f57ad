"""The letters of a case: the templates' placeholders (found, checked, filled across Word's runs), the built-in
templates, and what the ledger puts into them: the article of the regulation for each of the 21 outcomes, the
dates as the working calendar computes them, the warnings of a letter written without its event.

The golden texts of the example case (`nianbao.ledger.letter_sample`) are in tests/test_letters_golden.py.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from sqlalchemy.orm import Session

from nianbao.ledger import agencies, calendar_store, cases, letter_store, letters
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.ledger.errors import LedgerError
from nianbao.ledger.letter_texts import REPLIES, remedies, review_body
from nianbao.ledger.vocabulary import Outcome
from nianbao.render.letters import KINDS, PLACEHOLDERS, builtin_template, check, fill, find
from nianbao.store.models import DOCUMENT_KINDS, Agency, Application, CaseDocument
from tests.ledger_db import LedgerDB

pytest_plugins = ["tests.ledger_db"]

D = dt.date
RECEIVED = D(2025, 11, 3)
NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


def _docx(*paragraphs: list[tuple[str, bool]]) -> bytes:
    """A .docx whose paragraphs are made of the given runs (text, bold)."""
    document = docx.Document()
    for runs in paragraphs:
        p = document.add_paragraph()
        for text, bold in runs:
            p.add_run(text).bold = bold
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _texts(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


# ---------------------------------------------------------------------------------------------
# Templates: placeholders found, checked, filled
# ---------------------------------------------------------------------------------------------


def test_the_kinds_are_the_stores() -> None:
    assert tuple(KINDS) == DOCUMENT_KINDS


@pytest.mark.parametrize("kind", list(KINDS))
def test_builtin_templates_hold_only_known_placeholders(kind: str) -> None:
    content = builtin_template(kind)
    assert check(content) == []
    found = find(content)
    assert found.unknown == ()
    assert found.broken == ()
    assert {"机关名称", "文号", "落款日期", "申请内容"} <= set(found.known) or kind == "reply"
    assert builtin_template(kind) == content  # the same bytes every time


def test_a_placeholder_split_across_runs_is_filled_in_the_first_runs_format() -> None:
    content = _docx([("经办：", False), ("{{机关", True), ("名称}}", False), ("，", False)], [("{{ 今日 }}", False)])
    filled = fill(content, {"机关名称": "甲县财政局", "今日": "2026年12月7日"})
    document = docx.Document(io.BytesIO(filled))
    first = document.paragraphs[0]
    assert first.text == "经办：甲县财政局，"
    assert [r.text for r in first.runs] == ["经办：", "甲县财政局", "", "，"]
    assert first.runs[1].bold is True
    assert document.paragraphs[1].text == "2026年12月7日"


def test_several_placeholders_in_one_run_and_line_breaks() -> None:
    content = _docx([("{{申请人}}：{{收到日期}}收到；{{申请人}}", False)])
    filled = fill(content, {"申请人": "王某", "收到日期": "2026年11月2日"})
    assert _texts(filled) == ["王某：2026年11月2日收到；王某"]
    two_lines = fill(_docx([("前{{答复内容}}后", False)]), {"答复内容": "第一行\n第二行"})
    assert _texts(two_lines) == ["前第一行\n第二行后"]
    run = docx.Document(io.BytesIO(two_lines)).paragraphs[0].runs[0]
    assert len(run._r.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br")) == 1


def test_placeholders_in_tables_headers_and_footers_are_filled() -> None:
    document = docx.Document()
    document.add_table(rows=1, cols=1).cell(0, 0).text = "收件人：{{申请人}}"
    document.sections[0].header.paragraphs[0].text = "{{机关名称}}"
    document.sections[0].footer.paragraphs[0].text = "{{文号}}"
    out = io.BytesIO()
    document.save(out)
    assert set(find(out.getvalue()).known) == {"申请人", "机关名称", "文号"}
    filled = docx.Document(
        io.BytesIO(fill(out.getvalue(), {"申请人": "李某", "机关名称": "乙局", "文号": "〔2026〕1号"}))
    )
    assert filled.tables[0].cell(0, 0).text == "收件人：李某"
    assert filled.sections[0].header.paragraphs[0].text == "乙局"
    assert filled.sections[0].footer.paragraphs[0].text == "〔2026〕1号"


def test_an_unknown_placeholder_is_named_and_left_unfilled() -> None:
    content = _docx([("联系人：{{联系人姓名}}，{{机关名称}}", False)], [("{{ 电话 }}", False)])
    problems = check(content)
    assert problems == ["模板中有无法识别的占位符：{{联系人姓名}}、{{电话}}。请改用页面下方列出的占位符，或删除它们"]
    assert _texts(fill(content, {"机关名称": "丙局"}))[0] == "联系人：{{联系人姓名}}，丙局"


def test_broken_braces_are_named() -> None:
    problems = check(_docx([("落款：{{落款日期}", False)]))
    assert len(problems) == 1
    assert problems[0].startswith("模板中有不完整的占位符")
    assert "{{落款日期}" in problems[0]


def test_what_is_not_a_docx_is_refused() -> None:
    assert check(b"") == ["上传的文件是空的"]
    assert check(b"\xd0\xcf\x11\xe0 an old .doc")[0].startswith("无法作为 Word 文档（.docx）打开")
    assert check(b"x" * (2 * 1024 * 1024 + 1))[0].startswith("文件过大：模板不能超过 2 MB")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<not-a-package/>")
    assert check(out.getvalue())[0].startswith("无法作为 Word 文档（.docx）打开")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (41 * 1024 * 1024))
    assert len(bomb.getvalue()) < 2 * 1024 * 1024
    assert check(bomb.getvalue())[0].startswith("文件解压后过大")


def test_the_placeholder_list_names_every_field_the_ledger_fills(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s:
        case = _case(s, outcome="granted")
        filled: set[str] = set()
        for kind in KINDS:
            filled |= set(letters.draft(s, case, kind, today=D(2025, 11, 20), calendar=_cal(s)).values)
        assert filled == set(PLACEHOLDERS)


# ---------------------------------------------------------------------------------------------
# The reply: one text and article for each outcome row
# ---------------------------------------------------------------------------------------------

REGULATION = "《中华人民共和国政府信息公开条例》"
#: The article each outcome cites, spelled out here from the regulation (not read from the code).
ARTICLES: dict[str, str] = {
    "granted": "第三十六条第（二）项",
    "partially_granted": "第三十七条、第三十六条第（二）项、第（三）项",
    "withheld.state_secret": "第十四条、第三十六条第（三）项",
    "withheld.prohibited_by_law": "第十四条、第三十六条第（三）项",
    "withheld.endangers_safety_stability": "第十四条、第三十六条第（三）项",
    "withheld.third_party_rights": "第十五条、第三十六条第（三）项",
    "withheld.internal_affairs": "第十六条第一款、第三十六条第（三）项",
    "withheld.deliberative_process": "第十六条第二款、第三十六条第（三）项",
    "withheld.enforcement_case_file": "第十六条第二款、第三十六条第（三）项",
    "withheld.administrative_inquiry": "第三十六条第（七）项",
    "unavailable.not_held": "第三十六条第（四）项",
    "unavailable.requires_creation": "第三十八条",
    "unavailable.still_unclear": "第三十条",
    "not_processed.complaint_petition": "第三十九条第一款",
    "not_processed.repeated": "第三十六条第（六）项",
    "not_processed.publication_requested": "第三十九条第二款",
    "not_processed.excessive_requests": "第三十五条",
    "not_processed.reconfirmation": "第三十八条",
    "other_handling.no_correction": "第三十条",
    "other_handling.fee_unpaid": "第四十二条、《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
    "other_handling.other": "",
}
#: Words of each outcome's decision.
DECISIONS: dict[str, str] = {
    "granted": "本机关予以公开",
    "partially_granted": "向您提供可以公开的部分",
    "withheld": "本机关决定不予公开",
    "withheld.administrative_inquiry": "依照有关法律、行政法规的规定办理",
    "unavailable.not_held": "该政府信息不存在",
    "unavailable.requires_creation": "本机关不予提供",
    "unavailable.still_unclear": "本机关无法提供",
    "not_processed.complaint_petition": "不作为政府信息公开申请处理",
    "not_processed.repeated": "不予重复处理",
    "not_processed.publication_requested": "不作为政府信息公开申请处理",
    "not_processed.excessive_requests": "本机关不予处理",
    "not_processed.reconfirmation": "本机关不予处理",
    "other_handling.no_correction": "视为放弃申请",
    "other_handling.fee_unpaid": "视为放弃申请",
    "other_handling.other": "本机关对您的申请处理如下",
}


def test_every_outcome_has_a_reply() -> None:
    assert set(REPLIES) == set(Outcome.stored_keys()) == set(ARTICLES)


@pytest.mark.parametrize("outcome", list(ARTICLES))
def test_the_reply_of_each_outcome_cites_its_article(ledger_db: LedgerDB, outcome: str) -> None:
    with ledger_db.session() as s:
        case = _case(s, outcome=outcome)
        document, found = letter_store.generate(
            s, case, "reply", today=D(2025, 11, 20), calendar=_cal(s), now=NOW, user_id=None
        )
        text = "\n".join(_texts(document.content))
        basis = REGULATION + ARTICLES[outcome]
        assert found.values["法律依据"] == basis
        assert f"根据{basis}" in text
        decision = DECISIONS.get(outcome) or DECISIONS[outcome.split(".")[0]]
        assert decision in text
        assert document.outcome == outcome
        group = {
            "granted": "予以公开",
            "partially_granted": "部分公开",
            "withheld": "不予公开",
            "unavailable": "无法提供",
            "not_processed": "不予处理",
            "other_handling": "其他处理",
        }[outcome.split(".")[0]]
        assert document.filename == f"A-1-答复书（{group}）.docx"
        assert "自收到本答复之日起六十日内向甲县人民政府申请行政复议" in text
        assert "六个月内依法向人民法院提起行政诉讼" in text
        assert "{{" not in text


def test_a_reason_the_reply_needs_comes_from_the_closing_note_or_is_asked_for(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s:
        noted = _case(s, outcome="partially_granted", note="第5页涉及个人隐私。")
        found = letters.draft(s, noted, "reply", today=D(2025, 11, 20), calendar=_cal(s))
        assert "理由如下：第5页涉及个人隐私。" in found.values["答复内容"]
        assert found.warnings == []
        bare = _case(s, outcome="other_handling.other", reference="A-2")
        found = letters.draft(s, bare, "reply", today=D(2025, 11, 20), calendar=_cal(s))
        assert found.values["答复内容"].endswith("本机关对您的申请处理如下：（请在此写明理由）。")
        assert found.warnings == ["该办理结果需要说明理由：办结时没有登记备注，请在答复书中写明"]


def test_the_review_body_follows_the_agency() -> None:
    assert review_body("甲县财政局", "department", "甲县人民政府") == "甲县人民政府"
    assert review_body("甲县人民政府", "government", None) == "上一级人民政府"
    assert review_body("某某局", "", None) == "本级人民政府"
    assert remedies("甲县人民政府").startswith("如对本答复不服，可以自收到本答复之日起六十日内向甲县人民政府")


def test_a_reply_needs_an_outcome_and_warns_when_it_is_not_the_cases(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s:
        open_case = _case(s, outcome=None)
        with pytest.raises(LedgerError, match="尚未办结：生成答复书请选择办理结果"):
            letters.draft(s, open_case, "reply", today=D(2025, 11, 20), calendar=_cal(s))
        found = letters.draft(s, open_case, "reply", today=D(2025, 11, 20), calendar=_cal(s), outcome="granted")
        assert found.warnings == [letters.MANUAL_WARNINGS["reply"]]
        assert found.on == D(2025, 11, 20)  # not answered, not closed: today
        closed = _case(s, outcome="granted", reference="A-2")
        found = letters.draft(
            s, closed, "reply", today=D(2025, 11, 20), calendar=_cal(s), outcome="unavailable.not_held"
        )
        assert found.warnings == [
            "所选办理结果（无法提供：本机关不掌握相关政府信息）与本案办结时登记的（予以公开）不同"
        ]


# ---------------------------------------------------------------------------------------------
# Dates and letters without their event
# ---------------------------------------------------------------------------------------------


def test_the_extension_counts_working_days_over_the_national_day_break(ledger_db: LedgerDB) -> None:
    """Received Friday 2025-09-26: the 20th working day after it is 2025-10-30 (10-01…08 off, Saturday 10-11
    worked); 20 more end on 2025-11-27."""
    with ledger_db.session() as s:
        case = _case(s, outcome=None, received=D(2025, 9, 26))
        cases.add_event(s, case, "extension", D(2025, 10, 20), calendar=_cal(s), approver="负责人", days=20)
        found = letters.draft(s, case, "extension_notice", today=D(2025, 11, 1), calendar=_cal(s))
        assert found.values["原答复期限"] == "2025年10月30日"
        assert found.values["延长后期限"] == "2025年11月27日"
        assert found.values["延长工作日数"] == "20"
        assert found.values["落款日期"] == "2025年10月20日"
        assert found.values["文号"] == "〔2025〕延字第A-1号"
        assert found.warnings == []


def test_letters_without_their_event_say_what_they_assume(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s:
        case = _case(s, outcome=None, received=D(2025, 9, 26))
        assert letters.applicable(case) == []
        today = D(2025, 10, 9)
        c = letters.draft(s, case, "correction_notice", today=today, calendar=_cal(s))
        assert c.values["补正期限"] == "2025年10月29日"  # 15 working days after 10-09 (Saturday 10-11 worked)
        assert letters.MANUAL_WARNINGS["correction_notice"] in c.warnings
        assert c.values["补正事项"] == "（请在此写明需要补正的事项）"
        e = letters.draft(s, case, "extension_notice", today=today, calendar=_cal(s))
        assert (e.values["原答复期限"], e.values["延长后期限"]) == ("2025年10月30日", "2025年11月27日")
        assert letters.MANUAL_WARNINGS["extension_notice"] in e.warnings
        f = letters.draft(s, case, "fee_notice", today=today, calendar=_cal(s))
        assert (f.values["收费金额"], f.values["计收方式"]) == ("0", "按件计收")
        assert f.values["缴费期限"] == "2025年11月5日"  # 20 working days from 10-10, the day after 10-09
        late = letters.draft(s, case, "extension_notice", today=D(2025, 11, 3), calendar=_cal(s))
        assert late.values["延长后期限"] == "（无法计算）"  # an extension after the deadline is refused
        assert any("无法计算延期后的答复期限" in w for w in late.warnings)
        with pytest.raises(LedgerError, match="早于收到申请日期"):
            letters.draft(s, case, "consultation_letter", today=today, calendar=_cal(s), on=D(2025, 9, 1))


def test_the_fee_by_count_is_the_applicants_nth_this_month(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s:
        owner = _agency(s)
        for n in range(11):
            cases.add_case(s, owner, f"F-{n:02d}", D(2026, 3, 2), "natural_person", calendar=_cal(s), applicant="赵某")
        eleventh = cases.find_case(s, owner, "F-10")
        cases.add_event(s, eleventh, "fee_notice", D(2026, 3, 3), calendar=_cal(s))
        found = letters.draft(s, eleventh, "fee_notice", today=D(2026, 3, 3), calendar=_cal(s))
        assert (found.values["收费金额"], found.values["计收方式"]) == ("100", "按件计收")
        assert found.values["收费说明"] == "第11–30件：每件100元，本档1件，计100元；本件收费100元。"
        assert found.values["申请内容"] == "（见申请书）"
        assert found.warnings == ["本案没有登记申请内容，文书中写为“（见申请书）”"]


def test_generated_letters_are_kept_and_the_agencys_template_wins(ledger_db: LedgerDB) -> None:
    with ledger_db.session() as s:
        case = _case(s, outcome="withheld.state_secret")
        own = _docx([("{{机关名称}}专用：{{办理结果}}", False)])
        letter_store.save_template(s, case.agency, letter_store.slot("reply", "withheld"), "mine.docx", own, now=NOW)
        document, _ = letter_store.generate(s, case, "reply", today=D(2025, 11, 20), calendar=_cal(s), now=NOW)
        assert _texts(document.content) == ["甲县财政局专用：不予公开：属于国家秘密"]
        other = _case(s, outcome="granted", reference="A-2")
        document2, _ = letter_store.generate(s, other, "reply", today=D(2025, 11, 20), calendar=_cal(s), now=NOW)
        assert "甲县财政局专用" not in "\n".join(_texts(document2.content))  # another group: the built-in one
        assert [d.id for d in letter_store.documents(s, case.id)] == [document.id]
        assert letter_store.document(s, other.id, document.id) is None
        with pytest.raises(letter_store.TemplateRefused) as refused:
            letter_store.save_template(
                s, case.agency, letter_store.slot("reply"), "bad.docx", _docx([("{{未知}}", False)]), now=NOW
            )
        assert refused.value.problems[0].startswith("模板中有无法识别的占位符：{{未知}}")
        assert letter_store.reset_template(s, case.agency, letter_store.slot("reply", "withheld")) is True
        assert letter_store.reset_template(s, case.agency, letter_store.slot("reply", "withheld")) is False
        third, _ = letter_store.generate(s, case, "reply", today=D(2025, 11, 20), calendar=_cal(s), now=NOW)
        assert "根据《中华人民共和国政府信息公开条例》第十四条" in "\n".join(_texts(third.content))
        assert s.query(CaseDocument).filter_by(application_id=case.id).count() == 2
        with pytest.raises(LedgerError, match="没有这种文书模板"):
            letter_store.slot("correction_notice", "granted")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _cal(s: Session) -> WorkingCalendar:
    return calendar_store.load_calendar(s)


def _agency(s: Session) -> Agency:
    agencies.set_agency(s, "甲县人民政府", level="government")
    return agencies.set_agency(s, "甲县财政局", level="department", parent="甲县人民政府")


def _case(
    s: Session,
    *,
    outcome: str | None,
    reference: str = "A-1",
    received: dt.date = RECEIVED,
    note: str = "",
) -> Application:
    case = cases.add_case(
        s, _agency(s), reference, received, "natural_person", calendar=_cal(s), applicant="王某", request="某项目合同"
    )
    if outcome is not None:
        cases.close_case(s, case, outcome, max(received, D(2025, 11, 10)), note=note)
    return case
