"""Rate limits of POST /v1/events: a token bucket per client address (`EVENTS_RATE_PER_MINUTE`),
429 with `Retry-After` above it, the client read from X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service import events as events_module
from service import ratelimit
from service.app import create_app
from service.ratelimit import TokenBuckets, client_address, parse_networks
from service.schemas import ErrorOut
from tests.beacons import batch, beacon, count, events_of
from tests.conftest import make_settings

PUBLISHER = "https://www.kabar.example"


def client_for(data_dir: Path, peer: str = "203.0.113.1", **overrides: Any) -> TestClient:
    settings = make_settings(data_dir, cors_origins=[PUBLISHER], **overrides)
    return TestClient(create_app(settings), client=(peer, 40000))


@pytest.fixture
def answer(data_dir: Path) -> Iterator[dict[str, Any]]:
    with client_for(data_dir, events_rate_per_minute=0) as c:
        body: dict[str, Any] = c.get(
            "/v1/recommendations", params={"article_id": "banjir-1"}
        ).json()
        yield body


def page_view(n: int) -> str:
    return f"{n:032x}"


def rejected(client: TestClient, reason: str) -> float | None:
    prefix = f'recommender_events_rejected_by_reason_total{{reason="{reason}"}} '
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(prefix):
            return float(line.removeprefix(prefix))
    return None


def test_posts_beyond_the_rate_get_429_with_retry_after(
    data_dir: Path, answer: dict[str, Any]
) -> None:
    three = events_of(answer)[:3]
    with client_for(data_dir, events_rate_per_minute=5) as client:
        assert beacon(client, batch(answer, three, page_view(1))).status_code == 204
        r = beacon(client, batch(answer, three, page_view(2)), origin=PUBLISHER)
        assert r.status_code == 429
        error = ErrorOut.model_validate(r.json()).error
        assert error.code == "rate_limited" and "retry in" in error.message
        # 2 tokens left, 1 more needed at 5 a minute: about 12 s.
        assert r.headers["retry-after"].isdigit() and 1 <= int(r.headers["retry-after"]) <= 12
        # A page of the publisher's origin can read it (the widget pauses for that long).
        assert r.headers["access-control-allow-origin"] == PUBLISHER
        exposed = r.headers.get("access-control-expose-headers", "").lower()
        assert "retry-after" in exposed
        # Events the bucket still holds tokens for go through; they are spent first.
        assert beacon(client, batch(answer, three[:2], page_view(3))).status_code == 204
        assert beacon(client, batch(answer, three[:1], page_view(4))).status_code == 429
        # Anything at all from the address costs: a malformed body is refused before parsing.
        assert beacon(client, "{not json").status_code == 429
        assert rejected(client, "rate_limited") == 3 + 1 + 1
    assert count(data_dir / "events.sqlite3") == 5


def test_a_batch_larger_than_the_burst_waits_for_a_full_bucket(
    data_dir: Path, answer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of more events than the rate allows a minute is not refused for ever: it goes
    through when the bucket is full, and empties it (Retry-After never lies)."""
    clock = [1000.0]
    fake_time = SimpleNamespace(time=time.time, monotonic=lambda: clock[0])
    monkeypatch.setattr(events_module, "time", fake_time)  # the endpoint's clock only
    shown = events_of(answer)
    with client_for(data_dir, events_rate_per_minute=3) as client:
        assert beacon(client, batch(answer, shown, page_view(1))).status_code == 204
        r = beacon(client, batch(answer, shown, page_view(2)))
        assert r.status_code == 429 and r.headers["retry-after"] == "60"
        clock[0] += 60
        assert beacon(client, batch(answer, shown, page_view(2))).status_code == 204
    assert count(data_dir / "events.sqlite3") == 2 * len(shown)


def test_zero_switches_the_limit_off(data_dir: Path, answer: dict[str, Any]) -> None:
    shown = events_of(answer)
    with client_for(data_dir, events_rate_per_minute=0) as client:
        for n in range(60):
            assert beacon(client, batch(answer, shown, page_view(n))).status_code == 204
        assert rejected(client, "rate_limited") is None
    assert count(data_dir / "events.sqlite3") == 60 * len(shown)


def test_each_client_address_has_its_own_bucket(data_dir: Path, answer: dict[str, Any]) -> None:
    two = events_of(answer)[:2]
    for peer in ("198.51.100.1", "198.51.100.2"):
        with client_for(data_dir, peer, events_rate_per_minute=2) as client:
            assert beacon(client, batch(answer, two, page_view(1))).status_code == 204
            assert beacon(client, batch(answer, two, page_view(2))).status_code == 429


