"""Precomputed candidates of the plain answer for an article, valid over a window of time.

The widget's commonest request names one article: no history, no filter, no explanation. Its
uncached answer (`Selector.select_pools`) reads each editorial pool's related list of the article
(100 rows and their relevance parts) and gathers every candidate's publication time to score
them. At 1M items those reads miss the CPU's caches and TLB: the memory-mapped lists spread over
gigabytes, and they cost about as much as all the rest of the answer (issue #15).

Only a few candidates can ever win. A score is the relevance (fixed per snapshot) plus the
freshness bonus, and the bonus never grows with time. Over a window [start, end] every
candidate's score therefore lies between its score at `end` (its lower bound) and at `start`
(its upper bound). Let L be the c-th highest lower bound of a list, c being the pool's default
count plus `MARGIN`. A candidate whose upper bound is below L is beaten, at every moment of the
window, by c candidates; it cannot be among the best `n` for any n up to the default count while
at most `MARGIN` of those c are taken away (the reader's `exclude`). What is left, a handful per
list, is stored per article in anonymous memory, side by side: rows, relevance (the parts summed
in the order `select_pools` sums them) and publication times.

A request in the window scores those few exactly as `select_pools` scores the whole list (the
same operations on the same values, so the same floats) and picks the best as `best_first`
does, in list order for ties. Anything else (a time outside the window, more than `MARGIN`
excluded rows, a count above the default, a list with too many contenders) returns None and takes
the full path. `tests/serving/test_precomputed.py` checks the two answers bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.articles import EDITORIAL_POOLS
from recommender.serving.catalog import Catalog
from recommender.serving.diversity import isin
from recommender.serving.freshness import Freshness
from recommender.serving.rendering import rounded
from recommender.serving.topk import best_first

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

MARGIN = 2  # excluded rows a request may name and still be answered from the precomputed few
WIDTH = 12  # candidates kept per article and pool at most; a list with more contenders: not kept
ROOM = 4  # with larger default counts: that count, the margin and this many more
CHUNK = 16384  # articles computed at once (bounds the temporaries: ~100 MB at lists of 100)
# Freshness is computed in floating point: the bounds get this slack, so that a rounding step
# that is not monotone in the clock could never drop a candidate that may win.
SLACK = 1e-9


@dataclass(frozen=True)
class PlainCandidates:
    """The candidates of each article's plain answer that can win between `start` and `end`."""

    start: float
    end: float
    pools: tuple[str, ...]
    covers: tuple[int, ...]  # per pool: the largest count answered from here (its default)
    width: int  # candidates kept per article and pool at most
    counts: npt.NDArray[np.int16]  # (articles, pools): candidates kept, -1: none (full path)
    rows: npt.NDArray[np.int32]  # (articles, pools * width), list order within each pool
    relevance: Floats  # (articles, pools * width): the parts summed as select_pools sums them
    published: Floats  # (articles, pools * width)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.counts, self.rows, self.relevance, self.published))

    def kept(self) -> float:
        """The share of (article, pool) lists answered from here."""
        return float(np.mean(self.counts >= 0)) if self.counts.size else 0.0

    def answers(self, wants: list[tuple[str, int]], now: float, excluded: int) -> bool:
        """Whether a plain request for these (pool, count)s at `now` with `excluded` rows
        besides the article may be answered from here (the lists' own counts aside)."""
        if not self.start <= now <= self.end or excluded > MARGIN:
            return False
        for pool, n in wants:
            if pool not in self.pools or n > self.covers[self.pools.index(pool)]:
                return False
        return True


