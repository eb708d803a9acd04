"""POST /v1/events through the real app: the body, validation, the SQLite log, the sponsored audit.

Every batch here is built from a real answer and its `event_token` (tests/beacons.py); what may
not be trusted (forged tokens, items that were not served) is tests/service/test_event_trust.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from recommender.settings import Settings
from service.app import create_app
from service.events import MAX_BODY_BYTES
from tests.beacons import PAGE_VIEW, batch, beacon, count, event, events_of, rows, served
from tests.conftest import make_settings

PUBLISHER = "https://www.kabar.example"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# Sponsor and label of the fixture corpus' live adverts, as the catalogue has them.
CATALOGUE = {
    "sp-bank-1": ("Konten Bersponsor", "Bank Maju Bersama"),
    "sp-motor-1": ("Advertorial", "Motor Listrik Garuda"),  # the campaign's own label
}
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def events_settings(data_dir: Path) -> Settings:
    return make_settings(data_dir, cors_origins=[PUBLISHER])


@pytest.fixture
def client(events_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(events_settings)) as c:
        yield c


def answer_of(client: TestClient, article_id: str = "banjir-1", **params: Any) -> dict[str, Any]:
    r = client.get("/v1/recommendations", params={"article_id": article_id, **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def first_of(answer: dict[str, Any], section: str, kind: str = "impression") -> dict[str, Any]:
    return events_of(answer, kind, section)[0]


def typical(answer: dict[str, Any]) -> dict[str, Any]:
    """An editorial and a sponsored impression, as the widget sends them."""
    return batch(
        answer,
        [first_of(answer, "rekomendasi_artikel"), first_of(answer, "konten_sponsor")],
    )


def log(settings: Settings, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    return rows(settings.resolved_event_log_path, sql, *args)


def metric(client: TestClient, name: str, **labels: str) -> float | None:
    """One sample of /metrics (None when absent)."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(client.get("/metrics").text):
        for s in family.samples:
            if s.name == name and s.labels == labels:
                return float(s.value)
    return None


def test_answers_carry_an_event_token(client: TestClient) -> None:
    answer = answer_of(client)
    assert list(answer) == ["article_id", "snapshot", "event_token", "sections"]
    body, dot, signature = answer["event_token"].partition(".")
    assert dot and body and signature


def test_a_beacon_is_stored_with_its_context(client: TestClient, events_settings: Settings) -> None:
    answer = answer_of(client)
    article, sponsored = first_of(answer, "rekomendasi_artikel"), first_of(answer, "konten_sponsor")
    label, sponsor = CATALOGUE[sponsored["item_id"]]
    r = beacon(client, batch(answer, [article, sponsored]))
    assert r.status_code == 204 and r.content == b""
    stored = log(
        events_settings,
        "SELECT kind, page_view, article_id, snapshot, section, item_id, position, sponsored,"
        " label, sponsor, flag, at FROM events ORDER BY id",
    )
    assert [row[:11] for row in stored] == [
        ("impression", PAGE_VIEW, "banjir-1", answer["snapshot"], "rekomendasi_artikel",
         article["item_id"], 0, 0, None, None, None),
        ("impression", PAGE_VIEW, "banjir-1", answer["snapshot"], "konten_sponsor",
         sponsored["item_id"], 0, 1, label, sponsor, None),
    ]  # fmt: skip
    assert all(row[11].endswith("+00:00") for row in stored)
    audit = log(
        events_settings,
        "SELECT kind, page_view, article_id, snapshot, item_id, position, label, sponsor"
        " FROM sponsored_audit",
    )
    assert audit == [
        ("impression", PAGE_VIEW, "banjir-1", answer["snapshot"], sponsored["item_id"], 0,
         label, sponsor),
    ]  # fmt: skip


def test_json_content_type_works_too(client: TestClient, events_settings: Settings) -> None:
    assert client.post("/v1/events", json=typical(answer_of(client))).status_code == 204
    assert len(log(events_settings, "SELECT id FROM events")) == 2


def test_the_audit_names_sponsor_and_label_from_the_catalogue(
    client: TestClient, events_settings: Settings
) -> None:
    """The client says nothing about sponsors: the audit has them from the snapshot."""
    answer = answer_of(client, "wire-1", sponsored=10)
    shown = events_of(answer, "impression", "konten_sponsor")
    clicked = events_of(answer, "click", "konten_sponsor")
    assert {e["item_id"] for e in shown} == {"sp-bank-1", "sp-motor-1"}
    assert beacon(client, batch(answer, shown + clicked)).status_code == 204
    audit = log(
        events_settings, "SELECT kind, item_id, label, sponsor FROM sponsored_audit ORDER BY id"
    )
    expected = [(e["kind"], e["item_id"], *CATALOGUE[e["item_id"]]) for e in shown + clicked]
    assert sorted(audit) == sorted(expected) and len(audit) == 4
    assert log(events_settings, "SELECT COUNT(*) FROM events WHERE sponsored = 1") == [(4,)]
    # Claiming a sponsor, a label or the sponsored flag is not even well-formed any more.
    for claim in ({"sponsored": False}, {"label": "Berita"}, {"sponsor": None}):
        r = beacon(client, batch(answer, [{**shown[0], **claim}], page_view="f" * 32))
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    assert len(log(events_settings, "SELECT id FROM sponsored_audit")) == 4


