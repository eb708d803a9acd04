"""Near-duplicate groups (same canonical URL or near-identical text) and MMR diversification."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from recommender.serving.topk import best_first

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def canonical_url(url: str) -> str:
    """Scheme-, case-, query-, fragment- and trailing-slash-insensitive form of a URL (one that
    no parser reads, in a snapshot built before imports refused them, stands for itself)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # `http://[zz]/x`
        return url.strip().lower()
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}"


def duplicate_groups(
    urls: Sequence[str],
    neighbour_rows: npt.NDArray[np.int32],
    neighbour_scores: npt.NDArray[np.float32],
    threshold: float,
) -> Ints:
    """A group id per row: rows sharing a canonical URL, or whose vectors are at least `threshold`
    similar (read from the precomputed neighbour lists), share a group. Threshold > 1 only groups
    equal URLs. Groups are transitive (connected components), computed once per snapshot load.
    """
    n = len(urls)
    first: dict[str, int] = {}
    url_src: list[int] = []
    url_dst: list[int] = []
    for row, url in enumerate(urls):
        key = canonical_url(url)
        if key in first:
            url_src.append(row)
            url_dst.append(first[key])
        else:
            first[key] = row
    src, col = np.nonzero((neighbour_scores >= threshold) & (neighbour_rows >= 0))
    dst = neighbour_rows[src, col].astype(np.int64)
    all_src = np.concatenate([np.asarray(url_src, dtype=np.int64), src.astype(np.int64)])
    all_dst = np.concatenate([np.asarray(url_dst, dtype=np.int64), dst])
    graph = sp.coo_matrix((np.ones(len(all_src)), (all_src, all_dst)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def isin(values: Ints, members: Ints) -> npt.NDArray[np.bool_]:
    """`np.isin` for the request path, where `members` is usually a handful of rows (the anchor,
    the reader's history): a few comparisons, or a binary search in the sorted members, cost
    ~10x less than np.isin's sort of both arrays there."""
    if len(members) > 4:
        ordered = np.sort(members)
        at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
        return np.asarray(ordered[at] == values, dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    for member in members.tolist():
        out |= values == member
    return out


def collapse_top(
    scores: Floats, groups: Ints, published: Floats, banned_groups: set[int], need: int
) -> Ints:
    """Walk candidates best first; each duplicate group appears once, at its best member's place,
    represented by its freshest member among the candidates; groups in `banned_groups` (those of
    the anchor and of items the reader has seen) are dropped whole. Reads only as many
    of the best candidates as it takes to find `need` groups (a request with history has ~1,000
    candidates and wants ~10)."""
    count = len(scores)
    if need <= 0 or count == 0:
        return np.zeros(0, dtype=np.int64)
    banned = np.fromiter(banned_groups, dtype=np.int64, count=len(banned_groups))
    k = min(count, 2 * need + len(banned))
    while True:
        top = best_first(scores, k)
        group = groups[top]
        seen, first = np.unique(group, return_index=True)
        first = np.sort(first[~isin(seen, banned)])
        if len(first) >= need or k == count:
            break
        k = min(count, 4 * k)
    chosen = group[first[:need]]  # the groups shown, in order of their best member
    members = np.flatnonzero(isin(groups, chosen))
    if len(members) == len(chosen):  # no other candidate shares a chosen group
        return np.asarray(top[first[:need]], dtype=np.int64)
    # Each group's freshest candidate; ties go to the better ranked (higher score, then position).
    by_group = np.lexsort((members, -scores[members], -published[members], groups[members]))
    ordered = members[by_group]
    heads = np.ones(len(ordered), dtype=bool)
    heads[1:] = groups[ordered][1:] != groups[ordered][:-1]
    freshest = ordered[heads]  # one per chosen group, by ascending group id
    return np.asarray(freshest[np.searchsorted(groups[freshest], chosen)], dtype=np.int64)


def mmr(
    order: Ints,
    scores: Floats,
    vectors: npt.NDArray[np.float32],
    n: int,
    lam: float,
) -> Ints:
    # `scores` and `vectors` are indexed by candidate position, like `order`'s values.
    """Maximal marginal relevance: repeatedly take argmax `lam * score - (1 - lam) * max_sim`,
    where max_sim is the cosine to anything already chosen. `lam = 1` keeps the order.

    Only the best `4 n` candidates are considered, so the cost stays a small matrix product.
    """
    if lam >= 1.0 or len(order) <= 1 or n <= 1:
        return order[:n]
    pool = order[: max(4 * n, n)]
    vecs = np.asarray(vectors[pool], dtype=np.float32)
    sims = vecs @ vecs.T
    rel = scores[pool]
    chosen: list[int] = []
    max_sim = np.full(len(pool), -np.inf)
    available = np.ones(len(pool), dtype=bool)
    for _ in range(min(n, len(pool))):
        penalty = np.where(np.isfinite(max_sim), max_sim, 0.0)
        value = np.where(available, lam * rel - (1 - lam) * penalty, -np.inf)
        pick = int(np.argmax(value))
        chosen.append(pick)
        available[pick] = False
        max_sim = np.maximum(max_sim, sims[pick])
    return np.asarray([pool[i] for i in chosen], dtype=np.int64)