def compute(
    catalog: Catalog,
    freshness: Freshness,
    allowed: npt.NDArray[np.bool_] | None,
    boost: Floats | None,
    covers: dict[str, int],
    start: float,
    hours: float,
) -> PlainCandidates:
    """The candidates that can win each article's plain answer between `start` and `start` plus
    `hours`. `allowed`: rows not blocked (None: none is); `boost`: the rules' boost per row
    (None: none); `covers`: per editorial pool, the largest count to answer."""
    end = start + hours * 3600.0
    pools = tuple(p for p in EDITORIAL_POOLS if p in catalog.related and p in covers)
    size = catalog.size
    counts = np.full((size, len(pools)), -1, dtype=np.int16)
    width = max([WIDTH, *(covers[p] + MARGIN + ROOM for p in pools)])
    rows = np.zeros((size, len(pools) * width), dtype=np.int32)
    relevance = np.zeros((size, len(pools) * width), dtype=np.float64)
    published = np.zeros((size, len(pools) * width), dtype=np.float64)
    expiring = bool(np.isfinite(catalog.expires).any())
    for p, pool in enumerate(pools):
        related = catalog.related[pool]
        contenders = covers[pool] + MARGIN
        columns = slice(p * width, (p + 1) * width)
        for first in range(0, size, CHUNK):
            last = min(size, first + CHUNK)
            got = _chunk(
                np.asarray(related.rows[first:last], dtype=np.int64),
                np.asarray(related.parts[first:last]),
                np.arange(first, last, dtype=np.int64),
                catalog,
                freshness,
                allowed,
                boost,
                expiring,
                contenders,
                width,
                start,
                end,
            )
            counts[first:last, p], rows[first:last, columns] = got[0], got[1]
            relevance[first:last, columns], published[first:last, columns] = got[2], got[3]
    return PlainCandidates(
        start,
        end,
        pools,
        tuple(covers[p] for p in pools),
        width,
        counts,
        rows,
        relevance,
        published,
    )


def _chunk(
    rows: Ints,
    parts: npt.NDArray[np.float32],
    anchors: Ints,
    catalog: Catalog,
    freshness: Freshness,
    allowed: npt.NDArray[np.bool_] | None,
    boost: Floats | None,
    expiring: bool,
    contenders: int,
    width: int,
    start: float,
    end: float,
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int32], Floats, Floats]:
    """`compute` for the lists of `anchors` (rows and parts as stored)."""
    # The relevance exactly as select_pools sums it: float64 from the first two parts, then
    # each further part added in place.
    relevance = np.add(parts[..., 0], parts[..., 1], dtype=np.float64)
    for j in range(2, parts.shape[2]):
        relevance += parts[..., j]
    published = catalog.published[rows]
    valid = (rows >= 0) & (rows != anchors[:, None])  # the article itself is always banned
    if allowed is not None:
        valid &= allowed[rows]
    sure = valid.copy()  # may be shown at every moment of the window: they bound the others
    if expiring:
        expires = catalog.expires[rows]
        valid &= expires > start
        sure &= expires > end
    upper = relevance + freshness.boost(published, start)
    lower = relevance + freshness.boost(published, end)
    if boost is not None:
        upper += boost[rows]
        lower += boost[rows]
    upper[~valid] = -np.inf
    lower[~sure] = -np.inf
    listed = rows.shape[1]
    if contenders <= listed:
        bound = np.partition(lower, listed - contenders, axis=1)[:, listed - contenders]
        keep = valid & (upper >= (bound - SLACK)[:, None])
    else:
        keep = valid
    counts = keep.sum(axis=1)
    order = np.argsort(~keep, axis=1, kind="stable")[:, :width]  # kept first, in list order
    if order.shape[1] < width:
        order = np.pad(order, ((0, 0), (0, width - order.shape[1])))
    stored = np.where(counts <= width, counts, -1).astype(np.int16)
    return (
        stored,
        np.take_along_axis(rows, order, axis=1).astype(np.int32),
        np.take_along_axis(relevance, order, axis=1),
        np.take_along_axis(published, order, axis=1),
    )


