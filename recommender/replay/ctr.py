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
        self.shown: dict[str, int] = {}  # per item
        self.clicked: dict[str, int] = {}  # per item, raw
        self.section_shown: dict[str, int] = {}
        self.section_clicks: dict[str, int] = {}  # counted: min(clicks, shown) per item, summed
        self.site_shown = 0
        self.site_clicks = 0  # counted

    def _counted_click(self, item_id: str) -> None:
        section = self.sections.get(item_id, "")
        self.section_clicks[section] = self.section_clicks.get(section, 0) + 1
        self.site_clicks += 1

    def show(self, item_id: str) -> None:
        """One impression of `item_id` (one examination)."""
        shown = self.shown[item_id] = self.shown.get(item_id, 0) + 1
        section = self.sections.get(item_id, "")
        self.section_shown[section] = self.section_shown.get(section, 0) + 1
        self.site_shown += 1
        if self.clicked.get(item_id, 0) >= shown:  # an earlier click now has its impression
            self._counted_click(item_id)

    def click(self, item_id: str) -> None:
        """One click on `item_id`."""
        clicked = self.clicked[item_id] = self.clicked.get(item_id, 0) + 1
        if clicked <= self.shown.get(item_id, 0):
            self._counted_click(item_id)

    def score(self, item_id: str) -> float:
        """The item's CTR score now (see the module doc)."""
        return float(self.scores([item_id])[0])

    def scores(self, item_ids: Sequence[str]) -> Floats:
        """The CTR score of each item now (see the module doc)."""
        m = self.strength
        mu = self.site_clicks / self.site_shown if self.site_shown else 0.0
        out = np.zeros(len(item_ids), dtype=np.float64)
        for n, item_id in enumerate(item_ids):
            section = self.sections.get(item_id, "")
            mu_s = (self.section_clicks.get(section, 0) + m * mu) / (
                self.section_shown.get(section, 0) + m
            )
            shown = self.shown.get(item_id, 0)
            clicks = min(self.clicked.get(item_id, 0), shown)
            ctr = (clicks + m * mu_s) / (shown + m)
            if ctr + mu_s > 0:
                out[n] = ctr / (ctr + mu_s) - 0.5
        return out
