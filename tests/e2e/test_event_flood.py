"""A flood of events against a real uvicorn server (#10): 20,000 events from one address in about
ten seconds, with a valid token and the default rate (600 a minute). The rate limit answers 429,
the data folder barely grows, and what is accepted is stored, and counted, once."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from tests.beacons import TEXT_PLAIN, URL, batch, count, events_of, rows
from tests.conftest import make_settings
from tests.server import running_server

EVENTS = 20_000
PER_POST = 100
PAGE_VIEWS = [f"{n:032x}" for n in range(1, 6)]
SECONDS = 10.0
MAX_GROWTH = 2 * 1024 * 1024


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def samples(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(http.get("/metrics").text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_a_flood_is_limited_and_valid_events_are_counted_once(data_dir: Path) -> None:
    settings = make_settings(data_dir, log_level="warning")
    assert settings.events.events_rate_per_minute == 600  # the default
    with running_server(create_app(settings)) as base, httpx.Client(base_url=base) as http:
        params: dict[str, str | int] = {
            "article_id": "banjir-1",
            "articles": 20,
            "videos": 10,
            "sponsored": 10,
        }
        answer: dict[str, Any] = http.get("/v1/recommendations", params=params).json()
        possible = events_of(answer, "impression") + events_of(answer, "click")
        before = folder_bytes(data_dir)

        bodies = []
        for n in range(EVENTS // PER_POST):
            events = [possible[(n * PER_POST + j) % len(possible)] for j in range(PER_POST)]
            bodies.append(batch(answer, events, PAGE_VIEWS[n % len(PAGE_VIEWS)]))
        answers: list[httpx.Response] = []
        started = time.monotonic()
        for n, body in enumerate(bodies):  # evenly over SECONDS
            pause = started + n * SECONDS / len(bodies) - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            answers.append(http.post(URL, content=json.dumps(body), headers=TEXT_PLAIN))
        elapsed = time.monotonic() - started
        found = samples(http)
        grown = folder_bytes(data_dir) - before

    statuses = [r.status_code for r in answers]
    accepted = [body for body, status in zip(bodies, statuses, strict=True) if status == 204]
    limited = [r for r in answers if r.status_code == 429]
    print(
        f"\nflood: {len(bodies)} posts of {PER_POST} events in {elapsed:.1f} s:"
        f" {len(accepted)} accepted, {len(limited)} answered 429; the data folder grew {grown} bytes"
    )
    assert elapsed < 3 * SECONDS
    assert set(statuses) == {204, 429}
    # 600 at once, then 10 a second: 6 posts, and one more every 10 s (a little slack for time).
    assert 6 <= len(accepted) <= 6 + int(elapsed / 10) + 2, statuses
    assert len(limited) >= len(bodies) - 10
    for r in limited:
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert r.json()["error"]["code"] == "rate_limited"
    assert grown <= MAX_GROWTH

    # Stored once: each (page view, item, kind) of the accepted posts, nothing of the others.
    expected = {
        (body["page_view"], e["item_id"], e["kind"]) for body in accepted for e in body["events"]
    }
    path = settings.resolved_event_log_path
    stored = rows(path, "SELECT page_view, item_id, kind FROM events")
    assert len(stored) == len(set(stored)) == len(expected) and set(stored) == expected
    adverts = {
        i["id"] for s in answer["sections"] if s["key"] == "konten_sponsor" for i in s["items"]
    }
    audited = {(pv, item, kind) for pv, item, kind in expected if item in adverts}
    assert count(path, "sponsored_audit") == len(audited)
    # Counted once too: accepted = stored, the rest of the accepted posts as duplicates.
    assert found[("recommender_events_total", (("outcome", "accepted"),))] == len(expected)
    duplicates = found[("recommender_event_outcomes_total", (("outcome", "duplicate"),))]
    assert duplicates == PER_POST * len(accepted) - len(expected)
    rate_limited = (("reason", "rate_limited"),)
    refused = found[("recommender_events_rejected_by_reason_total", rate_limited)]
    assert refused == PER_POST * len(limited)
    assert found[("recommender_events_total", (("outcome", "rejected"),))] == refused
