"""/widget.js and the demo pages through the real app (TestClient)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recommender.settings import Settings
from service.app import create_app
from tests.conftest import REPO, make_settings
from tests.embedder import HashingEncoder

WIDGET_SOURCE = REPO / "service" / "static" / "widget.js"
GZIP_BUDGET = 8 * 1024  # the README states the real figure


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_widget_js_is_served_gzipped_with_an_etag(client: TestClient) -> None:
    r = client.get("/widget.js", headers={"accept-encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
    assert r.content == WIDGET_SOURCE.read_bytes()  # httpx decodes the gzip
    assert "max-age" in r.headers["cache-control"]
    again = client.get("/widget.js", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    plain = client.get("/widget.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == WIDGET_SOURCE.read_bytes()


def test_widget_is_small_and_talks_only_to_its_own_host() -> None:
    source = WIDGET_SOURCE.read_text(encoding="utf-8")
    assert len(gzip.compress(source.encode(), 9)) < GZIP_BUDGET
    # No absolute URL anywhere: every request goes to the host the script came from.
    assert not re.findall(r"https?://[a-z0-9.-]+\.[a-z]{2,}", source, re.IGNORECASE)
    assert "innerHTML" not in source  # text from the API is only ever set as text


def test_demo_index_lists_articles(client: TestClient) -> None:
    r = client.get("/demo")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    links = re.findall(r'href="/demo/([^"]+)"', r.text)
    assert "banjir-1" in links and "timnas-3" in links
    assert not any(link.startswith(("sp-", "vid-")) for link in links)  # editorial articles only
    olahraga = client.get("/demo", params={"section": "Olahraga"}).text
    assert "timnas-1" in olahraga and "banjir-1" not in olahraga


def test_demo_article_page_embeds_the_widget_like_a_publisher(client: TestClient) -> None:
    r = client.get("/demo/banjir-1")
    assert r.status_code == 200
    page = r.text
    assert '<html lang="id">' in page
    assert "<h1>Banjir Rendam Ribuan Rumah di Kabupaten Bandung</h1>" in page
    assert "Hujan deras semalaman membuat Sungai Citarum meluap" in page
    assert "Selasa, 10 Nov 2026 09:15 WIB" in page
    assert '<div data-recommender data-article-id="banjir-1"' in page
    assert '<script src="/widget.js" async></script>' in page  # not from the Host header


def test_demo_pages_escape_snapshot_text(tmp_path: Path, encoder: HashingEncoder) -> None:
    from recommender.jobs import run_build

    corpus = tmp_path / "x.jsonl"
    corpus.write_text(
        '{"id": "x-1", "title": "<script>alert(1)</script> & \\"kutip\\"", "lead": "a <b>",'
        ' "url": "https://kabar.example/x", "published_at": "2026-11-10T09:15:00+07:00"}\n'
        '{"id": "x-2", "title": "Kedua", "url": "https://kabar.example/y",'
        ' "published_at": "2026-11-10T09:15:00+07:00"}\n',
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data")
    run_build([corpus], settings, embedder=encoder, progress=False)
    with TestClient(create_app(settings)) as c:
        page = c.get("/demo/x-1").text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;kutip&quot;" in page
        assert "<script>alert" not in c.get("/demo").text


def test_unknown_demo_article_gets_the_error_shape(client: TestClient) -> None:
    r = client.get("/demo/nope-404")
    assert r.status_code == 404 and r.json()["error"]["code"] == "article_not_found"


def test_placeholder_images_are_deterministic_svg(client: TestClient) -> None:
    a = client.get("/demo/images/banjir-1.svg")
    assert a.status_code == 200 and a.headers["content-type"].startswith("image/svg+xml")
    assert "default-src 'none'" in a.headers["content-security-policy"]
    assert a.text == client.get("/demo/images/banjir-1.svg").text
    assert ">NASIONAL</text>" in a.text
    colour = re.search(r"hsl\((\d+)", a.text)
    other = re.search(r"hsl\((\d+)", client.get("/demo/images/timnas-1.svg").text)
    assert colour and other and colour.group(1) != other.group(1)
    video = client.get("/demo/images/vid-banjir-1.svg").text
    assert "VIDEO · NASIONAL" in video
    sponsored = client.get("/demo/images/sp-bank-1.svg").text
    assert "BANK MAJU BERSAMA" in sponsored and "Kabar Nusantara" not in sponsored
    # Ids outside the snapshot still get an image; ids that are not ids do not.
    assert client.get("/demo/images/unknown-1.svg").status_code == 200
    assert client.get("/demo/images/..%2Fsecret.svg").status_code == 404


def test_demo_pages_can_be_switched_off(data_dir: Path) -> None:
    with TestClient(create_app(make_settings(data_dir, demo_pages=False))) as c:
        assert c.get("/demo/banjir-1").status_code == 404
        assert c.get("/demo/images/banjir-1.svg").status_code == 404
        assert c.get("/widget.js").status_code == 200


def test_demo_without_a_snapshot_answers_503(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as c:
        assert c.get("/demo/banjir-1").json()["error"]["code"] == "snapshot_missing"
        assert c.get("/demo").status_code == 503
        assert c.get("/widget.js").status_code == 200
