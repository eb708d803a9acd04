"""One place that maps domain and validation errors to the single JSON error shape.

{"error": {"code": "article_not_found", "message": "...", "details": [...]}}
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from recommender.errors import RecommenderError
from service.responses import JSONBytes


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RecommenderError)
    async def _domain(_: Request, exc: RecommenderError) -> JSONBytes:
        return JSONBytes(error_body(exc.code, exc.message, exc.details), exc.status_code)

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
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONBytes:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONBytes(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)
