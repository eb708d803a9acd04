"""Incremental update: apply new, changed and removed items to the current snapshot, publish a new one.

Unchanged items keep their vectors (copied from the previous snapshot) and their neighbour lists
(renumbered); only new items and items whose text changed are embedded, with the previous
snapshot's corpus mean, so old and new vectors live in one space. Neighbour lists are kept right
by recommender.incremental. The ranking layer built on top of them (lexical neighbours and hybrid
related lists, recommender.hybrid) is recomputed with the builder's own function from the updated
lists: it needs no model. A snapshot made with another model, or other settings that shape the
index, is never extended: the update refuses and asks for a full build.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from index.snapshots import MANIFEST, SnapshotStore
from index.vector_index import VectorIndex, use_hnsw
from recommender import __version__
from recommender.articles import Article
from recommender.builder import center_and_normalise, item_record, pool_index, search_neighbours
from recommender.catalog import (
    EDITORIAL_POOLS,
    ITEMS_FILE,
    MEAN_FILE,
    SPONSORED_POOL,
    VECTORS_FILE,
    index_file,
    neighbours_file,
    pool_of,
    scores_file,
)
from recommender.embedding import Embedder, EmbeddingCache, Vectors, embed_articles
from recommender.errors import SnapshotIncompatible, SnapshotMissing
from recommender.faults import crash_point
from recommender.hybrid import ranking_arrays
from recommender.incremental import RowChange, capacity, update_lists
from recommender.settings import Settings

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Previous:
    """The snapshot an update starts from."""

    version: str
    path: Path
    manifest: dict[str, Any]
    records: list[dict[str, Any]]

    @property
    def centered(self) -> bool:
        return bool(self.manifest.get("centered"))


@dataclass
class Plan:
    """What changes, row by row. New rows: surviving old rows in order, then new items by id."""

    records: list[dict[str, Any]]
    change: RowChange
    copy_from: Rows  # per new row: the old row whose vector it keeps, or -1
    to_embed: list[tuple[int, Article]] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def unchanged(self) -> int:
        return len(self.records) - self.added - self.updated

    @property
    def empty(self) -> bool:
        return not (self.added or self.updated or self.removed)


@dataclass(frozen=True)
class UpdateResult:
    version: str
    published: bool
    items: int
    added: int
    updated: int
    removed: int
    unchanged: int
    embedded: int
    refilled: int
    seconds: float


def load_previous(store: SnapshotStore) -> Previous:
    version = store.current_version()
    if version is None:
        raise SnapshotMissing(
            f"no snapshot under {store.root} to update; run `recommender build` first"
        )
    path = store.path(version)
    manifest = orjson.loads((path / MANIFEST).read_bytes())
    with (path / ITEMS_FILE).open("rb") as handle:
        records = [orjson.loads(line) for line in handle if line.strip()]
    return Previous(version, path, manifest, records)


def check_settings(previous: Previous, settings: Settings) -> None:
    """Refuse before any work if the snapshot was built with another model or index settings."""
    model = previous.manifest.get("model", {})
    if model.get("name") != settings.model or model.get("prefix") != (
        settings.resolved_embedding_prefix
    ):
        raise SnapshotIncompatible(
            f"snapshot {previous.version} was built with model {model.get('name')!r}"
            f" (prefix {model.get('prefix')!r}); the configured model is {settings.model!r}"
            f" (prefix {settings.resolved_embedding_prefix!r}). Vectors of two models are never"
            " mixed: run `recommender build` for a full rebuild."
        )
    if previous.manifest.get("settings_hash") != settings.build_hash():
        raise SnapshotIncompatible(
            f"snapshot {previous.version} was built with other index settings (model, prefix,"
            " max sequence length, centring, neighbours K, index sizing); run `recommender build`"
            " for a full rebuild with the current ones."
        )


def check_model(previous: Previous, embedder: Embedder) -> None:
    """The loaded model makes vectors of the same kind as the snapshot's (name, size, dimension)."""
    model = previous.manifest.get("model", {})
    if model.get("key") != embedder.key or model.get("dimension") != embedder.dimension:
        raise SnapshotIncompatible(
            f"snapshot {previous.version} holds {model.get('dimension')}-d vectors of"
            f" {model.get('name')!r} (key {model.get('key')}); the loaded model makes"
            f" {embedder.dimension}-d vectors (key {embedder.key}). Vectors of two models are"
            " never mixed: run `recommender build` for a full rebuild."
        )


