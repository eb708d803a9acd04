"""HTTP caching of widget answers: ETag / If-None-Match, Cache-Control, the per-process LRU."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recommender.jobs import run_build
from service.app import create_app
from service.caching import ResponseCache, etag_matches
from tests.conftest import CORPUS, make_settings
from tests.embedder import HashingEncoder

URL = "/v1/recommendations"


def client_for(data_dir: Path, **overrides: object) -> TestClient:
    values: dict[str, object] = {"reload_interval_seconds": 0, **overrides}
    return TestClient(create_app(make_settings(data_dir, **values)))


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with client_for(data_dir, cache_max_age_seconds=45) as c:
        yield c


def cache_of(client: TestClient) -> ResponseCache:
    cache: ResponseCache = client.app.state.response_cache  # type: ignore[attr-defined]
    return cache


def test_answers_carry_etag_and_cache_control(client: TestClient) -> None:
    r = client.get(URL, params={"article_id": "banjir-1"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=45"
    etag = r.headers["etag"]
    assert etag.startswith(f'"{r.json()["snapshot"]}-') and etag.endswith('"')
    other = client.get(URL, params={"article_id": "banjir-2"})
    assert other.headers["etag"] != etag
    fewer = client.get(URL, params={"article_id": "banjir-1", "articles": 2})
    assert fewer.headers["etag"] != etag


@pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"nope", {etag}', "*"])
def test_if_none_match_gives_304_without_a_body(client: TestClient, form: str) -> None:
    first = client.get(URL, params={"article_id": "banjir-1"})
    condition = form.format(etag=first.headers["etag"])
    again = client.get(URL, params={"article_id": "banjir-1"}, headers={"If-None-Match": condition})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == first.headers["cache-control"]


def test_a_stale_etag_gets_the_full_answer(client: TestClient) -> None:
    r = client.get(URL, params={"article_id": "banjir-1"}, headers={"If-None-Match": '"old"'})
    assert r.status_code == 200 and r.json()["article_id"] == "banjir-1"


def test_hot_articles_are_served_from_the_lru(client: TestClient) -> None:
    cache = cache_of(client)
    first = client.get(URL, params={"article_id": "banjir-1"})
    assert (cache.hits, cache.misses, len(cache)) == (0, 1, 1)
    second = client.get(URL, params={"article_id": "banjir-1"})
    assert (cache.hits, cache.misses) == (1, 1)
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]


def test_personal_answers_are_private_and_not_kept(client: TestClient) -> None:
    cache = cache_of(client)
    params = {"article_id": "banjir-1", "history": "banjir-2,banjir-3"}
    r = client.get(URL, params=params)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "private, max-age=45"
    again = client.get(URL, params=params, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304  # the ETag still works for the reader's own browser
    assert len(cache) == 0 and cache.hits == 0


def test_errors_are_neither_cached_nor_tagged(client: TestClient) -> None:
    for _ in range(2):
        r = client.get(URL, params={"article_id": "tidak-ada"})
        assert r.status_code == 404
        assert "etag" not in r.headers and "cache-control" not in r.headers
    assert len(cache_of(client)) == 0


def test_entries_expire_after_the_ttl(data_dir: Path) -> None:
    with client_for(data_dir, response_cache_ttl_seconds=0.2) as client:
        cache = cache_of(client)
        client.get(URL, params={"article_id": "banjir-1"})
        client.get(URL, params={"article_id": "banjir-1"})
        assert (cache.hits, cache.misses) == (1, 1)
        time.sleep(0.25)
        client.get(URL, params={"article_id": "banjir-1"})
        assert (cache.hits, cache.misses) == (1, 2)


def test_lru_keeps_the_most_recent_entries(data_dir: Path) -> None:
    with client_for(data_dir, response_cache_size=2) as client:
        cache = cache_of(client)
        for article in ("banjir-1", "banjir-2", "banjir-1", "banjir-3", "banjir-1", "banjir-2"):
            client.get(URL, params={"article_id": article})
        # banjir-2 was the least recently used when banjir-3 came in, so it had to be rendered again
        assert (cache.hits, cache.misses, len(cache)) == (2, 4, 2)


def test_disabled_cache_still_tags_answers(data_dir: Path) -> None:
    with client_for(data_dir, response_cache_size=0, cache_max_age_seconds=0) as client:
        first = client.get(URL, params={"article_id": "banjir-1"})
        assert first.headers["cache-control"] == "no-cache"
        again = client.get(
            URL, params={"article_id": "banjir-1"}, headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert len(cache_of(client)) == 0


def test_a_new_snapshot_invalidates_cached_answers(
    data_dir: Path, client: TestClient, encoder: HashingEncoder
) -> None:
    before = client.get(URL, params={"article_id": "banjir-1"})
    summary, _ = run_build([CORPUS], make_settings(data_dir), embedder=encoder, progress=False)
    assert client.app.state.runtime.reload()  # type: ignore[attr-defined]
    after = client.get(URL, params={"article_id": "banjir-1"})
    assert after.json()["snapshot"] == summary.snapshot != before.json()["snapshot"]
    assert after.headers["etag"] != before.headers["etag"]
    stale = client.get(
        URL, params={"article_id": "banjir-1"}, headers={"If-None-Match": before.headers["etag"]}
    )
    assert stale.status_code == 200


def test_etag_matching_rules() -> None:
    etag = b'"v1-abc"'
    assert etag_matches(b'"v1-abc"', etag)
    assert etag_matches(b'W/"v1-abc"', etag)
    assert etag_matches(b'"x", "v1-abc"', etag)
    assert etag_matches(b"*", etag)
    assert not etag_matches(b'"v1-ab"', etag)
    assert not etag_matches(b"v1-abc", etag)
