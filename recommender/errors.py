"""Domain errors: what went wrong, in the engine's words. HTTP statuses are the service's business
(`service.errors` maps each class to one).

RecommenderError
├── InvalidInput          bad items, rules, parameters or files
├── ArticleNotFound       the anchor article is not in the snapshot
├── SnapshotMissing       nothing published yet
├── SnapshotIncompatible  a snapshot this code or these settings cannot extend or read
├── SnapshotCorrupt       a snapshot failed verification (checksum, size, invariant): never loaded
├── JobLocked             another job holds the data dir's lock
├── ModelUnavailable      the embedding model cannot be loaded
├── ExecutorUnavailable   the Ray executor cannot be used (Ray missing, cluster unreachable)
└── EventStoreUnavailable the server event store (EVENTS_URL) cannot be reached
"""

from __future__ import annotations

from typing import Any


class RecommenderError(Exception):
    """Base of every error the engine raises on purpose; `code` names it in the error shape."""

    code = "internal_error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(RecommenderError):
    code = "invalid_input"


class ArticleNotFound(RecommenderError):
    code = "article_not_found"

    def __init__(self, article_id: str) -> None:
        super().__init__(f"article {article_id!r} is not in the current snapshot")
        self.article_id = article_id


class SnapshotMissing(RecommenderError):
    code = "snapshot_missing"


class SnapshotIncompatible(RecommenderError):
    code = "snapshot_incompatible"


class SnapshotCorrupt(RecommenderError):
    """A snapshot that fails verification. `reason` is a short label (missing, size, checksum,
    unlisted, manifest, invariant, unreadable, pointer); `file` the file at fault, if one is."""

    code = "snapshot_corrupt"

    def __init__(self, message: str, *, reason: str, file: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.file = file


class JobLocked(RecommenderError):
    code = "job_locked"


class ModelUnavailable(RecommenderError):
    code = "model_unavailable"


class ExecutorUnavailable(RecommenderError):
    """`--executor ray`: Ray is not installed, the cluster cannot be reached, or its actors cannot
    start or load the model (#14)."""

    code = "executor_unavailable"


class EventStoreUnavailable(RecommenderError):
    """The PostgreSQL event store (EVENTS_URL) refused or lost the connection (#15)."""

    code = "event_store_unavailable"
