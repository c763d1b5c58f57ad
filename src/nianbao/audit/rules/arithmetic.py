"""`arithmetic`: the identities of the format (spec/README.md), one generic evaluator for all.

The identities themselves are data in formats/layout.toml (terms, totals, the columns or rows they run
over); each rule here names a group of them. An identity with a blank or unreadable term is reported
as not assessable, never computed on partial data; one whose terms came from an unsure reading (digits
run together that split more than one way) is reported as uncertain.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from nianbao.audit.model import Severity, Status
from nianbao.audit.registry import Context, Hit, rule
from nianbao.formats import Identity, get_format
from nianbao.report import Report


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def unsure_keys(report: Report) -> set[str]:
    """Cells whose reading the reader itself was not sure of."""
    return {k for p in report.problems if p.code == "row.fit" for k in p.keys}


def _describe(report: Report, key: str) -> str:
    spec = get_format(report.format or "2021").cells.get(key)
    if spec is None:
        return key
    return f"{spec.row_label}·{spec.column_label}"


def evaluate(ctx: Context, prefix: str) -> Iterable[Hit]:
    """Every identity of the report's format whose name starts with `prefix`."""
    report = ctx.report
    if report.format is None:
        return
    unsure = unsure_keys(report)
    for identity in get_format(report.format).identities:
        if identity.name.startswith(prefix):
            yield from _one(ctx, identity, unsure)


def _one(ctx: Context, identity: Identity, unsure: set[str]) -> Iterable[Hit]:
    report = ctx.report
    values = {k: report.value(k) for k in identity.keys}
    missing = [k for k, v in values.items() if v is None]
    if missing:
        yield Hit(
            f"勾稽关系“{identity.title}”有 {len(missing)} 个单元格空白或无法读取，无法核对",
            tuple(ctx.ref(k) for k in missing),
            Status.NOT_ASSESSABLE,
            subject=identity.name,
        )
        return
    left = sum((Decimal(values[k] or 0) for k in identity.lhs), Decimal(0))
    right = sum((Decimal(values[k] or 0) for k in identity.rhs), Decimal(0))
    if left == right:
        return
    if len(identity.lhs) == 1:
        total = identity.lhs[0]
        refs = (ctx.ref(total, expected=_plain(right)), *(ctx.ref(k) for k in identity.rhs))
        message = (
            f"勾稽关系“{identity.title}”不成立：{_describe(report, total)} 印为 {_plain(left)}，"
            f"但各项之和为 {_plain(right)}（相差 {_plain(left - right)}）"
        )
    else:
        refs = tuple(ctx.ref(k) for k in identity.keys)
        lhs = " + ".join(_plain(Decimal(values[k] or 0)) for k in identity.lhs)
        rhs = " + ".join(_plain(Decimal(values[k] or 0)) for k in identity.rhs)
        message = f"勾稽关系“{identity.title}”不成立：左边 {lhs} = {_plain(left)}，右边 {rhs} = {_plain(right)}"
    status = Status.UNCERTAIN if unsure & set(identity.keys) else Status.FAILED
    yield Hit(message, refs, status, subject=identity.name)


@rule(
    "A101",
    "applications-balance-mismatch",
    "arithmetic",
    Severity.ERROR,
    "本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度",
    checks="表三每一列（六类申请人及总计）：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理。",
    basis="国办公开办函〔2021〕30号、〔2019〕60号格式表三左上角所印勾稽关系：“第一项加第二项之和，等于第三项加第四项之和”。",
    example="自然人列：新收 10、上年结转 2，办理结果总计 9、结转下年度 2（10 + 2 ≠ 9 + 2）。",
    correct="自然人列：新收 10、上年结转 2，办理结果总计 10、结转下年度 2。",
)
def applications_balance(ctx: Context) -> Iterable[Hit]:
    return evaluate(ctx, "applications.balance.")


@rule(
    "A102",
    "outcomes-total-mismatch",
    "arithmetic",
    Severity.ERROR,
    "办理结果总计 ≠ 各办理结果之和",
    checks="表三每一列：（七）总计 = （一）予以公开 + （二）部分公开 + （三）1–8 + （四）1–3 + （五）1–5 + （六）"
    "（2021 年格式为（六）1–3，2019 年格式为单行）。",
    basis="格式表三“三、本年度办理结果”各项构成（七）总计；部分公开只计一种情形，每件申请只计入一行。",
    example="总计列：予以公开 5、不予公开 1，（七）总计印为 7。",
    correct="（七）总计印为 6。",
)
def outcomes_total(ctx: Context) -> Iterable[Hit]:
    return evaluate(ctx, "applications.outcomes.")


@rule(
    "A103",
    "applicant-total-mismatch",
    "arithmetic",
    Severity.ERROR,
    "总计列 ≠ 六类申请人之和",
    checks="表三每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。",
    basis="格式表三“申请人情况”下的“总计”列是六类申请人的合计（格式未设“法人或其他组织”小计列）。",
    example="“一、本年新收”行：自然人 3、商业企业 1，总计印为 3。",
    correct="总计印为 4。",
)
def applicant_total(ctx: Context) -> Iterable[Hit]:
    return evaluate(ctx, "applications.row_total.")


@rule(
    "A104",
    "review-litigation-total-mismatch",
    "arithmetic",
    Severity.ERROR,
    "行政复议、行政诉讼的总计 ≠ 各结果之和",
    checks="表四的行政复议、未经复议直接起诉、复议后起诉三组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。",
    basis="格式表四每组五列，“总计”为前四列之和。",
    example="行政复议：结果维持 10、结果纠正 1，总计印为 0。",
    correct="总计印为 11。",
)
def review_litigation_total(ctx: Context) -> Iterable[Hit]:
    return evaluate(ctx, "legal.")
