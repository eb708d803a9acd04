"""The embeddable widget: GET /widget.js, the CORS policy for browser callers, and the demo pages."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from recommender.settings import Settings
from service.demo import router as demo_router

WIDGET_FILE = "widget.js"
CACHE_CONTROL = "public, max-age=300"  # short: a new release reaches readers within minutes


@dataclass(frozen=True)
class Asset:
    """A static file held in memory, with its gzip form and ETag computed once."""

    body: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def load(cls, name: str) -> Asset:
        body = resources.files("service").joinpath("static", name).read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return cls(body, gzip.compress(body, compresslevel=9, mtime=0), etag)


def widget_response(asset: Asset, request: Request) -> Response:
    headers = {"ETag": asset.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    media_type = "text/javascript; charset=utf-8"
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=media_type, headers=headers)
    return Response(asset.body, media_type=media_type, headers=headers)


def widget_router(asset: Asset) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/widget.js",
        response_class=Response,
        summary="The embeddable widget script",
        responses={200: {"content": {"text/javascript": {}}}},
    )
    def widget_js(request: Request) -> Response:
        return widget_response(asset, request)

    return router


def install_widget(app: FastAPI, settings: Settings) -> None:
    """Serve /widget.js (and /demo when enabled); let only configured origins read the API."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    app.include_router(widget_router(Asset.load(WIDGET_FILE)))
    if settings.demo_pages:
        app.include_router(demo_router)
