"""How people write the ledger's words in a spreadsheet: the forms `vocabulary.Word.parse` compares, and the
common variants of the outcome rows and applicant types.

`normalize` is what two spellings must share to be the same word: the character width (NFKC: full-width
letters, digits and punctuation), letter case, white space, quotation marks, the printed ordinals (（三）,
1.) and a parenthesised remark (部分公开（区分处理的，只计这一情形……）) are ignored, and so is punctuation
between a group and its row (不予公开：属于国家秘密, 不予公开-国家秘密, 不予公开 属于国家秘密).

The outcome variants are the wordings clerks' own ledgers use for the rows of table 三 (2021 format): the row
as printed, without its ``属于``, the older terms (政府信息不存在), the usual short forms (逾期不补正). A group
name alone (不予公开, 无法提供, 不予处理, 其他处理) names several rows: `Word.parse` refuses it as ambiguous.
"""

from __future__ import annotations

import re
import unicodedata

_PARENTHESISED = re.compile(r"\([^()]*\)")
_ORDINAL = re.compile(r"(?<![0-9A-Za-z])\d{1,2}[.、](?!\d)")
_IGNORED = re.compile(r"[\s\"'“”‘’「」『』《》<>\[\]【】:;,.、。·\-—–_/\\|~]+")


def normalize(text: str) -> str:
    """The form of `text` that spellings of one word share (see the module doc)."""
    form = unicodedata.normalize("NFKC", text).lower()
    form = form.replace("（", "(").replace("）", ")")
    previous = None
    while previous != form:  # nested remarks, innermost first
        previous, form = form, _PARENTHESISED.sub("", form)
    form = _ORDINAL.sub("", form)
    return _IGNORED.sub("", form)


#: The outcome groups of table 三 as clerks write them (the first is the printed one).
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "withheld": ("不予公开", "不公开", "不同意公开"),
    "unavailable": ("无法提供",),
    "not_processed": ("不予处理",),
    "other_handling": ("其他处理",),
}

#: Other wordings of an outcome row, besides its printed label (with and without 属于) and its group.
OUTCOME_VARIANTS: dict[str, tuple[str, ...]] = {
    "granted": ("全部公开", "同意公开", "准予公开", "予以全部公开"),
    "partially_granted": ("部分公开", "区分处理", "部分予以公开", "部分同意公开", "部分公开区分处理"),
    "withheld.state_secret": ("国家秘密", "涉及国家秘密", "涉密"),
    "withheld.prohibited_by_law": ("法律行政法规禁止公开", "法律法规禁止公开"),
    "withheld.endangers_safety_stability": ("三安全一稳定", "危及三安全一稳定"),
    "withheld.third_party_rights": ("第三方合法权益", "涉及第三方合法权益", "商业秘密", "个人隐私"),
    "withheld.internal_affairs": ("内部事务信息", "内部事务"),
    "withheld.deliberative_process": ("过程性信息",),
    "withheld.enforcement_case_file": ("行政执法案卷", "执法案卷"),
    "withheld.administrative_inquiry": ("行政查询事项",),
    "unavailable.not_held": ("本机关不掌握", "不掌握相关政府信息", "信息不存在", "政府信息不存在"),
    "unavailable.requires_creation": ("需要另行制作", "需另行制作", "没有现成信息"),
    "unavailable.still_unclear": ("补正后仍不明确", "申请内容不明确", "内容不明确"),
    "not_processed.complaint_petition": ("信访举报投诉", "信访举报投诉类", "信访类申请"),
    "not_processed.repeated": ("重复申请",),
    "not_processed.publication_requested": ("公开出版物", "要求提供公开出版物"),
    "not_processed.excessive_requests": ("大量反复申请",),
    "not_processed.reconfirmation": ("确认或重新出具已获取信息", "要求确认或重新出具"),
    "other_handling.no_correction": ("逾期不补正", "逾期未补正", "申请人逾期不补正"),
    "other_handling.fee_unpaid": ("逾期未缴费", "逾期不缴费", "逾期未缴纳费用"),
    "other_handling.other": (),
}

#: Written alone, these name more than one row: 其他 may be the group 其他处理 or its row 3.其他.
AMBIGUOUS_OUTCOMES: dict[str, str] = {"其他": "other_handling"}

#: The applicant columns of table 三 under 法人或其他组织, which a spreadsheet may print before the column.
LEGAL_PERSON_GROUP = "法人或其他组织"
APPLICANT_VARIANTS: dict[str, tuple[str, ...]] = {
    "natural_person": ("个人",),
    "commercial": ("企业", "商业企业法人"),
    "research": ("科研单位",),
    "nonprofit": ("公益组织",),
    "legal_services": ("律师事务所", "律所"),
    "other_org": (),
}
