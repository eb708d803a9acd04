"""The replay itself: impressions in time order, each scored by every configuration, popularity
fed only with clicks strictly before the impression; the MIND metrics per configuration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

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


@dataclass
class Replay:
    """What a replay reports: metrics per configuration and what was left out, and why."""

    popularity_weight: float
    half_life_hours: float
    averages: dict[str, Averages] = field(
        default_factory=lambda: {name: Averages() for name in CONFIGURATIONS}
    )
    skipped: int = 0  # impressions without both a clicked and an unclicked item

    def as_dict(self) -> dict[str, Any]:
        return {
            "impressions": self.averages["content"].impressions,
            "skipped_impressions": self.skipped,
            "popularity_weight": self.popularity_weight,
            "popularity_half_life_hours": self.half_life_hours,
            "configurations": {name: a.means() for name, a in self.averages.items()},
        }


def scores_of(impression: Impression, popularity: Floats, weight: float) -> dict[str, Floats]:
    """The scores of an impression's items under each configuration."""
    return {
        "content": impression.content,
        "popularity": popularity,
        "blend": impression.content + weight * popularity,
    }


def replay(
    impressions: Sequence[Impression],
    clicks: Sequence[Click],
    *,
    popularity_weight: float,
    half_life_hours: float,
) -> Replay:
    """Score every impression under each configuration (see the module doc)."""
    result = Replay(popularity_weight, half_life_hours)
    counts = DecayedClicks(half_life_hours)
    ordered_clicks = sorted(clicks, key=lambda c: c.at)
    fed = 0
    for impression in sorted(impressions, key=lambda i: i.at):
        while fed < len(ordered_clicks) and ordered_clicks[fed].at < impression.at:
            counts.add(ordered_clicks[fed].item_id, ordered_clicks[fed].at)
            fed += 1
        if not scorable(impression.labels):
            result.skipped += 1
            continue
        popularity = counts.relative(impression.items)
        for name, scores in scores_of(impression, popularity, popularity_weight).items():
            result.averages[name].add(impression.labels, np.asarray(scores, dtype=np.float64))
    return result
