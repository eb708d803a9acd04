"""The sponsored pool: which items are live at a given time, and their vectors, kept between
requests for as long as the answer cannot change."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from recommender.serving.catalog import Catalog

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Live:
    """The live sponsored items over the time span [since, until)."""

    since: float
    until: float
    positions: Ints  # into catalog.sponsored_rows
    vectors: npt.NDArray[np.float32]  # their vectors, gathered once for the span


class SponsoredPool:
    """An item is live inside its campaign window and before it expires. That set only changes
    at those instants, so it (and the gather of its vectors) is computed once per span between
    two of them instead of once per request."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.expires = catalog.expires[catalog.sponsored_rows]
        instants = np.concatenate([catalog.campaign_start, catalog.campaign_end, self.expires])
        self.instants = sorted({float(t) for t in instants[np.isfinite(instants)]})
        self._live: Live | None = None

    def live(self, now: float) -> Live:
        current = self._live
        if current is not None and current.since <= now < current.until:
            return current
        cat = self.catalog
        mask = (cat.campaign_start <= now) & (now < cat.campaign_end) & (self.expires > now)
        positions = np.flatnonzero(mask)
        at = bisect.bisect_right(self.instants, now)  # instants[at - 1] <= now < instants[at]
        since = self.instants[at - 1] if at > 0 else -np.inf
        until = self.instants[at] if at < len(self.instants) else np.inf
        vectors = cat.vectors[cat.sponsored_rows[positions]]
        current = Live(since, until, positions, vectors)
        self._live = current
        return current
