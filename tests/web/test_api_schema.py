"""The JSON API never answers 5xx, whatever it is sent: schemathesis fuzzes every operation of the OpenAPI schema.

The schema is read from the app itself (``/openapi.json``, in process), so every route an area adds is fuzzed
without listing it here. Each generated request is sent signed in — the session cookie and the
``X-CSRF-Token`` header of a real sign-in — once as a supervisor (``jia_sup``: reads and reviews his county)
and once as the administrator (``admin``: every route open to him), so that requests reach the handlers
instead of stopping at 401/403. Only ``not_a_server_error`` is checked: 4xx answers to nonsense are right.

Bounded and reproducible: a fixed seed, derandomized Hypothesis, at most `MAX_EXAMPLES` fuzzed requests per
operation (plus schemathesis's deterministic coverage cases), no deadline. A failing operation is reported
as a subtest ``test_no_server_error[…][METHOD /path]`` with the curl command that reproduces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nianbao.web import Settings, create_app
from tests.web.conftest import World
from tests.web.test_route_isolation import make_objects

MAX_EXAMPLES = 25
SEED = 20261120
USERS = ("jia_sup", "admin")
COOKIE = "nianbao"


@dataclass(frozen=True)
class SignedIn:
    """What every generated request carries: the session cookie and the CSRF header of one sign-in."""

    username: str
    cookies: dict[str, str]
    headers: dict[str, str]


@pytest.fixture(params=USERS)
def signed_in(request: pytest.FixtureRequest, world: World) -> SignedIn:
    client = world.client(request.param)
    cookie = client.cookies.get(COOKIE)
    assert cookie, "signing in set no session cookie"
    return SignedIn(request.param, {COOKIE: cookie}, {"X-CSRF-Token": client.headers["X-CSRF-Token"]})


@pytest.fixture
def served(world: World) -> ASGIApp:
    """`world.app` as a server runs it: an exception after the 500 page was sent ends the request, not the test
    (Starlette re-raises it for the server's log), so the 500 is what schemathesis sees and reports.

    The world is given a case with an appeal, a stored report with a comment and a review, and a draft
    (ids 1 and 2), so that generated small ids reach the handlers' code past "not found"."""
    make_objects(world, "jia_cz", "jia_sup", "甲县财政局", "甲县")
    app = world.app

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracking)
        except Exception:
            if scope["type"] != "http" or started:
                return
            await send({"type": "http.response.start", "status": 500, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    return serve


def _config() -> SchemathesisConfig:
    # The coverage phase's requests with methods a path does not have only ever get 405: not worth the time.
    return SchemathesisConfig.from_dict({"seed": SEED, "phases": {"coverage": {"unexpected-methods": []}}})


def _schema_app() -> FastAPI:
    """An app only to read the schema from at collection (in-memory database); the tests call `world.app`."""
    return create_app(Settings(database_url="sqlite://"))


schema = schemathesis.openapi.from_asgi("/openapi.json", _schema_app(), config=_config())


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    print_blob=False,
)
def test_no_server_error(case: schemathesis.Case[Any], served: ASGIApp, signed_in: SignedIn) -> None:
    response = case.call(app=served, headers=signed_in.headers, cookies=signed_in.cookies)
    case.validate_response(response, checks=[not_a_server_error], headers=signed_in.headers)


def test_schema_lists_the_api(world: World) -> None:
    """The fuzzer has something to fuzz: the schema is served and names the session routes at least."""
    loaded = schemathesis.openapi.from_asgi("/openapi.json", world.app, config=_config())
    labels = {op.ok().label for op in loaded.get_all_operations() if isinstance(op, Ok)}
    assert {"POST /api/v1/session", "GET /api/v1/me"} <= labels
    assert all(label.split(" ", 1)[1].startswith("/api/v1/") for label in labels), labels
