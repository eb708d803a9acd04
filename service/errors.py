"""One place that maps domain, service and validation errors to HTTP and one JSON error shape.

{"error": {"code": "article_not_found", "message": "...", "details": [...]}}

The domain (recommender.errors) says what went wrong; `STATUS` says which HTTP status each kind
of error is. A domain error missing from the table is a 500 (a test checks the table is complete).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from recommender.errors import (
    ArticleNotFound,
    EventStoreUnavailable,
    ExecutorUnavailable,
    InvalidInput,
    JobLocked,
    ModelUnavailable,
    RecommenderError,
    SnapshotCorrupt,
    SnapshotIncompatible,
    SnapshotMissing,
)
from recommender.events.tokens import EventRejected
from service.responses import JSONBytes


class OriginNotAllowed(RecommenderError):
    """A browser page of an origin outside CORS_ORIGINS tried to post events."""

    code = "origin_not_allowed"


class RateLimited(RecommenderError):
    """A client sent more than its share; `retry_after` seconds until it may again."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


STATUS: dict[type[RecommenderError], int] = {
    InvalidInput: 422,
    ArticleNotFound: 404,
    OriginNotAllowed: 403,
    EventRejected: 422,
    RateLimited: 429,
    SnapshotMissing: 503,
    SnapshotIncompatible: 409,
    SnapshotCorrupt: 409,
    JobLocked: 409,
    ModelUnavailable: 500,
    ExecutorUnavailable: 503,
    EventStoreUnavailable: 503,
}


def status_of(exc: RecommenderError) -> int:
    """The HTTP status of a domain error (its class's, or its nearest base's; else 500)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


HTTP_CODES = {
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path, HEAD wherever GET is (service.middleware).

    Each method is tried against the router's routes (`BaseRoute.matches`): FastAPI wraps
    included routers in route objects of its own, so reading `Route.methods` off `app.routes`
    misses them (the `Allow` header of every 405 was empty, issue #11).
    """
    methods: set[str] = set()
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RecommenderError)
    async def _domain(_: Request, exc: RecommenderError) -> JSONBytes:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return JSONBytes(
            error_body(exc.code, exc.message, exc.details), status_of(exc), headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONBytes:
        details = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body")),
                "reason": str(err.get("msg", "")),
            }
            for err in exc.errors()
        ]
        return JSONBytes(error_body("invalid_input", "invalid request", details), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONBytes:
        if exc.status_code == 400:  # an unparseable body is bad input like any other: 422
            return JSONBytes(error_body("invalid_input", str(exc.detail)), 422)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette lists only the first matching route's methods
            headers["Allow"] = ", ".join(allowed_methods(request))
        code = HTTP_CODES.get(exc.status_code, "http_error")
        return JSONBytes(error_body(code, str(exc.detail)), exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONBytes:
        # A bug, not bad input: the same shape, no internals (the traceback goes to the log).
        return JSONBytes(error_body("internal_error", "internal server error"), 500)
