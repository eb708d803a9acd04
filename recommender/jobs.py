"""Batch jobs run from the CLI (or cron): import, embed, publish a snapshot, report."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.snapshots import SnapshotStore
from recommender.builder import build_snapshot
from recommender.embedding import Embedder, EmbeddingCache
from recommender.errors import InvalidInput
from recommender.importer import ImportReport, RowError, import_paths
from recommender.lock import JobLock
from recommender.settings import Settings

EXIT_OK = 0
EXIT_REJECTED = 1  # published, but rows were rejected and --strict was given
EXIT_FAILED = 2  # nothing published


@dataclass
class JobSummary:
    """What a job did; printed as one JSON line."""

    job: str
    imported: int = 0
    rejected: int = 0
    duplicates: int = 0
    items: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    snapshot: str | None = None
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "imported": self.imported,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "items": self.items,
            "embedded": self.embedded,
            "reused": self.reused,
            "seconds": round(self.seconds, 3),
            "snapshot": self.snapshot,
        }


def embedding_cache(settings: Settings) -> EmbeddingCache:
    return EmbeddingCache(settings.data_dir / "cache" / "embeddings.sqlite")


def run_build(
    paths: Sequence[Path],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: bool | None = None,
    wait: float | None = None,
) -> tuple[JobSummary, ImportReport]:
    """Full rebuild from the given sources; publishes a new snapshot atomically."""
    started = time.perf_counter()
    summary = JobSummary("build")
    with JobLock(settings.data_dir, "build", wait=wait):
        SnapshotStore(settings.snapshots_dir).clean_temporary()
        report = import_paths(paths)
        summary.imported = report.imported
        summary.rejected = report.rejected
        summary.duplicates = sum(report.duplicates.values())
        summary.errors = report.errors
        if not report.items:
            raise InvalidInput("nothing could be imported", details=error_details(report.errors))
        model = embedder or Embedder.from_settings(settings)
        cache = embedding_cache(settings)
        try:
            result = build_snapshot(
                list(report.items.values()), settings, model, cache=cache, progress=progress
            )
        finally:
            cache.close()
    summary.items = result.items
    summary.embedded = result.embedded
    summary.reused = result.reused
    summary.snapshot = result.version
    summary.seconds = time.perf_counter() - started
    return summary, report


def error_details(errors: Sequence[RowError], limit: int = 50) -> list[dict[str, Any]]:
    return [
        {"file": e.file, "line": e.line, "field": e.field, "reason": e.reason}
        for e in errors[:limit]
    ]
