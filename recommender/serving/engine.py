"""The recommender: turn a request for an article into ranked, separated sections."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.articles import SPONSORED_POOL
from recommender.errors import ArticleNotFound
from recommender.serving.catalog import Catalog
from recommender.serving.rendering import Section, SectionHead, answer_dict, answer_json
from recommender.serving.selection import MAX_HISTORY, Filters, Selector
from recommender.serving.sponsored import SponsoredPool
from recommender.serving.topk import top_n
from recommender.settings import Settings

# Signs what an answer served: (snapshot, article id, [(section key, item ids)]) -> token.
Signer = Callable[[str, str, Sequence[tuple[str, Sequence[str]]]], str]
SECTION_KEYS = {"article": "rekomendasi_artikel", "video": "video_pilihan"}
SPONSORED_KEY = "konten_sponsor"


@dataclass(frozen=True)
class WidgetRequest:
    """What the widget asks for (service.query parses it from `GET /v1/recommendations`)."""

    article_id: str
    articles: int
    videos: int
    sponsored: int
    exclude: tuple[str, ...] = field(default_factory=tuple)
    history: tuple[str, ...] = field(default_factory=tuple)  # most recently read first
    filters: Filters = field(default_factory=Filters)
    explain: bool = False


class Recommender:
    """Ranks candidates of one catalog; stateless between requests."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.selector = Selector(catalog, settings.ranking, settings.build.dense_weight)
        s = settings.widget
        self.heads = {
            pool: SectionHead.of({"key": SECTION_KEYS[pool], "title": title, "sponsored": False})
            for pool, title in (("article", s.title_articles), ("video", s.title_videos))
        }
        self.heads[SPONSORED_POOL] = SectionHead.of(
            {
                "key": SPONSORED_KEY,
                "title": s.title_sponsored,
                "sponsored": True,
                "label": s.sponsored_label,
                "disclosure": s.disclosure_text,
            }
        )
        self.sponsored = SponsoredPool(catalog)

    def request(
        self,
        article_id: str,
        *,
        articles: int | None = None,
        videos: int | None = None,
        sponsored: int | None = None,
        history: Sequence[str] = (),
        exclude: Sequence[str] = (),
        filters: Filters | None = None,
        explain: bool = False,
    ) -> WidgetRequest:
        """A request for `article_id`; counts not given are the widget's defaults."""
        s = self.settings.widget
        return WidgetRequest(
            article_id,
            s.articles_default if articles is None else articles,
            s.videos_default if videos is None else videos,
            s.sponsored_default if sponsored is None else sponsored,
            exclude=tuple(exclude),
            history=tuple(history),
            filters=filters or Filters(),
            explain=explain,
        )

    def recommend(self, req: WidgetRequest, now: float | None = None) -> dict[str, Any]:
        """The API response body for `req` at time `now` (epoch seconds)."""
        sections = self.sections(req, now)
        cat = self.catalog
        return answer_dict(req.article_id, cat.version, sections, cat.fragments)

    def recommend_json(
        self, req: WidgetRequest, now: float | None = None, sign: Signer | None = None
    ) -> bytes:
        """`recommend` as the JSON bytes `orjson.dumps` would give, rendered from fragments.
        With `sign`, the answer carries `event_token`: what `sign` makes of the snapshot, the
        article and each section's item ids in order (recommender.events.tokens)."""
        sections = self.sections(req, now)
        cat = self.catalog
        token = None
        if sign is not None:
            served = [
                (s.head.fields["key"], [cat.records[r]["id"] for r in s.rows]) for s in sections
            ]
            token = sign(cat.version, req.article_id, served)
        return answer_json(req.article_id, cat.version, sections, cat.fragments, token)

    def sections(self, req: WidgetRequest, now: float | None = None) -> list[Section]:
        """The chosen rows and scores of each section of the answer to `req`."""
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
        return [
            self._editorial("article", row, history, banned, req, moment),
            self._editorial("video", row, history, banned, req, moment),
            self._sponsored(row, req.sponsored, moment, req.explain),
        ]

    def _editorial(
        self,
        pool: str,
        row: int,
        history: list[int],
        banned: npt.NDArray[np.int64],
        req: WidgetRequest,
        now: float,
    ) -> Section:
        n = req.articles if pool == "article" else req.videos
        history_rows = np.array(history, dtype=np.int64)
        ranked = self.selector.select(pool, row, history_rows, banned, n, req.filters, now)
        explains = [ranked.explain(i) for i in range(len(ranked.rows))] if req.explain else None
        return Section(self.heads[pool], ranked.rows.tolist(), ranked.scores.tolist(), explains)

    def _sponsored(self, row: int, n: int, now: float, explain: bool = False) -> Section:
        cat = self.catalog
        # Live items (in their campaign window, not expired); relevance is the cosine.
        live = self.sponsored.live(now)
        relevance = np.asarray(live.vectors @ cat.vectors[row], dtype=np.float64)
        order = top_n(relevance, n)
        rows = cat.sponsored_rows[live.positions[order]].tolist()
        scores = relevance[order].tolist()
        # Cosine to the article only: no editorial scoring touches sponsored items.
        explains = [sponsored_explain(round(x, 4)) for x in scores] if explain else None
        return Section(self.heads[SPONSORED_POOL], rows, scores, explains)


def sponsored_explain(score: float) -> dict[str, float | bool]:
    parts: dict[str, float | bool] = dict.fromkeys(
        ("lexical", "neighbourhood", "freshness", "rule"), 0.0
    )
    return {"dense": score, **parts, "pinned": False}
