"""App factory: `create_app(settings)` builds the FastAPI app; the lifespan loads the snapshot.

The whole middleware stack is declared here, in `middleware_stack`, outermost first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

from recommender import __version__
from recommender.errors import RecommenderError
from recommender.events.backend import open_event_store
from recommender.events.tokens import KEYS_FILE, KeySource, Teams, issue_time
from recommender.serving.engine import Signer
from recommender.settings import Settings
from service.admin import admin_router, token_check
from service.caching import ResponseCache
from service.demo import router as demo_router
from service.errors import install_error_handlers
from service.events import EventDesk
from service.events import router as events_router
from service.fast_path import RecommendationsFastPath
from service.logs import configure_logging
from service.metrics import Metrics, metrics_router
from service.middleware import (
    GuardMiddleware,
    HeadMiddleware,
    ObservabilityMiddleware,
    ResponseCacheMiddleware,
    SecurityHeadersMiddleware,
)
from service.openapi import document_limits
from service.reloader import following
from service.responses import JSONBytes
from service.routes import router
from service.runtime import Runtime
from service.widget import widget_router

log = logging.getLogger("recommender.service")
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})  # FastAPI's defaults


class AnswerSigner:
    """Signs each answer's event token (recommender.events.tokens) with the keys in force."""

    def __init__(self, keys: KeySource, max_age: int) -> None:
        self.keys = keys
        self.max_age = max_age

    def __call__(
        self,
        snapshot: str,
        article_id: str,
        sections: Sequence[tuple[str, Sequence[str]]],
        teams: Teams | None = None,
        history: Sequence[str] = (),
    ) -> str:
        issued = issue_time(time.time(), self.max_age)
        return self.keys.keys().sign(snapshot, article_id, sections, issued, teams, history)

    def sign_served_json(
        self, snapshot: str, article_id: str, served_json: bytes, history: Sequence[str] = ()
    ) -> str:
        """The token of an answer without an experiment from its served lists' JSON
        (`Signer.sign_served_json`)."""
        issued = issue_time(time.time(), self.max_age)
        keys = self.keys.keys()
        return keys.sign_served_json(snapshot, article_id, served_json, issued, history)


def answer_signer(keys: KeySource, max_age: int) -> Signer:
    """Signs each answer's event token (recommender.events.tokens)."""
    return AnswerSigner(keys, max_age)


def key_source(settings: Settings) -> KeySource:
    events = settings.events
    secret = events.event_secret.get_secret_value() if events.event_secret else None
    previous = events.event_secret_previous
    return KeySource(
        secret,
        previous.get_secret_value() if previous else None,
        settings.data_dir / KEYS_FILE,
        grace=events.event_token_max_age_seconds,
    )


def middleware_stack(
    settings: Settings, runtime: Runtime, cache: ResponseCache, metrics: Metrics, sign: Signer
) -> list[Middleware]:
    """Every middleware of the app, outermost first (a request meets them in this order)."""
    service = settings.service
    return [
        # CORS outermost: its headers depend on the caller's Origin, so they must never reach
        # the response cache below (a cached answer would carry another origin's headers).
        Middleware(
            CORSMiddleware,
            allow_origins=service.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            expose_headers=["Retry-After"],  # the widget pauses for it after a 429
            max_age=600,
        ),
        # nosniff on everything; CSP, frame and referrer policies on every HTML page.
        Middleware(SecurityHeadersMiddleware, docs_paths=DOCS_PATHS),
        # Request id, one access-log line and the request metrics, refusals included.
        Middleware(ObservabilityMiddleware, metrics=metrics),
        # HEAD wherever GET is served: what follows sees a GET, the body is dropped.
        Middleware(HeadMiddleware),
        # Oversize query strings and bodies, and admin calls without the token, refused before
        # anything parses them.
        Middleware(
            GuardMiddleware, max_body_bytes=service.max_body_bytes, admin=token_check(settings)
        ),
        # Innermost: ETag, If-None-Match and Cache-Control, the LRU of rendered widget answers,
        # and on a miss the answer itself, before the router where it can (service.fast_path).
        Middleware(
            ResponseCacheMiddleware,
            runtime=runtime,
            cache=cache,
            max_age=service.cache_max_age_seconds,
            fast=RecommendationsFastPath(sign),
        ),
    ]


def create_app(settings: Settings) -> FastAPI:
    """A new app serving the snapshot under `settings.data_dir`."""
    configure_logging(settings.service.log_level)
    runtime = Runtime(settings)
    cache = ResponseCache(
        settings.service.response_cache_size,
        settings.service.response_cache_ttl_seconds,
        settings.service.response_cache_max_bytes,
    )
    metrics = Metrics(runtime, cache)
    keys = key_source(settings)
    keys.keys()  # a missing key file is created now, not by the first request
    sign = answer_signer(keys, settings.events.event_token_max_age_seconds)
    store = open_event_store(settings)
    desk = EventDesk(settings, store, keys, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            loaded = runtime.reload()
        except RecommenderError:  # rejected: logged by the runtime; /readyz says why
            loaded = False
        if loaded:
            log.info("loaded snapshot %s", runtime.loaded_version)
        else:
            log.warning("no snapshot loaded from %s; /readyz answers 503", runtime.store.root)
        async with (
            following(runtime, settings.service.reload_interval_seconds),
            metrics.mirroring(),
        ):
            yield
        desk.flush_rejects(force=True)
        store.close()

    app = FastAPI(
        title="recommender",
        version=__version__,
        summary="Related articles, videos and separated sponsored items for a news widget.",
        default_response_class=JSONBytes,
        lifespan=lifespan,
        middleware=middleware_stack(settings, runtime, cache, metrics, sign),
        # Our metrics are Prometheus (service.metrics); FastAPI's OpenTelemetry probe would
        # otherwise look up the global providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    app.state.response_cache = cache
    app.state.metrics = metrics
    app.state.events = desk
    app.state.sign = sign
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(metrics_router)
    app.include_router(events_router)
    app.include_router(widget_router())
    if settings.service.demo_pages:
        app.include_router(demo_router)
    if (admin := admin_router(settings)) is not None:
        app.include_router(admin)
    document_limits(app, settings)
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and worker processes: Settings from the environment."""
    return create_app(Settings())  # type: ignore[call-arg]  # every field has a default
