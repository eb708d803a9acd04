"""Build a snapshot from items: embed, index each pool, precompute neighbours, publish atomically."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from index.snapshots import SnapshotStore
from index.vector_index import VectorIndex
from recommender import __version__
from recommender.articles import Article
from recommender.catalog import (
    EDITORIAL_POOLS,
    ITEMS_FILE,
    MEAN_FILE,
    VECTORS_FILE,
    index_file,
    neighbours_file,
    pool_of,
    scores_file,
)
from recommender.embedding import Embedder, EmbeddingCache, Vectors, embed_articles
from recommender.errors import InvalidInput
from recommender.faults import crash_point
from recommender.hybrid import ranking_arrays
from recommender.settings import Settings


@dataclass(frozen=True)
class BuildResult:
    version: str
    items: int
    embedded: int
    reused: int
    seconds: float
    manifest: dict[str, Any]


def center_and_normalise(vectors: Vectors, mean: Vectors | None) -> Vectors:
    """Subtract the corpus mean (if any) and rescale rows to unit length."""
    out = vectors - mean if mean is not None else vectors.copy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def corpus_mean(vectors: Vectors, pools: Sequence[str]) -> Vectors:
    """Mean of the editorial vectors (sponsored items do not shape the space)."""
    editorial = [i for i, p in enumerate(pools) if p in EDITORIAL_POOLS]
    rows = vectors[editorial] if editorial else vectors
    return np.asarray(rows.mean(axis=0), dtype=np.float32)


def pool_neighbours(
    vectors: Vectors, member_rows: npt.NDArray[np.int64], k: int, settings: Settings
) -> tuple[VectorIndex, npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    """Index one pool and find, for every item row, its top-k pool members (self excluded)."""
    index = pool_index(vectors, member_rows, settings)
    rows, scores = search_neighbours(index, vectors, np.arange(len(vectors), dtype=np.int64), k)
    return index, rows, scores


def pool_index(
    vectors: Vectors, member_rows: npt.NDArray[np.int64], settings: Settings
) -> VectorIndex:
    """The index of one pool: its members' vectors, addressed by item row."""
    return VectorIndex.build(
        vectors[member_rows],
        member_rows,
        flat_max=settings.flat_index_max_items,
        hnsw_m=settings.hnsw_m,
        ef_search=settings.hnsw_ef_search,
    )


def search_neighbours(
    index: VectorIndex, vectors: Vectors, query_rows: npt.NDArray[np.int64], k: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    """Top-k index members for each of `query_rows` (self excluded; -1 pads short lists)."""
    rows = np.full((len(query_rows), k), -1, dtype=np.int32)
    scores = np.zeros((len(query_rows), k), dtype=np.float32)
    if index.size == 0 or len(query_rows) == 0:
        return rows, scores
    found_scores, found_ids = index.search(vectors[query_rows], k + 1)
    for i, r in enumerate(query_rows):
        keep = (found_ids[i] != r) & (found_ids[i] >= 0)
        ids, sc = found_ids[i][keep][:k], found_scores[i][keep][:k]
        rows[i, : len(ids)] = ids
        scores[i, : len(sc)] = sc
    return rows, scores


def item_record(article: Article) -> dict[str, Any]:
    """An item as stored in items.jsonl: its JSON fields plus its content hash."""
    record = article.model_dump(mode="json", exclude_none=False)
    record["content_hash"] = article.content_hash()
    return record


def write_items(path: Path, articles: Sequence[Article]) -> None:
    with path.open("wb") as handle:
        for article in articles:
            handle.write(orjson.dumps(item_record(article)) + b"\n")


def build_snapshot(
    articles: Sequence[Article],
    settings: Settings,
    embedder: Embedder,
    *,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
    extra_manifest: dict[str, Any] | None = None,
) -> BuildResult:
    """Write a complete snapshot for the published items, then flip CURRENT to it."""
    started = time.perf_counter()
    live = sorted((a for a in articles if a.published), key=lambda a: a.id)
    if not live:
        raise InvalidInput("nothing to publish: no published items")
    pools = [pool_of(a.model_dump(include={"type", "sponsor"})) for a in live]
    raw, embedded = embed_articles(live, embedder, cache, progress=progress)
    mean = corpus_mean(raw, pools) if settings.center_vectors else None
    vectors = center_and_normalise(raw, mean)

    store = SnapshotStore(settings.snapshots_dir)
    staging = store.begin()
    try:
        write_items(staging / ITEMS_FILE, live)
        np.save(staging / VECTORS_FILE, vectors)
        if mean is not None:
            np.save(staging / MEAN_FILE, mean)
        crash_point("index")
        kinds = {}
        dense_rows = {}
        for pool in EDITORIAL_POOLS:
            members = np.array([i for i, p in enumerate(pools) if p == pool], dtype=np.int64)
            index, rows, scores = pool_neighbours(vectors, members, settings.neighbours_k, settings)
            index.save(staging / index_file(pool))
            np.save(staging / neighbours_file(pool), rows)
            np.save(staging / scores_file(pool), scores)
            kinds[pool] = index.kind
            dense_rows[pool] = rows
        records = [a.model_dump(include={"title", "lead", "body", "language"}) for a in live]
        for name, array in ranking_arrays(records, vectors, dense_rows, pools, settings).items():
            np.save(staging / name, array)
        counts = {p: pools.count(p) for p in (*EDITORIAL_POOLS, "sponsored")}
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "package_version": __version__,
            "model": {
                "name": embedder.name,
                "dimension": embedder.dimension,
                "key": embedder.key,
                "prefix": embedder.prefix,
                "max_seq_length": embedder.max_seq_length,
            },
            "counts": {"items": len(live), **counts},
            "index": kinds,
            "neighbours_k": settings.neighbours_k,
            "centered": mean is not None,
            "settings_hash": settings.build_hash(),
            **(extra_manifest or {}),
        }
        version = store.publish(staging, manifest, before_flip=lambda: crash_point("flip"))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    store.prune(settings.keep_snapshots)
    seconds = time.perf_counter() - started
    return BuildResult(version, len(live), embedded, len(live) - embedded, seconds, manifest)
