"""The recommender: turn a request for an article into ranked, separated sections."""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from recommender.articles import EDITORIAL_POOLS, SPONSORED_POOL
from recommender.errors import ArticleNotFound
from recommender.events.tokens import HISTORY_IN_TOKEN, Teams
from recommender.experiments.config import Experiment, Experiments
from recommender.experiments.interleave import page_view_random, team_draft
from recommender.serving import kernels
from recommender.serving.blend import Blend
from recommender.serving.catalog import Catalog
from recommender.serving.rendering import (
    SCORE_DIGITS,
    ExplainParts,
    Section,
    SectionHead,
    answer_dict,
    answer_head,
    rounded,
    sections_json,
    served_json,
)
from recommender.serving.selection import MAX_HISTORY, NO_FILTERS, Filters, Ranked, Selector
from recommender.serving.sponsored import Live, SponsoredPool
from recommender.serving.topk import top_n
from recommender.settings import RankingSettings, Settings

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


class Signer(Protocol):
    """Signs what an answer served: (snapshot, article id, [(section key, item ids)]) and, for
    an interleaved answer, its experiment and each item's arm (`Teams`), for a personalised
    one the history it used -> token. A signer may also have `sign_served_json(snapshot,
    article id, served JSON, history)`, for an answer without an experiment whose lists are
    already compact JSON (`rendering.served_json`): the same token (`service.app.AnswerSigner`
    has it)."""

    def __call__(
        self,
        snapshot: str,
        article_id: str,
        sections: Sequence[tuple[str, Sequence[str]]],
        teams: Teams | None = None,
        history: Sequence[str] = (),
    ) -> str: ...


SECTION_KEYS = {"article": "rekomendasi_artikel", "video": "video_pilihan"}
SPONSORED_KEY = "konten_sponsor"
POPULAR_KEY = "terpopuler"


class WidgetRequest(NamedTuple):
    """What the widget asks for (service.query parses it from `GET /v1/recommendations`).
    A named tuple rather than a frozen dataclass: one is made per answer, at a fifth of the
    cost (issue #15)."""

    article_id: str
    articles: int
    videos: int
    sponsored: int
    exclude: tuple[str, ...] = ()
    history: tuple[str, ...] = ()  # most recently read first
    filters: Filters = NO_FILTERS
    explain: bool = False
    popular: int = 0  # items of the "Terpopuler" section (0: no such section)
    popular_scope: str = "site"  # "section": only items of the article's section
    # Ranking settings for this request instead of the configured ones (an experiment's arm,
    # a benchmark's configuration); None: the configured ranking.
    ranking: RankingSettings | None = None
    # The widget's page view id: with experiments configured, it decides the interleaving.
    page_view: str | None = None


