"""Leakage-free CTR score for replays: the signals job's Beta-prior CTR score (docs/ranking.md,
"Debiased CTR with a Beta prior") as of a moment, from impressions and clicks strictly before it.

With `m` the prior strength, the site's mean `mu = C / E`, a section's prior mean
`mu_s = (C_s + m mu) / (E_s + m)` and an item's `ctr_i = (c_i + m mu_s) / (e_i + m)`, the score is
`ctr_i / (ctr_i + mu_s) - 0.5` (-0.5..0.5): 0 for an item never shown yet and for one at its
section's average, below 0 for one shown often and rarely clicked. Every term is a running sum
(per item, per section, site-wide), so feeding an event and reading a score are O(1). As in the
signals job, an item's clicks count up to its impressions (`min(c_i, n_i)`): a click without a
counted impression carries no examination.

Each shown item counts as one examination, whatever its position (no position debiasing; why:
docs/experiments.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


class RunningCtr:
    """Shown and clicked counts fed in time order (`show`, `click`), read with `scores`."""

    def __init__(self, prior_strength: float, sections: Mapping[str, str]) -> None:
        if prior_strength <= 0:
            raise ValueError("the CTR prior strength must be positive")
        self.strength = prior_strength
        self.sections = sections  # item id -> section; items of no known section share ''
        self.item: dict[str, list[float]] = {}  # item id -> [clicks, shown]
        self.counted: dict[str, float] = {}  # item id -> min(clicks, shown)
        self.section: dict[str, list[float]] = {}  # section -> [counted clicks, shown]
        self.site = [0.0, 0.0]

    def _add(self, item_id: str, part: int) -> None:
        counts = self.item.setdefault(item_id, [0.0, 0.0])  # [clicks, shown], raw
        before = min(counts)
        counts[part] += 1.0
        gained = min(counts) - before  # 1 when this event adds a counted click
        section = self.section.setdefault(self.sections.get(item_id, ""), [0.0, 0.0])
        for acc in (section, self.site):
            acc[0] += gained
            acc[1] += part  # shown
        self.counted[item_id] = before + gained

    def show(self, item_id: str) -> None:
        """One impression of `item_id` (one examination)."""
        self._add(item_id, 1)

    def click(self, item_id: str) -> None:
        """One click on `item_id`."""
        self._add(item_id, 0)

    def score(self, item_id: str) -> float:
        """The item's CTR score now (see the module doc)."""
        clicks, shown = self.site
        mu = clicks / shown if shown > 0 else 0.0
        m = self.strength
        section_clicks, section_shown = self.section.get(self.sections.get(item_id, ""), (0, 0))
        mu_s = (section_clicks + m * mu) / (section_shown + m)
        item_shown = self.item[item_id][1] if item_id in self.item else 0.0
        ctr = (self.counted.get(item_id, 0.0) + m * mu_s) / (item_shown + m)
        return ctr / (ctr + mu_s) - 0.5 if ctr + mu_s > 0 else 0.0

    def scores(self, item_ids: Sequence[str]) -> Floats:
        return np.array([self.score(i) for i in item_ids], dtype=np.float64)
