"""Replay of our own event log: every (page view, editorial section) whose items received a
click is one impression; the shown items are scored again against the current snapshot.

The shown items are those the widget reported as seen (impressions) or clicked; a section that
reported clicks only (no impression at all) is taken as its signed token listed it (the event
log's `served` table), so a click-only client is still replayed.

Content relevance is the engine's text relevance of each shown item to the page's article: its
score in the article's precomputed related list (the hybrid dense + lexical + neighbourhood
relevance, recommender.pipeline.relate), or the build's dense weight times the cosine for an
item outside that list (as `Selector.fill_up` scores it). Sponsored items are never scored
against editorial ones, so their section is not replayed. Items no longer in the snapshot are
left out of their impression; impressions of articles no longer in it are left out whole.

Every shown item of every (page view, section), clicked or not, counts as one impression for the
CTR score (recommender.replay.ctr), at the section's first event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.articles import POOLS
from recommender.errors import InvalidInput
from recommender.events.backend import event_log_exists, event_log_name, open_event_store
from recommender.replay.replay import Click, Exposure, Impression, Weights, replay
from recommender.serving.catalog import Catalog
from recommender.serving.engine import SPONSORED_KEY
from recommender.settings import Settings

Floats = npt.NDArray[np.float64]
EPOCH = "1970-01-01T00:00:00.000+00:00"  # `export` since the beginning


def content_relevance(
    catalog: Catalog, dense_weight: float, anchor: int, rows: Sequence[int]
) -> Floats:
    """The engine's text relevance of `rows` to the `anchor` row (see the module doc)."""
    out = np.empty(len(rows), dtype=np.float64)
    for i, row in enumerate(rows):
        related = catalog.related.get(POOLS[int(catalog.pools[row])])
        if related is not None:
            found = np.flatnonzero(np.asarray(related.rows[anchor]) == row)
            if len(found):
                out[i] = float(related.scores[anchor][found[0]])
                continue
        out[i] = dense_weight * float(catalog.vectors[row] @ catalog.vectors[anchor])
    return out


@dataclass
class Shown:
    """The items one page view showed in one section, and those clicked."""

    article_id: str
    at: float
    items: dict[str, int] = field(default_factory=dict)  # item id -> position
    clicked: set[str] = field(default_factory=set)
    seen: bool = False  # any impression reported

    def use_served(self, items: tuple[str, ...]) -> None:
        """Take the token's served list as what was shown (a section with clicks only)."""
        if not self.seen and items:
            self.items = {item: position for position, item in enumerate(items)}


def epoch_of(at: str) -> float:
    return datetime.fromisoformat(at).timestamp()


def collect(rows: Iterable[dict[str, Any]]) -> tuple[dict[tuple[str, str], Shown], list[Click]]:
    """Raw events grouped by (page view, section), and every editorial click."""
    shown: dict[tuple[str, str], Shown] = {}
    clicks: list[Click] = []
    for row in rows:
        if row["section"] == SPONSORED_KEY or row["sponsored"]:
            continue
        at = epoch_of(row["at"])
        key = (row["page_view"], row["section"])
        entry = shown.setdefault(key, Shown(row["article_id"], at))
        entry.at = min(entry.at, at)
        entry.items.setdefault(row["item_id"], int(row["position"]))
        if row["kind"] == "click":
            entry.clicked.add(row["item_id"])
            clicks.append(Click(at, row["item_id"]))
        else:
            entry.seen = True
    return shown, clicks


@dataclass
class Unscorable:
    unknown_articles: int = 0
    unknown_items: int = 0
    without_click: int = 0


def impressions_of(
    shown: dict[tuple[str, str], Shown], catalog: Catalog, dense_weight: float
) -> tuple[list[Impression], Unscorable]:
    """The clicked (page view, section)s as impressions scored by content relevance."""
    out: list[Impression] = []
    left = Unscorable()
    for entry in shown.values():
        if not entry.clicked:
            left.without_click += 1
            continue
        anchor = catalog.row_of.get(entry.article_id)
        if anchor is None:
            left.unknown_articles += 1
            continue
        ordered = sorted(entry.items, key=entry.items.__getitem__)  # as shown
        known = [i for i in ordered if i in catalog.row_of]
        left.unknown_items += len(ordered) - len(known)
        rows = [catalog.row_of[i] for i in known]
        labels = np.array([1.0 if i in entry.clicked else 0.0 for i in known])
        content = content_relevance(catalog, dense_weight, anchor, rows)
        out.append(Impression(entry.at, tuple(known), labels, content))
    return out, left


def exposures_of(shown: dict[tuple[str, str], Shown]) -> list[Exposure]:
    """Every item each (page view, section) showed, clicked or not (the CTR's impressions)."""
    return [Exposure(entry.at, item) for entry in shown.values() for item in entry.items]


def replay_event_log(
    settings: Settings,
    catalog: Catalog,
    *,
    popularity_weight: float | None = None,
    ctr_weight: float | None = None,
) -> dict[str, Any]:
    """Replay the event log of `settings` against `catalog` (the current snapshot)."""
    if not event_log_exists(settings):
        raise InvalidInput(f"no event log at {event_log_name(settings)}")
    store = open_event_store(settings)
    try:
        shown, clicks = collect(store.export(EPOCH))
        served = store.served_lists()
    finally:
        store.close()
    for key, entry in shown.items():
        entry.use_served(served.get(key, ()))
    impressions, left = impressions_of(shown, catalog, settings.build.dense_weight)
    ranking = settings.ranking
    weights = Weights(
        popularity=ranking.popularity_weight if popularity_weight is None else popularity_weight,
        half_life_hours=ranking.popularity_half_life_hours,
        ctr=ranking.ctr_weight if ctr_weight is None else ctr_weight,
        ctr_prior_strength=ranking.ctr_prior_strength,
    )
    sections = {str(r["id"]): str(r.get("section") or "").casefold() for r in catalog.records}
    result = replay(impressions, clicks, weights, exposures=exposures_of(shown), sections=sections)
    return {
        "source": "events",
        "event_log": event_log_name(settings),
        "snapshot": catalog.version,
        **result.as_dict(),
        "left_out": {
            "sections_without_click": left.without_click,
            "unknown_articles": left.unknown_articles,
            "unknown_items": left.unknown_items,
        },
    }
