"""The list surgery of an update, at archive scale: numpy for small data, compiled loops above.

An update carries every list of an archive over, and scores and inserts millions of (anchor,
item) pairs. With numpy each step copies whole arrays: `csr[rows]` copies each pair's sparse
rows, a merge pads every touched list to a common width and sorts it. The compiled loops
(numba) do each in one pass, in place: at 100k items they take the ranking layer of an update
from about 8 s to 4. Both paths are tested against plain per-list code; they give the same
lists. Pair scores are float32 sums of the shared terms' products, which may differ from scipy's
`multiply(...).sum()` in the last bit. The loops: carrying lists over (`carry_lists`), counting
their entries (`list_lengths`), merging pairs in (`merge`), pair scores (`pair_dots`), the
anchors a newcomer may enter (`reverse_candidates`) or entered (`newcomer_pairs`), and each
newcomer's own best rows from blocks of scores (`ColumnTop`).

`make setup` builds the loops ahead of time into an extension module beside this file
(`recommender.pipeline.ahead`: numba's own ahead-of-time compiler, the same code and types),
which a job loads in a millisecond without importing numba; then every update takes the compiled
path. Without that module (no C compiler, or the source changed since the build) the loops are
compiled just in time and cached on disk (numba's `cache=True`: beside this file, or in numba's
user cache folder when the package folder is read-only); loading them then costs about 0.7 s a
process (numba's import, then LLVM loading each kernel), which a small update does not repay, so
each function below takes the numpy path for lists of fewer than `COMPILED_FROM` entries and the
compiled one from there on (an update decides once, by the size of its lists).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from recommender.pipeline import ahead

Rows = npt.NDArray[np.int64]
Lists = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float32]

COMPILED_FROM = 2_000_000  # list entries (items x K) from which the just-in-time loops pay
AHEAD_FROM = 0  # the same, built ahead of time: loading them costs nothing


@functools.cache
def _compiled() -> Any:
    """The compiled kernels: the module `make setup` built ahead of time when it matches this
    source (`recommender.pipeline.ahead`), else numba's just-in-time ones."""
    built = _ahead()
    return built if built is not None else just_in_time()


def just_in_time() -> SimpleNamespace:
    """numba's just-in-time kernels (numba imported now; each loaded from its cache, or
    compiled, on its first call)."""
    from numba import njit

    jit = njit(cache=True, nogil=True)
    return SimpleNamespace(
        pair_dots=jit(_pair_dots), carry=jit(_carry), merge=jit(_merge), reverse=jit(_reverse),
        lengths=jit(_lengths), pairs=jit(_pairs), column_top=jit(_column_top),
    )  # fmt: skip