def plan_changes(
    previous: Sequence[Mapping[str, Any]], incoming: Mapping[str, Article], deletes: set[str]
) -> Plan:
    """Sort incoming items into added / updated / unchanged / removed against `previous`."""
    row_of = {str(r["id"]): i for i, r in enumerate(previous)}
    removed: set[int] = {row_of[i] for i in deletes if i in row_of}
    replaced: dict[int, tuple[Article, dict[str, Any], bool]] = {}
    new: list[tuple[Article, dict[str, Any]]] = []
    for article in incoming.values():
        old = row_of.get(article.id)
        if article.id in deletes or not article.published:
            if old is not None:
                removed.add(old)
            continue
        record = item_record(article)
        if old is None:
            new.append((article, record))
        elif record != previous[old]:
            before = previous[old]
            moved = pool_of(record) != pool_of(dict(before))
            rehash = record["content_hash"] != before.get("content_hash")
            replaced[old] = (article, record, rehash or moved)
    n_old = len(previous)
    old_to_new = np.full(n_old, -1, dtype=np.int64)
    stale = np.zeros(n_old, dtype=np.bool_)
    records: list[dict[str, Any]] = []
    copy_from: list[int] = []
    to_embed: list[tuple[int, Article]] = []
    fresh: list[int] = []
    for old in range(n_old):
        if old in removed:
            stale[old] = True
            continue
        row = len(records)
        old_to_new[old] = row
        if old in replaced:
            article, record, relisted = replaced[old]
            records.append(record)
            stale[old] = relisted
            if relisted:
                fresh.append(row)
            if record["content_hash"] != previous[old].get("content_hash"):
                to_embed.append((row, article))
                copy_from.append(-1)
                continue
        else:
            records.append(dict(previous[old]))
        copy_from.append(old)
    for article, record in sorted(new, key=lambda pair: pair[0].id):
        row = len(records)
        records.append(record)
        to_embed.append((row, article))
        copy_from.append(-1)
        fresh.append(row)
    change = RowChange(old_to_new, stale, np.array(fresh, dtype=np.int64), len(records))
    plan = Plan(records, change, np.array(copy_from, dtype=np.int64), to_embed)
    plan.added, plan.updated, plan.removed = len(new), len(replaced), len(removed)
    return plan


def new_vectors(
    plan: Plan,
    previous: Previous,
    get_embedder: Callable[[], Embedder],
    cache: EmbeddingCache | None,
    progress: bool | None,
) -> tuple[Vectors, int]:
    """Vectors of the new rows: copied where the text is unchanged, embedded (or cached) else."""
    old = np.load(previous.path / VECTORS_FILE, mmap_mode="r")
    out = np.empty((len(plan.records), old.shape[1]), dtype=np.float32)
    keep = np.flatnonzero(plan.copy_from >= 0)
    out[keep] = old[plan.copy_from[keep]]
    if not plan.to_embed:
        return out, 0
    embedder = get_embedder()
    check_model(previous, embedder)
    raw, embedded = embed_articles(
        [a for _, a in plan.to_embed], embedder, cache, progress=progress
    )
    mean_path = previous.path / MEAN_FILE
    if previous.centered and not mean_path.exists():
        raise SnapshotIncompatible(
            f"snapshot {previous.version} is centred but lacks {MEAN_FILE}; run `recommender build`"
        )
    mean = np.load(mean_path) if previous.centered else None
    rows = np.array([row for row, _ in plan.to_embed], dtype=np.int64)
    out[rows] = center_and_normalise(raw, mean)
    return out, embedded


def updated_index(
    previous: Previous,
    pool: str,
    vectors: Vectors,
    members: Rows,
    change: RowChange,
    settings: Settings,
) -> VectorIndex:
    """The pool's index: an exact index is rebuilt (a copy of vectors, no search); an HNSW graph
    is extended in place when rows only were appended, and rebuilt otherwise."""
    n_old = len(change.old_to_new)
    appended_only = bool((change.old_to_new >= 0).all() and not change.stale_old.any())
    path = previous.path / index_file(pool)
    if use_hnsw(len(members), settings.flat_index_max_items) and appended_only and path.exists():
        index = VectorIndex.load(path)
        if index.kind == "hnsw":
            added = members[members >= n_old]
            index.add(vectors[added], added)
            return index
    return pool_index(vectors, members, settings)


@dataclass
class PoolLists:
    index: VectorIndex
    rows: npt.NDArray[np.int32]
    scores: npt.NDArray[np.float32]
    refilled: int


def updated_pool(
    previous: Previous,
    pool: str,
    plan: Plan,
    vectors: Vectors,
    old_pools: npt.NDArray[np.str_],
    new_pools: npt.NDArray[np.str_],
    settings: Settings,
) -> PoolLists:
    k = settings.neighbours_k
    members = np.flatnonzero(new_pools == pool).astype(np.int64)
    index = updated_index(previous, pool, vectors, members, plan.change, settings)
    old_rows = np.load(previous.path / neighbours_file(pool))
    old_scores = np.load(previous.path / scores_file(pool))
    in_old, in_new = old_pools == pool, new_pools == pool
    newcomers = plan.change.fresh[in_new[plan.change.fresh]]
    rows, scores, refilled = update_lists(
        old_rows,
        old_scores,
        capacity(k, int(in_old.sum()), in_old),
        capacity(k, int(in_new.sum()), in_new),
        plan.change,
        vectors,
        newcomers,
        lambda queries: search_neighbours(index, vectors, queries, k),
    )
    return PoolLists(index, rows, scores, refilled)


