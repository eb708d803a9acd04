"""HTTP caching of widget answers: ETags, Cache-Control, and a per-process LRU of rendered bodies.

An answer depends on the snapshot, the request and the time (freshness decays, campaigns and
`expires_at` end). So a rendered answer is kept under (snapshot version + signals version,
query string) for at most `response_cache_ttl_seconds` (`Recommender.cache_version`): a new
snapshot or a new signals file changes the key (old entries are never read again and age out of
the LRU), and time-dependent changes show up within one TTL. The ETag is derived from
the snapshot version and a hash of the request and the rendered body, so a client's copy stays
valid exactly as long as the answer it would get is byte-identical.

The key is the *canonical* query (`request_key`): parameter names and values percent-decoded as
the parser decodes them, the last of repeated names kept (as the parser does), only the
parameters `RecommendationQuery` declares, sorted. Unknown parameters (a page's tracking
parameters, junk) change nothing in the answer, so they are dropped from the key instead of
each making a new entry; `%68istory=` is `history=` here exactly as in the parser (issue #11).
The LRU is bounded in entries and in bytes.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlencode

import xxhash

from service.query import RecommendationQuery, decode_query

# Query parameters that make an answer personal: never kept in the shared LRU.
PERSONAL_PARAMS = frozenset({"history", "exclude"})
# `page_view` changes an answer only while an experiment interleaves (then it is personal, see
# `ResponseCacheMiddleware`); otherwise it is left out of the key like an unknown parameter.
PAGE_VIEW_PARAM = "page_view"
KNOWN_PARAMS = frozenset(RecommendationQuery.model_fields) - {PAGE_VIEW_PARAM}
# What `urlencode` leaves as it is (quote_plus' always-safe characters): a key of such values
# is written without it (parameter names are KNOWN_PARAMS, all of them such characters).
UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")
ENTRY_OVERHEAD = 200  # bytes an entry costs beyond its body and headers (objects, key)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered 200 answer: its body, ETag, the headers it went out with and when."""

    body: bytes
    etag: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    created: float


def make_etag(version: str, query: bytes, body: bytes) -> bytes:
    """The answer's strong ETag: the snapshot version and a hash of the query key and the body.
    XXH3-128, not a cryptographic hash: the ETag only tells our own answers apart (a collision
    would need two of them to share 128 bits), and blake2b cost ~5 µs of an uncached answer."""
    digest = xxhash.xxh3_128_hexdigest(query + b"\0" + body)
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


def decoded_params(query: bytes) -> dict[str, str]:
    """The query's parameters exactly as `service.query.validate_query_string` reads them."""
    return decode_query(query)


def request_key(query: bytes, personal: frozenset[str] = PERSONAL_PARAMS) -> bytes | None:
    """The canonical form of a widget query (see the module doc); None for a personal request
    (one with any of the `personal` parameters)."""
    return params_key(decoded_params(query), personal)


def params_key(params: dict[str, str], personal: frozenset[str] = PERSONAL_PARAMS) -> bytes | None:
    """`request_key` of a query already decoded (`decoded_params`)."""
    if not personal.isdisjoint(params):
        return None
    known = sorted([(k, v) for k, v in params.items() if k in KNOWN_PARAMS])
    if UNQUOTED.fullmatch("".join([v for _, v in known])):  # the usual: nothing to quote
        return "&".join([f"{k}={v}" for k, v in known]).encode()
    return urlencode(known).encode("latin-1", "replace")


def is_cacheable(query: bytes) -> bool:
    """Answers for anonymous requests are shared; personalised ones (history) are not."""
    return request_key(query) is not None


def entry_bytes(query: bytes, entry: Rendered) -> int:
    """What an entry costs the process, roughly: body, headers, key and a fixed overhead."""
    headers = sum(len(k) + len(v) for k, v in entry.headers)
    return len(entry.body) + len(entry.etag) + headers + len(query) + ENTRY_OVERHEAD


class ResponseCache:
    """LRU of rendered answers keyed by (snapshot version, query key), each valid for `ttl`;
    at most `size` entries and `max_bytes` bytes (`entry_bytes`)."""

    def __init__(self, size: int, ttl: float, max_bytes: int = 32 * 1_048_576) -> None:
        self.size = size
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, bytes], Rendered] = OrderedDict()
        self._sizes: dict[tuple[str, bytes], int] = {}

    @property
    def enabled(self) -> bool:
        return self.size > 0 and self.ttl > 0 and self.max_bytes > 0

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
        cost = entry_bytes(query, entry)
        self._drop(key)
        if cost > self.max_bytes:  # larger than the whole cache: not kept
            return
        self._entries[key] = entry
        self._sizes[key] = cost
        self.bytes += cost
        while len(self._entries) > self.size or self.bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple[str, bytes]) -> None:
        if self._entries.pop(key, None) is not None:
            self.bytes -= self._sizes.pop(key)

    def clear(self) -> None:
        self._entries.clear()
        self._sizes.clear()
        self.bytes = 0