def _c(array: Any, dtype: type[np.generic]) -> Any:
    """`array` as a C-contiguous array of `dtype`: the one layout each kernel is compiled for
    (another layout would compile, and cache, another version)."""
    return np.ascontiguousarray(array, dtype=dtype)


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel for the types an update passes: `make
    setup` runs this, so that no job pays the first compile (about 10 s on two loaded cores),
    and a large update runs it beside its embedding, so that loading them is off its path."""
    rows = np.array([[1, -1], [0, -1]], dtype=np.int32)
    scores = np.array([[0.5, 0.0], [0.5, 0.0]], dtype=np.float32)
    old_to_new, stale = np.array([0, 1], dtype=np.int64), np.zeros(2, dtype=np.bool_)
    carry_lists(rows, [scores], old_to_new, stale, 2, compiled=True)
    carry_lists(rows, [scores, scores], old_to_new, stale, 2, compiled=True)
    list_lengths(rows, stale, compiled=True)
    newcomer_pairs(rows, rows, np.array([-1, 0], np.int64), stale, 1)
    best = ColumnTop(1, 1, compiled=True)
    best.add(np.ones((2, 1), np.float32), 0, np.ones(2, np.bool_))
    best.lists()
    pairs = np.array([0], dtype=np.int64), np.array([1], dtype=np.int64)
    merge(rows, scores, None, *pairs, np.ones(1, np.float32), None, compiled=True)
    extra = np.zeros((2, 2, 3), dtype=np.float32)
    merge(
        rows,
        scores,
        extra,
        *pairs,
        np.ones(1, np.float32),
        np.ones((1, 3), np.float32),
        compiled=True,
    )
    eye = sp.csr_matrix(np.eye(2, dtype=np.float32))
    pair_dots(eye, *pairs, compiled=True)
    weights = np.ones(2, np.float32)
    reverse_candidates(eye, eye, sp.vstack([eye, eye], format="csr"), weights, weights, 1.0,
                       np.zeros(2, np.float32), stale, pairs[0])  # fmt: skip


@functools.cache
def _ahead() -> Any:
    """The kernels built ahead of time by `make setup`, or None (`recommender.pipeline.ahead`)."""
    return ahead.load()


def use_compiled(elements: int, compiled: bool | None = None) -> bool:
    """Whether work on lists of `elements` entries takes the compiled path (`compiled`: forced).
    Built ahead of time the kernels cost nothing to load: from `AHEAD_FROM` (always); just in
    time, from `COMPILED_FROM` entries."""
    if compiled is not None:
        return compiled
    return elements >= (AHEAD_FROM if _ahead() is not None else COMPILED_FROM)


# --- pair scores --------------------------------------------------------------------------


def pair_dots(
    matrix: sp.csr_matrix, left: Rows, right: Rows, *, compiled: bool | None = None
) -> Floats:
    """`matrix[left[i]] . matrix[right[i]]` for every i, as float32: what
    `matrix[left].multiply(matrix[right]).sum(axis=1)` gives. Compiled: no row is copied, and
    it is fastest with the pairs grouped by `right` (each run of one right row spreads it once).
    `compiled`: force a path (tests); by default chosen by size."""
    if not use_compiled(len(left), compiled):
        product = matrix[left].multiply(matrix[right]).sum(axis=1)
        return np.asarray(product, dtype=np.float32).ravel()
    result: Floats = _compiled().pair_dots(
        _c(matrix.indptr, np.int64),
        _c(matrix.indices, np.int32),
        _c(matrix.data, np.float32),
        int(matrix.shape[1]),
        _c(left, np.int64),
        _c(right, np.int64),
    )
    return result


def _pair_dots(
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int32],
    data: Floats,
    width: int,
    left: Rows,
    right: Rows,
) -> Floats:  # pragma: no cover - compiled
    # `right[p]`'s row is spread into a dense line once per run of equal `right` values (pairs
    # come grouped by their newcomer), and each left row is summed against it: no branch per
    # term. Terms the two rows do not share add an exact 0, so the sum is the shared terms'
    # products, in the order the left row stores its terms.
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


# --- carrying lists over -------------------------------------------------------------------


def carry_lists(
    rows: Lists,
    values: Sequence[npt.NDArray[Any]],
    old_to_new: Rows,
    stale: npt.NDArray[np.bool_],
    size: int,
    *,
    compiled: bool | None = None,
) -> list[Any]:
    """Lists renumbered into the new rows (`old_to_new`: each old row's new row, -1 when gone),
    entries naming `stale` or gone rows dropped (survivors keep their order, -1 pads after
    them); `values` are arrays aligned with `rows` (extra trailing axes allowed). Returns the new
    rows followed by the carried values (0 where dropped). `compiled`: force a path (tests)."""
    rows = np.asarray(rows)
    if not use_compiled(rows.size, compiled):  # by the lists' size, as `merge`
        return _carry_numpy(rows, values, old_to_new, stale, size)
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    lookup = _c(np.where(stale, -1, old_to_new), np.int64)
    owners = _c(old_to_new, np.int64)  # a stale row that stays keeps its list

    def flat(value: npt.NDArray[Any]) -> Floats:
        # the trailing axes' size named, not inferred: -1 cannot be inferred from no lists
        trailing = int(np.prod(value.shape[rows.ndim :], dtype=np.int64))
        return np.ascontiguousarray(value, dtype=np.float32).reshape(*rows.shape, trailing)

    def shaped(carried: Floats, value: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return carried.reshape((size, *value.shape[1:])).astype(value.dtype, copy=False)

    arrays = [np.asarray(value) for value in values]
    none = np.zeros((*rows.shape, 0), np.float32)
    out: list[Any] = []
    for start in range(0, max(len(arrays), 1), 2):  # two value arrays a pass over the lists
        pair = arrays[start : start + 2]
        first, second = [flat(value) for value in pair] + [none] * (2 - len(pair))
        carried_rows, one, two = _compiled().carry(rows, owners, lookup, first, second, int(size))
        if not out:
            out.append(carried_rows)
        out.extend(shaped(carried, value) for carried, value in zip((one, two), pair, strict=False))
    return out


def check_entries(rows: Lists, n_rows: int) -> None:
    """Every list entry names one of the `n_rows` old rows or is the -1 pad; else ValueError.
    The compiled loops index with the entries unchecked, and numpy would read a negative one
    from the end: a lists file gone bad (read while the snapshot's checks still run,
    `update.load_previous`) must stop the update with an error, not make it read out of bounds
    (it had crashed the long lifecycle test with SIGSEGV, one run in four)."""
    if np.size(rows):
        low, high = int(np.min(rows)), int(np.max(rows))
        if low < -1 or high >= n_rows:
            raise ValueError(f"list entries from {low} to {high}: not rows of {n_rows} or -1")


def _carry_numpy(
    rows: Lists,
    values: Sequence[npt.NDArray[Any]],
    old_to_new: Rows,
    stale: npt.NDArray[np.bool_],
    size: int,
) -> list[Any]:
    """`carry_lists` with numpy: only the few lists that lost an entry are reordered; the rest
    are copied as they are, once."""
    rows = np.asarray(rows)
    # One slot more than the old rows: a -1 pad indexes it (numpy's last element) and stays -1.
    lookup = np.append(np.where(stale, -1, old_to_new), -1).astype(np.int32)
    dropped = np.append(stale | (old_to_new < 0), False)
    alive = old_to_new >= 0
    source = np.flatnonzero(alive)
    target = old_to_new[alive]
    in_order = bool(np.array_equal(target, np.arange(len(target))))  # what plan_changes makes
    out_rows = np.full((size, rows.shape[1]), -1, dtype=np.int32)
    old = rows[source] if not in_order or len(source) < len(rows) else rows
    mapped = lookup[old]
    lost = np.flatnonzero(dropped[old].any(axis=1))
    order = np.argsort(mapped[lost] < 0, axis=1, kind="stable")
    mapped[lost] = np.take_along_axis(mapped[lost], order, axis=1)
    out_rows[target] = mapped
    out: list[Any] = [out_rows]
    keep = mapped[lost] >= 0
    for value in values:
        value = np.asarray(value)
        carried = np.zeros((size, *value.shape[1:]), dtype=value.dtype)
        if in_order:  # survivors keep their order: one gather straight into place
            np.take(value, source, axis=0, out=carried[: len(source)], mode="clip")  # unbuffered
        else:
            carried[target] = value[source]
        # pads hold 0 already: only the reordered lists of `lost` are fixed, lost entries zeroed
        at = target[lost]
        index = order.reshape(order.shape + (1,) * (value.ndim - 2))
        fixed = np.take_along_axis(carried[at], index, axis=1)
        shape = keep.shape + (1,) * (value.ndim - 2)
        carried[at] = np.where(keep.reshape(shape), fixed, 0)
        out.append(carried)
    return out


def _carry(
    rows: npt.NDArray[np.int32],
    owners: npt.NDArray[np.int64],
    lookup: npt.NDArray[np.int64],
    first: npt.NDArray[np.float32],
    second: npt.NDArray[np.float32],
    size: int,
) -> tuple[
    npt.NDArray[np.int32], npt.NDArray[np.float32], npt.NDArray[np.float32]
]:  # pragma: no cover - compiled
    # Two value arrays carried with the lists in one pass (an empty trailing axis for none)
    n_old, width = rows.shape
    extra_first, extra_second = first.shape[2], second.shape[2]
    out_rows = np.full((size, width), -1, dtype=np.int32)
    out_first = np.zeros((size, width, extra_first), dtype=np.float32)
    out_second = np.zeros((size, width, extra_second), dtype=np.float32)
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
            for e in range(extra_first):
                out_first[new, slot, e] = first[old, j, e]
            for e in range(extra_second):
                out_second[new, slot, e] = second[old, j, e]
            slot += 1
    return out_rows, out_first, out_second


# --- list lengths ---------------------------------------------------------------------------


def list_lengths(
    rows: Lists,
    dropped: npt.NDArray[np.bool_] | None = None,
    *,
    compiled: bool | None = None,
) -> Rows:
    """Entries of each list: those that are not the -1 pad and, with `dropped` (a flag per row
    an entry may name), do not name a dropped row (what a carry keeps). With `dropped`, an
    entry naming no row of it raises ValueError (`check_entries`). Compiled: one pass, no
    mask of the lists' size (numpy makes one, and sums it by rows: at 100k items x K=100,
    ~10 ms a call, a dozen calls an update). `compiled`: force a path (tests)."""
    rows = np.asarray(rows)
    if not use_compiled(rows.size, compiled):
        if dropped is None:
            counted: Rows = (rows >= 0).sum(axis=1)
            return counted
        check_entries(rows, len(dropped))
        kept = (rows >= 0) & ~np.append(dropped, False)[rows]  # a -1 pad reads the False
        return kept.sum(axis=1)  # type: ignore[no-any-return]
    flags = np.zeros(0, np.bool_) if dropped is None else _c(dropped, np.bool_)
    counted = _compiled().lengths(_c(rows, np.int32), flags, dropped is not None)
    if len(counted) and counted.min() < 0:
        check_entries(rows, len(flags))  # names the entries (and raises)
    return counted


def _lengths(
    rows: npt.NDArray[np.int32], dropped: npt.NDArray[np.bool_], check: bool
) -> Rows:  # pragma: no cover - compiled
    # -1 for a list holding an entry that names no row of `dropped` (with `check`); without
    # `check`, a count the compiler vectorises (no branch)
    n, width = rows.shape
    limit = len(dropped)
    out = np.zeros(n, dtype=np.int64)
    for r in range(n):
        count = 0
        if not check:
            for j in range(width):
                count += rows[r, j] >= 0
            out[r] = count
            continue
        for j in range(width):
            entry = rows[r, j]
            if entry < 0:
                if entry < -1:
                    count = -1
                    break
                continue
            if entry >= limit:
                count = -1
                break
            if not dropped[entry]:
                count += 1
        out[r] = count
    return out


# --- merging pairs into lists ---------------------------------------------------------------


def merge(
    rows: Lists,
    scores: Floats,
    extra: Floats | None,
    anchors: Rows,
    items: Rows,
    new_scores: Floats,
    new_extra: Floats | None,
    *,
    compiled: bool | None = None,
) -> None:
    """Insert the pairs (anchors[i], items[i]) with `new_scores` into the anchors' lists, in
    place: each list keeps its best `width` entries by score (ties: the entry already there,
    then the earlier pair). `extra` (rows, width, parts) follows the entries when given.
    `compiled`: force a path (tests)."""
    if len(anchors) == 0:
        return
    if not use_compiled(rows.size, compiled):  # by the lists' size, as `carry_lists`
        _merge_numpy(rows, scores, extra, anchors, items, new_scores, new_extra)
        return
    for array, dtype in ((rows, np.int32), (scores, np.float32), (extra, np.float32)):
        if array is not None and not (array.flags.c_contiguous and array.dtype == dtype):
            raise ValueError("merge works in place on C-contiguous int32 rows, float32 scores")
    n, width = rows.shape
    if extra is None or new_extra is None:
        extra = np.zeros((n, width, 0), np.float32)
        new_extra = np.zeros((len(anchors), 0), np.float32)
    _compiled().merge(
        rows, scores, extra, _c(anchors, np.int64), _c(items, np.int64),
        _c(new_scores, np.float32), _c(new_extra, np.float32),
    )  # fmt: skip


def _merge_numpy(
    rows: Lists,
    scores: Floats,
    extra: Floats | None,
    anchors: Rows,
    items: Rows,
    new_scores: Floats,
    new_extra: Floats | None,
) -> None:
    """`merge` with numpy."""
    width = rows.shape[1]
    order = np.lexsort((-new_scores, anchors))
    anchors, items, new_scores = anchors[order], items[order], new_scores[order]
    moved = new_extra[order] if new_extra is not None else None
    targets, starts, counts = np.unique(anchors, return_index=True, return_counts=True)
    slot = np.arange(len(anchors)) - np.repeat(starts, counts)
    owner = np.repeat(np.arange(len(targets)), counts)  # each pair's position in `targets`
    # Lists are merged in groups of like candidate counts (1, 2, 3-4, 5-8, ...): the one anchor
    # that many newcomers enter does not widen every other anchor's merge to its count.
    group = np.ceil(np.log2(np.minimum(counts, width))).astype(np.int64)
    local = np.zeros(len(targets), dtype=np.int64)
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        local[members] = np.arange(len(members))
        pairs = np.flatnonzero((group[owner] == g) & (slot < width))  # only the best can stay
        _merge_block(
            rows, scores, extra, targets[members], min(width, int(counts[members].max())),
            (local[owner[pairs]], slot[pairs]), items[pairs], new_scores[pairs],
            moved[pairs] if moved is not None else None,
        )  # fmt: skip


def _merge_block(
    rows: Lists,
    scores: Floats,
    extra: Floats | None,
    targets: Rows,
    extra_width: int,
    at: tuple[Rows, Rows],
    items: Rows,
    new_scores: Floats,
    new_extra: Floats | None,
) -> None:
    """`merge` for lists `targets` receiving at most `extra_width` candidates each, candidate i
    at (target position, slot) `at[0][i], at[1][i]`, slots in descending score order."""
    width = rows.shape[1]
    cand_rows = np.full((len(targets), extra_width), -1, dtype=np.int64)
    cand_scores = np.full((len(targets), extra_width), -np.inf, dtype=np.float32)
    cand_rows[at] = items
    cand_scores[at] = new_scores
    current = rows[targets]
    cur_scores = np.where(current >= 0, scores[targets], -np.inf)
    all_rows = np.concatenate([current.astype(np.int64), cand_rows], axis=1)
    all_scores = np.concatenate([cur_scores, cand_scores], axis=1)
    best = np.argsort(-all_scores, axis=1, kind="stable")[:, :width]
    top_scores = np.take_along_axis(all_scores, best, axis=1)
    filled = np.isfinite(top_scores)
    rows[targets] = np.where(filled, np.take_along_axis(all_rows, best, axis=1), -1)
    scores[targets] = np.where(filled, top_scores, 0.0)
    if extra is not None and new_extra is not None:
        cand_extra = np.zeros((len(targets), extra_width, extra.shape[2]), dtype=np.float32)
        cand_extra[at] = new_extra
        all_extra = np.concatenate([extra[targets], cand_extra], axis=1)
        picked = np.take_along_axis(all_extra, best[:, :, None], axis=1)
        extra[targets] = np.where(filled[:, :, None], picked, 0.0)


def _merge(
    rows: npt.NDArray[np.int32],
    scores: Floats,
    extra: Floats,
    anchors: Rows,
    items: Rows,
    new_scores: Floats,
    new_extra: Floats,
) -> None:  # pragma: no cover - compiled
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
        in_order = True
        for j in range(width):
            keys[j] = -scores[a, j] if rows[a, j] >= 0 else np.inf
            if j and keys[j] < keys[j - 1]:
                in_order = False
        for c in range(len(group)):
            keys[width + c] = -new_scores[group[c]]
        if in_order:  # the usual case: merge the sorted list with the sorted candidates
            ranked = np.argsort(keys[width:], kind="mergesort") + width
            best = np.empty(width, dtype=np.int64)
            i, j = 0, 0
            for o in range(width):
                if j >= len(ranked) or (i < width and keys[i] <= keys[ranked[j]]):
                    best[o] = i
                    i += 1
                else:
                    best[o] = ranked[j]
                    j += 1
        else:
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


# --- the pairs of an anchor and a newcomer in its lists ----------------------------------------


def newcomer_pairs(
    first: Lists, second: Lists, column: Rows, skip: npt.NDArray[np.bool_], m: int
) -> Rows:
    """Compiled `rerank.newcomer_pairs` of two lists per anchor: `anchor * m + column[entry]`
    for every entry of either list that is a newcomer (`column[entry] >= 0`), anchors in
    `skip` left out, each pair once, in ascending order (what numpy's unique gives)."""
    if first.shape[0] != second.shape[0] or len(skip) < first.shape[0]:
        raise ValueError("newcomer_pairs needs two lists and a skip flag per anchor")
    first, second = _c(first, np.int32), _c(second, np.int32)
    check_entries(first, len(column))
    check_entries(second, len(column))
    found: Rows = _compiled().pairs(first, second, _c(column, np.int64), _c(skip, np.bool_), m)
    return found


def _pairs(
    first: npt.NDArray[np.int32],
    second: npt.NDArray[np.int32],
    column: Rows,
    skip: npt.NDArray[np.bool_],
    m: int,
) -> Rows:  # pragma: no cover - compiled
    n = first.shape[0]
    found = np.empty(first.shape[1] + second.shape[1], dtype=np.int64)
    capacity = 1024
    out = np.empty(capacity, dtype=np.int64)
    total = 0
    for a in range(n):
        if skip[a]:
            continue
        count = 0
        for lists in (first, second):
            for j in range(lists.shape[1]):
                entry = lists[a, j]
                if entry >= 0 and column[entry] >= 0:
                    found[count] = column[entry]
                    count += 1
        if count == 0:
            continue
        ranked = np.sort(found[:count])
        for i in range(count):
            if i and ranked[i] == ranked[i - 1]:
                continue
            if total == capacity:
                capacity *= 2
                grown = np.empty(capacity, dtype=np.int64)
                grown[:total] = out[:total]
                out = grown
            out[total] = a * m + ranked[i]
            total += 1
    return out[:total]


# --- each column's best rows, block by block ---------------------------------------------------


class ColumnTop:
    """Each of `columns` columns' `k` best rows by score, fed a block of rows at a time (rows in
    ascending order over the calls): on a tie the lower row first (what a stable sort of the
    whole column by descending score gives). The newcomers' own lists of an update, taken from
    the products `incremental.insert` computes anyway (every row against every newcomer).

    Compiled: a heap per column, each score compared once with the column's worst kept (at 100k
    rows x 900 newcomers, 90M comparisons). numpy: the blocks are kept and each column ranked
    at the end (for small data)."""

    def __init__(self, columns: int, k: int, *, compiled: bool) -> None:
        self.compiled = compiled  # one path for every block (`use_compiled`, by the caller)
        self.rows = np.full((columns, k), -1, dtype=np.int32)
        self.scores = np.full((columns, k), -np.inf, dtype=np.float32)
        self.filled = np.zeros(columns, dtype=np.int64)
        self.worst = np.full(columns, -np.inf, dtype=np.float32)  # once a heap is full
        self.blocks: list[tuple[int, Floats]] = []

    def add(self, block: Floats, start: int, eligible: npt.NDArray[np.bool_]) -> None:
        """Rows start.. start+len(block) with their scores against each column; only the
        `eligible` ones (a flag per block row) and finite scores count."""
        if not self.compiled:
            self.blocks.append((start, np.where(eligible[:, None], block, -np.inf)))
            return
        _compiled().column_top(
            _c(block, np.float32), int(start), _c(eligible, np.bool_), self.rows, self.scores,
            self.filled, self.worst,
        )  # fmt: skip

    def lists(self) -> tuple[Lists, Floats]:
        """Per column its best rows (-1 pads) and their scores (0 under pads), best first."""
        columns, k = self.rows.shape
        if self.blocks:
            starts = np.concatenate([np.arange(len(b)) + s for s, b in self.blocks])
            full = np.concatenate([b for _, b in self.blocks])
            for c in range(columns):
                order = np.lexsort((starts, -full[:, c]))[:k]
                keep = order[np.isfinite(full[order, c])]
                self.rows[c, : len(keep)] = starts[keep]
                self.scores[c, : len(keep)] = full[keep, c]
            self.blocks = []
        else:
            for c in range(columns):  # each heap in list order: best first, lower row on ties
                kept = int(self.filled[c])
                order = np.lexsort((self.rows[c, :kept], -self.scores[c, :kept]))
                self.rows[c, :kept] = self.rows[c, :kept][order]
                self.scores[c, :kept] = self.scores[c, :kept][order]
        scores = np.where(self.rows >= 0, self.scores, 0.0).astype(np.float32)
        return self.rows, scores


def _column_top(
    block: Floats,
    start: int,
    eligible: npt.NDArray[np.bool_],
    rows: npt.NDArray[np.int32],
    scores: Floats,
    filled: Rows,
    worst: Floats,
) -> None:  # pragma: no cover - compiled
    # A min-heap per column at [c, :filled[c]], the worst kept at 0: a lower score, or on a tie
    # the higher row; `worst[c]` is its score once the heap is full (-inf before), so that each
    # score costs one comparison with a contiguous line. Rows arrive in ascending order, so a
    # score equal to the worst (whose row is lower) never replaces it: only a higher one does.
    k = rows.shape[1]
    n, m = block.shape
    for j in range(n):
        if not eligible[j]:
            continue
        row = start + j
        for c in range(m):
            s = block[j, c]
            if not s > worst[c]:  # also -inf (excluded) and NaN: never kept
                continue
            size = filled[c]
            if size < k:  # room: push, then sift up
                i = size
                filled[c] = size + 1
                while i > 0:
                    parent = (i - 1) // 2
                    ps, pr = scores[c, parent], rows[c, parent]
                    if ps < s or (ps == s and pr > row):  # the parent is worse: stays above
                        break
                    scores[c, i], rows[c, i] = ps, pr
                    i = parent
                scores[c, i], rows[c, i] = s, row
            else:  # replace the worst, then sift down
                i = 0
                while True:
                    left = 2 * i + 1
                    if left >= k:
                        break
                    child = left
                    right = left + 1
                    if right < k:
                        ls, lr = scores[c, left], rows[c, left]
                        rs, rr = scores[c, right], rows[c, right]
                        if rs < ls or (rs == ls and rr > lr):
                            child = right
                    ws, wr = scores[c, child], rows[c, child]
                    if s < ws or (s == ws and row > wr):
                        break
                    scores[c, i], rows[c, i] = ws, wr
                    i = child
                scores[c, i], rows[c, i] = s, row
            if filled[c] == k:
                worst[c] = scores[c, 0]


# --- the anchors a newcomer may enter -------------------------------------------------------


def reverse_candidates(
    body_query: sp.csr_matrix,
    title_query: sp.csr_matrix,
    postings: sp.csr_matrix,
    body_weights: Floats,
    title_weights: Floats,
    total: float,
    threshold: Floats,
    blocked: npt.NDArray[np.bool_],
    newcomers: Rows,
) -> tuple[Rows, Rows]:
    """Compiled: the (anchor, newcomer position) pairs whose weighted lower bound
    `(body_query @ postings[:terms] * body_weights + title_query @ postings[terms:] *
    title_weights) / total` beats the anchor's `threshold`, the anchor not `blocked` and not the
    newcomer itself; the float32 arithmetic of scipy's products, the pairs of each newcomer
    together, newcomers in order (`rerank.reverse_candidates` with numpy gives the same pairs).
    Each newcomer's sums go into one dense line: no product matrix of millions of entries is
    built, weighted, added and filtered afterwards."""
    anchors, columns = _compiled().reverse(
        _c(body_query.indptr, np.int64), _c(body_query.indices, np.int32),
        _c(body_query.data, np.float32), _c(title_query.indptr, np.int64),
        _c(title_query.indices, np.int32), _c(title_query.data, np.float32),
        _c(postings.indptr, np.int64), _c(postings.indices, np.int32),
        _c(postings.data, np.float32), int(body_query.shape[1]),
        _c(body_weights, np.float32), _c(title_weights, np.float32), np.float32(total),
        _c(threshold, np.float32), _c(blocked, np.bool_), _c(newcomers, np.int64),
    )  # fmt: skip
    return anchors, columns


def _reverse(
    body_indptr: Rows,
    body_indices: npt.NDArray[np.int32],
    body_data: Floats,
    title_indptr: Rows,
    title_indices: npt.NDArray[np.int32],
    title_data: Floats,
    post_indptr: Rows,
    post_indices: npt.NDArray[np.int32],
    post_data: Floats,
    body_terms: int,
    body_weights: Floats,
    title_weights: Floats,
    total: np.float32,
    threshold: Floats,
    blocked: npt.NDArray[np.bool_],
    newcomers: Rows,
) -> tuple[Rows, Rows]:  # pragma: no cover - compiled
    n = len(threshold)
    body = np.zeros(n, dtype=np.float32)
    title = np.zeros(n, dtype=np.float32)
    seen = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    capacity = 1024
    out_anchors = np.empty(capacity, dtype=np.int64)
    out_columns = np.empty(capacity, dtype=np.int64)
    found = 0
    for c in range(len(newcomers)):
        m = 0
        # as scipy's product: the query's terms in stored order, each term's postings in order
        for part in range(2):
            indptr = body_indptr if part == 0 else title_indptr
            indices = body_indices if part == 0 else title_indices
            data = body_data if part == 0 else title_data
            sums = body if part == 0 else title
            offset = 0 if part == 0 else body_terms
            for q in range(indptr[c], indptr[c + 1]):
                term = indices[q] + offset
                weight = data[q]
                for p in range(post_indptr[term], post_indptr[term + 1]):
                    a = post_indices[p]
                    if not seen[a]:
                        seen[a] = True
                        touched[m] = a
                        m += 1
                    sums[a] += weight * post_data[p]
        me = newcomers[c]
        for t in range(m):
            a = touched[t]
            bound = (body[a] * body_weights[a] + title[a] * title_weights[a]) / total
            if bound > threshold[a] and not blocked[a] and a != me:
                if found == capacity:
                    capacity *= 2
                    grown = np.empty(capacity, dtype=np.int64)
                    grown[:found] = out_anchors[:found]
                    out_anchors = grown
                    grown = np.empty(capacity, dtype=np.int64)
                    grown[:found] = out_columns[:found]
                    out_columns = grown
                out_anchors[found] = a
                out_columns[found] = c
                found += 1
            body[a] = 0.0
            title[a] = 0.0
            seen[a] = False
    return out_anchors[:found], out_columns[:found]
