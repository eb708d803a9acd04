"""The list surgery of an update (recommender.pipeline.kernels: carrying lists over, merging
pairs in, pair scores) against plain per-list code, on both paths: numpy and compiled."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.pipeline.incremental import RowChange
from recommender.pipeline.incremental import carry_lists as incremental_carry_lists
from recommender.pipeline.kernels import ColumnTop, carry_lists, list_lengths, merge, pair_dots

PATHS = pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])


def plain_carry(
    rows: np.ndarray, values: np.ndarray, change: RowChange
) -> tuple[np.ndarray, np.ndarray]:
    """What `carry_lists` must give, one list at a time: survivors renumbered in their order,
    stale entries dropped, pads (-1 rows, zero values) after them."""
    out_rows = np.full((change.size, rows.shape[1]), -1, dtype=np.int32)
    out_values = np.zeros((change.size, *values.shape[1:]), dtype=values.dtype)
    for old, new in enumerate(change.old_to_new):
        if new < 0:
            continue
        kept = [
            (int(change.old_to_new[r]), values[old, slot])
            for slot, r in enumerate(rows[old])
            if r >= 0 and not change.stale_old[r]
        ]
        for slot, (row, value) in enumerate(kept):
            out_rows[new, slot] = row
            out_values[new, slot] = value
    return out_rows, out_values


@st.composite
def changes(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, RowChange]:
    n_old = draw(st.integers(0, 30))
    k = draw(st.integers(1, 6))
    removed = np.array(draw(st.lists(st.booleans(), min_size=n_old, max_size=n_old)), dtype=bool)
    changed = np.array(draw(st.lists(st.booleans(), min_size=n_old, max_size=n_old)), dtype=bool)
    added = draw(st.integers(0, 5))
    old_to_new = np.full(n_old, -1, dtype=np.int64)
    old_to_new[~removed] = np.arange(int((~removed).sum()))
    if draw(st.booleans()) and (~removed).sum() > 1:  # survivors out of order (not plan's shape)
        old_to_new[~removed] = old_to_new[~removed][::-1]
    size = int((~removed).sum()) + added
    fresh = np.concatenate([old_to_new[changed & ~removed], np.arange(size - added, size)])
    change = RowChange(old_to_new, removed | changed, fresh.astype(np.int64), size)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = np.full((n_old, k), -1, dtype=np.int32)
    for row in range(n_old):
        length = int(rng.integers(0, k + 1))
        others = np.delete(np.arange(n_old), row)
        picked = rng.permutation(others)[: min(length, len(others))]
        rows[row, : len(picked)] = picked
    values = rng.random((n_old, k, 2)).astype(np.float32) * (rows >= 0)[:, :, None]
    return rows, values, change


@PATHS
@settings(max_examples=200, deadline=None)
@given(changes())
def test_carry_lists_equals_a_plain_loop(
    compiled: bool, case: tuple[np.ndarray, np.ndarray, RowChange]
) -> None:
    rows, values, change = case
    got_rows, got_values, got_first = carry_lists(
        rows, [values, values[:, :, 0]], change.old_to_new, change.stale_old, change.size,
        compiled=compiled,
    )  # fmt: skip
    want_rows, want_values = plain_carry(rows, values, change)
    np.testing.assert_array_equal(got_rows, want_rows)
    np.testing.assert_array_equal(got_values, want_values)
    np.testing.assert_array_equal(got_first, want_values[:, :, 0])


@PATHS
@settings(max_examples=200, deadline=None)
@given(changes())
def test_list_lengths_count_what_a_carry_keeps(
    compiled: bool, case: tuple[np.ndarray, np.ndarray, RowChange]
) -> None:
    rows, _values, change = case
    # lists with gaps too (entries after a pad), as no list of ours has, to count each entry
    gapped = np.where(np.arange(rows.shape[1]) % 3 == 1, -1, rows).astype(np.int32)
    dropped = change.stale_old | (change.old_to_new < 0)
    for lists in (rows, gapped):
        plain = [sum(1 for r in line if r >= 0) for line in lists]
        kept = [sum(1 for r in line if r >= 0 and not dropped[r]) for line in lists]
        assert list_lengths(lists, compiled=compiled).tolist() == plain
        assert list_lengths(lists, dropped, compiled=compiled).tolist() == kept
    carried = carry_lists(rows, [], change.old_to_new, change.stale_old, change.size)[0]
    alive = change.old_to_new >= 0
    np.testing.assert_array_equal(
        list_lengths(rows, dropped, compiled=compiled)[alive],
        list_lengths(carried, compiled=compiled)[change.old_to_new[alive]],
    )


@PATHS
@pytest.mark.parametrize("bad", [3, 2**31 - 1, -2])
def test_list_lengths_refuse_entries_that_name_no_row(compiled: bool, bad: int) -> None:
    # the previous snapshot's dense lists are counted before its checks end (`lengths_carried`)
    rows = np.array([[1, bad], [0, -1], [-1, -1]], dtype=np.int32)
    with pytest.raises(ValueError, match="not rows of 3 or -1"):
        list_lengths(rows, np.zeros(3, bool), compiled=compiled)
    assert list_lengths(rows, compiled=compiled).tolist() == [1 + (bad >= 0), 1, 0]


@PATHS
@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 2**32 - 1), st.integers(0, 60), st.integers(0, 7), st.integers(1, 9),
    st.integers(1, 25),
)  # fmt: skip
def test_column_top_is_a_stable_sort_of_each_column(
    compiled: bool, seed: int, n: int, columns: int, k: int, block: int
) -> None:
    """Each column's k best eligible rows, fed in blocks, are those a stable sort of the whole
    column by descending score gives (ties: the lower row), -inf and NaN never kept."""
    rng = np.random.default_rng(seed)
    # few distinct values: ties everywhere, at the k-th place too
    scores = rng.choice([0.5, 0.25, 0.0, -0.25, -np.inf, np.nan], (n, columns)).astype(np.float32)
    eligible = rng.random(n) < 0.8
    top = ColumnTop(columns, k, compiled=compiled)
    for start in range(0, n, block):
        top.add(scores[start : start + block], start, eligible[start : start + block])
    rows, got = top.lists()
    for c in range(columns):
        kept = [r for r in range(n) if eligible[r] and np.isfinite(scores[r, c])]
        ranked = sorted(kept, key=lambda r: -scores[r, c])[:k]  # stable: lower row first
        assert rows[c].tolist() == ranked + [-1] * (k - len(ranked))
        assert got[c].tolist() == [float(scores[r, c]) for r in ranked] + [0.0] * (k - len(ranked))


@PATHS
def test_carry_lists_from_no_lists(compiled: bool) -> None:
    # An update of an emptied snapshot (every item unpublished) carries no lists into new rows:
    # the compiled path had failed ("cannot reshape array of size 0 into shape (0,100,newaxis)").
    empty = RowChange(np.zeros(0, np.int64), np.zeros(0, bool), np.arange(3, dtype=np.int64), 3)
    rows = np.zeros((0, 4), dtype=np.int32)
    got_rows, got_scores = carry_lists(
        rows, [np.zeros((0, 4), np.float32)], empty.old_to_new, empty.stale_old, empty.size,
        compiled=compiled,
    )  # fmt: skip
    np.testing.assert_array_equal(got_rows, np.full((3, 4), -1, dtype=np.int32))
    np.testing.assert_array_equal(got_scores, np.zeros((3, 4), dtype=np.float32))


def plain_merge(
    rows: np.ndarray, scores: np.ndarray, extra: np.ndarray, pairs: list[tuple[int, int, float]]
) -> None:
    """What `merge` must do, one list at a time: candidates in score order (ties: the entry
    already there, then the earlier pair), the best `width` kept."""
    width = rows.shape[1]
    for anchor in sorted({a for a, _, _ in pairs}):
        entries = [
            (float(scores[anchor, j]), int(rows[anchor, j]), tuple(extra[anchor, j]))
            for j in range(width)
            if rows[anchor, j] >= 0
        ]
        mine = [(score, item) for a, item, score in pairs if a == anchor]
        entries += [(score, item, (score, 0.0)) for score, item in mine]
        entries.sort(key=lambda entry: -entry[0])  # stable
        rows[anchor], scores[anchor], extra[anchor] = -1, 0.0, 0.0
        for j, (score, item, parts) in enumerate(entries[:width]):
            rows[anchor, j], scores[anchor, j], extra[anchor, j] = item, score, parts


@st.composite
def lists_and_pairs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, float]]]:
    n = draw(st.integers(1, 12))
    width = draw(st.integers(1, 6))
    levels = st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.8])  # few values: ties are common
    rows = np.full((n, width), -1, dtype=np.int32)
    scores = np.zeros((n, width), dtype=np.float32)
    unsorted = draw(st.booleans())  # lists as stored are best first; the merge must not rely on it
    for row in range(n):
        values = draw(st.lists(levels, max_size=width))
        values = values if unsorted else sorted(values, reverse=True)
        rows[row, : len(values)] = np.arange(len(values)) + 100
        scores[row, : len(values)] = values
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(200, 230), levels), max_size=40)
    )
    return rows, scores, pairs


@PATHS
@settings(max_examples=300, deadline=None)
@given(lists_and_pairs())
def test_merge_equals_a_plain_insertion(
    compiled: bool, case: tuple[np.ndarray, np.ndarray, list[tuple[int, int, float]]]
) -> None:
    rows, scores, pairs = case
    extra = np.stack([scores, np.where(rows >= 0, 1.0, 0.0)], axis=2).astype(np.float32)
    want = rows.copy(), scores.copy(), extra.copy()
    plain_merge(*want, pairs)
    anchors = np.array([a for a, _, _ in pairs], dtype=np.int64)
    items = np.array([i for _, i, _ in pairs], dtype=np.int64)
    new_scores = np.array([sc for _, _, sc in pairs], dtype=np.float32)
    new_extra = np.stack([new_scores, np.zeros_like(new_scores)], axis=1)
    merge(rows, scores, extra, anchors, items, new_scores, new_extra, compiled=compiled)
    np.testing.assert_array_equal(rows, want[0])
    np.testing.assert_array_equal(scores, want[1])
    np.testing.assert_array_equal(extra, want[2])


@PATHS
def test_merge_without_extra_keeps_the_best_entries(compiled: bool) -> None:
    rows = np.array([[5, 6, -1], [7, -1, -1]], dtype=np.int32)
    scores = np.array([[0.9, 0.4, 0.0], [0.5, 0.0, 0.0]], dtype=np.float32)
    anchors = np.array([0, 0, 1], dtype=np.int64)
    merge(
        rows, scores, None, anchors, np.array([8, 9, 10]), np.array([0.5, 0.95, 0.5], np.float32),
        None, compiled=compiled,
    )  # fmt: skip
    np.testing.assert_array_equal(rows, [[9, 5, 8], [7, 10, -1]])
    np.testing.assert_array_equal(scores, np.array([[0.95, 0.9, 0.5], [0.5, 0.5, 0]], np.float32))


@PATHS
@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_pair_dots_are_the_dot_products_of_rows(compiled: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    dense = rng.random((12, 9)).astype(np.float32) * (rng.random((12, 9)) < 0.4)
    matrix = sp.csr_matrix(dense)
    left, right = rng.integers(0, 12, 40), np.sort(rng.integers(0, 12, 40))
    got = pair_dots(matrix, left, right, compiled=compiled)
    want = np.einsum("ij,ij->i", dense[left].astype(np.float64), dense[right].astype(np.float64))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("bad", [3, 2**31 - 1, -2])
def test_list_entries_outside_the_old_rows_are_refused_before_the_carry(
    compiled: bool, bad: int
) -> None:
    # Lists read from a snapshot whose checks are still running may be garbage: the compiled
    # carry would read memory out of bounds with them (SIGSEGV), numpy a row from the end.
    rows = np.array([[1, bad], [0, -1], [-1, -1]], dtype=np.int32)
    change = RowChange(np.array([0, 1, 2]), np.zeros(3, bool), np.zeros(0, np.int64), 3)
    with pytest.raises(ValueError, match="not rows of 3 or -1"):
        incremental_carry_lists(rows, [np.ones((3, 2), np.float32)], change, compiled=compiled)
    good = np.where(rows == bad, -1, rows).astype(np.int32)
    out = incremental_carry_lists(good, [np.ones((3, 2), np.float32)], change, compiled=compiled)
    assert out[0].tolist() == [[1, -1], [0, -1], [-1, -1]]
