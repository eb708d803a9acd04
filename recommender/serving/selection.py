"""Request-time selection of an editorial section: read related lists, personalise, filter, apply
freshness and editorial rules, collapse near-duplicates, diversify, pin.

Everything here is numpy over a few hundred candidates taken from precomputed lists; only a
filter that leaves too few candidates makes it score (by cosine) the pool members that match it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.articles import EDITORIAL_POOLS
from recommender.serving import kernels
from recommender.serving.blend import SIGNAL_PARTS, Blend
from recommender.serving.catalog import Catalog
from recommender.serving.diversity import collapse_top, duplicate_groups, isin, mmr
from recommender.serving.freshness import Freshness
from recommender.serving.precomputed import PlainCandidates, compute, pick, split_chosen
from recommender.serving.rendering import SCORE_DIGITS, rounded
from recommender.serving.rules import Rules, load_rules
from recommender.serving.topk import best_first
from recommender.settings import RankingSettings
from recommender.snapshot import PARTS

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
SECONDS_PER_DAY = 86400.0
MAX_HISTORY = 50  # history ids a request may carry (more are an error, see service.query)
MAX_EXCLUDE = 100


@dataclass(frozen=True)
class Filters:
    """Optional constraints on the editorial items of a request."""

    section: str | None = None
    language: str | None = None
    max_age_days: float | None = None

    @property
    def active(self) -> bool:
        return (
            self.section is not None or self.language is not None or self.max_age_days is not None
        )


NO_FILTERS = Filters()
_NO_FLOATS = np.zeros(0, dtype=np.float64)  # the compiled loops' "no such check"
_NO_FLAGS = np.zeros(0, dtype=np.bool_)


def _compiled_layout(rows: npt.NDArray[Any], parts: npt.NDArray[Any]) -> bool:
    """Whether a pool's lists have the layout the compiled loops take (as snapshots store
    them: int32 rows, float32 parts, C order)."""
    return (
        rows.dtype == np.int32
        and parts.dtype == np.float32
        and rows.flags.c_contiguous
        and parts.flags.c_contiguous
    )


@dataclass
class Ranked:
    """The chosen items of one section, best first, with the parts of their scores."""

    rows: Ints
    scores: Floats
    parts: Floats  # (len, len(PARTS)) relevance parts
    freshness: Floats
    rule: Floats
    pinned: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # (len, len(SIGNAL_PARTS)) weighted signal parts; None when no signals are blended in
    signals: Floats | None = None

    def explain(self, i: int) -> dict[str, float | bool]:
        out: dict[str, float | bool] = {
            name: round(float(self.parts[i, j]), SCORE_DIGITS) for j, name in enumerate(PARTS)
        }
        out["freshness"] = round(float(self.freshness[i]), SCORE_DIGITS)
        out["rule"] = round(float(self.rule[i]), SCORE_DIGITS)
        if self.signals is not None:
            for j, name in enumerate(SIGNAL_PARTS):
                out[name] = round(float(self.signals[i, j]), SCORE_DIGITS)
        out["pinned"] = bool(self.pinned[i])
        return out


def history_weights(count: int, weight: float, decay: float) -> Floats:
    """Weights of history items, most recent first: geometric decay, summing to `weight`."""
    if count == 0:
        return np.zeros(0)
    raw = decay ** np.arange(count, dtype=np.float64)
    return np.asarray(weight * raw / raw.sum(), dtype=np.float64)


def _codes(values: list[str]) -> tuple[dict[str, int], Ints]:
    table: dict[str, int] = {}
    codes = np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)
    return table, codes


def by_code(rows: Ints, codes: Ints) -> dict[int, Ints]:
    """`rows` split by their code, each part in ascending order."""
    if len(rows) == 0:
        return {}
    order = np.argsort(codes[rows], kind="stable")
    values, starts = np.unique(codes[rows][order], return_index=True)
    parts = np.split(rows[order], starts[1:])
    return {int(v): part for v, part in zip(values.tolist(), parts, strict=True)}


class Selector:
    """Per-snapshot state for editorial selection (built once when a snapshot is loaded)."""

    def __init__(self, catalog: Catalog, settings: RankingSettings, dense_weight: float) -> None:
        self.catalog = catalog
        self.settings = settings
        self.dense_weight = dense_weight  # the build's: cosine-only scores use the same scale
        self.freshness = Freshness(settings.freshness_half_life_hours, settings.freshness_weight)
        records = catalog.records
        self.section_of = [str(r.get("section") or "").casefold() for r in records]
        self.section_table, self.section_codes = _codes(self.section_of)
        self.language_table, self.language_codes = _codes(
            [str(r.get("language") or "").casefold() for r in records]
        )
        self.members = {
            pool: np.flatnonzero(catalog.pools == catalog.pool_code(pool)).astype(np.int64)
            for pool in EDITORIAL_POOLS
        }
        self.section_members = {
            pool: by_code(m, self.section_codes) for pool, m in self.members.items()
        }
        lists = [catalog.neighbours[p] for p in EDITORIAL_POOLS if p in catalog.neighbours]
        threshold = settings.duplicate_threshold if settings.dedupe else math.inf
        self.groups = duplicate_groups(
            [str(r.get("url") or r["id"]) for r in records],
            np.concatenate([np.asarray(n.rows) for n in lists], axis=1),
            np.concatenate([np.asarray(n.scores) for n in lists], axis=1),
            threshold,
        )
        editorial = catalog.pools != catalog.pool_code("sponsored")
        self.rules = Rules.compile(
            load_rules(settings.rules_file), catalog.row_of, self.section_of, editorial
        )
        # Request-path shortcuts: rows alone in their duplicate group need no collapsing, and
        # without any expiry date or blocked item those checks can be skipped.
        self.alone = np.bincount(self.groups)[self.groups] == 1
        self.alone_bytes = self.alone.tobytes()  # the same, read a row at a time from Python
        self.allowed = ~self.rules.blocked
        self.any_blocked = bool(self.rules.blocked.any())
        self.any_expiring = bool(np.isfinite(catalog.expires).any())
        self.any_boost = bool(self.rules.boost.any())
        self._weights: dict[int, Floats] = {}
        # Signal weights (popularity, CTR, co-reading); all 0: the text-only ranking, untouched.
        self.signal_weights = np.array(
            [settings.popularity_weight, settings.ctr_weight, settings.coread_weight]
        )
        self.blending = bool(self.signal_weights.any())
        # The candidates of plain answers for a window of time, when the service computed them
        # (`precompute`); None: every answer reads the whole lists.
        self.precomputed: PlainCandidates | None = None
        # The compiled history merge's scratch: one slot per row, -1 between calls; and the
        # pools whose lists have the layout it takes.
        self.slots = np.full(catalog.size, -1, dtype=np.int32)
        self.compiled_layout = {
            pool: _compiled_layout(r.rows, r.parts) for pool, r in catalog.related.items()
        }

    def filter_mask(self, rows: Ints, filters: Filters, now: float) -> npt.NDArray[np.bool_]:
        keep = np.ones(len(rows), dtype=bool)
        if filters.section is not None:
            code = self.section_table.get(filters.section.casefold(), -1)
            keep &= self.section_codes[rows] == code
        if filters.language is not None:
            code = self.language_table.get(filters.language.casefold(), -1)
            keep &= self.language_codes[rows] == code
        if filters.max_age_days is not None:
            oldest = now - filters.max_age_days * SECONDS_PER_DAY
            keep &= self.catalog.published[rows] >= oldest
        return keep

    def candidates(self, pool: str, anchors: Ints, weights: Floats) -> tuple[Ints, Floats]:
        """Union of the anchors' related lists and their relevance parts, one row per part
        (`(len(PARTS), candidates)`): weighted means, an item missing from one anchor's list
        counting 0 there. A single list is returned as it is stored: with its -1 pads."""
        related = self.catalog.related[pool]
        if len(anchors) == 1:
            rows = np.asarray(related.rows[anchors[0]], dtype=np.int64)
            columns = np.asarray(related.parts[anchors[0]].T, dtype=np.float64, order="C")
            return rows, columns
        # np.unique numbers the distinct rows (ascending); bincount adds each row's weighted
        # parts in list order. -1 pads, if any, get bin 0 and are dropped.
        flat = np.asarray(related.rows[anchors], dtype=np.int64).reshape(-1)
        distinct, inverse = np.unique(flat, return_inverse=True)
        n_parts, bins = related.parts.shape[2], len(distinct)
        by_part = np.ascontiguousarray(related.parts[anchors].transpose(2, 0, 1), np.float64)
        by_part *= weights[:, None]  # (parts, anchors, width), each anchor's list weighted
        columns = np.empty((n_parts, bins))
        for j in range(n_parts):
            columns[j] = np.bincount(inverse, by_part[j].reshape(-1), bins)
        columns /= weights.sum()
        padded = int(bins > 0 and distinct[0] < 0)
        return distinct[padded:], columns[:, padded:]

    def merged_candidates(
        self, pools: list[str], anchors: Ints, weights: Floats
    ) -> tuple[Ints, Floats, list[int]]:
        """`candidates(pool, anchors, weights)` of several anchors for every pool of `pools`,
        concatenated (rows, parts by row, each pool's count), from one np.unique and one
        bincount per part instead of one per pool. Pool i's row r is numbered i*(N+1)+1+r and
        its pads i*(N+1): each pool's rows come out contiguous and ascending, and each row's
        weighted parts are added in the same (anchor) order as in `candidates`."""
        span = self.catalog.size + 1
        lists = [
            np.asarray(self.catalog.related[pool].rows[anchors], dtype=np.int64) + (i * span + 1)
            for i, pool in enumerate(pools)
        ]
        flat = np.concatenate(lists, axis=1).reshape(-1)
        distinct, inverse = np.unique(flat, return_inverse=True)
        stacked = np.concatenate([self.catalog.related[p].parts[anchors] for p in pools], axis=1)
        by_part = np.ascontiguousarray(stacked.transpose(2, 0, 1), np.float64)
        by_part *= weights[:, None]  # (parts, anchors, widths), each anchor's lists weighted
        n_parts, bins = by_part.shape[0], len(distinct)
        columns = np.empty((n_parts, bins))
        for j in range(n_parts):
            columns[j] = np.bincount(inverse, by_part[j].reshape(-1), bins)
        columns /= weights.sum()
        rows = distinct % span - 1  # pads: -1
        bounds = np.searchsorted(distinct, np.arange(len(pools) + 1) * span).tolist()
        pads = [a for a, b in itertools.pairwise(bounds) if a < b and rows[a] < 0]
        sizes = [b - a - (a in pads) for a, b in itertools.pairwise(bounds)]
        if pads:  # each pool's pads bin (its first) dropped, as `candidates` drops it
            real = np.ones(bins, dtype=bool)
            real[pads] = False
            rows, columns = rows[real], columns[:, real]
        return rows, columns, sizes

    def fill_up(
        self, pool: str, anchor: int, have: Ints, banned: Ints, filters: Filters, now: float
    ) -> tuple[Ints, Floats]:
        """Pool members matching the filters that no list offered, scored by cosine alone
        (parts by row, as `candidates` gives them)."""
        members = self.members[pool]
        if filters.section is not None:  # only that section's members, not the whole pool
            code = self.section_table.get(filters.section.casefold(), -1)
            members = self.section_members[pool].get(code, members[:0])
        members = members[self.filter_mask(members, filters, now)]
        members = members[~isin(members, have) & ~isin(members, banned)]
        members = members[self.servable(members, now)]
        columns = np.zeros((len(PARTS), len(members)))
        if len(members):
            cat = self.catalog
            cosine = np.asarray(cat.vectors[members] @ cat.vectors[anchor], dtype=np.float64)
            columns[0] = self.dense_weight * cosine
        return members, columns

    def nothing_to_collapse(self, rows: Ints) -> bool:
        """Whether these rows are distinct and each alone in its duplicate group (then they
        are the collapsed order's head as they stand: no other candidate can replace them)."""
        if not self.alone[rows].all():
            return False
        ordered = np.sort(rows)
        return bool((ordered[1:] != ordered[:-1]).all())

    def servable(self, rows: Ints, now: float) -> npt.NDArray[np.bool_]:
        keep = self.allowed[rows] if self.any_blocked else np.ones(len(rows), dtype=bool)
        if self.any_expiring:
            keep &= self.catalog.expires[rows] > now
        return keep

    def select(
        self,
        pool: str,
        anchor: int,
        history: Ints,
        banned: Ints,
        n: int,
        filters: Filters,
        now: float,
        blend: Blend | None = None,
        explain: bool = False,
    ) -> Ranked:
        """The `n` items of `pool` for an anchor row, the reader's history rows (most recent
        first) and rows that must not appear (`banned`: anchor, history, exclude). With `blend`
        (and a signal weight above 0) the weighted signals are added to each score, and with
        `explain` their parts kept for `Ranked.explain`."""
        s = self.settings
        if n <= 0:
            empty = np.zeros(0)
            return Ranked(
                np.zeros(0, dtype=np.int64), empty, np.zeros((0, len(PARTS))), empty, empty
            )
        if len(history):
            anchors = np.concatenate([[anchor], history]).astype(np.int64)
        else:
            anchors = np.array([anchor], dtype=np.int64)
        weights = self.anchor_weights(len(history))
        rows, parts = self.candidates(pool, anchors, weights)
        # Candidates that may not be shown stay in the arrays with a score of -inf (cheaper
        # than compacting them), and never leave `best_first`/`collapse_top` as chosen.
        keep = self.keep_mask(rows, banned, len(anchors) > 1, filters, now)
        if filters.active and np.count_nonzero(keep) < n:
            rows, parts = rows[keep], parts[:, keep]
            extra_rows, extra_parts = self.fill_up(pool, anchor, rows, banned, filters, now)
            rows = np.concatenate([rows, extra_rows])
            parts = np.concatenate([parts, extra_parts], axis=1)
            keep = np.ones(len(rows), dtype=bool)
        published = self.catalog.published[rows]
        fresh = self.freshness.boost(published, now)
        scores = parts[0] + parts[1]  # in parts.T.sum(axis=1)'s order, one part at a time
        for part in parts[2:]:
            scores += part
        scores += fresh  # +0.0 at least: no score is -0.0 from here on
        if self.any_boost:
            scores += self.rules.boost[rows]
        blended = blend is not None and self.blending
        if blend is not None and blended:
            scores += blend.gain(rows, anchors, weights, self.signal_weights)
        everything = bool(keep.all())  # often so for a single list
        if not everything:
            scores[~keep] = -np.inf
        # Only the best few are put in order: n items, or MMR's pool of 4 n.
        need = n if s.mmr_lambda >= 1.0 else max(4 * n, n)
        order = best_first(scores, need).astype(np.int64)
        if not everything:
            order = order[keep[order]]  # fewer than `need` may be shown
        if s.dedupe and not self.nothing_to_collapse(rows[order]):
            seen = {int(g) for g in self.groups[anchors]}
            kept = np.flatnonzero(keep)
            groups = self.groups[rows[kept]]
            order = kept[collapse_top(scores[kept], groups, published[kept], seen, need)]
        if s.mmr_lambda < 1.0:  # MMR reads its pool's vectors only; off, it keeps the order
            at = np.arange(len(order), dtype=np.int64)
            vectors = np.asarray(self.catalog.vectors[rows[order]])
            order = order[mmr(at, scores[order], vectors, n, s.mmr_lambda)]
        chosen = order[:n]
        ranked = self.ranked(rows[chosen], scores[chosen], parts[:, chosen], fresh[chosen])
        if blend is not None and blended and explain:
            ranked.signals = blend.parts(rows[chosen], anchors, weights, self.signal_weights)
        return self.pin(ranked, pool, anchor, banned, n, filters, now)

    def plain(self, filters: Filters, blend: Blend | None, explain: bool) -> bool:
        """Whether `select_pools` may answer: no filter, no explain, no MMR, no pinning rule
        and no signal blended in (everything else is the same arithmetic in one pass)."""
        return not (
            filters.active
            or explain
            or self.settings.mmr_lambda < 1.0
            or self.rules.pins
            or (blend is not None and self.blending)
        )

    def select_pools(
        self, wants: list[tuple[str, int]], anchor: int, history: Ints, banned: Ints, now: float
    ) -> list[tuple[list[int], list[float]]]:
        """`select(pool, anchor, history, banned, n, Filters(), now)` for each `(pool, n)` of
        `wants`, as (rows, scores) lists, for a request that is `plain`; the scores rounded as an
        answer shows them (`rendering.rounded`: the compiled loops round them themselves).

        The candidates of every pool are scored in one pass: the same element-wise arithmetic in
        the same order as `select` (so the same floats), with one numpy call per step for all
        pools instead of one per pool. An uncached answer was two editorial selections of ~40
        small numpy calls each, most of its time at 1M items (issue #15). A request of one
        article (no history) is answered from the `precomputed` candidates where they can
        answer it: the same floats from a handful of candidates instead of whole lists; one
        with a history through the compiled loops where `make setup` built them
        (`compiled_pools`: the same floats in two calls). A pool whose best few hold
        near-duplicates (`nothing_to_collapse` is false) goes through `select` itself.
        """
        out: list[tuple[list[int], list[float]]] = [([], []) for _ in wants]
        asked = [(i, pool, n) for i, (pool, n) in enumerate(wants) if n > 0]
        if not asked:
            return out
        picked = None
        if not len(history):  # its scores come rounded
            picked = self.precomputed_pick([(pool, n) for _, pool, n in asked], anchor, banned, now)
        if picked is None:
            scored = None
            if len(history) and (module := kernels.built()) is not None:
                scored = self.compiled_pools(module, asked, anchor, history, banned, now)
            if scored is None:
                scored = self.scored_pools(asked, anchor, history, banned, now)
            picked = [(rows, rounded(scores)) for rows, scores in scored]
        dedupe = self.settings.dedupe
        alone = self.alone_bytes
        for (i, pool, n), (rows, scores) in zip(asked, picked, strict=True):
            if (not dedupe or 0 not in [alone[r] for r in rows]) and len(set(rows)) == len(rows):
                out[i] = (rows, scores)
            else:  # near-duplicates (or a repeated row) among the best: the general path
                ranked = self.select(pool, anchor, history, banned, n, NO_FILTERS, now)
                out[i] = (ranked.rows.tolist(), rounded(ranked.scores.tolist()))
        return out

    def precomputed_pick(
        self, wants: list[tuple[str, int]], anchor: int, banned: Ints, now: float
    ) -> list[tuple[list[int], list[float]]] | None:
        """The best of each wanted pool from the precomputed candidates (None: they cannot
        answer this request; recommender.serving.precomputed)."""
        plain = self.precomputed
        if plain is None or not plain.answers(wants, now, len(banned) - 1):
            return None
        boost = self.rules.boost if self.any_boost else None
        expires = self.catalog.expires if self.any_expiring else None
        fresh = self.freshness
        return pick(plain, wants, anchor, banned, now, fresh, boost, expires, kernels.built())

    def precompute(self, covers: dict[str, int], start: float, hours: float) -> PlainCandidates:
        """The candidates of every article's plain answer for `hours` from `start` (to be set as
        `precomputed`; recommender.serving.precomputed)."""
        return compute(
            self.catalog,
            self.freshness,
            self.allowed if self.any_blocked else None,
            self.rules.boost if self.any_boost else None,
            covers,
            start,
            hours,
        )

    def compiled_pools(
        self,
        module: Any,
        asked: list[tuple[int, str, int]],
        anchor: int,
        history: Ints,
        banned: Ints,
        now: float,
    ) -> list[tuple[list[int], list[float]]] | None:
        """`scored_pools` for a request with a history, through the compiled loops
        (recommender.serving.kernels): the same rows and floats; None where they cannot take
        it (lists of another layout, a NaN score)."""
        related = self.catalog.related
        pools = [pool for _, pool, _ in asked]
        if not all(self.compiled_layout[pool] for pool in pools):
            return None
        lists = [related[pool] for pool in pools]
        anchors = np.concatenate([[anchor], history]).astype(np.int64)
        weights = self.anchor_weights(len(history))
        size = sum(len(anchors) * r.rows.shape[1] for r in lists)
        rows = np.empty(size, dtype=np.int64)
        parts = np.empty((size, lists[0].parts.shape[2]))
        age = np.empty(size)
        fresh = self.freshness
        # With freshness off the exponent is never used (the bonus is 0.0 for every candidate).
        half_life = fresh.half_life_hours if fresh.enabled else 1.0
        bounds = [0]
        for r in lists:
            end = module.merge_pool(r.rows, r.parts, anchors, weights, float(weights.sum()),
                                    self.catalog.published, float(now), float(half_life),
                                    self.slots, bounds[-1], rows, parts, age)  # fmt: skip
            bounds.append(end)
        count = bounds[-1]
        rows, parts, age = rows[:count], parts[:count], age[:count]
        if fresh.enabled:  # Freshness.boost's last two steps, on the exponents
            bonus = np.exp2(age, out=age)
            bonus *= fresh.weight
        else:
            bonus = np.zeros(count)
        scores = np.empty(count)
        chosen = np.empty(sum(n for _, _, n in asked), dtype=np.int64)
        counts = np.zeros(len(asked), dtype=np.int64)
        got = module.best(
            rows,
            parts,
            bonus,
            np.array(bounds, dtype=np.int64),
            np.array([n for _, _, n in asked], dtype=np.int64),
            np.ascontiguousarray(banned, dtype=np.int64),
            self.rules.boost if self.any_boost else _NO_FLOATS,
            self.allowed if self.any_blocked else _NO_FLAGS,
            self.catalog.expires if self.any_expiring else _NO_FLOATS,
            float(now),
            scores,
            chosen,
            counts,
        )
        if got < 0:
            return None
        chosen = chosen[:got]
        return split_chosen(rows[chosen], scores[chosen], counts)

    def scored_pools(
        self,
        asked: list[tuple[int, str, int]],
        anchor: int,
        history: Ints,
        banned: Ints,
        now: float,
    ) -> list[tuple[list[int], list[float]]]:
        """`select_pools`' best of each asked `(place, pool, n)`, from the whole related lists,
        before its near-duplicate check."""
        if len(history):
            anchors = np.concatenate([[anchor], history]).astype(np.int64)
        else:
            anchors = np.array([anchor], dtype=np.int64)
        weights = self.anchor_weights(len(history))
        pools = [pool for _, pool, _ in asked]
        related = self.catalog.related
        if len(anchors) > 1:
            rows, parts, sizes = self.merged_candidates(pools, anchors, weights)
        else:  # each list as stored (`candidates` of one anchor), parts by part as stored
            rows = np.concatenate([related[pool].rows[anchor] for pool in pools])
            parts = np.concatenate([related[pool].parts[anchor] for pool in pools]).T
            sizes = [related[pool].rows.shape[1] for pool in pools]
        # `select`'s steps, for every pool's candidates at once (keep_mask's `ascending` search
        # is per list; `isin` gives the same mask for the concatenation).
        keep = self.keep_mask(rows, banned, False, NO_FILTERS, now)
        published = self.catalog.published[rows]
        scores = np.add(parts[0], parts[1], dtype=np.float64)  # as `select`'s float64 parts
        for part in parts[2:]:
            scores += part
        scores += self.freshness.boost(published, now)
        if self.any_boost:
            scores += self.rules.boost[rows]
        everything = bool(keep.all())
        if not everything:
            scores[~keep] = -np.inf
        orders: list[Ints] = []
        start = 0
        for (_, _, n), size in zip(asked, sizes, strict=True):
            stop = start + size
            order = np.asarray(best_first(scores[start:stop], n), dtype=np.int64) + start
            if not everything:
                order = order[keep[order]]
            orders.append(order)
            start = stop
        chosen = np.concatenate(orders) if len(orders) > 1 else orders[0]
        row_list, score_list = rows[chosen].tolist(), scores[chosen].tolist()
        picked: list[tuple[list[int], list[float]]] = []
        start = 0
        for order in orders:
            stop = start + len(order)
            picked.append((row_list[start:stop], score_list[start:stop]))
            start = stop
        return picked

    def anchor_weights(self, history: int) -> Floats:
        """Weights of the anchor (1) and of `history` history items (kept per length)."""
        weights = self._weights.get(history)
        if weights is None:
            s = self.settings
            weights = np.concatenate(
                [[1.0], history_weights(history, s.history_weight, s.history_decay)]
            )
            weights.flags.writeable = False
            self._weights[history] = weights
        return weights

    def keep_mask(
        self, rows: Ints, banned: Ints, ascending: bool, filters: Filters, now: float
    ) -> npt.NDArray[np.bool_]:
        """Candidates that may be shown: not padding, not blocked or expired, not banned, and
        matching the filters. `ascending`: rows are sorted (a merge of lists)."""
        keep = rows >= 0
        if self.any_blocked:
            keep &= self.allowed[rows]
        if self.any_expiring:
            keep &= self.catalog.expires[rows] > now
        if len(banned) == 1:
            keep &= rows != banned[0]
        elif ascending and len(rows):  # look the few banned rows up instead
            at = np.minimum(np.searchsorted(rows, banned), len(rows) - 1)
            keep[at[rows[at] == banned]] = False
        else:
            keep &= ~isin(rows, banned)
        if filters.active:
            keep &= self.filter_mask(rows, filters, now)
        return keep

    def ranked(self, rows: Ints, scores: Floats, parts: Floats, fresh: Floats) -> Ranked:
        """The chosen rows with their scores and its parts (`parts` by part), as a `Ranked`."""
        rule = self.rules.boost[rows]
        return Ranked(rows, scores, parts.T, fresh, rule, np.zeros(len(rows), dtype=bool))

    def pin(
        self,
        ranked: Ranked,
        pool: str,
        anchor: int,
        banned: Ints,
        n: int,
        filters: Filters,
        now: float,
    ) -> Ranked:
        """Put the rules' pinned items at their places (when they may appear at all)."""
        if not self.rules.pins:
            return ranked
        pins = self.rules.pins_for(anchor, self.section_of[anchor])
        code = self.catalog.pool_code(pool)
        pins = [
            p
            for p in pins
            if self.catalog.pools[p.row] == code
            and p.row not in banned
            and self.servable(np.array([p.row]), now)[0]
            and self.filter_mask(np.array([p.row]), filters, now)[0]
        ]
        if not pins or n <= 0:
            return ranked
        rows = list(ranked.rows)
        fields = [
            list(ranked.scores),
            list(ranked.parts),
            list(ranked.freshness),
            list(ranked.rule),
        ]
        if ranked.signals is not None:
            fields.append(list(ranked.signals))
        pinned = list(ranked.pinned)
        for p in sorted(pins, key=lambda p: p.position):
            if p.row in rows:
                at = rows.index(p.row)
                values = [f.pop(at) for f in fields]
                rows.pop(at)
                pinned.pop(at)
            else:
                values = self.pinned_values(p.row, anchor, now)
                if ranked.signals is not None:  # a pin is placed, not scored: no signals
                    values.append(np.zeros(len(SIGNAL_PARTS)))
            place = min(p.position - 1, len(rows))
            rows.insert(place, p.row)
            pinned.insert(place, True)
            for f, v in zip(fields, values, strict=True):
                f.insert(place, v)
        signal_parts = None
        if ranked.signals is not None:
            signal_parts = np.asarray(fields[4][:n], dtype=np.float64).reshape(
                -1, len(SIGNAL_PARTS)
            )
        return Ranked(
            np.asarray(rows[:n], dtype=np.int64),
            np.asarray(fields[0][:n], dtype=np.float64),
            np.asarray(fields[1][:n], dtype=np.float64).reshape(-1, len(PARTS)),
            np.asarray(fields[2][:n], dtype=np.float64),
            np.asarray(fields[3][:n], dtype=np.float64),
            np.asarray(pinned[:n], dtype=bool),
            signal_parts,
        )

    def pinned_values(self, row: int, anchor: int, now: float) -> list[object]:
        """Score parts of a pinned item that was not among the candidates (cosine only)."""
        cat = self.catalog
        parts = np.zeros(len(PARTS))
        parts[0] = self.dense_weight * float(cat.vectors[row] @ cat.vectors[anchor])
        fresh = float(self.freshness.boost(cat.published[[row]], now)[0])
        rule = float(self.rules.boost[row])
        return [float(parts.sum()) + fresh + rule, parts, fresh, rule]
