"""The index stage: each editorial pool's FAISS index and every item's dense top-K in it.

A full build indexes and searches every row (`index_pool`); an update keeps the previous lists
exact by recommender.pipeline.incremental, which relates only new, changed and depleted rows
(`update_pool`), and extends or rebuilds the index aside (`updated_index`). Both give each pool's
index and lists (a `PoolLists`), which the relate stage reads and the publish stage writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from index.vector_index import TOMBSTONE_MAX_SHARE, VectorIndex, use_hnsw
from recommender.pipeline.incremental import RowChange, capacity, update_lists
from recommender.settings import Settings
from recommender.snapshot import Neighbours, empty_neighbours, load_index, load_neighbours

Vectors = npt.NDArray[np.float32]
# Pools up to this many members give an update's new and changed items their lists from the
# products every row already gets against them (recommender.pipeline.incremental: exact, about
# 1 ns a score, so n x changed); larger HNSW pools search the extended graph for them instead
# (~0.3 ms a query at 100k-1M items, whatever n), which costs less from about 300k members on.
EXACT_LISTS_MAX = 300_000
SEARCH_BLOCK = 8192  # rows searched per FAISS call in a build (a progress step each)
Rows = npt.NDArray[np.int64]


@dataclass
class PoolLists:
    """One pool's index and its dense top-K lists for every item row."""

    index: VectorIndex
    neighbours: Neighbours


def pool_index(vectors: Vectors, member_rows: Rows, settings: Settings) -> VectorIndex:
    """The index of one pool: its members' vectors, addressed by item row."""
    return VectorIndex.build(
        vectors[member_rows],
        member_rows,
        flat_max=settings.build.flat_index_max_items,
        hnsw_m=settings.build.hnsw_m,
        ef_search=settings.jobs.hnsw_ef_search,
    )


def search_neighbours(
    index: VectorIndex, vectors: Vectors, query_rows: Rows, k: int
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


def index_pool(
    vectors: Vectors,
    member_rows: Rows,
    settings: Settings,
    advance: Callable[[int], None] = lambda _: None,
) -> PoolLists:
    """Index one pool and find, for every item row, its top-K pool members (self excluded);
    `advance(rows)` after each block of rows searched (each query is searched alone: blocks
    change no answer)."""
    index = pool_index(vectors, member_rows, settings)
    k, n = settings.build.neighbours_k, len(vectors)
    rows = np.full((n, k), -1, dtype=np.int32)
    scores = np.zeros((n, k), dtype=np.float32)
    for start in range(0, n, SEARCH_BLOCK):
        block = np.arange(start, min(start + SEARCH_BLOCK, n), dtype=np.int64)
        rows[block], scores[block] = search_neighbours(index, vectors, block, k)
        advance(len(block))
    return PoolLists(index, Neighbours(rows, scores))


def updated_index(
    previous: Path,
    pool: str,
    vectors: Vectors,
    change: RowChange,
    new_pools: npt.NDArray[np.str_],
    settings: Settings,
) -> VectorIndex:
    """The pool's index after an update: an exact index is rebuilt (a copy of vectors, no
    search); an HNSW graph is kept, its ids renumbered, removed and changed items left as
    tombstones and new and changed ones (the pool's rows of `change.fresh`, in its order,
    ascending as `plan_changes` makes it) added, until tombstones pass TOMBSTONE_MAX_SHARE of it
    (then it is rebuilt). No list is read from it: an update runs this beside its other work
    (faiss leaves the GIL while it reads and extends a graph)."""
    in_new = new_pools == pool
    members = np.flatnonzero(in_new).astype(np.int64)
    newcomers = change.fresh[in_new[change.fresh]]
    if use_hnsw(len(members), settings.build.flat_index_max_items):
        index = load_index(previous, pool)
        if index is not None and index.kind == "hnsw":
            index.relabel(np.where(change.stale_old, -1, change.old_to_new))
            if index.tombstones <= TOMBSTONE_MAX_SHARE * (index.size + len(newcomers)):
                index.add(vectors[newcomers], newcomers)
                return index
    return pool_index(vectors, members, settings)


@dataclass
class DenseUpdate:
    """One pool's dense lists after an update, how many were searched again, and its index
    when the lists were searched in it (a very large pool: `EXACT_LISTS_MAX`); else None, and
    the index is `updated_index`'s, made aside."""

    neighbours: Neighbours
    refilled: int
    index: VectorIndex | None = None


def update_pool(
    previous: Path,
    pool: str,
    change: RowChange,
    vectors: Vectors,
    old_pools: npt.NDArray[np.str_],
    new_pools: npt.NDArray[np.str_],
    settings: Settings,
) -> DenseUpdate:
    """One pool's lists after an update, from the previous snapshot's (see incremental)."""
    k = settings.build.neighbours_k
    in_old, in_new = old_pools == pool, new_pools == pool
    if not in_old.any() and not in_new.any():  # a pool without items stays empty: no list to keep
        return DenseUpdate(empty_neighbours(change.size, k), 0)
    index = None
    search = None
    members = int(in_new.sum())
    if members > EXACT_LISTS_MAX and use_hnsw(members, settings.build.flat_index_max_items):
        index = updated_index(previous, pool, vectors, change, new_pools, settings)

        def search(queries: Rows) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
            assert index is not None
            return search_neighbours(index, vectors, queries, k)

    old = load_neighbours(previous, in_memory=True, pools=(pool,))[pool]
    rows, scores, refilled = update_lists(
        old.rows,
        old.scores,
        capacity(k, int(in_old.sum()), in_old),
        capacity(k, members, in_new),
        change,
        vectors,
        in_new,
        search,
    )
    return DenseUpdate(Neighbours(rows, scores), refilled, index)
