"""POST /v1/events through the real app: validation, the SQLite log, the sponsored audit trail."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from recommender.settings import Settings
from service.app import create_app
from service.events import MAX_BODY_BYTES
from tests.conftest import make_settings

PUBLISHER = "https://www.kabar.example"
PAGE_VIEW = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def events_settings(data_dir: Path) -> Settings:
    return make_settings(data_dir, cors_origins=[PUBLISHER])


@pytest.fixture
def client(events_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(events_settings)) as c:
        yield c


def batch(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "page_view": PAGE_VIEW,
        "article_id": "banjir-1",
        "snapshot": "20261128T101500123456Z",
        "events": [
            {"kind": "impression", "section": "rekomendasi_artikel", "item_id": "banjir-2",
             "position": 0},
            {"kind": "impression", "section": "konten_sponsor", "item_id": "sp-bank-1",
             "position": 0, "sponsored": True, "label": "Konten Bersponsor",
             "sponsor": "Bank Maju Bersama"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def beacon(client: TestClient, body: Any, **headers: str) -> Any:
    """What navigator.sendBeacon sends: a JSON string as text/plain."""
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        "/v1/events", content=raw, headers={"content-type": "text/plain;charset=UTF-8", **headers}
    )


def rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    path = settings.resolved_event_log_path
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_a_beacon_is_stored_with_its_context(client: TestClient, events_settings: Settings) -> None:
    r = beacon(client, batch())
    assert r.status_code == 204 and r.content == b""
    stored = rows(
        events_settings,
        "SELECT kind, page_view, article_id, snapshot, section, item_id, position, sponsored,"
        " label, sponsor, at FROM events ORDER BY id",
    )
    assert [row[:10] for row in stored] == [
        ("impression", PAGE_VIEW, "banjir-1", "20261128T101500123456Z", "rekomendasi_artikel",
         "banjir-2", 0, 0, None, None),
        ("impression", PAGE_VIEW, "banjir-1", "20261128T101500123456Z", "konten_sponsor",
         "sp-bank-1", 0, 1, "Konten Bersponsor", "Bank Maju Bersama"),
    ]  # fmt: skip
    assert stored[0][10].endswith("+00:00")
    audit = rows(events_settings, "SELECT kind, item_id, label, sponsor FROM sponsored_audit")
    assert audit == [("impression", "sp-bank-1", "Konten Bersponsor", "Bank Maju Bersama")]


def test_json_content_type_works_too(client: TestClient, events_settings: Settings) -> None:
    assert client.post("/v1/events", json=batch()).status_code == 204
    assert len(rows(events_settings, "SELECT id FROM events")) == 2


def test_the_audit_names_the_sponsor_from_the_snapshot(
    client: TestClient, events_settings: Settings
) -> None:
    """A client that hides the sponsor (or the sponsored flag) does not hide it from the audit."""
    sneaky = {"kind": "click", "section": "rekomendasi_artikel", "item_id": "sp-motor-1",
              "position": 2}  # fmt: skip
    assert beacon(client, batch(events=[sneaky])).status_code == 204
    audit = rows(events_settings, "SELECT kind, item_id, label, sponsor FROM sponsored_audit")
    assert audit == [("click", "sp-motor-1", None, "Motor Listrik Garuda")]


def test_the_audit_trail_is_append_only(client: TestClient, events_settings: Settings) -> None:
    beacon(client, batch())
    with sqlite3.connect(events_settings.resolved_event_log_path) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE sponsored_audit SET label = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM sponsored_audit")


def bad_event(**change: Any) -> dict[str, Any]:
    event = {"kind": "click", "section": "video_pilihan", "item_id": "vid-banjir-1", "position": 1}
    event.update(change)
    return batch(events=[batch()["events"][0], event])


MALFORMED = {
    "not json": "{'page_view': ",
    "empty body": "",
    "a list": "[]",
    "no events": batch(events=[]),
    "missing page view": {k: v for k, v in batch().items() if k != "page_view"},
    "short page view": batch(page_view="abc"),
    "unknown field": batch(user="someone"),
    "bad article id": batch(article_id="../etc/passwd"),
    "unknown kind": bad_event(kind="hover"),
    "position as text": bad_event(position="1"),
    "negative position": bad_event(position=-1),
    "bad item id": bad_event(item_id="a b"),
    "bad section": bad_event(section="Rekomendasi Artikel"),
    "sponsored without label": bad_event(sponsored=True),
    "unknown event field": bad_event(score=1.0),
    "too many events": batch(events=batch()["events"][:1] * 101),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_events_get_422_and_nothing_is_stored(
    client: TestClient, events_settings: Settings, body: Any
) -> None:
    r = beacon(client, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_input" and error["message"]
    assert rows(events_settings, "SELECT id FROM events") == []


def test_an_oversize_body_is_refused_unread(client: TestClient, events_settings: Settings) -> None:
    huge = json.dumps(batch(padding="x" * MAX_BODY_BYTES))
    r = beacon(client, huge)
    assert r.status_code in (413, 422)
    assert r.json()["error"]["code"] in ("payload_too_large", "invalid_input")
    assert rows(events_settings, "SELECT id FROM events") == []


def test_only_this_host_and_configured_origins_may_send(
    client: TestClient, events_settings: Settings
) -> None:
    assert beacon(client, batch(), origin=PUBLISHER).status_code == 204
    assert beacon(client, batch(), origin="http://testserver").status_code == 204  # same host
    r = beacon(client, batch(), origin="https://evil.example")
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    assert len(rows(events_settings, "SELECT id FROM events")) == 4


def test_event_log_path_setting(tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "elsewhere" / "widget-events.db"
    settings = make_settings(data_dir, event_log_path=target)
    with TestClient(create_app(settings)) as c:
        assert beacon(c, batch()).status_code == 204
    assert target.exists() and not (data_dir / "events.sqlite3").exists()
    assert len(rows(settings, "SELECT id FROM events")) == 2


def test_cors_lets_only_configured_origins_read_answers(client: TestClient) -> None:
    params = {"article_id": "banjir-1"}
    ok = client.get("/v1/recommendations", params=params, headers={"origin": PUBLISHER})
    assert ok.headers["access-control-allow-origin"] == PUBLISHER
    other = client.get(
        "/v1/recommendations", params=params, headers={"origin": "https://evil.example"}
    )
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/v1/events",
        headers={"origin": PUBLISHER, "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PUBLISHER
    denied = client.options(
        "/v1/events",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert denied.status_code == 400


def test_cors_answers_are_not_shared_between_origins(client: TestClient) -> None:
    """The response cache must not hand one origin's CORS header to another."""
    params = {"article_id": "timnas-1"}
    first = client.get("/v1/recommendations", params=params, headers={"origin": PUBLISHER})
    assert first.headers["access-control-allow-origin"] == PUBLISHER
    again = client.get(
        "/v1/recommendations", params=params, headers={"origin": "https://x.example"}
    )
    assert "access-control-allow-origin" not in again.headers


def test_cors_origins_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        make_settings(tmp_path, cors_origins=["kabar.example/path"])
    assert make_settings(
        tmp_path, cors_origins="https://a.example, https://b.example/"
    ).service.cors_origins == [
        "https://a.example",
        "https://b.example",
    ]
