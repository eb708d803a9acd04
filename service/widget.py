"""The embeddable widget script, GET /widget.js: held in memory with its gzip form and ETag."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources

from fastapi import APIRouter, Request, Response

from service.caching import etag_matches
from service.paths import WIDGET_JS

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
    condition = request.headers.get("if-none-match")
    if condition is not None and etag_matches(condition.encode("latin-1"), asset.etag.encode()):
        return Response(status_code=304, headers=headers)
    media_type = "text/javascript; charset=utf-8"
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=media_type, headers=headers)
    return Response(asset.body, media_type=media_type, headers=headers)


def widget_router(asset: Asset | None = None) -> APIRouter:
    """GET /widget.js (the packaged script unless `asset` is given)."""
    script = asset or Asset.load(WIDGET_FILE)
    router = APIRouter()

    @router.get(
        WIDGET_JS,
        response_class=Response,
        summary="The embeddable widget script",
        responses={200: {"content": {"text/javascript": {}}}},
    )
    def widget_js(request: Request) -> Response:
        return widget_response(script, request)

    return router
