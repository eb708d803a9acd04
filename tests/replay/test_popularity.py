"""Leakage-free popularity: the incremental sums against the plain decay formula."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.replay.popularity import DecayedClicks
from recommender.replay.replay import Click, Impression, Weights, replay


def plain(clicks: list[tuple[float, str]], items: list[str], at: float, half: float) -> np.ndarray:
    """Decayed clicks strictly before `at` of every item, over the largest (the oracle)."""
    counts: dict[str, float] = {}
    for moment, item in clicks:
        if moment < at:
            counts[item] = counts.get(item, 0.0) + 0.5 ** ((at - moment) / (half * 3600))
    top = max(counts.values(), default=0.0)
    return np.array([counts.get(i, 0.0) / top if top else 0.0 for i in items])


@pytest.mark.parametrize("half_life", [0.01, 1.0, 6.0])  # 0.01 h: the origin moves many times
def test_relative_popularity_is_the_decay_formula(half_life: float) -> None:
    rng = np.random.default_rng(7)
    items = [f"n{i}" for i in range(8)]
    moments = np.sort(rng.uniform(0, 3 * 86400, 300))
    clicks = [(float(m), items[int(rng.integers(0, 8))]) for m in moments]
    counts = DecayedClicks(half_life)
    fed = 0
    for at in np.linspace(0, 3 * 86400 + 1, 40):
        while fed < len(clicks) and clicks[fed][0] < at:
            counts.add(clicks[fed][1], clicks[fed][0])
            fed += 1
        expected = plain(clicks, items, float(at), half_life)
        assert counts.relative(items) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_no_clicks_yet_is_zero_and_a_bad_half_life_is_refused() -> None:
    assert DecayedClicks(6).relative(["a", "b"]).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError):
        DecayedClicks(0)


def test_an_impression_never_sees_its_own_clicks_or_later_ones() -> None:
    labels = np.array([0.0, 1.0])
    content = np.array([1.0, 0.0])  # content prefers the unclicked item
    impressions = [Impression(float(t), ("a", "b"), labels, content) for t in (10, 20, 30)]
    clicks = [Click(10.0, "b"), Click(20.0, "b"), Click(30.0, "b")]
    result = replay(impressions, clicks, Weights(0.0, 6)).as_dict()
    by_config = result["configurations"]
    # The first impression knows no click (its own is at the same moment): AUC 0.5; the two
    # later ones know earlier clicks on "b": AUC 1.
    assert by_config["popularity"]["auc"] == pytest.approx((0.5 + 1 + 1) / 3, abs=1e-4)
    assert by_config["content"]["auc"] == 0.0
    assert by_config["blend"] == by_config["content"]  # weight 0: the blend is content
    heavy = replay(impressions, clicks, Weights(5.0, 6)).as_dict()
    assert heavy["configurations"]["blend"]["auc"] == pytest.approx((0 + 1 + 1) / 3, abs=1e-4)
