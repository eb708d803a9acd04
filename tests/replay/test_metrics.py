"""MIND's metrics: AUC against scikit-learn, MRR and nDCG against cases worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from recommender.replay.metrics import (
    Averages,
    auc_score,
    impression_metrics,
    mrr_score,
    ndcg_score,
    scorable,
)


def arrays(labels: list[int], scores: list[float]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(labels, dtype=np.float64), np.array(scores, dtype=np.float64)


@pytest.mark.parametrize("seed", range(40))
def test_auc_is_scikit_learns(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 60))
    labels = rng.integers(0, 2, size).astype(np.float64)
    labels[0], labels[1] = 1.0, 0.0  # both classes present
    # Rounded scores: many ties, which count one half in both.
    scores = np.round(rng.normal(size=size), int(rng.integers(0, 3)))
    assert auc_score(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_auc_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="clicked and one unclicked"):
        auc_score(*arrays([1, 1], [0.3, 0.2]))
    assert not scorable(np.array([1.0, 1.0])) and not scorable(np.array([0.0, 0.0]))
    assert scorable(np.array([0.0, 1.0]))


def test_a_case_worked_out_by_hand() -> None:
    # Ranked by score: item 0 (not clicked), 1 (clicked), 2 (not), 3 (clicked).
    labels, scores = arrays([0, 1, 0, 1], [0.9, 0.8, 0.7, 0.1])
    assert mrr_score(labels, scores) == pytest.approx((1 / 2 + 1 / 4) / 2)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)  # clicked at ranks 2 and 4
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_score(labels, scores, 5) == pytest.approx(dcg / ideal)
    # Within the top 2 only the rank-2 click counts.
    assert ndcg_score(labels, scores, 2) == pytest.approx((1 / math.log2(3)) / ideal)
    # Pairs (clicked, unclicked) in the right order: (1, 2) only, of four.
    assert auc_score(labels, scores) == pytest.approx(1 / 4)


def test_a_perfect_ranking_scores_one_and_a_reversed_one_does_not() -> None:
    labels, scores = arrays([1, 0, 0, 0, 0, 0], [6, 5, 4, 3, 2, 1])
    assert impression_metrics(labels, scores) == {
        "auc": 1.0,
        "mrr": 1.0,
        "ndcg@5": 1.0,
        "ndcg@10": 1.0,
    }
    worst = impression_metrics(labels, -scores)
    assert worst["auc"] == 0.0
    assert worst["mrr"] == pytest.approx(1 / 6)
    assert worst["ndcg@5"] == 0.0  # the click is 6th: outside the top 5
    assert worst["ndcg@10"] == pytest.approx(1 / math.log2(7))


def test_metrics_are_averaged_per_impression() -> None:
    averages = Averages()
    averages.add(*arrays([1, 0], [1.0, 0.0]))  # AUC 1
    averages.add(*arrays([1, 0, 0, 0], [0.0, 1.0, 2.0, 3.0]))  # AUC 0, the click 4th
    means = averages.means()
    assert averages.impressions == 2
    assert means["auc"] == 0.5
    assert means["mrr"] == pytest.approx((1 + 1 / 4) / 2, abs=1e-4)
    assert Averages().means() == dict.fromkeys(("auc", "mrr", "ndcg@5", "ndcg@10"))
