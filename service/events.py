"""POST /v1/events: the widget's impressions and clicks, validated, then appended to the event log.

`navigator.sendBeacon` posts a string as `text/plain`, so the body is read as JSON whatever its
Content-Type says (`AnyContentTypeJSON`). Beacons from a page whose origin is neither this host nor
in `CORS_ORIGINS` are refused: CORS alone only stops a browser reading answers, not sending events.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.types import Message

from recommender.articles import ID_PATTERN
from recommender.errors import InvalidInput
from recommender.settings import Settings
from service.deps import RuntimeDep
from service.errors import OriginNotAllowed
from service.eventlog import Event, EventLog
from service.metrics import Metrics
from service.paths import EVENTS
from service.runtime import Runtime
from service.schemas import ErrorOut

MAX_BODY_BYTES = 32 * 1024
MAX_EVENTS_PER_BATCH = 100


class EventIn(BaseModel):
    """One impression (the item was seen) or click."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    kind: Literal["impression", "click"]
    section: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    item_id: str = Field(pattern=ID_PATTERN, max_length=128)
    position: int = Field(ge=0, lt=50)
    sponsored: bool = False
    label: str | None = Field(None, min_length=1, max_length=100)
    sponsor: str | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _sponsored_carries_label(self) -> EventIn:
        if self.sponsored and self.label is None:
            raise ValueError("a sponsored event must name the label that was shown")
        return self


class EventBatch(BaseModel):
    """What one beacon carries: the events of one page view."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    page_view: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")
    article_id: str = Field(pattern=ID_PATTERN, max_length=128)
    snapshot: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


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


class AnyContentTypeJSON(APIRoute):
    """A route whose body is parsed as JSON whatever Content-Type the client sent."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def as_json(request: Request) -> Response:
            body = await read_capped(request)
            headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
            scope = {**request.scope, "headers": [*headers, (b"content-type", b"application/json")]}

            async def receive() -> Message:
                return {"type": "http.request", "body": body, "more_body": False}

            try:
                return await handler(Request(scope, receive))
            except (RequestValidationError, InvalidInput) as exc:
                metrics: Metrics = request.app.state.metrics
                metrics.record_events(rejected=carried_events(getattr(exc, "body", None)))
                raise

        return as_json


def carried_events(body: Any) -> int:
    """How many events a refused body carried (1 when it is not even a batch)."""
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        return max(1, len(body["events"]))
    return 1


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """No Origin (not a browser), this host itself, or a configured origin."""
    if origin is None:
        return True
    if host is not None and urlsplit(origin).netloc == host:
        return True
    return (
        "*" in settings.service.cors_origins or origin.rstrip("/") in settings.service.cors_origins
    )


def check_origin(request: Request, runtime: RuntimeDep) -> None:
    origin = request.headers.get("origin")
    if not origin_allowed(origin, request.headers.get("host"), runtime.settings):
        raise OriginNotAllowed(f"origin {origin!r} may not send events (see CORS_ORIGINS)")


def get_event_log(request: Request) -> EventLog:
    log: EventLog = request.app.state.event_log
    return log


def catalog_sponsor(runtime: Runtime, item_id: str) -> str | None:
    """The sponsor the loaded snapshot names for an item (the audit trusts it over the client)."""
    current = runtime.current
    if current is None:
        return None
    catalog = current.catalog
    row = catalog.row_of.get(item_id)
    sponsor = catalog.records[row].get("sponsor") if row is not None else None
    return str(sponsor["name"]) if sponsor else None


def to_events(batch: EventBatch, runtime: Runtime, at: datetime) -> list[Event]:
    stamp = at.astimezone(UTC).isoformat(timespec="milliseconds")
    events = []
    for e in batch.events:
        sponsor = catalog_sponsor(runtime, e.item_id)
        events.append(
            Event(
                at=stamp,
                kind=e.kind,
                page_view=batch.page_view,
                article_id=batch.article_id,
                snapshot=batch.snapshot,
                section=e.section,
                item_id=e.item_id,
                position=e.position,
                sponsored=e.sponsored or sponsor is not None,
                label=e.label,
                sponsor=sponsor or e.sponsor,
            )
        )
    return events


router = APIRouter(route_class=AnyContentTypeJSON)


@router.post(
    EVENTS,
    status_code=204,
    response_class=Response,
    dependencies=[Depends(check_origin)],
    responses={
        403: {"model": ErrorOut, "description": "Origin not allowed"},
        422: {"model": ErrorOut, "description": "Malformed events (nothing stored)"},
    },
    summary="Record the widget's impressions and clicks",
)
def post_events(
    batch: EventBatch,
    request: Request,
    runtime: RuntimeDep,
    log: Annotated[EventLog, Depends(get_event_log)],
) -> Response:
    events = to_events(batch, runtime, datetime.now(UTC))
    log.append(events)
    metrics: Metrics = request.app.state.metrics
    metrics.record_events(accepted=len(events))
    return Response(status_code=204)
