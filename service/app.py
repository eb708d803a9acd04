"""App factory: `create_app(settings)` builds the FastAPI app; the lifespan loads the snapshot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import faiss
from fastapi import FastAPI

from recommender import __version__
from recommender.settings import Settings
from service.admin import admin_router
from service.errors import install_error_handlers
from service.events import install_events
from service.metrics import metrics_router
from service.middleware import install_middleware
from service.openapi import document_limits
from service.reloader import following
from service.responses import JSONBytes
from service.routes import router
from service.runtime import Runtime
from service.widget import install_widget

log = logging.getLogger("recommender.service")


def create_app(settings: Settings) -> FastAPI:
    """A new app serving the snapshot under `settings.data_dir`."""
    runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        faiss.omp_set_num_threads(1)  # single queries: 2 threads measured ~3x slower here
        if runtime.reload():
            log.info("loaded snapshot %s", runtime.loaded_version)
        else:
            log.warning("no snapshot under %s; /readyz answers 503", runtime.store.root)
        async with following(runtime, settings.reload_interval_seconds):  # new snapshots
            yield
        app.state.event_log.close()

    app = FastAPI(
        title="recommender",
        version=__version__,
        summary="Related articles, videos and separated sponsored items for a news widget.",
        default_response_class=JSONBytes,
        lifespan=lifespan,
        # Our metrics are Prometheus (service.metrics); FastAPI's OpenTelemetry probe would
        # otherwise look up the global providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(metrics_router)
    if (admin := admin_router(settings)) is not None:
        app.include_router(admin)
    install_middleware(app, runtime)
    document_limits(app, settings)
    install_events(app, settings)
    install_widget(app, settings)  # after the response cache: CORS headers must not be cached
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and worker processes: Settings from the environment."""
    return create_app(Settings())  # type: ignore[call-arg]  # every field has a default
