"""POST /v1/events through the real app into the PostgreSQL store (#15): stored once with its
sponsored audit, and a database that cannot be reached is a 503 in the one error shape while
answers are still served."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from tests.beacons import batch, beacon, events_of
from tests.conftest import make_settings
from tests.event_stores import Backend
from tests.processes import free_port


def test_a_beacon_goes_to_postgres_once(data_dir: Path, postgres_url: str) -> None:
    pg = Backend("postgres", data_dir / "unused.sqlite3", postgres_url)
    settings = make_settings(data_dir, events_url=postgres_url)
    with TestClient(create_app(settings)) as client:
        answer = client.get("/v1/recommendations", params={"article_id": "banjir-1"}).json()
        shown = [events_of(answer, "impression", s)[0]
                 for s in ("rekomendasi_artikel", "konten_sponsor")]  # fmt: skip
        for _ in range(2):  # the widget's retry: stored once
            assert beacon(client, batch(answer, shown)).status_code == 204
    assert not (data_dir / "events.sqlite3").exists()  # nothing went to the embedded store
    assert pg.raw("SELECT section, kind FROM events ORDER BY id") == [
        ("rekomendasi_artikel", "impression"),
        ("konten_sponsor", "impression"),
    ]
    assert pg.raw("SELECT COUNT(*) FROM sponsored_audit") == [(1,)]
    assert pg.raw("SELECT section FROM served") == [("rekomendasi_artikel",)]  # editorial only


def test_an_unreachable_database_is_a_503_and_answers_go_on(data_dir: Path) -> None:
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/events"  # nobody listens there
    settings = make_settings(data_dir, events_url=dead, events_timeout_seconds=0.5)
    with TestClient(create_app(settings)) as client:
        r = client.get("/v1/recommendations", params={"article_id": "banjir-1"})
        assert r.status_code == 200
        answer = r.json()
        posted = beacon(
            client, batch(answer, events_of(answer, "impression", "rekomendasi_artikel"))
        )
        assert posted.status_code == 503, posted.text
        error = posted.json()["error"]
        assert error["code"] == "event_store_unavailable" and "unreachable" in error["message"]
        assert (
            client.get("/v1/recommendations", params={"article_id": "banjir-2"}).status_code == 200
        )
