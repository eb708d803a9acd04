"""Issue #11, inputs and headers: HEAD, Allow on 405, security headers, demo pages, the
response cache's key and byte bound, URL and admin-token validation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from recommender.articles import Article
from recommender.settings import ServiceSettings
from service.app import create_app
from service.caching import (
    KNOWN_PARAMS,
    Rendered,
    ResponseCache,
    is_cacheable,
    params_key,
    request_key,
)
from tests.conftest import make_settings

URL = "/v1/recommendations"


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    settings = make_settings(data_dir, reload_interval_seconds=0, cache_max_age_seconds=30)
    with TestClient(create_app(settings)) as c:
        yield c


def cache_of(client: TestClient) -> ResponseCache:
    cache: ResponseCache = client.app.state.response_cache  # type: ignore[attr-defined]
    return cache


# --- HEAD and Allow -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", f"{URL}?article_id=banjir-1", "/widget.js", "/demo/banjir-1"]
)
def test_head_answers_wherever_get_does_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path, headers={"Accept-Encoding": "identity"})
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == get.headers["content-type"]


def test_head_of_an_unknown_article_is_the_get_status(client: TestClient) -> None:
    assert client.head(URL, params={"article_id": "nope"}).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/healthz"), ("DELETE", URL), ("PUT", "/widget.js"), ("POST", "/demo/banjir-1")],
)
def test_every_405_names_the_allowed_methods(client: TestClient, method: str, path: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


def test_allow_lists_post_where_post_is_served(client: TestClient) -> None:
    r = client.get("/v1/events")
    assert r.status_code == 405
    assert "POST" in r.headers["allow"].split(", ")


# --- security headers -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/demo", "/demo/banjir-1", "/docs", "/redoc"])
def test_html_pages_carry_the_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"]


def test_demo_pages_hold_no_inline_script(client: TestClient) -> None:
    html = client.get("/demo/banjir-1").text
    assert "<script>" not in html and " on" not in html.replace(" one", "")
    csp = client.get("/demo/banjir-1").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_json_answers_are_nosniff(client: TestClient) -> None:
    for path in (f"{URL}?article_id=banjir-1", "/healthz", f"{URL}?article_id=nope"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"


# --- demo pages -----------------------------------------------------------------------------


def test_demo_script_url_ignores_the_host_header(client: TestClient) -> None:
    html = client.get("/demo/banjir-1", headers={"Host": "evil.example"}).text
    assert 'src="/widget.js"' in html
    assert "evil.example" not in html


@pytest.mark.parametrize("item_id", ["sp-bank-1", "sp-bank-2"])  # live and ended campaigns
def test_sponsored_demo_pages_are_labelled(client: TestClient, item_id: str) -> None:
    html = client.get(f"/demo/{item_id}").text
    assert "data-sponsored" in html
    assert "Iklan dari <b>Bank Maju Bersama</b>" in html


# --- response cache -------------------------------------------------------------------------


def test_percent_encoded_history_is_personal(client: TestClient) -> None:
    assert not is_cacheable(b"article_id=banjir-1&%68istory=banjir-2")
    assert not is_cacheable(b"article_id=banjir-1&hist%6Fry=banjir-2")
    r = client.get(f"{URL}?article_id=banjir-1&%68istory=banjir-2")
    assert r.status_code == 200
    assert r.headers["cache-control"].startswith("private")
    assert len(cache_of(client)) == 0


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*sorted(KNOWN_PARAMS), "junk", "utm_source"]),
        st.one_of(st.text(max_size=8), st.from_regex(r"[A-Za-z0-9_.~-]{0,12}", fullmatch=True)),
        max_size=6,
    )
)
def test_the_cache_key_is_the_sorted_known_parameters_urlencoded(params: dict[str, str]) -> None:
    # The usual query is written without urlencode; the key must be urlencode's all the same.
    known = sorted((k, v) for k, v in params.items() if k in KNOWN_PARAMS)
    assert params_key(params, frozenset()) == urlencode(known).encode("latin-1", "replace")


def test_unknown_parameters_are_dropped_from_the_cache_key(client: TestClient) -> None:
    assert request_key(b"junk=1&article_id=a") == request_key(b"article_id=a&junk=2")
    assert request_key(b"article_id=a&articles=3") == request_key(b"articles=3&%61rticle_id=a")
    bodies = set()
    for n in range(20):
        r = client.get(URL, params={"article_id": "banjir-1", f"junk{n}": "x" * 100})
        assert r.status_code == 200 and r.headers["cache-control"].startswith("public")
        bodies.add(r.headers["etag"])
    assert len(cache_of(client)) == 1
    assert len(bodies) == 1


def rendered(size: int) -> Rendered:
    return Rendered(b"x" * size, b'"e"', ((b"content-type", b"application/json"),), 0.0)


def test_the_cache_is_bounded_in_bytes() -> None:
    cache = ResponseCache(size=1000, ttl=60, max_bytes=10_000)
    for n in range(50):
        cache.put("v", f"q{n}".encode(), rendered(1000))
        assert cache.bytes <= 10_000
    assert 5 <= len(cache) < 10
    assert cache.get("v", b"q49", 1.0) is not None  # the newest kept, the oldest gone
    assert cache.get("v", b"q0", 1.0) is None
    cache.put("v", b"huge", rendered(20_000))  # larger than the whole cache: not kept
    assert cache.get("v", b"huge", 1.0) is None and cache.bytes <= 10_000
    cache.put("v", b"q49", rendered(10))  # replacing an entry frees its bytes
    cache.clear()
    assert cache.bytes == 0 and len(cache) == 0


def test_cache_byte_limit_comes_from_settings(data_dir: Path) -> None:
    settings = make_settings(data_dir, response_cache_max_bytes=4096)
    assert create_app(settings).state.response_cache.max_bytes == 4096


# --- input validation -----------------------------------------------------------------------


def article(**fields: object) -> dict[str, object]:
    return {
        "id": "a-1",
        "title": "Judul",
        "url": "https://news.example/a-1",
        "published_at": "2026-11-01T07:00:00+07:00",
        **fields,
    }


@pytest.mark.parametrize(
    "image_url",
    [
        "//evil.example/pixel.gif",
        "/\\evil.example/x.gif",
        "https://news.example/a b.jpg",
        "https://news.example/a\nb.jpg",
        "/img/a\tb.jpg",
        "https:///evil.example/x",
        "https:/\\evil.example/x",
        "javascript:alert(1)",
        "/img/\x00.jpg",
    ],
)
def test_foreign_or_malformed_image_urls_are_rejected(image_url: str) -> None:
    with pytest.raises(ValidationError):
        Article.model_validate(article(image_url=image_url))


@pytest.mark.parametrize(
    "url", ["//evil.example/a", "https://news.example/a b", "https://news.example/\r\nx", "/a-1"]
)
def test_malformed_article_urls_are_rejected(url: str) -> None:
    with pytest.raises(ValidationError):
        Article.model_validate(article(url=url))


@pytest.mark.parametrize(
    "image_url", ["/demo/images/a-1.svg", "https://cdn.example/a.jpg", "HTTP://cdn.example/b.png"]
)
def test_good_image_urls_are_accepted(image_url: str) -> None:
    assert Article.model_validate(article(image_url=image_url)).image_url == image_url


@pytest.mark.parametrize(
    "token", [" " * 16, " a-strong-admin-token", "a-strong-admin-token ", "a-strong admin-token"]
)
def test_admin_tokens_with_whitespace_are_refused_at_start_up(token: str) -> None:
    with pytest.raises(ValidationError, match="admin token"):
        ServiceSettings(admin_token=token)  # type: ignore[arg-type, call-arg]


def test_a_plain_admin_token_is_accepted() -> None:
    settings = ServiceSettings(admin_token="a-strong-admin-token")  # type: ignore[arg-type, call-arg]
    assert settings.admin_token is not None
