"""POST /v1/events: the widget's impressions and clicks, checked against the signed answer they
come from, then appended to the event log (recommender.events.store).

The body is `{page_view, article_id, event_token, events: [{kind, section, item_id, position}]}`,
`event_token` being the one the answer carried (recommender.events.tokens). A batch is stored
only if the token verifies, is not expired, names this article, and every event's item was served
at that position of that section; sponsor and label come from the catalogue. Otherwise nothing
is stored and the answer is a 422 (`event_rejected`, the reason in `details`), counted in
`/metrics` by reason. Crawlers are counted, not stored. Each client address may send
`EVENTS_RATE_PER_MINUTE` events a minute (429 with `Retry-After` above).

The widget posts a string as `text/plain` (no CORS preflight), so the body is read as JSON whatever
its Content-Type says (`AnyContentTypeJSON`). Pages of an origin that is neither this host nor in
`CORS_ORIGINS` are refused: CORS alone only stops a browser reading answers, not sending them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.types import Message

from recommender.articles import ID_PATTERN
from recommender.errors import InvalidInput, SnapshotMissing
from recommender.events.accept import Reported, accept, is_bot, served_lists
from recommender.events.store import EventStore, iso
from recommender.events.tokens import EventRejected, KeySource
from recommender.serving.engine import SPONSORED_KEY
from recommender.settings import Settings
from service.deps import RuntimeDep
from service.errors import OriginNotAllowed, RateLimited
from service.metrics import Metrics
from service.paths import EVENTS
from service.query import PAGE_VIEW_PATTERN
from service.ratelimit import TokenBuckets, client_address, parse_networks
from service.schemas import ErrorOut

MAX_BODY_BYTES = 32 * 1024
MAX_EVENTS_PER_BATCH = 100
REJECTS_FLUSH_SECONDS = 10.0


class EventIn(BaseModel):
    """One impression (the item was seen) or click, at its place in the answer."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    kind: Literal["impression", "click"]
    section: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    item_id: str = Field(pattern=ID_PATTERN, max_length=128)
    position: int = Field(ge=0, lt=50)


class EventBatch(BaseModel):
    """What one post carries: events of one page view, with the token of the answer shown."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    page_view: str = Field(pattern=PAGE_VIEW_PATTERN)
    article_id: str = Field(pattern=ID_PATTERN, max_length=128)
    event_token: str = Field(
        min_length=16, max_length=8192, pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
    )
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class EventDesk:
    """Everything the endpoint keeps between requests: the store, the keys, the rate limits,
    and refusals counted by reason (flushed to the store now and then, for `events stats`)."""

    def __init__(
        self, settings: Settings, store: EventStore, keys: KeySource, metrics: Metrics
    ) -> None:
        self.settings = settings.events
        self.default_label = settings.widget.sponsored_label
        self.store = store
        self.keys = keys
        self.metrics = metrics
        self.buckets = TokenBuckets(self.settings.events_rate_per_minute)
        self.trusted = parse_networks(self.settings.trusted_proxies)
        self._rejects: Counter[str] = Counter()
        self._flushed = time.monotonic()
        self._lock = threading.Lock()

    def client(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.get("x-forwarded-for"), self.trusted)

    def admit(self, request: Request, cost: int) -> None:
        """Spend the client's tokens for `cost` events, or raise `RateLimited`."""
        wait = self.buckets.take(self.client(request), cost, time.monotonic())
        if wait > 0:
            raise RateLimited(
                f"too many events from this address; retry in {math.ceil(wait)} s",
                retry_after=math.ceil(wait),
            )

    def refused(self, reason: str, events: int) -> None:
        self.metrics.record_events(rejected=events)
        self.metrics.record_reject(reason, events)
        with self._lock:
            self._rejects[reason] += events
        self.flush_rejects()

    def flush_rejects(self, *, force: bool = False) -> None:
        with self._lock:
            due = force or time.monotonic() - self._flushed >= REJECTS_FLUSH_SECONDS
            if not due or not self._rejects:
                return
            pending, self._rejects = dict(self._rejects), Counter()
            self._flushed = time.monotonic()
        self.store.record_rejects(pending, datetime.now(UTC).date().isoformat())

    def receive(self, batch: EventBatch, request: Request, runtime: RuntimeDep) -> None:
        """Store the batch, or raise `EventRejected` (nothing stored)."""
        if is_bot(request.headers.get("user-agent")):
            self.metrics.record_outcome("bot", len(batch.events))
            return
        now = time.time()
        served = self.keys.keys().verify(
            batch.event_token, now, self.settings.event_token_max_age_seconds
        )
        runtime.catch_up(served.snapshot)  # answered from a newer snapshot than the one loaded
        current = runtime.current
        if current is None:
            raise SnapshotMissing("no snapshot loaded: events cannot be checked yet")
        stored = self.store.count_for_page_view(batch.page_view)
        if stored + len(batch.events) > self.settings.max_events_per_page_view:
            raise EventRejected(
                "page_view_cap",
                f"a page view may report at most {self.settings.max_events_per_page_view} events",
            )
        reported = [Reported(e.kind, e.section, e.item_id, e.position) for e in batch.events]
        at = iso(datetime.now(UTC))
        events = accept(
            served,
            batch.article_id,
            batch.page_view,
            reported,
            current.catalog,
            SPONSORED_KEY,
            self.default_label,
            at,
        )
        shown = served_lists(served, batch.page_view, batch.article_id, events, at)
        appended = self.store.append(events, shown)
        self.metrics.record_events(accepted=appended.stored)
        self.metrics.record_slots(appended.slots)
        self.metrics.record_outcome("duplicate", appended.duplicates)


