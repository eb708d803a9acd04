"""The replay itself: impressions in time order, each scored by every configuration, popularity
and CTR fed only with impressions and clicks strictly before it; the MIND metrics per
configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.replay.ctr import RunningCtr
from recommender.replay.metrics import Averages, scorable
from recommender.replay.popularity import DecayedClicks

Floats = npt.NDArray[np.float64]
CONFIGURATIONS = ("content", "popularity", "blend")


@dataclass(frozen=True)
class Impression:
    """One logged impression: the items shown, which were clicked (1) or not (0), and each
    item's content relevance (to the page's article, or to the reader's history)."""

    at: float  # epoch seconds
    items: tuple[str, ...]
    labels: Floats
    content: Floats


@dataclass(frozen=True)
class Click:
    at: float
    item_id: str


@dataclass(frozen=True)
class Exposure:
    """One item shown once (clicked or not): what the CTR counts as examined."""

    at: float
    item_id: str


@dataclass(frozen=True)
class Weights:
    """The blend's weights and the shape of its signals (from the ranking settings)."""

    popularity: float
    half_life_hours: float
    ctr: float = 0.0
    ctr_prior_strength: float = 50.0


@dataclass
class Replay:
    """What a replay reports: metrics per configuration and what was left out, and why."""

    weights: Weights
    averages: dict[str, Averages] = field(
        default_factory=lambda: {name: Averages() for name in CONFIGURATIONS}
    )
    skipped: int = 0  # impressions without both a clicked and an unclicked item

    def as_dict(self) -> dict[str, Any]:
        return {
            "impressions": self.averages["content"].impressions,
            "skipped_impressions": self.skipped,
            "popularity_weight": self.weights.popularity,
            "popularity_half_life_hours": self.weights.half_life_hours,
            "ctr_weight": self.weights.ctr,
            "ctr_prior_strength": self.weights.ctr_prior_strength,
            "configurations": {name: a.means() for name, a in self.averages.items()},
        }


def scores_of(
    impression: Impression, popularity: Floats, ctr: Floats, weights: Weights
) -> dict[str, Floats]:
    """The scores of an impression's items under each configuration."""
    return {
        "content": impression.content,
        "popularity": popularity,
        "blend": impression.content + weights.popularity * popularity + weights.ctr * ctr,
    }


def replay(
    impressions: Sequence[Impression],
    clicks: Sequence[Click],
    weights: Weights,
    *,
    exposures: Sequence[Exposure] = (),
    sections: Mapping[str, str] | None = None,
) -> Replay:
    """Score every impression under each configuration (see the module doc). `exposures` are
    every shown item (of impressions with or without a click), `sections` each item's section
    (for the CTR's prior); without exposures every CTR score is 0."""
    result = Replay(weights)
    counts = DecayedClicks(weights.half_life_hours)
    ctr = RunningCtr(weights.ctr_prior_strength, sections or {})
    ordered_clicks = sorted(clicks, key=lambda c: c.at)
    ordered_shown = sorted(exposures, key=lambda e: e.at)
    fed = shown = 0
    for impression in sorted(impressions, key=lambda i: i.at):
        while fed < len(ordered_clicks) and ordered_clicks[fed].at < impression.at:
            counts.add(ordered_clicks[fed].item_id, ordered_clicks[fed].at)
            ctr.click(ordered_clicks[fed].item_id)
            fed += 1
        while shown < len(ordered_shown) and ordered_shown[shown].at < impression.at:
            ctr.show(ordered_shown[shown].item_id)
            shown += 1
        if not scorable(impression.labels):
            result.skipped += 1
            continue
        popularity = counts.relative(impression.items)
        ctr_scores = (
            ctr.scores(impression.items) if weights.ctr else np.zeros(len(impression.items))
        )
        for name, scores in scores_of(impression, popularity, ctr_scores, weights).items():
            result.averages[name].add(impression.labels, np.asarray(scores, dtype=np.float64))
    return result
