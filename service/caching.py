"""HTTP caching of widget answers: ETags, Cache-Control, and a per-process LRU of rendered bodies.

An answer depends on the snapshot, the request and the time (freshness decays, campaigns and
`expires_at` end). So a rendered answer is kept under (snapshot version, query string) for at most
`response_cache_ttl_seconds`: a new snapshot changes the key (old entries are never read again and
age out of the LRU), and time-dependent changes show up within one TTL. The ETag is derived from
the snapshot version and a hash of the request and the rendered body, so a client's copy stays
valid exactly as long as the answer it would get is byte-identical.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

# Query parameters that make an answer personal: never kept in the shared LRU.
PERSONAL_PARAMS = (b"history=", b"exclude=")


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered 200 answer: its body, ETag, the headers it went out with and when."""

    body: bytes
    etag: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    created: float


def make_etag(version: str, query: bytes, body: bytes) -> bytes:
    digest = hashlib.blake2b(query + b"\0" + body, digest_size=10).hexdigest()
    return f'"{version}-{digest}"'.encode()


def etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    """RFC 9110 weak comparison of an If-None-Match list (or `*`) against our ETag."""
    value = if_none_match.strip()
    if value == b"*":
        return True
    for candidate in value.split(b","):
        tag = candidate.strip()
        if tag.startswith(b"W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False


def is_cacheable(query: bytes) -> bool:
    """Answers for anonymous requests are shared; personalised ones (history) are not."""
    return not any(param in query for param in PERSONAL_PARAMS)


class ResponseCache:
    """LRU of rendered answers keyed by (snapshot version, query string), each valid for `ttl`."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, bytes], Rendered] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.size > 0 and self.ttl > 0

    @property
    def hit_ratio(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: str, query: bytes, now: float) -> Rendered | None:
        key = (version, query)
        entry = self._entries.get(key)
        if entry is None or now - entry.created >= self.ttl:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, version: str, query: bytes, entry: Rendered) -> None:
        key = (version, query)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