class Recommender:
    """Ranks candidates of one catalog; stateless between requests."""

    def __init__(
        self, catalog: Catalog, settings: Settings, experiments: Experiments | None = None
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.selector = Selector(catalog, settings.ranking, settings.build.dense_weight)
        self.experiments = experiments or Experiments()
        # One selector per distinct ranking configuration (the configured one, each arm's,
        # and any a request brings), built once: a selector precomputes per-snapshot state.
        self._selectors = {settings.ranking.model_dump_json(): self.selector}
        for experiment in self.experiments.experiments:
            for arm in experiment.arms:
                self.selector_for(arm.ranking)
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
        self.heads[POPULAR_KEY] = SectionHead.of(
            {"key": POPULAR_KEY, "title": s.popular_title, "sponsored": False}
        )
        self.sponsored = SponsoredPool(catalog)
        # `_sponsored_inputs`: (live set, blend, weight, their rows, their weighted CTR).
        self._sponsored_kept: tuple[Live, Blend | None, float, Ints, Floats] | None = None
        self.editorial = np.isin(catalog.pools, [catalog.pool_code(p) for p in EDITORIAL_POOLS])
        self.blend: Blend | None = None  # the event log's signals (service.runtime sets them)

    def with_blend(self, blend: Blend | None) -> Recommender:
        """This recommender with other signals (the same catalog and per-snapshot state)."""
        other = copy.copy(self)
        other.blend = blend
        return other

    @property
    def cache_version(self) -> str:
        """What an answer depends on besides the request and the clock: the snapshot and the
        signals (the response cache is keyed by it)."""
        if self.blend is None:
            return self.catalog.version
        return f"{self.catalog.version}+{self.blend.version}"

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
        popular: int = 0,
        popular_scope: str = "site",
        ranking: RankingSettings | None = None,
        page_view: str | None = None,
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
            filters=filters or NO_FILTERS,
            explain=explain,
            popular=popular,
            popular_scope=popular_scope,
            ranking=ranking,
            page_view=page_view,
        )

    def selector_for(self, ranking: RankingSettings | None) -> Selector:
        """The selector ranking with `ranking` (None: the configured ranking)."""
        if ranking is None:
            return self.selector
        key = ranking.model_dump_json()
        selector = self._selectors.get(key)
        if selector is None:
            selector = Selector(self.catalog, ranking, self.settings.build.dense_weight)
            self._selectors[key] = selector
        return selector

    def experiment_of(self, req: WidgetRequest) -> Experiment | None:
        """The experiment interleaving this request's answer (None: no interleaving)."""
        if not self.experiments or req.page_view is None or req.ranking is not None:
            return None
        return self.experiments.for_page_view(req.page_view)

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
        body = sections_json(sections, cat.fragments)
        token = None
        if sign is not None:
            used: list[str] = []
            if req.history:
                used = [i for i in dict.fromkeys(req.history[:MAX_HISTORY]) if i in cat.row_of]
                used = [i for i in used if i != req.article_id][:HISTORY_IN_TOKEN]
            experiment = self.experiment_of(req)
            teams: Teams | None = None
            if experiment is not None:
                arms = {s.head.fields["key"]: s.teams for s in sections if s.teams is not None}
                teams = (experiment.name, arms)
            fast = getattr(sign, "sign_served_json", None)
            if teams is None and fast is not None:
                token = fast(cat.version, req.article_id, served_json(sections, cat.ids), used)
            if token is None:
                ids = cat.ids
                served = [(s.head.fields["key"], [ids[r] for r in s.rows]) for s in sections]
                if teams is None and not used:
                    token = sign(cat.version, req.article_id, served)
                else:
                    token = sign(cat.version, req.article_id, served, teams, used)
        return answer_head(req.article_id, cat.version, token) + body

    def sections(self, req: WidgetRequest, now: float | None = None) -> list[Section]:
        """The chosen rows and scores of each section of the answer to `req`."""
        moment = time.time() if now is None else now
        cat = self.catalog
        row = cat.row_of.get(req.article_id)
        if row is None:
            raise ArticleNotFound(req.article_id)
        # Unknown ids in history or exclude are ignored: the widget may know newer items.
        history: list[int] = []
        if req.history:
            history = [cat.row_of[i] for i in req.history[:MAX_HISTORY] if i in cat.row_of]
            history = [r for r in dict.fromkeys(history) if r != row]
        excluded = [cat.row_of[i] for i in req.exclude if i in cat.row_of] if req.exclude else []
        banned = np.array([row, *history, *excluded], dtype=np.int64)
        selector = self.selector_for(req.ranking)
        if self.experiment_of(req) is None and selector.plain(req.filters, self.blend, req.explain):
            # Both editorial sections in one pass (Selector.select_pools: the same answer).
            wants = [("article", req.articles), ("video", req.videos)]
            history_rows = np.array(history, dtype=np.int64) if history else NO_ROWS
            chosen = selector.select_pools(wants, row, history_rows, banned, moment)
            sections = [
                Section(self.heads[pool], rows, scores)
                for (pool, _), (rows, scores) in zip(wants, chosen, strict=True)
            ]
        else:
            sections = [
                self._editorial("article", row, history, banned, req, moment),
                self._editorial("video", row, history, banned, req, moment),
            ]
        if req.popular > 0:
            sections.append(self._popular(row, banned, req, moment))
        ranking = req.ranking or self.settings.ranking
        sections.append(self._sponsored(row, req.sponsored, moment, req.explain, ranking))
        return sections

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
        experiment = self.experiment_of(req)
        if experiment is not None:
            arms = [
                self.selector_for(arm.ranking).select(
                    pool, row, history_rows, banned, n, req.filters, now, self.blend, req.explain
                )
                for arm in experiment.arms
            ]
            return self._interleaved(pool, experiment, arms, n, req)
        selector = self.selector_for(req.ranking)
        ranked = selector.select(
            pool, row, history_rows, banned, n, req.filters, now, self.blend, req.explain
        )
        explains = [ranked.explain(i) for i in range(len(ranked.rows))] if req.explain else None
        rows, scores = ranked.rows.tolist(), rounded(ranked.scores.tolist())
        return Section(self.heads[pool], rows, scores, explains)

    def _interleaved(
        self, pool: str, experiment: Experiment, arms: list[Ranked], n: int, req: WidgetRequest
    ) -> Section:
        """The arms' lists team-draft interleaved (recommender.experiments.interleave). Pinned
        items keep their places and belong to no team: the rules win in every arm alike."""
        first = arms[0]
        pins = [(i, int(r)) for i, r in enumerate(first.rows.tolist()) if first.pinned[i]]
        pinned = {r for _, r in pins}
        lists = [[r for r in a.rows.tolist() if r not in pinned] for a in arms]
        assert req.page_view is not None  # experiment_of: interleaving needs a page view
        rng = page_view_random(experiment.name, req.page_view, self.heads[pool].fields["key"])
        rows, teams = team_draft(lists, n - len(pins), rng)
        chosen: list[tuple[int, int | None]] = list(zip(rows, teams, strict=True))
        for place, r in pins:  # ascending places: each lands where the rules put it
            chosen.insert(min(place, len(chosen)), (r, None))
        scores: list[float] = []
        explains: list[ExplainParts] = []
        for r, team in chosen:
            ranked = arms[0 if team is None else team]
            at = ranked.rows.tolist().index(r)
            scores.append(float(ranked.scores[at]))
            explains.append(ranked.explain(at))
        names = [None if team is None else experiment.arms[team].name for _, team in chosen]
        return Section(
            self.heads[pool],
            [r for r, _ in chosen],
            rounded(scores),
            explains if req.explain else None,
            names,
        )

    def _popular(
        self, row: int, banned: npt.NDArray[np.int64], req: WidgetRequest, now: float
    ) -> Section:
        """The most clicked editorial items of the popular window (signals), less the article,
        the reader's history and `exclude`; only the article's section with scope "section".
        Without signals (none, stale or unreadable) the section is empty."""
        head = self.heads[POPULAR_KEY]
        blend = self.blend
        if blend is None or not len(blend.popular_rows):
            return Section(head, [], [], [] if req.explain else None)
        sel = self.selector
        rows = blend.popular_rows
        keep = self.editorial[rows] & sel.servable(rows, now) & ~np.isin(rows, banned)
        if req.filters.active:
            keep &= sel.filter_mask(rows, req.filters, now)
        if req.popular_scope == "section":
            keep &= sel.section_codes[rows] == sel.section_codes[row]
        chosen = rows[keep][: req.popular]
        scores = blend.popularity[chosen].tolist()
        explains = None
        if req.explain:
            anchor = np.array([row], dtype=np.int64)
            coread = blend.coread_with(anchor, np.ones(1), chosen)
            explains = [
                popular_explain(p, c, k, 0.0 if coread is None else float(coread[i]))
                for i, (p, c, k) in enumerate(
                    zip(
                        scores,
                        blend.ctr[chosen].tolist(),
                        blend.clicks[chosen].tolist(),
                        strict=True,
                    )
                )
            ]
        return Section(head, chosen.tolist(), rounded(scores), explains)

    def _sponsored(
        self,
        row: int,
        n: int,
        now: float,
        explain: bool = False,
        ranking: RankingSettings | None = None,
    ) -> Section:
        cat = self.catalog
        # Live items (in their campaign window, not expired); relevance is the cosine. `dot`:
        # the same BLAS call as `@` (the same bits), without the matmul ufunc's set-up (0.3 µs).
        live = self.sponsored.live(now)
        cosine = live.vectors.dot(cat.vectors[row])
        weight = (ranking or self.settings.ranking).ctr_weight
        module = kernels.built()
        if module is not None and not explain and cosine.dtype == np.float32:
            # The same choice and floats in one call (recommender.serving.kernels).
            live_rows, live_ctr = self._sponsored_inputs(live, weight)
            out_rows = np.empty(max(n, 0), dtype=np.int64)
            out_scores = np.empty(max(n, 0))
            k = module.sponsored_choose(cosine, live_ctr, live_rows, n, out_rows, out_scores)
            if k >= 0:  # else a score the loop cannot round: the numpy path below
                head = self.heads[SPONSORED_POOL]
                return Section(head, out_rows[:k].tolist(), out_scores[:k].tolist(), None)
        relevance = np.asarray(cosine, dtype=np.float64)
        ctr = None
        if self.blend is not None and weight > 0:
            # Ordered by their own debiased CTR too, among themselves only: sponsored items are
            # never scored against editorial ones.
            ctr = weight * self.blend.ctr[cat.sponsored_rows[live.positions]]
            relevance = relevance + ctr
        order = top_n(relevance, n)
        rows = cat.sponsored_rows[live.positions[order]].tolist()
        scores = relevance[order].tolist()
        explains = None
        if explain:
            gains = [None] * len(order) if ctr is None else ctr[order].tolist()
            explains = [
                sponsored_explain(round(x - (g or 0.0), SCORE_DIGITS), g)
                for x, g in zip(scores, gains, strict=True)
            ]
        return Section(self.heads[SPONSORED_POOL], rows, rounded(scores), explains)

    def _sponsored_inputs(self, live: Live, weight: float) -> tuple[Ints, Floats]:
        """The live sponsored items' rows and their weighted CTR scores (`NO_CTR`: none), kept
        while the live set, the signals and the weight stay the same."""
        kept = self._sponsored_kept
        if kept is not None and kept[0] is live and kept[1] is self.blend and kept[2] == weight:
            return kept[3], kept[4]
        rows = self.catalog.sponsored_rows[live.positions]
        ctr = NO_CTR
        if self.blend is not None and weight > 0:
            ctr = np.ascontiguousarray(weight * self.blend.ctr[rows], dtype=np.float64)
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        self._sponsored_kept = (live, self.blend, weight, rows, ctr)
        return rows, ctr


NO_CTR = np.zeros(0, dtype=np.float64)
NO_ROWS = np.zeros(0, dtype=np.int64)  # a request without history (no element to change)


def sponsored_explain(score: float, ctr: float | None = None) -> dict[str, float | bool]:
    parts: dict[str, float | bool] = dict.fromkeys(
        ("lexical", "neighbourhood", "freshness", "rule"), 0.0
    )
    out: dict[str, float | bool] = {"dense": score, **parts, "pinned": False}
    if ctr is not None:
        out["ctr"] = round(ctr, SCORE_DIGITS)
    return out


def popular_explain(
    popularity: float, ctr: float, clicks: float, coread: float
) -> dict[str, float | bool]:
    """A "Terpopuler" item's score is its popularity (0..1); the rest are its other signals,
    unweighted (whatever the weights): CTR score (-0.5..0.5), decayed clicks, co-reading with
    the article (0..1)."""
    return {
        "popularity": round(popularity, SCORE_DIGITS),
        "ctr": round(ctr, SCORE_DIGITS),
        "coread": round(coread, SCORE_DIGITS),
        "clicks": round(clicks, SCORE_DIGITS),
    }
