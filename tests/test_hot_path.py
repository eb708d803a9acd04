"""Speed-ups on the request path keep the behaviour they replaced (issue #6).

`collapse_duplicates` was a Python loop over every candidate (about 1 ms for a request with
history); the vectorised version must return exactly what the loop returned, for any input. The
catalogue keeps item bodies on disk (they are most of an archive's bytes and serving never reads
them) but still hands out complete records.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from index.snapshots import SnapshotStore
from recommender.serving.catalog import Catalog
from recommender.serving.diversity import isin
from tests.oracles import collapse_duplicates


def collapse_duplicates_loop(
    order: np.ndarray, groups: np.ndarray, published: np.ndarray, banned_groups: set[int]
) -> np.ndarray:
    """The original implementation, kept here as the oracle."""
    freshest: dict[int, int] = {}
    for pos in order:
        g = int(groups[pos])
        best = freshest.get(g)
        if best is None or published[pos] > published[best]:
            freshest[g] = int(pos)
    out: list[int] = []
    seen: set[int] = set()
    for pos in order:
        g = int(groups[pos])
        if g in seen or g in banned_groups:
            continue
        seen.add(g)
        out.append(freshest[g])
    return np.asarray(out, dtype=np.int64)


@st.composite
def candidates(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[int]]:
    n = draw(st.integers(0, 60))
    groups = np.array(draw(st.lists(st.integers(0, 12), min_size=n, max_size=n)), dtype=np.int64)
    # few distinct times, so ties in freshness are common
    times = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 1e9]), min_size=n, max_size=n))
    published = np.array(times, dtype=np.float64)
    order = np.array(draw(st.permutations(range(n))), dtype=np.int64)
    order = order[: draw(st.integers(0, n))]
    banned = set(draw(st.lists(st.integers(0, 12), max_size=4)))
    return order, groups, published, banned


@settings(max_examples=300, deadline=None)
@given(candidates())
def test_vectorised_collapse_matches_the_loop(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, set[int]],
) -> None:
    order, groups, published, banned = case
    got = collapse_duplicates(order, groups, published, banned)
    want = collapse_duplicates_loop(order, groups, published, banned)
    assert got.dtype == np.int64
    assert got.tolist() == want.tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-1, 30), max_size=80),
    st.lists(st.integers(-1, 30), max_size=40),
)
def test_small_isin_matches_numpy(values: list[int], members: list[int]) -> None:
    a = np.array(values, dtype=np.int64)
    b = np.array(members, dtype=np.int64)
    assert isin(a, b).tolist() == np.isin(a, b).tolist()


def test_catalog_keeps_bodies_on_disk(built_dir: Path) -> None:
    store = SnapshotStore(built_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    catalog = Catalog.load(store.path(version))
    row = catalog.row_of["banjir-1"]
    assert "body" not in catalog.records[row] and "content_hash" not in catalog.records[row]
    full = catalog.full_record(row)
    assert full["id"] == "banjir-1" and "body" in full and "content_hash" in full
    assert {k: v for k, v in full.items() if k not in ("body", "content_hash")} == catalog.records[
        row
    ]
    last = catalog.size - 1
    assert catalog.full_record(last)["id"] == catalog.records[last]["id"]
    assert isinstance(catalog.vectors, np.ndarray) and not isinstance(catalog.vectors, np.memmap)
