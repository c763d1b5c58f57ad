"""What a reply (答复书) says for each outcome row of table 三, with the article of the regulation it rests on.

One `Reply` per outcome key (`vocabulary.Outcome`, the 21 rows of the 2021 format): the sentence of the decision
and its legal basis, cited as 《中华人民共和国政府信息公开条例》 (国务院令第711号, the 2019 revision) articles:

- 予以公开: art. 36(2) (36(1) when the information was already proactively disclosed: edit the letter);
- 部分公开: art. 37 with 36(2), the withheld part under 36(3) with its reasons (the closing note);
- 不予公开: art. 14 (state secret; prohibited by law; 三安全一稳定), art. 15 (third-party rights), art. 16 ¶1
  (internal affairs), art. 16 ¶2 (process information; enforcement case files), each with 36(3); the
  行政查询事项 row by art. 36(7) (the row's mapping is UNVERIFIED, domain.md §1.8);
- 无法提供: art. 36(4) (not held), art. 38 (would need creating), art. 30 (still unclear after 补正);
- 不予处理: art. 39 ¶1 (petition/complaint), art. 36(6) (repeated), art. 39 ¶2 (publications), art. 35
  (excessive), and for a request to confirm or re-issue information already obtained art. 38 (only existing
  information is provided; domain.md §1.8 finds no direct article: UNVERIFIED);
- 其他处理: art. 30 (no 补正 in time), art. 42 with 国办函〔2020〕109号 (fee not paid; 109号's article number not
  read: not cited), and no article for "other" (withdrawal and the like: the closing note says what happened).

The remedies sentence (`remedies`) follows art. 51: 行政复议 within 60 days (行政复议法 2023 art. 20) before the
复议机关 (art. 24: a department's own 人民政府, a government's next one up; vertically managed agencies differ),
行政诉讼 within 6 months (行政诉讼法 art. 46). These periods are not in domain.md: UNVERIFIED there.
"""

from __future__ import annotations

from dataclasses import dataclass

REGULATION = "《中华人民共和国政府信息公开条例》"
FEE_MEASURES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
#: What stands where the closing note is needed but empty.
ASK_REASON = "（请在此写明理由）"


@dataclass(frozen=True)
class Reply:
    """The decision sentence of a reply (``{理由}`` takes the closing note) and the articles it cites."""

    articles: str  # as cited after the regulation's name; "" for none
    text: str
    needs_note: bool = False

    @property
    def basis(self) -> str:
        """The legal basis as printed: the regulation's name and the articles (or only the name)."""
        if self.articles.startswith("第四十二条"):
            return f"{REGULATION}{self.articles}、{FEE_MEASURES}"
        return f"{REGULATION}{self.articles}"

    def sentence(self, note: str) -> str:
        return self.text.replace("{依据}", self.basis).replace("{理由}", note.strip().rstrip("。") or ASK_REASON)


_WITHHELD = "根据{依据}的规定，本机关决定不予公开。"

