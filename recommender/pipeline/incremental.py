"""Keep precomputed top-K neighbour lists right when a few items change, without searching them all.

A list made by an exact search holds the K best members of its pool; every member outside it
scores at most the list's K-th score (its *threshold*). So after a change:

1. entries naming removed or changed items are dropped (the rest keep their order);
2. each new or changed member is inserted into every other list whose threshold it beats —
   one matrix product of all items against the few changed ones;
3. the same products give each new or changed member its own list, exactly (its best members);
   the other new or changed items (those of other pools) get theirs by an exact search (in a
   very large pool, `index.EXACT_LISTS_MAX`, all of them search its extended index instead);
4. lists that lost so many entries that they fell below `REFILL_FRACTION` of K are searched again
   (the same way).

What is left is exactly the top of the pool (a list that lost entries is a shorter, still exact
prefix). Short lists cost nothing at request time — the widget shows a handful — and step 4
bounds how short they get. The cost grows with the number of changed items, not the archive.
Up to that size no step reads the pool's index: an update builds it aside
(recommender.pipeline.update), for the snapshot and its readers. (A full build takes the lists of
a pool larger than `RECOMMENDER_FLAT_INDEX_MAX_ITEMS` from its HNSW graph, approximately; the
lists an update makes or changes by the products are exact.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.pipeline import kernels

Rows = npt.NDArray[np.int64]
Lists = npt.NDArray[np.int32]
Scores = npt.NDArray[np.float32]
Vectors = npt.NDArray[np.float32]
Search = Callable[[Rows], tuple[Lists, Scores]]

# A list is searched again once fewer than this share of K entries survive (K=100: 50).
REFILL_FRACTION = 0.5
CHUNK = 4096  # rows per block of the insert step (bounds memory to CHUNK x changed items)


@dataclass(frozen=True)
class RowChange:
    """How the rows of the old snapshot map onto the new one."""

    old_to_new: Rows  # per old row: its new row, or -1 when it was removed
    stale_old: npt.NDArray[np.bool_]  # per old row: removed, re-embedded or moved to another pool
    fresh: Rows  # new rows whose lists are searched from scratch (new and changed items)
    size: int  # rows in the new snapshot


def capacity(k: int, pool_size: int, in_pool: npt.NDArray[np.bool_]) -> Rows:
    """The longest list each row can have: K, or every other pool member in a small pool."""
    return np.minimum(k, pool_size - in_pool.astype(np.int64))


def thresholds(rows: Lists, scores: Scores, cap: Rows) -> npt.NDArray[np.float32]:
    """Per row, the score a newcomer must beat to belong in its list (see the module docstring).

    A full list: its K-th score. A complete list of a small pool: -inf (everyone belongs).
    A list that is short because entries were dropped earlier: its last score (conservative).
    """
    k = rows.shape[1]
    length = kernels.list_lengths(rows)
    last = scores[np.arange(len(rows)), np.maximum(length - 1, 0)]
    out = np.where(length > 0, last, np.inf).astype(np.float32)
    out[(length >= cap) & (length < k)] = -np.inf
    return out


def carry(rows: Lists, scores: Scores, change: RowChange) -> tuple[Lists, Scores]:
    """Old lists renumbered into the new rows, stale entries dropped (survivors keep their order)."""
    out_rows, out_scores = carry_lists(rows, [scores], change)
    return out_rows, out_scores


def carry_lists(
    rows: Lists,
    values: Sequence[npt.NDArray[Any]],
    change: RowChange,
    compiled: bool | None = None,
) -> list[Any]:
    """Lists renumbered into the new rows, entries naming stale rows dropped (survivors keep
    their order, -1 pads after them); `values` are arrays aligned with `rows` (extra trailing
    axes allowed). Returns the new rows followed by the carried values (0 where dropped).
    `compiled`: the path (`kernels.use_compiled`), by the lists' size when None. An entry that
    is neither -1 nor an old row raises ValueError (`kernels.check_entries`)."""
    kernels.check_entries(rows, len(change.old_to_new))
    return kernels.carry_lists(
        rows, values, change.old_to_new, change.stale_old, change.size, compiled=compiled
    )


def insert(
    rows: Lists,
    scores: Scores,
    threshold: npt.NDArray[np.float32],
    vectors: Vectors,
    newcomers: Rows,
    skip: npt.NDArray[np.bool_],
    members: npt.NDArray[np.bool_] | None = None,
) -> tuple[Lists, Scores] | None:
    """Insert `newcomers` (new pool members) into every list they belong in, in place: the
    (list, newcomer) pairs that beat the list's threshold, found a block of rows at a time,
    then merged into the lists at once (`kernels.merge`: on a tie the entry already there
    stays first, then the newcomers in their order). With `members` (a flag per row), the same
    products also give each newcomer its own list, exactly: its best members, itself left out
    (returned, one line per newcomer; `kernels.ColumnTop`, about 1 ns a score)."""
    k = rows.shape[1]
    top = None
    if members is not None:
        top = kernels.ColumnTop(len(newcomers), k, compiled=kernels.use_compiled(rows.size))
    if len(newcomers) == 0:
        return top.lists() if top is not None else None
    anchors: list[Rows] = []
    items: list[Rows] = []
    sims: list[Scores] = []
    for start, block in scored_blocks(vectors, newcomers):
        stop = start + len(block)
        if top is not None and members is not None:
            top.add(block, start, members[start:stop])
        limit = np.where(skip[start:stop], np.float32(np.inf), threshold[start:stop])
        # Most lists take no newcomer: only the rows whose best beats their threshold are
        # searched for pairs (a row's maximum is one reduction; a full mask and its nonzero
        # cost as much as the product itself). Pairs stay in row-major order.
        hit = np.flatnonzero(block.max(axis=1) > limit)
        sub = block[hit]
        at, column = np.nonzero(sub > limit[hit, None])
        anchors.append(hit[at].astype(np.int64) + start)
        items.append(newcomers[column])
        sims.append(sub[at, column])
    kernels.merge(
        rows, scores, None, np.concatenate(anchors), np.concatenate(items),
        np.concatenate(sims), None,
    )  # fmt: skip
    return top.lists() if top is not None else None


def scored_blocks(vectors: Vectors, queries: Rows) -> Iterator[tuple[int, Scores]]:
    """Every row's inner product with each of `queries` (a column each), CHUNK rows at a time:
    (the block's first row, the block), a query's own row at -inf (never its own neighbour)."""
    query_vectors = np.ascontiguousarray(vectors[queries], dtype=np.float32)
    for start in range(0, len(vectors), CHUNK):
        stop = min(start + CHUNK, len(vectors))
        block = np.asarray(vectors[start:stop] @ query_vectors.T, dtype=np.float32)
        own = np.flatnonzero((queries >= start) & (queries < stop))
        block[queries[own] - start, own] = -np.inf
        yield start, block


def exact_lists(
    vectors: Vectors, queries: Rows, members: npt.NDArray[np.bool_], k: int
) -> tuple[Lists, Scores]:
    """Each query row's `k` best `members` (a flag per row) by inner product, itself left out,
    on a tie the lower row first (`scored_blocks`, as `insert`): an exact search, without the
    pool's index (which an update builds aside)."""
    top = kernels.ColumnTop(len(queries), k, compiled=kernels.use_compiled(len(vectors) * k))
    if len(queries):
        for start, block in scored_blocks(vectors, queries):
            top.add(block, start, members[start : start + len(block)])
    return top.lists()


def update_lists(
    old_rows: Lists,
    old_scores: Scores,
    old_capacity: Rows,
    new_capacity: Rows,
    change: RowChange,
    vectors: Vectors,
    members: npt.NDArray[np.bool_],
    search: Search | None = None,
) -> tuple[Lists, Scores, int]:
    """New lists of one pool (`members`: a flag per new row) for every new row, and how many
    lists were searched again. New and changed members get their lists from the products of
    `insert`, other fresh rows (items of other pools) and depleted lists from `exact_lists`;
    or, with `search` (the pool's extended index), all of them from a search of it."""
    k = old_rows.shape[1]
    old_threshold = thresholds(old_rows, old_scores, old_capacity)
    rows, scores = carry(old_rows, old_scores, change)
    threshold = np.full(change.size, np.inf, dtype=np.float32)
    alive = change.old_to_new >= 0
    threshold[change.old_to_new[alive]] = old_threshold[alive]
    fresh = np.zeros(change.size, dtype=np.bool_)
    fresh[change.fresh] = True
    newcomers = change.fresh[members[change.fresh]]
    own = insert(
        rows, scores, threshold, vectors, newcomers, fresh, members if search is None else None
    )
    if own is not None:
        rows[newcomers], scores[newcomers] = own
    length = kernels.list_lengths(rows)
    bound = np.minimum(new_capacity, int(np.ceil(k * REFILL_FRACTION)))
    refill = np.flatnonzero(~fresh & (length < bound))
    if search is not None:
        searched = np.concatenate([change.fresh, refill]).astype(np.int64)
        if len(searched):
            rows[searched], scores[searched] = search(searched)
        return rows, scores, len(refill)
    searched = np.concatenate([change.fresh[~members[change.fresh]], refill]).astype(np.int64)
    if len(searched):
        rows[searched], scores[searched] = exact_lists(vectors, searched, members, k)
    return rows, scores, len(refill)
