"""Compiled loops of the request path: a reader's history merged with the article's lists, and
the choice of a plain answer's editorial and sponsored items.

An answer with `history=` merges the related lists of the article and of each history item
(`Selector.merged_candidates`: one `np.unique` and one weighted `bincount` per part), then
scores, masks and cuts every pool's candidates (`Selector.scored_pools`): some forty numpy calls
on a few hundred numbers, whose fixed costs, not the arithmetic, made the answer (issue #15). The
two loops `merge_pool` and `best` do the same work in two calls, with the same floating-point
operations in the same order, so the same bits: each candidate's weighted parts are added in
anchor order from 0.0, divided by the weights' sum, summed part by part, given its freshness and
its rule's boost. Freshness itself stays numpy's `exp2` (its own SIMD code on some CPUs, which
libm's may differ from in the last bit): `merge_pool` leaves the exponent, the caller applies
`np.exp2`. A plain answer of one article does the same with its precomputed candidates
(`plain_ages`, numpy's `exp2`, `plain_choose`: `precomputed.pick` given the module), and its sponsored
section after its matrix product (`sponsored_choose`).

Both choices also round each chosen score as the API shows it (`round(score, 4)`, which costs
a request a dozen calls of Python's decimal rounding otherwise): `rint(score * 10**4) / 10**4` is
that same float wherever `score * 10**4` is not within a millionth of a half (then the product's
own rounding error, below 2**-23 under the limit of 10**9, cannot change which integer is
nearest, and IEEE division gives the float nearest that integer's 10**4-th part, as Python's
decimal rounding does); a score near a half, NaN or beyond the limit makes the loop return -1 and
the numpy path, which rounds with Python, answers instead.

`make setup` builds these loops ahead of time (`recommender.pipeline.ahead`, the `SERVING` set);
the service loads that module without importing numba. Without it (no C compiler, or the source
changed since the build) `built()` is None and the numpy paths answer: the same rows and the
same bits, tested (`tests/serving/test_history_kernels.py`,
`tests/serving/test_plain_pick_kernel.py`). The module's functions hold the GIL for their whole
call, so the one scratch array of a selector (`slots`) is never used by two threads at once.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

# Chosen scores are rounded to SCORE_DIGITS places in the loops (see the module doc).
SCORE_SCALE = 10000.0  # 10 ** SCORE_DIGITS (recommender.serving.rendering.SCORE_DIGITS)
TIE_MARGIN = 0.5 - 1e-6  # |scaled - rint(scaled)| below this: no half is near
SCALED_LIMIT = 1e9  # |scaled| below this: its rounding error stays below 2**-23


@functools.cache
def built() -> Any:
    """The loops built ahead of time by `make setup`, or None (then the numpy path answers)."""
    from recommender.pipeline import ahead

    return ahead.load(kernels=ahead.SERVING)


def _merge_pool(
    rows: Any,
    parts: Any,
    anchors: Any,
    weights: Any,
    total: float,
    published: Any,
    now: float,
    half_life: float,
    slots: Any,
    start: int,
    out_rows: Any,
    out_parts: Any,
    out_age: Any,
) -> int:
    """Merge the lists `rows[a]` (parts `parts[a]`) of every anchor `a` into the candidates
    from `start` on, each row once, in first-seen order: its parts are the anchors' weighted
    parts added in anchor order and divided by `total`, and `out_age` is the exponent of its
    freshness (`-(max(now - published, 0) / 3600) / half_life`). Returns the end of the
    candidates. `slots` (one per catalogue row, all -1) is left as it was found."""
    end = start
    width = rows.shape[1]
    for i in range(anchors.shape[0]):
        anchor = anchors[i]
        weight = weights[i]
        for s in range(width):
            row = rows[anchor, s]
            if row < 0:
                continue
            at = slots[row]
            if at < 0:
                at = end
                slots[row] = at
                out_rows[at] = row
                for j in range(parts.shape[2]):
                    out_parts[at, j] = 0.0
                end += 1
            for j in range(parts.shape[2]):
                out_parts[at, j] += np.float64(parts[anchor, s, j]) * weight
    for at in range(start, end):
        slots[out_rows[at]] = -1
        for j in range(out_parts.shape[1]):
            out_parts[at, j] = out_parts[at, j] / total
        age = now - published[out_rows[at]]
        if age < 0.0:
            age = 0.0
        out_age[at] = -(age / 3600.0) / half_life
    return end


def _best(
    rows: Any,
    parts: Any,
    fresh: Any,
    bounds: Any,
    wants: Any,
    banned: Any,
    boost: Any,
    allowed: Any,
    expires: Any,
    now: float,
    out_scores: Any,
    out_chosen: Any,
    out_counts: Any,
) -> int:
    """Score the merged candidates (`_merge_pool`'s, pools between `bounds`) as `scored_pools`
    does and choose each pool's best `wants[p]` among those that may be shown (not banned, not
    blocked: `allowed`, not expired: `expires`; empty arrays: no such check), ties to the lower
    row (the numpy path's order). Writes every score to `out_scores`, the chosen candidates,
    pool after pool, to `out_chosen` and each pool's number of them to `out_counts`; returns
    their count, or -1 when a score is NaN (the numpy path then decides)."""
    count = rows.shape[0]
    for at in range(count):
        score = parts[at, 0] + parts[at, 1]
        for j in range(2, parts.shape[1]):
            score += parts[at, j]
        score += fresh[at]
        if boost.shape[0]:
            score += boost[rows[at]]
        if score != score:
            return -1
        out_scores[at] = score
    taken = np.zeros(count, dtype=np.bool_)
    for at in range(count):
        row = rows[at]
        shown = True
        for b in range(banned.shape[0]):
            if banned[b] == row:
                shown = False
        if allowed.shape[0] and not allowed[row]:
            shown = False
        if expires.shape[0] and not expires[row] > now:
            shown = False
        taken[at] = not shown
    chosen = 0
    for p in range(wants.shape[0]):
        first = chosen
        for _ in range(wants[p]):
            best = -1
            for at in range(bounds[p], bounds[p + 1]):
                if taken[at]:
                    continue
                if (
                    best < 0
                    or out_scores[at] > out_scores[best]
                    or (out_scores[at] == out_scores[best] and rows[at] < rows[best])
                ):
                    best = at
            if best < 0:
                break
            taken[best] = True
            out_chosen[chosen] = best
            chosen += 1
        out_counts[p] = chosen - first
    return chosen


def _plain_ages(published: Any, anchor: int, now: float, half_life: float, out: Any) -> None:
    """The exponent of each precomputed candidate's freshness for `anchor` at `now`
    (`Freshness.boost`'s steps before its `exp2`, in its order): `-(max(now - p, 0) / 3600) /
    half_life` for every `published[anchor]` (recommender.serving.precomputed)."""
    for i in range(published.shape[1]):
        age = now - published[anchor, i]
        if age < 0.0:
            age = 0.0
        out[i] = -(age / 3600.0) / half_life


def _plain_choose(
    counts: Any,
    rows: Any,
    relevance: Any,
    anchor: int,
    places: Any,
    wants: Any,
    width: int,
    banned: Any,
    boost: Any,
    expires: Any,
    now: float,
    bonus: Any,
    weight: float,
    margin: int,
    out_rows: Any,
    out_scores: Any,
    out_counts: Any,
) -> int:
    """`precomputed.pick` after numpy's `exp2` of the freshness exponents (`bonus`, one per
    candidate of `anchor`; the bonus is that times `weight`, as `Freshness.boost` multiplies):
    each wanted pool's best `wants[p]` among the `counts[anchor, places[p]]` candidates of list
    `places[p]`, scored as `pick` scores them (relevance + bonus, + `boost[row]`; banned or
    expired candidates at -inf), in the order of numpy's stable argsort of the negated scores,
    cut to `wants[p]` and then to the candidates that may be shown, as `pick` does. `banned`:
    the request's banned rows but the article's own; `boost`, `expires`: empty arrays when
    there are none. Writes the chosen rows and scores pool after pool and each pool's number of
    them, each score rounded to four places (module doc); returns their count, or -1 where
    `pick` returns None (a list not kept, or more than `margin` of a list's entries excluded)
    or a chosen score cannot be rounded here."""
    for p in range(places.shape[0]):
        if counts[anchor, places[p]] < 0:
            return -1
    total = rows.shape[1]
    checks = banned.shape[0] > 0 or expires.shape[0] > 0
    scores = np.empty(total)
    keep = np.ones(total, dtype=np.bool_)
    for i in range(total):
        score = relevance[anchor, i] + bonus[i] * weight
        if boost.shape[0]:
            score += boost[rows[anchor, i]]
        scores[i] = score
    if checks:
        for p in range(places.shape[0]):
            first = places[p] * width
            excluded = 0
            for i in range(first, first + counts[anchor, places[p]]):
                for b in range(banned.shape[0]):
                    if rows[anchor, i] == banned[b]:
                        excluded += 1
                        break
            if excluded > margin:
                return -1
        for i in range(total):
            row = rows[anchor, i]
            for b in range(banned.shape[0]):
                if row == banned[b]:
                    keep[i] = False
            if expires.shape[0] and not expires[row] > now:
                keep[i] = False
            if not keep[i]:
                scores[i] = -np.inf
    order = np.empty(width, dtype=np.int64)
    chosen = 0
    for p in range(places.shape[0]):
        first = places[p] * width
        count = counts[anchor, places[p]]
        # A stable insertion sort of the keys -score in numpy's ascending order (NaN last).
        for j in range(count):
            at = first + j
            key = -scores[at]
            k = j
            while k > 0:
                other = -scores[order[k - 1]]
                if not ((key < other) or (other != other and key == key)):
                    break
                order[k] = order[k - 1]
                k -= 1
            order[k] = at
        start = chosen
        for j in range(min(wants[p], count)):
            at = order[j]
            if checks and not keep[at]:
                continue
            scaled = scores[at] * SCORE_SCALE  # rounded as the API shows it (module doc)
            whole = np.rint(scaled)
            if not (abs(scaled - whole) < TIE_MARGIN and abs(scaled) < SCALED_LIMIT):
                return -1
            out_rows[chosen] = rows[anchor, at]
            out_scores[chosen] = whole / SCORE_SCALE
            chosen += 1
        out_counts[p] = chosen - start
    return chosen


def _sponsored_choose(
    cosine: Any, ctr: Any, rows: Any, n: int, out_rows: Any, out_scores: Any
) -> int:
    """The sponsored section's choice (`Recommender._sponsored`) after its one matrix product:
    each live item's score is its `cosine` (float32, widened) plus its weighted `ctr` (an empty
    array: none), and the best `n` are taken in the order of numpy's stable argsort of the
    negated scores (NaN last, ties to the earlier item), as `top_n` takes them. Writes their
    `rows` and scores rounded to four places (module doc); returns their count, or -1 where a
    chosen score cannot be rounded here."""
    count = cosine.shape[0]
    taken = np.zeros(count, dtype=np.bool_)
    chosen = 0
    for _ in range(min(n, count)):
        best = -1
        best_key = 0.0
        for i in range(count):
            if taken[i]:
                continue
            score = np.float64(cosine[i])
            if ctr.shape[0]:
                score += ctr[i]
            key = -score
            if best < 0 or key < best_key or (best_key != best_key and key == key):
                best = i
                best_key = key
        taken[best] = True
        scaled = -best_key * SCORE_SCALE  # rounded as the API shows it (module doc)
        whole = np.rint(scaled)
        if not (abs(scaled - whole) < TIE_MARGIN and abs(scaled) < SCALED_LIMIT):
            return -1
        out_rows[chosen] = rows[best]
        out_scores[chosen] = whole / SCORE_SCALE
        chosen += 1
    return chosen