async def read_capped(request: Request) -> bytes:
    """The body, refused beyond MAX_BODY_BYTES without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise InvalidInput(f"the body must be at most {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise InvalidInput(f"the body must be at most {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def carried_events(body: Any) -> int:
    """How many events a body carries (1 when it is not even a batch)."""
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        return max(1, len(body["events"]))
    return 1


class AnyContentTypeJSON(APIRoute):
    """The events route: its body is parsed as JSON whatever Content-Type the client sent, the
    client's rate limit is spent before any other work, and refusals are counted by reason."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def as_json(request: Request) -> Response:
            desk: EventDesk = request.app.state.events
            events = 1
            try:
                body = await read_capped(request)
                try:
                    events = carried_events(orjson.loads(body))
                except orjson.JSONDecodeError:
                    events = 1
                desk.admit(request, events)
                headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
                scope = {
                    **request.scope,
                    "headers": [*headers, (b"content-type", b"application/json")],
                }

                async def receive() -> Message:
                    return {"type": "http.request", "body": body, "more_body": False}

                return await handler(Request(scope, receive))
            except RateLimited:
                await run_in_threadpool(desk.refused, "rate_limited", events)
                raise
            except EventRejected as exc:
                await run_in_threadpool(desk.refused, exc.reason, events)
                raise
            except OriginNotAllowed:
                await run_in_threadpool(desk.refused, "origin", events)
                raise
            except (RequestValidationError, InvalidInput):
                await run_in_threadpool(desk.refused, "invalid", events)
                raise

        return as_json


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """No Origin (not a browser), this host itself, or a configured origin."""
    if origin is None:
        return True
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:  # `http://[zz]`: a host in brackets that is no IP address
        return False
    if host is not None and netloc == host:
        return True
    allowed = settings.service.cors_origins
    return "*" in allowed or origin.rstrip("/") in allowed


def check_origin(request: Request, runtime: RuntimeDep) -> None:
    origin = request.headers.get("origin")
    if not origin_allowed(origin, request.headers.get("host"), runtime.settings):
        raise OriginNotAllowed(f"origin {origin!r} may not send events (see CORS_ORIGINS)")


router = APIRouter(route_class=AnyContentTypeJSON)


@router.post(
    EVENTS,
    status_code=204,
    response_class=Response,
    dependencies=[Depends(check_origin)],
    responses={
        403: {"model": ErrorOut, "description": "Origin not allowed"},
        422: {"model": ErrorOut, "description": "Malformed or untrusted events (nothing stored)"},
        429: {"model": ErrorOut, "description": "Too many events from this address"},
    },
    summary="Record the widget's impressions and clicks",
)
def post_events(batch: EventBatch, request: Request, runtime: RuntimeDep) -> Response:
    desk: EventDesk = request.app.state.events
    desk.receive(batch, request, runtime)
    return Response(status_code=204)