def pick(
    plain: PlainCandidates,
    wants: list[tuple[str, int]],
    anchor: int,
    banned: Ints,
    now: float,
    freshness: Freshness,
    boost: Floats | None,
    expires: Floats | None,
    module: Any = None,
    *,
    raw: bool = False,
) -> list[tuple[list[int], list[float]]] | None:
    """`select_pools`' choice for a plain request of one article from the precomputed
    candidates, before its near-duplicate check, its scores rounded as an answer shows them
    (`rendering.rounded`; not rounded with `raw`, numpy's path only); None where they cannot
    answer it.

    With `module` (the compiled loops of recommender.serving.kernels, built by `make setup`):
    the same rows and the same floats in two calls and numpy's `exp2` instead of some twenty
    numpy steps. The freshness exponent's `exp2` stays numpy's, as in `Freshness.boost`
    (numpy's SIMD `exp2` and libm's differ in the last bit); the other steps are exact IEEE
    operations in the same order, so the same bits."""
    if module is not None:
        lists, asked, size = _wanted(plain.pools, wants)
        bonus = np.empty(plain.rows.shape[1])
        weight = 1.0
        if freshness.enabled:
            module.plain_ages(plain.published, anchor, now, freshness.half_life_hours, bonus)
            np.exp2(bonus, out=bonus)
            weight = freshness.weight
        else:  # Freshness.boost's zeros
            bonus.fill(0.0)
        out_rows, out_scores = np.empty(size, dtype=np.int64), np.empty(size)
        out_counts = np.empty(len(wants), dtype=np.int64)
        others = NO_ROWS if len(banned) < 2 else np.ascontiguousarray(banned[1:], dtype=np.int64)
        chosen = module.plain_choose(
            plain.counts, plain.rows, plain.relevance, anchor, lists, asked, plain.width,
            others, NO_FLOATS if boost is None else boost,
            NO_FLOATS if expires is None else expires, now, bonus, weight, MARGIN, out_rows,
            out_scores, out_counts,
        )  # fmt: skip
        if chosen < 0:
            return None
        return split_chosen(out_rows[:chosen], out_scores[:chosen], out_counts)
    counts = plain.counts[anchor].tolist()
    places = [plain.pools.index(pool) for pool, _ in wants]
    if any(counts[p] < 0 for p in places):
        return None
    rows = plain.rows[anchor]
    scores = plain.relevance[anchor] + freshness.boost(plain.published[anchor], now)
    if boost is not None:
        scores += boost[rows]
    keep = None
    if len(banned) > 1 or expires is not None:
        keep = np.ones(len(rows), dtype=bool)
        if len(banned) > 1:
            excluded = isin(rows, banned[1:])
            for p in places:  # a list may hold a row twice: count the entries taken away
                first = p * plain.width
                if np.count_nonzero(excluded[first : first + counts[p]]) > MARGIN:
                    return None
            keep &= ~excluded
        if expires is not None:
            keep &= expires[rows] > now
        scores[~keep] = -np.inf
    out: list[tuple[list[int], list[float]]] = []
    for p, (_, n) in zip(places, wants, strict=True):
        first = p * plain.width
        order = best_first(scores[first : first + counts[p]], n) + first
        if keep is not None:
            order = order[keep[order]]
        taken = scores[order].tolist()
        out.append((rows[order].tolist(), taken if raw else rounded(taken)))
    return out


NO_FLOATS = np.zeros(0, dtype=np.float64)  # `plain_choose`'s "no boost" / "nothing expires"
NO_ROWS = np.zeros(0, dtype=np.int64)
# `pick`'s arrays (compiled path) of each (pools, wants) asked: the places and counts of the wants.
_WANTED: dict[tuple[tuple[str, ...], tuple[tuple[str, int], ...]], tuple[Ints, Ints, int]] = {}


def _wanted(pools: tuple[str, ...], wants: list[tuple[str, int]]) -> tuple[Ints, Ints, int]:
    key = (pools, tuple(wants))
    got = _WANTED.get(key)
    if got is None:
        places = np.array([pools.index(pool) for pool, _ in wants], dtype=np.int64)
        counts = np.array([n for _, n in wants], dtype=np.int64)
        got = (places, counts, sum(n for _, n in wants))
        if len(_WANTED) < 1024:  # requests choose among a few counts; bounded all the same
            _WANTED[key] = got
    return got


def split_chosen(
    rows: npt.NDArray[np.integer[Any]], scores: Floats, counts: Ints
) -> list[tuple[list[int], list[float]]]:
    """Chosen rows and scores, pool after pool, as each pool's (rows, scores) lists."""
    row_list, score_list = rows.tolist(), scores.tolist()
    out: list[tuple[list[int], list[float]]] = []
    start = 0
    for count in counts.tolist():
        out.append((row_list[start : start + count], score_list[start : start + count]))
        start += count
    return out
