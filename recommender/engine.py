"""The recommender: turn a request for an article into ranked, separated sections."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.catalog import SPONSORED_POOL, Catalog
from recommender.errors import ArticleNotFound
from recommender.ranking import Freshness, top_n
from recommender.settings import Settings

SECTION_KEYS = {"article": "rekomendasi_artikel", "video": "video_pilihan"}
SPONSORED_KEY = "konten_sponsor"


@dataclass(frozen=True)
class Request:
    """What the widget asks for."""

    article_id: str
    articles: int
    videos: int
    sponsored: int
    exclude: tuple[str, ...] = field(default_factory=tuple)


class Recommender:
    """Ranks candidates of one catalog; stateless between requests."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.freshness = Freshness(settings.freshness_half_life_hours, settings.freshness_weight)

    def request(self, article_id: str, **counts: int) -> Request:
        s = self.settings
        return Request(
            article_id,
            counts.get("articles", s.articles_default),
            counts.get("videos", s.videos_default),
            counts.get("sponsored", s.sponsored_default),
        )

    def recommend(self, req: Request, now: float | None = None) -> dict[str, Any]:
        """The API response body for `req` at time `now` (epoch seconds)."""
        moment = time.time() if now is None else now
        cat = self.catalog
        row = cat.row_of.get(req.article_id)
        if row is None:
            raise ArticleNotFound(req.article_id)
        blocked = {row} | {cat.row_of[i] for i in req.exclude if i in cat.row_of}
        s = self.settings
        sections = [
            self._editorial("article", row, req.articles, blocked, moment, s.title_articles),
            self._editorial("video", row, req.videos, blocked, moment, s.title_videos),
            self._sponsored(row, req.sponsored, moment),
        ]
        return {"article_id": req.article_id, "snapshot": cat.version, "sections": sections}

    def _editorial(
        self, pool: str, row: int, n: int, blocked: set[int], now: float, title: str
    ) -> dict[str, Any]:
        cat = self.catalog
        neighbours = cat.neighbours[pool]
        rows = np.asarray(neighbours.rows[row], dtype=np.int64)
        relevance = np.asarray(neighbours.scores[row], dtype=np.float64)
        keep = self._servable(rows, now) & ~np.isin(rows, list(blocked))
        rows, relevance = rows[keep], relevance[keep]
        scores = relevance + self.freshness.boost(cat.published[rows], now)
        chosen = top_n(scores, n)
        items = [self._item(int(rows[i]), float(scores[i])) for i in chosen]
        return {"key": SECTION_KEYS[pool], "title": title, "sponsored": False, "items": items}

    def _sponsored(self, row: int, n: int, now: float) -> dict[str, Any]:
        cat = self.catalog
        s = self.settings
        candidates = cat.sponsored_rows
        active = (cat.campaign_start <= now) & (now < cat.campaign_end)
        candidates = candidates[active & self._servable(candidates, now)]
        relevance = (
            np.asarray(cat.vectors[candidates] @ cat.vectors[row], dtype=np.float64)
            if len(candidates)
            else np.zeros(0)
        )
        chosen = top_n(relevance, n)
        items = [self._item(int(candidates[i]), float(relevance[i])) for i in chosen]
        return {
            "key": SPONSORED_KEY,
            "title": s.title_sponsored,
            "sponsored": True,
            "label": s.sponsored_label,
            "disclosure": s.disclosure_text,
            "items": items,
        }

    def _servable(self, rows: npt.NDArray[np.int64], now: float) -> npt.NDArray[np.bool_]:
        valid = rows >= 0
        safe = np.where(valid, rows, 0)
        return valid & (self.catalog.expires[safe] > now)

    def _item(self, row: int, score: float) -> dict[str, Any]:
        item = dict(self.catalog.payloads[row])
        item["score"] = round(score, 4)
        return item


def is_sponsored_pool(pool: str) -> bool:
    return pool == SPONSORED_POOL
