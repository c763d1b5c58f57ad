"""`nianbao user …`: the accounts a deployment starts with (the first administrator has no web page to use)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.store import db
from nianbao.store.models import User
from nianbao.web.core.passwords import verify_password
from tests.ledger_db import ledger_url, pg_schema  # noqa: F401  (fixtures)

runner = CliRunner()


def test_user_add_list_and_password(ledger_url: str) -> None:  # noqa: F811
    r = runner.invoke(app, ["user", "add", "chief", "--role", "admin", "--password", "first-pass-1"])
    assert r.exit_code == 0, r.output
    assert "已创建用户 chief" in r.output
    r = runner.invoke(
        app, ["user", "add", "clerk1", "--agency", "某县财政局", "--name", "张三", "--password", "pw-12345678"]
    )
    assert r.exit_code == 0, r.output
    listing = runner.invoke(app, ["user", "list"])
    assert "chief" in listing.output
    assert "某县财政局" in listing.output
    assert "经办人员" in listing.output
    r = runner.invoke(app, ["user", "password", "clerk1", "--password", "new-pass-99"])
    assert r.exit_code == 0, r.output
    with db.session(ledger_url) as s:
        user = s.scalar(select(User).where(User.username == "clerk1"))
        assert user is not None
        assert user.agency is not None
        assert user.agency.name == "某县财政局"
        assert verify_password(user.password_hash, "new-pass-99")
        assert not verify_password(user.password_hash, "pw-12345678")


def test_user_add_refusals_are_one_line_chinese(ledger_url: str) -> None:  # noqa: F811
    r = runner.invoke(app, ["user", "add", "weak", "--role", "admin", "--password", "123"])
    assert r.exit_code == 1
    assert "密码至少 8 个字符" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(app, ["user", "add", "nobody", "--role", "clerk", "--password", "pass-1234x"])
    assert r.exit_code == 1
    assert "必须属于一个机关" in r.output
    r = runner.invoke(app, ["user", "add", "x", "--role", "boss", "--agency", "甲", "--password", "pass-1234x"])
    assert r.exit_code == 1
    assert "角色“boss”无效" in r.output
    r = runner.invoke(app, ["user", "password", "ghost", "--password", "pass-1234x"])
    assert r.exit_code == 1
    assert "用户“ghost”不存在" in r.output


def test_serve_with_an_unreachable_database_says_so() -> None:
    r = runner.invoke(app, ["serve", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:9/none"])
    assert r.exit_code == 1
    assert "无法打开数据库" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(app, ["serve", "--database-url", "not a url"])
    assert r.exit_code == 1
    assert "无法打开数据库" in r.output


def test_serve_trusts_forwarded_headers_only_from_listed_proxies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uvicorn alone would trust X-Forwarded-For from any loopback peer, letting a local caller pose as any
    address; `nianbao serve` reads forwarded headers only from the proxies it is told about."""
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    monkeypatch.delenv("NIANBAO_FORWARDED_ALLOW_IPS", raising=False)
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    r = runner.invoke(app, ["serve", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert calls[-1]["proxy_headers"] is False
    r = runner.invoke(app, ["serve", "--database-url", url, "--forwarded-allow-ips", "10.0.0.5"])
    assert r.exit_code == 0, r.output
    assert (calls[-1]["proxy_headers"], calls[-1]["forwarded_allow_ips"]) == (True, "10.0.0.5")
    assert "10.0.0.5" in r.output
    db.dispose(url)
