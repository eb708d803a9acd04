"""Domain errors; each carries the HTTP status and code the service maps it to.

RecommenderError
├── InvalidInput        422 invalid_input
├── ArticleNotFound     404 article_not_found
├── OriginNotAllowed    403 origin_not_allowed
├── SnapshotMissing     503 snapshot_missing
├── SnapshotIncompatible 409 snapshot_incompatible
├── JobLocked           409 job_locked
└── ModelUnavailable    500 model_unavailable
"""

from __future__ import annotations

from typing import Any


class RecommenderError(Exception):
    """Base of every error the engine raises on purpose."""

    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(RecommenderError):
    status_code = 422
    code = "invalid_input"


class ArticleNotFound(RecommenderError):
    status_code = 404
    code = "article_not_found"

    def __init__(self, article_id: str) -> None:
        super().__init__(f"article {article_id!r} is not in the current snapshot")
        self.article_id = article_id


class OriginNotAllowed(RecommenderError):
    status_code = 403
    code = "origin_not_allowed"


class SnapshotMissing(RecommenderError):
    status_code = 503
    code = "snapshot_missing"


class SnapshotIncompatible(RecommenderError):
    status_code = 409
    code = "snapshot_incompatible"


class JobLocked(RecommenderError):
    status_code = 409
    code = "job_locked"


class ModelUnavailable(RecommenderError):
    status_code = 500
    code = "model_unavailable"
