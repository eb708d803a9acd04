"""The HTTP API through the real app (TestClient) on a real snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recommender.settings import Settings
from service.app import create_app
from service.schemas import ErrorOut, RecommendationsOut
from tests.conftest import make_settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def sections(body: dict) -> dict[str, dict]:
    return {s["key"]: s for s in body["sections"]}


def test_three_sections_with_sensible_items(client: TestClient) -> None:
    r = client.get("/v1/recommendations", params={"article_id": "banjir-1"})
    assert r.status_code == 200
    body = r.json()
    RecommendationsOut.model_validate(body)
    assert list(body) == ["article_id", "snapshot", "event_token", "sections"]
    assert RecommendationsOut.model_validate(body).event_token == body["event_token"]
    assert [s["key"] for s in body["sections"]] == [
        "rekomendasi_artikel",
        "video_pilihan",
        "konten_sponsor",
    ]
    s = sections(body)
    articles = [i["id"] for i in s["rekomendasi_artikel"]["items"]]
    assert len(articles) == 6 and "banjir-1" not in articles
    assert set(articles[:3]) <= {"banjir-2", "banjir-3", "banjir-4"}, articles
    videos = [i["id"] for i in s["video_pilihan"]["items"]]
    assert len(videos) == 4 and set(videos[:2]) == {"vid-banjir-1", "vid-banjir-2"}
    assert all(i["type"] == "video" for i in s["video_pilihan"]["items"])
    assert s["rekomendasi_artikel"]["title"] == "Rekomendasi Artikel"
    assert s["video_pilihan"]["title"] == "Video Pilihan"
    item = s["rekomendasi_artikel"]["items"][0]
    assert set(item) >= {
        "id",
        "type",
        "title",
        "url",
        "lead",
        "image_url",
        "image_caption",
        "section",
        "published_at",
        "score",
    }
    assert "sponsor" not in item
    assert body["snapshot"] == client.get("/readyz").json()["snapshot"]


def test_sponsored_section_is_separate_active_and_labelled(client: TestClient) -> None:
    body = client.get(
        "/v1/recommendations", params={"article_id": "wire-1", "sponsored": 10}
    ).json()
    s = sections(body)
    sponsored = s["konten_sponsor"]
    assert sponsored["sponsored"] is True
    assert sponsored["label"] == "Konten Bersponsor"
    assert "Kabar Nusantara" in sponsored["disclosure"]
    ids = [i["id"] for i in sponsored["items"]]
    # sp-bank-2 ended on 2026-11-10, sp-future-1 starts in 2029: neither is served now.
    assert sorted(ids) == ["sp-bank-1", "sp-motor-1"]
    assert (
        ids[0] == "sp-bank-1"
    )  # the finance advert is the more relevant to an interest-rate story
    assert all(i["sponsor"]["name"] for i in sponsored["items"])
    editorial = [i for k in ("rekomendasi_artikel", "video_pilihan") for i in s[k]["items"]]
    assert not any(i["id"].startswith("sp-") or "sponsor" in i for i in editorial)


def test_counts_and_unpublished_never_served(client: TestClient) -> None:
    r = client.get(
        "/v1/recommendations",
        params={"article_id": "banjir-2", "articles": 20, "videos": 0, "sponsored": 0},
    )
    s = sections(r.json())
    ids = [i["id"] for i in s["rekomendasi_artikel"]["items"]]
    # 20 other published articles, but the republished wire story collapses into one (#3)
    assert len(ids) == 19 and "retracted-1" not in ids and "banjir-2" not in ids
    assert ("wire-1" in ids) != ("wire-2" in ids)
    assert s["video_pilihan"]["items"] == [] and s["konten_sponsor"]["items"] == []
    missing = client.get("/v1/recommendations", params={"article_id": "retracted-1"})
    assert missing.status_code == 404


def test_error_shape_for_404_and_422(client: TestClient) -> None:
    r = client.get("/v1/recommendations", params={"article_id": "nope"})
    assert r.status_code == 404
    body = ErrorOut.model_validate(r.json())
    assert body.error.code == "article_not_found" and "nope" in body.error.message
    for params in (
        {"article_id": "banjir-1", "articles": 21},
        {"article_id": "banjir-1", "videos": -1},
        {"article_id": "bad id!"},
        {"article_id": "x" * 200},
        {},
    ):
        r = client.get("/v1/recommendations", params=params)
        assert r.status_code == 422, params
        err = ErrorOut.model_validate(r.json()).error
        assert err.code == "invalid_input" and err.details, params
    r = client.get("/no/such/route")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_health_ready_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "snapshot": None, "items": None}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["items"] == 31
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/v1/recommendations" in schema["paths"]


def test_no_snapshot_means_not_ready(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "empty"))) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "snapshot_missing"
        r = c.get("/v1/recommendations", params={"article_id": "banjir-1"})
        assert r.status_code == 503
