"""orjson-rendered JSON responses (FastAPI's ORJSONResponse is deprecated; this is its whole job)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse, Response


class JSONBytes(JSONResponse):
    # A JSONResponse subclass, so FastAPI documents routes' response models in OpenAPI.
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class RenderedJSON(Response):
    """A body the recommender already rendered to JSON bytes (`Recommender.recommend_json`)."""

    media_type = "application/json"
