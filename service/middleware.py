"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task and a queue per request).

- `ObservabilityMiddleware`: request id, one JSON access-log line, request metrics.
- `GuardMiddleware`: before any parsing, refuses oversize query strings (414), admin calls without
  the token (401) and oversize bodies (413).
- `ResponseCacheMiddleware`: ETag / If-None-Match / Cache-Control and the LRU of rendered answers
  for `GET /v1/recommendations` (see `service.caching`).
- `RecommendationsFastPath` (service.fast_path), innermost: computes those answers before the router.

The order they run in is declared in one place, `service.app.middleware_stack`.
"""

from __future__ import annotations

import logging
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.admin import UNAUTHORIZED, TokenCheck
from service.caching import Rendered, ResponseCache, etag_matches, is_cacheable, make_etag
from service.errors import error_body
from service.fast_path import ROUTE_KEY
from service.metrics import UNMATCHED, Metrics
from service.paths import ADMIN_PREFIX, RECOMMENDATIONS
from service.responses import JSONBytes
from service.runtime import Runtime

access_log = logging.getLogger("recommender.access")
REQUEST_ID_HEADER = b"x-request-id"
MAX_REQUEST_ID = 64
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_QUERY_BYTES = 8192
BEARER = {"www-authenticate": "Bearer"}
CLOSE = {"connection": "close"}  # the unread rest of an oversize body is not worth reading


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _request_id(scope: Scope) -> bytes:
    """The caller's X-Request-ID when it is short and plain, else a fresh random one."""
    given = header(scope, REQUEST_ID_HEADER)
    if given and len(given) <= MAX_REQUEST_ID and given.replace(b"-", b"").isalnum():
        return given
    return secrets.token_hex(8).encode()


class ObservabilityMiddleware:
    """Outermost: times every request, tags it with a request id, counts it, logs one line."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((REQUEST_ID_HEADER, request_id))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or scope.get(ROUTE_KEY) or UNMATCHED
            self.metrics.observe_request(template, scope["method"], status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                fields = {
                    "request_id": request_id.decode(),
                    "method": scope["method"],
                    "route": template,
                    "path": scope["path"],
                    "status": status,
                    "ms": round(seconds * 1000, 3),
                }
                # makeRecord + handle: `info()` would also walk the stack to find the caller.
                record = access_log.makeRecord(
                    access_log.name, logging.INFO, __file__, 0, "request", (), None
                )
                record.fields = fields
                access_log.handle(record)


class GuardMiddleware:
    """Refuse oversize input before the framework parses it, with the standard error shape."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, admin: TokenCheck | None) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.admin = admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope["query_string"]) > MAX_QUERY_BYTES:
            text = f"the query string is longer than {MAX_QUERY_BYTES} bytes"
            await _error(scope, receive, send, 414, "uri_too_long", text)
            return
        if self.admin is not None and scope["path"].startswith(ADMIN_PREFIX):
            authorization = header(scope, b"authorization")
            if not self.admin.allows(authorization.decode("latin-1") if authorization else None):
                await _error(scope, receive, send, 401, "unauthorized", UNAUTHORIZED, BEARER)
                return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        length = header(scope, b"content-length")
        if length is not None:  # the server never delivers more than the declared length
            if not length.isdigit() or int(length) > self.max_body:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        # Chunked: read up to the limit here (bodies are small), then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than {self.max_body} bytes"
        await _error(scope, receive, send, 413, "payload_too_large", message, CLOSE)


async def _error(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> None:
    response = JSONBytes(error_body(code, message), status, headers=headers)
    await response(scope, receive, send)


class ResponseCacheMiddleware:
    """ETag, If-None-Match → 304, Cache-Control, and the LRU of rendered answers for one path."""

    def __init__(
        self,
        app: ASGIApp,
        runtime: Runtime,
        cache: ResponseCache,
        max_age: int,
        path: str = RECOMMENDATIONS,
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.cache = cache
        self.path = path
        self.public = f"public, max-age={max_age}".encode() if max_age else b"no-cache"
        self.private = f"private, max-age={max_age}".encode() if max_age else b"no-cache"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        query: bytes = scope["query_string"]
        current = self.runtime.current
        shared = self.cache.enabled and current is not None and is_cacheable(query)
        if shared and current is not None:
            entry = self.cache.get(current.catalog.version, query, time.monotonic())
            if entry is not None:
                scope[ROUTE_KEY] = self.path
                await self._answer(scope, send, entry)
                return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] == 200:
                start = message
                return
            if start is None:  # errors and anything else pass straight through
                await send(message)
                return
            chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if start is None:
            return
        body = b"".join(chunks)
        version = current.catalog.version if current is not None else ""
        etag = make_etag(version, query, body)
        cache_control = self.public if shared else self.private
        headers = (
            *((k, v) for k, v in start.get("headers", ()) if k != b"etag"),
            (b"etag", etag),
            (b"cache-control", cache_control),
        )
        entry = Rendered(body, etag, headers, time.monotonic())
        if shared and current is not None:
            self.cache.put(current.catalog.version, query, entry)
        await self._answer(scope, send, entry)

    async def _answer(self, scope: Scope, send: Send, entry: Rendered) -> None:
        condition = header(scope, b"if-none-match")
        if condition is not None and etag_matches(condition, entry.etag):
            headers = [(k, v) for k, v in entry.headers if k in (b"etag", b"cache-control")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": list(entry.headers)})
        await send({"type": "http.response.body", "body": entry.body})
