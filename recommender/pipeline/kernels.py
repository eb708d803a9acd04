"""Compiled loops (numba) for the parts of an update that numpy and scipy can only do by copying.

An update carries every list of an archive over, and scores and inserts millions of (anchor,
item) pairs: with numpy each step copies whole arrays (`csr[rows]` copies each pair's sparse
rows; a merge pads every touched list to a common width and sorts it). Here each is one pass
over the data in place. They compute what the numpy code they replaced computed (tested against
plain per-list code); pair scores are float32 sums of the shared terms' products, which may
differ from scipy's `multiply(...).sum()` in the last bit.

Compiled on first use and cached on disk (numba's `cache=True`: beside this file, or in numba's
user cache folder when the package folder is read-only), so a cron job pays the compile once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from numba import njit

Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float32]


@njit(cache=True, nogil=True)
def _pair_dots(
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int32],
    data: Floats,
    width: int,
    left: Rows,
    right: Rows,
) -> Floats:  # pragma: no cover - compiled (its Python body is tested through `pair_dots`)
    # `right[p]`'s row is spread into a dense line once per run of equal `right` values (pairs
    # come grouped by their newcomer), and each left row is summed against it: no branch per
    # term. Terms the two rows do not share add an exact 0, so the sum is the shared terms'
    # products in index order, as walking both rows side by side would give.
    out = np.zeros(len(left), dtype=np.float32)
    dense = np.zeros(width, dtype=np.float32)
    current = -1
    for p in range(len(left)):
        if right[p] != current:
            if current >= 0:
                for j in range(indptr[current], indptr[current + 1]):
                    dense[indices[j]] = 0.0
            current = right[p]
            for j in range(indptr[current], indptr[current + 1]):
                dense[indices[j]] = data[j]
        total = np.float32(0.0)
        for i in range(indptr[left[p]], indptr[left[p] + 1]):
            total += np.float32(data[i] * dense[indices[i]])
        out[p] = total
    return out


def pair_dots(matrix: sp.csr_matrix, left: Rows, right: Rows) -> Floats:
    """`matrix[left[i]] . matrix[right[i]]` for every i, as float32: what
    `matrix[left].multiply(matrix[right]).sum(axis=1)` gives, without copying a row. Fastest
    with the pairs grouped by `right` (each run of one right row spreads it once)."""
    result: Floats = _pair_dots(
        np.asarray(matrix.indptr, dtype=np.int64),
        np.asarray(matrix.indices, dtype=np.int32),
        np.asarray(matrix.data, dtype=np.float32),
        matrix.shape[1],
        np.asarray(left, dtype=np.int64),
        np.asarray(right, dtype=np.int64),
    )
    return result


def carry(
    rows: npt.NDArray[np.int32], values: npt.NDArray[Any], old_to_new: Rows, stale: Any, size: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[Any]]:
    """Lists renumbered into new rows (`old_to_new`, -1: gone), entries naming `stale` or gone
    rows dropped, survivors in their order and -1 pads after them; `values` (aligned with
    `rows`, trailing axes allowed) follow their entries, 0 at the pads. One pass, no copies."""
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    lookup = np.where(np.asarray(stale, dtype=np.bool_), -1, old_to_new).astype(np.int64)
    # A stale row that survives (changed) keeps its own list: only entries naming it drop out.
    owners = np.asarray(old_to_new, dtype=np.int64)
    shape = values.shape
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(shape[0], shape[1], -1)
    out_rows, out_values = _carry_with_owners(rows, owners, lookup, flat, size)
    return out_rows, out_values.reshape((size, *shape[1:])).astype(values.dtype, copy=False)


@njit(cache=True, nogil=True)
def _carry_with_owners(
    rows: npt.NDArray[np.int32],
    owners: npt.NDArray[np.int64],
    lookup: npt.NDArray[np.int64],
    values: npt.NDArray[np.float32],
    size: int,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:  # pragma: no cover - compiled
    n_old, width = rows.shape
    extra = values.shape[2]
    out_rows = np.full((size, width), -1, dtype=np.int32)
    out_values = np.zeros((size, width, extra), dtype=np.float32)
    for old in range(n_old):
        new = owners[old]
        if new < 0:
            continue
        slot = 0
        for j in range(width):
            entry = rows[old, j]
            if entry < 0 or lookup[entry] < 0:
                continue
            out_rows[new, slot] = lookup[entry]
            for e in range(extra):
                out_values[new, slot, e] = values[old, j, e]
            slot += 1
    return out_rows, out_values


@njit(cache=True, nogil=True)
def _merge(
    rows: npt.NDArray[np.int32],
    scores: Floats,
    extra: Floats,
    anchors: Rows,
    items: Rows,
    new_scores: Floats,
    new_extra: Floats,
) -> None:  # pragma: no cover - compiled (tested through `merge`)
    n, width = rows.shape
    parts = extra.shape[2]
    # the pairs by anchor, in their given order within one anchor (a counting sort)
    starts = np.zeros(n + 1, dtype=np.int64)
    for p in range(len(anchors)):
        starts[anchors[p] + 1] += 1
    for a in range(n):
        starts[a + 1] += starts[a]
    order = np.empty(len(anchors), dtype=np.int64)
    fill = starts[:-1].copy()
    for p in range(len(anchors)):
        order[fill[anchors[p]]] = p
        fill[anchors[p]] += 1
    merged_rows = np.empty(width, dtype=np.int32)
    merged_scores = np.empty(width, dtype=np.float32)
    merged_extra = np.empty((width, parts), dtype=np.float32)
    for a in range(n):
        first, last = starts[a], starts[a + 1]
        if first == last:
            continue
        group = order[first:last]
        # the list's entries and the candidates together, best first; on a tie the entry
        # already there, then the earlier candidate (a stable sort of [list, candidates])
        total = width + len(group)
        keys = np.empty(total, dtype=np.float32)
        for j in range(width):
            keys[j] = -scores[a, j] if rows[a, j] >= 0 else np.inf
        for c in range(len(group)):
            keys[width + c] = -new_scores[group[c]]
        best = np.argsort(keys, kind="mergesort")[:width]
        for o in range(width):
            s = best[o]
            if keys[s] == np.inf:  # a pad: nothing left to keep
                merged_rows[o] = -1
                merged_scores[o] = 0.0
                for e in range(parts):
                    merged_extra[o, e] = 0.0
            elif s < width:
                merged_rows[o] = rows[a, s]
                merged_scores[o] = scores[a, s]
                for e in range(parts):
                    merged_extra[o, e] = extra[a, s, e]
            else:
                pair = group[s - width]
                merged_rows[o] = items[pair]
                merged_scores[o] = new_scores[pair]
                for e in range(parts):
                    merged_extra[o, e] = new_extra[pair, e]
        rows[a] = merged_rows
        scores[a] = merged_scores
        extra[a] = merged_extra


def merge(
    rows: npt.NDArray[np.int32],
    scores: Floats,
    extra: Floats | None,
    anchors: Rows,
    items: Rows,
    new_scores: Floats,
    new_extra: Floats | None,
) -> None:
    """Insert the pairs (anchors[i], items[i]) with `new_scores` into the anchors' lists, in
    place: each list keeps its best `width` entries by score (ties: the entry already there,
    then the earlier pair). `extra` (rows, width, parts) follows the entries when given."""
    if len(anchors) == 0:
        return
    for array in (rows, scores, extra):
        if array is not None and not array.flags.c_contiguous:
            raise ValueError("merge works in place on C-contiguous lists")
    n, width = rows.shape
    if extra is None or new_extra is None:
        extra, new_extra = (
            np.zeros((n, width, 0), np.float32),
            np.zeros((len(anchors), 0), np.float32),
        )
    _merge(
        rows, scores, extra, np.asarray(anchors, dtype=np.int64), np.asarray(items, dtype=np.int64),
        np.asarray(new_scores, dtype=np.float32), np.asarray(new_extra, dtype=np.float32),
    )  # fmt: skip
