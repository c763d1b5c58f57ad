"""The product on every day of the year: registration, the due board, the case page, the admin page and the demo
seed with "today" at the edges of the working calendar.

The library is pinned to chinesecalendar 1.11.0's range (2004–2026) whatever version is installed, so 2026 is the
last covered year and 2027 the first uncovered one; 2028-02-29 is a leap day in an uncovered year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nianbao.ledger import calendar as cal
from nianbao.ledger.calendar import WorkingCalendar
from nianbao.store import db
from nianbao.store.models import Application, Event
from nianbao.web import Settings, create_app, demo
from tests.web.conftest import build_world

LAST_COVERED = 2026
EDGE_DAYS = [dt.date(y, m, d) for y in (LAST_COVERED, LAST_COVERED + 1) for m, d in ((1, 1), (12, 20), (12, 31))]
EDGE_DAYS.append(dt.date(2028, 2, 29))


@pytest.fixture(autouse=True)
def _library_stops_at_2026(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cal, "LIBRARY_YEARS", (2004, LAST_COVERED))
    cal._library_is_workday.cache_clear()
    yield
    cal._library_is_workday.cache_clear()


@pytest.mark.parametrize("today", EDGE_DAYS, ids=str)
def test_a_clerk_registers_an_application_received_today(ledger_url: str, today: dt.date) -> None:
    world = build_world(ledger_url, today=today)
    clerk = world.client("jia_cz")
    made = clerk.post("/api/v1/cases", json={"reference": "T-1", "applicant_type": "自然人"})
    assert made.status_code == 201, made.text
    case = made.json()
    assert case["received"] == today.isoformat()
    expected = WorkingCalendar().add_workdays(today, 20)
    provisional = expected.year > LAST_COVERED
    deadline = case["deadline"]
    assert deadline["due"] == expected.isoformat()
    assert deadline["provisional"] is provisional
    first_counted = today + dt.timedelta(days=1)  # the receipt day itself is not counted
    assert deadline["provisional_years"] == list(range(max(first_counted.year, LAST_COVERED + 1), expected.year + 1))
    assert deadline["explanation"][-1].startswith("暂定：") is provisional

    board = clerk.get("/api/v1/due").json()
    assert [(i["reference"], i["deadline"], i["provisional"]) for i in board["items"]] == [
        ("T-1", expected.isoformat(), provisional)
    ]
    assert board["calendar_notice"] is not None  # the next year (at least) is never covered here
    assert f"{today.year + 1}年" in board["calendar_notice"]
    page = clerk.get("/ledger/due")
    assert page.status_code == 200
    assert "calendar-notice" in page.text
    assert ('class="badge provisional"' in page.text) is provisional
    shown = clerk.get(f"/ledger/{case['id']}")
    assert shown.status_code == 200
    assert ("暂定：" in shown.text) is provisional

    # the rest of a case's life on the same day: an event, closing
    step = clerk.post(f"/api/v1/cases/{case['id']}/events", json={"kind": "答复", "expected_version": 1})
    assert step.status_code == 201, step.text
    closed = clerk.post(
        f"/api/v1/cases/{case['id']}/close", json={"outcome": "granted", "expected_version": step.json()["version"]}
    )
    assert closed.status_code == 200, closed.text
    world.close()


def test_loading_the_schedule_makes_provisional_deadlines_exact_with_an_event(ledger_url: str) -> None:
    world = build_world(ledger_url, today=dt.date(2026, 12, 21))
    clerk, admin = world.client("jia_cz"), world.client("admin")
    late = clerk.post(
        "/api/v1/cases", json={"reference": "D-1", "applicant_type": "自然人", "received": "2026-12-20"}
    ).json()
    done = clerk.post(
        "/api/v1/cases", json={"reference": "D-2", "applicant_type": "自然人", "received": "2026-12-21"}
    ).json()
    assert late["deadline"]["provisional"]
    closed = clerk.post(f"/api/v1/cases/{done['id']}/close", json={"outcome": "granted", "on": "2026-12-22"})
    assert closed.status_code == 200, closed.text
    page = admin.get("/admin")
    assert "工作日历尚未收录2027年的国务院放假安排" in page.text

    loaded = admin.put("/api/v1/admin/calendar", json={"text": "year: 2027\n2027-01-01 休\n2027-01-04 休\n"})
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["refreshed_cases"] == 1  # the closed case keeps its deadline
    after = clerk.get(f"/api/v1/cases/{late['id']}").json()
    assert after["deadline"]["due"] == "2027-01-19"
    assert not after["deadline"]["provisional"]
    recomputed = [e for e in after["events"] if e["kind"] == "deadline_recomputed"]
    assert [(e["kind_label"], e["on"]) for e in recomputed] == [("答复期限重新计算", "2026-12-21")]
    assert "2027-01-18（暂定）改为2027-01-19" in recomputed[0]["note"]
    assert "导入2027年国务院放假安排" in recomputed[0]["note"]
    untouched = clerk.get(f"/api/v1/cases/{done['id']}").json()
    assert not [e for e in untouched["events"] if e["kind"] == "deadline_recomputed"]
    assert "工作日历尚未收录2027年" not in admin.get("/admin").text
    # a case can still be closed on a date before the recomputation was recorded
    back = clerk.post(f"/api/v1/cases/{late['id']}/close", json={"outcome": "granted", "on": "2026-12-20"})
    assert back.status_code == 200, back.text
    world.close()


def test_a_newer_chinesecalendar_settles_provisional_deadlines_at_start(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nianbao.ledger import calendar_store

    world = build_world(ledger_url, today=dt.date(2026, 12, 21))
    made = (
        world.client("jia_cz")
        .post("/api/v1/cases", json={"reference": "N-1", "applicant_type": "自然人", "received": "2026-12-20"})
        .json()
    )
    assert made["deadline"]["provisional"]
    monkeypatch.setattr(cal, "LIBRARY_YEARS", (2004, 2027))  # as if a release covering 2027 were installed
    with db.session(ledger_url) as s:
        assert calendar_store.settle_deadlines(s, dt.date(2026, 12, 22), "工作日历已收录", provisional_only=True) == 1
    with db.session(ledger_url) as s:
        assert calendar_store.settle_deadlines(s, dt.date(2026, 12, 22), "工作日历已收录", provisional_only=True) == 0
        case = s.get(Application, made["id"])
        assert case is not None
        assert not case.due_provisional
        kinds = [e.kind for e in s.scalars(select(Event).where(Event.application_id == case.id))]
        assert kinds == ["registered", "deadline_recomputed"]
    world.close()


@pytest.mark.parametrize("today", EDGE_DAYS, ids=str)
def test_the_demo_seeds_and_serves_on_any_day(tmp_path: Path, today: dt.date) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    with db.session(url) as s:
        assert demo.seed(s, today=today, fast_hashes=True, scale=0.2)
    with db.session(url) as s:
        assert (s.scalar(select(func.count()).select_from(Application)) or 0) > 50
        provisional = (
            s.scalar(
                select(func.count())
                .select_from(Application)
                .where(Application.status == "open", Application.due_provisional.is_(True))
            )
            or 0
        )
        if today.month == 12:  # the last weeks' applications are open, due next year: provisional
            assert provisional > 0
    app = create_app(Settings(database_url=url, today=lambda: today))
    pages = {
        "caizheng": ("/", "/ledger", "/ledger/due", "/report"),
        "zhengwu": ("/jurisdiction",),
        "admin": ("/admin",),
    }
    for username, paths in pages.items():
        with TestClient(app) as client:
            signed = client.post("/api/v1/session", json={"username": username, "password": demo.DEMO_PASSWORD})
            assert signed.status_code == 200
            for path in paths:
                assert client.get(path).status_code == 200, path
    db.dispose(url)