def test_a_sponsored_item_reported_as_editorial_is_refused(
    client: TestClient, events_settings: Settings
) -> None:
    """A client cannot hide a sponsored item in an editorial section (it was not served there)."""
    answer = answer_of(client, "wire-1", sponsored=10)
    sneaky = event("click", "rekomendasi_artikel", "sp-motor-1", 2)
    r = beacon(client, batch(answer, [sneaky]))
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "event_rejected"
    assert error["details"] == [{"field": "event_token", "reason": "not_served"}]
    assert count(events_settings.resolved_event_log_path) == 0
    assert count(events_settings.resolved_event_log_path, "sponsored_audit") == 0


def test_the_audit_trail_is_append_only(client: TestClient, events_settings: Settings) -> None:
    assert beacon(client, typical(answer_of(client))).status_code == 204
    with closing(sqlite3.connect(events_settings.resolved_event_log_path)) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE sponsored_audit SET label = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="kept for 400 days"):
            db.execute("DELETE FROM sponsored_audit")
    assert count(events_settings.resolved_event_log_path, "sponsored_audit") == 1


def test_events_are_stored_once(client: TestClient, events_settings: Settings) -> None:
    """One impression and one click per (page view, item): repeats are dropped and counted."""
    answer = answer_of(client)
    shown = events_of(answer)
    n = len(shown)
    assert n == 12  # 6 articles, 4 videos, the 2 live adverts
    assert beacon(client, batch(answer, shown)).status_code == 204
    assert count(events_settings.resolved_event_log_path) == n
    again = beacon(client, batch(answer, shown))  # a retried post
    assert again.status_code == 204
    twice = [first_of(answer, "video_pilihan", "click")] * 2  # the same click twice in one batch
    assert beacon(client, batch(answer, twice)).status_code == 204
    assert count(events_settings.resolved_event_log_path) == n + 1
    assert log(events_settings, "SELECT COUNT(*) FROM events WHERE kind = 'click'") == [(1,)]
    assert count(events_settings.resolved_event_log_path, "sponsored_audit") == 2
    # Another page view showing the same answer is another reader: stored again.
    assert beacon(client, batch(answer, shown, page_view="9" * 32)).status_code == 204
    assert count(events_settings.resolved_event_log_path) == 2 * n + 1
    assert metric(client, "recommender_events_total", outcome="accepted") == 2 * n + 1
    assert metric(client, "recommender_event_outcomes_total", outcome="duplicate") == n + 1
    assert metric(client, "recommender_events_total", outcome="rejected") is None


def test_a_click_without_an_impression_is_stored_flagged(
    client: TestClient, events_settings: Settings
) -> None:
    answer = answer_of(client)
    (_, _, first), (_, _, second), (_, _, third) = served(answer)[:3]
    items = events_of(answer)
    clicks = events_of(answer, "click")
    assert beacon(client, batch(answer, [clicks[0]])).status_code == 204  # never seen
    assert beacon(client, batch(answer, [items[1]])).status_code == 204
    assert beacon(client, batch(answer, [clicks[1]])).status_code == 204  # seen before
    # In one batch the impression counts first, whatever the order the client sent.
    assert beacon(client, batch(answer, [clicks[2], items[2]])).status_code == 204
    flags = log(
        events_settings, "SELECT item_id, kind, flag FROM events WHERE kind = 'click' ORDER BY id"
    )
    assert flags == [(first, "click", "no_impression"), (second, "click", None),
                     (third, "click", None)]  # fmt: skip
    # An impression that arrives later does not clear the flag: the click stays suspect.
    assert beacon(client, batch(answer, [items[0]])).status_code == 204
    assert log(events_settings, "SELECT flag FROM events WHERE item_id = ? AND kind = 'click'",
               first) == [("no_impression",)]  # fmt: skip


def test_a_page_view_reports_at_most_its_cap(data_dir: Path) -> None:
    settings = make_settings(data_dir, max_events_per_page_view=5)
    with TestClient(create_app(settings)) as client:
        answer = answer_of(client)
        shown = events_of(answer)
        assert beacon(client, batch(answer, shown[:4])).status_code == 204
        r = beacon(client, batch(answer, shown[4:6]))  # 4 + 2 > 5: the whole batch is refused
        assert r.status_code == 422
        assert r.json()["error"]["details"][0]["reason"] == "page_view_cap"
        assert beacon(client, batch(answer, shown[4:5])).status_code == 204  # 5: still allowed
        assert beacon(client, batch(answer, shown[:6], page_view="8" * 32)).status_code == 422
        assert beacon(client, batch(answer, shown[:5], page_view="8" * 32)).status_code == 204
        cap = metric(client, "recommender_events_rejected_by_reason_total", reason="page_view_cap")
        assert cap == 8
    path = settings.resolved_event_log_path
    assert rows(path, "SELECT page_view, COUNT(*) FROM events GROUP BY 1 ORDER BY 1") == [
        (PAGE_VIEW, 5),
        ("8" * 32, 5),
    ]


