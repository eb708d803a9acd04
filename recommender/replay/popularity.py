"""Leakage-free popularity for replays: time-decayed click counts as of a moment, from clicks
strictly before it (a replayed impression never sees its own clicks or later ones).

A click at time `c` weighs `2 ** -((t - c) / half_life)` at time `t`. Rather than decaying every
item's count at each step, each click adds `2 ** ((c - origin) / half_life)` to its item's sum:
the decayed count at `t` is that sum times `2 ** -((t - origin) / half_life)`, a factor shared by
all items. So an item's popularity relative to the most popular item (what the replay scores
with, in [0, 1]) is its sum over the largest sum, whatever `t` is. The origin moves forward when
the exponents grow large, so months of clicks never overflow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
REBASE_HALF_LIVES = 500.0  # 2**500 is far from float64's limit (2**1023)


class DecayedClicks:
    """Decayed click counts per item, fed in time order (`add`), read with `relative`."""

    def __init__(self, half_life_hours: float) -> None:
        if half_life_hours <= 0:
            raise ValueError("the popularity half-life must be positive")
        self.half_life = half_life_hours * 3600.0
        self.origin: float | None = None
        self.sums: dict[str, float] = {}
        self.top = 0.0

    def add(self, item_id: str, at: float) -> None:
        """One click on `item_id` at `at` (epoch seconds), not earlier than the previous one."""
        if self.origin is None:
            self.origin = at
        exponent = (at - self.origin) / self.half_life
        if exponent > REBASE_HALF_LIVES:
            shrink = 2.0**-exponent
            self.sums = {k: v * shrink for k, v in self.sums.items()}
            self.top *= shrink
            self.origin, exponent = at, 0.0
        value = self.sums.get(item_id, 0.0) + 2.0**exponent
        self.sums[item_id] = value
        self.top = max(self.top, value)

    def relative(self, item_ids: Sequence[str]) -> Floats:
        """Each item's decayed clicks over the most clicked item's, now (0 with no clicks yet)."""
        if self.top <= 0:
            return np.zeros(len(item_ids))
        return np.array([self.sums.get(i, 0.0) / self.top for i in item_ids], dtype=np.float64)
