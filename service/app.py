"""App factory: `create_app(settings)` builds the FastAPI app; the lifespan loads the snapshot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import faiss
from fastapi import FastAPI

from recommender import __version__
from recommender.settings import Settings
from service.errors import install_error_handlers
from service.responses import JSONBytes
from service.routes import router
from service.runtime import Runtime

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
        yield

    app = FastAPI(
        title="recommender",
        version=__version__,
        summary="Related articles, videos and separated sponsored items for a news widget.",
        default_response_class=JSONBytes,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(router)
    return app
