"""The shipped nginx configuration (deploy/nginx), run by the real nginx in front of a real server.

deploy/nginx/recommender.conf and its locations snippet are copied into a private prefix with only
what a loopback test needs changed (tests/nginx.py: ports, the cache folder, the include path;
here also shorter client timeouts and a smaller events burst, so that the test is quick); every
change is asserted to apply, so the test follows the file as it is. The service is the app on the tiny encoder's
snapshot behind a real uvicorn server. Skips when Debian's nginx is absent (`make nginx`).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.app import create_app
from tests.conftest import make_settings
from tests.nginx import (
    MISSING,
    NGINX,
    Edits,
    Proxy,
    render,
    replace,
    running_nginx,
)
from tests.processes import free_port
from tests.server import running_server

TOKEN = "nginx-test-admin-token-0123456789"
RECOMMENDATIONS = "/v1/recommendations"
# Shorter client timeouts and a smaller events burst than shipped, so that the test is quick.
QUICK: Edits = (
    ("client_header_timeout 10s;", "client_header_timeout 1s;"),
    ("client_body_timeout 10s;", "client_body_timeout 1s;"),
    ("zone=recommender_events burst=20", "zone=recommender_events burst=5"),
)

pytestmark = pytest.mark.skipif(not NGINX.exists(), reason=MISSING)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, built_dir: Path) -> Iterator[Proxy]:
    """nginx with the shipped configuration in front of a real server on the tiny snapshot."""
    data_dir = tmp_path_factory.mktemp("nginx-data") / "data"
    shutil.copytree(built_dir, data_dir)
    settings = make_settings(
        data_dir,
        admin_token=TOKEN,
        trusted_proxies="127.0.0.1",
        events_rate_per_minute=0,  # every 429 below is nginx's
    )
    with running_server(create_app(settings)) as upstream:
        prefix = tmp_path_factory.mktemp("nginx")
        with running_nginx(prefix, [int(upstream.rsplit(":", 1)[1])], QUICK) as proxy:
            yield proxy


def test_anonymous_answers_are_cached_by_the_full_query_string(proxy: Proxy) -> None:
    with httpx.Client(base_url=proxy.public, timeout=10) as http:
        query = {"article_id": "banjir-1", "articles": 3}
        first = http.get(RECOMMENDATIONS, params=query)
        assert first.status_code == 200, first.text
        assert first.headers["x-cache-status"] == "MISS"
        assert first.headers["cache-control"].startswith("public, max-age=")
        # nginx's $request_id reached the service, which answers with it.
        assert len(first.headers["x-request-id"]) == 32
        second = http.get(RECOMMENDATIONS, params=query)
        assert second.headers["x-cache-status"] == "HIT"
        assert second.content == first.content
        assert second.headers["etag"] == first.headers["etag"]
        # A client's conditional request is answered from the cache with the service's ETag.
        again = http.get(
            RECOMMENDATIONS, params=query, headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304 and again.headers["x-cache-status"] == "HIT"
        other = http.get(RECOMMENDATIONS, params={"article_id": "banjir-1", "articles": 2})
        assert other.headers["x-cache-status"] == "MISS"
        assert other.content != first.content


def test_personalised_answers_are_never_cached(proxy: Proxy) -> None:
    with httpx.Client(base_url=proxy.public, timeout=10) as http:
        query = {"article_id": "banjir-1", "history": "timnas-1"}
        for _ in range(2):
            r = http.get(RECOMMENDATIONS, params=query)
            assert r.status_code == 200, r.text
            assert r.headers["cache-control"].startswith("private")
            assert r.headers["x-cache-status"] == "MISS"
        errors = http.get(RECOMMENDATIONS, params={"article_id": "zzz"})
        assert errors.status_code == 404 and errors.json()["error"]["code"] == "article_not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/admin/snapshots"),
        ("POST", "/v1/admin/reload"),
        ("GET", "/metrics"),
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
        ("GET", "/openapi.json"),
    ],
)
def test_operator_paths_are_not_public(proxy: Proxy, method: str, path: str) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.request(method, proxy.public + path, headers=auth, timeout=10)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_operator_paths_on_the_loopback_server(proxy: Proxy) -> None:
    with httpx.Client(base_url=proxy.internal, timeout=10) as http:
        assert http.get("/metrics").status_code == 200
        assert http.get("/openapi.json").json()["info"]["title"] == "recommender"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert http.get("/v1/admin/snapshots", headers=auth).status_code == 200
        assert http.get("/v1/admin/snapshots").status_code == 401


def test_event_beacons_are_rate_limited(proxy: Proxy) -> None:
    statuses: list[int] = []
    with httpx.Client(base_url=proxy.public, timeout=10) as http:
        for _ in range(15):
            r = http.post("/v1/events", json={"events": []})
            statuses.append(r.status_code)
            if r.status_code == 429:
                limited = r
        assert 429 not in statuses[:5], statuses  # the burst passes to the service
        assert 429 in statuses, statuses
        assert limited.json()["error"]["code"] == "rate_limited"
        assert limited.headers["retry-after"] == "1"
        # Other paths keep their own (wider) limit.
        r = http.get(RECOMMENDATIONS, params={"article_id": "banjir-1"})
        assert r.status_code == 200


def test_a_slow_client_is_cut_off(proxy: Proxy) -> None:
    """client_header_timeout (1 s in the test, 10 s shipped) closes a half-sent request."""
    with socket.create_connection(("127.0.0.1", proxy.public_port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")  # never finished
        start = time.monotonic()
        assert sock.recv(4096) == b""  # closed without an answer
        assert time.monotonic() - start < 5
    error = (proxy.logs / "error.log").read_text(encoding="utf-8")
    assert "client timed out" in error and "reading client request headers" in error


def test_a_slow_body_is_cut_off(proxy: Proxy) -> None:
    """client_body_timeout: a request whose body never arrives is closed (logged as 408)."""
    with socket.create_connection(("127.0.0.1", proxy.public_port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/recommendations HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: 200\r\n\r\n{"
        )
        start = time.monotonic()
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert time.monotonic() - start < 5
        assert answer == b""
    access = (proxy.logs / "access.log").read_text(encoding="utf-8")
    assert '"POST /v1/recommendations HTTP/1.1" 408 ' in access


def uncomment_tls(site: str) -> str:
    """recommender.conf with its commented TLS server block switched on."""
    lines, inside = [], False
    for line in site.splitlines():
        if line.startswith("# server {"):
            inside = True
        if inside and line.startswith("#"):
            line = line.removeprefix("#").removeprefix(" ")
            inside = not line.startswith("}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_tls_server_block_is_valid(tmp_path: Path) -> None:
    """Uncommented, with a certificate at its paths, the TLS block passes `nginx -t`."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is absent")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=x"]
    subprocess.run(
        [openssl, *request, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    conf = render(tmp_path / "prefix", free_port(), free_port(), [free_port()], QUICK)
    site_file = tmp_path / "prefix" / "recommender.conf"
    site = uncomment_tls(site_file.read_text(encoding="utf-8"))
    live = "/etc/letsencrypt/live/recommendations.example.com"
    site = replace(site, f"{live}/fullchain.pem", str(cert))
    site = replace(site, f"{live}/privkey.pem", str(key))
    site = replace(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{free_port()} ssl http2;")
    site = replace(site, "listen [::]:443 ssl http2;", "")
    site_file.write_text(site, encoding="utf-8")
    test = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path / "prefix"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert test.returncode == 0, test.stderr
