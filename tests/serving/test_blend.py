"""The signals blend at request time (recommender.serving.blend, selection, engine): weight 0 is
today's ranking byte for byte; weights add visible parts; rules still win; sponsored items are
ordered among themselves only; "terpopuler" obeys its exclusions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.snapshots import SnapshotStore
from recommender.serving.blend import Blend
from recommender.serving.catalog import Catalog
from recommender.serving.engine import POPULAR_KEY, SPONSORED_KEY, Recommender
from recommender.serving.selection import Filters
from recommender.signals.file import ItemSignals, Signals
from tests.conftest import make_settings

NOW = 1_795_000_000.0  # 2026-11-18, inside the fixture corpus' dates


@pytest.fixture(scope="module")
def catalog(built_dir: Path) -> Catalog:
    store = SnapshotStore(built_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    return Catalog.load(store.path(version))


def random_signals(catalog: Catalog, seed: int) -> Signals:
    """Signals for every item, drawn at random (the log's values do not matter here)."""
    rng = np.random.default_rng(seed)
    ids = [r["id"] for r in catalog.records]
    items = {
        i: ItemSignals(
            section=str(catalog.records[n].get("section") or "").casefold(),
            clicks=float(rng.uniform(0, 50)),
            impressions=float(rng.uniform(50, 500)),
            popularity=float(rng.uniform(0, 1)),
            section_popularity=float(rng.uniform(0, 1)),
            ctr=float(rng.uniform(0, 0.2)),
            ctr_score=float(rng.uniform(-0.5, 0.5)),
        )
        for n, i in enumerate(ids)
    }
    coread = {
        i: [(j, float(rng.uniform(0, 1))) for j in rng.choice(ids, 5, replace=False) if j != i]
        for i in ids
    }
    popular = sorted(ids, key=lambda i: -items[i].clicks)
    return Signals(
        "sig-1",
        "2026-11-18T00:00:00+00:00",
        catalog.version,
        {},
        6.0,
        {},
        {},
        {},
        items,
        coread,
        popular,
    )


def engine(catalog: Catalog, signals: Signals | None, **settings: Any) -> Recommender:
    rec = Recommender(catalog, make_settings(Path("unused"), **settings))
    return rec.with_blend(Blend.of(signals, catalog) if signals else None)


WEIGHTS_0 = {"popularity_weight": 0.0, "ctr_weight": 0.0, "coread_weight": 0.0}
REQUESTS: list[dict[str, Any]] = [
    {},
    {"explain": True},
    {"history": ("timnas-1", "beras-2"), "explain": True},
    {"exclude": ("banjir-2",), "articles": 10, "videos": 3},
    {"filters": Filters(section="Nasional"), "articles": 8},
    {"filters": Filters(max_age_days=5.0), "sponsored": 2},
]


@pytest.mark.parametrize("seed", [1, 2])
def test_weight_zero_is_the_text_only_ranking_exactly(catalog: Catalog, seed: int) -> None:
    signals = random_signals(catalog, seed)
    plain = engine(catalog, None)
    zero = engine(catalog, signals, **WEIGHTS_0)  # signals loaded, every weight 0
    for article in [r["id"] for r in catalog.records if r.get("type") != "video"][:25]:
        for options in REQUESTS:
            a = plain.recommend_json(plain.request(article, **options), now=NOW)
            b = zero.recommend_json(zero.request(article, **options), now=NOW)
            assert a == b, (article, options)


def test_weights_add_their_parts(catalog: Catalog) -> None:
    signals = random_signals(catalog, 3)
    rec = engine(
        catalog, signals, popularity_weight=0.7, ctr_weight=0.2, coread_weight=0.4, dedupe=False
    )
    blend = rec.blend
    assert blend is not None
    body = rec.recommend(rec.request("banjir-1", articles=8, explain=True), now=NOW)
    items = body["sections"][0]["items"]
    assert items
    for item in items:
        e = item["explain"]
        row = catalog.row_of[item["id"]]
        assert e["popularity"] == pytest.approx(0.7 * blend.popularity[row], abs=1e-4)
        assert e["ctr"] == pytest.approx(0.2 * blend.ctr[row], abs=1e-4)
        assert 0 <= e["coread"] <= 0.4
        total = sum(v for k, v in e.items() if k != "pinned")
        assert total == pytest.approx(item["score"], abs=1e-3)
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)


