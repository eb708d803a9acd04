"""Batch jobs run from the CLI (or cron): import, embed, publish a snapshot, report."""

from __future__ import annotations

import gc
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.snapshots import InvalidPointer, SnapshotStore
from recommender.errors import (
    EventStoreUnavailable,
    InvalidInput,
    RecommenderError,
    SnapshotMissing,
)
from recommender.events.backend import event_log_exists, open_event_store
from recommender.ingest.extraction import PagePool
from recommender.ingest.fetchlog import FetchLog
from recommender.ingest.html.page import UrlFrom
from recommender.ingest.importer import ImportReport, RowError, import_record
from recommender.ingest.inbox import InboxBatch, pending, read_ids
from recommender.ingest.sources import (
    ReadOptions,
    drop_page_boilerplate,
    read_each,
    read_sources,
)
from recommender.lock import JobLock
from recommender.pipeline.build import build_snapshot
from recommender.pipeline.embed import Embedder, EmbeddingCache, Encoder
from recommender.pipeline.update import check_settings, compare, load_previous, update_snapshot
from recommender.progress import Progress
from recommender.settings import Settings
from recommender.snapshot import record_ids, verify_snapshot

log = logging.getLogger("recommender.jobs")

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
    pages_unchanged: int = 0  # listed pages unfetched or 304: unchanged (ingest.fetchlog)
    items: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    snapshot: str | None = None
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    published: bool = True
    events_pruned: int = 0
    signals: str | None = None  # the signals file written after the update, or why none was
    executor: str = "local"  # where new texts were embedded (EMBEDDING_EXECUTOR, #14)
    embedding_batches: dict[str, int] = field(default_factory=dict)  # per Ray node id

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "imported": self.imported,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "pages_unchanged": self.pages_unchanged,
            "items": self.items,
            "embedded": self.embedded,
            "reused": self.reused,
            "seconds": round(self.seconds, 3),
            "snapshot": self.snapshot,
            "published": self.published,
            "events_pruned": self.events_pruned,
            "signals": self.signals,
            "executor": self.executor,
            "embedding_batches": self.embedding_batches,
        }

    def take_report(self, report: ImportReport) -> None:
        self.pages_unchanged = report.pages_unchanged
        self.imported = report.imported
        self.rejected = report.rejected
        self.duplicates = sum(report.duplicates.values())
        self.errors = report.errors


def import_sources(
    sources: Sequence[str | Path], options: ReadOptions, reporter: Progress
) -> ImportReport:
    """Read every source into one report, a progress step counting sources (files, folders,
    URLs, and each page a sitemap or URL list names, added to the total as they are listed)
    done."""
    report = ImportReport()
    with (
        reporter.step("import", len(sources), unit="sources") as step,
        PagePool(options.page, options.extract_workers, options.extract_inline) as pages,
    ):
        options = replace(options, listed=step.grow, read=step.advance)
        for source in sources:  # one pool for them all: its workers start once
            read_each([source], report=report, options=options, pages=pages)
            step.advance()
    drop_page_boilerplate(report)  # over the pages of every source together, as `extract` does
    return report


def fetch_log_path(settings: Settings) -> Path:
    return settings.data_dir / "cache" / "fetched.sqlite"


def embedding_cache(settings: Settings) -> EmbeddingCache:
    return EmbeddingCache(settings.data_dir / "cache" / "embeddings.sqlite")


def check_executor(settings: Settings) -> None:
    """Fail before any work when the configured executor cannot run here (Ray not installed)."""
    if settings.jobs.embedding_executor == "ray":
        from recommender.pipeline.ray_embed import import_ray

        import_ray()


def load_encoder(settings: Settings, stack: ExitStack) -> Encoder:
    """The configured model, loaded in this process, or on a Ray cluster's actors
    (EMBEDDING_EXECUTOR=ray), which `stack` stops when the job ends."""
    if settings.jobs.embedding_executor == "ray":
        from recommender.pipeline.ray_embed import RayEncoder

        return stack.enter_context(RayEncoder(settings))
    return Embedder.from_settings(settings)


def note_executor(summary: JobSummary, encoder: Encoder | None) -> None:
    """Record in the summary where the texts were embedded (and per Ray node, how many batches)."""
    from recommender.pipeline.ray_embed import RayEncoder

    if isinstance(encoder, RayEncoder):
        summary.executor = "ray"
        summary.embedding_batches = encoder.batches_per_node()


