"""Guard over every route of the app: nobody gets another agency's data, and nobody gets anything signed out.

The routes are read from ``app.routes`` (every APIRoute, pages and API), so a route added later is guarded
without being listed here — and the test FAILS when a route has a path parameter no rule below knows
(`PARAMS`): a new kind of object must be given a rule before its routes can pass.

Objects of each kind are made for 甲县财政局 (and, as controls, for 乙县财政局) through the API: a case
with an appeal, a stored report with a comment and a reviewed finding, a draft report. Then, as
``yi_cz`` (clerk of 乙县财政局) and ``yi_sup`` (supervisor of 乙县人民政府):

- every route with an object parameter, given 甲's ids (alone, and each one mixed with the asker's own
  ids), answers 404 — or 403 where the role may not use the route — exactly as it answers for an id
  that does not exist, and its body names nothing of 甲县; writes carry a valid body (`BODIES`), and the
  same request on the asker's own objects must not answer 404 (so the 404 is the scope, not a typo);
- every GET route without path parameters (object-named query parameters set to 甲's ids) names
  nothing of 甲县;
- nothing answers 5xx, and 甲's rows are unchanged at the end.

Signed out, every route but the public ones (`PUBLIC`) answers 401 (``/api/``) or 303 to ``/login``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import fastapi.routing
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.testclient import TestClient

from nianbao.store import db
from nianbao.store.models import (
    Appeal,
    Application,
    CaseDocument,
    Comment,
    Draft,
    Event,
    FindingReview,
    StoredReport,
)
from tests.conftest import SAMPLES
from tests.web.conftest import World

YEAR = 2025  # last year for the pinned today (2026-11-20): the year a draft is written for
MISSING = 999_999  # an id no object has
JIA, YI = "甲县财政局", "乙县财政局"
MARK = "甲县独有"  # in every text of 甲's objects
LEAKS = ("甲县财政局", "甲县教育局", "甲县人民政府", MARK)
SAMPLE = SAMPLES / "000_92378848010c3553.txt"  # 通化市二道江区审计局 2024: renamed for each agency

#: Path parameters naming an object of some agency → the object kind (ids from `Objects`), or a plain
#: value used as is. A route with a parameter not listed here fails the test: add the rule.
PARAMS: dict[str, str] = {
    "agency_id": "agency",
    "case_id": "case",
    "appeal_id": "appeal",
    "report_id": "report",
    "comment_id": "comment",
    "user_id": "user",
    "job_id": "job",
    "document_id": "document",
}
VALUES: dict[str, str] = {"year": str(YEAR), "kind": "docx", "sheet": "xlsx"}  # "fingerprint": one of 甲's findings

#: Routes open signed out (method, path template).
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
}

#: A valid body for each write route with object parameters: {"json": …} for the API, {"data": …} for
#: form posts, {} for none. Keyed by (method, path template as in app.routes).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/cases/{case_id}/events"): {"json": {"kind": "answered", "on": "2026-11-10"}},
    ("POST", "/api/v1/cases/{case_id}/close"): {"json": {"outcome": "granted", "on": "2026-11-12"}},
    ("POST", "/api/v1/cases/{case_id}/appeals"): {
        "json": {"reference": "复2026-9", "route": "review", "filed": "2026-11-13"}
    },
    ("POST", "/api/v1/cases/{case_id}/appeals/{appeal_id}/decision"): {
        "json": {"result": "upheld", "decided": "2026-11-14"}
    },
    ("PUT", "/api/v1/agencies/{agency_id}/reports/{year}"): {"json": {"version": 0, "title": "改了"}},
    ("PUT", "/api/v1/reports/{report_id}/findings/{fingerprint}"): {"json": {"decision": "dismissed"}},
    ("POST", "/api/v1/reports/{report_id}/comments"): {"json": {"text": "一条意见"}},
    ("POST", "/api/v1/reports/{report_id}/return"): {"json": {"note": "请更正表三"}},
    ("POST", "/api/v1/reports/{report_id}/corrections"): {
        "json": {"field": "applications.new.natural_person", "value": 3, "reason": "原件为3"}
    },
    ("PATCH", "/api/v1/admin/users/{user_id}"): {"json": {"active": False}},
    ("PATCH", "/api/v1/admin/agencies/{agency_id}"): {"json": {"name": "改名"}},
    ("POST", "/ledger/{case_id:int}/events"): {"data": {"kind": "answered", "on": "2026-11-10"}},
    ("POST", "/ledger/{case_id:int}/close"): {"data": {"outcome": "granted", "on": "2026-11-12"}},
    ("POST", "/ledger/{case_id:int}/letters"): {"data": {"kind": "correction_notice"}},
    ("POST", "/ledger/{case_id:int}/appeals"): {
        "data": {"reference": "复2026-8", "route": "review", "filed": "2026-11-13"}
    },
    ("POST", "/ledger/{case_id:int}/appeals/{appeal_id:int}/decision"): {
        "data": {"result": "upheld", "decided": "2026-11-14"}
    },
    ("POST", "/report/{agency_id}/{year}"): {"data": {"version": "0", "title": "改了"}},
    ("POST", "/report/{agency_id}/{year}/audit"): {"data": {"version": "0", "title": "改了"}},
    ("POST", "/report/{agency_id}/{year}/submit"): {"data": {"version": "0"}},
    ("POST", "/api/v1/agencies/{agency_id}/reports/{year}/submit"): {},
    ("POST", "/check/{report_id}/findings/{fingerprint}"): {"data": {"decision": "dismissed"}},
    ("POST", "/check/{report_id}/comments"): {"data": {"text": "一条意见"}},
    ("POST", "/check/{report_id}/return"): {"data": {"note": "请更正表三"}},
    ("POST", "/check/{report_id}/submit"): {"data": {"reason": "更名"}},
    ("POST", "/check/{report_id}/agency"): {"data": {"name": "新设局", "level": "department", "parent_id": "1"}},
    ("POST", "/check/{report_id}/corrections"): {
        "data": {"field": "applications.new.natural_person", "value": "3", "reason": "原件为3"}
    },
    ("POST", "/api/v1/reports/{report_id}/submit"): {"json": {"reason": "更名"}},
    ("POST", "/admin/users/{user_id}"): {"data": {"display_name": "改名"}},
    ("POST", "/admin/users/{user_id}/active"): {"data": {"active": "0"}},
    ("POST", "/admin/users/{user_id}/password"): {"data": {"password": "new-pass-123"}},
    ("POST", "/admin/users/{user_id}/sessions"): {"data": {}},
    ("DELETE", "/api/v1/admin/users/{user_id}/sessions"): {},
    ("POST", "/admin/agencies/{agency_id}"): {"data": {"name": "改名"}},
}


@dataclass
class Objects:
    """The ids of one agency's objects, by kind; `fingerprint` is one of its report's findings."""

    ids: dict[str, list[int]] = field(default_factory=dict)
    fingerprint: str = ""


def _sample(agency: str) -> bytes:
    return (
        SAMPLE.read_text(encoding="utf-8")
        .replace("通化市二道江区审计局", agency)
        .replace("二道江区审计局", agency)
        .encode("utf-8")
    )


def _ok(response: Any, *codes: int) -> Any:
    assert response.status_code in codes, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:500]}"
    )
    return response.json()


def make_objects(world: World, clerk: str, reviewer: str, agency: str, mark: str) -> Objects:
    """A case (with an appeal), a stored report (with a comment and a review), a draft — for `agency`,
    through the API as its clerk and reviewer (test_api_schema seeds its worlds with it too)."""
    c, r = world.client(clerk), world.client(reviewer)
    agency_id = world.agencies[agency]
    case = _ok(
        c.post(
            "/api/v1/cases",
            json={
                "reference": f"{mark}-1",
                "received": "2026-11-02",
                "applicant_type": "natural_person",
                "applicant": f"{mark}申请人",
                "request": f"{mark}的申请内容",
            },
        ),
        201,
    )
    appeal_case = _ok(
        c.post(
            "/api/v1/cases",
            json={
                "reference": f"{mark}-2",
                "received": "2026-09-01",
                "applicant_type": "natural_person",
                "request": f"{mark}的申请内容",
            },
        ),
        201,
    )
    _ok(c.post(f"/api/v1/cases/{appeal_case['id']}/close", json={"outcome": "granted", "on": "2026-09-10"}), 200)
    with_appeal = _ok(
        c.post(
            f"/api/v1/cases/{appeal_case['id']}/appeals",
            json={"reference": f"复{mark}", "route": "review", "filed": "2026-10-01", "note": mark},
        ),
        201,
    )
    upload = _ok(
        c.post("/api/v1/reports?wait=60", files=[("files", (f"{mark}.txt", _sample(agency), "text/plain"))]), 201
    )
    report_id = upload["results"][0]["report"]["id"]
    fingerprint = _ok(r.get(f"/api/v1/reports/{report_id}/audit"), 200)["findings"][0]["fingerprint"]
    _ok(r.put(f"/api/v1/reports/{report_id}/findings/{fingerprint}", json={"decision": "confirmed", "note": mark}), 200)
    comment = _ok(r.post(f"/api/v1/reports/{report_id}/comments", json={"text": f"{mark}的意见"}), 201)
    _ok(
        c.put(
            f"/api/v1/agencies/{agency_id}/reports/{YEAR}", json={"version": 0, "sections": {"1": f"{mark}的总体情况"}}
        ),
        200,
    )
    government = world.agencies[agency[:1] + "县人民政府"]
    assert c.post(f"/ledger/{appeal_case['id']}/letters", data={"kind": "reply"}).status_code == 303  # 答复书
    with db.session(world.url) as s:
        letter = s.scalars(select(CaseDocument.id).where(CaseDocument.application_id == appeal_case["id"])).one()
    return Objects(
        {
            "agency": [agency_id, government],
            "case": [appeal_case["id"], case["id"]],
            "appeal": [with_appeal["appeals"][0]["id"]],
            "report": [report_id],
            "comment": [comment["id"]],
            "user": [world.users[clerk]],
            "job": [upload["id"]],
            "document": [letter],
        },
        fingerprint,
    )


@pytest.fixture
def objects(world: World) -> dict[str, Objects]:
    return {
        JIA: make_objects(world, "jia_cz", "jia_sup", JIA, MARK),
        YI: make_objects(world, "yi_cz", "yi_sup", YI, "乙县独有"),
    }


@dataclass(frozen=True)
class Route:
    """One APIRoute as the app serves it (its full path, under the router's prefix)."""

    path: str
    params: tuple[str, ...]
    query: tuple[str, ...]


def _routes(world: World) -> Iterator[tuple[str, Route]]:
    """(method, route) for every APIRoute, pages and API. FastAPI ≥ 0.165 keeps included routers as
    `_IncludedRouter` entries in ``app.routes``: `iter_route_contexts` flattens them (as the OpenAPI
    generator does)."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)  # FastAPI < 0.165: app.routes is flat
    contexts: Iterable[Any] = flatten(world.app.routes) if flatten else world.app.routes
    for ctx in contexts:
        if isinstance(getattr(ctx, "original_route", ctx), APIRoute):
            route = Route(ctx.path, tuple(ctx.param_convertors), tuple(p.name for p in ctx.dependant.query_params))
            for method in sorted(set(ctx.methods) - {"HEAD"}):
                yield method, route


def _fill(route: Route, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], route.path)


def _leaks(text: str) -> list[str]:
    return [name for name in LEAKS if name in text]


def _snapshot(url: str, agency_ids: list[int]) -> list[tuple[object, ...]]:
    """甲's rows as they stand (changes answered 4xx must not have been written)."""
    with db.session(url) as s:
        rows: list[tuple[object, ...]] = []
        for model in (Application, Appeal, StoredReport, Draft):
            table = model.__table__
            rows += [
                ("row", model.__tablename__, *row)
                for row in s.execute(select(table).where(table.c.agency_id.in_(agency_ids)).order_by(table.c.id))
            ]
        rows += [
            ("event", e.id, e.kind)
            for e in s.scalars(
                select(Event).join(Application).where(Application.agency_id.in_(agency_ids)).order_by(Event.id)
            )
        ]
        rows += [
            ("letter", d.id, d.kind)
            for d in s.scalars(
                select(CaseDocument)
                .join(Application)
                .where(Application.agency_id.in_(agency_ids))
                .order_by(CaseDocument.id)
            )
        ]
        rows += [
            ("comment", c.id, c.text)
            for c in s.scalars(
                select(Comment).join(StoredReport).where(StoredReport.agency_id.in_(agency_ids)).order_by(Comment.id)
            )
        ]
        rows += [
            ("review", f.id, f.decision, f.note)
            for f in s.scalars(
                select(FindingReview).where(FindingReview.owner_id.in_(agency_ids)).order_by(FindingReview.id)
            )
        ]
        return rows


def _call(client: TestClient, method: str, path: str, body: dict[str, Any] | None) -> Any:
    return client.request(method, path, **(body or {}))


def test_other_agencies_objects_are_not_found(world: World, objects: dict[str, Objects]) -> None:
    jia, yi = objects[JIA], objects[YI]
    before = _snapshot(world.url, jia.ids["agency"])
    problems: list[str] = []
    covered: list[str] = []
    askers = {name: world.client(name) for name in ("yi_cz", "yi_sup")}
    for method, route in _routes(world):
        names = list(route.params)
        unknown = [n for n in names if n not in PARAMS and n not in VALUES and n != "fingerprint"]
        if unknown:
            problems.append(f"{method} {route.path}: no rule for path parameter(s) {unknown}: add them to PARAMS")
            continue
        kinds = {n: PARAMS[n] for n in names if n in PARAMS}
        plain = {n: VALUES.get(n, jia.fingerprint) for n in names if n not in PARAMS}
        if not kinds:
            if method == "GET":
                covered.append(f"{method} {route.path}  (list: no 甲县 names)")
                problems += _check_list(askers, route, jia)
            continue
        body = BODIES.get((method, route.path))
        if method != "GET" and body is None:
            problems.append(f"{method} {route.path}: no valid body in BODIES (a write must be tried with one)")
            continue
        covered.append(f"{method} {route.path}  ({', '.join(f'{n}={k}' for n, k in kinds.items())})")
        for who, client in askers.items():
            problems += _check_objects(client, who, method, route, kinds, plain, body, jia, yi)
    print("\nroutes covered:\n  " + "\n  ".join(covered))
    assert not problems, "\n".join(problems)
    assert _snapshot(world.url, jia.ids["agency"]) == before, "甲县财政局's rows changed"


def _check_objects(
    client: TestClient,
    who: str,
    method: str,
    route: Route,
    kinds: dict[str, str],
    plain: dict[str, str],
    body: dict[str, Any] | None,
    jia: Objects,
    yi: Objects,
) -> list[str]:
    """甲's ids — all of them, or one beside the asker's own ids — answer 403/404 as a missing id would."""
    problems = []
    label = f"{who} {method} {route.path}"
    variants: list[dict[str, tuple[int, bool]]] = [  # name → (id, is 甲's)
        {n: (i, True) for n, i in zip(kinds, combo, strict=True)}
        for combo in itertools.product(*(jia.ids[k] for k in kinds.values()))
    ]
    if len(kinds) > 1:  # each of 甲's ids beside the asker's own ones: the route must check every one
        variants += [{n: ((jia if n == name else yi).ids[k][0], n == name) for n, k in kinds.items()} for name in kinds]
    for variant in variants:
        path = _fill(route, {**plain, **{n: str(i) for n, (i, _) in variant.items()}})
        reference = _fill(route, {**plain, **{n: str(MISSING if theirs else i) for n, (i, theirs) in variant.items()}})
        missing = _call(client, method, reference, body)
        r = _call(client, method, path, body)
        if r.status_code not in (403, 404):
            problems.append(f"{label} → {path}: {r.status_code}, expected 404 (or 403): {r.text[:200]}")
        elif r.status_code != missing.status_code:
            problems.append(
                f"{label} → {path}: {r.status_code}, but {missing.status_code} for {reference} (existence is revealed)"
            )
        if missing.status_code >= 500:
            problems.append(f"{label} → {reference}: {missing.status_code}")
        if leaked := _leaks(r.text):
            problems.append(f"{label} → {path}: the answer names {leaked}")
    own = _fill(route, {**plain, **{n: str(yi.ids[k][0]) for n, k in kinds.items()}})
    r = _call(client, method, own, body)
    if r.status_code == 404 or r.status_code >= 500 or _validation_error(r):
        # control: the same request on the asker's own objects is answered (403 for a role is fine), so the
        # 404s above come from the scope, not from a wrong request
        problems.append(
            f"{label} control → {own}: {r.status_code} on the asker's own objects "
            f"(is the request wrong?): {r.text[:200]}"
        )
    return problems


def _validation_error(r: Any) -> bool:
    if r.status_code != 422 or not r.headers.get("content-type", "").startswith("application/json"):
        return False
    return isinstance(r.json().get("detail"), list)


def _check_list(askers: dict[str, TestClient], route: Route, jia: Objects) -> list[str]:
    problems = []
    queries: list[dict[str, str]] = [{}] + [{n: str(i)} for n in route.query if n in PARAMS for i in jia.ids[PARAMS[n]]]
    for who, client in askers.items():
        for query in queries:
            r = client.get(route.path, params=query)
            label = f"{who} GET {route.path}{'?' if query else ''}{'&'.join(f'{k}={v}' for k, v in query.items())}"
            if r.status_code >= 500:
                problems.append(f"{label}: {r.status_code}")
            if leaked := _leaks(r.text):
                problems.append(f"{label}: {r.status_code}, the answer names {leaked}")
    return problems


def _csrf(client: TestClient) -> str:
    page = client.get("/login")
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m, "no CSRF field on the sign-in page"
    return m.group(1)


def test_signed_out_gets_nothing(world: World) -> None:
    anonymous = world.anonymous()
    anonymous.headers["X-CSRF-Token"] = _csrf(anonymous)  # so that writes reach the sign-in check
    problems, covered = [], []
    for method, route in _routes(world):
        if (method, route.path) in PUBLIC:
            continue
        values = dict.fromkeys(route.params, "1") | {k: v for k, v in VALUES.items() if k in route.params}
        path = _fill(route, values)
        r = anonymous.request(method, path)
        covered.append(f"{method} {route.path}")
        if route.path.startswith("/api/"):
            if r.status_code != 401:
                problems.append(f"{method} {path}: {r.status_code}, expected 401")
        elif r.status_code != 303 or not r.headers.get("location", "").startswith("/login"):
            problems.append(f"{method} {path}: {r.status_code} {r.headers.get('location', '')}, expected 303 to /login")
    print("\nroutes covered signed out:\n  " + "\n  ".join(covered))
    assert not problems, "\n".join(problems)
    assert len(covered) > 10