def test_popularity_can_reorder_but_rules_still_win(catalog: Catalog, tmp_path: Path) -> None:
    plain = engine(catalog, None)
    text = [
        i["id"] for i in plain.recommend(plain.request("banjir-1"), now=NOW)["sections"][0]["items"]
    ]
    signals = random_signals(catalog, 4)
    last = text[-1]
    boosted = {**signals.items, last: ItemSignals("x", 99, 99, 1.0, 1.0, 0.5, 0.49)}
    others = {
        k: ItemSignals(v.section, 0, 0, 0.0, 0.0, 0.0, 0.0) for k, v in boosted.items() if k != last
    }
    lifted = Signals(**{**signals.__dict__, "items": {**others, last: boosted[last]}, "coread": {}})
    rec = engine(catalog, lifted, popularity_weight=5.0)
    order = [
        i["id"] for i in rec.recommend(rec.request("banjir-1"), now=NOW)["sections"][0]["items"]
    ]
    assert order[0] == last and order != text
    rules = tmp_path / "rules.toml"
    rules.write_text(
        f'[[pin]]\nitem = "{text[1]}"\nposition = 1\n\n[block]\nitems = ["{text[2]}"]\n', "utf-8"
    )
    ruled = engine(catalog, lifted, popularity_weight=5.0, rules_file=rules)
    items = ruled.recommend(ruled.request("banjir-1", explain=True), now=NOW)["sections"][0][
        "items"
    ]
    assert items[0]["id"] == text[1] and items[0]["explain"]["pinned"]
    assert items[1]["id"] == last
    assert text[2] not in [i["id"] for i in items]


def test_sponsored_are_ordered_by_ctr_among_themselves(catalog: Catalog) -> None:
    signals = random_signals(catalog, 5)
    plain = engine(catalog, None)
    base = plain.recommend(plain.request("beras-1", sponsored=3), now=NOW)
    before = [i["id"] for s in base["sections"] if s["key"] == SPONSORED_KEY for i in s["items"]]
    assert len(before) >= 2
    favourite = before[-1]
    items = {k: ItemSignals(v.section, 0, 0, 0, 0, 0, -0.4) for k, v in signals.items.items()}
    items[favourite] = ItemSignals("x", 1, 1, 0, 0, 0.3, 0.45)
    rec = engine(catalog, Signals(**{**signals.__dict__, "items": items}), ctr_weight=2.0)
    body = rec.recommend(rec.request("beras-1", sponsored=3, explain=True), now=NOW)
    sponsored = next(s for s in body["sections"] if s["key"] == SPONSORED_KEY)["items"]
    assert sponsored[0]["id"] == favourite
    assert sorted(i["id"] for i in sponsored) == sorted(before)  # the same items, reordered
    assert sponsored[0]["explain"]["ctr"] == pytest.approx(0.9)
    editorial = {i["id"] for s in body["sections"] if s["key"] != SPONSORED_KEY for i in s["items"]}
    assert not editorial & {i["id"] for i in sponsored}


def test_terpopuler(catalog: Catalog) -> None:
    signals = random_signals(catalog, 6)
    rec = engine(catalog, signals)  # "terpopuler" needs signals, not weights

    def popular(article: str, **options: Any) -> list[dict[str, Any]]:
        body = rec.recommend(rec.request(article, **options), now=NOW)
        return next(s for s in body["sections"] if s["key"] == POPULAR_KEY)["items"]

    site = popular("banjir-1", popular=50)
    ids = [i["id"] for i in site]
    expected = [
        i
        for i in signals.popular
        if i != "banjir-1"
        and catalog.records[catalog.row_of[i]].get("sponsor") is None
        and catalog.expires[catalog.row_of[i]] > NOW
    ]
    assert ids == expected
    assert [i["id"] for i in popular("banjir-1", popular=3)] == expected[:3]
    history = popular("banjir-1", popular=50, history=(expected[0],), exclude=(expected[1],))
    assert expected[0] not in [i["id"] for i in history] and expected[1] not in [
        i["id"] for i in history
    ]
    section = popular("timnas-1", popular=50, popular_scope="section")
    assert section and all(i["section"] == "Olahraga" for i in section)
    without = engine(catalog, None)
    keys = [s["key"] for s in without.recommend(without.request("banjir-1"), now=NOW)["sections"]]
    assert POPULAR_KEY not in keys  # only asked for
    body = orjson.loads(rec.recommend_json(rec.request("banjir-1", popular=2), now=NOW))
    assert body == rec.recommend(rec.request("banjir-1", popular=2), now=NOW)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    anchors=st.integers(1, 6),
    weights=st.tuples(*[st.sampled_from([0.0, 0.05, 0.3, 2.0])] * 3),
)
def test_the_gain_shortcut_is_the_sum_of_the_parts(
    catalog: Catalog, seed: int, anchors: int, weights: tuple[float, float, float]
) -> None:
    """`Blend.gain` (one gather of a per-weights sum, co-reading only where an anchor has it) is
    what `Blend.parts` computes part by part, for any rows, anchors and weights."""
    signals = random_signals(catalog, seed)
    blend = Blend.of(signals, catalog)
    rng = np.random.default_rng(seed)
    size = len(catalog.records)
    rows = rng.choice(size, int(rng.integers(1, size)), replace=False).astype(np.int64)
    anchor_rows = rng.choice(size, anchors, replace=False).astype(np.int64)
    anchor_weights = rng.uniform(0.1, 1.0, anchors)
    signal_weights = np.array(weights)
    gain = blend.gain(rows, anchor_rows, anchor_weights, signal_weights)
    parts = blend.parts(rows, anchor_rows, anchor_weights, signal_weights)
    np.testing.assert_allclose(gain, parts.sum(axis=1), rtol=1e-12, atol=1e-12)
