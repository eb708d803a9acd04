"""The precomputed candidates of plain answers (`recommender.serving.precomputed`, issue #15)
choose exactly what the whole lists choose: same rows, same float scores, bit for bit, at every
moment of their window; outside it, or for requests they do not cover, the full path answers.

Differential, with the catalogues of `test_select_pools` (pads, repeated rows, ties, items
published ahead of the clock, items expiring inside the window, blocked and boosted sections) and
with long lists where only a few candidates are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.serving.catalog import Catalog
from recommender.serving.precomputed import MARGIN, WIDTH
from recommender.serving.rendering import rounded
from recommender.serving.selection import Filters, Selector
from recommender.snapshot import PARTS, Neighbours, Related
from tests.serving.test_select_pools import NOW, RULES, catalogues, iso, selector_of

COVERS = {"article": 5, "video": 3}


def answers_match(
    sel: Selector, wants: list[tuple[str, int]], anchor: int, banned: Any, now: float
) -> None:
    """select_pools (precomputed where it can) against `select` on the whole lists."""
    got = sel.select_pools(wants, anchor, np.zeros(0, dtype=np.int64), banned, now)
    for (pool, n), (rows, scores) in zip(wants, got, strict=True):
        want = sel.select(pool, anchor, np.zeros(0, dtype=np.int64), banned, n, Filters(), now)
        assert rows == want.rows.tolist(), (pool, anchor, now)
        assert [s.hex() for s in scores] == [s.hex() for s in rounded(want.scores.tolist())]


def selector(catalog: Catalog, **overrides: Any) -> Selector:
    return selector_of(catalog, overrides, Path("unused"))


@pytest.fixture(scope="module")
def rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalogues(),
    st.sampled_from([{}, {"dedupe": False}, {"freshness_half_life_hours": 1}, {"rules": True}]),
    st.sampled_from([-7200.0, -60.0, 0.0]),
    st.sampled_from([0.5, 2.0, 48.0]),
    st.integers(0, 2**32 - 1),
)
def test_precomputed_answers_are_the_whole_lists_answers(
    rules_file: Path,
    catalog: Catalog,
    overrides: dict[str, Any],
    offset: float,
    hours: float,
    seed: int,
) -> None:
    sel = selector_of(catalog, overrides, rules_file)
    start = NOW + offset
    sel.precomputed = sel.precompute(COVERS, start, hours)
    plain = sel.precomputed
    end = plain.end
    rng = np.random.default_rng(seed)
    editorial = np.flatnonzero(catalog.pools != catalog.pool_code("sponsored"))
    moments = [start, end, float(rng.uniform(start, end)), start - 1.0, end + 1.0, NOW]
    answered = 0
    for now in moments:
        for _ in range(3):
            anchor = int(rng.choice(editorial))
            excluded = [int(r) for r in rng.choice(editorial, rng.integers(0, MARGIN + 2))]
            banned = np.array([anchor, *excluded], dtype=np.int64)
            wants = [("article", int(rng.integers(0, 8))), ("video", int(rng.integers(0, 5)))]
            asked = [(p, n) for p, n in wants if n > 0]
            if asked and sel.precomputed_pick(asked, anchor, banned, now) is not None:
                answered += 1
            answers_match(sel, wants, anchor, banned, now)
        # A request the precomputed candidates cover is answered from them.
        anchor = int(rng.choice(editorial))
        covered = [("article", COVERS["article"]), ("video", COVERS["video"])]
        if start <= now <= end:
            assert sel.precomputed_pick(covered, anchor, np.array([anchor]), now) is not None
            answered += 1
        answers_match(sel, covered, anchor, np.array([anchor]), now)
    assert answered > 0


def long_lists(n: int, width: int, fresh: bool, seed: int) -> Catalog:
    """Lists of `width` candidates from a catalogue of `n` articles and videos; `fresh`: all
    published within the hour (a window of days changes their order), else months ago."""
    rng = np.random.default_rng(seed)
    ages = rng.uniform(0, 3600.0 if fresh else 86400.0 * 200, n)
    records: list[dict[str, Any]] = [
        {
            "id": f"it-{i}",
            "type": "video" if i % 4 == 3 else "article",
            "title": f"t{i}",
            "url": f"https://x.example/{i}",
            "published_at": iso(NOW - float(ages[i])),
        }
        for i in range(n)
    ]
    pools = np.array([r["type"] for r in records])
    neighbours: dict[str, Neighbours] = {}
    related: dict[str, Related] = {}
    for pool in ("article", "video"):
        members = np.flatnonzero(pools == pool)
        rows = np.stack([rng.choice(members, width, replace=False) for _ in range(n)])
        rows = rows.astype(np.int32)
        parts = rng.uniform(0, 0.4, (n, width, len(PARTS))).astype(np.float32)
        neighbours[pool] = Neighbours(rows, np.full((n, width), 0.5, dtype=np.float32))
        related[pool] = Related(rows, parts.sum(axis=2), parts)
    vectors = rng.standard_normal((n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Catalog("v1", {}, records, vectors, neighbours, related)


def test_larger_default_counts_keep_room_for_them() -> None:
    """A widget whose default count is above what WIDTH leaves room for keeps that count, the
    margin and a few more per list, and still answers as the whole lists do."""
    catalog = long_lists(300, 60, False, seed=4)
    sel = selector(catalog)
    covers = {"article": 15, "video": 3}
    sel.precomputed = sel.precompute(covers, NOW, 24.0)
    assert sel.precomputed.width == 15 + MARGIN + 4
    assert (sel.precomputed.counts[:, 0] >= 0).mean() > 0.9
    rng = np.random.default_rng(2)
    for now in (NOW, NOW + 12 * 3600.0, NOW + 24 * 3600.0):
        for _ in range(30):
            anchor = int(rng.integers(0, 300))
            answers_match(sel, [("article", 15), ("video", 3)], anchor, np.array([anchor]), now)


@pytest.mark.parametrize("fresh", [False, True])
def test_long_lists_keep_a_few_and_answer_the_same(fresh: bool) -> None:
    """Lists of 60: months-old items keep about the contenders (the default count plus the
    margin); items of the last hour over a two-day window keep many more, and a list with more
    than WIDTH contenders is not kept at all (its requests take the whole list)."""
    catalog = long_lists(400, 60, fresh, seed=3)
    sel = selector(catalog, freshness_half_life_hours=6, freshness_weight=0.3)
    sel.precomputed = sel.precompute(COVERS, NOW, 48.0)
    counts = sel.precomputed.counts
    if fresh:
        assert (counts < 0).mean() > 0.1  # not kept: too many can still win
    else:
        assert (counts < 0).mean() == 0.0
        assert np.median(counts[:, 0]) <= COVERS["article"] + MARGIN + 2
    assert counts.max() <= WIDTH == sel.precomputed.width
    rng = np.random.default_rng(5)
    for now in (NOW, NOW + 3600.0, NOW + 86400.0, NOW + 48 * 3600.0):
        for _ in range(40):
            anchor = int(rng.integers(0, 400))
            excluded = [int(r) for r in rng.choice(400, rng.integers(0, MARGIN + 1))]
            banned = np.array([anchor, *excluded], dtype=np.int64)
            answers_match(sel, [("article", 5), ("video", 3)], anchor, banned, now)
            answers_match(sel, [("article", 2), ("video", 0)], anchor, banned, now)


def test_the_few_are_read_instead_of_the_lists() -> None:
    """The precomputed path reads only its own arrays: with the lists' parts spoilt after the
    precomputation, a covered request still gets the answer of the intact lists, and a request
    it does not cover (a count above the default) reads the spoilt parts."""
    catalog = long_lists(200, 40, False, seed=9)
    sel = selector(catalog)
    anchor = 17
    banned = np.array([anchor])
    wants = [("article", 4), ("video", 2)]
    before = sel.select_pools(wants, anchor, np.zeros(0, dtype=np.int64), banned, NOW)
    sel.precomputed = sel.precompute(COVERS, NOW, 1.0)
    for pool in ("article", "video"):
        catalog.related[pool].parts[anchor] = np.float32(-5.0)
    assert sel.select_pools(wants, anchor, np.zeros(0, dtype=np.int64), banned, NOW) == before
    above = sel.select_pools([("article", 6)], anchor, np.zeros(0, dtype=np.int64), banned, NOW)
    assert all(s < -5 for s in above[0][1])
    sel.precomputed = None
    assert sel.select_pools(wants, anchor, np.zeros(0, dtype=np.int64), banned, NOW) != before
