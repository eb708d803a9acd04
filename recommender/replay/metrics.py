"""The MIND benchmark's per-impression metrics (AUC, MRR, nDCG@k), in numpy.

Definitions as MIND's `evaluate.py` (msnews.github.io): within one impression, `labels` are 1 for
a clicked item and 0 for a shown-but-not-clicked one, `scores` the ranking's scores of the same
items. Each metric is computed per impression, then averaged over impressions (`Averages`).

- AUC: the probability that a clicked item outscores an unclicked one, ties counting one half
  (`sklearn.metrics.roc_auc_score`);
- MRR: the mean of 1/rank over the clicked items (`sum(labels / rank) / sum(labels)`);
- nDCG@k: DCG of the top k by score over DCG of the top k by label, gains `2**label - 1`,
  discounts `log2(rank + 1)`.

Ranks are MIND's `np.argsort(scores)[::-1]`, the same tie order as the reference code.
An impression needs at least one clicked and one unclicked item (AUC is undefined otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
METRICS = ("auc", "mrr", "ndcg@5", "ndcg@10")


def _order(scores: Floats) -> npt.NDArray[np.intp]:
    return np.argsort(scores)[::-1]


def auc_score(labels: Floats, scores: Floats) -> float:
    """Area under the ROC curve: pairs (clicked, unclicked) ordered right, ties one half."""
    positive = scores[labels > 0]
    negative = scores[labels <= 0]
    if len(positive) == 0 or len(negative) == 0:
        raise ValueError("AUC needs at least one clicked and one unclicked item")
    above = (positive[:, None] > negative[None, :]).sum()
    tied = (positive[:, None] == negative[None, :]).sum()
    return float((above + 0.5 * tied) / (len(positive) * len(negative)))


def mrr_score(labels: Floats, scores: Floats) -> float:
    ranked = labels[_order(scores)]
    return float(np.sum(ranked / (np.arange(len(ranked)) + 1)) / np.sum(ranked))


def dcg_score(labels: Floats, scores: Floats, k: int) -> float:
    ranked = labels[_order(scores)[:k]]
    gains = 2.0**ranked - 1
    discounts = np.log2(np.arange(len(ranked)) + 2)
    return float(np.sum(gains / discounts))


def ndcg_score(labels: Floats, scores: Floats, k: int) -> float:
    return dcg_score(labels, scores, k) / dcg_score(labels, labels, k)


def impression_metrics(labels: Floats, scores: Floats) -> dict[str, float]:
    """The four metrics of one impression."""
    return {
        "auc": auc_score(labels, scores),
        "mrr": mrr_score(labels, scores),
        "ndcg@5": ndcg_score(labels, scores, 5),
        "ndcg@10": ndcg_score(labels, scores, 10),
    }


def scorable(labels: Floats) -> bool:
    """Whether an impression has both a clicked and an unclicked item."""
    clicked = int(np.count_nonzero(labels > 0))
    return 0 < clicked < len(labels)


@dataclass
class Averages:
    """Running sums of the metrics over impressions; `means` averages them (MIND's way)."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    impressions: int = 0

    def add(self, labels: Floats, scores: Floats) -> None:
        for name, value in impression_metrics(labels, scores).items():
            self.sums[name] += value
        self.impressions += 1

    def means(self) -> dict[str, float | None]:
        if not self.impressions:
            return dict.fromkeys(METRICS)
        return {name: round(total / self.impressions, 4) for name, total in self.sums.items()}
