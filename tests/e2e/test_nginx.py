"""The shipped nginx configuration (deploy/nginx), run by the real nginx in front of a real server.

deploy/nginx/recommender.conf and its locations snippet are copied into a private prefix with only
what a loopback test needs changed (ports, the cache folder, the include path, shorter client
timeouts and a smaller events burst, so that the test is quick); every change is asserted to
apply, so the test follows the file as it is. The service is the app on the tiny encoder's
snapshot behind a real uvicorn server. Skips when Debian's nginx is absent (`make nginx`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from service.app import create_app
from tests.conftest import REPO, make_settings
from tests.server import running_server

NGINX = Path("/usr/sbin/nginx")
DEPLOY = REPO / "deploy" / "nginx"
TOKEN = "nginx-test-admin-token-0123456789"
RECOMMENDATIONS = "/v1/recommendations"

pytestmark = pytest.mark.skipif(
    not NGINX.exists(), reason=f"{NGINX} is absent: install Debian's nginx with `make nginx`"
)


@dataclass(frozen=True)
class Proxy:
    public: str  # the public server block
    internal: str  # the loopback-only operators' server block
    public_port: int
    logs: Path  # error.log and access.log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def replace(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced; the configuration must still contain what the test changes."""
    assert old in text, f"the nginx configuration no longer contains {old!r}"
    return text.replace(old, new)


def render(prefix: Path, public: int, internal: int, upstream: int) -> Path:
    """The shipped configuration under `prefix`, on loopback ports; returns the main config."""
    for name in ("cache", "temp", "logs"):
        (prefix / name).mkdir(parents=True)
    locations = (DEPLOY / "recommender-locations.conf").read_text(encoding="utf-8")
    locations = replace(locations, "client_header_timeout 10s;", "client_header_timeout 1s;")
    locations = replace(locations, "client_body_timeout 10s;", "client_body_timeout 1s;")
    locations = replace(
        locations, "zone=recommender_events burst=20", "zone=recommender_events burst=5"
    )
    (prefix / "recommender-locations.conf").write_text(locations, encoding="utf-8")
    site = (DEPLOY / "recommender.conf").read_text(encoding="utf-8")
    site = replace(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = replace(site, "listen 80;", f"listen 127.0.0.1:{public};")
    site = replace(site, "listen [::]:80;", "")  # the test machine may have no IPv6
    site = replace(site, "listen 127.0.0.1:8081;", f"listen 127.0.0.1:{internal};")
    site = replace(site, "/var/cache/nginx/recommender", str(prefix / "cache"))
    site = replace(
        site,
        "include /etc/nginx/snippets/recommender-locations.conf;",
        f"include {prefix / 'recommender-locations.conf'};",
    )
    (prefix / "recommender.conf").write_text(site, encoding="utf-8")
    temp = prefix / "temp"
    # As root, nginx's workers would switch to `nobody`, who cannot enter pytest's private tmp.
    user = "user root;" if os.geteuid() == 0 else ""
    main = f"""
{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "logs" / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    access_log {prefix / "logs" / "access.log"};
    default_type application/octet-stream;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {prefix / "recommender.conf"};
}}
"""
    conf = prefix / "nginx.conf"
    conf.write_text(main, encoding="utf-8")
    return conf


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    error = log.read_text(encoding="utf-8") if log.exists() else "(no error log)"
    raise AssertionError(f"nginx did not start (exit {process.poll()}):\n{error}")


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
        public, internal = free_port(), free_port()
        conf = render(prefix, public, internal, int(upstream.rsplit(":", 1)[1]))
        test = subprocess.run(
            [str(NGINX), "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
        )
        assert test.returncode == 0, test.stderr
        process = subprocess.Popen(
            [str(NGINX), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        log = prefix / "logs" / "error.log"
        try:
            wait_for_port(public, process, log)
            wait_for_port(internal, process, log)
            yield Proxy(
                f"http://127.0.0.1:{public}", f"http://127.0.0.1:{internal}", public, log.parent
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
    conf = render(tmp_path / "prefix", free_port(), free_port(), free_port())
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
