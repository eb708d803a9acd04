"""Regression-EM (recommender.signals.propensity) on synthetic logs drawn from a known
position-based click model: the estimated examination curve is within 10 % of the truth."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.signals.propensity import estimate_propensities, fit_position_model

CURVES = {
    "power": 1.0 / (np.arange(8) + 1.0) ** 0.8,
    "steep": 1.0 / (np.arange(6) + 1.0) ** 1.5,
    "flat-then-drop": np.array([1.0, 0.95, 0.9, 0.6, 0.4, 0.3]),
}


def synthetic_log(
    truth: np.ndarray, items: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Impressions of each item at each position (as varied rankings give), and clicks drawn
    with P(click) = truth[position] * relevance[item]."""
    rng = np.random.default_rng(seed)
    relevance = rng.uniform(0.02, 0.6, items)
    impressions = rng.integers(20, 300, (items, len(truth)))
    clicks = rng.binomial(impressions, truth[None, :] * relevance[:, None])
    return impressions, clicks, relevance


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_estimates_the_true_curve_within_10_percent(name: str, seed: int) -> None:
    truth = CURVES[name]
    impressions, clicks, _ = synthetic_log(truth, items=300, seed=seed)
    estimate = estimate_propensities(impressions, clicks)
    relative = truth / truth[0]
    assert estimate[0] == 1.0
    assert np.abs(estimate / relative - 1).max() < 0.10, (estimate, relative)


def test_raw_ctr_per_position_is_not_the_answer() -> None:
    """The log's own CTR per slot mixes examination with which items were shown there: when good
    items are shown high, raw CTR overstates the drop; EM does not."""
    truth = CURVES["power"]
    rng = np.random.default_rng(7)
    relevance = np.sort(rng.uniform(0.02, 0.6, 200))[::-1]
    # Better items mostly at the top (as a real ranking does), with some exploration.
    impressions = np.zeros((200, len(truth)), dtype=np.int64)
    for i in range(200):
        favoured = int(i * len(truth) / 200)
        impressions[i] = rng.integers(5, 30, len(truth))
        impressions[i, favoured] += 400
    clicks = rng.binomial(impressions, truth[None, :] * relevance[:, None])
    raw = clicks.sum(axis=0) / impressions.sum(axis=0)
    raw = raw / raw[0]
    estimate = estimate_propensities(impressions, clicks)
    relative = truth / truth[0]
    assert np.abs(raw / relative - 1).max() > 0.25  # the naive estimate is far off
    assert np.abs(estimate / relative - 1).max() < 0.10


def test_relevance_is_recovered_too() -> None:
    truth = CURVES["steep"]
    impressions, clicks, relevance = synthetic_log(truth, items=100, seed=11)
    _theta, gamma = fit_position_model(impressions, clicks)
    # theta * gamma is identified; the order of items by relevance is what ranking uses.
    assert np.corrcoef(gamma, relevance)[0, 1] > 0.95


def test_degenerate_input() -> None:
    assert estimate_propensities(np.zeros((3, 4)), np.zeros((3, 4))).tolist() == [1.0] * 4
    with pytest.raises(ValueError, match="between 0 and impressions"):
        estimate_propensities([[1, 2]], [[2, 0]])
    with pytest.raises(ValueError, match="one shape"):
        estimate_propensities([[1, 2]], [[1]])
