"""The OpenAPI document states the limits this process enforces (some come from settings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from recommender.settings import Settings
from service.paths import RECOMMENDATIONS

COUNT_PARAMS = ("articles", "videos", "sponsored", "popular")


def document_limits(app: FastAPI, settings: Settings) -> None:
    """Make the schema's `maximum` of the section counts the configured `max_items_per_section`.

    The routes declare a static bound (50); the configured one is lower or equal and is what the
    route enforces, so a client (or schemathesis) reading the schema never sends a "valid" request
    that gets a 422.
    """
    original: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        operation = schema.get("paths", {}).get(RECOMMENDATIONS, {}).get("get", {})
        for param in operation.get("parameters", []):
            if param.get("in") == "query" and param.get("name") in COUNT_PARAMS:
                _set_maximum(param.get("schema", {}), settings.widget.max_items_per_section)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _set_maximum(schema: dict[str, Any], maximum: int) -> None:
    if "maximum" in schema:
        schema["maximum"] = maximum
    for option in schema.get("anyOf", []):
        _set_maximum(option, maximum)
