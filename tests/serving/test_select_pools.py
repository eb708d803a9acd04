"""Both editorial sections scored in one pass (`Selector.select_pools`, issue #15) choose exactly
what `Selector.select` chooses for each pool: same rows, same float scores (rounded as an answer
shows them), bit for bit.

Differential, with Hypothesis drawing whole small catalogues in memory: lists with -1 pads and
repeated rows, near-duplicate groups, ties in relevance and in publication time, -0.0 parts,
items that expired before the request, blocked and boosted sections, histories and exclusions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.serving.freshness import Freshness
from recommender.serving.rendering import rounded
from recommender.serving.selection import Filters, Selector
from recommender.snapshot import PARTS, Neighbours, Related
from tests.conftest import make_settings

NOW = 1_795_000_000.0
SECTIONS = ("Nasional", "Ekonomi", "Olahraga")
RULES = """
[block]
sections = ["Ekonomi"]

[[boost]]
section = "Olahraga"
weight = 0.25
"""


@pytest.fixture(scope="module")
def rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


@st.composite
def catalogues(draw: st.DrawFn) -> Catalog:
    """A catalogue of 4-40 editorial items (and one sponsored), lists of K <= 12 per pool."""
    n = draw(st.integers(4, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kinds = rng.choice(["article", "video"], n, p=[0.7, 0.3])
    kinds[0], kinds[1] = "article", "video"  # both pools have members
    ages = rng.choice([0.0, 3600.0, 86400.0, 86400.0 * 30, -3600.0], n)  # ties; one ahead
    records: list[dict[str, Any]] = []
    for i in range(n):
        record: dict[str, Any] = {
            "id": f"it-{i}",
            "type": str(kinds[i]),
            "title": f"t{i}",
            "url": f"https://x.example/{i}",
            "section": SECTIONS[int(rng.integers(0, len(SECTIONS)))],
            "published_at": iso(NOW - float(ages[i])),
        }
        if rng.random() < 0.15:
            record["expires_at"] = iso(NOW + float(rng.choice([-60.0, 60.0])))
        records.append(record)
    records.append({"id": "sp-1", "type": "article", "title": "s", "url": "https://s.example/",
                    "published_at": iso(NOW), "sponsor": {"name": "S"}})  # fmt: skip
    total = len(records)
    pools = np.array([r.get("type") if not r.get("sponsor") else "sponsored" for r in records])
    k = draw(st.integers(1, 12))
    neighbours: dict[str, Neighbours] = {}
    related: dict[str, Related] = {}
    values = np.array([0.0, -0.0, 0.1, 0.25, 0.3333, 0.5, 0.9, 1.0], dtype=np.float32)
    for pool in ("article", "video"):
        members = np.flatnonzero(pools == pool)
        rows = rng.choice(members, (total, k)).astype(np.int32)  # repeats allowed
        rows[rng.random((total, k)) < 0.15] = -1  # pads (anywhere: a corrupt-looking list too)
        cosines = rng.choice([0.5, 0.8, 0.96, 0.99], (total, k)).astype(np.float32)
        neighbours[pool] = Neighbours(rows, cosines)
        parts = rng.choice(values, (total, k, len(PARTS)))
        related[pool] = Related(rows, parts.sum(axis=2), parts)
    vectors = rng.standard_normal((total, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Catalog("v1", {}, records, vectors, neighbours, related)


def selector_of(catalog: Catalog, overrides: dict[str, Any], rules_file: Path) -> Selector:
    """A selector of `catalog` with drawn ranking settings (`"rules": True`: `rules_file`)."""
    overrides = dict(overrides)
    if overrides.pop("rules", False):
        overrides["rules_file"] = rules_file
    cfg = make_settings(Path("unused"), **overrides)
    return Selector(catalog, cfg.ranking, cfg.build.dense_weight)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalogues(),
    st.sampled_from(
        [
            {},
            {"dedupe": False},
            {"freshness_half_life_hours": 0},
            {"duplicate_threshold": 0.97},
            {"rules": True},
        ]
    ),
    st.integers(0, 2**32 - 1),
)
def test_select_pools_matches_select_for_each_pool(
    rules_file: Path, catalog: Catalog, overrides: dict[str, Any], seed: int
) -> None:
    sel = selector_of(catalog, overrides, rules_file)
    assert sel.plain(Filters(), None, False)
    rng = np.random.default_rng(seed)
    editorial = np.flatnonzero(catalog.pools != catalog.pool_code("sponsored"))
    for _ in range(6):
        anchor = int(rng.choice(editorial))
        history = [int(r) for r in rng.choice(editorial, rng.integers(0, 4))]
        history = [r for r in dict.fromkeys(history) if r != anchor]
        excluded = [int(r) for r in rng.choice(editorial, rng.integers(0, 3))]
        banned = np.array([anchor, *history, *excluded], dtype=np.int64)
        hist = np.array(history, dtype=np.int64)
        wants = [("article", int(rng.integers(0, 8))), ("video", int(rng.integers(0, 5)))]
        if len(hist):
            anchors = np.array([anchor, *history], dtype=np.int64)
            weights = sel.anchor_weights(len(history))
            rows, parts, sizes = sel.merged_candidates(["article", "video"], anchors, weights)
            alone = [sel.candidates(p, anchors, weights) for p in ("article", "video")]
            assert sizes == [len(r) for r, _ in alone]
            assert rows.tolist() == [r for rs, _ in alone for r in rs.tolist()]
            assert parts.tobytes() == np.concatenate([c for _, c in alone], axis=1).tobytes()
        got = sel.select_pools(wants, anchor, hist, banned, NOW)
        for (pool, n), (rows, scores) in zip(wants, got, strict=True):
            want = sel.select(pool, anchor, hist, banned, n, Filters(), NOW)
            assert rows == want.rows.tolist(), (pool, anchor, history)
            assert [s.hex() for s in scores] == [s.hex() for s in rounded(want.scores.tolist())]


@settings(max_examples=10, deadline=None)
@given(catalogues())
def test_a_request_the_one_pass_cannot_take_goes_the_general_way(catalog: Catalog) -> None:
    """Filters, explain and MMR are `select`'s alone (pins and blended signals too)."""
    sel = Selector(catalog, make_settings(Path("unused")).ranking, 1.0)
    assert sel.plain(Filters(), None, False)
    assert not sel.plain(Filters(section="Nasional"), None, False)
    assert not sel.plain(Filters(max_age_days=2.0), None, False)
    assert not sel.plain(Filters(), None, True)
    mmr = make_settings(Path("unused"), mmr_lambda=0.5)
    assert not Selector(catalog, mmr.ranking, 1.0).plain(Filters(), None, False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues())