def test_crawlers_are_counted_not_stored(client: TestClient, events_settings: Settings) -> None:
    answer = answer_of(client)
    body = batch(answer, events_of(answer))
    for agent in (GOOGLEBOT, "facebookexternalhit/1.1", "Mozilla/5.0 (compatible; bingbot/2.0)"):
        r = beacon(client, body, **{"user-agent": agent})
        assert r.status_code == 204, agent
    assert count(events_settings.resolved_event_log_path) == 0
    n = len(body["events"])
    assert metric(client, "recommender_event_outcomes_total", outcome="bot") == 3 * n
    assert metric(client, "recommender_events_total", outcome="accepted") is None
    # A reader's browser, headless or not, is no crawler.
    assert beacon(client, body, **{"user-agent": CHROME}).status_code == 204
    assert count(events_settings.resolved_event_log_path) == n


def bad_event(**change: Any) -> dict[str, Any]:
    e = {"kind": "click", "section": "video_pilihan", "item_id": "vid-banjir-1", "position": 1}
    e.update(change)
    return body_with(events=[EVENT, e])


# A well-formed body whose token does not verify: each case below must be refused before that.
EVENT = event("impression", "rekomendasi_artikel", "banjir-2", 0)
TOKEN = "eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA"


def body_with(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "page_view": PAGE_VIEW,
        "article_id": "banjir-1",
        "event_token": TOKEN,
        "events": [EVENT],
    }
    body.update(overrides)
    return body


MALFORMED = {
    "not json": "{'page_view': ",
    "empty body": "",
    "a list": "[]",
    "no events": body_with(events=[]),
    "missing page view": {k: v for k, v in body_with().items() if k != "page_view"},
    "missing token": {k: v for k, v in body_with().items() if k != "event_token"},
    "token not a token": body_with(event_token="not a token at all"),
    "token too short": body_with(event_token="abc.def"),
    "token as a number": body_with(event_token=12345678901234567890),
    "short page view": body_with(page_view="abc"),
    "unknown field": body_with(user="someone"),
    "the old snapshot field": body_with(snapshot="20261128T101500123456Z"),
    "bad article id": body_with(article_id="../etc/passwd"),
    "unknown kind": bad_event(kind="hover"),
    "position as text": bad_event(position="1"),
    "negative position": bad_event(position=-1),
    "position too large": bad_event(position=50),
    "bad item id": bad_event(item_id="a b"),
    "bad section": bad_event(section="Rekomendasi Artikel"),
    "sponsored claimed": bad_event(sponsored=True),
    "sponsor claimed": bad_event(sponsor="Bank Maju Bersama", label="Konten Bersponsor"),
    "unknown event field": bad_event(score=1.0),
    "too many events": body_with(events=[EVENT] * 101),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_events_get_422_and_nothing_is_stored(
    client: TestClient, events_settings: Settings, body: Any
) -> None:
    r = beacon(client, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_input" and error["message"]
    assert count(events_settings.resolved_event_log_path) == 0


def test_an_oversize_body_is_refused_unread(client: TestClient, events_settings: Settings) -> None:
    huge = json.dumps(body_with(padding="x" * MAX_BODY_BYTES))
    r = beacon(client, huge)
    assert r.status_code in (413, 422)
    assert r.json()["error"]["code"] in ("payload_too_large", "invalid_input")
    assert count(events_settings.resolved_event_log_path) == 0


def test_only_this_host_and_configured_origins_may_send(
    client: TestClient, events_settings: Settings
) -> None:
    answer = answer_of(client)
    body = typical(answer)
    assert beacon(client, body, origin=PUBLISHER).status_code == 204
    same_host = {**body, "page_view": "1" * 32}
    assert beacon(client, same_host, origin="http://testserver").status_code == 204
    r = beacon(client, {**body, "page_view": "2" * 32}, origin="https://evil.example")
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    assert len(log(events_settings, "SELECT id FROM events")) == 4
    assert metric(client, "recommender_events_rejected_by_reason_total", reason="origin") == 2


@pytest.mark.parametrize("origin", ["http://[zz]", "http://[object Object]", "https://a:99999"])
def test_an_origin_that_is_no_url_is_refused_as_not_allowed(
    client: TestClient, events_settings: Settings, origin: str
) -> None:
    r = beacon(client, typical(answer_of(client)), origin=origin)
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    assert origin in r.json()["error"]["message"]
    assert count(events_settings.resolved_event_log_path) == 0


def test_event_log_path_setting(tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "elsewhere" / "widget-events.db"
    settings = make_settings(data_dir, event_log_path=target)
    with TestClient(create_app(settings)) as c:
        assert beacon(c, typical(answer_of(c))).status_code == 204
    assert target.exists() and not (data_dir / "events.sqlite3").exists()
    assert len(rows(target, "SELECT id FROM events")) == 2


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
