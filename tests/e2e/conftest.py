"""End-to-end journeys: the real app under uvicorn, driven by Debian's chromium through Playwright.

One server for the whole folder: a fresh SQLite database seeded with the demo jurisdiction
(`nianbao.web.demo.seed`, fast password hashes, today pinned to `TODAY`), served by uvicorn in a
background thread on a free loopback port. Playwright drives ``/usr/bin/chromium`` (``$NIANBAO_CHROMIUM``
to use another build; never a browser downloaded by Playwright); the folder is skipped when it is missing.

Screenshots go to the test's temporary directory and are copied to ``build/screenshots/`` (git-ignored) so
that a person can look at them after the run: `Shots.take(page, "name")`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from nianbao.store import db
from nianbao.web import Settings, create_app
from nianbao.web.demo import DEMO_PASSWORD, seed
from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium"))  # Debian's; never Playwright's own
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
TODAY = dt.date(2026, 11, 20)
SCREENSHOTS = ROOT / "build" / "screenshots"

HERE = Path(__file__).resolve().parent
VIEWPORT: ViewportSize = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the browser, every journey of this folder is skipped (and says why)."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing (apt-get install chromium): the end-to-end journeys need Debian's chromium"
    )
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


@dataclass(frozen=True)
class Server:
    base_url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo app under uvicorn in a thread; stopped (and its database closed) at the end of the session."""
    import uvicorn

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'demo.db'}"
    with db.session(url) as session:
        seed(session, today=TODAY, fast_hashes=True)
    app = create_app(Settings(database_url=url, fast_password_hashes=True, today=lambda: TODAY))
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uv.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", url)
    finally:
        uv.should_exit = True
        thread.join(timeout=15)
        db.dispose(url)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, server: Server, tmp_path: Path) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=server.base_url, viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    p = context.new_page()
    errors: list[str] = []

    def console(msg: ConsoleMessage) -> None:
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.on("console", console)
    yield p
    assert not errors, f"the browser reported errors (CSP violations, script errors): {errors}"


class Shots:
    """Full-page screenshots, numbered in the order taken, kept in tmp and copied to build/screenshots/."""

    def __init__(self, folder: Path, journey: str) -> None:
        self.folder = folder
        self.journey = journey
        self.count = 0

    def take(self, page: Page, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.journey}-{self.count:02d}-{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # sticky bars are drawn where the page is scrolled to
        page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, SCREENSHOTS / path.name)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path: Path) -> Shots:
    journey = request.node.name.removeprefix("test_").split("[")[0]
    return Shots(tmp_path, journey)


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person does; lands on the home page."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)
