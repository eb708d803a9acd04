"""The signals of the event log, aligned to a loaded catalog's rows for request-time ranking.

Built once per (snapshot, signals file) by the service runtime; a request only indexes arrays.
Parts and scales (docs/ranking.md#signals): popularity 0..1 (site-wide), CTR score -0.5..0.5
(0 = the item's section average, and any item the log has not seen), co-reading 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from recommender.serving.catalog import Catalog
from recommender.signals.file import Signals

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
SIGNAL_PARTS = ("popularity", "ctr", "coread")


@dataclass(frozen=True)
class Blend:
    """Per-row signal values of one catalog (rows the log never saw hold 0)."""

    version: str  # the signals file's version
    created: float  # epoch seconds the signals were computed at
    popularity: Floats
    ctr: Floats
    clicks: Floats  # decayed clicks over the popular window
    popular_rows: Ints  # rows by decayed clicks, most first (clicked items only)
    coread: dict[int, tuple[Ints, Floats]]  # row -> (co-read rows ascending, their scores)

    @classmethod
    def of(cls, signals: Signals, catalog: Catalog) -> Blend:
        size = len(catalog.records)
        popularity, ctr, clicks = np.zeros(size), np.zeros(size), np.zeros(size)
        row_of = catalog.row_of
        for item_id, s in signals.items.items():
            row = row_of.get(item_id)
            if row is not None:
                popularity[row], ctr[row], clicks[row] = s.popularity, s.ctr_score, s.clicks
        popular = np.array([row_of[i] for i in signals.popular if i in row_of], dtype=np.int64)
        coread: dict[int, tuple[Ints, Floats]] = {}
        for item_id, pairs in signals.coread.items():
            row = row_of.get(item_id)
            known = [(row_of[i], s) for i, s in pairs if i in row_of]
            if row is None or not known:
                continue
            known.sort()
            coread[row] = (
                np.array([r for r, _ in known], dtype=np.int64),
                np.array([s for _, s in known], dtype=np.float64),
            )
        for array in (popularity, ctr, clicks, popular):
            array.flags.writeable = False
        return cls(signals.version, signals.created(), popularity, ctr, clicks, popular, coread)

    def coread_with(self, anchors: Ints, weights: Floats, rows: Ints) -> Floats:
        """Co-reading of each of `rows` with the anchors: their weighted mean (an anchor
        without co-read items, or a row absent from an anchor's list, counts 0)."""
        out = np.zeros(len(rows))
        for anchor, weight in zip(anchors.tolist(), weights.tolist(), strict=True):
            found = self.coread.get(anchor)
            if found is None or not len(rows):
                continue
            neighbours, scores = found
            at = np.minimum(np.searchsorted(neighbours, rows), len(neighbours) - 1)
            hit = neighbours[at] == rows
            out[hit] += weight * scores[at[hit]]
        total = float(weights.sum())
        return out / total if total > 0 else out

    def parts(self, rows: Ints, anchors: Ints, weights: Floats) -> Floats:
        """(3, len(rows)): popularity, CTR score and co-reading of each row (-1 pads give 0)."""
        safe = np.maximum(rows, 0)
        valid = rows >= 0
        return np.stack(
            [
                np.where(valid, self.popularity[safe], 0.0),
                np.where(valid, self.ctr[safe], 0.0),
                np.where(valid, self.coread_with(anchors, weights, rows), 0.0),
            ]
        )
