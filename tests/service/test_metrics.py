"""/metrics (Prometheus) and the one-JSON-line-per-request access log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.logs import JsonFormatter
from tests.conftest import make_settings


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(data_dir, reload_interval_seconds=0))) as c:
        yield c


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(found: dict, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    client.get("/v1/recommendations", params={"article_id": "banjir-1"})
    client.get("/v1/recommendations", params={"article_id": "banjir-1"})
    client.get("/v1/recommendations", params={"article_id": "tidak-ada"})
    client.get("/v1/recommendations", params={"article_id": "bad id!"})
    client.get("/no/such/path/123")
    client.get("/no/such/path/456")
    found = samples(client)
    route = "/v1/recommendations"
    total = "recommender_http_requests_total"
    assert value(found, total, route=route, method="GET", status="200") == 2
    assert value(found, total, route=route, method="GET", status="404") == 1
    assert value(found, total, route=route, method="GET", status="422") == 1
    assert value(found, total, route="unmatched", method="GET", status="404") == 2
    count = "recommender_http_request_duration_seconds_count"
    assert value(found, count, route=route, method="GET", status="200") == 2
    inf = "recommender_http_request_duration_seconds_bucket"
    assert value(found, inf, route=route, method="GET", status="200", le="+Inf") == 2


def test_snapshot_and_cache_state(client: TestClient) -> None:
    version = client.get("/readyz").json()["snapshot"]
    for _ in range(3):
        client.get("/v1/recommendations", params={"article_id": "banjir-1"})
    found = samples(client)
    assert value(found, "recommender_snapshot_info", version=version) == 1
    assert value(found, "recommender_snapshot_items") == 31
    age = value(found, "recommender_snapshot_age_seconds")
    assert age is not None and 0 <= age < 3600
    assert value(found, "recommender_response_cache_hits_total") == 2
    assert value(found, "recommender_response_cache_misses_total") == 1
    assert value(found, "recommender_response_cache_hit_ratio") == pytest.approx(2 / 3)


def beacon_batch(client: TestClient, *kinds: str, first: int = 0) -> dict[str, object]:
    """A beacon of the widget for an answer to banjir-1: one event per kind, on the answer's
    articles from position `first` on (valid for "impression" and "click")."""
    answer = client.get("/v1/recommendations", params={"article_id": "banjir-1"}).json()
    items = answer["sections"][0]["items"]
    events = [
        {"kind": kind, "section": "rekomendasi_artikel", "item_id": items[i]["id"], "position": i}
        for i, kind in enumerate(kinds, start=first)
    ]
    return {
        "page_view": "0123456789abcdef0123456789abcdef",
        "article_id": "banjir-1",
        "event_token": answer["event_token"],
        "events": events,
    }


def test_events_are_counted_by_outcome(client: TestClient) -> None:
    """POST /v1/events through the app: stored events count as accepted, the events of a refused
    (422) beacon as rejected (a body that is not even a batch counts as one), by reason too;
    repeats as duplicates."""
    same_host = {"origin": "http://testserver", "content-type": "text/plain;charset=UTF-8"}
    first = beacon_batch(client, "impression", "impression", "click")
    for body in (first, beacon_batch(client, "impression", "click", first=3)):
        r = client.post("/v1/events", content=json.dumps(body), headers=same_host)
        assert r.status_code == 204, r.text
    found = samples(client)
    assert value(found, "recommender_events_total", outcome="accepted") == 5
    assert value(found, "recommender_events_total", outcome="rejected") is None
    malformed = beacon_batch(client, "impression", "hover")  # one unknown kind: all refused
    r = client.post("/v1/events", content=json.dumps(malformed), headers=same_host)
    assert r.status_code == 422
    r = client.post("/v1/events", content=b"{not json", headers=same_host)
    assert r.status_code == 422
    r = client.post("/v1/events", content=json.dumps(first), headers=same_host)  # sent again
    assert r.status_code == 204
    text = client.get("/metrics").text
    assert 'recommender_events_total{outcome="accepted"} 5.0' in text
    assert 'recommender_events_total{outcome="rejected"} 3.0' in text
    assert 'recommender_events_rejected_by_reason_total{reason="invalid"} 3.0' in text
    assert 'recommender_event_outcomes_total{outcome="duplicate"} 3.0' in text


def test_each_app_has_its_own_registry(data_dir: Path, client: TestClient) -> None:
    client.get("/healthz")
    with TestClient(create_app(make_settings(data_dir, reload_interval_seconds=0))) as other:
        found = samples(other)
    total = "recommender_http_requests_total"
    assert value(found, total, route="/healthz", method="GET", status="200") is None


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "recommender.access"
    ]


def test_one_json_log_line_per_request(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="recommender")
    ok = client.get(
        "/v1/recommendations",
        params={"article_id": "banjir-1", "history": "banjir-2"},
        headers={"X-Request-ID": "widget-42"},
    )
    missing = client.get("/v1/recommendations", params={"article_id": "tidak-ada"})
    lines = access_lines(caplog)
    assert len(lines) == 2
    first, second = lines
    assert first["request_id"] == "widget-42" == ok.headers["x-request-id"]
    assert first["status"] == 200 and first["route"] == "/v1/recommendations"
    assert first["method"] == "GET" and first["ms"] > 0 and first["level"] == "info"
    assert "history" not in json.dumps(first)  # query strings (reading history) are not logged
    assert second["status"] == 404
    assert second["request_id"] == missing.headers["x-request-id"]
    assert len(second["request_id"]) == 16 and second["request_id"] != first["request_id"]


@pytest.mark.parametrize("given", ["has space", "x" * 65, "semi;colon", ""])
def test_unsafe_request_ids_are_replaced(client: TestClient, given: str) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": given})
    assert r.headers["x-request-id"] != given and len(r.headers["x-request-id"]) == 16


def test_log_level_comes_from_settings(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(data_dir, reload_interval_seconds=0, log_level="warning")
    with TestClient(create_app(settings)) as client:
        client.get("/healthz")
    assert logging.getLogger("recommender").level == logging.WARNING
    assert access_lines(caplog) == []