REPLIES: dict[str, Reply] = {
    "granted": Reply(
        "第三十六条第（二）项",
        "经审查，您申请获取的政府信息属于可以公开的政府信息。根据{依据}的规定，本机关予以公开，"
        "现将该政府信息提供给您（见附件）。",
    ),
    "partially_granted": Reply(
        "第三十七条、第三十六条第（二）项、第（三）项",
        "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据{依据}的规定，本机关向您提供"
        "可以公开的部分（见附件）；对不予公开的部分，理由如下：{理由}。",
        needs_note=True,
    ),
    "withheld.state_secret": Reply(
        "第十四条、第三十六条第（三）项", "经审查，您申请获取的政府信息属于依法确定为国家秘密的政府信息。" + _WITHHELD
    ),
    "withheld.prohibited_by_law": Reply(
        "第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。" + _WITHHELD,
    ),
    "withheld.endangers_safety_stability": Reply(
        "第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。" + _WITHHELD,
    ),
    "withheld.third_party_rights": Reply(
        "第十五条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。" + _WITHHELD,
    ),
    "withheld.internal_affairs": Reply(
        "第十六条第一款、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于行政机关的内部事务信息（人事管理、后勤管理、内部工作流程等方面的信息）。"
        + _WITHHELD,
    ),
    "withheld.deliberative_process": Reply(
        "第十六条第二款、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、"
        "请示报告等过程性信息。" + _WITHHELD,
    ),
    "withheld.enforcement_case_file": Reply(
        "第十六条第二款、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于行政执法案卷信息。" + _WITHHELD,
    ),
    "withheld.administrative_inquiry": Reply(
        "第三十六条第（七）项",
        "经审查，您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。"
        "根据{依据}的规定，请您依照有关法律、行政法规的规定办理。",
    ),
    "unavailable.not_held": Reply(
        "第三十六条第（四）项",
        "经检索，本机关没有您申请获取的政府信息。根据{依据}的规定，告知您该政府信息不存在。",
    ),
    "unavailable.requires_creation": Reply(
        "第三十八条",
        "经审查，本机关没有现成的您所申请的政府信息，提供该信息需要本机关对现有政府信息进行加工、分析。"
        "根据{依据}的规定，本机关不予提供。",
    ),
    "unavailable.still_unclear": Reply(
        "第三十条",
        "本机关已告知您对申请作出补正，经补正后您的申请内容仍不明确，本机关无法确定您所需要的政府信息。"
        "根据{依据}的规定，本机关无法提供。",
    ),
    "not_processed.complaint_petition": Reply(
        "第三十九条第一款",
        "经审查，您的申请属于以政府信息公开申请的形式进行信访、投诉、举报等活动。根据{依据}的规定，"
        "本机关不作为政府信息公开申请处理，您可以通过相应渠道提出。",
    ),
    "not_processed.repeated": Reply(
        "第三十六条第（六）项",
        "经审查，本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同的政府信息。根据{依据}的规定，"
        "本机关不予重复处理。",
    ),
    "not_processed.publication_requested": Reply(
        "第三十九条第二款",
        "经审查，您的申请内容为要求提供政府公报、报刊、书籍等公开出版物。根据{依据}的规定，"
        "本机关不作为政府信息公开申请处理，您可以通过公开发行渠道获取。",
    ),
    "not_processed.excessive_requests": Reply(
        "第三十五条",
        "经审查，您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由，您说明的理由不合理。"
        "根据{依据}的规定，本机关不予处理。",
    ),
    "not_processed.reconfirmation": Reply(
        "第三十八条",
        "经审查，您的申请系要求本机关确认或者重新出具您已获取的信息，不属于向申请人提供已制作或者获取的政府信息。"
        "根据{依据}的规定，本机关不予处理。",
    ),
    "other_handling.no_correction": Reply(
        "第三十条",
        "本机关已告知您对申请作出补正，您无正当理由逾期未补正，视为放弃申请。根据{依据}的规定，"
        "本机关不再处理您的政府信息公开申请。",
    ),
    "other_handling.fee_unpaid": Reply(
        "第四十二条",
        "本机关已向您发出信息处理费收费通知，您逾期未按通知要求缴纳费用，视为放弃申请。根据{依据}的规定，"
        "本机关不再处理您的政府信息公开申请。",
    ),
    "other_handling.other": Reply(
        "",
        "根据{依据}的有关规定，本机关对您的申请处理如下：{理由}。",
        needs_note=True,
    ),
}


def review_body(agency_name: str, level: str, parent_name: str | None) -> str:
    """The 行政复议机关 of an agency: its parent government, else by its level (a vertically managed agency's is its
    superior department: not modelled, edit the template)."""
    if parent_name:
        return parent_name
    return "上一级人民政府" if level == "government" or agency_name.endswith("人民政府") else "本级人民政府"


def remedies(review: str) -> str:
    """The remedies sentence of a reply (art. 51)."""
    return (
        f"如对本答复不服，可以自收到本答复之日起六十日内向{review}申请行政复议，"
        "或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼。"
    )
