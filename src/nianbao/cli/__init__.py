"""The `nianbao` command: thin commands over the Python API.

This module builds the command tree and only that; the commands live beside it: `read` (parse, check, rules,
summary), `render` (template, render), `rollup`, `diff`, `fetch`, `ledger`/`ledger_records` (`nianbao
ledger …`), `dataset` (`nianbao dataset …`) and `web` (serve, `nianbao user …`). Each imports only Typer, Rich
and the reader at the top: FastAPI, SQLAlchemy, pyarrow, DuckDB, Dask, reportlab and python-docx are imported by
the commands that use them, so that `nianbao parse` starts fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from nianbao.cli import dataset, diff, fetch, ledger, ledger_letters, ledger_records, read, render, rollup, web

app = typer.Typer(
    name="nianbao",
    help="政府信息公开工作年度报告：读取、核查、生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from nianbao import __version__

        typer.echo(f"nianbao {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号")] = False,
) -> None:
    """政府信息公开工作年度报告：读取、核查、生成。"""


app.command()(read.parse)
app.command(name="check")(read.check_cmd)
app.command()(read.rules)
app.command()(render.template)
app.command()(render.render)
app.command()(read.summary)
app.command(name="rollup")(rollup.rollup_cmd)
app.command(name="diff")(diff.diff_cmd)
app.command(name="fetch")(fetch.fetch_cmd)

ledger_app = typer.Typer(
    name="ledger",
    help="依申请公开台账：登记申请、记录办理事件、答复期限、年度统计表。数据库由环境变量 NIANBAO_DATABASE_URL 指定"
    "（SQLAlchemy 地址，如 postgresql+psycopg://user@host/db；未设置时为当前目录下的 SQLite 文件 nianbao.db），"
    "首次使用时自动建表和迁移。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
calendar_app = typer.Typer(help="工作日历：导入国务院放假安排（覆盖 chinesecalendar）。", no_args_is_help=True)
ledger_app.add_typer(calendar_app, name="calendar")
ledger_app.command()(ledger.add)
ledger_app.command()(ledger.event)
ledger_app.command()(ledger.close)
ledger_app.command()(ledger.show)
ledger_app.command(name="list")(ledger.list_cmd)
ledger_app.command()(ledger.due)
ledger_app.command()(ledger.report)
ledger_app.command(name="import")(ledger_records.import_cmd)
ledger_app.command()(ledger_records.export)
ledger_app.command()(ledger_letters.letter)
ledger_app.command(name="tables")(ledger_records.tables_cmd)
ledger_app.command()(ledger_records.appeal)
ledger_app.command(name="agency")(ledger_records.agency_cmd)
calendar_app.command("load")(ledger_records.calendar_load)
calendar_app.command("show")(ledger_records.calendar_show)
app.add_typer(ledger_app, name="ledger")

dataset_app = typer.Typer(
    name="dataset",
    help="批量读取、核查大量报告，写成 Parquet 数据集；查询与导出。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
dataset_app.command("build")(dataset.build_cmd)
dataset_app.command(name="query")(dataset.query_cmd)
dataset_app.command(name="export")(dataset.export_cmd)
app.add_typer(dataset_app, name="dataset")

app.command()(web.serve)
user_app = typer.Typer(help="用户账号：创建、重置密码、列出。", no_args_is_help=True)
user_app.command("add")(web.user_add)
user_app.command("password")(web.user_password)
user_app.command("list")(web.user_list)
app.add_typer(user_app, name="user")

__all__ = ["app"]
