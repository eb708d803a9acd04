"""The signals of the event log, aligned to a loaded catalog's rows for request-time ranking.

Built once per (snapshot, signals file) by the service runtime; a request only indexes arrays.
Parts and scales (docs/ranking.md#signals): popularity 0..1 (site-wide), CTR score -0.5..0.5
(0 = the item's section average, and any item the log has not seen), co-reading 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # weights (popularity, CTR) -> their weighted sum per row, made once per weights
    _static: dict[tuple[float, float], Floats] = field(default_factory=dict, compare=False)

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

    def coread_with(self, anchors: Ints, weights: Floats, rows: Ints) -> Floats | None:
        """Co-reading of each of `rows` with the anchors: their weighted mean (an anchor
        without co-read items, or a row absent from an anchor's list, counts 0); None when no
        anchor has any co-read item (most requests: nothing to add)."""
        out = None
        for anchor, weight in zip(anchors.tolist(), weights.tolist(), strict=True):
            found = self.coread.get(anchor)
            if found is None:
                continue
            neighbours, scores = found
            at = neighbours.searchsorted(rows)
            np.minimum(at, len(neighbours) - 1, out=at)
            hit = neighbours[at] == rows
            if out is None:
                out = np.zeros(len(rows))
            out[hit] += weight * scores[at[hit]]
        if out is None:
            return None
        out /= float(weights.sum())
        return out

    def static(self, popularity_weight: float, ctr_weight: float) -> Floats:
        """popularity_weight * popularity + ctr_weight * CTR score per row (kept per weights):
        a request adds it with one gather instead of two and a sum."""
        key = (popularity_weight, ctr_weight)
        found = self._static.get(key)
        if found is None:
            found = popularity_weight * self.popularity + ctr_weight * self.ctr
            found.flags.writeable = False
            self._static[key] = found
        return found

    def gain(self, rows: Ints, anchors: Ints, weights: Floats, signal_weights: Floats) -> Floats:
        """What the signals add to each of `rows` with these weights (popularity, CTR,
        co-reading). Rows may be -1 pads: they get some value, and are never shown."""
        out = self.static(float(signal_weights[0]), float(signal_weights[1]))[rows]
        if signal_weights[2] > 0 and self.coread:
            coread = self.coread_with(anchors, weights, rows)
            if coread is not None:
                out += signal_weights[2] * coread
        return np.asarray(out, dtype=np.float64)

    def parts(self, rows: Ints, anchors: Ints, weights: Floats, signal_weights: Floats) -> Floats:
        """(len(rows), 3): the weighted popularity, CTR score and co-reading of each row (for
        `explain`; rows must be real rows)."""
        out = np.empty((len(rows), 3))
        out[:, 0] = signal_weights[0] * self.popularity[rows]
        out[:, 1] = signal_weights[1] * self.ctr[rows]
        coread = self.coread_with(anchors, weights, rows)
        out[:, 2] = 0.0 if coread is None else signal_weights[2] * coread
        return out
