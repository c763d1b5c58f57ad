"""The built-in templates of the letters, written as .docx by code in the layout of the annual report
(`nianbao.render.docx`: A4 with the margins of GB/T 9704, 仿宋_GB2312 16 pt on a fixed 28 pt line, the title in
方正小标宋简体 22 pt, the signature four characters from the right margin, the page number in the footer).

Each letter is data (`LETTERS`): a title line under the agency's name, the number line, the addressee, the
paragraphs, the closing words and the signature; every variable part is a placeholder (`names.PLACEHOLDERS`)
that the ledger fills. The articles cited are those of the 《中华人民共和国政府信息公开条例》 (2019 revision):
补正 art. 30, 延期 art. 33 ¶2, third-party consultation art. 32, fee art. 42 with 国办函〔2020〕109号; the reply's
article follows its outcome and is in the ledger's texts (`{{答复内容}}`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache

from nianbao.render.docx import (
    BODY_SIZE,
    LINE,
    _paragraph,
    _text,
    official_document,
)
from nianbao.render.letters.names import KINDS

REGULATION = "《中华人民共和国政府信息公开条例》"
_APPLICATION = "本机关于{{收到日期}}收到您提交的政府信息公开申请，申请获取：“{{申请内容}}”。"


@dataclass(frozen=True)
class Letter:
    """One built-in letter: the title under the agency's name, the addressee, the paragraphs, the closing words."""

    title: str
    to: str
    paragraphs: tuple[str, ...]
    closing: str


LETTERS: dict[str, Letter] = {
    "correction_notice": Letter(
        title="政府信息公开申请补正通知书",
        to="{{申请人}}：",
        paragraphs=(
            _APPLICATION,
            f"经审查，您的申请内容不够明确，本机关无法确定您所需要的政府信息。根据{REGULATION}第三十条的规定，"
            "请您对以下事项作出补正：{{补正事项}}",
            "请您于{{补正期限}}前以书面形式向本机关提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。"
            "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        closing="特此通知。",
    ),
    "extension_notice": Letter(
        title="政府信息公开申请延期答复告知书",
        to="{{申请人}}：",
        paragraphs=(
            _APPLICATION,
            "因所需时间较长，本机关不能在原答复期限（{{原答复期限}}）内作出答复。根据"
            f"{REGULATION}第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长"
            "{{延长工作日数}}个工作日，本机关将于{{延长后期限}}前作出答复。",
        ),
        closing="特此告知。",
    ),
    "consultation_letter": Letter(
        title="政府信息公开征求第三方意见函",
        to="{{征求意见对象}}：",
        paragraphs=(
            "本机关于{{收到日期}}收到一份政府信息公开申请，申请获取：“{{申请内容}}”。",
            "经审查，公开该政府信息可能损害您（单位）的合法权益。根据"
            f"{REGULATION}第三十二条的规定，现书面征求您（单位）的意见。请您自收到本函之日起15个工作日内"
            "（当日收到的，至{{意见期限}}）以书面形式提出是否同意公开的意见；不同意公开的，请说明理由。",
            "逾期未提出意见的，由本机关依照条例的规定决定是否公开；您（单位）不同意公开且有合理理由的，本机关不予公开。",
        ),
        closing="特此函询。",
    ),
    "fee_notice": Letter(
        title="政府信息公开信息处理费收费通知",
        to="{{申请人}}：",
        paragraphs=(
            _APPLICATION,
            f"根据{REGULATION}第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，"
            "您的申请应当缴纳信息处理费{{收费金额}}元（{{计收方式}}）。计算方法：{{收费说明}}",
            "请您自收到本通知次日起20个工作日内（当日收到的，至{{缴费期限}}）缴纳上述费用。逾期未缴纳的，"
            "视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        closing="特此通知。",
    ),
    "reply": Letter(
        title="政府信息公开申请答复书",
        to="{{申请人}}：",
        paragraphs=(
            "{{收到情况}}，申请获取：“{{申请内容}}”。",
            "{{答复内容}}",
            "{{救济途径}}",
        ),
        closing="特此告知。",
    ),
}


@cache
def builtin_template(kind: str) -> bytes:
    """The built-in template of `kind` (a key of `names.KINDS`) as .docx bytes, its placeholders unfilled."""
    if kind not in KINDS:
        raise KeyError(f"未知的文书类型“{kind}”，应为：{'、'.join(KINDS)}")
    letter = LETTERS[kind]
    doc = official_document("".join(_body(letter)))
    props = doc.core_properties
    props.title = KINDS[kind]
    props.subject = letter.title
    props.author = "nianbao"
    props.last_modified_by = "nianbao"
    props.language = "zh-CN"
    props.keywords = "政府信息公开;依申请公开;文书模板"
    props.comments = "占位符（如 {{机关名称}}）在生成文书时替换为案件的内容"
    props.revision = 1
    props.created = props.modified = dt.datetime(2026, 1, 1)  # fixed: the same template is the same bytes
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _body(letter: Letter) -> list[str]:
    """The letter's paragraphs: a letter fits one page more often than a report's last page, so the title is
    followed by half a line (not a whole one) and the signature by one blank line (not two)."""
    number = '<w:jc w:val="right"/>'
    plain = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    right = round(4 * BODY_SIZE * 10)  # four characters from the right margin (GB/T 9704: 成文日期右空四字)
    return [
        '<w:p><w:pPr><w:pStyle w:val="Title"/><w:spacing w:after="280"/></w:pPr>'
        + _text("{{机关名称}}")
        + "<w:r><w:br/></w:r>"
        + _text(letter.title)
        + "</w:p>",
        _paragraph("Normal", "{{文号}}", number),
        _paragraph("Normal", letter.to, plain),
        *(_paragraph("BodyText", p) for p in letter.paragraphs),
        _paragraph("BodyText", letter.closing),
        _paragraph("Signature", "{{机关名称}}", f'<w:spacing w:before="{LINE}"/><w:ind w:right="{right}"/>'),
        _paragraph("Signature", "{{落款日期}}", f'<w:ind w:right="{right}"/>'),
    ]