def test_the_engine_answers_the_same_through_either_path(catalog: Catalog) -> None:
    """Whole answers: the one pass (a plain request) against the per-section path (the same
    request with `explain`, its explanations taken out)."""
    rec = Recommender(catalog, make_settings(Path("unused")))
    first = catalog.records[0]["id"]
    for record in catalog.records[:-1]:
        plain = rec.request(record["id"], history=[first], articles=5, videos=3)
        explained = rec.request(record["id"], history=[first], articles=5, videos=3, explain=True)
        assert rec.recommend_json(plain, now=NOW) == _without_explain(
            rec.recommend_json(explained, now=NOW)
        )


def _without_explain(body: bytes) -> bytes:
    answer = orjson.loads(body)
    for section in answer["sections"]:
        for item in section["items"]:
            item.pop("explain", None)
    return orjson.dumps(answer)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(1.6e9, 1.9e9) | st.sampled_from([0.0, NOW, NOW + 1.0]), max_size=300),
    st.sampled_from([1.0, 24.0, 72.0, 1e-3]),
    st.sampled_from([0.15, 1.0, 0.0]),
)
def test_freshness_in_one_buffer_is_the_formula(
    published: list[float], half_life: float, weight: float
) -> None:
    """`Freshness.boost` (in place, issue #15) bit for bit against its formula written out."""
    times = np.array(published, dtype=np.float64)
    want = weight * np.exp2(-(np.maximum(NOW - times, 0.0) / 3600.0) / half_life)
    got = Freshness(half_life, weight).boost(times, NOW)
    assert got.tobytes() == want.tobytes()