def update_snapshot(
    previous: Previous,
    incoming: Mapping[str, Article],
    deletes: set[str],
    settings: Settings,
    get_embedder: Callable[[], Embedder],
    *,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
    note: Callable[[str], None] = lambda _: None,
) -> UpdateResult:
    """Publish `previous` plus the changes as a new snapshot (or nothing, if nothing changed)."""
    started = time.perf_counter()
    check_settings(previous, settings)
    plan = plan_changes(previous.records, incoming, deletes)
    if plan.empty:
        return UpdateResult(
            previous.version, False, len(plan.records), 0, 0, 0, plan.unchanged, 0, 0,
            time.perf_counter() - started,
        )  # fmt: skip
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 3)
        clock = now

    note(f"embedding {len(plan.to_embed)} new or changed item(s)")
    vectors, embedded = new_vectors(plan, previous, get_embedder, cache, progress)
    lap("embedding")
    note("updating neighbour lists")
    old_pools = np.array([pool_of(r) for r in previous.records])
    new_pools = np.array([pool_of(r) for r in plan.records])
    lists = {
        pool: updated_pool(previous, pool, plan, vectors, old_pools, new_pools, settings)
        for pool in EDITORIAL_POOLS
    }
    lap("neighbour_lists")
    note("ranking signals (lexical, hybrid related lists)")
    dense_rows = {pool: pool_lists.rows for pool, pool_lists in lists.items()}
    extra = ranking_arrays(plan.records, vectors, dense_rows, new_pools.tolist(), settings)
    lap("ranking_layer")
    note("writing the snapshot")
    version = write_snapshot(previous, plan, vectors, lists, extra, new_pools, settings, stages)
    seconds = time.perf_counter() - started
    refilled = sum(p.refilled for p in lists.values())
    return UpdateResult(
        version, True, len(plan.records), plan.added, plan.updated, plan.removed,
        plan.unchanged, embedded, refilled, seconds,
    )  # fmt: skip


def write_snapshot(
    previous: Previous,
    plan: Plan,
    vectors: Vectors,
    lists: Mapping[str, PoolLists],
    extra: Mapping[str, npt.NDArray[Any]],
    pools: npt.NDArray[np.str_],
    settings: Settings,
    stages: Mapping[str, float],
) -> str:
    store = SnapshotStore(settings.snapshots_dir)
    staging = store.begin()
    try:
        with (staging / ITEMS_FILE).open("wb") as handle:
            for record in plan.records:
                handle.write(orjson.dumps(record) + b"\n")
        np.save(staging / VECTORS_FILE, vectors)
        if (previous.path / MEAN_FILE).exists():
            shutil.copyfile(previous.path / MEAN_FILE, staging / MEAN_FILE)
        crash_point("index")
        for pool, pool_lists in lists.items():
            pool_lists.index.save(staging / index_file(pool))
            np.save(staging / neighbours_file(pool), pool_lists.rows)
            np.save(staging / scores_file(pool), pool_lists.scores)
        for name, array in extra.items():
            np.save(staging / name, array)
        unknown = sorted(p.name for p in previous.path.iterdir() if not (staging / p.name).exists())
        if unknown := [name for name in unknown if name != MANIFEST]:
            raise SnapshotIncompatible(
                f"snapshot {previous.version} has parts an update cannot maintain ({unknown});"
                " run `recommender build`"
            )
        version = store.publish(
            staging,
            updated_manifest(previous, plan, lists, pools, stages),
            before_flip=lambda: crash_point("flip"),
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    store.prune(settings.keep_snapshots)
    return version


def updated_manifest(
    previous: Previous,
    plan: Plan,
    lists: Mapping[str, PoolLists],
    pools: npt.NDArray[np.str_],
    stages: Mapping[str, float],
) -> dict[str, Any]:
    counts = {p: int((pools == p).sum()) for p in (*EDITORIAL_POOLS, SPONSORED_POOL)}
    manifest = {k: v for k, v in previous.manifest.items() if k != "version"}
    manifest.update(
        created_at=datetime.now(UTC).isoformat(),
        package_version=__version__,
        counts={"items": len(plan.records), **counts},
        index={pool: pool_lists.index.kind for pool, pool_lists in lists.items()},
        update={
            "base": previous.version,
            "added": plan.added,
            "updated": plan.updated,
            "removed": plan.removed,
            "refilled_lists": sum(p.refilled for p in lists.values()),
            "seconds": dict(stages),
        },
    )
    return manifest


def compare(previous: Sequence[Mapping[str, Any]], live: Sequence[Article]) -> dict[str, int]:
    """What a full build changed against the previous snapshot (for the job summary)."""
    before = {str(r["id"]): r for r in previous}
    added = updated = 0
    for article in live:
        record = before.get(article.id)
        if record is None:
            added += 1
        elif item_record(article) != record:
            updated += 1
    ids = {a.id for a in live}
    removed = sum(1 for i in before if i not in ids)
    return {
        "added": added,
        "updated": updated,
        "removed": removed,
        "unchanged": len(live) - added - updated,
    }
