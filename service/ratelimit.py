"""Per-client rate limits for the events endpoint: a token bucket per client address.

Each worker process keeps its own buckets (N workers allow up to N times the rate); behind a
reverse proxy, the client is read from X-Forwarded-For only when the peer is a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

MAX_CLIENTS = 100_000  # buckets kept; beyond it the full (idle) ones are forgotten

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TokenBuckets:
    """`per_minute` tokens a minute per client, up to a burst of `per_minute`."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def take(self, client: str, cost: int, now: float) -> float:
        """Spend `cost` tokens; 0 when allowed, else the seconds until they would be there.
        A cost beyond the burst is allowed with a full bucket, and empties it."""
        if not self.enabled:
            return 0.0
        tokens, at = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.rate)
        need = min(float(cost), self.capacity)
        if need > tokens:
            self._buckets[client] = (tokens, now)
            return (need - tokens) / self.rate
        self._buckets[client] = (tokens - need, now)
        if len(self._buckets) > MAX_CLIENTS:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        full = [
            c for c, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.capacity
        ]
        for client in full:
            del self._buckets[client]


def parse_networks(entries: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def client_address(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The client: the peer, or, when the peer is a trusted proxy, the nearest address in
    X-Forwarded-For that is not one of the trusted proxies."""
    address = peer or "unknown"
    if not trusted or not forwarded_for or not _trusted(address, trusted):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, trusted):
            return hop
    return address


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
