"""Half-open connections against a real uvicorn server with the limits of `recommender serve`
(service.server): a client that sends nothing, half a request line or headers that never end is
disconnected after HEADER_TIMEOUT_SECONDS, while complete requests are answered (issue #11)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from service.app import create_app
from service.server import uvicorn_options
from tests.conftest import make_settings
from tests.server import running_server

PARTIAL = [b"", b"GET /healthz HT", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1"]


def closed_after(sock: socket.socket, limit: float) -> float | None:
    """Seconds until the server closes `sock` (EOF or reset), or None within `limit`."""
    started = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_half_open_connections_are_closed_within_the_header_timeout(data_dir: Path) -> None:
    settings = make_settings(data_dir, reload_interval_seconds=0, header_timeout_seconds=1.5)
    with running_server(create_app(settings), settings.service) as base:
        port = int(base.rsplit(":", 1)[1])
        sockets = []
        for n in range(12):  # a bounded few, to loopback only
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if PARTIAL[n % 3]:
                sock.sendall(PARTIAL[n % 3])
            sockets.append(sock)
        try:
            # A complete request is answered meanwhile, over its own connection.
            with httpx.Client(base_url=base, timeout=5) as http:
                assert http.get("/healthz").status_code == 200
            waits = [closed_after(sock, 8) for sock in sockets]
        finally:
            for sock in sockets:
                sock.close()
    assert all(w is not None for w in waits), waits
    assert max(w for w in waits if w is not None) < 6


def test_a_slow_but_complete_request_is_answered(data_dir: Path) -> None:
    """The timer runs for the head only: a head completed in time gets its answer, and the
    keep-alive connection then waits for the next request as usual."""
    settings = make_settings(data_dir, reload_interval_seconds=0, header_timeout_seconds=2)
    with running_server(create_app(settings), settings.service) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"\r\n"):
                sock.sendall(part)
                time.sleep(0.4)
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")  # a second one: answered
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
            sock.sendall(b"GET /hea")  # a third, never finished: closed after the timeout
            waited = closed_after(sock, 8)
    assert waited is not None and waited < 5


def test_defaults_are_safe(data_dir: Path) -> None:
    service = make_settings(data_dir).service
    assert 0 < service.header_timeout_seconds <= 10
    options = uvicorn_options(service)
    assert options["timeout_keep_alive"] <= 10
    assert options["limit_concurrency"] and options["h11_max_incomplete_event_size"]


def test_an_oversize_incomplete_head_is_refused(data_dir: Path) -> None:
    """MAX_HEADER_BYTES bounds what a client can make the server buffer while its head is
    incomplete (h11's max_incomplete_event_size): above it, an error answer and close."""
    settings = make_settings(data_dir, reload_interval_seconds=0, max_header_bytes=2048)
    with running_server(create_app(settings), settings.service) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"x" * 4000)
            time.sleep(0.3)
            assert sock.recv(4096).split(b" ")[1] in (b"400", b"431")
            assert closed_after(sock, 5) is not None
