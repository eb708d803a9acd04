"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task and a queue per request).

- `ObservabilityMiddleware`: request id, one JSON access-log line, request metrics.
- `GuardMiddleware`: before any parsing, refuses oversize query strings (414), admin calls without
  the token (401) and oversize bodies (413).
- `ResponseCacheMiddleware`: ETag / If-None-Match / Cache-Control and the LRU of rendered answers
  for `GET /v1/recommendations` (see `service.caching`); on a miss it asks
  `RecommendationsFastPath` (service.fast_path) for the answer, before the router.
- `SecurityHeadersMiddleware`: nosniff on every answer; CSP, frame and referrer policies on HTML.
- `HeadMiddleware`: HEAD answered as the GET without its body.

The order they run in is declared in one place, `service.app.middleware_stack`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.admin import UNAUTHORIZED, TokenCheck
from service.caching import (
    PAGE_VIEW_PARAM,
    PERSONAL_PARAMS,
    Rendered,
    ResponseCache,
    decoded_params,
    etag_matches,
    make_etag,
    params_key,
)
from service.errors import error_body
from service.fast_path import JSON_TYPE, ROUTE_KEY, RecommendationsFastPath
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
        method = scope["method"]
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
            self.metrics.observe_request(template, method, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                fields = {
                    "request_id": request_id.decode(),
                    "method": method,
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
        fast: RecommendationsFastPath | None = None,
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.cache = cache
        self.path = path
        self.fast = fast
        self.public = f"public, max-age={max_age}".encode() if max_age else b"no-cache"
        self.private = f"private, max-age={max_age}".encode() if max_age else b"no-cache"
        # While an experiment interleaves, an answer for a page view is that page view's alone.
        self.personal = PERSONAL_PARAMS
        if runtime.experiments:
            self.personal = PERSONAL_PARAMS | {PAGE_VIEW_PARAM}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        current = self.runtime.current
        # The canonical query (decoded names, known parameters only): the cache key and the
        # ETag's input; None for a personal request (service.caching.request_key).
        query_string = scope["query_string"]
        params = decoded_params(query_string)
        key = params_key(params, self.personal)
        query = key if key is not None else query_string
        shared = self.cache.enabled and current is not None and key is not None
        if shared and current is not None:
            entry = self.cache.get(current.cache_version, query, time.monotonic())
            if entry is not None:
                scope[ROUTE_KEY] = self.path
                await self._answer(scope, send, entry)
                return
        body = None if self.fast is None else self.fast.body(current, query_string, params)
        if body is not None:  # the usual miss: answered here, without the router
            scope[ROUTE_KEY] = self.path
            head: Iterable[tuple[bytes, bytes]] = (
                (b"content-length", str(len(body)).encode()),
                (b"content-type", JSON_TYPE),
            )
        else:
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
            head = ((k, v) for k, v in start.get("headers", ()) if k != b"etag")
        version = current.catalog.version if current is not None else ""
        etag = make_etag(version, query, body)
        cache_control = self.public if shared else self.private
        headers = (*head, (b"etag", etag), (b"cache-control", cache_control))
        entry = Rendered(body, etag, headers, time.monotonic())
        if shared and current is not None:
            self.cache.put(current.cache_version, query, entry)
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


class HeadMiddleware:
    """`HEAD` wherever `GET` is served: the request goes on as a GET (fast path, response cache
    and routes only know GET) and the answer's body is dropped; status and headers, the
    Content-Length included, are the GET's (RFC 9110 §9.3.2).

    The GET runs on a copy of the scope: uvicorn reads the original scope's method to know it
    must send no body. What the router records there (the route, for the metrics) is copied back.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        child = dict(scope, method="GET")

        async def no_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(child, receive, no_body)
        finally:
            for key in ("route", ROUTE_KEY):
                if key in child:
                    scope[key] = child[key]


# Every HTML page's policy unless the page sets its own: nothing may load, nothing may frame it.
STRICT_CSP = b"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from jsdelivr and run one inline
# script (Swagger's set-up): that script is allowed by its hash, computed from the page itself.
DOCS_CSP = (
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none';"
    " connect-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly;"
    " font-src https://fonts.gstatic.com; worker-src blob:;"
    " style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline';"
    " script-src https://cdn.jsdelivr.net {hashes}"
)
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)
HTML_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)


def inline_hashes(html: bytes) -> str:
    """CSP source expressions allowing exactly the page's inline scripts."""
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
        for m in INLINE_SCRIPT.findall(html)
    )


class SecurityHeadersMiddleware:
    """`X-Content-Type-Options: nosniff` on every answer; on HTML pages also frame protection,
    a Referrer-Policy and a Content-Security-Policy (the page's own, else STRICT_CSP; the API
    docs pages in `docs_paths` get DOCS_CSP with their inline script's hash)."""

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in self.docs_paths
        held: Message | None = None

        async def secured(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    headers.extend(h for h in HTML_HEADERS if h[0] not in names)
                    if b"content-security-policy" not in names:
                        if docs:  # the policy needs the body: hold the start until it comes
                            held = {**message, "headers": headers}
                            return
                        headers.append((b"content-security-policy", STRICT_CSP))
                message = {**message, "headers": headers}
            elif held is not None and message["type"] == "http.response.body":
                # FastAPI's docs pages are one small body (HTMLResponse, never streamed).
                policy = DOCS_CSP.format(hashes=inline_hashes(message.get("body", b"")))
                start, held = held, None
                start["headers"].append((b"content-security-policy", policy.encode()))
                await send(start)
            await send(message)

        await self.app(scope, receive, secured)