@contextmanager
def long_lived() -> Iterator[None]:
    """The objects alive now (a job's articles and records: millions of them at archive scale)
    are left out of the cyclic garbage collector's full collections until the block ends. Each
    full collection would otherwise walk them all (about 0.15 s per 100k records), several
    times in a job that creates its own objects meanwhile; they are freed by reference counting
    as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_build(
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    embedder: Encoder | None = None,
    progress: bool | None = None,
    wait: float | None = None,
    base_url: str | None = None,
    url_from: UrlFrom = "path",
) -> tuple[JobSummary, ImportReport]:
    """Full rebuild from the given sources (every format `update` reads); publishes a new
    snapshot atomically."""
    started = time.perf_counter()
    summary = JobSummary("build")
    check_executor(settings)
    with JobLock(settings.data_dir, "build", wait=wait), ExitStack() as stack:
        store = SnapshotStore(settings.snapshots_dir)
        store.clean_temporary()
        reporter = Progress.for_job(progress, settings.jobs.progress_interval_seconds)
        options = ReadOptions.from_settings(settings, base_url=base_url, url_from=url_from)
        report = import_sources(paths, options, reporter)
        summary.take_report(report)
        if not report.items:
            why = "".join(f"; {empty}" for empty in report.empty)
            raise InvalidInput(
                f"nothing could be imported{why}", details=error_details(report.errors)
            )
        warn_empty(report)
        previous = previous_records(store)
        stack.enter_context(long_lived())  # the imported articles and the previous records
        model = embedder or load_encoder(settings, stack)
        cache = embedding_cache(settings)
        try:
            result = build_snapshot(
                list(report.items.values()),
                settings,
                model,
                cache=cache,
                progress=progress,
                reporter=reporter,
            )
        finally:
            cache.close()
        note_executor(summary, model)
        with closing(FetchLog(fetch_log_path(settings))) as fetch_log:
            fetch_log.record(report.fetched)
    summary.items = result.items
    summary.embedded = result.embedded
    summary.reused = result.reused
    summary.snapshot = result.version
    live = [a for a in report.items.values() if a.published]
    for name, count in compare(previous, live).items():
        setattr(summary, name, count)
    summary.seconds = time.perf_counter() - started
    return summary, report


def warn_empty(report: ImportReport) -> None:
    """A warning for each source that held nothing to import (an empty export, a CSV with its
    header only, an empty folder): not an error (an update from cron may well have nothing
    new), but not silent either."""
    for empty in report.empty:
        log.warning("nothing imported from %s", empty)


def previous_records(store: SnapshotStore) -> list[Mapping[str, Any]]:
    """Items of the current snapshot, to count what a build changed; a full build never needs
    them, so an unreadable snapshot counts as empty rather than failing the build."""
    try:
        return list(load_previous(store, verify=False).records)  # each one parsed here
    except (RecommenderError, OSError, ValueError):  # a build is how a corrupt one is replaced
        return []


def run_update(
    sources: Sequence[str | Path],
    settings: Settings,
    *,
    delete_lists: Sequence[Path] = (),
    embedder: Encoder | None = None,
    progress: bool | None = None,
    wait: float | None = None,
    note: Callable[[str], None] = lambda _: None,
    base_url: str | None = None,
    url_from: UrlFrom = "path",
) -> tuple[JobSummary, ImportReport]:
    """Incremental update of the current snapshot from sources, delete lists and the inbox.

    Publishes a new snapshot atomically when anything changed; inbox files move to inbox/done/
    only after that. Raises (nothing published) when the snapshot is missing or incompatible.
    """
    started = time.perf_counter()
    summary = JobSummary("update")
    check_executor(settings)
    with JobLock(settings.data_dir, "update", wait=wait), ExitStack() as stack:
        store = SnapshotStore(settings.snapshots_dir)
        store.clean_temporary()
        # checked while the update works (from when the changed items are embedded)
        previous = load_previous(store, background=True, hold=True)
        # Any error on the way out waits for those checks first: a corrupt base is named as such.
        stack.callback(previous.wait_checked)
        stack.enter_context(long_lived())  # the previous snapshot's records
        check_settings(previous, settings)
        batch = pending(settings.data_dir)
        note(f"reading {len(sources)} source(s) and {len(batch.files)} inbox file(s)")
        options = ReadOptions.from_settings(settings, base_url=base_url, url_from=url_from)
        fetch_log = stack.enter_context(closing(FetchLog(fetch_log_path(settings))))
        if settings.jobs.skip_unchanged_pages:  # pages whose items the snapshot still holds
            ids = lambda: set(record_ids(previous.records))  # noqa: E731 (asked for lazily)
            options = replace(options, known=fetch_log.known(ids))
        reporter = Progress.for_job(progress, settings.jobs.progress_interval_seconds)
        report = import_sources(sources, options, reporter)
        deletes: set[str] = set()
        for path in delete_lists:
            deletes |= read_ids(path, report)
        apply_inbox(batch, report, deletes, settings)
        summary.take_report(report)
        warn_empty(report)
        read = report.items or deletes or report.pages_unchanged  # unchanged pages were read
        if (sources or delete_lists) and report.errors and not read:
            raise InvalidInput("nothing could be read", details=error_details(report.errors))
        model: list[Encoder] = [embedder] if embedder else []

        def get_embedder() -> Encoder:
            if not model:
                note("loading the embedding model")
                model.append(load_encoder(settings, stack))
            return model[0]

        cache = embedding_cache(settings)
        try:
            result = update_snapshot(
                previous,
                report.items,
                deletes,
                settings,
                get_embedder,
                cache=cache,
                progress=progress,
                note=note,
                reporter=reporter,
            )
        finally:
            cache.close()
        note_executor(summary, model[0] if model else None)
        fetch_log.record(report.fetched)  # published (or nothing to publish): now they count
        batch.done()
        summary.events_pruned = prune_quietly(settings, note)
        summary.signals = signals_quietly(settings, note)
    summary.snapshot = result.version
    summary.published = result.published
    summary.items = result.items
    summary.embedded = result.embedded
    summary.reused = result.items - result.embedded
    summary.added, summary.updated = result.added, result.updated
    summary.removed, summary.unchanged = result.removed, result.unchanged
    summary.seconds = time.perf_counter() - started
    return summary, report


def prune_quietly(settings: Settings, note: Callable[[str], None]) -> int:
    """`prune_events` at the end of an update: the snapshot is published by then, so a failure
    here is reported, not turned into a failed update."""
    try:
        return int(prune_events(settings)["events"])
    except (sqlite3.Error, OSError, EventStoreUnavailable) as exc:  # (#15: a server store)
        note(f"event log not pruned: {exc}")
        log.warning("event log not pruned: %s", exc)
        return 0


def signals_quietly(settings: Settings, note: Callable[[str], None]) -> str:
    """`run_signals` at the end of an update (the snapshot is published by then): a missing
    event log or any failure is reported in the summary, never a failed update."""
    from recommender.signals.job import run_signals

    try:
        return f"written {run_signals(settings)['signals']}"
    except (RecommenderError, sqlite3.Error, OSError, ValueError) as exc:
        message = exc.message if isinstance(exc, RecommenderError) else str(exc)
        note(f"signals not written: {message}")
        log.warning("signals not written: %s", message)
        return f"not written: {message}"


def prune_events(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """Roll raw events up into hourly counts, then drop those past EVENTS_RETENTION_DAYS and audit
    rows past AUDIT_RETENTION_DAYS. Safe while the service writes; nothing to do without a log."""
    if not event_log_exists(settings):
        return {"job": "events-prune", "rolled_up": 0, "events": 0, "audit": 0}
    events = settings.events
    store = open_event_store(settings)
    try:
        pruned = store.prune(
            now or datetime.now(UTC), events.events_retention_days, events.audit_retention_days
        )
    finally:
        store.close()
    return {
        "job": "events-prune",
        "rolled_up": pruned.rolled_up,
        "events": pruned.events,
        "audit": pruned.audit,
    }


def apply_inbox(
    batch: InboxBatch, report: ImportReport, deletes: set[str], settings: Settings
) -> None:
    """Replay inbox files in arrival order: a later upsert revives an id, a later delete drops it."""
    for path in batch.files:
        if path in batch.deletes:
            ids = read_ids(path, report)
            deletes |= ids
            for item_id in ids:
                report.items.pop(item_id, None)
        else:
            fresh = read_sources([path], options=ReadOptions.from_settings(settings))
            report.rows += fresh.rows
            report.errors.extend(fresh.errors)
            for item in fresh.items.values():
                report.add(item)
                deletes.discard(item.id)


def export_records(settings: Settings) -> list[dict[str, Any]]:
    """The current snapshot's items in the import format (what `build --input` reads back)."""
    from recommender.articles import STORED, Article

    previous = load_previous(SnapshotStore(settings.snapshots_dir))
    stored = {STORED: True}  # as stored, even where a rule added since would refuse it
    return [
        import_record(Article.model_validate(record, context=stored)) for record in previous.records
    ]


