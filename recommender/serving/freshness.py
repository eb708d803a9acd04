"""The freshness term of an editorial score: a bonus that halves every half-life of an item's age."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class Freshness:
    """`score = relevance + weight * 0.5 ** (age_hours / half_life_hours)`; off when half-life is 0."""

    half_life_hours: float
    weight: float

    @property
    def enabled(self) -> bool:
        return self.half_life_hours > 0 and self.weight > 0

    def boost(self, published: Floats, now: float) -> Floats:
        if not self.enabled:
            return np.zeros_like(published)
        # weight * exp2(-(max(now - published, 0) / 3600) / half_life), step by step in one
        # buffer: the same operations in the same order as the formula, no temporaries.
        boost = np.subtract(now, published, dtype=np.float64)
        np.maximum(boost, 0.0, out=boost)
        boost /= SECONDS_PER_HOUR
        np.negative(boost, out=boost)
        boost /= self.half_life_hours
        np.exp2(boost, out=boost)
        boost *= self.weight
        return boost
