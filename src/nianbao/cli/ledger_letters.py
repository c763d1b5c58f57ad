"""`nianbao ledger letter`: one letter of a case (补正通知书, 延期答复告知书, 征求意见函, 收费通知, 答复书) as .docx."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nianbao.cli.common import fail, plain_err, requires
from nianbao.cli.ledger_common import AgencyOpt, find_case, parse_date, parse_word, today_or, unit

KIND_HELP = (
    "correction_notice（补正通知书）、extension_notice（延期答复告知书）、consultation_letter（征求意见函）、"
    "fee_notice（收费通知）、reply（答复书）"
)


def _kind(text: str) -> str:
    from nianbao.render.letters import KINDS

    wanted = text.strip()
    for key, name in KINDS.items():
        if wanted in (key, name, name.removesuffix("书"), name.removesuffix("函")):
            return key
    raise fail(f"文书类型“{text}”无法识别，应为：{KIND_HELP}", 2)


@requires("ledger", "pg")
def letter(
    reference: Annotated[str, typer.Argument(help="案号")],
    agency: AgencyOpt,
    kind: Annotated[str, typer.Option("--kind", help=KIND_HELP)],
    out: Annotated[Path, typer.Option("--out", help="写入的 .docx 文件")],
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="答复书的办理结果（默认为案件办结时登记的），如 granted")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="落款日期 YYYY-MM-DD（默认为对应办理事件的日期）")] = None,
    today: Annotated[str | None, typer.Option("--today", help="今天的日期（默认为系统日期）")] = None,
    keep: Annotated[bool, typer.Option("--keep/--no-keep", help="是否把文书保存在案件中（默认保存）")] = True,
) -> None:
    """按本机关的模板生成案件的一份文书（.docx），写入 --out，并保存在案件中。"""
    import datetime as dt

    from nianbao.ledger import calendar_store, letter_store, letters, vocabulary
    from nianbao.render.letters import fill

    what = _kind(kind)
    row = parse_word(vocabulary.outcome, outcome) if outcome else None
    day = parse_date(on, "--on")
    with unit() as s:
        case = find_case(s, agency, reference)
        calendar = calendar_store.load_calendar(s)
        if keep:
            document, found = letter_store.generate(
                s,
                case,
                what,
                today=today_or(today),
                calendar=calendar,
                now=dt.datetime.now(dt.UTC),
                on=day,
                outcome=row,
            )
            content = document.content
        else:
            found = letters.draft(s, case, what, today=today_or(today), calendar=calendar, on=day, outcome=row)
            template, _ = letter_store.template_for(s, case.agency_id, what, found.variant)
            content = fill(template, found.values)
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise fail(f"无法写入 {out}：{exc.strerror or exc}") from None
        done = f"已生成 案件 {case.reference} {found.label}（落款 {letters.cn(found.on)}）→ {out}"
    for warning in found.warnings:
        plain_err.print(f"注意：{warning}", markup=False)
    plain_err.print(done + ("，已保存在案件中" if keep else ""), markup=False)