def error_details(errors: Sequence[RowError], limit: int = 50) -> list[dict[str, Any]]:
    return [
        {"file": e.file, "line": e.line, "field": e.field, "reason": e.reason}
        for e in errors[:limit]
    ]


def run_rollback(
    settings: Settings, version: str | None = None, *, wait: float | None = None
) -> dict[str, Any]:
    """Point CURRENT at `version` (default: the snapshot before the current one)."""
    started = time.perf_counter()
    with JobLock(settings.data_dir, "rollback", wait=wait):
        store = SnapshotStore(settings.snapshots_dir)
        current = store.current_version()
        if version is None:
            try:
                store.read_pointer()
            except InvalidPointer as exc:  # rollback VERSION repairs it
                raise InvalidInput(f"{exc}; name the VERSION to roll back to") from None
        target = version or store.previous_version(current)
        if target is None:
            raise SnapshotMissing(f"no snapshot older than {current} under {store.root}")
        if target not in {i.version for i in store.snapshots()}:
            raise InvalidInput(
                f"no sealed snapshot {target!r} under {store.root}; see `recommender snapshots list`"
            )
        verify_snapshot(store.path(target))  # never point CURRENT at a corrupt snapshot
        store.point_to(target)
    return {
        "job": "rollback",
        "from": current,
        "snapshot": target,
        "seconds": round(time.perf_counter() - started, 3),
    }
