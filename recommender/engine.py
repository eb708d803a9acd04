"""The recommender: turn a request for an article into ranked, separated sections."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.catalog import SPONSORED_POOL, Catalog
from recommender.errors import ArticleNotFound
from recommender.ranking import Freshness, top_n
from recommender.selection import MAX_HISTORY, Filters, Selector
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
    history: tuple[str, ...] = field(default_factory=tuple)  # most recently read first
    filters: Filters = field(default_factory=Filters)
    explain: bool = False

    def personalised(
        self,
        *,
        history: Sequence[str] = (),
        exclude: Sequence[str] = (),
        filters: Filters | None = None,
        explain: bool = False,
    ) -> Request:
        """This request with the reader's history, exclusions, filters and explanations."""
        return replace(
            self,
            history=tuple(history),
            exclude=tuple(exclude),
            filters=filters or Filters(),
            explain=explain,
        )


class Recommender:
    """Ranks candidates of one catalog; stateless between requests."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.freshness = Freshness(settings.freshness_half_life_hours, settings.freshness_weight)
        self.selector = Selector(catalog, settings)

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
        # Unknown ids in history or exclude are ignored: the widget may know newer items.
        history = [cat.row_of[i] for i in req.history[:MAX_HISTORY] if i in cat.row_of]
        history = [r for r in dict.fromkeys(history) if r != row]
        excluded = [cat.row_of[i] for i in req.exclude if i in cat.row_of]
        banned = np.array([row, *history, *excluded], dtype=np.int64)
        s = self.settings
        sections = [
            self._editorial("article", row, history, banned, req, moment, s.title_articles),
            self._editorial("video", row, history, banned, req, moment, s.title_videos),
            self._sponsored(row, req.sponsored, moment, req.explain),
        ]
        return {"article_id": req.article_id, "snapshot": cat.version, "sections": sections}

    def _editorial(
        self,
        pool: str,
        row: int,
        history: list[int],
        banned: npt.NDArray[np.int64],
        req: Request,
        now: float,
        title: str,
    ) -> dict[str, Any]:
        n = req.articles if pool == "article" else req.videos
        history_rows = np.array(history, dtype=np.int64)
        ranked = self.selector.select(pool, row, history_rows, banned, n, req.filters, now)
        items = []
        for i in range(len(ranked.rows)):
            item = self._item(int(ranked.rows[i]), float(ranked.scores[i]))
            if req.explain:
                item["explain"] = ranked.explain(i)
            items.append(item)
        return {"key": SECTION_KEYS[pool], "title": title, "sponsored": False, "items": items}

    def _sponsored(self, row: int, n: int, now: float, explain: bool = False) -> dict[str, Any]:
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
        if explain:  # cosine to the article only: no editorial scoring touches sponsored items
            for item in items:
                item["explain"] = sponsored_explain(item["score"])
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


def sponsored_explain(score: float) -> dict[str, float | bool]:
    parts: dict[str, float | bool] = dict.fromkeys(
        ("lexical", "neighbourhood", "freshness", "rule"), 0.0
    )
    return {"dense": score, **parts, "pinned": False}


def is_sponsored_pool(pool: str) -> bool:
    return pool == SPONSORED_POOL