def test_x_forwarded_for_only_from_a_trusted_proxy(data_dir: Path, answer: dict[str, Any]) -> None:
    two = events_of(answer)[:2]
    proxies = {"trusted_proxies": "10.0.0.0/8, 192.168.1.10", "events_rate_per_minute": 2}
    with client_for(data_dir, "10.1.2.3", **proxies) as behind_proxy:
        # Behind the trusted proxy, each reader is its own client...
        for n, reader in enumerate(("203.0.113.7", "203.0.113.8")):
            xff = {"x-forwarded-for": reader}
            assert beacon(behind_proxy, batch(answer, two, page_view(n)), **xff).status_code == 204
        again = {"x-forwarded-for": "203.0.113.7"}
        assert beacon(behind_proxy, batch(answer, two, page_view(5)), **again).status_code == 429
        # ... and a reader cannot pick its own address: the proxy appends the real one.
        spoofed = {"x-forwarded-for": "1.2.3.4, 203.0.113.7"}
        assert beacon(behind_proxy, batch(answer, two, page_view(6)), **spoofed).status_code == 429
    with client_for(data_dir, "198.51.100.9", **proxies) as direct:
        # Not a trusted proxy: its X-Forwarded-For is ignored, whatever it says.
        xff = {"x-forwarded-for": "203.0.113.20"}
        assert beacon(direct, batch(answer, two, page_view(7)), **xff).status_code == 204
        xff = {"x-forwarded-for": "203.0.113.21"}
        assert beacon(direct, batch(answer, two, page_view(8)), **xff).status_code == 429


def test_trusted_proxies_are_validated(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, trusted_proxies="10.0.0.0/8, ::1 ,192.168.1.10")
    assert settings.events.trusted_proxies == ["10.0.0.0/8", "::1", "192.168.1.10"]
    with pytest.raises(ValueError, match="not-an-address"):
        make_settings(tmp_path, trusted_proxies="10.0.0.0/8,not-an-address")


# --- the pieces ---------------------------------------------------------------------------------

TRUSTED = parse_networks(["10.0.0.0/8", "192.168.1.10", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("203.0.113.5", None, TRUSTED, "203.0.113.5"),
        ("203.0.113.5", "198.51.100.1", TRUSTED, "203.0.113.5"),  # the peer is no proxy
        ("10.0.0.1", "198.51.100.1", [], "10.0.0.1"),  # no proxies configured
        ("10.0.0.1", None, TRUSTED, "10.0.0.1"),
        ("10.0.0.1", "", TRUSTED, "10.0.0.1"),
        ("10.0.0.1", "198.51.100.1", TRUSTED, "198.51.100.1"),
        ("10.0.0.1", " 198.51.100.1 ", TRUSTED, "198.51.100.1"),
        ("10.0.0.1", "6.6.6.6, 198.51.100.1", TRUSTED, "198.51.100.1"),  # nearest, not first
        ("10.0.0.1", "198.51.100.1, 192.168.1.10", TRUSTED, "198.51.100.1"),  # two proxies
        ("10.0.0.1", "198.51.100.1,10.9.9.9,,", TRUSTED, "198.51.100.1"),
        ("10.0.0.1", "10.0.0.2, 192.168.1.10", TRUSTED, "10.0.0.1"),  # all proxies: the peer
        ("fd00::1", "2001:db8::7", TRUSTED, "2001:db8::7"),
        ("10.0.0.1", "unknown", TRUSTED, "unknown"),
        (None, "198.51.100.1", TRUSTED, "unknown"),
        ("testclient", "198.51.100.1", TRUSTED, "testclient"),
    ],
)
def test_client_address(
    peer: str | None,
    forwarded: str | None,
    trusted: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
    client: str,
) -> None:
    assert client_address(peer, forwarded, trusted) == client


def test_token_buckets() -> None:
    buckets = TokenBuckets(60)  # one a second, a burst of 60
    assert buckets.enabled
    assert buckets.take("a", 60, now=0.0) == 0  # the whole burst at once
    assert buckets.take("a", 1, now=0.0) == pytest.approx(1.0)  # then one a second
    assert buckets.take("b", 10, now=0.0) == 0  # another client, another bucket
    assert buckets.take("a", 5, now=2.0) == pytest.approx(3.0)  # 2 there, 3 to wait for
    assert buckets.take("a", 5, now=5.0) == 0
    assert buckets.take("a", 1, now=5.0) == pytest.approx(1.0)
    assert buckets.take("a", 60, now=1000.0) == 0  # refilled, never beyond the burst
    assert buckets.take("a", 1, now=1000.0) > 0
    # A cost beyond the burst waits for a full bucket, then empties it.
    assert buckets.take("c", 100, now=0.0) == 0
    assert buckets.take("c", 100, now=30.0) == pytest.approx(30.0)
    assert buckets.take("c", 100, now=60.0) == 0
    assert buckets.take("c", 1, now=60.0) == pytest.approx(1.0)


def test_token_buckets_off_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    off = TokenBuckets(0)
    assert not off.enabled
    assert all(off.take("a", 100, now=0.0) == 0 for _ in range(100))
    monkeypatch.setattr(ratelimit, "MAX_CLIENTS", 10)
    buckets = TokenBuckets(60)
    for n in range(10):
        buckets.take(f"idle-{n}", 1, now=0.0)
    buckets.take("busy", 60, now=100.0)
    buckets.take("new", 1, now=100.0)  # the 12th client: the full (idle) buckets are forgotten
    assert set(buckets._buckets) == {"busy", "new"}
    assert buckets.take("busy", 1, now=100.0) > 0  # the busy one's debt is kept
