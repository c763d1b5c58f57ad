"""The names a letter template may use, and the letter kinds: data shared by the templates, their check, the
ledger that fills them and the page that lists them for the person editing a template."""

from __future__ import annotations

#: The letters of a case, by the keys the store keeps (`nianbao.store.models.DOCUMENT_KINDS`; a test checks both
#: agree), with the name a clerk calls each.
KINDS: dict[str, str] = {
    "correction_notice": "补正通知书",
    "extension_notice": "延期答复告知书",
    "consultation_letter": "征求意见函",
    "fee_notice": "收费通知",
    "reply": "答复书",
}

#: A reply's variants: its outcome group (the part of the outcome key before the dot), or "" for every outcome.
REPLY_VARIANTS: dict[str, str] = {
    "": "通用",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "other_handling": "其他处理",
}

#: Every placeholder a template may hold, with what it is filled with.
PLACEHOLDERS: dict[str, str] = {
    "机关名称": "本机关的名称",
    "文号": "文书编号，如〔2026〕补字第2026-0041号",
    "案号": "台账中的案件编号",
    "申请人": "申请人姓名或名称",
    "联系方式": "申请人的联系方式",
    "申请内容": "申请获取的政府信息",
    "收到日期": "收到申请之日（条例第三十一条）",
    "收到情况": "收到申请（及补正后申请）的一句话",
    "落款日期": "文书的成文日期",
    "今日": "生成文书的日期",
    "答复期限": "当前计算的答复期限",
    "补正事项": "需要补正的事项（补正通知的备注）",
    "补正期限": "申请人补正的期限",
    "原答复期限": "延期前的答复期限",
    "延长工作日数": "延长的工作日数",
    "延长后期限": "延期后的答复期限",
    "征求意见对象": "征求意见的第三方",
    "意见期限": "第三方提出意见的期限（15个工作日）",
    "收费金额": "信息处理费金额（元）",
    "计收方式": "按件计收或按量计收",
    "收费说明": "收费金额的计算方法",
    "缴费期限": "缴费期限（收到通知次日起20个工作日）",
    "办理结果": "表三的办理结果",
    "答复内容": "按办理结果写成的答复正文，含所依据的条款",
    "法律依据": "答复所依据的条例条款",
    "办结备注": "办结时登记的备注",
    "复议机关": "行政复议机关",
    "救济途径": "申请行政复议、提起行政诉讼的告知",
}
